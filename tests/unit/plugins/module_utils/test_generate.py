# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files `make generate` writes from the profile table: current in the tree, and following a new row."""

from __future__ import annotations

import importlib.util
import os
import shutil

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
SOURCES = ('plugins/module_utils/_profiles.py', 'plugins/doc_fragments/common.py', 'README.md')
SIXTH_ROW = '''    VendorProfile(
        name='acme',
        title='Acme Secure Edge',
        aliases=('acme_edge',),
        module='acme_token',
        credentials=(
            Credential('api_token', 'ACME_API_TOKEN', secret=True, label='API token', doc='API token'),
            Credential('tenant', 'ACME_TENANT', pattern=r'^[a-z]+$', hint='lower-case letters', label='Tenant',
                       doc='tenant name'),
        ),
        auth_url='https://auth.acme.test/token',
        api_url='https://api.acme.test',
        encoding='json',
        body={'token': '{api_token}', 'tenant': '{tenant}'},
        client_auth=None,
        token_path='access_token',
        type_path=None,
        expiry_path='expires_in',
        expiry_kind='relative',
        scope_path=None,
        refresh_path=None,
        refresh=None,
        error_paths=('message',),
        lifetime=600,
        fact_name='acme_token',
        api=ApiStyle(),
    ),
)
'''


def generator():
    spec = importlib.util.spec_from_file_location('vendor_tokens_generate', os.path.join(ROOT, 'tests', 'utils',
                                                                                         'generate.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_files_are_current():
    for relative, text in generator().outputs(ROOT).items():
        with open(os.path.join(ROOT, relative), encoding='utf-8') as handle:
            assert handle.read() == text, '%s is stale: run make generate' % relative


def test_a_sixth_row_reaches_every_generated_surface(tmp_path):
    for relative in SOURCES:
        os.makedirs(os.path.dirname(str(tmp_path / relative)) or str(tmp_path), exist_ok=True)
        shutil.copy(os.path.join(ROOT, relative), str(tmp_path / relative))
    table = tmp_path / 'plugins/module_utils/_profiles.py'
    text = table.read_text()
    assert text.count('\n)\n') == 1
    table.write_text(text.replace('\n)\n', '\n' + SIXTH_ROW, 1))

    files = generator().outputs(str(tmp_path))
    fragment = yaml.safe_load(files['plugins/doc_fragments/vendors.py'].split("r'''")[1].split("'''")[0])['options']
    assert fragment['acme_api_token']['env'] == [{'name': 'ACME_API_TOKEN'}]
    assert fragment['acme_tenant']['vars'] == [{'name': 'vendor_tokens_acme_tenant'}]
    assert 'O(acme_api_token)' in fragment['api_token']['description'][0]
    role = yaml.safe_load(files['roles/login/meta/argument_specs.yml'])['argument_specs']['main']['options']
    assert role['vendor_tokens_acme_api_token']['no_log'] is True
    assert {'acme', 'acme_edge'} <= set(role['vendor_tokens_vendor']['choices'])
    assert 'vendor_tokens_acme_auth_url' in role
    assert 'vendor_tokens_acme_tenant:' in files['roles/login/defaults/main.yml']
    awx = yaml.safe_load(files['extensions/awx/credential_type_acme.yml'])
    assert awx['injectors']['env'] == {'ACME_API_TOKEN': '{{ api_token }}', 'ACME_TENANT': '{{ tenant }}'}
    assert awx['inputs']['required'] == ['api_token', 'tenant']
    assert '| `acme` (Acme Secure Edge) | `api_token` (`ACME_API_TOKEN`)' in files['README.md']
