# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import find, settings, strategies as st

from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError, mask
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import (
    PROFILES, find_profile, profile_for, vendor_names)
from ansible_collections.vendor.tokens.plugins.module_utils._settings import DEFAULTS as COMMON_DEFAULTS
from ansible_collections.vendor.tokens.plugins.module_utils._request import build_request

FILES_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', 'integration', 'targets',
                                         'setup_emulator', 'files'))
if FILES_DIR not in sys.path:
    sys.path.insert(0, FILES_DIR)

from vendor_emulator.vendors import VENDORS as EMULATED  # noqa: E402  pylint: disable=wrong-import-position

# What _http.post takes: the connection settings, with their defaults.
HTTP_SETTINGS = dict((name, COMMON_DEFAULTS[name]) for name in ('validate_certs', 'ca_path', 'client_cert', 'client_key', 'timeout', 'retries'))

KEEPZ_ID = '0f8fad5b-d9cb-4fcf-a6d5-3b5a0c1e8f11'
# Examples the vendor-specific tests below vary; a row not here has its example from its emulator entry.
GOOD = {
    'paloalto': {'client_id': 'sa@1.iam', 'client_secret': 'pa-secret', 'tsg_id': '1838006364'},
    'checkpoint': {'api_key': 'cp-key'},
    'forticasb': {'username': 'me@example.com', 'password': 'fc-pass'},
    'plainid': {'client_id': 'pid', 'client_secret': 'pid-secret', 'region': 'eu1'},
    'keepz': {'client_id': KEEPZ_ID, 'client_secret': 'kz-secret', 'base_url': 'https://keepz.example/'},
}


EMULATOR_URL = 'https://emulator.test'


def describe(profile, name):
    return "option '%s'" % name


def example_value(cred):
    """A value the row accepts for a required credential the emulator does not publish."""
    if cred.default is not None:
        return cred.default
    if cred.choices:
        return cred.choices[0]
    if cred.pattern:  # the simplest string the pattern matches
        return find(st.from_regex(cred.pattern, fullmatch=True), lambda value: True, settings=settings(database=None))
    return 'https://%s.test' % cred.name if cred.url else 'example-%s' % cred.name


def emulated_example(profile):
    """The credential the vendor's emulator entry publishes and the options pointing at it, as the state file gives
    them, with the row's other required credentials."""
    assert profile.name in EMULATED, 'vendor %s has a row but no emulator entry in vendors/%s.py' % (profile.name, profile.name)
    spec = EMULATED[profile.name]
    values = dict(spec['credentials'][0])
    values.update((option, EMULATOR_URL + path) for option, path in spec['options'].items())
    for cred in profile.credentials:
        if cred.required and values.get(cred.name) is None:
            values[cred.name] = example_value(cred)
    return values


def good_example(profile):
    return GOOD.get(profile.name) or emulated_example(profile)


def build(vendor, **changes):
    values = dict(good_example(find_profile(vendor)))
    values.update(changes)
    return build_request(find_profile(vendor), values, describe)


@pytest.mark.parametrize('profile', PROFILES, ids=lambda p: p.name)
def test_every_vendor_has_a_good_example(profile):
    request = build(profile.name)
    assert request.url.startswith('https://') and request.secrets
    # Its emulator entry and its row agree: what the state file publishes asks the emulator's token endpoint.
    spec = EMULATED[profile.name]
    request = build_request(profile, emulated_example(profile), describe)
    assert request.url in [EMULATOR_URL + path for path in spec['token_paths']]
    assert sorted(request.secrets) == sorted(value for name, value in spec['credentials'][0].items()
                                             if any(cred.name == name and cred.secret for cred in profile.credentials))


@pytest.mark.parametrize('vendor, url, api_url, fields, auth', [
    ('paloalto', 'https://auth.apps.paloaltonetworks.com/oauth2/access_token', 'https://api.sase.paloaltonetworks.com',
     {'grant_type': 'client_credentials', 'scope': 'tsg_id:1838006364'}, (b'sa@1.iam', b'pa-secret')),
    ('checkpoint', 'https://api.perimeter81.com/api/v1/auth/authorize', 'https://api.perimeter81.com/api/rest',
     {'grantType': 'api_key', 'apiKey': 'cp-key'}, None),
    ('forticasb', 'https://www.forticasb.com/api/v1/auth/token', 'https://www.forticasb.com/api/v1',
     {'grant_type': 'password', 'username': 'me@example.com', 'password': 'fc-pass'}, None),
    ('plainid', 'https://api.eu1.plainid.io/api/1.0/api-key/token', 'https://api.eu1.plainid.io',
     {'grant_type': 'client_credentials', 'client_id': 'pid', 'client_secret': 'pid-secret'}, None),
    ('keepz', 'https://keepz.example/api/auth', 'https://keepz.example',
     {'grant_type': 'client_credentials', 'client_id': KEEPZ_ID, 'client_secret': 'kz-secret'}, None),
])
def test_request_per_vendor(vendor, url, api_url, fields, auth):
    request = build(vendor)
    assert (request.url, request.api_url, request.fields, request.auth) == (url, api_url, fields, auth)


def test_paloalto_body_auth_and_checkpoint_eu():
    assert build('paloalto', client_auth='body').fields['client_secret'] == 'pa-secret'
    assert build('paloalto', client_auth='body').auth is None
    request = build('checkpoint', region='eu')
    assert request.url == 'https://api.eu.sase.checkpoint.com/api/v1/auth/authorize'
    assert request.api_url == 'https://api.eu.sase.checkpoint.com/api/rest'


def test_auth_url_overrides_and_api_url_falls_back_to_its_origin():
    request = build('plainid', region=None, auth_url='https://127.0.0.1:8443/api/1.0/api-key/token')
    assert request.url == 'https://127.0.0.1:8443/api/1.0/api-key/token'
    assert request.api_url == 'https://127.0.0.1:8443'
    assert build('paloalto', api_url='https://x.test/').api_url == 'https://x.test'


@pytest.mark.parametrize('vendor, changes, option, words', [
    ('paloalto', {'client_secret': None}, 'client_secret', 'is missing'),
    ('paloalto', {'client_secret': '  '}, 'client_secret', 'is empty'),
    ('paloalto', {'tsg_id': '18380x'}, 'tsg_id', 'digits only'),
    ('paloalto', {'client_auth': 'digest'}, 'client_auth', 'one of: basic, body'),
    ('checkpoint', {'region': 'mars'}, 'region', 'one of: us, eu'),
    ('plainid', {'region': None}, 'region', 'one of ca1, eu1, us1'),
    ('keepz', {'client_id': 'not-a-uuid'}, 'client_id', 'UUID version 4'),
    ('keepz', {'base_url': None}, 'base_url', "option 'base_url' is missing"),
    ('keepz', {'base_url': 'ftp://x'}, 'base_url', 'not an http(s) URL'),
    ('paloalto', {'auth_url': 'http://auth.test/token'}, 'auth_url', 'plain http://'),
    ('paloalto', {'auth_url': 'https://u:p@auth.test/token'}, 'auth_url', 'credentials in the URL'),
    ('paloalto', {'auth_url': 'auth.test/token'}, 'auth_url', 'not an http(s) URL'),
    ('paloalto', {'timeout': 0}, 'timeout', 'timeout must be above 0'),
    ('paloalto', {'client_key': '/k.pem'}, 'client_cert', 'without'),
])
def test_bad_options_are_refused_before_any_request(vendor, changes, option, words):
    with pytest.raises(TokenError) as caught:
        build(vendor, **changes)
    assert caught.value.option == option
    assert words in str(caught.value)
    assert caught.value.url is None


def test_plain_http_allowed_only_without_verification_and_with_a_warning():
    warnings = []
    request = build_request(find_profile('paloalto'), dict(GOOD['paloalto'], auth_url='http://127.0.0.1:1/t',
                                                           validate_certs=False), describe, warnings.append)
    assert request.url == 'http://127.0.0.1:1/t'
    assert warnings and 'unencrypted' in warnings[0]


def test_vendor_names_and_aliases():
    assert profile_for('Prisma-SASE').name == 'paloalto'
    assert profile_for(' prisma - sase ').name == 'paloalto'
    assert profile_for('Harmony SASE').name == 'checkpoint'
    assert profile_for('perimeter81').name == 'checkpoint'
    assert profile_for('fortinet').name == 'forticasb'
    for wrong in ('prismasase', 'palo_alto', ''):
        with pytest.raises(TokenError):
            profile_for(wrong)
    with pytest.raises(TokenError) as caught:
        profile_for('okta')
    assert 'okta' in str(caught.value) and ', '.join(vendor_names()) in str(caught.value)


def test_secrets_are_collected_and_scrubbed():
    request = build('paloalto')
    assert request.secrets == ['pa-secret']
    assert mask('echo pa-secret back', request.secrets) == 'echo ******** back'
    assert ('client_id', 'sa@1.iam') in request.identity
    assert all(name != 'client_secret' for name, _value in request.identity)


@pytest.mark.parametrize('profile', PROFILES, ids=lambda p: p.name)
def test_profile_rows_are_complete(profile):
    assert profile.encoding in ('form', 'json')
    assert profile.expiry_kind in ('relative', 'absolute')
    names = [cred.name for cred in profile.credentials]
    if profile.client_auth:
        assert profile.client_auth.default in ('basic', 'body')
        assert {profile.client_auth.user, profile.client_auth.password} <= set(names)
        assert profile.client_auth.chosen_by in names + [None]
    if profile.refresh:
        assert profile.refresh.option in names
        assert '{%s}' % profile.refresh.option in profile.refresh.body.values()
    assert profile.token_path and profile.expiry_path and profile.error_paths
    assert any(cred.secret for cred in profile.credentials)
    envs = [cred.env for cred in profile.credentials if cred.env]
    assert all(env.startswith(profile.name.upper()) for env in envs)


AWKWARD_SECRET = 'PA-' + '\u00fcn\u00ef\u20ac' + '-s3cret:%&+= x'  # beyond Latin-1, and URL-special


def test_basic_credentials_are_utf8_as_given():
    import base64

    import requests
    request = build('paloalto', client_secret=AWKWARD_SECRET)
    prepared = requests.Request('POST', request.url, data=request.fields, auth=request.auth).prepare()
    sent = base64.b64decode(prepared.headers['Authorization'].split()[1]).decode('utf-8')
    assert sent == 'sa@1.iam:' + AWKWARD_SECRET


def test_form_and_json_bodies_carry_any_secret():
    import json
    from urllib.parse import parse_qs

    import requests
    body = build('paloalto', client_secret=AWKWARD_SECRET, client_auth='body').fields
    prepared = requests.Request('POST', 'https://x.test/', data=body).prepare()
    assert parse_qs(prepared.body)['client_secret'] == [AWKWARD_SECRET]
    keepz = build('keepz', client_secret=AWKWARD_SECRET).fields
    prepared = requests.Request('POST', 'https://x.test/', json=keepz).prepare()
    assert json.loads(prepared.body)['client_secret'] == AWKWARD_SECRET


def test_an_encoding_failure_never_quotes_the_request(monkeypatch):
    from ansible_collections.vendor.tokens.plugins.module_utils import _http

    def refuse(*args, **kwargs):
        raise UnicodeEncodeError('latin-1', AWKWARD_SECRET, 4, 5, 'ordinal not in range(256)')
    monkeypatch.setattr(_http.session(3, 5.0), 'post', refuse)
    with pytest.raises(TokenError) as caught:
        _http.post('https://x.test/token', 'paloalto', data={'client_secret': AWKWARD_SECRET},
                   **dict(HTTP_SETTINGS, timeout=5))
    text = str(caught.value)
    assert 'could not be encoded (UnicodeEncodeError)' in text
    assert '\u00ef' not in text and 'position' not in text and 's3cret' not in text


@pytest.mark.parametrize('setting', ['cache_dir', 'auth_url', 'ca_path', 'timeout', 'validate_certs'])
def test_an_empty_shared_setting_means_its_default(setting):
    request = build('paloalto', **{setting: '  '})
    assert request.options[setting] == COMMON_DEFAULTS[setting]


def test_an_empty_credential_is_refused_as_empty():
    with pytest.raises(TokenError) as caught:
        build('paloalto', client_secret='')
    assert "option 'client_secret' is empty" in str(caught.value)


def test_an_unknown_vendor_is_named_with_the_closest_one():
    with pytest.raises(TokenError) as caught:
        profile_for('paloato')
    assert "unknown vendor 'paloato'; did you mean 'paloalto'?" in str(caught.value)


def test_the_lookup_takes_the_keyword_before_the_prefixed_setting(monkeypatch):
    from ansible_collections.vendor.tokens.plugins.module_utils._options import describe
    from ansible_collections.vendor.tokens.plugins.plugin_utils import _settings
    monkeypatch.setitem(_settings._INI, 'values', {})
    monkeypatch.setenv('VENDOR_TOKENS_TIMEOUT', '')
    keywords = {'paloalto_client_id': 'from-settings', 'tsg_id': 'keyword'}
    values = _settings.vendor_options(find_profile('paloalto'), keywords, {}, prefixed_keywords=True)
    assert values['client_id'] == 'from-settings' and values['tsg_id'] == 'keyword' and values['timeout'] is None
    assert 'variable vendor_tokens_paloalto_client_id' in describe(find_profile('paloalto'), 'client_id')
