# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Imports go one way: the whole graph of plugins/, function-local imports included, read from the source.

module_utils files sit in layers (LAYERS, lowest first); a file imports only files of lower layers. Plugins
(action, lookup, modules, filter) import module_utils and plugin_utils, never each other, and no plugin loads
another through a plugin loader.
"""

from __future__ import annotations

import ast
import os

PLUGINS = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', 'plugins'))
PREFIX = 'ansible_collections.vendor.tokens.plugins.'
# Lowest first. The engine alone uses the caches, the request, HTTP and record parsing; the modules' glue and the
# API clients build on the engine.
LAYERS = (
    ('_errors',),
    ('_profiles', '_settings', '_sase_kinds'),
    ('_options',),
    ('_sealed',),
    ('_recall',),
    ('_http', '_token', '_cache'),
    ('_shared_cache',),
    ('_request',),
    ('_engine',),
    ('_module', '_api'),
    ('_sase_objects',),
    ('_api_module',),
)


def imports():
    """{'module_utils._engine': {'module_utils._cache', ...}, ...} for every file under plugins/."""
    graph = {}
    for folder, _dirs, files in os.walk(PLUGINS):
        for name in files:
            if not name.endswith('.py') or name == '__init__.py':
                continue
            path = os.path.join(folder, name)
            node_name = os.path.relpath(path, PLUGINS)[:-3].replace(os.sep, '.')
            with open(path, encoding='utf-8') as handle:
                tree = ast.parse(handle.read())
            targets = set()
            for node in ast.walk(tree):  # every import, at any depth
                modules = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    modules = [node.module] + ['%s.%s' % (node.module, alias.name) for alias in node.names]
                elif isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                for module in modules:
                    if module.startswith(PREFIX):
                        relative = module[len(PREFIX):]
                        if os.path.isfile(os.path.join(PLUGINS, *relative.split('.')) + '.py'):
                            targets.add(relative)
            graph[node_name] = targets
    return graph


def test_the_graph_has_no_cycle():
    graph = imports()
    state = {}

    def visit(node, path):
        if state.get(node) == 'done':
            return
        assert state.get(node) != 'open', 'import cycle: %s' % ' -> '.join(path + [node])
        state[node] = 'open'
        for target in sorted(graph.get(node, ())):
            visit(target, path + [node])
        state[node] = 'done'
    for node in sorted(graph):
        visit(node, [])


def test_module_utils_import_only_lower_layers():
    layer_of = dict((name, index) for index, layer in enumerate(LAYERS) for name in layer)
    graph = imports()
    ours = sorted(name.split('.', 1)[1] for name in graph if name.startswith('module_utils.'))
    assert sorted(layer_of) == ours, 'LAYERS must list every module_utils file exactly once'
    upward = []
    for name in ours:
        for target in graph['module_utils.' + name]:
            if target.startswith('module_utils.') and layer_of[target.split('.', 1)[1]] >= layer_of[name]:
                upward.append('%s imports %s' % (name, target.split('.', 1)[1]))
    assert upward == []


def test_plugins_do_not_import_or_load_each_other():
    graph = imports()
    kinds = ('action.', 'lookup.', 'modules.', 'filter.', 'doc_fragments.')
    crossing = ['%s imports %s' % (name, target) for name, targets in graph.items() for target in targets
                if target.startswith(kinds)]
    assert crossing == []
    loaders = []
    for folder, _dirs, files in os.walk(PLUGINS):
        for name in files:
            if name.endswith('.py'):
                with open(os.path.join(folder, name), encoding='utf-8') as handle:
                    if '_loader.get(' in handle.read():
                        loaders.append(name)
    assert loaders == [], 'plugins load other plugins through a loader: %s' % loaders


def test_module_utils_and_plugin_utils_never_import_plugins():
    graph = imports()
    wrong = ['%s imports %s' % (name, target) for name, targets in graph.items()
             if name.startswith(('module_utils.', 'plugin_utils.')) for target in targets
             if not target.startswith(('module_utils.', 'plugin_utils.'))]
    assert wrong == []
    assert [name for name, targets in graph.items() if name.startswith('module_utils.')
            and any(target.startswith('plugin_utils.') for target in targets)] == []
