# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every token module does: its argument spec from the profile table, options in, token record out.

The action plugins (plugins/action/) run this on the controller; the remote module path remains for ansible-test.
"""

from __future__ import annotations

from importlib.util import find_spec

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.vendor.tokens.plugins.module_utils._engine import get_token
from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._options import OptionAdapter
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import PROFILES, profile_for
from ansible_collections.vendor.tokens.plugins.module_utils._settings import SETTINGS

# Looked up, not imported: a cache hit needs neither.
REQUIRED_LIBRARIES = ('requests', 'jmespath')


def common_argument_spec():
    """Argument spec of the shared settings (the doc fragment vendor.tokens.common), from the settings table."""
    spec = {}
    for setting in SETTINGS:
        entry = spec[setting.name] = dict(type=setting.kind)
        if setting.default is not None:
            entry['default'] = setting.default
        entry['no_log'] = setting.secret  # said either way: client_key is a path, though its name sounds secret
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
            if cred.choices and not cred.fold_case:  # the engine folds the case first, then checks the choices
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


def token_result(module_name, params, warn=None):
    """The result of a token task for validated params: {changed, token}, or {failed, msg, ...}.

    Never ansible_facts: fact caches (jsonfile, redis, AWX) store facts in clear, so a token is only returned, to be
    registered; the sealed token cache is the one place it rests."""
    profile = profile_for(params.get('provider') or module_profiles(module_name)[0].name)
    try:
        record = get_token(profile.name, OptionAdapter.from_params(params), warn=warn)
    except TokenError as exc:
        return dict(failed=True, msg=str(exc), **exc.details())
    return dict(changed=False, token=record)


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
