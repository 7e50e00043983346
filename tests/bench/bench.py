# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the token cache and the token modules against the vendor emulator; prints a table of measured ratios.

Run with `make bench`. In every round each pair of plays runs back to back, one or the other first in turn, so a
noisy machine shifts both; the table reports the median of the rounds as a ratio. Exits non-zero when a target is
missed.

The provisioning part (issue 22) runs vendor.tokens.sase_objects, two hand-written `uri` plays and a pan-scm-sdk
script (installed into its own virtualenv, --sdk-venv) on the same desired states, each tool in its own folder, in
an order that turns every round, and prints each tool's time as a ratio to the SDK script's in the same round. The
emulator's counters check that every tool made the same writes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import instructions  # tests/bench/instructions.py, next to this script
import provisioning  # tests/bench/provisioning.py, next to this script

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR = os.path.join(HERE, '..', 'integration', 'targets', 'setup_emulator', 'files', 'vendor_emulator')


class Emulator(object):
    def __init__(self, state_dir):
        self.state_dir = state_dir
        out = subprocess.run([sys.executable, EMULATOR, '--detach', '--state-dir', state_dir], check=True,
                             stdout=subprocess.PIPE).stdout
        self.state = json.loads(out.decode().strip().splitlines()[-1])
        self.context = ssl.create_default_context(cafile=self.state['ca_path'])

    def call(self, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.state['url'] + '/_emulator/' + path, data=data,
                                     method='POST' if data is not None else 'GET',
                                     headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(req, context=self.context) as answer:
            return json.loads(answer.read().decode())

    def auth_requests(self):
        return self.call('stats')['auth_requests']

    @staticmethod
    def stop_in(state_dir):
        subprocess.run([sys.executable, EMULATOR, '--stop', '--state-dir', state_dir], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Redis(object):
    """A redis-server on loopback with a password, for the shared-cache rows."""

    def __init__(self, folder):
        self.password = 'bench-redis-%s' % os.urandom(6).hex()
        self.port = closed_port()
        os.makedirs(folder)
        self.process = subprocess.Popen(
            [shutil.which('redis-server') or 'redis-server', '--port', str(self.port), '--bind', '127.0.0.1',
             '--requirepass', self.password, '--save', '', '--appendonly', 'no', '--dir', folder],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.url = 'redis://:%s@127.0.0.1:%d/0' % (self.password, self.port)
        for _attempt in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(('127.0.0.1', self.port)) == 0:
                    return
            time.sleep(0.05)
        self.stop()
        raise SystemExit('redis-server did not start')

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()


def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def write_play(path, tasks, hosts='localhost', play_vars=None, forks=None):
    play = {'name': os.path.basename(path), 'hosts': hosts, 'gather_facts': False, 'tasks': tasks}
    if play_vars:
        play['vars'] = play_vars
    with open(path, 'w') as handle:
        json.dump([play], handle)  # JSON is YAML


def run_play(workdir, play, env, inventory, forks=5):
    started = time.perf_counter()
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory,
                           '-f', str(forks), play], cwd=workdir, env=env, check=False, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout.decode()[-4000:])
        raise SystemExit('%s failed' % play)
    return elapsed


def in_turn(number, first, second):
    """Run both plays of a pair back to back, the first one first in even rounds and second in odd ones, since
    the second always finds warmer caches; return (first's time, second's time)."""
    if number % 2:
        later = second()
        return first(), later
    earlier = first()
    return earlier, second()


def _interrupted(number, _frame):
    raise SystemExit('bench: stopped by signal %d' % number)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--collections', required=True, help='folder that holds ansible_collections/')
    parser.add_argument('--rounds', type=int, default=10,
                        help='rounds, each of which runs every play once; even, so that each order of a pair runs as often')
    parser.add_argument('--lookup-tasks', type=int, default=200)
    parser.add_argument('--hosts', type=int, default=40)
    parser.add_argument('--module-tasks', type=int, default=20)
    parser.add_argument('--cached-tasks', type=int, default=40)
    parser.add_argument('--parts', default='cache,instructions,provision',
                        help='comma-separated: cache (token cache rows), instructions (a cached lookup\'s cost in a forked '
                             'worker, counted by valgrind), provision (issue 22 rows)')
    parser.add_argument('--against', default=instructions.BEFORE_SETTINGS_TABLE,
                        help='with instructions: the git revision whose collection this tree must cost no more '
                             "instructions than (default: %(default)s, the last before the settings table; '' for none)")
    parser.add_argument('--provision-rounds', type=int, default=3, help='rounds of sase_objects and the SDK script')
    parser.add_argument('--uri-rounds', type=int, default=1,
                        help='how many of those rounds also run the two uri plays (minutes each: a uri item costs most of a second)')
    parser.add_argument('--objects', type=int, default=200, help='addresses created, then unchanged, then one changed')
    parser.add_argument('--mixed', type=int, default=500, help='objects over the six kinds, run unchanged')
    parser.add_argument('--sdk-venv', default=os.path.join(HERE, '..', '..', '.venv-bench-sdk'),
                        help='virtualenv for %s, created when missing' % provisioning.SDK_REQUIREMENT)
    args = parser.parse_args()
    if args.rounds < 2 or args.rounds % 2:
        parser.error('--rounds must be even and at least 2')
    args.parts = set(part.strip() for part in args.parts.split(','))
    if not args.parts or args.parts - {'cache', 'provision', 'instructions'}:
        parser.error('--parts takes cache, provision, instructions or several, comma-separated')
    if args.provision_rounds < 1 or not 0 <= args.uri_rounds <= args.provision_rounds or args.objects < 2 or args.mixed < 12:
        parser.error('--provision-rounds >= 1, 0 <= --uri-rounds <= --provision-rounds, --objects >= 2 and --mixed >= 12')
    sdk = provisioning.sdk_python(os.path.abspath(args.sdk_venv)) if 'provision' in args.parts else None

    work = tempfile.mkdtemp(prefix='vendor-tokens-bench-')
    # SIGTERM and SIGHUP (a CI timeout, a closed terminal) unwind like Ctrl-C, so the finally below stops the servers.
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _interrupted)
    emulator_dir = os.path.join(work, 'emulator')
    redis = None
    try:
        emulator = Emulator(emulator_dir)
        status = 0
        if 'cache' in args.parts:
            redis = Redis(os.path.join(work, 'redis'))
            status |= measure(args, work, emulator, redis)
        if 'instructions' in args.parts:
            status |= instructions.measure(args, work, emulator)
        if 'provision' in args.parts:
            status |= provisioning.measure(args, work, emulator, sdk)
        return status
    finally:
        # By the state folder, so an emulator that started but did not answer as expected is stopped too.
        Emulator.stop_in(emulator_dir)
        if redis:
            redis.stop()
        shutil.rmtree(work, ignore_errors=True)


def measure(args, work, emulator, redis):
    ca_path = emulator.state['ca_path']
    paloalto = emulator.state['vendors']['paloalto']
    pa_credentials, auth_url = paloalto['credentials'], paloalto['options']['auth_url']
    cache_dir = os.path.join(work, 'cache')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.abspath(args.collections), ANSIBLE_NOCOLOR='1',
               VENDOR_TOKENS_CACHE_DIR=cache_dir, ANSIBLE_HOST_KEY_CHECKING='False', ANSIBLE_RETRY_FILES_ENABLED='0',
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='0')
    # As users run it: Python keeps the bytecode of the lookup and of the code it imports.
    env.pop('PYTHONDONTWRITEBYTECODE', None)
    local = os.path.join(work, 'localhost.ini')
    with open(local, 'w') as handle:
        handle.write('localhost ansible_connection=local\n')
    # Hosts that cannot be reached: the token task must never connect to them.
    many = os.path.join(work, 'hosts.ini')
    with open(many, 'w') as handle:
        handle.write(''.join('host%02d ansible_host=127.0.0.1 ansible_port=%d\n' % (n, closed_port())
                             for n in range(args.hosts)))

    # 1. The lookup templated by N tasks, against the same tasks with a literal string.
    lookup_vars = {'vendor_tokens_paloalto_%s' % key: value for key, value in pa_credentials.items()}
    lookup_vars.update(vendor_tokens_paloalto_auth_url=auth_url, vendor_tokens_ca_path=ca_path)
    lookup_play, literal_play = os.path.join(work, 'lookup.yml'), os.path.join(work, 'literal.yml')
    write_play(lookup_play, [{'name': 'lookup %d' % n, 'ansible.builtin.assert': {
        'that': ["lookup('vendor.tokens.token', 'paloalto') is string"], 'quiet': True}}
        for n in range(args.lookup_tasks)], play_vars=lookup_vars)
    write_play(literal_play, [{'name': 'literal %d' % n, 'ansible.builtin.assert': {
        'that': ["'eyJ.literal.token' is string"], 'quiet': True}} for n in range(args.lookup_tasks)],
        play_vars=lookup_vars)

    # 2. Forty hosts in twenty forks each run the module.
    module_args = dict(pa_credentials, auth_url=auth_url, ca_path=ca_path)
    hosts_play = os.path.join(work, 'hosts.yml')
    write_play(hosts_play, [{'name': 'token', 'vendor.tokens.sase_token': module_args}], hosts='all')

    # 3. The module forcing a new token against ansible.builtin.uri making the same POST.
    module_play, uri_play = os.path.join(work, 'module.yml'), os.path.join(work, 'uri.yml')
    write_play(module_play, [{'name': 'module %d' % n, 'vendor.tokens.sase_token': dict(module_args, force=True)}
                             for n in range(args.module_tasks)])
    write_play(uri_play, [{'name': 'uri %d' % n, 'no_log': True, 'ansible.builtin.uri': {
        'url': auth_url, 'method': 'POST', 'ca_path': ca_path, 'body_format': 'form-urlencoded',
        'body': {'grant_type': 'client_credentials', 'scope': 'tsg_id:' + pa_credentials['tsg_id']},
        'url_username': pa_credentials['client_id'], 'url_password': pa_credentials['client_secret'], 'force_basic_auth': True}}
        for n in range(args.module_tasks)])

    # 3b. Both plays of 1 after a token task: the play has then loaded the collection's code before forking, as a play
    # using the login role or a token module has, so a templating compiles none of it.
    login = {'name': 'login', 'vendor.tokens.sase_token': module_args}
    lookup_after_play, literal_after_play = os.path.join(work, 'lookup_after.yml'), os.path.join(work, 'literal_after.yml')
    for path, source in ((lookup_after_play, lookup_play), (literal_after_play, literal_play)):
        with open(source) as handle:
            play = json.load(handle)[0]
        write_play(path, [login] + play['tasks'], play_vars=play['vars'])

    # 4. The module served from the cache against a debug task with a literal.
    cached_play, debug_play, warm_play = (os.path.join(work, name) for name in ('cached.yml', 'debug.yml', 'warm.yml'))
    write_play(cached_play, [{'name': 'cached %d' % n, 'vendor.tokens.sase_token': module_args}
                             for n in range(args.cached_tasks)])
    write_play(debug_play, [{'name': 'debug %d' % n, 'ansible.builtin.debug': {'msg': 'eyJ.literal.token'}}
                            for n in range(args.cached_tasks)])
    write_play(warm_play, [{'name': 'warm', 'vendor.tokens.sase_token': module_args}])

    # 5. The lookup play with cache_url, each run in an empty file cache as in a fresh AWX container (Redis holds the
    # token), against the same play on the file cache alone.
    redis_env = dict(env, VENDOR_TOKENS_CACHE_URL=redis.url)
    lookup_requests, hosts_requests, lookup_pairs, module_pairs, cached_pairs, cached_requests = [], [], [], [], [], []
    redis_pairs, redis_requests, after_pairs = [], [], []

    def counted_lookup_run(play_env, requests):
        """The lookup play in an empty file cache; its auth requests appended to requests."""
        shutil.rmtree(cache_dir, ignore_errors=True)
        before = emulator.auth_requests()
        elapsed = run_play(work, lookup_play, play_env, local)
        requests.append(emulator.auth_requests() - before)
        return elapsed

    def redis_run():
        return counted_lookup_run(redis_env, redis_requests)

    def lookup_run():
        return counted_lookup_run(env, lookup_requests)

    for number in range(args.rounds):
        lookup_pairs.append(in_turn(number, lookup_run, lambda: run_play(work, literal_play, env, local)))

        shutil.rmtree(cache_dir, ignore_errors=True)
        before = emulator.auth_requests()
        run_play(work, hosts_play, env, many, forks=20)
        hosts_requests.append(emulator.auth_requests() - before)

        module_pairs.append(in_turn(number, lambda: run_play(work, module_play, env, local) / args.module_tasks,
                                    lambda: run_play(work, uri_play, env, local) / args.module_tasks))

        run_play(work, warm_play, env, local)
        after_pairs.append(in_turn(number, lambda: run_play(work, lookup_after_play, env, local),
                                   lambda: run_play(work, literal_after_play, env, local)))
        before = emulator.auth_requests()
        cached_pairs.append(in_turn(number, lambda: run_play(work, cached_play, env, local),
                                    lambda: run_play(work, debug_play, env, local)))
        cached_requests.append(emulator.auth_requests() - before)

        if number == 0:
            run_play(work, lookup_play, redis_env, local)  # Redis gets the token once
        redis_pairs.append(in_turn(number, redis_run, lambda: run_play(work, lookup_play, env, local)))

    lookup_times, literal_times = zip(*lookup_pairs)
    module_times, uri_times = zip(*module_pairs)
    lookup_ratio = statistics.median(a / b for a, b in lookup_pairs)
    module_ratio = statistics.median(a / b for a, b in module_pairs)
    cached_times, debug_times = zip(*cached_pairs)
    cached_ratio = statistics.median(a / b for a, b in cached_pairs)
    redis_times, file_times = zip(*redis_pairs)
    redis_ratio = statistics.median(a / b for a, b in redis_pairs)
    rows = [
        ('%d tasks templating the lookup' % args.lookup_tasks, 'auth requests', max(lookup_requests), '== 1',
         max(lookup_requests) == 1),
        ('  same play: lookup / literal string', 'wall time ratio', '%.3f (%.1f s / %.1f s)' % (
            lookup_ratio, statistics.median(lookup_times), statistics.median(literal_times)), '<= 1.5',
         lookup_ratio <= 1.5),
        ('  one cached lookup, templated in a new fork', 'time per task', '%.1f ms' % statistics.median(
            1000 * (a - b) / args.lookup_tasks for a, b in zip(lookup_times, literal_times)), '-', None),
        ('  the same after a token task in the play', 'time per task', '%.1f ms' % statistics.median(
            1000 * (a - b) / args.lookup_tasks for a, b in after_pairs), '-', None),
        ('%d unreachable hosts, forks 20, sase_token' % args.hosts, 'auth requests', max(hosts_requests), '== 1',
         max(hosts_requests) == 1),
        ('sase_token force=true / uri POST, %d tasks' % args.module_tasks, 'per-task time ratio', '%.3f (%.0f ms / %.0f ms)' % (
            module_ratio, 1000 * statistics.median(module_times), 1000 * statistics.median(uri_times)), '<= 0.8',
         module_ratio <= 0.8),
        ('%d tasks: cached sase_token / debug literal' % args.cached_tasks, 'wall time ratio', '%.3f (%.1f s / %.1f s)' % (
            cached_ratio, statistics.median(cached_times), statistics.median(debug_times)), '<= 1.5',
         cached_ratio <= 1.5 and max(cached_requests) == 0),
        ('  one cached sase_token task', 'time per task', '%.1f ms' % statistics.median(
            1000 * (a - b) / args.cached_tasks for a, b in cached_pairs), '-', None),
        ('%d lookups, empty file cache, Redis warm' % args.lookup_tasks, 'auth requests', max(redis_requests), '== 0',
         max(redis_requests) == 0),
        ('  same play: through Redis / file cache alone', 'wall time ratio', '%.3f (%.1f s / %.1f s)' % (
            redis_ratio, statistics.median(redis_times), statistics.median(file_times)), '<= 1.1', redis_ratio <= 1.1),
    ]
    print('\nvendor.tokens benchmark (%d rounds, medians; python %s)' % (args.rounds, sys.version.split()[0]))
    print('%-46s %-20s %-28s %-8s %s' % ('case', 'measure', 'result', 'target', 'met'))
    for case, measure_name, result, target, met in rows:
        print('%-46s %-20s %-28s %-8s %s' % (case, measure_name, result, target, {True: 'yes', False: 'NO'}.get(met, '')))
    return 0 if all(row[-1] is not False for row in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
