# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a setting's value comes from, for the action plugins and the lookup alike."""

from __future__ import annotations

import os

import pytest

from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import find_profile
from ansible_collections.vendor.tokens.plugins.plugin_utils import _settings

PALOALTO = find_profile('paloalto')


@pytest.fixture
def ini(monkeypatch, tmp_path):
    """An ansible.cfg [vendor_tokens] section in tmp_path, read as the resolver reads Ansible's."""
    def write(**values):
        monkeypatch.setitem(_settings._INI, 'values', dict(values))
        monkeypatch.setitem(_settings._INI, 'path', str(tmp_path / 'ansible.cfg'))
    for name in ('VENDOR_TOKENS_TIMEOUT', 'VENDOR_TOKENS_CACHE_DIR', 'PALOALTO_CLIENT_ID'):
        monkeypatch.delenv(name, raising=False)
    write()
    return write


def test_option_then_variable_then_environment_then_ansible_cfg_then_unset(ini, monkeypatch):
    ini(timeout='40', paloalto_client_id='from-ini')
    assert _settings.vendor_options(PALOALTO, {}, {})['timeout'] == 40
    monkeypatch.setenv('VENDOR_TOKENS_TIMEOUT', '30')
    assert _settings.vendor_options(PALOALTO, {}, {})['timeout'] == 30
    assert _settings.vendor_options(PALOALTO, {}, {'vendor_tokens_timeout': '20'})['timeout'] == 20
    assert _settings.vendor_options(PALOALTO, {'timeout': 10}, {'vendor_tokens_timeout': '20'})['timeout'] == 10
    values = _settings.vendor_options(PALOALTO, {}, {})
    assert values['client_id'] == 'from-ini' and values['client_secret'] is None


def test_an_empty_setting_is_not_set_but_an_empty_credential_is_kept(ini, monkeypatch):
    ini(timeout='40')
    monkeypatch.setenv('VENDOR_TOKENS_TIMEOUT', '  ')
    monkeypatch.setenv('PALOALTO_CLIENT_ID', '')
    values = _settings.vendor_options(PALOALTO, {}, {'vendor_tokens_timeout': ''})
    assert values['timeout'] == 40 and values['client_id'] == ''


def test_a_path_is_absolute_relative_to_ansible_cfg_or_the_current_folder(ini, monkeypatch, tmp_path):
    ini(cache_dir='cache', ca_path='~/ca.pem')
    values = _settings.vendor_options(PALOALTO, {}, {})
    assert values['cache_dir'] == str(tmp_path / 'cache')
    assert values['ca_path'] == os.path.join(os.path.expanduser('~'), 'ca.pem')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('VENDOR_TOKENS_CACHE_DIR', 'here')
    assert _settings.vendor_options(PALOALTO, {}, {})['cache_dir'] == str(tmp_path / 'here')


def test_a_value_of_the_wrong_type_names_the_setting_and_its_source(ini, monkeypatch):
    monkeypatch.setenv('VENDOR_TOKENS_TIMEOUT', 'abc')
    with pytest.raises(TokenError) as caught:
        _settings.vendor_options(PALOALTO, {}, {})
    assert "option 'timeout'" in str(caught.value) and "'abc' (from environment variable VENDOR_TOKENS_TIMEOUT)" in \
        str(caught.value) and 'a whole number' in str(caught.value)


def test_the_lookup_takes_prefixed_keywords_and_types_them(ini):
    values = _settings.vendor_options(PALOALTO, {'paloalto_client_id': 'kw', 'validate_certs': 'no'}, {},
                                      prefixed_keywords=True)
    assert values['client_id'] == 'kw' and values['validate_certs'] is False


def test_a_misspelled_variable_is_named_with_the_closest_valid_one():
    warnings = _settings.misspelled_variables({'vendor_tokens_paloalto_client_secert': 'x', 'vendor_tokens_timeout': 5,
                                               'vendor_tokens_paloalto_api_headers': {}, 'vendor_tokens_vendor': 'x'})
    assert warnings == ['variable vendor_tokens_paloalto_client_secert is not a vendor.tokens setting and is ignored; '
                        'did you mean vendor_tokens_paloalto_client_secret?']
