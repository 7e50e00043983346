# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the inventory of any_host.yml: hosts of every kind a token task may meet.

  inventory.py FOLDER

In FOLDER: bare-python, a Python without requests or jmespath (for a host whose interpreter could never run the
module), and token-action/hosts.ini with group_vars choosing the TSG of two groups. Hosts that are down point at a
loopback port nothing listens on. Prints the path of hosts.ini.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

HOSTS = '''localhost ansible_port={port}
[down]
ssh-down ansible_host=127.0.0.1 ansible_port={port} ansible_user=nobody ansible_ssh_timeout=2
[bare]
no-requests ansible_connection=local ansible_python_interpreter={bare}/bin/python
no-python ansible_connection=local ansible_python_interpreter=/nonexistent/bin/python3
[tsg_a]
tenant-a1 ansible_connection=local
tenant-a2 ansible_connection=local
[tsg_b]
tenant-b1 ansible_connection=local
'''
GROUP_TSG = {'tsg_a': '1111111111', 'tsg_b': '2222222222'}


def main(folder):
    bare = os.path.join(folder, 'bare-python')
    if not os.access(os.path.join(bare, 'bin', 'python'), os.X_OK):
        subprocess.run([sys.executable, '-m', 'venv', '--without-pip', bare], check=True)
    with socket.socket() as probe:  # a port the system just gave out, closed at once
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    inventory = os.path.join(folder, 'token-action')
    os.makedirs(os.path.join(inventory, 'group_vars'), exist_ok=True)
    with open(os.path.join(inventory, 'hosts.ini'), 'w') as handle:
        handle.write(HOSTS.format(port=port, bare=bare))
    for group, tsg in GROUP_TSG.items():
        with open(os.path.join(inventory, 'group_vars', group + '.yml'), 'w') as handle:
            handle.write('token_action_tsg: "%s"\n' % tsg)
    print(os.path.join(inventory, 'hosts.ini'))


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
