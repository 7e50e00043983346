# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cache-hit path: what a hit loads, measured in a fresh interpreter as the lookup's forked worker would."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import pytest

from ansible_collections.vendor.tokens.plugins.module_utils import _recall, _sealed

COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(_recall.__file__), *(['..'] * 5)))
VALUES = {'client_id': 'sa@1.iam', 'client_secret': 'recall-test-secret', 'tsg_id': '1838006364'}
# What the lookup imports to serve a hit: the adapter, the two tables, the entry format and the hit path.
ALLOWED = {'_errors', '_options', '_profiles', '_settings', '_sealed', '_recall'}
# What a hit must never load: the request, validation, cache-writing, answer-parsing and error code, and their
# third-party packages.
FORBIDDEN_PACKAGES = ('requests', 'jmespath', 'urllib3', 'redis')

HIT = '''
import json, sys
from ansible_collections.vendor.tokens.plugins.module_utils._options import OptionAdapter
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import find_profile
from ansible_collections.vendor.tokens.plugins.module_utils._recall import recall
values = json.loads(sys.argv[1])
record = recall(find_profile('paloalto'), OptionAdapter.from_params(values).values(find_profile('paloalto')))
print(json.dumps({'cached': record['cached'], 'modules': sorted(sys.modules)}))
'''


@pytest.mark.parametrize('cache_url', [None, 'redis://:recall-pw@127.0.0.1:9/0'], ids=['file cache', 'with Redis'])
def test_a_hit_loads_only_the_hit_path(tmp_path, cache_paloalto_token, cache_url):
    # With cache_url, the hit is served from the file cache in front of Redis (here, a Redis nobody listens for).
    values = dict(VALUES, cache_dir=str(tmp_path / 'cache'), cache_url=cache_url)
    cache_paloalto_token(values, 'eyJ-recall')

    env = dict(os.environ, PYTHONPATH=COLLECTIONS_ROOT)
    done = subprocess.run([sys.executable, '-c', HIT, json.dumps(values)], env=env, check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = json.loads(done.stdout.decode())
    assert seen['cached'] is True
    ours = set(name.rsplit('.', 1)[1] for name in seen['modules']
               if name.startswith('ansible_collections.vendor.tokens.plugins.module_utils.'))
    assert ours == ALLOWED
    assert [name for name in seen['modules'] if name.split('.')[0] in FORBIDDEN_PACKAGES] == []


@pytest.mark.parametrize('module, ours', [(_recall, {'_sealed'}), (_sealed, set())], ids=['hit path', 'entry format'])
def test_the_hit_path_imports_only_the_standard_library_and_cryptography(module, ours):
    with open(module.__file__, encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    top_level, collection = set(), set()
    for node in ast.walk(tree):
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module]
        for name in modules:
            if name.startswith('ansible_collections.vendor.tokens.plugins.module_utils.'):
                collection.add(name.rsplit('.', 1)[1])
            else:
                top_level.add(name.split('.')[0])
    allowed = set(sys.stdlib_module_names) | {'__future__', 'cryptography'}
    assert top_level <= allowed, top_level - allowed
    assert collection == ours
