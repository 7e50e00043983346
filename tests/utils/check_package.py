# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge the built collection tarball as Galaxy would: no stray files in it, and galaxy-importer clean.

galaxy-importer runs locally (no container); any line it prints as WARNING or ERROR fails the check.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import tempfile

# What must never ship: test output, virtualenvs, caches, build trees, nested tarballs.
FORBIDDEN = re.compile(r'(^|/)(tests/output|\.venv[^/]*|build|dist|__pycache__|\.pytest_cache|\.hypothesis|\.ansible|\.cache|'
                       r'\.git)(/|$)|\.pyc$|\.tar\.gz$')
REQUIRED = ('MANIFEST.json', 'FILES.json', 'README.md', 'LICENSE', 'meta/runtime.yml', 'meta/execution-environment.yml',
            'requirements.txt', 'bindep.txt', 'plugins/lookup/token.py', 'roles/login/meta/argument_specs.yml',
            'playbooks/demo.yml', 'changelogs/changelog.yaml')
IMPORTER_CONFIG = """[galaxy-importer]
RUN_ANSIBLE_TEST = False
RUN_ANSIBLE_LINT = True
RUN_ANSIBLE_DOC = True
REQUIRE_V1_OR_GREATER = False
"""


def main():
    tarball = sys.argv[1]
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    stray = [name for name in names if FORBIDDEN.search(name)]
    missing = [name for name in REQUIRED if name not in names]
    print('%s: %d files' % (os.path.basename(tarball), len(names)))
    if stray or missing:
        raise SystemExit('the tarball holds %s and lacks %s' % (stray or 'nothing stray', missing or 'nothing'))

    with tempfile.NamedTemporaryFile('w', suffix='.cfg', delete=False) as config:
        config.write(IMPORTER_CONFIG)
    env = dict(os.environ, GALAXY_IMPORTER_CONFIG=config.name,
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
    done = subprocess.run([sys.executable, '-m', 'galaxy_importer.main', os.path.abspath(tarball)], env=env, check=False,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tempfile.gettempdir())
    os.unlink(config.name)
    output = done.stdout.decode('utf-8', 'replace')
    problems = [line for line in output.splitlines() if re.match(r'\s*(WARNING|ERROR)\b', line)]
    if done.returncode != 0 or problems or 'Importer processing completed successfully' not in output:
        sys.stderr.write(output[-6000:])
        raise SystemExit('galaxy-importer: exit %d, %d warnings or errors' % (done.returncode, len(problems)))
    print('galaxy-importer: no errors, no warnings')


if __name__ == '__main__':
    main()
