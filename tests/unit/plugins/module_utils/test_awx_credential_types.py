# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX/AAP credential types inject exactly the environment variables the modules and the lookup read."""

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.vendor.tokens.plugins.doc_fragments.common import ModuleDocFragment
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import PROFILES

ROOT = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..')


@pytest.mark.parametrize('profile', PROFILES, ids=lambda p: p.name)
def test_credential_type_matches_the_profile(profile):
    with open(os.path.join(ROOT, 'extensions', 'awx', 'credential_type_%s.yml' % profile.name)) as handle:
        definition = yaml.safe_load(handle)
    fields = dict((field['id'], field) for field in definition['inputs']['fields'])
    with_env = [cred for cred in profile.credentials if cred.env]
    assert definition['kind'] == 'cloud'
    assert definition['injectors']['env'] == dict((cred.env, '{{ %s }}' % cred.name) for cred in with_env)
    assert not any(name.startswith('ANSIBLE_') for name in definition['injectors']['env'])
    assert sorted(fields) == sorted(cred.name for cred in with_env)
    for cred in with_env:
        assert fields[cred.name].get('secret', False) == cred.secret
    assert sorted(definition['inputs']['required']) == sorted(cred.name for cred in with_env if cred.required)


def test_the_shared_cache_type_injects_what_the_settings_read():
    with open(os.path.join(ROOT, 'extensions', 'awx', 'credential_type_shared_cache.yml')) as handle:
        definition = yaml.safe_load(handle)
    settings = yaml.safe_load(ModuleDocFragment.PLUGINS)['options']
    fields = dict((field['id'], field) for field in definition['inputs']['fields'])
    env = definition['injectors']['env']
    assert fields['cache_url']['secret'] is True and definition['inputs']['required'] == ['cache_url']
    assert env[settings['cache_url']['env'][0]['name']] == '{{ cache_url }}'
    # The CA arrives as a file, and the path setting stays empty (unset) without one.
    assert 'tower.filename.cache_ca' in env[settings['cache_ca_path']['env'][0]['name']]
    assert definition['injectors']['file'] == {'template.cache_ca': '{{ cache_ca }}'}
