# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every token module does: options in, token record out."""

from __future__ import annotations

import re
from importlib.util import find_spec

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.vendor.tokens.plugins.module_utils._engine import get_token
from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._options import OptionAdapter
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import COMMON_DEFAULTS, find_profile, profile_for

# Looked up, not imported: a cache hit needs neither, and importing requests costs a module run about 80 ms.
REQUIRED_LIBRARIES = ('requests', 'jmespath')


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


def run_token_module(vendors):
    """Run a token module serving the named vendors; with more than one, option 'provider' picks (first is default)."""
    profiles = [find_profile(name) for name in vendors]
    argument_spec = common_argument_spec()
    argument_spec.update(credential_argument_spec(profiles))
    if len(profiles) > 1:
        names = [name for profile in profiles for name in (profile.name,) + profile.aliases]
        argument_spec['provider'] = dict(type='str', default=profiles[0].name, choices=names)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)

    for library in REQUIRED_LIBRARIES:
        if find_spec(library) is None:
            module.fail_json(msg=missing_required_lib(library))

    profile = profile_for(module.params.get('provider') or profiles[0].name)
    fact_name = module.params['fact_name'] or profile.fact_name
    if not re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', fact_name):
        module.fail_json(msg="option 'fact_name' is %r; it must be a valid variable name" % fact_name)

    try:
        record = get_token(profile.name, OptionAdapter.from_module(module), warn=module.warn)
    except TokenError as exc:
        module.fail_json(msg=str(exc), **exc.details())
    module.exit_json(changed=False, token=record, ansible_facts={fact_name: record})
