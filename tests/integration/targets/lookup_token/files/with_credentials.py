# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a command with settings in its environment and in an ansible.cfg of its own, where a value written
@VENDOR.FIELD is the test credential the emulator publishes in its state file.

  with_credentials.py STATE [--env NAME=VALUE ...] [--ini KEY=VALUE ...] -- COMMAND [ARGUMENT ...]

--ini keys go in the [vendor_tokens] section of a private ansible.cfg (ANSIBLE_CONFIG), removed when the command
ends. The credentials go from the state file to the command only: in a task's environment keyword they would show
in the EXEC line at -vvv, in its arguments in the invocation. Exits with the command's status.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile


def resolve(value, vendors):
    """value, or the credential it names as @VENDOR.FIELD."""
    if not value.startswith('@'):
        return value
    vendor, _dot, field = value[1:].partition('.')
    try:
        return vendors[vendor]['credentials'][field]
    except KeyError:
        sys.exit('the emulator publishes no credential %s; write @VENDOR.FIELD, such as @paloalto.client_id' % value)


def main(argv):
    if '--' not in argv or argv.index('--') < 1 or argv.index('--') == len(argv) - 1:
        sys.exit(__doc__)
    split = argv.index('--')
    settings, command = argv[1:split], argv[split + 1:]
    if len(settings) % 2 or any(flag not in ('--env', '--ini') for flag in settings[::2]):
        sys.exit(__doc__)
    with open(argv[0]) as handle:
        vendors = json.load(handle)['vendors']
    environment, ini = dict(os.environ), []
    for flag, assignment in zip(settings[::2], settings[1::2]):
        name, _sep, value = assignment.partition('=')
        if flag == '--env':
            environment[name] = resolve(value, vendors)
        else:
            ini.append('%s = %s\n' % (name, resolve(value, vendors)))
    folder = tempfile.mkdtemp(prefix='with-credentials-')  # mode 0700
    try:
        if ini:
            environment['ANSIBLE_CONFIG'] = os.path.join(folder, 'ansible.cfg')
            with open(environment['ANSIBLE_CONFIG'], 'w', encoding='utf-8') as handle:
                handle.write('[vendor_tokens]\n' + ''.join(ini))
        sys.stdout.flush()
        return subprocess.call(command, env=environment)
    finally:
        shutil.rmtree(folder)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
