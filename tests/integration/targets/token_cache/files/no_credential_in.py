# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fail when a file under FOLDER holds any credential the emulator publishes (longer than 3 characters).

  no_credential_in.py STATE FOLDER

Names the file, never the credential.
"""

from __future__ import annotations

import json
import os
import sys


def main(state_path, folder):
    with open(state_path) as handle:
        state = json.load(handle)
    values = [value.encode('utf-8') for vendor in state['vendors'].values()
              for value in vendor['credentials'].values() if len(value) > 3]
    searched = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with open(os.path.join(root, name), 'rb') as handle:
                data = handle.read()
            searched += 1
            if any(value in data for value in values):
                sys.exit('a credential was written to the cache, in %s' % name)
    print('%d files searched, no credential in any' % searched)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
