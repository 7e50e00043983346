# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fail unless the cache folder is private (0700), each of its files is 0600, it holds at least one entry
(*.token) per vendor the emulator serves, and no file in it holds any credential the emulator publishes.

  check_cache.py STATE FOLDER

Names the file, never the credential.
"""

from __future__ import annotations

import json
import os
import stat
import sys


def main(state_path, folder):
    with open(state_path) as handle:
        vendors = json.load(handle)['vendors']
    values = [value.encode('utf-8') for vendor in vendors.values() for value in vendor['credentials'].values() if len(value) > 3]
    mode = stat.S_IMODE(os.stat(folder).st_mode)
    if mode != 0o700:
        sys.exit('the cache folder %s has mode %o, not 700' % (folder, mode))
    entries = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            mode = stat.S_IMODE(os.lstat(path).st_mode)
            if stat.S_ISREG(os.lstat(path).st_mode) and mode != 0o600:
                sys.exit('%s has mode %o, not 600' % (path, mode))
            entries += name.endswith('.token')
            with open(path, 'rb') as handle:
                data = handle.read()
            if any(value in data for value in values):
                sys.exit('a credential was written to the cache, in %s' % name)
    if entries < len(vendors):
        sys.exit('the cache holds %d entries for %d vendors' % (entries, len(vendors)))
    print('cache folder 700, its files 600, %d entries for %d vendors, no credential in any file' % (entries, len(vendors)))


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
