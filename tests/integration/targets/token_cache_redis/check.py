# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's admin API and what Redis holds, for runme.sh.

  check.py STATE auth-requests            print how many token requests the emulator answered
  check.py STATE reset [VENDOR SECONDS]   reset its counters, optionally with a token lifetime for VENDOR
  check.py STATE redis URL                fail unless Redis holds only sealed entries, then save its dump
"""

from __future__ import annotations

import json
import re
import ssl
import sys
import urllib.request

import redis


def admin(state, path, body=None):
    request = urllib.request.Request(state['url'] + '/_emulator/' + path, method='POST' if body is not None else 'GET',
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, context=ssl.create_default_context(cafile=state['ca_path'])) as answer:
        return json.loads(answer.read().decode())


def check_redis(state, url):
    client = redis.Redis.from_url(url)
    keys = sorted(client.keys('*'))
    entry = re.compile(rb'^vendor\.tokens:[0-9a-f]{64}$')
    if not keys or not all(entry.match(key) for key in keys):
        sys.exit('Redis holds other keys than sealed entries (a lock left behind?): %d keys' % len(keys))
    credentials = [value.encode() for vendor in state['vendors'].values()
                   for value in vendor['credentials'].values() if len(value) > 3]
    for key in keys:
        sealed = json.loads(client.get(key))
        if sorted(sealed) != ['data', 'format', 'nonce', 'salt']:
            sys.exit('a Redis entry is not sealed: its fields are %s' % sorted(sealed))
        if any(value in client.get(key) for value in credentials):
            sys.exit('a credential is readable in Redis')
        if not 0 < client.ttl(key) <= 900:
            sys.exit('a Redis entry does not expire with its token (TTL %s)' % client.ttl(key))
    client.save()  # the dump lands in the target's output, which the leak check searches too
    print('Redis: %d sealed entries, each expiring' % len(keys))


def main(state_path, command, *args):
    with open(state_path) as handle:
        state = json.load(handle)
    if command == 'auth-requests':
        print(admin(state, 'stats')['auth_requests'])
    elif command == 'reset':
        admin(state, 'reset', {})
        if args:
            admin(state, 'config', {'lifetime': {args[0]: int(args[1])}})
    elif command == 'redis':
        check_redis(state, args[0])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(*sys.argv[1:])
