# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A new vendor is a row of the profile table, as README's "Adding a vendor" says.

In a scratch copy of the collection with a sixth row, its generated files rewritten, and the two short files a
vendor of its own adds (its action plugin and its emulator vendor), the row reaches the generated files, the
lookup's documented options, the module's argument spec, and a playbook that gets a real token from the emulator
with the module, again from the cache with the lookup, and calls the vendor's API with it.

Here rather than under module_utils/: ansible-test gives the tests there only ansible.module_utils, without
ansible-core's requirements, and these run ansible-doc and ansible-playbook.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import ssl
import subprocess
import sys
import urllib.request

import ansible
import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
# Where this process's ansible-core is, for the controller processes the tests start.
ANSIBLE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(ansible.__file__)))
EMULATOR = 'tests/integration/targets/setup_emulator/files/vendor_emulator'
# What the copy needs: the plugins, the sources of the generated files, and the emulator.
COPIED = ('galaxy.yml', 'meta', 'plugins', 'README.md', EMULATOR)
# A client-credentials vendor, so that the emulator's generic handler serves it.
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
        encoding='form',
        body={'grant_type': 'client_credentials', 'scope': 'tenant:{tenant}'},
        client_auth=ClientAuth('client_id', 'client_secret'),
        token_path='access_token',
        type_path='token_type',
        expiry_path='expires_in',
        expiry_kind='relative',
        scope_path=None,
        refresh_path=None,
        refresh=None,
        error_paths=('error', 'error_description'),
        lifetime=600,
        fact_name='acme_token',
        api=ApiStyle(),
    ),
)
'''
ACTION_PLUGIN = '''from ansible_collections.vendor.tokens.plugins.plugin_utils._token_action import TokenAction
class ActionModule(TokenAction):
    MODULE = 'acme_token'
'''
ACME_CREDENTIAL = {'client_id': 'acme-client', 'client_secret': 'acme-secret-value'}
EMULATOR_VENDOR = '''from ._generic import client_credentials_vendor
VENDOR = client_credentials_vendor("/acme/oauth2/token", "/v2/things", [%r], lifetime=600, api_prefix="/acme-api")
''' % ACME_CREDENTIAL
ARGUMENT_SPEC = '''
import json
from ansible_collections.vendor.tokens.plugins.module_utils import _module
spec = _module.module_argument_spec('acme_token')
for entry in spec.values():
    if 'fallback' in entry:
        entry['fallback'] = [entry['fallback'][0].__name__] + list(entry['fallback'][1:])
print(json.dumps({'file': _module.__file__, 'spec': spec}))
'''


def generator():
    spec = importlib.util.spec_from_file_location('vendor_tokens_generate', os.path.join(ROOT, 'tests', 'utils',
                                                                                         'generate.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def scratch(tmp_path_factory):
    """The collections root of the copy (the tree under test is never written)."""
    collections = tmp_path_factory.mktemp('collections')
    copy = collections / 'ansible_collections' / 'vendor' / 'tokens'
    for relative in COPIED:
        if os.path.isdir(os.path.join(ROOT, relative)):
            shutil.copytree(os.path.join(ROOT, relative), str(copy / relative),
                            ignore=shutil.ignore_patterns('__pycache__'))
        else:
            (copy / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(os.path.join(ROOT, relative), str(copy / relative))
    table = copy / 'plugins/module_utils/_profiles.py'
    text = table.read_text()
    assert text.count('\n)\n') == 1  # the end of PROFILES, where the row goes
    table.write_text(text.replace('\n)\n', '\n' + SIXTH_ROW, 1))
    for relative, generated in generator().outputs(str(copy)).items():  # make generate
        (copy / relative).parent.mkdir(parents=True, exist_ok=True)
        (copy / relative).write_text(generated)
    (copy / 'plugins/action/acme_token.py').write_text(ACTION_PLUGIN)
    (copy / EMULATOR / 'vendors/acme.py').write_text(EMULATOR_VENDOR)
    return str(collections)


def in_scratch(scratch, tmp_path, **environment):
    """The environment of a controller process that sees the copy only: Python imports ansible_collections from
    it, Ansible looks for collections nowhere else, and Ansible's and the cache's folders are the test's."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join([scratch, ANSIBLE_ROOT]), ANSIBLE_COLLECTIONS_PATH=scratch,
                ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false', ANSIBLE_HOME=str(tmp_path / 'ansible'),
                VENDOR_TOKENS_CACHE_DIR=str(tmp_path / 'cache'), **environment)


def run(command, env):
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False, timeout=120)
    assert done.returncode == 0, (done.stdout + done.stderr).decode('utf-8', 'replace')[-4000:]
    return done.stdout.decode('utf-8')


def test_the_row_reaches_every_generated_file(scratch):
    copy = os.path.join(scratch, 'ansible_collections', 'vendor', 'tokens')

    def read(relative):
        with open(os.path.join(copy, relative), encoding='utf-8') as handle:
            return handle.read()
    fragment = yaml.safe_load(read('plugins/doc_fragments/vendors.py').split("r'''")[1].split("'''")[0])['options']
    assert fragment['acme_client_secret']['env'] == [{'name': 'ACME_CLIENT_SECRET'}]
    assert fragment['acme_tenant']['vars'] == [{'name': 'vendor_tokens_acme_tenant'}]
    assert 'O(acme_client_id)' in fragment['client_id']['description'][0]  # beside the other vendors'
    role = yaml.safe_load(read('roles/login/meta/argument_specs.yml'))['argument_specs']['main']['options']
    assert role['vendor_tokens_acme_client_secret']['no_log'] is True
    assert {'acme', 'acme_edge'} <= set(role['vendor_tokens_vendor']['choices'])
    assert 'vendor_tokens_acme_auth_url' in role
    assert 'vendor_tokens_acme_tenant:' in read('roles/login/defaults/main.yml')
    awx = yaml.safe_load(read('extensions/awx/credential_type_acme.yml'))
    assert awx['injectors']['env'] == {'ACME_CLIENT_ID': '{{ client_id }}', 'ACME_CLIENT_SECRET': '{{ client_secret }}',
                                       'ACME_TENANT': '{{ tenant }}'}
    assert awx['inputs']['required'] == ['client_id', 'client_secret', 'tenant']
    assert '| `acme` (Acme Secure Edge) | `client_id` (`ACME_CLIENT_ID`)' in read('README.md')


def test_the_lookup_documents_the_vendors_settings(scratch, tmp_path):
    docs = json.loads(run([sys.executable, '-m', 'ansible.cli.doc', '-t', 'lookup', '--json', 'vendor.tokens.token'],
                          in_scratch(scratch, tmp_path)))['vendor.tokens.token']['doc']
    assert docs['filename'].startswith(scratch)
    options = docs['options']
    for name, env in (('client_id', 'ACME_CLIENT_ID'), ('client_secret', 'ACME_CLIENT_SECRET'),
                      ('tenant', 'ACME_TENANT')):
        assert options['acme_' + name]['env'] == [{'name': env}]
        assert options['acme_' + name]['vars'] == [{'name': 'vendor_tokens_acme_' + name}]
        assert options['acme_' + name]['ini'] == [{'section': 'vendor_tokens', 'key': 'acme_' + name}]
    assert options['acme_auth_url']['vars'] == [{'name': 'vendor_tokens_acme_auth_url'}]
    assert 'C(acme) (C(acme_edge))' in options['_terms']['description'][1]


def test_the_module_takes_the_vendors_options(scratch, tmp_path):
    answer = json.loads(run([sys.executable, '-c', ARGUMENT_SPEC], in_scratch(scratch, tmp_path)))
    assert answer['file'].startswith(scratch)
    spec = answer['spec']
    assert spec['client_secret'] == {'type': 'str', 'no_log': True,
                                     'fallback': ['env_fallback', ['ACME_CLIENT_SECRET']]}
    assert spec['client_id'] == {'type': 'str', 'fallback': ['env_fallback', ['ACME_CLIENT_ID']]}
    assert spec['tenant'] == {'type': 'str', 'fallback': ['env_fallback', ['ACME_TENANT']]}
    assert 'provider' not in spec  # the module serves one vendor


class Emulator(object):
    """The copy's emulator, detached, with its own state folder (as tests/bench/bench.py starts it)."""

    def __init__(self, package, state_dir):
        self.package, self.state_dir = package, state_dir
        # It exits by itself too, should this process die before stop().
        started = run([sys.executable, package, '--detach', '--state-dir', state_dir, '--idle-exit', '120',
                       '--max-lifetime', '300'], dict(os.environ))
        self.state = json.loads(started.splitlines()[-1])

    def stats(self):
        # Loopback only: never through a proxy the environment names.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(
            context=ssl.create_default_context(cafile=self.state['ca_path'])))
        with opener.open(self.state['url'] + '/_emulator/stats', timeout=10) as answer:
            return json.loads(answer.read().decode('utf-8'))

    def stop(self):
        subprocess.run([sys.executable, self.package, '--stop', '--state-dir', self.state_dir], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


def test_a_playbook_gets_the_vendors_token_from_the_emulator_once(scratch, tmp_path):
    results = str(tmp_path / 'results.json')
    tasks = [
        {'name': 'Get a token with the module', 'vendor.tokens.acme_token': {}, 'register': 'first'},
        {'name': 'Get it again with the lookup, by its alias',
         'ansible.builtin.set_fact': {'second': "{{ lookup('vendor.tokens.token', 'acme_edge', output='record') }}"}},
        {'name': 'Call the API with it', 'register': 'listing', 'ansible.builtin.uri': {
            'url': '{{ first.token.api_url }}/v2/things', 'headers': '{{ first.token.headers }}',
            'ca_path': '{{ vendor_tokens_ca_path }}'}},
        {'name': 'Keep what they returned', 'ansible.builtin.copy': {
            'dest': results, 'content': '{{ {"first": first, "second": second, "listing": listing.json} | to_json }}'}},
    ]
    playbook = tmp_path / 'playbook.yml'
    playbook.write_text(json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]))  # JSON is YAML

    emulator = Emulator(os.path.join(scratch, 'ansible_collections', 'vendor', 'tokens', EMULATOR),
                        str(tmp_path / 'emulator'))
    try:
        # Credentials and URLs from the emulator's vars file, the tenant from its environment variable.
        run([sys.executable, '-m', 'ansible.cli.playbook', '-i', 'localhost,', '-c', 'local', '-e',
             'ansible_python_interpreter=%s' % sys.executable, '-e', '@' + emulator.state['vars_path'], str(playbook)],
            in_scratch(scratch, tmp_path, ACME_TENANT='edge'))
        stats = emulator.stats()
    finally:
        emulator.stop()

    with open(results, encoding='utf-8') as handle:
        answers = json.load(handle)
    first, second = answers['first'], answers['second']
    assert first['changed'] is False and 'ansible_facts' not in first  # a token is never a fact: fact caches keep them in clear
    token = first['token']
    assert (token['vendor'], token['cached'], token['api_url']) == \
        ('acme', False, emulator.state['vendors']['acme']['options']['api_url'])
    assert (token['claims']['iss'], token['claims']['vendor'], token['claims']['sub']) == \
        ('vendor-tokens-emulator', 'acme', ACME_CREDENTIAL['client_id'])
    assert token['scope'] == 'tenant:edge'  # ACME_TENANT filled the row's body template
    assert 590 <= token['expires_in'] <= 600
    assert (second['cached'], second['access_token']) == (True, token['access_token'])
    assert answers['listing'] == {'data': []}  # the emulator's API took the token as one it signed
    assert (stats['counts']['acme_token'], stats['auth_requests'], stats['counts']['acme_api']) == (1, 1, 1)
