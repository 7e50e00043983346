# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's vendor table: what each vendor module declares, and that a new module in vendors/ (three lines
for a generic OAuth client-credentials vendor) is served like the others: tokens, faults, counters, config and the
state file."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import importlib
import json
import os
import shutil
import ssl
import stat
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

import vendor_emulator
from vendor_emulator.vendors import VENDORS

PACKAGE_DIR = os.path.dirname(os.path.abspath(vendor_emulator.__file__))
SCRATCH_NAME = 'scratch_vendor_emulator'
SCRATCH_CREDENTIAL = {'client_id': 'scratch-client', 'client_secret': 'scratch-secret-value'}
SCRATCH_MODULE = '''from ._generic import client_credentials_vendor
VENDOR = client_credentials_vendor("/scratch/oauth2/token", "/v2/things", [%r], lifetime=600, api_prefix="/scratch-api")
''' % SCRATCH_CREDENTIAL
PRIVATE_MODULE = 'raise RuntimeError("a private module was imported as a vendor")\n'
FORM = {'Content-Type': 'application/x-www-form-urlencoded'}

# What the collection's tests point at the emulator, and how they expect a refused login to read.
DECLARED = {
    'paloalto': ({'auth_url': '/oauth2/access_token', 'api_url': ''}, '/sse/config/v1/addresses',
                 'invalid_client: Client authentication failed'),
    'checkpoint': ({'auth_url': '/api/v1/auth/authorize', 'api_url': '/api/rest'}, '/v1/networks', 'Invalid API key'),
    'forticasb': ({'auth_url': '/api/v1/auth/token', 'api_url': '/api/v1'}, '/company', 'Invalid username or password'),
    'plainid': ({'auth_url': '/api/1.0/api-key/token', 'api_url': ''}, '/api/1.0/environments',
                'refused with an empty answer (check the credentials)'),
    'keepz': ({'base_url': ''}, '/api/integrator/balance', 'Incorrect credentials: Keepz code 5021'),
}


def _copy_package(parent, name):
    """A copy of the emulator package named name under parent, with a scratch vendor and a private module added."""
    target = os.path.join(str(parent), name)
    shutil.copytree(PACKAGE_DIR, target, ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
    with open(os.path.join(target, 'vendors', 'scratch.py'), 'w', encoding='utf-8') as handle:
        handle.write(SCRATCH_MODULE)
    with open(os.path.join(target, 'vendors', '_notes.py'), 'w', encoding='utf-8') as handle:
        handle.write(PRIVATE_MODULE)
    return target


@pytest.fixture(scope='module')
def scratch(tmp_path_factory):
    """The copy, imported under another name so that it shares no module with vendor_emulator."""
    parent = str(tmp_path_factory.mktemp('scratch-package'))
    _copy_package(parent, SCRATCH_NAME)
    sys.path.insert(0, parent)
    try:
        yield importlib.import_module(SCRATCH_NAME + '.daemon')
    finally:
        sys.path.remove(parent)
        for module in [module for module in sys.modules if module == SCRATCH_NAME or module.startswith(SCRATCH_NAME + '.')]:
            del sys.modules[module]


# -- the table as it is


def test_every_vendor_module_is_discovered_in_name_order():
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(PACKAGE_DIR, 'vendors'))
                     if name.endswith('.py') and not name.startswith('_'))
    assert list(VENDORS) == modules
    assert set(DECLARED) <= set(VENDORS)


@pytest.mark.parametrize('vendor', list(VENDORS))
def test_each_vendor_declares_what_the_state_file_publishes(vendor):
    spec = VENDORS[vendor]
    if vendor in DECLARED:
        options, api_path, refused_text = DECLARED[vendor]
        assert (spec['options'], spec['api_path'], spec['refused_text']) == (options, api_path, refused_text)
    # Any vendor: options are paths below the emulator's URL, with one protected endpoint and a refusal's text.
    assert spec['options'] and all(path == '' or path.startswith('/') for path in spec['options'].values())
    assert spec['api_path'].startswith('/') and isinstance(spec['refused_text'], str) and spec['refused_text']
    assert spec['credentials'], 'a vendor needs a test credential'
    for credential in spec['credentials']:
        assert sorted(credential) == sorted(spec['credential_fields'])
        assert all(isinstance(value, str) and value for value in credential.values())


@pytest.mark.parametrize('vendor', list(VENDORS))
def test_each_vendors_options_lead_to_its_own_routes(vendor):
    spec = VENDORS[vendor]
    base = spec['options'].get('api_url', spec['options'].get('base_url'))
    api_methods = [methods for template, methods in spec['api_routes'] if template == base + spec['api_path']]
    assert len(api_methods) == 1 and 'GET' in api_methods[0]
    if 'auth_url' in spec['options']:
        assert spec['options']['auth_url'] in spec['token_paths']


def _package_texts():
    texts = {}
    for folder, _dirs, files in os.walk(PACKAGE_DIR):
        for name in files:
            if name.endswith('.py'):
                with open(os.path.join(folder, name), encoding='utf-8') as handle:
                    texts[os.path.relpath(os.path.join(folder, name), PACKAGE_DIR)] = handle.read()
    return texts


@pytest.mark.parametrize('vendor', list(VENDORS))
def test_each_vendors_credentials_are_written_once_in_its_own_module(vendor):
    texts = _package_texts()
    credential = VENDORS[vendor]['credentials'][0]
    for value in credential.values():
        assert [path for path, text in sorted(texts.items()) if value in text] == [os.path.join('vendors', vendor + '.py')]
        # A value inside another (Palo Alto's tsg_id is part of its client_id) is counted with it.
        inside = sum(other.count(value) for other in credential.values() if other != value)
        assert texts[os.path.join('vendors', vendor + '.py')].count(value) == 1 + inside


# -- a new vendor module


def test_a_new_module_is_discovered_and_private_ones_are_not(scratch):
    table = sys.modules[SCRATCH_NAME + '.vendors'].VENDORS
    assert list(table) == sorted(list(VENDORS) + ['scratch'])
    new = table['scratch']
    assert new['credentials'] == [SCRATCH_CREDENTIAL]
    assert (new['token_paths'], new['options'], new['api_path'], new['lifetime']) == \
        (('/scratch/oauth2/token',), {'auth_url': '/scratch/oauth2/token', 'api_url': '/scratch-api'}, '/v2/things', 600)
    assert new['refused_text'].startswith('invalid_client: ')
    assert 'scratch' not in VENDORS  # the copy shares no module with the emulator under test elsewhere


def _token(send, address, body, headers=None):
    return send(address, 'POST', '/scratch/oauth2/token', body, dict(FORM, **(headers or {})))


def test_a_generic_vendor_issues_tokens_for_its_credentials_only(scratch, serve, send):
    emu = scratch.Emulator()
    address = serve(scratch, emu)
    form = 'grant_type=client_credentials&client_id=scratch-client&client_secret=scratch-secret-value'
    issued = _token(send, address, form)
    assert issued.status == 200
    assert sorted(issued.json()) == ['access_token', 'expires_in', 'token_type']
    assert (issued.json()['token_type'], issued.json()['expires_in']) == ('Bearer', 600)
    basic = base64.b64encode(b'scratch-client:scratch-secret-value').decode('ascii')
    assert _token(send, address, 'grant_type=client_credentials', {'Authorization': 'Basic ' + basic}).status == 200
    for refused in (_token(send, address, form.replace('scratch-secret-value', 'wrong')),
                    _token(send, address, 'grant_type=client_credentials',
                           {'Authorization': 'Basic ' + base64.b64encode(b'scratch-client:wrong').decode('ascii')}),
                    _token(send, address, 'grant_type=client_credentials')):
        assert refused.status == 401
        assert refused.json() == {'error': 'invalid_client', 'error_description': 'Client authentication failed'}
    assert _token(send, address, form.replace('client_credentials', 'password')).json()['error'] == 'unsupported_grant_type'

    bearer = {'Authorization': 'Bearer ' + issued.json()['access_token']}
    listing = send(address, 'GET', '/scratch-api/v2/things', headers=bearer)
    assert (listing.status, listing.json()) == (200, {'data': []})
    assert send(address, 'GET', '/scratch-api/v2/things').status == 401
    assert send(address, 'POST', '/scratch-api/v2/things', headers=bearer).headers['Allow'] == 'GET'
    counts = emu.stats()['counts']
    assert (counts['scratch_token'], counts['scratch_api']) == (6, 3)


def test_a_generic_vendor_takes_faults_and_config_like_the_others(scratch, serve, send):
    faults, admin = sys.modules[SCRATCH_NAME + '.faults'], sys.modules[SCRATCH_NAME + '.admin']
    emu = scratch.Emulator()
    address = serve(scratch, emu)
    form = 'grant_type=client_credentials&client_id=scratch-client&client_secret=scratch-secret-value'

    emu.add_fault(faults.parse_fault({'vendor': 'scratch', 'kind': 'no_token'}))
    emu.add_fault(faults.parse_fault({'vendor': 'scratch', 'kind': 'token_type', 'value': 'mac'}))
    assert sorted(_token(send, address, form).json()) == ['expires_in', 'token_type']
    assert _token(send, address, form).json()['token_type'] == 'mac'
    emu.add_fault(faults.parse_fault({'vendor': 'scratch', 'endpoint': 'api', 'kind': 'status', 'status': 502}))
    assert send(address, 'GET', '/scratch-api/v2/things').status == 502
    with pytest.raises(ValueError) as caught:
        faults.parse_fault({'vendor': 'scratch', 'endpoint': 'refresh', 'kind': 'drop'})
    assert str(caught.value) == 'vendor scratch has no refresh endpoint'

    extra = {'client_id': 'scratch-second', 'client_secret': 'second-secret'}
    config = {'lifetime': {'scratch': 42}, 'credentials': {'scratch': extra}}
    emu.apply_config(config, admin.parse_config(config))
    second = _token(send, address, 'grant_type=client_credentials&client_id=scratch-second&client_secret=second-secret')
    assert (second.status, second.json()['expires_in']) == (200, 42)
    assert _token(send, address, form).status == 200  # added to, not instead of
    with pytest.raises(ValueError) as caught:
        admin.parse_config({'credentials': {'scratch': {'client_id': 'x'}}})
    assert str(caught.value) == 'each credentials.scratch entry needs exactly these non-empty strings: client_id, client_secret'
    assert emu.stats()['counts']['scratch_token'] == 4


def _run(package_dir, *args):
    return subprocess.run([sys.executable, package_dir] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          check=False, timeout=60)


def test_the_state_file_and_vars_file_publish_a_new_vendor(tmp_path):
    package_dir = _copy_package(tmp_path / 'files', 'vendor_emulator')
    state_dir = str(tmp_path / 'state')
    started = _run(package_dir, '--detach', '--state-dir', state_dir, '--idle-exit', '120', '--max-lifetime', '300')
    try:
        assert started.returncode == 0, started.stderr.decode('utf-8', 'replace')
        lines = started.stdout.decode('utf-8').splitlines()
        assert len(lines) == 1
        state = json.loads(lines[0])
        url = state['url']
        assert state['vendors']['scratch'] == {
            'credentials': SCRATCH_CREDENTIAL,
            'options': {'auth_url': url + '/scratch/oauth2/token', 'api_url': url + '/scratch-api'},
            'api_path': '/v2/things',
            'lifetime': 600,
            'refused_text': 'invalid_client: Client authentication failed',
            'endpoints': {'token': [url + '/scratch/oauth2/token'], 'refresh': []},
        }
        assert sorted(state['vendors']) == sorted(list(VENDORS) + ['scratch'])
        with open(os.path.join(state_dir, 'state.json'), encoding='utf-8') as handle:
            assert json.load(handle) == state
        with open(os.path.join(state_dir, 'vars.json'), encoding='utf-8') as handle:
            variables = json.load(handle)
        for name in ('state.json', 'vars.json'):
            assert stat.S_IMODE(os.stat(os.path.join(state_dir, name)).st_mode) == 0o600
        assert variables['vendor_tokens_ca_path'] == state['ca_path']
        assert variables['emulator_api_paths']['scratch'] == '/v2/things'
        assert (variables['vendor_tokens_scratch_client_id'], variables['vendor_tokens_scratch_client_secret']) == \
            (SCRATCH_CREDENTIAL['client_id'], SCRATCH_CREDENTIAL['client_secret'])
        assert (variables['vendor_tokens_scratch_auth_url'], variables['vendor_tokens_scratch_api_url']) == \
            (url + '/scratch/oauth2/token', url + '/scratch-api')
        assert variables['vendor_tokens_keepz_base_url'] == url

        # The published options and credential work over HTTPS against the published CA.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(
            context=ssl.create_default_context(cafile=state['ca_path'])))
        form = 'grant_type=client_credentials&client_id=%(client_id)s&client_secret=%(client_secret)s' % SCRATCH_CREDENTIAL
        with opener.open(urllib.request.Request(state['vendors']['scratch']['options']['auth_url'], form.encode('ascii'),
                                                FORM), timeout=10) as answer:
            assert json.loads(answer.read().decode('utf-8'))['expires_in'] == 600
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(urllib.request.Request(state['vendors']['scratch']['options']['auth_url'],
                                               form.replace('scratch-secret-value', 'wrong').encode('ascii'), FORM), timeout=10)
        assert refused.value.code == 401

        again = _run(package_dir, '--detach', '--state-dir', state_dir)
        assert json.loads(again.stdout.decode('utf-8')) == state  # the live emulator is reused
    finally:
        stopped = _run(package_dir, '--stop', '--state-dir', state_dir)
    assert json.loads(stopped.stdout.decode('utf-8'))['stopped'] is True
    assert not os.path.exists(os.path.join(state_dir, 'state.json'))
    assert not os.path.exists(os.path.join(state_dir, 'vars.json'))
