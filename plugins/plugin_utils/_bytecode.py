# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Imports of this collection's module_utils and plugin_utils that keep their bytecode, for the plugins that run
at every templating (the lookups and the filter).

Ansible's collection loader compiles these files from their source in every process that imports them, and keeps
no bytecode; Ansible templates each task in a new forked worker, so a cached lookup would spend most of its time
compiling. Inside bytecode_cached_imports(), Python's own source loader imports them instead, with their bytecode
in __pycache__ as Ansible's plugin loader keeps it for plugin files. Packages and every other name are left to
Ansible's loaders. make bench counts what a cached lookup costs a worker.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys

# ansible_collections.<namespace>.<name>.plugins.module_utils and .plugin_utils of this collection.
_PACKAGES = tuple('%s.%s' % (__name__.rsplit('.', 2)[0], kind) for kind in ('module_utils', 'plugin_utils'))


class _SourceFinder(object):
    """Finds a plain module of _PACKAGES in its package's folder, for Python's source loader."""

    def find_spec(self, fullname, path=None, target=None):
        package, _dot, leaf = fullname.rpartition('.')
        if package not in _PACKAGES:
            return None
        for folder in path or ():
            source = os.path.join(folder, leaf + '.py')
            if os.path.isfile(source):
                return importlib.util.spec_from_file_location(fullname, source)
        return None


@contextlib.contextmanager
def bytecode_cached_imports():
    """Within it, imports of this collection's module_utils and plugin_utils use and write __pycache__."""
    finder = _SourceFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
