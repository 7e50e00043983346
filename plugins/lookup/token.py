# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: token
short_description: Get a cached access token for a SASE or SaaS vendor
version_added: 0.1.0
description:
  - Returns a bearer token (or its header, headers, or whole record) for each vendor named in the terms, from the
    shared token cache while it lives at least O(min_ttl) more seconds, else from the vendor's auth endpoint.
  - Ansible templates a lookup again every time a variable that holds it is used, and in every fork; the cache makes
    that one request per credential, not one per use.
  - Credentials come from keyword arguments, then from the vendor-prefixed options, each of which Ansible reads
    from a keyword, a variable, an environment variable or C(ansible.cfg) (section C([vendor_tokens])).
  - Results are marked unsafe, so a token is never templated.
author:
  - Vendor Tokens Maintainers (@vendor-tokens)
options:
  output:
    description:
      - What to return per term.
      - V(access_token), the token; V(header), C(Bearer <token>); V(headers), a dict for the O(ansible.builtin.uri#module:headers)
        option of M(ansible.builtin.uri); V(record), the whole token record the modules return.
    type: str
    choices: [access_token, header, headers, record]
    default: access_token

extends_documentation_fragment:
  - vendor.tokens.common
  - vendor.tokens.common.plugins
  - vendor.tokens.vendors
notes:
  - Keyword values apply to every term; to give two vendors different auth URLs, use the vendor-prefixed options.
  - The lookup runs on the controller and needs the Python packages C(requests) and C(jmespath) there, and
    C(cryptography) for the cache.
"""

EXAMPLES = r"""
- name: Call the Prisma SASE API with a token (credentials from PALOALTO_* environment variables)
  ansible.builtin.uri:
    url: https://api.sase.paloaltonetworks.com/sse/config/v1/addresses?folder=Shared
    headers: "{{ lookup('vendor.tokens.token', 'paloalto', output='headers') }}"

- name: Credentials as keywords
  ansible.builtin.debug:
    msg: "{{ lookup('vendor.tokens.token', 'plainid', client_id=plainid_id, client_secret=plainid_secret, region='eu1', output='header') }}"

- name: Two vendors at once, credentials from variables such as vendor_tokens_checkpoint_api_key
  ansible.builtin.set_fact:
    expiries: "{{ query('vendor.tokens.token', 'checkpoint', 'keepz', output='record') | map(attribute='expires_at') }}"
"""

RETURN = r"""
_raw:
  description:
    - One item per term, as O(output) says; with V(record), the token record the modules return as RV(vendor.tokens.sase_token#module:token).
  type: list
  elements: raw
"""

import os

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.vendor.tokens.plugins.module_utils._options import (
    OptionAdapter, shared_environment_variable, unknown_options_message, without_empty_settings)
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import COMMON_DEFAULTS, PROFILES, Credential, profile_for
from ansible_collections.vendor.tokens.plugins.module_utils._recall import token_for
from ansible_collections.vendor.tokens.plugins.plugin_utils._untrusted import untrusted

display = Display()

_OUTPUTS = {
    'access_token': lambda record: record['access_token'],
    'header': lambda record: record['headers']['Authorization'],
    'headers': lambda record: record['headers'],
    'record': lambda record: record,
}

# Options read from keyword, variable, environment and ansible.cfg, and their types; the rest are keyword-only.
_SHARED_OPTIONS = {'validate_certs': 'bool', 'ca_path': 'path', 'client_cert': 'path', 'client_key': 'path',
                   'timeout': 'int', 'retries': 'int', 'cache': 'bool', 'cache_dir': 'path', 'cache_url': 'str',
                   'cache_ca_path': 'path', 'min_ttl': 'int', 'refusal_ttl': 'int'}


_KEYWORD_OPTIONS = dict([('auth_url', 'str'), ('api_url', 'str'), ('force', 'bool'), ('refused_token', 'str')] + [
    (cred.name, 'str') for profile in PROFILES for cred in profile.setting_credentials()])


def option_definitions():
    """The options in DOCUMENTATION, as Ansible's config manager holds them, built from the profile table.

    Every template that uses the lookup runs it in a new forked worker, where the plugin loader would parse
    DOCUMENTATION and its fragments with Ansible's provenance-tracking YAML loader: that costs more than the
    cache hit itself. Registering the same definitions first lets the loader skip it; a unit test checks that
    they equal what the documentation says.
    """
    options = {'_terms': {'type': 'list', 'elements': 'str', 'required': True},
               'output': {'type': 'str', 'choices': sorted(_OUTPUTS), 'default': 'access_token'}}
    for name, kind in _KEYWORD_OPTIONS.items():
        options[name] = {'type': kind}
    for name, kind in _SHARED_OPTIONS.items():
        options[name] = {'type': kind, 'env': [{'name': shared_environment_variable(name)}],
                         'ini': [{'section': 'vendor_tokens', 'key': name}], 'vars': [{'name': 'vendor_tokens_%s' % name}]}
    options['force']['vars'] = [{'name': 'vendor_tokens_force'}]
    for name, value in COMMON_DEFAULTS.items():
        if value is not None:
            options[name]['default'] = value
    for profile in PROFILES:
        for cred in profile.setting_credentials() + (Credential('auth_url', None), Credential('api_url', None)):
            name = '%s_%s' % (profile.name, cred.name)
            options[name] = {'type': 'str', 'ini': [{'section': 'vendor_tokens', 'key': name}],
                             'vars': [{'name': 'vendor_tokens_%s' % name}]}
            if cred.env:
                options[name]['env'] = [{'name': cred.env}]
            if cred.default is not None:
                options[name]['default'] = cred.default
    return options


def _register_option_definitions():
    try:
        from ansible import constants as C
        if not C.config.has_configuration_definition('lookup', __name__):  # the key the plugin loader uses
            C.config.initialize_plugin_configuration_definitions('lookup', __name__, option_definitions())
    except Exception:  # pylint: disable=broad-except
        pass  # the loader then parses DOCUMENTATION as usual


_register_option_definitions()


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        try:
            return untrusted(self._tokens(terms, variables or {}, kwargs))
        except Exception as exc:
            # Imported here: whatever raised a TokenError has loaded it, and a cache hit should not pay for it.
            from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
            if isinstance(exc, TokenError):
                raise AnsibleError(str(exc)) from None
            raise

    def _tokens(self, terms, variables, kwargs):
        profiles = [profile_for(term) for term in terms]
        adapter = self.settings([profile.name for profile in profiles], variables, kwargs)
        output = _OUTPUTS[self.get_option('output')]
        return [output(token_for(profile, adapter, warn=display.warning)) for profile in profiles]

    def settings(self, vendors, variables, kwargs):
        """An OptionAdapter over the settings of these vendors: keywords, then the variables, environment
        variables and ansible.cfg entries this lookup documents. The token modules read the same settings."""
        # Variables reach a lookup untemplated: template those these vendors read, before path options resolve.
        shared = set('vendor_tokens_%s' % name for name in list(_SHARED_OPTIONS) + ['force'])
        prefixes = tuple('vendor_tokens_%s_' % vendor for vendor in vendors)
        own_vars = dict((name, self._templar.template(value)) for name, value in variables.items()
                        if name in shared or name.startswith(prefixes))
        own_vars, kwargs = without_empty_settings(own_vars, 'vendor_tokens_'), without_empty_settings(kwargs)
        if 'output' in kwargs and kwargs['output'] not in _OUTPUTS:
            raise AnsibleError("lookup('vendor.tokens.token'): output %r is not one of: %s"
                               % (kwargs['output'], ', '.join(sorted(_OUTPUTS))))
        self.set_options(var_options=own_vars, direct=kwargs)
        unknown = [name for name in kwargs if name not in self._options]
        if unknown:
            raise AnsibleError(unknown_options_message(
                "lookup('vendor.tokens.token')", unknown, [name for name in self._options if name != '_terms'],
                listed=False) + '; ansible-doc -t lookup vendor.tokens.token lists its options')
        return OptionAdapter.from_lookup(self, self._set_by_empty_environment(kwargs, own_vars))

    @staticmethod
    def _set_by_empty_environment(kwargs, own_vars):
        """The shared settings that only an empty environment variable sets, which therefore are not set
        (Ansible would resolve an empty path to the current folder, and an empty boolean to false)."""
        return frozenset(name for name in _SHARED_OPTIONS
                         if os.environ.get(shared_environment_variable(name), 'set').strip() == ''
                         and name not in kwargs and 'vendor_tokens_%s' % name not in own_vars)
