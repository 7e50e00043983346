# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The option adapter: turns module parameters or lookup options into the engine's option values.

Modules and the lookup only translate; every rule about options lives in the engine and the profile table.
The modules' argument specs are in _module.py: the lookup imports this file in a new fork at every templating.
"""

from __future__ import annotations

from ansible_collections.vendor.tokens.plugins.module_utils._profiles import COMMON_DEFAULTS, credential


def unknown_options_message(plugin, unknown, valid, listed=True):
    """Names each unknown option and the closest valid one (and all valid ones when listed); never their values."""
    import difflib  # only on this error: the lookup's hit path stays light
    parts = []
    for name in sorted(unknown):
        close = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
        parts.append("unknown option %r%s" % (name, "; did you mean %r?" % close[0] if close else ''))
    if not listed:
        return '%s: %s' % (plugin, '; '.join(parts))
    return '%s: %s (valid options: %s)' % (plugin, '; '.join(parts), ', '.join(sorted(valid)))


def without_empty_settings(values, prefix=''):
    """values without the shared settings (named prefix + option) given as empty or blank strings: an empty
    setting means not set. Credentials are kept, so that an empty one is refused as empty rather than filled
    from another source.
    """
    return dict((name, value) for name, value in values.items()
                if not (name[len(prefix):] in COMMON_DEFAULTS and name.startswith(prefix) and isinstance(value, str)
                        and not value.strip()))


def shared_environment_variable(name):
    """The environment variable of a shared option, such as VENDOR_TOKENS_TIMEOUT."""
    return 'VENDOR_TOKENS_%s' % name.upper()


def describe_setting(profile, name):
    """How a user of a token module or role sets an option: the option, its environment variable, its
    vendor_tokens_* variable and its ansible.cfg entry (the settings the lookup documents)."""
    cred = credential(profile, name)
    setting = '%s_%s' % (profile.name, name) if cred or name in ('auth_url', 'api_url') else name
    sources = ['environment variable %s' % cred.env] if cred and cred.env else []
    if not cred and name not in ('auth_url', 'api_url', 'force'):
        sources.append('environment variable %s' % shared_environment_variable(name))
    sources.append('variable vendor_tokens_%s' % setting)
    return "option '%s' (or %s, or %s in [vendor_tokens] of ansible.cfg)" % (name, ', '.join(sources), setting)


class OptionAdapter(object):
    """Option values for one vendor from any source, and how a user sets each option (for messages)."""

    def __init__(self, get_option, describe):
        self._get_option = get_option
        self.describe = describe

    def values(self, profile):
        names = list(COMMON_DEFAULTS) + [cred.name for cred in profile.credentials]
        return dict((name, self._get_option(profile, name)) for name in names)

    @classmethod
    def from_params(cls, params, describe=None):
        """Validated module parameters (from a module or an action plugin)."""
        def describe_option(profile, name):
            cred = credential(profile, name)
            if cred and cred.env:
                return "option '%s' (or environment variable %s)" % (name, cred.env)
            return "option '%s'" % name
        return cls(lambda profile, name: params.get(name), describe or describe_option)

    @classmethod
    def from_lookup(cls, plugin, unset=frozenset()):
        """Keyword > vendor-prefixed option (which Ansible reads from keyword, variable, environment or ini);
        names in unset are not set, whatever Ansible resolved for them."""
        def get_option(profile, name):
            if name in unset:
                return None
            value = plugin.get_option(name) if plugin.has_option(name) else None
            prefixed = '%s_%s' % (profile.name, name)
            if value is None and plugin.has_option(prefixed):
                value = plugin.get_option(prefixed)
            return value

        def describe(profile, name):
            cred = credential(profile, name)
            if not cred and name not in ('auth_url', 'api_url'):  # a shared setting, named without the vendor
                return "option '%s' (keyword '%s', environment variable %s, variable vendor_tokens_%s, or %s in " \
                       "[vendor_tokens] of ansible.cfg)" % (name, name, shared_environment_variable(name), name, name)
            prefixed = '%s_%s' % (profile.name, name)
            sources = ["keyword '%s' or '%s'" % (name, prefixed), 'variable vendor_tokens_%s' % prefixed]
            if cred and cred.env:
                sources.append('environment variable %s' % cred.env)
            return "option '%s' (%s, or %s in [vendor_tokens] of ansible.cfg)" % (name, ', '.join(sources), prefixed)
        return cls(get_option, describe)
