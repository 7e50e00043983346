# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a command with environment variables set to test credentials the emulator publishes in its state file.

  with_credentials.py STATE NAME=VENDOR.FIELD [...] -- COMMAND [ARGUMENT ...]

The values go from the state file into the command's environment only: a task's environment keyword would show
them in the EXEC line at -vvv, and its arguments in the invocation.
"""

from __future__ import annotations

import json
import os
import sys


def main(argv):
    if '--' not in argv or argv.index('--') < 1 or argv.index('--') == len(argv) - 1:
        sys.exit(__doc__)
    split = argv.index('--')
    with open(argv[0]) as handle:
        vendors = json.load(handle)['vendors']
    environment = dict(os.environ)
    for assignment in argv[1:split]:
        name, _sep, where = assignment.partition('=')
        vendor, _dot, field = where.partition('.')
        try:
            environment[name] = vendors[vendor]['credentials'][field]
        except KeyError:
            sys.exit('the emulator publishes no credential %s (in %s); expected VENDOR.FIELD' % (where, name))
    command = argv[split + 1:]
    os.execve(command[0], command, environment)


if __name__ == '__main__':
    main(sys.argv[1:])
