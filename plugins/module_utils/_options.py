# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The option adapter: option values for the engine, and how a user sets each option (for messages).

Modules, action plugins and the lookup resolve their values first (plugin_utils/_settings.py reads the sources of
each setting); this file only carries them, and words every message about an option the same way.
"""

from __future__ import annotations

from ansible_collections.vendor.tokens.plugins.module_utils._profiles import credential
from ansible_collections.vendor.tokens.plugins.module_utils._settings import BY_NAME, INI_SECTION, SETTINGS


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


def sources(profile, name):
    """Where an option of profile is read from besides the task option or keyword: (environment variable,
    vendor_tokens_* variable, ansible.cfg key), each None where there is none."""
    cred = credential(profile, name)
    if cred:
        setting = '%s_%s' % (profile.name, name)
        return cred.env, 'vendor_tokens_' + setting, setting
    setting = BY_NAME.get(name)
    if setting is None:
        return None, None, None
    return setting.env_name(), setting.variable_name(profile.name), setting.ini_key(profile.name)


def describe(profile, name):
    """How a user sets an option, for messages: the option and every other source of it."""
    env, variable, ini_key = sources(profile, name)
    alternatives = []
    if env:
        alternatives.append('environment variable %s' % env)
    if variable:
        alternatives.append('variable %s' % variable)
    if ini_key:
        alternatives.append('%s in [%s] of ansible.cfg' % (ini_key, INI_SECTION))
    if not alternatives:
        return "option '%s'" % name
    if len(alternatives) == 1:
        return "option '%s' (or %s)" % (name, alternatives[0])
    return "option '%s' (or %s, or %s)" % (name, ', '.join(alternatives[:-1]), alternatives[-1])


class OptionAdapter(object):
    """Option values for one vendor, and how a user sets each option (for messages)."""

    def __init__(self, params):
        self._params = params
        self.describe = describe

    def values(self, profile):
        names = [setting.name for setting in SETTINGS] + [cred.name for cred in profile.credentials]
        return dict((name, self._params.get(name)) for name in names)

    @classmethod
    def from_params(cls, params):
        """Resolved option values: module parameters, or what plugin_utils/_settings.py read."""
        return cls(params)
