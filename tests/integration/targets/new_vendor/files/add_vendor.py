# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Add a sixth vendor to a scratch copy of the collection as README's "Adding a vendor" says: its row in the
profile table and its emulator entry, then `make generate`. Prints, as JSON, every file that changed or appeared.

    add_vendor.py COLLECTION_ROOT SCRATCH_COLLECTIONS_ROOT
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys

# Only what differs from the defaults: a client-credentials vendor whose tenant fills the scope.
SIXTH_ROW = '''    VendorProfile(
        name='acme',
        title='Acme Secure Edge',
        aliases=('acme_edge',),
        module='acme_token',
        credentials=(
            Credential('client_id', 'ACME_CLIENT_ID', label='Client ID', doc='client id'),
            Credential('client_secret', 'ACME_CLIENT_SECRET', secret=True, label='Client secret', doc='client secret'),
            Credential('tenant', 'ACME_TENANT', pattern=r'^[a-z]+$', hint='lower-case letters', label='Tenant',
                       doc='tenant name'),
        ),
        auth_url='https://auth.acme.test/oauth2/token',
        api_url='https://api.acme.test',
        body={'grant_type': 'client_credentials', 'scope': 'tenant:{tenant}'},
        client_auth=ClientAuth('client_id', 'client_secret'),
        scope_path='scope',
        lifetime=600,
        about=('OAuth 2.0 client credentials, with the tenant as scope.',),
        example='/v2/things',
    ),
)
'''
EMULATOR_VENDOR = '''from ._generic import client_credentials_vendor
VENDOR = client_credentials_vendor("/acme/oauth2/token", "/v2/things",
                                   [{"client_id": "acme-client", "client_secret": "acme-secret-value"}],
                                   lifetime=600, api_prefix="/acme-api")
'''
EMULATOR = 'tests/integration/targets/setup_emulator/files/vendor_emulator'
SKIPPED = ('tests/output', '.git', '__pycache__')


def digests(root):
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if os.path.relpath(os.path.join(folder, name), root) not in SKIPPED
                   and name != '__pycache__']
        for name in files:
            path = os.path.join(folder, name)
            with open(path, 'rb') as handle:
                found[os.path.relpath(path, root)] = hashlib.sha256(handle.read()).hexdigest()
    return found


def main():
    source, scratch = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    copy = os.path.join(scratch, 'ansible_collections', 'vendor', 'tokens')
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns('output', '.git', '__pycache__'))
    before = digests(copy)
    table = os.path.join(copy, 'plugins', 'module_utils', '_profiles.py')
    with open(table, encoding='utf-8') as handle:
        text = handle.read()
    if text.count('\n)\n') != 1:
        sys.exit('the end of PROFILES is not where this test expects it')
    with open(table, 'w', encoding='utf-8') as handle:
        handle.write(text.replace('\n)\n', '\n' + SIXTH_ROW, 1))
    with open(os.path.join(copy, EMULATOR, 'vendors', 'acme.py'), 'w', encoding='utf-8') as handle:
        handle.write(EMULATOR_VENDOR)
    done = subprocess.run([sys.executable, os.path.join(copy, 'tests', 'utils', 'generate.py'), copy],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    if done.returncode:
        sys.exit('make generate failed: %s' % done.stdout.decode('utf-8', 'replace'))
    after = digests(copy)
    print(json.dumps({
        'collections': scratch,
        'emulator': os.path.join(copy, EMULATOR),
        'created': sorted(set(after) - set(before)),
        'changed': sorted(name for name in set(after) & set(before) if after[name] != before[name]),
    }))


if __name__ == '__main__':
    main()
