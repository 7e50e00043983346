# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's process: arguments, start in the foreground or detached, stop by pid, the state and vars files,
idle and lifetime exit."""
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from .handler import EmulatorServer
from .pki import make_pki, server_context
from .state import Emulator
from .vendors import VENDORS
from .wire import is_int, log

STATE_FILE = "state.json"
VARS_FILE = "vars.json"
LOG_FILE = "emulator.log"
# Every access and refresh token issued, one a line, appended for the whole life of the state dir: the leak check
# searches logs, caches and dumps for each of them.
ISSUED_FILE = "issued-tokens.txt"
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


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
