# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fail when a server the tests started still runs: a redis-server or a vendor emulator whose working folder or
arguments lie under one of the given folders (the checkout and its build folder). Names each one, stops it by its
process id, and exits 1; exits 0 and says so when there is none.

Every server the tests start keeps its working folder there: the emulator in its state folder under tests/output,
the shared-cache unit tests' and the token_cache_redis target's Redis in folders under tests/output. Servers of
other checkouts and users are left alone.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

SERVERS = ('redis-server', 'vendor_emulator')


def under(path, roots):
    return any(path == root or path.startswith(root + os.sep) for root in roots)


def leftovers(roots):
    """(pid, command line, working folder) of each matching process."""
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        pid = int(entry)
        try:
            with open('/proc/%d/cmdline' % pid, 'rb') as handle:
                args = [arg.decode('utf-8', 'replace') for arg in handle.read().split(b'\0') if arg]
        except OSError:
            continue  # gone meanwhile
        # redis-server rewrites its command line to its title ("redis-server 127.0.0.1:port").
        if not args or not any(name in ' '.join(args[:2]) for name in SERVERS):
            continue
        try:
            cwd = os.readlink('/proc/%d/cwd' % pid)
        except OSError:
            cwd = ''
        if cwd.endswith(' (deleted)'):
            cwd = cwd[:-len(' (deleted)')]
        if under(cwd, roots) or any(under(os.path.realpath(arg), roots) for arg in args if arg.startswith(os.sep)):
            found.append((pid, ' '.join(args), cwd))
    return found


def stop(pid):
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.time() + 5
        while time.time() < deadline:
            os.kill(pid, 0)
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    except PermissionError:
        print('  cannot stop pid %d: it belongs to another user' % pid)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--root', action='append', required=True, help='a folder whose servers must be gone')
    args = parser.parse_args()
    roots = sorted(set(os.path.realpath(root) for root in args.root))
    found = leftovers(roots)
    if not found:
        print('leftover servers: none (redis-server, vendor_emulator under %s)' % ', '.join(roots))
        return 0
    for pid, command, cwd in found:
        print('LEFTOVER: pid %d (%s) in %s: stopping it' % (pid, command[:200], cwd or 'an unknown folder'))
        stop(pid)
    print('leftover servers: %d still ran after the tests; each test must stop the servers it starts' % len(found))
    return 1


if __name__ == '__main__':
    sys.exit(main())
