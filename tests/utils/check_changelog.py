# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""antsibull-changelog lint, then a release of the current version in a scratch copy: CHANGELOG.md must name it
and every token module (from the profile table), role (from roles/), the token lookup and the vendor filter.

    check_changelog.py COLLECTION_DIR      (a laid-out collection: .../ansible_collections/vendor/tokens)
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from venv_tools import BIN, run

# Named as they are, not derived: the token lookup and the vendor filter (a trailing space: not vendors).
PLUGINS = ('vendor.tokens.token', 'vendor.tokens.vendor')


def markdown(text):
    """As the Markdown CHANGELOG.md writes it: every ASCII punctuation character escaped."""
    return re.sub(r'([!-/:-@\[-`{-~])', r'\\\1', text)


def required_names(collection, version):
    """Every name CHANGELOG.md must mention, as written there."""
    # The collection's own imports resolve through its layout, as ansible-test's do.
    sys.path.insert(0, str(collection.parents[2]))
    profiles = importlib.import_module('ansible_collections.vendor.tokens.plugins.module_utils._profiles').PROFILES
    modules = dict.fromkeys(profile.module for profile in profiles)
    roles = sorted(path.name for path in (collection / 'roles').iterdir() if path.is_dir())
    return (['v' + markdown(version)] + [markdown(module) for module in modules]
            + [markdown(plugin) + ' ' for plugin in PLUGINS] + [markdown(role) + ' role' for role in roles])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('collection', help='the laid-out collection, .../ansible_collections/vendor/tokens')
    collection = Path(os.path.abspath(parser.parse_args().collection))
    laid_out = len(collection.parts) > 3 and collection.parents[1].name == 'ansible_collections'
    if not (laid_out and (collection / 'galaxy.yml').is_file()):
        sys.exit('%s is not a laid-out collection: give .../ansible_collections/vendor/tokens (make layout writes it)'
                 % collection)
    match = re.search(r'^version: *(.*)$', (collection / 'galaxy.yml').read_text(encoding='utf-8'), re.MULTILINE)
    if not match:
        sys.exit('%s has no version: line' % (collection / 'galaxy.yml'))
    version = match.group(1).strip()
    # antsibull-changelog asks ansible-doc about the plugins, which finds this collection through its layout.
    os.environ.update(PATH=str(BIN) + os.pathsep + os.environ.get('PATH', ''),
                      ANSIBLE_COLLECTIONS_PATH=str(collection.parents[2]))
    run('antsibull-changelog', 'lint', cwd=collection)
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / 'tokens'
        shutil.copytree(collection, copy, symlinks=True)
        run('antsibull-changelog', 'release', '--version', version, '--date', datetime.date.today().isoformat(),
            cwd=copy, stdout=subprocess.DEVNULL)
        changelog = (copy / 'CHANGELOG.md').read_text(encoding='utf-8')
    for name in required_names(collection, version):
        if name not in changelog:
            sys.exit('CHANGELOG.md for %s does not mention %s' % (version, name))
    print('antsibull-changelog: lint clean, release %s generates CHANGELOG.md (%d lines)'
          % (version, changelog.count('\n')))
    return 0


if __name__ == '__main__':
    sys.exit(main())
