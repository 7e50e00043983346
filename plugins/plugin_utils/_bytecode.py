# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Imports of this collection's module_utils and plugin_utils that keep their bytecode, for the plugins (the
lookups, the filter and the action plugins' shared code).

Ansible's collection loader compiles these files from their source in every process that imports them, and keeps
no bytecode; Ansible templates each task in a new forked worker, so a cached lookup would spend most of its time
compiling. Inside bytecode_cached_imports(), Python's own source loader imports them instead, with their bytecode
in __pycache__ as Ansible's plugin loader keeps it for plugin files. Only a plain <name>.py file is taken; a
package, a <name>/ folder, and every other name are left to Ansible's loaders. The finder does not follow
plugin_routing in meta/runtime.yml, which this collection does not use for these two folders (a unit test checks
that). make bench counts what a cached lookup costs a worker.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys

# ansible_collections.<namespace>.<name>.plugins.module_utils and .plugin_utils of this collection.
PACKAGES = tuple('%s.%s' % (__name__.rsplit('.', 2)[0], kind) for kind in ('module_utils', 'plugin_utils'))


class _SourceFinder(object):
    """Finds a plain module of PACKAGES in its package's folder, for Python's source loader."""

    def find_spec(self, fullname, path=None, target=None):
        package, _dot, leaf = fullname.rpartition('.')
        if package not in PACKAGES:
            return None
        for folder in path or ():
            if os.path.isdir(os.path.join(folder, leaf)):
                return None  # Ansible's loader takes a folder before a file of the same name
            source = os.path.join(folder, leaf + '.py')
            if os.path.isfile(source):
                return importlib.util.spec_from_file_location(fullname, source)
        return None


@contextlib.contextmanager
def bytecode_cached_imports():
    """Within it, imports of this collection's module_utils and plugin_utils use and write __pycache__; after it,
    sys.meta_path is as it was (ansible-test's import sanity test requires that of a plugin)."""
    finder = _SourceFinder()
    # New lists rather than an insert and a remove: another thread may be walking the current one.
    sys.meta_path = [finder] + sys.meta_path
    try:
        yield
    finally:
        sys.meta_path = [entry for entry in sys.meta_path if entry is not finder]
