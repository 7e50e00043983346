# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The provisioning rows of `make bench` (issue 22): vendor.tokens.sase_objects against (a) a `uri` GET per object
then POST/PUT, (b) the `uri` floor (one paged list per kind, a `uri` loop of the writes) and (c) a pan-scm-sdk
script with one paged list per kind, on the same desired states against the emulator.

Each run is one process as a user starts it (ansible-playbook, or python for the SDK), timed on the wall clock. Each
tool works in a folder of its own, so every tool finds the same state; the emulator's counters give each run's reads
and writes, and a run whose writes differ from what the scenario needs stops the bench with FAIL. The order of the
tools turns every round; each tool's time is divided by the SDK script's in the same round, and the median of those
ratios is printed.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROVISION = os.path.join(HERE, 'provision')
SDK_REQUIREMENT = 'pan-scm-sdk==0.15.1'
SDK_VERSION_CHECK = 'import importlib.metadata as m, sys; sys.exit(m.version("pan-scm-sdk") != "0.15.1")'

KINDS = ('tags', 'addresses', 'address_groups', 'services', 'service_groups', 'security_rules')
OPERATIONS = ('list', 'get', 'create', 'update', 'delete')
WRITES = ('create', 'update', 'delete')
# Share of each kind in the mixed data set; security rules take the rest.
MIXED_SHARES = (('tags', 0.06), ('addresses', 0.5), ('address_groups', 0.08), ('services', 0.2), ('service_groups', 0.08))
COLORS = ('Red', 'Green', 'Blue', 'Yellow', 'Orange', 'Azure Blue')
CHANGED_IP = '192.0.2.1/32'

SDK = 'sdk'
TOOLS = ('sase_objects', 'uri_per_object', 'uri_floor', SDK)
SLOW = ('uri_per_object', 'uri_floor')
LABELS = {
    'sase_objects': 'vendor.tokens.sase_objects (1 task)',
    'uri_per_object': '(a) uri GET per object + POST/PUT',
    'uri_floor': '(b) uri paged list + loop of writes',
    SDK: '(c) pan-scm-sdk 0.15.1 script, 1 list',
}
PLAYBOOKS = {'sase_objects': 'sase_objects.yml', 'uri_per_object': 'uri_per_object.yml', 'uri_floor': 'uri_floor.yml'}
# Targets of issue 22.
MAX_RATIO = 1.5
MAX_MIXED_SECONDS = 15.0


def sdk_python(venv):
    """The python of the bench's own virtualenv with pan-scm-sdk, created and filled when it is missing."""
    python = os.path.join(venv, 'bin', 'python')
    if os.path.exists(python) and subprocess.run([python, '-c', SDK_VERSION_CHECK], check=False, stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.DEVNULL).returncode == 0:
        return python
    print('bench: installing %s into %s' % (SDK_REQUIREMENT, venv), flush=True)
    for command in ([sys.executable, '-m', 'venv', venv],
                    [python, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', SDK_REQUIREMENT]):
        done = subprocess.run(command, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if done.returncode:
            sys.stderr.write(done.stdout.decode(errors='replace')[-3000:])
            raise SystemExit('bench: %s failed; check that PyPI (or your pip index) serves %s' % (' '.join(command[2:4]), SDK_REQUIREMENT))
    return python


def addresses(count, changed=None):
    """count addresses, the one at index changed (if any) with another ip_netmask."""
    objects = [{'name': 'addr-%05d' % number, 'ip_netmask': '10.%d.%d.%d/32' % (number >> 16 & 255, number >> 8 & 255, number & 255)}
               for number in range(1, count + 1)]
    if changed is not None:
        objects[changed]['ip_netmask'] = CHANGED_IP
    return {'addresses': objects}


def mixed(total):
    """total objects over the six kinds, every group, rule and tag reference naming an object of the set."""
    counts = dict((kind, max(1, int(total * share))) for kind, share in MIXED_SHARES)
    counts['security_rules'] = total - sum(counts.values())
    tags = ['tag-%03d' % number for number in range(counts['tags'])]
    hosts = ['host-%04d' % number for number in range(counts['addresses'])]
    groups = ['hosts-%03d' % number for number in range(counts['address_groups'])]
    services = ['tcp-%d' % (8000 + number) for number in range(counts['services'])]
    service_groups = ['ports-%03d' % number for number in range(counts['service_groups'])]
    return {
        'tags': [{'name': tag, 'color': COLORS[number % len(COLORS)]} for number, tag in enumerate(tags)],
        'addresses': [{'name': host, 'ip_netmask': '10.1.%d.%d/32' % (number // 250, number % 250 + 1), 'tag': [tags[number % len(tags)]]}
                      for number, host in enumerate(hosts)],
        'address_groups': [{'name': group, 'static': sorted(set(hosts[(number * 5 + step) % len(hosts)] for step in range(5))),
                            'tag': [tags[number % len(tags)]]} for number, group in enumerate(groups)],
        'services': [{'name': service, 'protocol': {'tcp': {'port': str(8000 + number)}}} for number, service in enumerate(services)],
        'service_groups': [{'name': group, 'members': sorted(set(services[(number * 3 + step) % len(services)] for step in range(3)))}
                           for number, group in enumerate(service_groups)],
        'security_rules': [{'name': 'allow-%03d' % number, 'from': ['any'], 'to': ['any'], 'source': [groups[number % len(groups)]],
                            'destination': [hosts[number % len(hosts)]], 'source_user': ['any'], 'application': ['any'],
                            'category': ['any'], 'service': [service_groups[number % len(service_groups)]], 'action': 'allow'}
                           for number in range(counts['security_rules'])],
    }


class Runner(object):
    """Runs one tool on one desired state and returns its wall time and the emulator's counts of its requests."""

    def __init__(self, args, work, emulator, sdk):
        self.work, self.emulator, self.sdk = work, emulator, sdk
        self.vars_path, self.ca_path = emulator.state['vars_path'], emulator.state['ca_path']
        self.page_cap = emulator.call('config')['page_cap']
        self.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.abspath(args.collections), ANSIBLE_NOCOLOR='1',
                        VENDOR_TOKENS_CACHE_DIR=os.path.join(work, 'provision-cache'), ANSIBLE_RETRY_FILES_ENABLED='0',
                        ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='0')
        self.env.pop('PYTHONDONTWRITEBYTECODE', None)
        self.inventory = os.path.join(work, 'provision.ini')
        with open(self.inventory, 'w') as handle:
            handle.write('localhost ansible_connection=local\n')

    def counters(self):
        kinds = self.emulator.call('stats')['objects']
        return dict((operation, sum(kind[operation] for kind in kinds.values())) for operation in OPERATIONS)

    def run(self, tool, folder, objects):
        desired = os.path.join(self.work, 'desired-%s.json' % tool)
        with open(desired, 'w') as handle:
            json.dump({'bench_folder': folder, 'bench_page_size': self.page_cap, 'bench_objects': objects}, handle)
        if tool == SDK:
            command, env = [self.sdk, os.path.join(PROVISION, 'sdk_objects.py'), desired, self.vars_path], dict(self.env, REQUESTS_CA_BUNDLE=self.ca_path)
        else:
            command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', self.inventory,
                       os.path.join(PROVISION, PLAYBOOKS[tool]), '-e', '@' + self.vars_path, '-e', '@' + desired]
            env = self.env
        before = self.counters()
        started = time.perf_counter()
        done = subprocess.run(command, cwd=self.work, env=env, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            sys.stderr.write(done.stdout.decode(errors='replace')[-4000:])
            raise SystemExit('bench: %s failed in folder %s' % (LABELS[tool], folder))
        after = self.counters()
        return elapsed, dict((operation, after[operation] - before[operation]) for operation in OPERATIONS)

    def seed(self, folder, objects):
        """Put the objects into the folder through the admin API (not counted), kind after kind."""
        for kind in KINDS:
            if objects.get(kind):
                self.emulator.call('objects', {'kind': kind, 'folder': folder, 'objects': objects[kind]})

    def address(self, folder, name):
        found = self.emulator.call('objects?kind=addresses&folder=%s&name=%s' % (folder, name))['data']
        return found[0] if found else None

    def size(self, folder, kind):
        return len(self.emulator.call('objects?kind=%s&folder=%s' % (kind, folder))['data'])


def measure(args, work, emulator, sdk):
    runner = Runner(args, work, emulator, sdk)
    count, changed = args.objects, args.objects // 2
    scenarios = (
        ('created', '%d addresses created' % count, addresses(count), {'create': count}),
        ('unchanged', '%d addresses unchanged' % count, addresses(count), {}),
        ('changed', '%d addresses, one changed' % count, addresses(count, changed), {'update': 1}),
        ('mixed', '%d mixed, unchanged (2nd run)' % args.mixed, mixed(args.mixed), {}),
    )
    runs = dict(((scenario[0], tool), []) for scenario in scenarios for tool in TOOLS)  # -> [(round, seconds, counts)]
    wrong = []
    started = time.perf_counter()

    # Once each before timing, so that no row pays for a first bytecode compile or the first token.
    for tool in TOOLS:
        runner.run(tool, 'warm-up-%s' % tool, addresses(1))

    for number in range(args.provision_rounds):
        tools = [tool for tool in TOOLS if tool not in SLOW or number < args.uri_rounds]
        tools = tools[number % len(tools):] + tools[:number % len(tools)]
        for scenario, title, objects, writes in scenarios:
            for tool in tools:
                folder = '%s-%s-r%d' % ('mixed' if scenario == 'mixed' else 'bench', tool, number)
                if scenario == 'mixed':
                    runner.seed(folder, objects)
                seconds, counts = runner.run(tool, folder, objects)
                runs[(scenario, tool)].append((number, seconds, counts))
                expected = dict((operation, writes.get(operation, 0)) for operation in WRITES)
                made = dict((operation, counts[operation]) for operation in WRITES)
                if made != expected:
                    wrong.append('%s, %s: writes %s, expected %s' % (title, LABELS[tool], made, expected))
        # Every tool left its folder as the desired state says.
        for tool in tools:
            folder = 'bench-%s-r%d' % (tool, number)
            have = runner.address(folder, 'addr-%05d' % (changed + 1))
            if runner.size(folder, 'addresses') != count or not have or have['ip_netmask'] != CHANGED_IP:
                wrong.append('%s left folder %s other than desired' % (LABELS[tool], folder))
    minutes = (time.perf_counter() - started) / 60
    return report(args, runner, scenarios, runs, wrong, minutes)


def report(args, runner, scenarios, runs, wrong, minutes):
    print('\nvendor.tokens provisioning benchmark against the emulator (page cap %d), %.1f min' % (runner.page_cap, minutes))
    print('time: median wall time of a run (process start to exit); / SDK: median of time / the SDK script\'s time in the same round')
    print('%-30s %-38s %-6s %-9s %-8s %-12s %s' % ('case', 'tool', 'rounds', 'time', '/ SDK', 'list+get', 'create+update'))
    ratios = {}
    for scenario, title, _objects, _writes in scenarios:
        sdk_times = dict((number, seconds) for number, seconds, _counts in runs[(scenario, SDK)])
        for tool in TOOLS:
            done = runs[(scenario, tool)]
            if not done:
                continue
            ratio = statistics.median(seconds / sdk_times[number] for number, seconds, _counts in done)
            ratios[(scenario, tool)] = ratio
            last = done[-1][2]
            print('%-30s %-38s %-6d %-9s %-8s %-12s %s' % (
                title, LABELS[tool], len(done), '%.2f s' % statistics.median(seconds for _number, seconds, _counts in done),
                '%.2fx' % ratio, '%d+%d' % (last['list'], last['get']), '%d+%d' % (last['create'], last['update'])))
    if args.uri_rounds < args.provision_rounds:
        print('note: rows (a) and (b) ran in the first %d of the %d rounds only: a uri task item costs most of a second here, so '
              'they take minutes a run' % (args.uri_rounds, args.provision_rounds))
    print('note: the SDK script sets max_limit to the page cap: with its default (2500) it stops after the first, capped page')

    changed_run = runs[('changed', 'sase_objects')][-1][2]
    pages = args.objects // runner.page_cap + 1
    mixed_seconds = statistics.median(seconds for _number, seconds, _counts in runs[('mixed', 'sase_objects')])
    targets = [
        (ratios[('unchanged', 'sase_objects')] <= MAX_RATIO, '%d unchanged: sase_objects / SDK script = %.2fx, target <= %.1fx' % (
            args.objects, ratios[('unchanged', 'sase_objects')], MAX_RATIO)),
        (ratios[('created', 'sase_objects')] <= MAX_RATIO, '%d created: sase_objects / SDK script = %.2fx, target <= %.1fx' % (
            args.objects, ratios[('created', 'sase_objects')], MAX_RATIO)),
        (mixed_seconds < MAX_MIXED_SECONDS, '%d mixed objects, second run: sase_objects %.2f s, target < %.0f s' % (
            args.mixed, mixed_seconds, MAX_MIXED_SECONDS)),
        # A page read per kind it looks at is flat in the number of objects; a read per object is not.
        (changed_run['create'] + changed_run['update'] + changed_run['delete'] == 1 and changed_run['update'] == 1
         and changed_run['get'] == 0 and changed_run['list'] <= 2 * pages,
         'one changed of %d: sase_objects made %d write(s) (%d update), %d list and %d get reads; target 1 write, '
         'no per-object read (at most %d list pages, 0 gets)' % (args.objects, sum(changed_run[op] for op in WRITES),
                                                                 changed_run['update'], changed_run['list'], changed_run['get'], 2 * pages)),
        (not wrong, 'every tool made the same writes and left the same objects in every run' + (': ' + '; '.join(wrong) if wrong else '')),
    ]
    for met, text in targets:
        print('%s %s' % ('PASS' if met else 'FAIL', text))
    return 0 if all(met for met, _text in targets) else 1
