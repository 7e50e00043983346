# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How a request becomes a call: the vendor routes, the HTTP handler (read, route, apply at most one fault, send)
and the threaded listeners that share one Emulator."""
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
import socket
import socketserver
import ssl
import sys
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .admin import ADMIN_ROUTES, method_not_allowed
from .faults import REPLACING_KINDS, replacement, reshape
from .vendors import VENDORS
from .wire import Request, log, message

MAX_BODY = 1024 * 1024


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


def _run_route(emu, route, req):
    """The vendor's handler for req; API routes first need a valid bearer token of that vendor."""
    req.vendor = route.vendor
    if route.endpoint == "api":
        denied = emu.check_bearer(req, route.vendor)
        if denied is not None:
            emu.tally("refused_api")
            return denied
    return route.methods[req.method](emu, req)


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
        resp = _run_route(emu, route, req)
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
