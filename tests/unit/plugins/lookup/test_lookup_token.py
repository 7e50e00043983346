# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import yaml

from ansible.utils.plugin_docs import merge_fragment

from ansible_collections.vendor.tokens.plugins.doc_fragments.common import ModuleDocFragment
from ansible_collections.vendor.tokens.plugins.doc_fragments.vendors import ModuleDocFragment as VendorsDocFragment
from ansible_collections.vendor.tokens.plugins.lookup import token
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import PROFILES


def documented_options():
    """The options as ansible-doc and the plugin loader read them: DOCUMENTATION plus its fragments."""
    doc = yaml.safe_load(token.DOCUMENTATION)
    assert doc['extends_documentation_fragment'] == ['vendor.tokens.common', 'vendor.tokens.common.plugins',
                                                     'vendor.tokens.vendors']
    options = doc['options']
    for fragment in (ModuleDocFragment.DOCUMENTATION, ModuleDocFragment.PLUGINS, VendorsDocFragment.DOCUMENTATION):
        merge_fragment(options, yaml.safe_load(fragment)['options'])
    for option in options.values():
        option.pop('description')
    return options


def test_registered_definitions_equal_the_documentation():
    assert token.option_definitions() == documented_options()


def test_every_credential_has_its_environment_variable_and_variable():
    options = token.option_definitions()
    for profile in PROFILES:
        for cred in profile.setting_credentials():
            option = options['%s_%s' % (profile.name, cred.name)]
            assert option['vars'] == [{'name': 'vendor_tokens_%s_%s' % (profile.name, cred.name)}]
            assert option.get('env') == ([{'name': cred.env}] if cred.env else None)


def test_results_are_never_templated():
    try:
        from ansible.template import is_trusted_as_template, trust_as_template
    except ImportError:  # before ansible-core 2.19: strings must be wrapped as unsafe
        from ansible.utils.unsafe_proxy import AnsibleUnsafe
        result = token.untrusted([{'api_url': 'https://{{ host }}', 'headers': {'Authorization': 'Bearer {{ x }}'}}])
        assert isinstance(result[0]['api_url'], AnsibleUnsafe)
        assert isinstance(result[0]['headers']['Authorization'], AnsibleUnsafe)
        return
    record = {'api_url': trust_as_template('https://{{ host }}'), 'headers': {'Authorization': 'Bearer eyJ'},
              'expires_in': 900, 'cached': True, 'claims': None}
    result = token.untrusted([record, trust_as_template('eyJ{{ x }}')])
    assert result == [record, 'eyJ{{ x }}']
    assert not is_trusted_as_template(result[0]['api_url']) and not is_trusted_as_template(result[1])
    assert is_trusted_as_template(record['api_url'])  # the input is left as it was
