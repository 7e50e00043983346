# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A cache hit through the lookup plugin itself, loaded as a forked worker loads it: it serves the cached token
and loads the hit path and the settings resolver only, never the engine (which the lookup imports on a miss), each
from its bytecode in __pycache__ once a first run wrote it."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys

import pytest

from ansible_collections.vendor.tokens.plugins.module_utils import _recall

COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(_recall.__file__), *(['..'] * 5)))
VALUES = {'client_id': 'sa@1.iam', 'client_secret': 'lookup-hit-test-secret', 'tsg_id': '1838006364'}
MODULE_UTILS = 'ansible_collections.vendor.tokens.plugins.module_utils.'
PLUGIN_UTILS = 'ansible_collections.vendor.tokens.plugins.plugin_utils.'

LOOKUP_HIT = '''
import json, sys
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader, lookup_loader
from ansible.template import Templar
init_plugin_loader([sys.argv[2]])
loader = DataLoader()
lookup = lookup_loader.get('vendor.tokens.token', loader=loader, templar=Templar(loader=loader))
record = lookup.run(['paloalto'], {}, output='record', **json.loads(sys.argv[1]))[0]
prefix = 'ansible_collections.vendor.tokens.plugins.'
specs = dict((name, module.__spec__) for name, module in sys.modules.items()
             if name.startswith((prefix + 'module_utils.', prefix + 'plugin_utils.')) and name.count('.') == 5)
loaders = dict((name, type(spec.loader).__name__) for name, spec in specs.items())
files = dict((name, spec.origin) for name, spec in specs.items())
print(json.dumps({'cached': record['cached'], 'modules': sorted(sys.modules), 'loaders': loaders, 'files': files}))
'''


def hit_through_the_lookup(values, collections_root, env):
    """What the lookup returned and loaded in a fresh interpreter, given values as its keywords."""
    keywords = dict((name, value) for name, value in values.items() if value is not None)
    # The collections, then this interpreter's own path (where ansible-test puts ansible).
    env = dict(env, PYTHONPATH=os.pathsep.join([collections_root] + [path for path in sys.path if path]))
    done = subprocess.run([sys.executable, '-c', LOOKUP_HIT, json.dumps(keywords), collections_root], env=env,
                          check=False, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert done.returncode == 0, done.stderr.decode('utf-8', 'replace')[-3000:]
    assert not done.stderr.strip(), done.stderr.decode('utf-8', 'replace')[-3000:]
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def fresh_copy(tmp_path):
    """A copy of the collection in which no run has written bytecode, as a fresh install is: its collections root."""
    collection = os.path.join('ansible_collections', 'vendor', 'tokens')
    copy = tmp_path / 'collections'
    for part in ('plugins', 'meta'):
        shutil.copytree(os.path.join(COLLECTIONS_ROOT, collection, part), str(copy / collection / part),
                        ignore=shutil.ignore_patterns('__pycache__'))
    return str(copy)


def bytecode_files(collections_root):
    """{path: (inode, modification time)} of the bytecode of the collection's module_utils and plugin_utils."""
    found = {}
    for kind in ('module_utils', 'plugin_utils'):
        folder = os.path.join(collections_root, 'ansible_collections', 'vendor', 'tokens', 'plugins', kind, '__pycache__')
        for name in os.listdir(folder) if os.path.isdir(folder) else ():
            status = os.stat(os.path.join(folder, name))
            found[os.path.join(folder, name)] = (status.st_ino, status.st_mtime_ns)
    return found


@pytest.mark.parametrize('cache_url', [None, 'redis://:lookup-hit-pw@127.0.0.1:9/0'], ids=['file cache', 'with Redis'])
def test_a_hit_through_the_lookup_loads_the_hit_path_and_the_resolver_only(tmp_path, cache_paloalto_token, cache_url):
    values = dict(VALUES, cache_dir=str(tmp_path / 'cache'), cache_url=cache_url)
    cache_paloalto_token(values, 'eyJ-lookup-hit')

    env = dict(os.environ)
    env.pop('PYTHONDONTWRITEBYTECODE', None)
    copy = fresh_copy(tmp_path)
    hit_through_the_lookup(values, copy, env)  # writes the bytecode
    written = bytecode_files(copy)
    seen = hit_through_the_lookup(values, copy, env)
    assert seen['cached'] is True
    ours = set(name[len(MODULE_UTILS):] for name in seen['modules'] if name.startswith(MODULE_UTILS))
    assert ours == {'_errors', '_options', '_profiles', '_settings', '_sealed', '_recall'}
    helpers = set(name[len(PLUGIN_UTILS):] for name in seen['modules'] if name.startswith(PLUGIN_UTILS))
    assert helpers == {'_bytecode', '_settings', '_untrusted'}
    # Every file the hit imports through the helper comes from Python's source loader, which kept its bytecode.
    through_helper = dict((name, loader) for name, loader in seen['loaders'].items() if not name.endswith('._bytecode'))
    assert len(through_helper) == len(ours) + len(helpers) - 1
    assert set(through_helper.values()) == {'SourceFileLoader'}
    # The second run read that bytecode: it compiled nothing, or it would have replaced the file.
    assert all(path.startswith(copy + os.sep) for path in seen['files'].values()), seen['files']
    for name in through_helper:
        cached = importlib.util.cache_from_source(seen['files'][name])
        assert cached in written and bytecode_files(copy)[cached] == written[cached], name


def test_a_hit_where_python_may_not_write_bytecode_compiles_the_source_and_writes_nothing(tmp_path, cache_paloalto_token):
    values = dict(VALUES, cache_dir=str(tmp_path / 'cache'))
    cache_paloalto_token(values, 'eyJ-lookup-hit')
    copy = fresh_copy(tmp_path)
    seen = hit_through_the_lookup(values, copy, dict(os.environ, PYTHONDONTWRITEBYTECODE='1'))
    assert seen['cached'] is True
    assert set(seen['loaders'].values()) == {'SourceFileLoader', '_AnsibleCollectionLoader'}
    assert all(path.startswith(copy + os.sep) for path in seen['files'].values()), seen['files']
    assert [folder for folder, _dirs, _files in os.walk(copy) if folder.endswith('__pycache__')] == []
