# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Units and integration on another ansible-core and Python, in a venv of their own (.venv-core-<version>):

    matrix.py CORE_VERSION PYTHON_VERSION COLLECTION_DIR [INTEGRATION_TARGET ...]
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*command, **kwargs):
    """A step; its exit status ends the run when it fails."""
    status = subprocess.run([str(part) for part in command], check=False, **kwargs).returncode
    if status:
        sys.exit(status)


def interpreter(python):
    """The first python<version> that runs: on PATH, else in pyenv's folders (its shims only answer for the
    selected versions)."""
    pyenv = os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')
    candidates = [shutil.which('python' + python)]
    candidates += sorted(glob.glob(os.path.join(pyenv, 'versions', python + '*', 'bin', 'python' + python)))
    for candidate in candidates:
        if not candidate:
            continue
        try:
            if subprocess.run((candidate, '-c', 'pass'), check=False, stderr=subprocess.DEVNULL).returncode == 0:
                return candidate
        except OSError:
            continue
    sys.exit('Python %s is not installed' % python)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('core', help='the ansible-core version, such as 2.16.19')
    parser.add_argument('python', help='the Python version, such as 3.11')
    parser.add_argument('collection', help='the laid-out collection, .../ansible_collections/vendor/tokens')
    parser.add_argument('targets', nargs='*', help='integration targets to run (default: all)')
    args = parser.parse_args()
    collection = os.path.abspath(args.collection)
    if not os.path.isdir(collection):
        sys.exit('no collection at %s: lay it out first (make layout)' % collection)
    venv = ROOT / ('.venv-core-' + args.core)
    python = interpreter(args.python)

    marker = venv / ('.installed-' + args.core)
    if not marker.is_file():
        shutil.rmtree(venv, ignore_errors=True)
        run(python, '-m', 'venv', venv)
        run(venv / 'bin' / 'pip', 'install', '--quiet', '--disable-pip-version-check', 'ansible-core==' + args.core)
        run(venv / 'bin' / 'python', ROOT / 'tests' / 'utils' / 'install_get_pip.py')
        marker.touch()

    # ansible-test finds "python<version>" on PATH.
    os.environ['PATH'] = os.path.dirname(python) + os.pathsep + os.environ.get('PATH', '')
    ansible_test = venv / 'bin' / 'ansible-test'
    title = 'ansible-core %s, Python %s' % (args.core, args.python)
    print('== %s: units' % title, flush=True)
    run(ansible_test, 'units', '--venv', '--python', args.python, '--requirements', '--color', 'no', cwd=collection)
    print('== %s: integration' % title, flush=True)
    run(ansible_test, 'integration', '--venv', '--python', args.python, '--requirements', '--color', 'no',
        *args.targets, cwd=collection)
    return 0


if __name__ == '__main__':
    sys.exit(main())
