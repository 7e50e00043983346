# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's state, its HTTP listeners and its process: start, detach, stop, publish the state file."""
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import datetime
import hmac
import http.client
import json
import math
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
from urllib.parse import urlsplit

from .admin import ADMIN_ROUTES, default_config, method_not_allowed
from .faults import REPLACING_KINDS, live, replacement, reshape, spend
from .pki import make_pki, server_context
from .vendors import VENDORS
from .wire import Request, is_int, is_number, jwt_decode, jwt_encode, log, message

ISSUER = "vendor-tokens-emulator"
STATE_FILE = "state.json"
VARS_FILE = "vars.json"
LOG_FILE = "emulator.log"
# Every access and refresh token issued, one a line, appended for the whole life of the state dir: the leak check
# searches logs, caches and dumps for each of them.
ISSUED_FILE = "issued-tokens.txt"
MAX_BODY = 1024 * 1024
MAX_REFRESH_TOKENS = 10000
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


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


class Emulator:
    """All mutable state, shared by the listeners' threads and guarded by one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.secret = secrets.token_bytes(32)
        self.started = time.time()
        self.last_activity = self.started
        self.http_url = ""
        self.refresh_tokens = {}  # deliberately survives reset, like the signing secret
        self.issued_path = None  # where issued tokens are recorded (set by _serve); None records nothing
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

    def run_route(self, route, req):
        req.vendor = route.vendor
        if route.endpoint == "api":
            denied = self.check_bearer(req, route.vendor)
            if denied is not None:
                self.tally("refused_api")
                return denied
        return route.methods[req.method](self, req)


class Handler(BaseHTTPRequestHandler):
    """Reads the whole request, routes it, applies at most one queued fault, always sends Content-Length."""

    protocol_version = "HTTP/1.1"
    server_version = "vendor-tokens-emulator/1.0"
    # Headers and body leave in two writes: with Nagle's algorithm on, the body of a keep-alive reply would wait for
    # the client's delayed ACK of the headers. Production servers set TCP_NODELAY too.
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
                log("TLS handshake with %s failed: %s" % (self.client_address[0], getattr(exc, "reason", None) or type(exc).__name__))

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
        log("%s %s %s %s" % (self.client_address[0], self.command or "-", path or "-", int(code) if code != "-" else code))

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
            self._send(message(400, "Malformed request body"))
            return
        req = Request(self.command, self.path, self.headers, body)
        req.client_ip = self.client_address[0]
        try:
            if req.path == "/_emulator" or req.path.startswith("/_emulator/"):
                self._send(self._admin(emu, req))
                return
            route, params = _match_route(req.path)
            if route is None:
                self._send(message(404, "Not found"))
                return
            req.params = params
            emu.count(route, req.method)
            if req.method not in route.methods:
                self._send(method_not_allowed(route.methods))
                return
            wait = emu.rate_limited(req.client_ip) if route.endpoint == "api" else None
            if wait is not None:
                self._send(message(429, "Too many requests", headers=[("Retry-After", str(wait))]))
                return
            self._serve(emu, route, req, emu.take_fault(route.vendor, route.endpoint))
        except Exception:  # pylint: disable=broad-except
            # A bug here should fail the test visibly with a 500, not as a dropped connection.
            frame = traceback.extract_tb(sys.exc_info()[2])[-1]
            log("internal error %s at line %s (%s)" % (sys.exc_info()[0].__name__, frame.lineno, frame.name))
            self.close_connection = True
            try:
                self._send(message(500, "Internal emulator error"))
            except OSError:
                pass

    @staticmethod
    def _admin(emu, req):
        methods = ADMIN_ROUTES.get(req.path)
        if methods is None:
            return message(404, "Not found")
        if req.method not in methods:
            return method_not_allowed(methods)
        return methods[req.method](emu, req)

    def _serve(self, emu, route, req, fault):
        kind = fault["kind"] if fault else None
        if kind == "drop":
            self.close_connection = True  # nothing is sent; the server closes the socket
            log("%s %s %s dropped (fault)" % (self.client_address[0], req.method, route.template))
            return
        if kind in REPLACING_KINDS:
            self._send(replacement(fault, req.target, emu.http_url))
            return
        if kind == "delay":
            time.sleep(fault["seconds"])
        resp = emu.run_route(route, req)
        if kind == "reset":
            self._send_partial(resp)
            return
        if kind is not None and 200 <= resp.status < 300:
            resp = reshape(route.vendor, resp, fault)
        self._send(resp)


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
        log("connection from %s ended with %s" % (client_address[0], sys.exc_info()[0].__name__))


# ---------------------------------------------------------------------------
# The state file and the process


def _url(scheme, server):
    host, port = server.server_address[:2]
    return "%s://%s:%d" % (scheme, "[%s]" % host if ":" in host else host, port)


def _write_json_atomic(path, data):
    # Private: the state file and the vars file publish the test credentials.
    tmp_path = "%s.%d.tmp" % (path, os.getpid())
    with os.fdopen(os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
        handle.write("\n")
    os.replace(tmp_path, path)


def published_vendors(url):
    """What the state file tells of each vendor: its first credential, the collection options that point here,
    one protected endpoint, its default lifetime and how a refused login reads."""
    vendors = {}
    for name, spec in VENDORS.items():
        vendors[name] = {
            "credentials": dict(spec["credentials"][0]),
            "options": dict((option, url + path) for option, path in spec["options"].items()),
            "api_path": spec["api_path"],
            "lifetime": spec["lifetime"],
            "refused_text": spec["refused_text"],
            "endpoints": {"token": [url + path for path in spec["token_paths"]],
                          "refresh": [url + path for path in spec["refresh_paths"]]},
        }
        if spec.get("api_credentials"):  # a second way to log in (FortiCASB)
            vendors[name]["api_credentials"] = list(spec["api_credentials"])
    return vendors


def playbook_vars(state):
    """The state as the vendor_tokens_* variables the collection's roles, lookup and modules read."""
    variables = {"vendor_tokens_ca_path": state["ca_path"],
                 "emulator_api_paths": dict((name, vendor["api_path"]) for name, vendor in state["vendors"].items())}
    for name, vendor in state["vendors"].items():
        for field, value in list(vendor["credentials"].items()) + list(vendor["options"].items()):
            variables["vendor_tokens_%s_%s" % (name, field)] = value
    return variables


def _remove(*paths):
    for path in paths:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def _read_state(path):
    try:
        with open(path, "r", encoding="utf-8") as handle:
            state = json.load(handle)
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _pid_alive(pid):
    if not is_int(pid) or pid <= 0:
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
    _remove(state_path, os.path.join(os.path.abspath(args.state_dir), VARS_FILE))
    print(json.dumps(result))
    return 0


def _detach(args, state_dir):
    state_path = os.path.join(state_dir, STATE_FILE)
    existing = _read_state(state_path)
    if existing is not None:
        if _pid_alive(existing.get("pid")) and _probe(existing):
            print(json.dumps(existing))
            return 0
        _remove(state_path, os.path.join(state_dir, VARS_FILE))  # stale: the emulator that wrote it is gone
    command = [sys.executable, PACKAGE_DIR, "--state-dir", state_dir, "--host", args.host,
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
    pki = make_pki(state_dir, args.host)
    emu = Emulator()
    emu.issued_path = os.path.join(state_dir, ISSUED_FILE)
    try:
        servers = [
            EmulatorServer((args.host, args.port), emu, server_context(pki["main"])),
            EmulatorServer((args.host, 0), emu, server_context(pki["wrong_host"])),
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

    url = _url("https", servers[0])
    state = {"url": url, "ca_path": pki["ca"], "wrong_host_url": _url("https", servers[1]), "http_url": emu.http_url,
             "pid": os.getpid(), "vars_path": os.path.join(state_dir, VARS_FILE), "issued_path": emu.issued_path,
             "vendors": published_vendors(url)}
    state_path = os.path.join(state_dir, STATE_FILE)
    _write_json_atomic(state["vars_path"], playbook_vars(state))
    _write_json_atomic(state_path, state)  # last: its presence means the emulator is ready
    for key in ("url", "ca_path", "wrong_host_url", "http_url"):
        print("%s=%s" % (key, state[key]))
    print("state_dir=%s" % state_dir)
    sys.stdout.flush()
    log("emulator ready on %s (pid %d)" % (state["url"], os.getpid()))

    while not stop.wait(0.5):
        now = time.time()
        if args.idle_exit > 0 and now - emu.last_activity > args.idle_exit:
            reasons.append("idle for %s s" % args.idle_exit)
            break
        if args.max_lifetime > 0 and now - emu.started > args.max_lifetime:
            reasons.append("maximum lifetime of %s s reached" % args.max_lifetime)
            break
    log("stopping: %s" % (reasons[0] if reasons else "stop requested"))
    for server in servers:
        server.shutdown()
        server.server_close()
    current = _read_state(state_path)
    if current is not None and current.get("pid") == os.getpid():
        _remove(state_path, state["vars_path"])
    return 0


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="vendor_emulator", description="Loopback HTTPS emulator of vendor token endpoints (vendor.tokens tests).")
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
