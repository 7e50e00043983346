# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for the get-pip script that ansible-test downloads from a host this machine cannot reach.

ansible-test runs ~/.ansible/test/cache/get_pip_<version>.py as __main__ with pip's install arguments.
This bootstraps pip from the interpreter's own ensurepip, then installs what was asked from the package index.
"""

from __future__ import annotations

import subprocess
import sys

# get-pip.py understands these; pip install does not.
_GET_PIP_ONLY = ('--no-setuptools', '--no-wheel')


def main():
    subprocess.run([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'], check=True,
                   stdout=subprocess.DEVNULL)
    args = [arg for arg in sys.argv[1:] if arg not in _GET_PIP_ONLY]
    sys.exit(subprocess.run([sys.executable, '-m', 'pip', 'install'] + args, check=False).returncode)


if __name__ == '__main__':
    main()
