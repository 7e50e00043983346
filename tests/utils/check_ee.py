# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-builder: the collection's meta/execution-environment.yml must bring its Python and system requirements
into an execution environment, and `ansible-builder create` must produce a build context (no container engine).

    check_ee.py TARBALL
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from venv_tools import BIN, run

REQUIREMENTS = ('requests', 'jmespath', 'cryptography', 'redis', 'python3 [platform:rpm]')
EXECUTION_ENVIRONMENT = """---
version: 3
images:
  base_image:
    name: quay.io/ansible/awx-ee:latest
dependencies:
  galaxy:
    collections:
      - name: %s
        type: file
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('tarball', help='the collection tarball ansible-galaxy collection build wrote')
    tarball = os.path.abspath(parser.parse_args().tarball)
    if not os.path.isfile(tarball):
        sys.exit('no collection tarball at %s: build it first (make tarball)' % tarball)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        collections = str(scratch / 'collections')
        # Its own collections path and --force: a vendor.tokens installed elsewhere must not satisfy the install.
        run('ansible-galaxy', 'collection', 'install', '--force', '-p', collections, tarball,
            env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        introspect = subprocess.run((str(BIN / 'ansible-builder'), 'introspect', '--sanitize', collections),
                                    check=False, stdout=subprocess.PIPE, universal_newlines=True)
        if introspect.returncode:
            sys.exit(introspect.returncode)
        for requirement in REQUIREMENTS:
            if requirement not in introspect.stdout:
                sys.stderr.write(introspect.stdout)
                sys.exit('ansible-builder introspect does not see %s' % requirement)
        definition = scratch / 'execution-environment.yml'
        definition.write_text(EXECUTION_ENVIRONMENT % tarball, encoding='utf-8')
        context = scratch / 'context'
        run('ansible-builder', 'create', '-f', str(definition), '-c', str(context), stdout=subprocess.DEVNULL)
        if not any((context / name).is_file() and (context / name).stat().st_size
                   for name in ('Containerfile', 'Dockerfile')):
            sys.exit('ansible-builder create wrote no Containerfile or Dockerfile in its build context')
        requirements = context / '_build' / 'requirements.yml'
        if not (requirements.is_file() and requirements.stat().st_size):
            sys.exit('ansible-builder create wrote no _build/requirements.yml in its build context')
    print('ansible-builder: introspect finds requests, jmespath, cryptography, redis and python3; create wrote a build '
          'context')
    return 0


if __name__ == '__main__':
    sys.exit(main())
