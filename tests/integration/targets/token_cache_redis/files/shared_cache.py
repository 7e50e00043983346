# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Redis and the controller runs of the token_cache_redis target. The Redis password stays in this process and the
ones it starts: never on a command line, in a task's arguments or environment, or in what is printed.

  shared_cache.py start WORK                  start redis-server on loopback (its files in WORK), wait until it
                                              answers, print {"pid": n, "port": n}
  shared_cache.py run WORK PORT VARS VERBOSITY [--min-ttl S] [--wrong-password] [--redis-pid PID] NAME:RUN ...
                                              run shared.yml once per NAME:RUN at the same time, as controller NAME
                                              (its own home and file cache), output in WORK/RUN.log, then print
                                              each log; fail if a run failed or a log shows the password or the URL
  shared_cache.py flush PORT                  empty Redis
  shared_cache.py check STATE PORT            fail unless Redis holds only sealed entries, then save its dump
  shared_cache.py keep STATE PORT WORK DEST   save what Redis holds if it holds sealed entries, then copy its dump
                                              and each controller's file cache into DEST, for the leak check
  shared_cache.py stop PID ...                kill each of these pids that is still a redis-server
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

import redis

HERE = os.path.dirname(os.path.abspath(__file__))


def password(wrong=False):
    """Non-ASCII and URL-special characters, as a generated password may hold (built here, so no source line shows it)."""
    if wrong:
        return 'wr0ng-p' + chr(228) + 'ss' + 'word:@/'
    return 'r' + chr(233) + 'dis-p@ss:/#?%' + '-3f8a'


def url(port, wrong=False):
    """The Redis URL, its password percent-encoded."""
    return 'redis://:%s@127.0.0.1:%s/0' % (urllib.parse.quote(password(wrong), safe=''), port)


def secret_forms():
    """Every form of both passwords and of the URLs that carry them, as a log could show them."""
    forms = []
    for wrong in (False, True):
        forms += [password(wrong), urllib.parse.quote(password(wrong), safe=''), url('', wrong).split('@')[0]]
    return forms


def start(work):
    os.makedirs(os.path.join(work, 'tokens'), exist_ok=True)
    if not shutil.which('redis-server'):
        sys.exit('redis-server is not installed; make redis-server installs it')
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    conf, pidfile, log = (os.path.join(work, name) for name in ('redis.conf', 'redis.pid', 'redis.log'))
    for stale in (pidfile,):
        if os.path.exists(stale):
            os.remove(stale)
    # The password goes in a private config file, removed once read, not on the command line.
    # rdbcompression no: the dump kept for the leak check shows any token in clear, never LZF-compressed.
    descriptor = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, 'w', encoding='utf-8') as handle:
        handle.write('port %d\nbind 127.0.0.1\nrequirepass "%s"\nsave ""\nappendonly no\nrdbcompression no\ndir %s\n'
                     'daemonize yes\npidfile %s\nlogfile %s\n' % (port, password(), work, pidfile, log))
    try:
        subprocess.run(['redis-server', conf], check=True, cwd=work, stdout=subprocess.DEVNULL)
        client = redis.Redis.from_url(url(port))
        for _attempt in range(100):
            try:
                if os.path.getsize(pidfile) and client.ping():
                    break
            except (OSError, redis.RedisError):
                pass
            time.sleep(0.1)
        else:
            with open(log) as handle:
                sys.exit('redis-server did not start; its log:\n' + handle.read())
    finally:
        os.remove(conf)  # read at the start; the output folder must not keep the password
    with open(pidfile) as handle:
        print(json.dumps({'pid': int(handle.read().strip()), 'port': port}))


def run(work, port, variables, verbosity, runs, min_ttl=None, wrong_password=False, redis_pid=None):
    started = []
    for spec in runs:
        name, _sep, label = spec.partition(':')
        home = os.path.join(work, name, 'home')
        os.makedirs(home, exist_ok=True)
        environment = dict(os.environ, HOME=home, ANSIBLE_LOCAL_TEMP=os.path.join(home, 'tmp'), ANSIBLE_LOCALHOST_WARNING='false',
                           VENDOR_TOKENS_CACHE_DIR=os.path.join(work, name, 'cache'), VENDOR_TOKENS_CACHE_URL=url(port, wrong_password))
        if min_ttl is not None:
            environment['VENDOR_TOKENS_MIN_TTL'] = min_ttl
        command = [sys.executable, '-m', 'ansible.cli.playbook', '-i', os.path.join(HERE, 'shared.ini'), os.path.join(HERE, 'shared.yml'),
                   '-e', '@' + variables, '-e', 'run=' + label, '-e', 'tokens_dir=' + os.path.join(work, 'tokens')]
        if redis_pid is not None:
            command += ['-e', 'redis_pid=' + redis_pid]
        if int(verbosity):
            command.append('-' + 'v' * int(verbosity))
        log = open(os.path.join(work, label + '.log'), 'wb')  # pylint: disable=consider-using-with
        started.append((label, log, subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)))
    failed = []
    forms = secret_forms()
    for label, log, process in started:
        if process.wait():
            failed.append('%s failed' % label)
        log.close()
        with open(log.name, encoding='utf-8', errors='replace') as handle:
            text = handle.read()
        print(text)  # into the integration log, which the leak check searches
        if any(form in text for form in forms):
            failed.append('the output of %s shows the Redis password or its URL' % label)
    if failed:
        sys.exit('; '.join(failed))


def check(state_path, port):
    with open(state_path) as handle:
        state = json.load(handle)
    client = redis.Redis.from_url(url(port))
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


def keep(state_path, port, work, dest):
    try:
        check(state_path, port)
    except (SystemExit, redis.RedisError) as error:
        print('Redis not saved: %s' % error)  # after the wrong password it may hold nothing
    os.makedirs(dest, exist_ok=True)
    kept = []
    if os.path.exists(os.path.join(work, 'dump.rdb')):
        shutil.copy(os.path.join(work, 'dump.rdb'), dest)
        kept.append('dump.rdb')
    for name in sorted(os.listdir(work)):
        cache = os.path.join(work, name, 'cache')
        if name.startswith('controller-') and os.path.isdir(cache):
            shutil.copytree(cache, os.path.join(dest, name + '-cache'), dirs_exist_ok=True)
            kept.append(name + '-cache')
    print('kept in %s: %s' % (dest, ', '.join(kept) or 'nothing'))


def stop(pids):
    for pid in pids:
        try:
            with open('/proc/%s/cmdline' % pid, 'rb') as handle:
                if b'redis-server' not in handle.read():
                    continue  # gone, and the pid given to another process
            os.kill(int(pid), signal.SIGKILL)
            print('stopped redis-server %s' % pid)
        except (OSError, ValueError):
            pass  # gone already (the test kills one itself)


def main(argv):
    options = {}
    for flag, key in (('--min-ttl', 'min_ttl'), ('--redis-pid', 'redis_pid')):
        if flag in argv:
            at = argv.index(flag)
            options[key] = argv[at + 1]
            del argv[at:at + 2]
    if '--wrong-password' in argv:
        argv.remove('--wrong-password')
        options['wrong_password'] = True
    command, arguments = (argv[0], argv[1:]) if argv else ('', [])
    if command == 'start' and len(arguments) == 1:
        start(*arguments)
    elif command == 'run' and len(arguments) > 4:
        run(*arguments[:4], runs=arguments[4:], **options)
    elif command == 'flush' and len(arguments) == 1:
        redis.Redis.from_url(url(arguments[0])).flushall()
    elif command == 'check' and len(arguments) == 2:
        check(*arguments)
    elif command == 'keep' and len(arguments) == 4:
        keep(*arguments)
    elif command == 'stop':
        stop(arguments)
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
