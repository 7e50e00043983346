# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put the get-pip stand-in where the installed ansible-test looks for its pip bootstrap script."""

from __future__ import annotations

import os
import re
import shutil

import ansible_test


def main():
    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source, encoding='utf-8') as handle:
        versions = sorted(set(re.findall(r"\bpip='([0-9.]+)'", handle.read())))
    if not versions:
        raise SystemExit('cannot find the pip version ansible-test bootstraps in %s' % source)
    cache = os.path.expanduser('~/.ansible/test/cache')
    os.makedirs(cache, exist_ok=True)
    standin = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'get_pip_standin.py')
    for version in versions:
        target = os.path.join(cache, 'get_pip_%s.py' % version.replace('.', '_'))
        shutil.copyfile(standin, target)
        print('pip %s bootstrap: %s' % (version, target))


if __name__ == '__main__':
    main()
