# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The option adapter: turns module parameters or lookup options into the engine's option values.

Modules and the lookup only translate; every rule about options lives in the engine and the profile table.
"""

from __future__ import annotations

from ansible_collections.vendor.tokens.plugins.module_utils._profiles import COMMON_DEFAULTS, credential


def common_argument_spec():
    """Argument spec of the options in the vendor.tokens.common doc fragment and its MODULE part."""
    return dict(
        auth_url=dict(type='str'),
        api_url=dict(type='str'),
        validate_certs=dict(type='bool', default=COMMON_DEFAULTS['validate_certs']),
        ca_path=dict(type='path'),
        client_cert=dict(type='path'),
        client_key=dict(type='path', no_log=False),
        timeout=dict(type='int', default=COMMON_DEFAULTS['timeout']),
        retries=dict(type='int', default=COMMON_DEFAULTS['retries']),
        cache=dict(type='bool', default=COMMON_DEFAULTS['cache']),
        cache_dir=dict(type='path'),
        force=dict(type='bool', default=COMMON_DEFAULTS['force']),
        min_ttl=dict(type='int', default=COMMON_DEFAULTS['min_ttl']),
        fact_name=dict(type='str'),
    )


def credential_argument_spec(profiles):
    """Argument spec of the vendors' own options, from the profile table (environment fallbacks included)."""
    from ansible.module_utils.basic import env_fallback
    spec = {}
    for profile in profiles:
        for cred in profile.credentials:
            entry = spec.setdefault(cred.name, dict(type='str'))
            if cred.secret:
                entry['no_log'] = True
            if cred.env:
                entry.setdefault('fallback', (env_fallback, []))[1].append(cred.env)
            if cred.choices:
                entry['choices'] = sorted(set(entry.get('choices', ())) | set(cred.choices))
            if cred.default is not None:
                entry['default'] = cred.default
    return spec


class OptionAdapter(object):
    """Option values for one vendor from any source, and how a user sets each option (for messages)."""

    def __init__(self, get_option, describe):
        self._get_option = get_option
        self.describe = describe

    def values(self, profile):
        names = list(COMMON_DEFAULTS) + [cred.name for cred in profile.credentials]
        return dict((name, self._get_option(profile, name)) for name in names)

    @classmethod
    def from_module(cls, module):
        def describe(profile, name):
            cred = credential(profile, name)
            if cred and cred.env:
                return "option '%s' (or environment variable %s)" % (name, cred.env)
            return "option '%s'" % name
        return cls(lambda profile, name: module.params.get(name), describe)

    @classmethod
    def from_lookup(cls, plugin):
        """Keyword > vendor-prefixed option (which Ansible reads from keyword, variable, environment or ini)."""
        def get_option(profile, name):
            value = plugin.get_option(name) if plugin.has_option(name) else None
            prefixed = '%s_%s' % (profile.name, name)
            if value is None and plugin.has_option(prefixed):
                value = plugin.get_option(prefixed)
            return value

        def describe(profile, name):
            prefixed = '%s_%s' % (profile.name, name)
            sources = ["keyword '%s' or '%s'" % (name, prefixed), 'variable vendor_tokens_%s' % prefixed]
            cred = credential(profile, name)
            if cred and cred.env:
                sources.append('environment variable %s' % cred.env)
            return "option '%s' (%s, or %s in [vendor_tokens] of ansible.cfg)" % (name, ', '.join(sources), prefixed)
        return cls(get_option, describe)
