# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bytecode_cached_imports() finds only this collection's plain module_utils and plugin_utils files, and leaves
sys.meta_path as it found it, however it is left."""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys

import pytest
import yaml

from ansible_collections.vendor.tokens.plugins.plugin_utils import _bytecode

PLUGINS = os.path.dirname(os.path.dirname(os.path.abspath(_bytecode.__file__)))
PREFIX = 'ansible_collections.vendor.tokens.plugins.'


def spec_inside(fullname, path):
    with _bytecode.bytecode_cached_imports():
        return sys.meta_path[0].find_spec(fullname, path)


def first_module(package):
    folder = os.path.join(PLUGINS, package)
    return folder, sorted(entry[:-3] for entry in os.listdir(folder) if entry.endswith('.py') and entry != '__init__.py')[0]


@pytest.mark.parametrize('package', ['module_utils', 'plugin_utils'])
def test_a_plain_module_of_module_utils_or_plugin_utils_is_found_for_the_source_loader(package):
    folder, name = first_module(package)
    spec = spec_inside(PREFIX + package + '.' + name, [folder])
    assert isinstance(spec.loader, importlib.machinery.SourceFileLoader)
    assert spec.origin == os.path.join(folder, name + '.py')
    assert spec.cached == importlib.util.cache_from_source(spec.origin)


@pytest.mark.parametrize('fullname, path', [
    ('ansible_collections.vendor.tokens.plugins.lookup.token', [os.path.join(PLUGINS, 'lookup')]),
    ('ansible_collections.other.tokens.plugins.module_utils._settings', [os.path.join(PLUGINS, 'module_utils')]),
    ('ansible_collections.vendor.tokens.plugins.module_utils._absent', [os.path.join(PLUGINS, 'module_utils')]),
    ('ansible_collections.vendor.tokens.plugins.module_utils', [PLUGINS]),
    ('json', None),
], ids=['a plugin', 'another collection', 'no such file', 'the package itself', 'the standard library'])
def test_every_other_name_is_left_to_the_other_loaders(fullname, path):
    assert spec_inside(fullname, path) is None


def test_a_folder_of_the_same_name_as_a_file_is_left_to_ansible_which_takes_the_folder_first(tmp_path):
    (tmp_path / '_shadowed.py').write_text('', encoding='utf-8')
    (tmp_path / '_shadowed').mkdir()
    assert spec_inside(PREFIX + 'module_utils._shadowed', [str(tmp_path)]) is None
    (tmp_path / '_shadowed').rmdir()
    assert spec_inside(PREFIX + 'module_utils._shadowed', [str(tmp_path)]) is not None


def test_it_is_first_inside_and_sys_meta_path_is_as_it_was_after_even_when_an_import_fails():
    before = list(sys.meta_path)
    with pytest.raises(ImportError):
        with _bytecode.bytecode_cached_imports():
            with _bytecode.bytecode_cached_imports():
                assert sys.meta_path[2:] == before
                assert [type(finder).__name__ for finder in sys.meta_path[:2]] == ['_SourceFinder'] * 2
            importlib.import_module(PREFIX + 'module_utils._no_such_file')
    assert sys.meta_path == before


def test_the_collection_routes_no_module_utils_or_plugin_utils_which_the_finder_would_not_follow():
    with open(os.path.join(PLUGINS, '..', 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        routing = (yaml.safe_load(handle) or {}).get('plugin_routing') or {}
    assert [kind for kind in ('module_utils', 'plugin_utils') if routing.get(kind)] == []
