# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Two proxies for the proxy tests: one that hangs (accepts and never answers) and one that is down.

  proxies.py SECONDS

Starts the hung one in a process of its own, which stops by itself after SECONDS, and prints once it listens
{"pid": its process id, "hung_port": its port, "down_port": a loopback port nothing listens on} as one JSON line.
The caller stops it by that pid.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time


def hang(listener, seconds):
    """Accept connections and never answer, until the deadline."""
    held = []
    deadline = time.time() + seconds
    listener.settimeout(1)
    while time.time() < deadline:
        try:
            held.append(listener.accept()[0])
        except socket.timeout:
            pass


def main(seconds):
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(16)  # listening before the fork: the caller may connect as soon as it reads the line
    closed = socket.socket()
    closed.bind(('127.0.0.1', 0))
    ports = {'hung_port': listener.getsockname()[1], 'down_port': closed.getsockname()[1]}
    closed.close()
    pid = os.fork()
    if pid == 0:
        # Its own session, and no tie to the caller's output, so the task that started it can finish.
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for descriptor in (0, 1, 2):
            os.dup2(devnull, descriptor)
        try:
            hang(listener, seconds)
        finally:
            os._exit(0)
    listener.close()
    print(json.dumps(dict(ports, pid=pid)))


if __name__ == '__main__':
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit(__doc__)
    main(int(sys.argv[1]))
