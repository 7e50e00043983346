# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's state: counters, issued and refresh tokens, revocations, rate-limit windows, the fault queue and
the config, shared by the listeners' threads behind one lock."""
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import hmac
import math
import os
import secrets
import threading
import time
import uuid

from .admin import default_config
from .faults import live, spend
from .vendors import VENDORS
from .wire import is_number, jwt_decode, jwt_encode, message

ISSUER = "vendor-tokens-emulator"
MAX_REFRESH_TOKENS = 10000


COUNTER_KEYS = tuple(
    ["%s_token" % vendor for vendor in VENDORS]
    + ["%s_refresh" % vendor for vendor, spec in VENDORS.items() if spec["refresh_paths"]]
    + ["%s_api" % vendor for vendor in VENDORS]
)


class Emulator:
    """All mutable state, shared by the listeners' threads and guarded by one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.secret = secrets.token_bytes(32)
        self.started = time.time()
        self.last_activity = self.started
        self.http_url = ""
        self.refresh_tokens = {}  # deliberately survives reset, like the signing secret
        self.issued_path = None  # where issued tokens are recorded (set by the daemon); None records nothing
        self.issued_count = 0
        self.counts = {}
        self.path_counts = {}
        self.api_methods = {}
        self.tallies = {}
        self.faults = []
        self.config = {}
        self.vendor_state = {}
        self.revoked = {}
        self.windows = {}
        self.reset()

    def touch(self):
        self.last_activity = time.time()

    def reset(self):
        with self.lock:
            self.counts = dict((key, 0) for key in COUNTER_KEYS)
            self.path_counts = {}
            self.api_methods = {}
            self.tallies = {"refused_api": 0, "rate_limited": 0}
            self.faults = []
            self.config = default_config()
            self.vendor_state = dict((vendor, spec["state"]()) for vendor, spec in VENDORS.items() if spec.get("state"))
            self.revoked = {}
            self.windows = {}

    def count(self, route, method):
        with self.lock:
            self.counts[route.counter] = self.counts.get(route.counter, 0) + 1
            self.path_counts[route.template] = self.path_counts.get(route.template, 0) + 1
            if route.endpoint == "api":
                key = "%s %s %s" % (route.vendor, method, route.template)
                self.api_methods[key] = self.api_methods.get(key, 0) + 1

    def tally(self, name):
        with self.lock:
            self.tallies[name] += 1

    def rate_limited(self, client_ip):
        """Seconds until this client may call an API again, or None: config rate_limit, per client IP."""
        with self.lock:
            limit = self.config["rate_limit"]
            if not limit["requests"]:
                return None
            now = time.time()
            start, used = self.windows.get(client_ip, (now, 0))
            if now - start >= limit["window"]:
                start, used = now, 0
            if used >= limit["requests"]:
                self.tallies["rate_limited"] += 1
                return max(1, int(math.ceil(start + limit["window"] - now)))
            self.windows[client_ip] = (start, used + 1)
            return None

    def revoke(self, vendor):
        """Refuse every token of vendor issued until now, as a tenant that revokes its sessions."""
        with self.lock:
            self.revoked[vendor] = time.time()

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
            self.faults = live(self.faults, time.time())
            for fault in self.faults:
                if fault["vendor"] in ("*", vendor) and fault["endpoint"] == endpoint:
                    if spend(fault):
                        self.faults.remove(fault)
                    return dict(fault)
        return None

    def fault_list(self):
        with self.lock:
            return [dict(fault) for fault in self.faults]

    def stats(self):
        with self.lock:
            self.faults = live(self.faults, time.time())
            counts = dict(self.counts)
            pending = sum(fault["remaining"] for fault in self.faults)
            faults = [dict(fault) for fault in self.faults]
            path_counts = dict(self.path_counts)
        auth = sum(value for key, value in counts.items() if key.endswith("_token") or key.endswith("_refresh"))
        with self.lock:
            api_methods, tallies = dict(self.api_methods), dict(self.tallies)
            # A vendor's own counters (Palo Alto's per object kind) join the answer under the keys it names.
            for vendor, spec in VENDORS.items():
                if spec.get("stats") and vendor in self.vendor_state:
                    tallies.update(spec["stats"](self.vendor_state[vendor]))
        with self.lock:
            issued = self.issued_count
        return dict({"counts": counts, "auth_requests": auth, "faults_pending": pending, "faults": faults,
                     "path_counts": path_counts, "api_methods": api_methods, "pid": os.getpid(),
                     "issued_tokens": issued}, **tallies)

    # -- config and credentials

    def apply_config(self, data, credentials):
        with self.lock:
            self.config["lifetime"].update(data.get("lifetime", {}))
            for key in ("checkpoint_expiry_format", "refresh_lifetime", "page_cap"):
                if key in data:
                    self.config[key] = data[key]
            for key in ("jobs", "rate_limit"):
                self.config[key].update(data.get(key, {}))
                if key == "rate_limit" and key in data:
                    self.windows = {}
            for vendor, entries in credentials.items():
                self.config["credentials"][vendor].extend(entries)

    def public_config(self):
        with self.lock:
            return {
                "lifetime": dict(self.config["lifetime"]),
                "checkpoint_expiry_format": self.config["checkpoint_expiry_format"],
                "refresh_lifetime": self.config["refresh_lifetime"],
                "page_cap": self.config["page_cap"],
                "jobs": dict(self.config["jobs"]),
                "rate_limit": dict(self.config["rate_limit"]),
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
                  "exp": exp_ms // 1000, "jti": uuid.uuid4().hex, "issued": now}
        claims.update(extra_claims or {})
        token = jwt_encode(self.secret, claims)
        self.record_issued(token)
        return token, lifetime, exp_ms

    def record_issued(self, token):
        """Append token to the issued-tokens file (private, like the state file), before the client gets it."""
        with self.lock:
            self.issued_count += 1
            if self.issued_path is None:
                return
            descriptor = os.open(self.issued_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(descriptor, (token + "\n").encode("ascii"))
            finally:
                os.close(descriptor)

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
        self.record_issued(token)
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
        claims = jwt_decode(self.secret, token)
        if claims is None:
            return self._unauthorized("Invalid token")
        if not is_number(claims.get("exp")) or claims["exp"] <= time.time():
            return self._unauthorized("Token expired")
        if claims.get("vendor") != vendor:
            return self._unauthorized("Token was issued for another vendor")
        with self.lock:
            revoked = self.revoked.get(vendor)
        if revoked is not None and (not is_number(claims.get("issued")) or claims["issued"] <= revoked):
            return self._unauthorized("Token revoked")
        return None

    @staticmethod
    def _unauthorized(text):
        return message(401, text, headers=[("WWW-Authenticate", 'Bearer error="invalid_token"')])
