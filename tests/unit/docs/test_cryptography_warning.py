# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README's filter for the CryptographyDeprecationWarning that ansible-core prints with cryptography 51 or newer
(its SSH agent code imports DSA) hides that warning and no other, in any Python, with or without cryptography."""

from __future__ import annotations

import os
import re
import subprocess
import sys

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'README.md')
# What cryptography 51 prints, raised the way it raises it (its warning class derives from UserWarning).
EMIT = '''
import warnings
class CryptographyDeprecationWarning(UserWarning):
    pass
warnings.warn('DSA is deprecated and support will be removed in a future release. Use a more modern signature '
              'algorithm.', CryptographyDeprecationWarning)
warnings.warn('another warning')
'''


def documented_filter():
    with open(README, encoding='utf-8') as handle:
        found = re.search(r"PYTHONWARNINGS='([^']+)'", handle.read())
    assert found, 'the README no longer documents a PYTHONWARNINGS filter'
    return found.group(1)


def run(environment):
    return subprocess.run([sys.executable, '-c', EMIT], env=environment, stderr=subprocess.PIPE, check=True,
                          timeout=60).stderr.decode('utf-8', 'replace')


def test_the_documented_filter_hides_that_warning_and_no_other():
    plain = dict((name, value) for name, value in os.environ.items() if name != 'PYTHONWARNINGS')
    assert 'DSA is deprecated' in run(plain)  # shown without the filter, so the check below can fail
    filtered = run(dict(plain, PYTHONWARNINGS=documented_filter()))
    assert 'DSA is deprecated' not in filtered and 'another warning' in filtered
    assert 'Invalid -W option' not in filtered  # no module to import: harmless where cryptography is missing
