# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one cached lookup costs a forked worker, counted in machine instructions (valgrind's callgrind), so that two
trees compare exactly on a noisy machine where wall times of a few milliseconds do not.

A parent imports Ansible as ansible-playbook has, then forks a child that loads the lookup and templates one cached
token, as a worker does. callgrind dumps its counts when the child starts (at os.getppid, which the parent never
calls), so the child's last dump holds only the child's work. Measured twice: in a play of lookups alone, and after
the play has loaded the token module's action plugin (the strategy loads an action's class before forking).
The same is counted for the collection at a git revision (--against, by default BEFORE_SETTINGS_TABLE), laid out
by its own layout.py; this tree must cost no more in either play.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))

# Run as the parent, in the interpreter under valgrind: argv = collections folder, state.json, cache folder, mode.
CHILD = r'''
import json, os, sys
collections, state_path, cache_dir, mode = sys.argv[1:5]
os.environ.update(ANSIBLE_COLLECTIONS_PATH=collections, VENDOR_TOKENS_CACHE_DIR=cache_dir)
state = json.load(open(state_path))
paloalto = state['vendors']['paloalto']
variables = dict(('vendor_tokens_paloalto_%s' % k, v) for k, v in paloalto['credentials'].items())
variables.update(vendor_tokens_paloalto_auth_url=paloalto['options']['auth_url'], vendor_tokens_ca_path=state['ca_path'])
from ansible.executor.task_executor import TaskExecutor
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import action_loader, init_plugin_loader, lookup_loader
from ansible.template import Templar
init_plugin_loader()
loader = DataLoader()
templar = Templar(loader=loader, variables=variables)
if mode == 'after-token-task':
    action_loader.get('vendor.tokens.sase_token', class_only=True)
pid = os.fork()
if pid == 0:
    os.getppid()  # callgrind dumps here
    token = lookup_loader.get('vendor.tokens.token', loader=loader, templar=templar).run(['paloalto'], variables)[0]
    os._exit(0 if token else 3)
os._exit(os.waitpid(pid, 0)[1] >> 8)
'''
MODES = ('lookups-alone', 'after-token-task')
# The last tree before one settings table and one resolver took over from ansible-core's config manager (issue 24).
BEFORE_SETTINGS_TABLE = '83e6ac7'


def child_instructions(python, collections, state_path, cache_dir, mode, work):
    """Instructions the forked child ran, from its last callgrind dump."""
    out = tempfile.mkdtemp(dir=work)
    command = [python, '-c', CHILD, collections, state_path, cache_dir, mode]
    env = dict(os.environ)
    env.pop('PYTHONDONTWRITEBYTECODE', None)  # the lookup's own bytecode is cached, as users run it
    subprocess.run(command, check=True, env=env)  # fills the cache and writes the bytecode
    subprocess.run(['valgrind', '--tool=callgrind', '--dump-before=os_getppid',
                    '--callgrind-out-file=%s' % os.path.join(out, 'cg.%p')] + command,
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # The child wrote cg.<pid>.1 at the marker and cg.<pid> at its exit.
    dumps = [path[:-2] for path in glob.glob(os.path.join(out, 'cg.*.1'))]
    if len(dumps) != 1:
        raise SystemExit('instructions: expected one child dump in %s, found %d' % (out, len(dumps)))
    with open(dumps[0], encoding='utf-8') as handle:
        for line in handle:
            if line.startswith('totals:'):
                return int(line.split()[1])
    raise SystemExit('instructions: no totals in %s' % dumps[0])


def laid_out(revision, work):
    """The collection at a git revision, laid out for Ansible by that revision's tests/utils/layout.py."""
    source, build = os.path.join(work, 'source'), os.path.join(work, 'build')
    # A clone, since layout.py lists the files git knows.
    subprocess.run(['git', 'clone', '--quiet', '--no-checkout', ROOT, source], check=True)
    subprocess.run(['git', '-C', source, 'checkout', '--quiet', revision], check=True)
    subprocess.run([sys.executable, os.path.join(source, 'tests', 'utils', 'layout.py'), source, build], check=True,
                   stdout=subprocess.DEVNULL)
    return build


def has_revision(revision):
    """Whether this checkout's git history holds revision (not so in a tarball or a shallow clone)."""
    return subprocess.run(['git', '-C', ROOT, 'cat-file', '-e', '%s^{commit}' % revision], check=False,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def measure(args, work, emulator):
    """Print the instruction counts and their ratios to --against; non-zero when this tree costs more in a play."""
    if not shutil.which('valgrind'):
        print('\ninstructions: valgrind is not installed (apt-get install valgrind); part skipped')
        return 0
    against = args.against
    if against and not has_revision(against):
        print('\ninstructions: git revision %s is not in this checkout (a full clone has it): this tree is counted '
              'alone, with no comparison' % against)
        against = None
    state_path = os.path.join(work, 'instructions-state.json')
    with open(state_path, 'w') as handle:
        json.dump(emulator.state, handle)
    trees = [('this tree', os.path.abspath(args.collections))]
    if against:
        trees.append((against, laid_out(against, os.path.join(work, 'against'))))
    counts = {}
    for label, collections in trees:
        cache_dir = tempfile.mkdtemp(dir=work)
        for mode in MODES:
            counts[label, mode] = child_instructions(sys.executable, collections, state_path, cache_dir, mode, work)
    print('\nOne cached lookup in a forked worker, in instructions (callgrind; exact, whatever the load)')
    print('%-22s %-18s %-14s %-36s %s' % ('play', 'tree', 'instructions', 'ratio', 'met'))
    status = 0
    for mode in MODES:
        for label, _collections in trees:
            ratio = met = ''
            if label != trees[0][0]:
                value = counts[trees[0][0], mode] / counts[label, mode]
                ratio, met = 'this tree / %s: %.3f (<= 1.0)' % (label, value), 'yes' if value <= 1.0 else 'NO'
                if value > 1.0:
                    status = 1
            print('%-22s %-18s %-14s %-36s %s' % (mode, label, '%.1f M' % (counts[label, mode] / 1e6), ratio, met))
    return status
