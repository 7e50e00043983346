# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every part of the emulator shares: requests, responses, JSON and JWTs, the log."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import hashlib
import hmac
import json
import sys
import time
from urllib.parse import parse_qs, unquote_plus, urlsplit


def log(message):
    # One short line per event; callers never pass bodies, headers or tokens.
    sys.stderr.write("%s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), message))
    sys.stderr.flush()


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ---------------------------------------------------------------------------
# JSON / JWT helpers


class RawJSON(str):
    """JSON text emitted verbatim, for values json.dumps cannot spell (Java-style 1.585002117836E12)."""


def dumps(value):
    # A tiny serializer so that RawJSON can be embedded; key order is kept.
    if isinstance(value, RawJSON):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(key)) + ":" + dumps(item) for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(item) for item in value) + "]"
    return json.dumps(value)


def java_double(integer):
    """Spell a large integer like Java's Double.toString: 1585002117836 -> 1.585002117836E12."""
    digits = str(int(integer))
    significant = digits.rstrip("0") or "0"
    return "%s.%sE%d" % (significant[0], significant[1:] or "0", len(digits) - 1)


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_encode(secret, claims):
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode("utf-8"))
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    signing_input = (header + "." + payload).encode("ascii")
    return header + "." + payload + "." + _b64url(hmac.new(secret, signing_input, hashlib.sha256).digest())


def jwt_decode(secret, token):
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
        return dumps(self.payload).encode("utf-8")


def json_response(status, payload, headers=None):
    return Response(status, payload, headers=headers)


def message(status, text, headers=None):
    return Response(status, {"message": text}, headers=headers)


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
        self.client_ip = None

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
