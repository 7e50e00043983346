# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every token module does: its argument spec from the profile table, options in, token record out.

The action plugins (plugins/action/) run this on the controller; the remote module path remains for ansible-test.
"""

from __future__ import annotations

import re
from importlib.util import find_spec

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.vendor.tokens.plugins.module_utils._engine import get_token
from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._options import OptionAdapter
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import (
    COMMON_DEFAULTS, PROFILES, SECRET_OPTIONS, profile_for)

# Looked up, not imported: a cache hit needs neither.
REQUIRED_LIBRARIES = ('requests', 'jmespath')
_VARIABLE_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')


def common_argument_spec():
    """Argument spec of the options in the vendor.tokens.common doc fragment and its MODULE part."""
    spec = dict(
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
        cache_url=dict(type='str'),
        cache_ca_path=dict(type='path'),
        force=dict(type='bool', default=COMMON_DEFAULTS['force']),
        refused_token=dict(type='str'),
        min_ttl=dict(type='int', default=COMMON_DEFAULTS['min_ttl']),
        refusal_ttl=dict(type='int', default=COMMON_DEFAULTS['refusal_ttl']),
        fact_name=dict(type='str'),
    )
    for name in SECRET_OPTIONS:
        spec[name]['no_log'] = True
    return spec


def credential_argument_spec(profiles):
    """Argument spec of the vendors' own options, from the profile table (environment fallbacks included)."""
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


def module_profiles(module_name):
    """The profiles a token module serves, in table order; the first is its default provider."""
    profiles = [profile for profile in PROFILES if profile.module == module_name]
    if not profiles:
        raise ValueError('no vendor in the profile table is served by module %r' % module_name)
    return profiles


def module_argument_spec(module_name):
    """The whole argument spec of a token module: shared options, its vendors' options, and 'provider' for several."""
    profiles = module_profiles(module_name)
    argument_spec = common_argument_spec()
    argument_spec.update(credential_argument_spec(profiles))
    if len(profiles) > 1:
        names = [name for profile in profiles for name in (profile.name,) + profile.aliases]
        argument_spec['provider'] = dict(type='str', default=profiles[0].name, choices=names)
    return argument_spec


def missing_library():
    """The message for the first required Python package this Python lacks, or None."""
    for library in REQUIRED_LIBRARIES:
        if find_spec(library) is None:
            return missing_required_lib(library)
    return None


def token_result(module_name, params, describe=None, warn=None):
    """The result of a token task for validated params: {changed, token, ansible_facts}, or {failed, msg, ...}."""
    profile = profile_for(params.get('provider') or module_profiles(module_name)[0].name)
    fact_name = params.get('fact_name') or profile.fact_name
    if not _VARIABLE_NAME.match(fact_name):
        return dict(failed=True, option='fact_name',
                    msg="option 'fact_name' is %r; it must be a valid variable name" % fact_name)
    try:
        record = get_token(profile.name, OptionAdapter.from_params(params, describe), warn=warn)
    except TokenError as exc:
        return dict(failed=True, msg=str(exc), **exc.details())
    return dict(changed=False, token=record, ansible_facts={fact_name: record})


def run_token_module(module_name):
    """Run a token module as a remote module (ansible-test runs it so; playbooks run the action plugin)."""
    module = AnsibleModule(argument_spec=module_argument_spec(module_name), supports_check_mode=True)
    missing = missing_library()
    if missing:
        module.fail_json(msg=missing)
    result = token_result(module_name, module.params, warn=module.warn)
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)
