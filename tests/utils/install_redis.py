# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Redis server the shared-cache tests start on loopback (no Docker): Debian's redis-server, installed when
missing.

    install_redis.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys


def apt_get(*args):
    """apt-get quietly; whether it succeeded."""
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    try:
        return subprocess.run(('apt-get',) + args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              check=False).returncode == 0
    except OSError:
        return False


def main():
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    if shutil.which('redis-server'):
        return 0
    if os.geteuid() != 0:
        print("redis-server is missing and installing it needs root: run 'sudo apt-get install redis-server', "
              "then again", file=sys.stderr)
        return 1
    install = ('install', '-y', '--no-install-recommends', 'redis-server')
    # A fresh machine's package lists may be empty or stale: update them once and try again.
    if not (apt_get(*install) or (apt_get('update') and apt_get(*install))):
        print('apt-get could not install redis-server', file=sys.stderr)
        return 1
    return subprocess.run(('redis-server', '--version'), check=False).returncode


if __name__ == '__main__':
    sys.exit(main())
