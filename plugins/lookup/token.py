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

- name: Credentials as keywords (no_log, since uri would print the Authorization header at -vvv)
  ansible.builtin.uri:
    url: https://api.eu1.plainid.io/api/1.0/environments
    headers:
      Authorization: "{{ lookup('vendor.tokens.token', 'plainid', client_id=plainid_id, client_secret=plainid_secret, region='eu1', output='header') }}"
  no_log: true

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

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.vendor.tokens.plugins.plugin_utils._bytecode import bytecode_cached_imports

with bytecode_cached_imports():
    from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
    from ansible_collections.vendor.tokens.plugins.module_utils._options import OptionAdapter, sources, unknown_options_message
    from ansible_collections.vendor.tokens.plugins.module_utils._profiles import PROFILES, profile_for
    from ansible_collections.vendor.tokens.plugins.module_utils._recall import recall
    from ansible_collections.vendor.tokens.plugins.module_utils._settings import INI_SECTION, SETTINGS, without_empty_settings
    from ansible_collections.vendor.tokens.plugins.plugin_utils._settings import misspelled_variables, vendor_options
    from ansible_collections.vendor.tokens.plugins.plugin_utils._untrusted import untrusted

display = Display()

_OUTPUTS = {
    'access_token': lambda record: record['access_token'],
    'header': lambda record: record['headers']['Authorization'],
    'headers': lambda record: record['headers'],
    'record': lambda record: record,
}


def option_definitions():
    """The options in DOCUMENTATION, as Ansible's config manager holds them, derived from the settings table and
    the profile table.

    Every template that uses the lookup runs it in a new forked worker, where the plugin loader would parse
    DOCUMENTATION and its fragments with Ansible's provenance-tracking YAML loader: that costs more than the
    cache hit itself. Registering the same definitions first lets the loader skip it; a unit test checks that
    they equal what the documentation says.
    """
    options = {'_terms': {'type': 'list', 'elements': 'str', 'required': True},
               'output': {'type': 'str', 'choices': sorted(_OUTPUTS), 'default': 'access_token'}}
    for setting in SETTINGS:
        option = options[setting.name] = {'type': setting.kind}
        if not setting.per_vendor:
            if setting.environment:
                option['env'] = [{'name': setting.env_name()}]
            if setting.ini:
                option['ini'] = [{'section': INI_SECTION, 'key': setting.ini_key()}]
            if setting.variable:
                option['vars'] = [{'name': setting.variable_name()}]
        if setting.default is not None:
            option['default'] = setting.default
    for profile in PROFILES:
        per_vendor = [(setting.name, None, None) for setting in SETTINGS if setting.per_vendor]
        for name, env, default in [(cred.name, cred.env, cred.default) for cred in profile.setting_credentials()] + per_vendor:
            options.setdefault(name, {'type': 'str'})
            env, variable, ini_key = sources(profile, name)
            option = options['%s_%s' % (profile.name, name)] = {'type': 'str', 'ini': [{'section': INI_SECTION, 'key': ini_key}],
                                                                'vars': [{'name': variable}]}
            if env:
                option['env'] = [{'name': env}]
            if default is not None:
                option['default'] = default
    return options


def _register_option_definitions(definitions):
    try:
        from ansible import constants as C
        if not C.config.has_configuration_definition('lookup', __name__):  # the key the plugin loader uses
            C.config.initialize_plugin_configuration_definitions('lookup', __name__, definitions)
    except Exception:  # pylint: disable=broad-except
        pass  # the loader then parses DOCUMENTATION as usual


_DEFINITIONS = option_definitions()
_register_option_definitions(_DEFINITIONS)
# Every keyword the lookup takes, built once per process rather than at every templating.
_KEYWORDS = frozenset(name for name in _DEFINITIONS if name != '_terms')


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        try:
            return untrusted(self._tokens(terms, variables or {}, kwargs))
        except TokenError as exc:
            raise AnsibleError(str(exc)) from None

    def _tokens(self, terms, variables, kwargs):
        kwargs = without_empty_settings(kwargs)
        output = kwargs.pop('output', 'access_token')
        if output not in _OUTPUTS:
            raise AnsibleError("lookup('vendor.tokens.token'): output %r is not one of: %s"
                               % (output, ', '.join(sorted(_OUTPUTS))))
        unknown = [name for name in kwargs if name not in _KEYWORDS]
        if unknown:
            raise AnsibleError(unknown_options_message(
                "lookup('vendor.tokens.token')", unknown, sorted(_KEYWORDS), listed=False)
                + '; ansible-doc -t lookup vendor.tokens.token lists its options')
        if not isinstance(terms, list):
            terms = [terms]
        profiles = [profile_for(term) for term in terms]
        for warning in misspelled_variables(variables):
            display.warning(warning)
        records = []
        for profile in profiles:
            values = vendor_options(profile, kwargs, variables, self._templar.template, prefixed_keywords=True)
            records.append(_OUTPUTS[output](_token(profile, OptionAdapter.from_params(values).values(profile))))
        return records


def _token(profile, values):
    """The token from the cache when these exact values were validated before (the hit path, light), else from
    the engine, imported here only: a templating that hits the cache never pays for it (test_recall.py)."""
    seen = {}
    record = recall(profile, values, seen)
    if record is None:
        with bytecode_cached_imports():
            from ansible_collections.vendor.tokens.plugins.module_utils._engine import obtain
        record = obtain(profile, values, display.warning, seen)
    return record
