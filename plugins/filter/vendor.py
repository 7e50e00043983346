# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: vendor
short_description: What the collection knows about a vendor
version_added: 0.1.0
description:
  - Resolves a vendor name or alias to its canonical name and returns the facts roles need from the vendor profile
    table, so that playbooks and roles never repeat them.
author:
  - Vendor Tokens Maintainers (@vendor-tokens)
options:
  _input:
    description: A vendor name or alias, such as C(paloalto), C(prisma) or C(perimeter81).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Which module gets a Check Point token, and which credentials it needs
  ansible.builtin.debug:
    msg: "{{ 'perimeter81' | vendor.tokens.vendor }}"
"""

RETURN = r"""
_value:
  description: The vendor's profile.
  type: dict
  contains:
    name:
      description: Canonical vendor name.
      type: str
      sample: checkpoint
    title:
      description: The vendor's product name.
      type: str
      sample: Check Point Harmony SASE (Perimeter 81)
    aliases:
      description: Other names the collection accepts for it.
      type: list
      elements: str
      sample: [perimeter81, harmony_sase]
    module:
      description: The module that gets its tokens.
      type: str
      sample: vendor.tokens.sase_token
    lifetime:
      description: The documented token lifetime in seconds.
      type: int
      sample: 3600
    expiry_kind:
      description: How the vendor's answer gives the expiry, V(relative) (seconds from now) or V(absolute) (a date).
      type: str
      sample: absolute
    api:
      description:
        - How the vendor's API is called beyond the token (headers, paging, containers, push), where it is known;
          vendor.tokens.api_request and vendor.tokens.sase_objects use it.
        - C(headers), headers every call needs beside the token; C(paging), V(offset) or V(null) (not known);
          C(list_field), where a list answer holds its objects; C(page_size); C(container), the query parameter that
          names an object's container; C(id_field); C(push), the candidate push and jobs paths, or V(null).
      type: dict
      sample: {headers: [companyId, roleId, buId], paging: null, list_field: null, page_size: null, container: null,
               id_field: null, push: null}
    credentials:
      description: The vendor's own options.
      type: list
      elements: dict
      sample: [{name: api_key, env: CHECKPOINT_SASE_API_KEY, secret: true, required: true}]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.vendor.tokens.plugins.plugin_utils._bytecode import bytecode_cached_imports

with bytecode_cached_imports():
    from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
    from ansible_collections.vendor.tokens.plugins.module_utils._profiles import profile_for
    from ansible_collections.vendor.tokens.plugins.plugin_utils._vendor_facts import vendor_facts


def vendor(name):
    try:
        profile = profile_for(name)
    except TokenError as exc:
        raise AnsibleFilterError(str(exc))
    return vendor_facts(profile)


class FilterModule(object):
    def filters(self):
        return {'vendor': vendor}
