# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: vendors
short_description: Every vendor the collection knows, or the named ones
version_added: 0.1.0
description:
  - Returns, for each vendor of the collection's profile table (or for each name or alias in the terms), what the
    P(vendor.tokens.vendor#filter) filter returns, so that playbooks can loop over the vendors without listing them.
  - Makes no request and needs no credential.
author:
  - Vendor Tokens Maintainers (@vendor-tokens)
options:
  _terms:
    description: Vendor names or aliases; none means every vendor, in the table's order.
    type: list
    elements: str
    required: false
seealso:
  - plugin: vendor.tokens.vendor
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Get a token from every vendor whose credentials are set
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ lookup('vendor.tokens.token', item.name, output='record').expires_at }}"
  loop: "{{ query('vendor.tokens.vendors') }}"
  loop_control:
    label: "{{ item.name }}"

- name: The vendors one module serves
  ansible.builtin.debug:
    msg: "{{ query('vendor.tokens.vendors') | selectattr('module', '==', 'vendor.tokens.sase_token') | map(attribute='name') }}"
"""

RETURN = r"""
_raw:
  description: One dict per vendor, as the P(vendor.tokens.vendor#filter) filter returns it.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

from ansible_collections.vendor.tokens.plugins.plugin_utils._bytecode import bytecode_cached_imports

with bytecode_cached_imports():
    from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
    from ansible_collections.vendor.tokens.plugins.module_utils._profiles import PROFILES, profile_for
    from ansible_collections.vendor.tokens.plugins.plugin_utils._vendor_facts import vendor_facts


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        try:
            profiles = [profile_for(term) for term in terms] if terms else PROFILES
        except TokenError as exc:
            raise AnsibleError("lookup('vendor.tokens.vendors'): %s" % exc) from None
        return [vendor_facts(profile) for profile in profiles]
