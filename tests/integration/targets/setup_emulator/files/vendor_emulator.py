# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Loopback HTTPS emulator of five vendors' token endpoints and a few protected API endpoints.

Used by the vendor.tokens integration tests and demo.  Standard library plus ``cryptography`` only.

Running it
==========

Foreground (serves until SIGINT/SIGTERM, the idle timeout or the maximum lifetime)::

    python vendor_emulator.py [--state-dir DIR] [--host 127.0.0.1] [--port 0]
                              [--idle-exit 900] [--max-lifetime 7200]

Background (prints the state as one JSON line; reuses a live emulator already running in DIR)::

    python vendor_emulator.py --detach --state-dir DIR
    python vendor_emulator.py --stop --state-dir DIR

At start it creates in the state dir (default: a new temporary directory) a CA (``ca.pem``), a server
certificate for ``localhost``/``127.0.0.1``/``::1`` and a second certificate valid only for
``wrong-host.invalid``, starts three listeners and then writes ``state.json`` atomically::

    {"url": "https://127.0.0.1:PORT",             # main listener
     "ca_path": "/abs/DIR/ca.pem",                # trust this CA
     "wrong_host_url": "https://127.0.0.1:PORT2", # same service, certificate for the wrong host
     "http_url": "http://127.0.0.1:PORT3",        # same service over plain HTTP
     "pid": PID}

``--idle-exit 0`` / ``--max-lifetime 0`` disable the respective timer.  ``--detach`` logs to DIR/emulator.log.

Default credentials
===================

=========== ==================================================================================
paloalto    client_id ``emulator-sa@1838006364.iam.panserviceaccount.com``,
            client_secret ``emulator-pa-secret``, tsg_id ``1838006364``
checkpoint  api_key ``emulator-cp-api-key``
forticasb   username ``emulator@forticasb.test``, password ``emulator-fc-password``
plainid     client_id ``emulator-plainid-client``, client_secret ``emulator-plainid-secret``
keepz       client_id ``0f8fad5b-d9cb-4fcf-a6d5-3b5a0c1e8f11``, client_secret ``emulator-keepz-secret``
=========== ==================================================================================

Token endpoints (POST only)
===========================

paloalto    /oauth2/access_token, /am/oauth2/access_token, /auth/v1/oauth2/access_token
            (form; HTTP Basic or form client_id/client_secret; scope=tsg_id:<tsg>; lifetime 899)
checkpoint  /api/v1/auth/authorize (JSON {"grantType": "api_key", "apiKey": ...}; lifetime 3600)
forticasb   /api/v1/auth/token (form grant_type=password) and /api/v1/auth/token/refresh
            (form grant_type=refresh_token); ``expires`` is written like Java: 1.585002117836E12
plainid     /api/1.0/api-key/token (form client_credentials; any failure is a 401 with an empty body)
keepz       /api/auth (JSON client_id/client_secret/grant_type; errors carry statusCode 5039/5013/5003/5021)

Access tokens are HS256 JWTs signed with a per-run secret.  Protected endpoints (Bearer token of the
right vendor, not expired): paloalto GET/POST /sse/config/v1/addresses, GET /sse/config/v1/addresses/<id>;
checkpoint GET /api/rest/v1/networks; forticasb GET /api/v1/company; plainid GET /api/1.0/environments;
keepz GET /api/integrator/balance.

Admin API (no auth, JSON, not counted)
======================================

GET    /_emulator/stats   {"counts": {"paloalto_token": n, ..., "keepz_api": n}, "auth_requests": n,
                          "faults_pending": n, "faults": [...], "path_counts": {...}, "pid": n}
POST   /_emulator/reset   zero counters, clear faults, restore default config, forget stored addresses
GET    /_emulator/config  effective non-secret config
POST   /_emulator/config  merge {"lifetime": {"<vendor>": s}, "checkpoint_expiry_format": "iso8601|epoch_ms|epoch_s",
                          "refresh_lifetime": s, "credentials": {"<vendor>": [{...}]}}; credentials are added
                          to the accepted ones.  Unknown keys or values: 400.
GET    /_emulator/fault   list queued faults
POST   /_emulator/fault   queue {"vendor": "<vendor>|*", "endpoint": "token|refresh|api", "kind": K, "count": N, ...}
DELETE /_emulator/fault   clear the queue

Fault kinds: delay (seconds), status (status, retry_after), drop, reset, malformed, truncated, no_token, html,
token_type (value, default "mac"), expiry (value, required), redirect (location, status default 307).
Each request to a route consumes at most one fault: the oldest queued one that matches it.  Faults are
consumed only by requests with an allowed method (a 405 consumes none).  truncated, no_token, token_type and
expiry reshape successful (2xx) answers only; an error answer passes unchanged (the fault is still used up).
no_token, token_type and expiry cannot target the "api" endpoint.

Example::

    curl --cacert DIR/ca.pem -d grant_type=client_credentials -d scope=tsg_id:1838006364 \\
         -u 'emulator-sa@1838006364.iam.panserviceaccount.com:emulator-pa-secret' \\
         https://127.0.0.1:PORT/oauth2/access_token
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import base64
import copy
import datetime
import hashlib
import hmac
import http.client
import ipaddress
import json
import os
import re
import secrets
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_plus, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


ISSUER = "vendor-tokens-emulator"
CA_COMMON_NAME = "vendor.tokens emulator CA"
STATE_FILE = "state.json"
LOG_FILE = "emulator.log"
MAX_BODY = 1024 * 1024
MAX_LIFETIME_SETTING = 10 * 365 * 86400
MAX_REFRESH_TOKENS = 10000
DEFAULT_REFRESH_LIFETIME = 86400
EXPIRY_FORMATS = ("iso8601", "epoch_ms", "epoch_s")
ENDPOINTS = ("token", "refresh", "api")
HTML_BODY = b"<html><body><h1>Service temporarily unavailable</h1></body></html>"
MALFORMED_BODY = b'{"access_token": "abc",,}'

DEFAULT_CREDENTIALS = {
    "paloalto": [{"client_id": "emulator-sa@1838006364.iam.panserviceaccount.com",
                  "client_secret": "emulator-pa-secret", "tsg_id": "1838006364"}],
    "checkpoint": [{"api_key": "emulator-cp-api-key"}],
    "forticasb": [{"username": "emulator@forticasb.test", "password": "emulator-fc-password"}],
    "plainid": [{"client_id": "emulator-plainid-client", "client_secret": "emulator-plainid-secret"}],
    "keepz": [{"client_id": "0f8fad5b-d9cb-4fcf-a6d5-3b5a0c1e8f11", "client_secret": "emulator-keepz-secret"}],
}


def _log(message):
    # One short line per event; callers never pass bodies, headers or tokens.
    sys.stderr.write("%s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), message))
    sys.stderr.flush()


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ---------------------------------------------------------------------------
# JSON / JWT helpers


class RawJSON(str):
    """JSON text emitted verbatim, for values json.dumps cannot spell (Java-style 1.585002117836E12)."""


def _dumps(value):
    # A tiny serializer so that RawJSON can be embedded; key order is kept.
    if isinstance(value, RawJSON):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(key)) + ":" + _dumps(item) for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_dumps(item) for item in value) + "]"
    return json.dumps(value)


def _java_double(integer):
    """Spell a large integer like Java's Double.toString: 1585002117836 -> 1.585002117836E12."""
    digits = str(int(integer))
    significant = digits.rstrip("0") or "0"
    return "%s.%sE%d" % (significant[0], significant[1:] or "0", len(digits) - 1)


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _jwt_encode(secret, claims):
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode("utf-8"))
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    signing_input = (header + "." + payload).encode("ascii")
    return header + "." + payload + "." + _b64url(hmac.new(secret, signing_input, hashlib.sha256).digest())


def _jwt_decode(secret, token):
    """Return the claims of a token this run signed, or None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        signing_input = (parts[0] + "." + parts[1]).encode("ascii")
        signature = _b64url_decode(parts[2])
        header = json.loads(_b64url_decode(parts[0]).decode("utf-8"))
        claims = json.loads(_b64url_decode(parts[1]).decode("utf-8"))
    except ValueError:  # covers binascii, unicode and JSON errors
        return None
    if not hmac.compare_digest(signature, hmac.new(secret, signing_input, hashlib.sha256).digest()):
        return None
    if not isinstance(header, dict) or header.get("alg") != "HS256" or not isinstance(claims, dict):
        return None
    return claims


# ---------------------------------------------------------------------------
# Requests and responses


class Response:
    """An answer to send: a JSON payload (mutable, so faults can reshape it) or raw bytes."""

    def __init__(self, status, payload=None, raw=None, content_type="application/json", headers=None):
        self.status = status
        self.payload = payload
        self.raw = raw
        self.content_type = content_type
        self.headers = list(headers or [])

    def render(self):
        if self.raw is not None:
            return self.raw
        if self.payload is None:
            return b""
        return _dumps(self.payload).encode("utf-8")


def _json(status, payload, headers=None):
    return Response(status, payload, headers=headers)


def _message(status, message, headers=None):
    return Response(status, {"message": message}, headers=headers)


class Request:
    """What a route handler sees of a request."""

    def __init__(self, method, target, headers, body):
        parts = urlsplit(target)
        self.method = method
        self.target = target
        self.path = parts.path
        self.query = parse_qs(parts.query, keep_blank_values=True)
        self.headers = headers
        self.body = body
        self.params = {}

    def form(self):
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError:
            return {}
        return dict((key, values[0]) for key, values in parse_qs(text, keep_blank_values=True).items())

    def json_body(self):
        """The parsed JSON body, or None when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError:
            return None

    def query_value(self, name, default=None):
        values = self.query.get(name)
        return values[0] if values else default

    def basic_auth_candidates(self):
        """(user, password) pairs from HTTP Basic: as sent, and form-decoded as RFC 6749 2.3.1 asks."""
        scheme, _sep, value = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return []
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except ValueError:
            return [("", "")]  # Basic was attempted: fail authentication rather than fall back to the form
        user, sep, password = decoded.partition(":")
        if not sep:
            return [("", "")]
        pairs = [(user, password)]
        if (unquote_plus(user), unquote_plus(password)) != pairs[0]:
            pairs.append((unquote_plus(user), unquote_plus(password)))
        return pairs


# ---------------------------------------------------------------------------
# Token endpoint handlers: (emulator, request) -> Response


def _paloalto_token(emu, req):
    form = req.form()
    if form.get("grant_type") != "client_credentials":
        return _json(400, {"error": "unsupported_grant_type", "error_description": "Grant type not supported"})
    pairs = req.basic_auth_candidates() or [(form.get("client_id"), form.get("client_secret"))]
    client_id, creds = None, []
    for candidate_id, candidate_secret in pairs:
        creds = emu.match_credentials("paloalto", "client_id", candidate_id, "client_secret", candidate_secret)[1]
        if creds:
            client_id = candidate_id
            break
    if not creds:
        return _json(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
    scope = form.get("scope", "")
    tsg_ids = [cred["tsg_id"] for cred in creds if scope == "tsg_id:" + cred["tsg_id"]]
    if not tsg_ids:
        return _json(400, {"error": "invalid_scope", "error_description": "Invalid scope: TSG not accessible to this service account"})
    token, lifetime, _exp_ms = emu.issue("paloalto", client_id, {"scope": scope, "tsg_id": tsg_ids[0]})
    return _json(200, {"access_token": token, "scope": scope, "token_type": "Bearer", "expires_in": lifetime})


def _checkpoint_token(emu, req):
    data = req.json_body()
    if not isinstance(data, dict) or data.get("grantType") != "api_key":
        return _message(400, "Bad request: grantType must be api_key")
    api_key = data.get("apiKey")
    if not emu.match_credentials("checkpoint", None, None, "api_key", api_key)[1]:
        return _json(401, {"message": "Invalid API key", "statusCode": 401})
    # The subject must not reveal the key, so use a short digest of it.
    subject = "api-key-" + hashlib.sha256(api_key.encode("utf-8")).hexdigest()[:12]
    token, _lifetime, exp_ms = emu.issue("checkpoint", subject)
    return _json(200, {"data": {"tokenType": "bearer", "accessToken": token, "accessTokenExpire": emu.checkpoint_expiry(exp_ms)}})


def _forticasb_success(emu, username, refresh_token=None):
    token, _lifetime, exp_ms = emu.issue("forticasb", username)
    body = {"token_type": "bearer", "expires": RawJSON(_java_double(exp_ms)), "access_token": token}
    if refresh_token is not None:
        body["refresh_token"] = refresh_token
    return _json(200, body)


def _forticasb_token(emu, req):
    form = req.form()
    if form.get("grant_type") != "password":
        return _message(400, "Unsupported grant_type")
    username = form.get("username")
    if not emu.match_credentials("forticasb", "username", username, "password", form.get("password"))[1]:
        return _message(401, "Invalid username or password")
    return _forticasb_success(emu, username, emu.new_refresh_token(username))


def _forticasb_refresh(emu, req):
    form = req.form()
    if form.get("grant_type") != "refresh_token":
        return _message(400, "Unsupported grant_type")
    username = emu.check_refresh_token(form.get("refresh_token"))
    if username is None:
        return _message(401, "Invalid refresh token")
    return _forticasb_success(emu, username)


def _plainid_token(emu, req):
    form = req.form()
    client_id = form.get("client_id")
    if form.get("grant_type") != "client_credentials" or \
            not emu.match_credentials("plainid", "client_id", client_id, "client_secret", form.get("client_secret"))[1]:
        return Response(401, content_type=None)  # PlainID answers failures with no body at all
    token, lifetime, _exp_ms = emu.issue("plainid", client_id)
    return _json(200, {"access_token": token, "token_type": "Bearer", "expires_in": lifetime})


def _keepz_error(status, message, code):
    return _json(status, {"message": message, "statusCode": code})


def _keepz_token(emu, req):
    data = req.json_body()
    fields = ("client_id", "client_secret", "grant_type")
    if not isinstance(data, dict) or any(not isinstance(data.get(field), str) or not data.get(field) for field in fields):
        return _keepz_error(400, "Bad request", 5039)
    if data["grant_type"] != "client_credentials":
        return _keepz_error(400, "Invalid grant type", 5013)
    known, creds = emu.match_credentials("keepz", "client_id", data["client_id"], "client_secret", data["client_secret"])
    if not known:
        return _keepz_error(401, "Client not found", 5003)
    if not creds:
        return _keepz_error(401, "Incorrect credentials", 5021)
    token, lifetime, _exp_ms = emu.issue("keepz", data["client_id"])
    return _json(200, {"value": {"access_token": token, "expires_in": lifetime, "token_type": "Bearer"}})


# ---------------------------------------------------------------------------
# Protected API handlers (the bearer token is checked before they run)


def _pa_error(status, code, message):
    # Shaped like Strata Cloud Manager errors, plus a top-level message for easy assertions.
    return _json(status, {"_errors": [{"code": code, "message": message, "details": {}}],
                          "_request_id": str(uuid.uuid4()), "message": message})


def _pa_list_addresses(emu, req):
    try:
        offset = int(req.query_value("offset", "0"))
        limit = int(req.query_value("limit", "200"))
    except ValueError:
        return _pa_error(400, "E003", "offset and limit must be integers")
    if offset < 0 or limit < 1:
        return _pa_error(400, "E003", "offset must be >= 0 and limit >= 1")
    items = emu.list_addresses(req.query_value("folder"), req.query_value("name"))
    return _json(200, {"data": items[offset:offset + limit], "offset": offset, "total": len(items), "limit": limit})


def _pa_create_address(emu, req):
    data = req.json_body()
    if not isinstance(data, dict):
        return _pa_error(400, "E003", "Request body must be a JSON object")
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        return _pa_error(400, "E003", "Missing required field: name")
    obj = emu.add_address(data)
    if obj is None:
        return _pa_error(409, "E006", "Object Already Exists")
    return _json(201, obj)


def _pa_get_address(emu, req):
    obj = emu.get_address(req.params["id"])
    if obj is None:
        return _pa_error(404, "E005", "Object Not Present")
    return _json(200, obj)


def _static(payload):
    def handler(_emu, _req):
        return _json(200, copy.deepcopy(payload))
    return handler


# ---------------------------------------------------------------------------
# The vendor table.  "fields" are JSON paths in the token success body that faults reshape.

VENDORS = {
    "paloalto": {
        "lifetime": 899,
        "credential_fields": ("client_id", "client_secret", "tsg_id"),
        "token_paths": ("/oauth2/access_token", "/am/oauth2/access_token", "/auth/v1/oauth2/access_token"),
        "token_handler": _paloalto_token,
        "refresh_paths": (),
        "refresh_handler": None,
        "api_routes": (
            ("/sse/config/v1/addresses", {"GET": _pa_list_addresses, "POST": _pa_create_address}),
            ("/sse/config/v1/addresses/{id}", {"GET": _pa_get_address}),
        ),
        "fields": {"access_token": ("access_token",), "token_type": ("token_type",), "expiry": ("expires_in",)},
    },
    "checkpoint": {
        "lifetime": 3600,
        "credential_fields": ("api_key",),
        "token_paths": ("/api/v1/auth/authorize",),
        "token_handler": _checkpoint_token,
        "refresh_paths": (),
        "refresh_handler": None,
        "api_routes": (("/api/rest/v1/networks", {"GET": _static({"data": [], "page": 1, "totalPage": 1})}),),
        "fields": {"access_token": ("data", "accessToken"), "token_type": ("data", "tokenType"),
                   "expiry": ("data", "accessTokenExpire")},
    },
    "forticasb": {
        "lifetime": 3600,
        "credential_fields": ("username", "password"),
        "token_paths": ("/api/v1/auth/token",),
        "token_handler": _forticasb_token,
        "refresh_paths": ("/api/v1/auth/token/refresh",),
        "refresh_handler": _forticasb_refresh,
        "api_routes": (("/api/v1/company", {"GET": _static({"companyId": 1, "name": "Emulated company"})}),),
        "fields": {"access_token": ("access_token",), "token_type": ("token_type",), "expiry": ("expires",)},
    },
    "plainid": {
        "lifetime": 86400,
        "credential_fields": ("client_id", "client_secret"),
        "token_paths": ("/api/1.0/api-key/token",),
        "token_handler": _plainid_token,
        "refresh_paths": (),
        "refresh_handler": None,
        "api_routes": (("/api/1.0/environments", {"GET": _static({"data": []})}),),
        "fields": {"access_token": ("access_token",), "token_type": ("token_type",), "expiry": ("expires_in",)},
    },
    "keepz": {
        "lifetime": 3600,
        "credential_fields": ("client_id", "client_secret"),
        "token_paths": ("/api/auth",),
        "token_handler": _keepz_token,
        "refresh_paths": (),
        "refresh_handler": None,
        "api_routes": (("/api/integrator/balance", {"GET": _static({"value": {"balance": 0, "currency": "GEL"}})}),),
        "fields": {"access_token": ("value", "access_token"), "token_type": ("value", "token_type"),
                   "expiry": ("value", "expires_in")},
    },
}

COUNTER_KEYS = tuple(
    ["%s_token" % vendor for vendor in VENDORS]
    + ["%s_refresh" % vendor for vendor, spec in VENDORS.items() if spec["refresh_paths"]]
    + ["%s_api" % vendor for vendor in VENDORS]
)


class Route:
    """One path (or path template) of one vendor endpoint kind."""

    def __init__(self, template, vendor, endpoint, methods):
        self.template = template
        pattern = re.escape(template).replace(re.escape("{id}"), "(?P<id>[^/]+)")
        self.regex = re.compile("^" + pattern + "$")
        self.vendor = vendor
        self.endpoint = endpoint
        self.counter = "%s_%s" % (vendor, endpoint)
        self.methods = methods


def _build_routes():
    routes = []
    for vendor, spec in VENDORS.items():
        for path in spec["token_paths"]:
            routes.append(Route(path, vendor, "token", {"POST": spec["token_handler"]}))
        for path in spec["refresh_paths"]:
            routes.append(Route(path, vendor, "refresh", {"POST": spec["refresh_handler"]}))
        for template, methods in spec["api_routes"]:
            routes.append(Route(template, vendor, "api", methods))
    return routes


ROUTES = _build_routes()


def _match_route(path):
    for route in ROUTES:
        match = route.regex.match(path)
        if match:
            return route, match.groupdict()
    return None, {}


# ---------------------------------------------------------------------------
# Faults

FAULT_PARAMS = {
    "delay": ("seconds",),
    "status": ("status", "retry_after"),
    "drop": (),
    "reset": (),
    "malformed": (),
    "truncated": (),
    "no_token": (),
    "html": (),
    "token_type": ("value",),
    "expiry": ("value",),
    "redirect": ("location", "status"),
}
TOKEN_BODY_KINDS = ("no_token", "token_type", "expiry")  # need a token body to reshape
REPLACING_KINDS = ("status", "malformed", "html", "redirect")  # answered without running the handler


def _parse_fault(data):
    """Validate a POST /_emulator/fault body; return the queue entry or raise ValueError."""
    if not isinstance(data, dict):
        raise ValueError("fault must be a JSON object")
    kind = data.get("kind")
    if kind not in FAULT_PARAMS:
        raise ValueError("unknown fault kind; expected one of: %s" % ", ".join(sorted(FAULT_PARAMS)))
    unknown = sorted(set(data) - set(("vendor", "endpoint", "kind", "count") + FAULT_PARAMS[kind]))
    if unknown:
        raise ValueError("unknown fault field(s) for kind %s: %s" % (kind, ", ".join(unknown)))
    vendor = data.get("vendor", "*")
    if vendor != "*" and vendor not in VENDORS:
        raise ValueError("unknown vendor; expected * or one of: %s" % ", ".join(VENDORS))
    endpoint = data.get("endpoint", "token")
    if endpoint not in ENDPOINTS:
        raise ValueError("unknown endpoint; expected one of: %s" % ", ".join(ENDPOINTS))
    if endpoint == "refresh" and vendor != "*" and not VENDORS[vendor]["refresh_paths"]:
        raise ValueError("vendor %s has no refresh endpoint" % vendor)
    if endpoint == "api" and kind in TOKEN_BODY_KINDS:
        raise ValueError("fault kind %s only applies to token or refresh endpoints" % kind)
    count = data.get("count", 1)
    if not _is_int(count) or count < 1 or count > 1000000:
        raise ValueError("count must be an integer >= 1")
    fault = {"vendor": vendor, "endpoint": endpoint, "kind": kind, "remaining": count}
    if kind == "delay":
        seconds = data.get("seconds", 1)
        if not _is_number(seconds) or seconds < 0 or seconds > 600:
            raise ValueError("seconds must be a number between 0 and 600")
        fault["seconds"] = seconds
    elif kind == "status":
        status = data.get("status", 503)
        if not _is_int(status) or status < 200 or status > 599:
            raise ValueError("status must be an integer between 200 and 599")
        fault["status"] = status
        if "retry_after" in data:
            if not (_is_int(data["retry_after"]) and data["retry_after"] >= 0) and not isinstance(data["retry_after"], str):
                raise ValueError("retry_after must be a non-negative integer or a string")
            fault["retry_after"] = str(data["retry_after"])
    elif kind == "redirect":
        status = data.get("status", 307)
        if status not in (301, 302, 303, 307, 308) or not _is_int(status):
            raise ValueError("redirect status must be one of 301, 302, 303, 307, 308")
        fault["status"] = status
        if "location" in data:
            if not isinstance(data["location"], str) or not data["location"]:
                raise ValueError("location must be a non-empty string")
            fault["location"] = data["location"]
    elif kind == "token_type":
        fault["value"] = data.get("value", "mac")
    elif kind == "expiry":
        if "value" not in data:
            raise ValueError("fault kind expiry needs a value")
        fault["value"] = data["value"]
    return fault


def _set_path(payload, path, value):
    for key in path[:-1]:
        payload = payload[key]
    payload[path[-1]] = value


def _pop_path(payload, path):
    for key in path[:-1]:
        payload = payload[key]
    payload.pop(path[-1], None)


# ---------------------------------------------------------------------------
# Configuration

CONFIG_KEYS = ("lifetime", "checkpoint_expiry_format", "credentials", "refresh_lifetime")


def _default_config():
    return {
        "lifetime": dict((vendor, spec["lifetime"]) for vendor, spec in VENDORS.items()),
        "checkpoint_expiry_format": "iso8601",
        "refresh_lifetime": DEFAULT_REFRESH_LIFETIME,
        "credentials": copy.deepcopy(DEFAULT_CREDENTIALS),
    }


def _check_seconds(value, what):
    if not _is_int(value) or value < 0 or value > MAX_LIFETIME_SETTING:
        raise ValueError("%s must be an integer number of seconds between 0 and %d" % (what, MAX_LIFETIME_SETTING))


def _parse_config(data):
    """Validate a POST /_emulator/config body; raise ValueError on anything unknown."""
    if not isinstance(data, dict):
        raise ValueError("config must be a JSON object")
    unknown = sorted(set(data) - set(CONFIG_KEYS))
    if unknown:
        raise ValueError("unknown config key(s): %s" % ", ".join(unknown))
    if "lifetime" in data:
        if not isinstance(data["lifetime"], dict):
            raise ValueError("lifetime must be an object of vendor: seconds")
        for vendor, seconds in data["lifetime"].items():
            if vendor not in VENDORS:
                raise ValueError("unknown vendor in lifetime: %s" % vendor)
            _check_seconds(seconds, "lifetime.%s" % vendor)
    if "refresh_lifetime" in data:
        _check_seconds(data["refresh_lifetime"], "refresh_lifetime")
    if "checkpoint_expiry_format" in data and data["checkpoint_expiry_format"] not in EXPIRY_FORMATS:
        raise ValueError("checkpoint_expiry_format must be one of: %s" % ", ".join(EXPIRY_FORMATS))
    credentials = {}
    if "credentials" in data:
        if not isinstance(data["credentials"], dict):
            raise ValueError("credentials must be an object of vendor: [credential, ...]")
        for vendor, entries in data["credentials"].items():
            if vendor not in VENDORS:
                raise ValueError("unknown vendor in credentials: %s" % vendor)
            if isinstance(entries, dict):
                entries = [entries]
            if not isinstance(entries, list):
                raise ValueError("credentials.%s must be a list of objects" % vendor)
            fields = VENDORS[vendor]["credential_fields"]
            for entry in entries:
                if not isinstance(entry, dict) or sorted(entry) != sorted(fields) or \
                        any(not isinstance(entry[field], str) or not entry[field] for field in fields):
                    raise ValueError("each credentials.%s entry needs exactly these non-empty strings: %s" % (vendor, ", ".join(fields)))
            credentials[vendor] = [dict(entry) for entry in entries]
    return credentials


# ---------------------------------------------------------------------------
# Shared emulator state


class Emulator:
    """All mutable state, shared by the listeners' threads and guarded by one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.secret = secrets.token_bytes(32)
        self.started = time.time()
        self.last_activity = self.started
        self.http_url = ""
        self.refresh_tokens = {}  # deliberately survives reset, like the signing secret
        self.counts = {}
        self.path_counts = {}
        self.faults = []
        self.config = {}
        self.addresses = []
        self.reset()

    def touch(self):
        self.last_activity = time.time()

    def reset(self):
        with self.lock:
            self.counts = dict((key, 0) for key in COUNTER_KEYS)
            self.path_counts = {}
            self.faults = []
            self.config = _default_config()
            self.addresses = []

    def count(self, route):
        with self.lock:
            self.counts[route.counter] = self.counts.get(route.counter, 0) + 1
            self.path_counts[route.template] = self.path_counts.get(route.template, 0) + 1

    # -- faults

    def add_fault(self, fault):
        with self.lock:
            self.faults.append(fault)

    def clear_faults(self):
        with self.lock:
            cleared = len(self.faults)
            self.faults = []
        return cleared

    def take_fault(self, vendor, endpoint):
        """Consume one use of the oldest fault matching this request."""
        with self.lock:
            for fault in self.faults:
                if fault["vendor"] in ("*", vendor) and fault["endpoint"] == endpoint:
                    fault["remaining"] -= 1
                    if fault["remaining"] <= 0:
                        self.faults.remove(fault)
                    return dict(fault)
        return None

    def fault_list(self):
        with self.lock:
            return [dict(fault) for fault in self.faults]

    def stats(self):
        with self.lock:
            counts = dict(self.counts)
            pending = sum(fault["remaining"] for fault in self.faults)
            faults = [dict(fault) for fault in self.faults]
            path_counts = dict(self.path_counts)
        auth = sum(value for key, value in counts.items() if key.endswith("_token") or key.endswith("_refresh"))
        return {"counts": counts, "auth_requests": auth, "faults_pending": pending, "faults": faults,
                "path_counts": path_counts, "pid": os.getpid()}

    # -- config and credentials

    def apply_config(self, data, credentials):
        with self.lock:
            self.config["lifetime"].update(data.get("lifetime", {}))
            for key in ("checkpoint_expiry_format", "refresh_lifetime"):
                if key in data:
                    self.config[key] = data[key]
            for vendor, entries in credentials.items():
                self.config["credentials"][vendor].extend(entries)

    def public_config(self):
        with self.lock:
            return {
                "lifetime": dict(self.config["lifetime"]),
                "checkpoint_expiry_format": self.config["checkpoint_expiry_format"],
                "refresh_lifetime": self.config["refresh_lifetime"],
                "credential_counts": dict((vendor, len(entries)) for vendor, entries in self.config["credentials"].items()),
            }

    def match_credentials(self, vendor, id_field, id_value, secret_field, secret_value):
        """Return (identity known, [accepted credentials matching identity and secret])."""
        if not isinstance(secret_value, str) or (id_field is not None and not isinstance(id_value, str)):
            return False, []
        with self.lock:
            creds = list(self.config["credentials"][vendor])
        known, matches = False, []
        for cred in creds:
            if id_field is not None and cred[id_field] != id_value:
                continue
            known = True
            if hmac.compare_digest(cred[secret_field].encode("utf-8"), secret_value.encode("utf-8")):
                matches.append(cred)
        return known, matches

    # -- tokens

    def issue(self, vendor, subject, extra_claims=None):
        """Sign an access token; return (jwt, lifetime seconds, absolute expiry in epoch ms)."""
        with self.lock:
            lifetime = self.config["lifetime"][vendor]
        now = time.time()
        exp_ms = int(now * 1000) + lifetime * 1000
        claims = {"iss": ISSUER, "sub": subject, "aud": vendor, "vendor": vendor, "iat": int(now),
                  "exp": exp_ms // 1000, "jti": uuid.uuid4().hex}
        claims.update(extra_claims or {})
        return _jwt_encode(self.secret, claims), lifetime, exp_ms

    def checkpoint_expiry(self, exp_ms):
        with self.lock:
            fmt = self.config["checkpoint_expiry_format"]
        if fmt == "epoch_ms":
            return exp_ms
        if fmt == "epoch_s":
            return exp_ms // 1000
        moment = datetime.datetime.fromtimestamp(exp_ms // 1000, tz=datetime.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (exp_ms % 1000)

    def new_refresh_token(self, username):
        token = secrets.token_urlsafe(32)
        now = time.time()
        with self.lock:
            if len(self.refresh_tokens) >= MAX_REFRESH_TOKENS:
                # Bound memory: forget the oldest half.
                for old in sorted(self.refresh_tokens, key=lambda key: self.refresh_tokens[key][1])[:MAX_REFRESH_TOKENS // 2]:
                    del self.refresh_tokens[old]
            self.refresh_tokens[token] = (username, now)
        return token

    def check_refresh_token(self, token):
        """Return the username a still-valid refresh token was issued to, or None."""
        if not isinstance(token, str):
            return None
        with self.lock:
            entry = self.refresh_tokens.get(token)
            if entry is None:
                return None
            if time.time() - entry[1] > self.config["refresh_lifetime"]:
                del self.refresh_tokens[token]
                return None
            return entry[0]

    def check_bearer(self, req, vendor):
        """None when the request carries a valid token for vendor, else the 401 to send."""
        scheme, _sep, token = req.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return self._unauthorized("Missing bearer token")
        claims = _jwt_decode(self.secret, token)
        if claims is None:
            return self._unauthorized("Invalid token")
        if not _is_number(claims.get("exp")) or claims["exp"] <= time.time():
            return self._unauthorized("Token expired")
        if claims.get("vendor") != vendor:
            return self._unauthorized("Token was issued for another vendor")
        return None

    @staticmethod
    def _unauthorized(message):
        return _message(401, message, headers=[("WWW-Authenticate", 'Bearer error="invalid_token"')])

    def run_route(self, route, req):
        if route.endpoint == "api":
            denied = self.check_bearer(req, route.vendor)
            if denied is not None:
                return denied
        return route.methods[req.method](self, req)

    # -- Palo Alto address objects

    def list_addresses(self, folder=None, name=None):
        with self.lock:
            return [dict(obj) for obj in self.addresses
                    if (folder is None or obj.get("folder") == folder) and (name is None or obj.get("name") == name)]

    def add_address(self, data):
        """Store a new address object; None when name+folder already exists."""
        obj = {"id": str(uuid.uuid4())}
        obj.update((key, value) for key, value in data.items() if key != "id")
        with self.lock:
            for existing in self.addresses:
                if existing.get("name") == obj["name"] and existing.get("folder") == obj.get("folder"):
                    return None
            self.addresses.append(obj)
        return dict(obj)

    def get_address(self, object_id):
        with self.lock:
            for obj in self.addresses:
                if obj["id"] == object_id:
                    return dict(obj)
        return None


# ---------------------------------------------------------------------------
# Admin API


def _admin_stats(emu, _req):
    return _json(200, emu.stats())


def _admin_reset(emu, _req):
    emu.reset()
    return _json(200, {"ok": True})


def _admin_get_config(emu, _req):
    return _json(200, emu.public_config())


def _admin_set_config(emu, req):
    data = req.json_body() if req.body.strip() else {}
    try:
        credentials = _parse_config(data)
    except ValueError as exc:
        return _message(400, str(exc))
    emu.apply_config(data, credentials)
    return _json(200, emu.public_config())


def _admin_list_faults(emu, _req):
    return _json(200, {"faults": emu.fault_list()})


def _admin_add_fault(emu, req):
    try:
        fault = _parse_fault(req.json_body())
    except ValueError as exc:
        return _message(400, str(exc))
    emu.add_fault(fault)
    return _json(200, {"ok": True, "fault": fault, "faults_pending": emu.stats()["faults_pending"]})


def _admin_clear_faults(emu, _req):
    return _json(200, {"ok": True, "cleared": emu.clear_faults()})


ADMIN_ROUTES = {
    "/_emulator/stats": {"GET": _admin_stats},
    "/_emulator/reset": {"POST": _admin_reset},
    "/_emulator/config": {"GET": _admin_get_config, "POST": _admin_set_config},
    "/_emulator/fault": {"GET": _admin_list_faults, "POST": _admin_add_fault, "DELETE": _admin_clear_faults},
}


def _method_not_allowed(methods):
    return _message(405, "Method not allowed", headers=[("Allow", ", ".join(sorted(methods)))])


# ---------------------------------------------------------------------------
# HTTP plumbing


class Handler(BaseHTTPRequestHandler):
    """Reads the whole request, routes it, applies at most one queued fault, always sends Content-Length."""

    protocol_version = "HTTP/1.1"
    server_version = "vendor-tokens-emulator/1.0"
    # Headers and body leave in two writes. With Nagle's algorithm on, the body of a keep-alive reply waits for the
    # client's delayed ACK of the headers, about 40 ms (seen with strace); production servers set TCP_NODELAY too.
    disable_nagle_algorithm = True
    timeout = 60  # idle keep-alive connections must not pin threads forever
    handshake_failed = False

    def setup(self):
        BaseHTTPRequestHandler.setup(self)
        if isinstance(self.connection, ssl.SSLSocket):
            # Handshake here, in the connection's own thread, so a slow client cannot stall accept().
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError) as exc:
                self.handshake_failed = True
                _log("TLS handshake with %s failed: %s" % (self.client_address[0], getattr(exc, "reason", None) or type(exc).__name__))

    def handle(self):
        if not self.handshake_failed:
            BaseHTTPRequestHandler.handle(self)

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_PATCH(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def do_OPTIONS(self):
        self._dispatch()

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        # The stock messages can quote the request line; request lines are logged by log_request only.
        pass

    def log_request(self, code="-", size="-"):
        path = urlsplit(getattr(self, "path", "") or "").path
        path = "".join(char if " " < char < "\x7f" else "?" for char in path)
        _log("%s %s %s %s" % (self.client_address[0], self.command or "-", path or "-", int(code) if code != "-" else code))

    # -- reading and writing

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        length = int(length)
        if length < 0 or length > MAX_BODY:
            raise ValueError("bad Content-Length")
        return self.rfile.read(length)

    def _read_chunked(self):
        body = b""
        while True:
            size = int(self.rfile.readline(1024).split(b";")[0].strip(), 16)
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # skip trailers
                return body
            body += self.rfile.read(size)
            self.rfile.readline(1024)
            if len(body) > MAX_BODY:
                raise ValueError("body too large")

    def _send(self, resp):
        body = resp.render()
        bodyless = resp.status in (204, 304)  # these must carry neither a body nor a Content-Length
        self.send_response(resp.status)
        for name, value in resp.headers:
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        if not bodyless:
            if body and resp.content_type:
                self.send_header("Content-Type", resp.content_type)
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not bodyless:
            self.wfile.write(body)

    def _send_partial(self, resp):
        # Announce the full length, deliver half of it, then hang up.
        body = resp.render() or b'{"message": "partial response"}'
        self.close_connection = True
        self.send_response(resp.status)
        if resp.content_type:
            self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:len(body) // 2])
        self.wfile.flush()

    # -- routing

    def _dispatch(self):
        emu = self.server.emulator
        emu.touch()
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True  # the stream position is unknown now
            self._send(_message(400, "Malformed request body"))
            return
        req = Request(self.command, self.path, self.headers, body)
        try:
            if req.path == "/_emulator" or req.path.startswith("/_emulator/"):
                self._send(self._admin(emu, req))
                return
            route, params = _match_route(req.path)
            if route is None:
                self._send(_message(404, "Not found"))
                return
            req.params = params
            emu.count(route)
            if req.method not in route.methods:
                self._send(_method_not_allowed(route.methods))
                return
            self._serve(emu, route, req, emu.take_fault(route.vendor, route.endpoint))
        except Exception:  # pylint: disable=broad-except
            # A bug here should fail the test visibly with a 500, not as a dropped connection.
            frame = traceback.extract_tb(sys.exc_info()[2])[-1]
            _log("internal error %s at line %s (%s)" % (sys.exc_info()[0].__name__, frame.lineno, frame.name))
            self.close_connection = True
            try:
                self._send(_message(500, "Internal emulator error"))
            except OSError:
                pass

    @staticmethod
    def _admin(emu, req):
        methods = ADMIN_ROUTES.get(req.path)
        if methods is None:
            return _message(404, "Not found")
        if req.method not in methods:
            return _method_not_allowed(methods)
        return methods[req.method](emu, req)

    def _serve(self, emu, route, req, fault):
        kind = fault["kind"] if fault else None
        if kind == "drop":
            self.close_connection = True  # nothing is sent; the server closes the socket
            _log("%s %s %s dropped (fault)" % (self.client_address[0], req.method, route.template))
            return
        if kind in REPLACING_KINDS:
            self._send(self._replacement(emu, req, fault))
            return
        if kind == "delay":
            time.sleep(fault["seconds"])
        resp = emu.run_route(route, req)
        if kind == "reset":
            self._send_partial(resp)
            return
        if kind is not None and 200 <= resp.status < 300:
            resp = self._reshape(route, resp, fault)
        self._send(resp)

    @staticmethod
    def _replacement(emu, req, fault):
        kind = fault["kind"]
        if kind == "status":
            headers = [("Retry-After", fault["retry_after"])] if "retry_after" in fault else []
            return _json(fault["status"], {"error": "emulated_fault", "message": "Emulated HTTP %d" % fault["status"]}, headers)
        if kind == "malformed":
            return Response(200, raw=MALFORMED_BODY)
        if kind == "html":
            return Response(200, raw=HTML_BODY, content_type="text/html; charset=utf-8")
        location = fault.get("location") or emu.http_url + req.target
        return _json(fault["status"], {"message": "Redirecting"}, [("Location", location)])

    @staticmethod
    def _reshape(route, resp, fault):
        kind = fault["kind"]
        if kind == "truncated":
            body = resp.render()
            return Response(resp.status, raw=body[:len(body) // 2], content_type=resp.content_type, headers=resp.headers)
        fields = VENDORS[route.vendor]["fields"]
        if kind == "no_token":
            _pop_path(resp.payload, fields["access_token"])
        elif kind == "token_type":
            _set_path(resp.payload, fields["token_type"], fault["value"])
        elif kind == "expiry":
            _set_path(resp.payload, fields["expiry"], fault["value"])
        return resp


class EmulatorServer(ThreadingHTTPServer):
    """A threaded listener sharing one Emulator; TLS when given a context."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default backlog of 5 refuses bursts of concurrent clients

    def __init__(self, address, emulator, ssl_context=None):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.emulator = emulator
        ThreadingHTTPServer.__init__(self, address, Handler)
        if ssl_context is not None:
            # No handshake in accept(): Handler.setup does it in the connection's thread.
            self.socket = ssl_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def server_bind(self):
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn) we neither need nor want.
        socketserver.TCPServer.server_bind(self)
        self.server_name = self.server_address[0]
        self.server_port = self.server_address[1]

    def handle_error(self, request, client_address):
        # Clients that hang up mid-request are normal in fault tests; one line, no traceback.
        _log("connection from %s ended with %s" % (client_address[0], sys.exc_info()[0].__name__))


# ---------------------------------------------------------------------------
# Certificates


def _write_file(path, data, private=False):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _make_pki(state_dir, host):
    """Create ca.pem and two server certificates; return {"ca": path, "main": (cert, key), "wrong_host": (cert, key)}."""
    now = datetime.datetime.now(datetime.timezone.utc)
    not_before, not_after = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=30)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(CA_COMMON_NAME)).issuer_name(_name(CA_COMMON_NAME))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": os.path.join(state_dir, "ca.pem")}
    _write_file(paths["ca"], ca_cert.public_bytes(serialization.Encoding.PEM))

    main_sans = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                 x509.IPAddress(ipaddress.ip_address("::1"))]
    try:
        extra = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        extra = x509.DNSName(host)
    if extra not in main_sans:
        main_sans.append(extra)

    for label, common_name, sans in (("main", "localhost", main_sans),
                                     ("wrong_host", "wrong-host.invalid", [x509.DNSName("wrong-host.invalid")])):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name)).issuer_name(_name(CA_COMMON_NAME))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        cert_path = os.path.join(state_dir, "%s-cert.pem" % label.replace("_", "-"))
        key_path = os.path.join(state_dir, "%s-key.pem" % label.replace("_", "-"))
        _write_file(cert_path, cert.public_bytes(serialization.Encoding.PEM))
        _write_file(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()), private=True)
        paths[label] = (cert_path, key_path)
    return paths


def _server_context(cert_key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_key[0], cert_key[1])
    return context


# ---------------------------------------------------------------------------
# Process management


def _url(scheme, server):
    host, port = server.server_address[:2]
    return "%s://%s:%d" % (scheme, "[%s]" % host if ":" in host else host, port)


def _write_json_atomic(path, data):
    tmp_path = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp_path, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.write("\n")
    os.replace(tmp_path, path)


def _read_state(path):
    try:
        with open(path, "r", encoding="utf-8") as handle:
            state = json.load(handle)
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _pid_alive(pid):
    if not _is_int(pid) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _probe(state):
    """True when state's url answers /_emulator/stats as the emulator with state's pid."""
    try:
        context = ssl.create_default_context(cafile=state["ca_path"])
        # Loopback only: never let proxy environment variables route this elsewhere.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
        with opener.open(state["url"] + "/_emulator/stats", timeout=5) as response:
            data = json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError, KeyError, TypeError, http.client.HTTPException):
        return False
    return isinstance(data, dict) and data.get("pid") == state.get("pid")


def _looks_like_emulator(pid):
    """Whether pid runs this script (so --stop never signals an unrelated process that reused the pid)."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return b"vendor_emulator" in handle.read()
    except OSError:
        pass
    try:
        output = subprocess.run(["ps", "-p", str(pid), "-o", "args="], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                check=False, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return b"vendor_emulator" in output


def _stop(args):
    state_path = os.path.join(os.path.abspath(args.state_dir), STATE_FILE)
    state = _read_state(state_path)
    if state is None:
        sys.stderr.write("no emulator state in %s\n" % args.state_dir)
        return 0
    pid = state.get("pid")
    result = {"stopped": False, "pid": pid}
    if _pid_alive(pid) and (_probe(state) or _looks_like_emulator(pid)):
        os.kill(pid, signal.SIGTERM)
        deadline = time.time() + 10
        while _pid_alive(pid) and time.time() < deadline:
            time.sleep(0.1)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        result["stopped"] = True
    elif _pid_alive(pid):
        sys.stderr.write("pid %s does not look like the emulator; not signalling it\n" % pid)
    try:
        os.remove(state_path)
    except FileNotFoundError:
        pass
    print(json.dumps(result))
    return 0


def _detach(args, state_dir):
    state_path = os.path.join(state_dir, STATE_FILE)
    existing = _read_state(state_path)
    if existing is not None:
        if _pid_alive(existing.get("pid")) and _probe(existing):
            print(json.dumps(existing))
            return 0
        os.remove(state_path)  # stale: the emulator that wrote it is gone
    command = [sys.executable, os.path.abspath(__file__), "--state-dir", state_dir, "--host", args.host,
               "--port", str(args.port), "--idle-exit", str(args.idle_exit), "--max-lifetime", str(args.max_lifetime)]
    log_path = os.path.join(state_dir, LOG_FILE)
    with open(log_path, "ab") as log_handle:
        # The child must outlive this process, so it is deliberately not waited for.
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_handle, stderr=subprocess.STDOUT,  # pylint: disable=consider-using-with
                                 start_new_session=True, close_fds=True, cwd=state_dir)
    deadline = time.time() + 30
    while time.time() < deadline:
        state = _read_state(state_path)
        if state is not None and state.get("pid") == child.pid:
            print(json.dumps(state))
            return 0
        if child.poll() is not None:
            sys.stderr.write("emulator exited with rc %s during start-up; see %s\n" % (child.returncode, log_path))
            return 1
        time.sleep(0.1)
    child.terminate()
    sys.stderr.write("emulator did not become ready within 30 s; see %s\n" % log_path)
    return 1


def _serve(args, state_dir):
    pki = _make_pki(state_dir, args.host)
    emu = Emulator()
    try:
        servers = [
            EmulatorServer((args.host, args.port), emu, _server_context(pki["main"])),
            EmulatorServer((args.host, 0), emu, _server_context(pki["wrong_host"])),
            EmulatorServer((args.host, 0), emu),
        ]
    except OSError as exc:
        sys.stderr.write("cannot listen on %s:%s: %s\n" % (args.host, args.port, exc))
        return 1
    emu.http_url = _url("http", servers[2])
    for server in servers:
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.25}, daemon=True).start()

    stop = threading.Event()
    reasons = []

    def on_signal(signum, _frame):
        reasons.append("signal %d" % signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    state = {"url": _url("https", servers[0]), "ca_path": pki["ca"], "wrong_host_url": _url("https", servers[1]),
             "http_url": emu.http_url, "pid": os.getpid()}
    state_path = os.path.join(state_dir, STATE_FILE)
    _write_json_atomic(state_path, state)
    for key in ("url", "ca_path", "wrong_host_url", "http_url"):
        print("%s=%s" % (key, state[key]))
    print("state_dir=%s" % state_dir)
    sys.stdout.flush()
    _log("emulator ready on %s (pid %d)" % (state["url"], os.getpid()))

    while not stop.wait(0.5):
        now = time.time()
        if args.idle_exit > 0 and now - emu.last_activity > args.idle_exit:
            reasons.append("idle for %s s" % args.idle_exit)
            break
        if args.max_lifetime > 0 and now - emu.started > args.max_lifetime:
            reasons.append("maximum lifetime of %s s reached" % args.max_lifetime)
            break
    _log("stopping: %s" % (reasons[0] if reasons else "stop requested"))
    for server in servers:
        server.shutdown()
        server.server_close()
    current = _read_state(state_path)
    if current is not None and current.get("pid") == os.getpid():
        os.remove(state_path)
    return 0


def _parse_args(argv):
    parser = argparse.ArgumentParser(description="Loopback HTTPS emulator of vendor token endpoints (vendor.tokens tests).")
    parser.add_argument("--state-dir", help="directory for ca.pem, state.json and logs (default: a new temporary directory)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="port of the main HTTPS listener (default: 0, ephemeral)")
    parser.add_argument("--idle-exit", type=float, default=900, metavar="SECONDS",
                        help="exit after this long without a request; 0 disables (default: %(default)s)")
    parser.add_argument("--max-lifetime", type=float, default=7200, metavar="SECONDS",
                        help="exit after this long regardless; 0 disables (default: %(default)s)")
    parser.add_argument("--detach", action="store_true",
                        help="start (or reuse) a background emulator, print its state as JSON and exit")
    parser.add_argument("--stop", action="store_true", help="stop the emulator recorded in --state-dir")
    args = parser.parse_args(argv)
    if args.stop and not args.state_dir:
        parser.error("--stop needs --state-dir")
    if args.stop and args.detach:
        parser.error("--stop and --detach are exclusive")
    return args


def main(argv=None):
    args = _parse_args(argv)
    if args.stop:
        return _stop(args)
    state_dir = os.path.abspath(args.state_dir) if args.state_dir else tempfile.mkdtemp(prefix="vendor-tokens-emulator-")
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    if args.detach:
        return _detach(args, state_dir)
    return _serve(args, state_dir)


if __name__ == "__main__":
    sys.exit(main())
