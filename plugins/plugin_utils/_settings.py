# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a setting's value comes from, for the action plugins and the lookup alike (neither loads the other).

vendor_options() reads every option of a vendor, first found first: the task's option or the lookup's keyword
(for a vendor's own option the lookup also takes <vendor>_<name>), the variable vendor_tokens_[<vendor>_]<name>,
its environment variable, the key [vendor_tokens] [<vendor>_]<name> of ansible.cfg, its default. The table of
settings is module_utils/_settings.py; the credentials of each vendor are its row in module_utils/_profiles.py.
"""

from __future__ import annotations

import configparser
import os

from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._options import describe, sources
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import PROFILES
from ansible_collections.vendor.tokens.plugins.module_utils._settings import (
    INI_SECTION, SETTINGS, VARIABLE_PREFIX, is_unset)

_INI = {}


def ini_values():
    """The [vendor_tokens] section of the ansible.cfg Ansible uses, as {key: raw text}, read once per process."""
    if 'values' not in _INI:
        from ansible import constants as C
        path = getattr(C, 'CONFIG_FILE', None)
        values = {}
        if path:
            parser = configparser.ConfigParser(inline_comment_prefixes=(';',), interpolation=None)
            try:
                parser.read(path, encoding='utf-8')
                if parser.has_section(INI_SECTION):
                    values = dict(parser.items(INI_SECTION, raw=True))
            except (configparser.Error, OSError, UnicodeError):
                values = {}  # Ansible itself refuses a broken ansible.cfg before any task runs
        _INI['values'], _INI['path'] = values, path
    return _INI['values']


def _typed(profile, name, kind, value, origin):
    """value as its setting's type; a value that is not of it fails naming the option and where it came from."""
    if kind == 'str' or value is None or not isinstance(value, (str, bytes)):
        return value
    if kind == 'path':
        # As Ansible reads a path setting: ~ and variables expanded, relative to ansible.cfg's folder when it is
        # from there, else to the current folder.
        path = os.path.expanduser(os.path.expandvars(str(value)))
        base = os.path.dirname(_INI.get('path') or '') if origin == 'ansible.cfg' else os.getcwd()
        return os.path.normpath(os.path.join(base or os.getcwd(), path))
    from ansible.config.manager import ensure_type
    try:
        return ensure_type(value, kind)  # the two arguments every supported ansible-core takes
    except (ValueError, TypeError):
        pass
    except Exception:  # pylint: disable=broad-except
        pass  # ansible-core 2.19 and later raise their own error types here
    wanted = {'int': 'a whole number', 'bool': 'true or false', 'path': 'a path'}.get(kind, kind)
    raise TokenError('%s is %r (from %s); it must be %s' % (describe(profile, name), value, origin, wanted),
                     vendor=profile.name, option=name)


def vendor_options(profile, keywords, variables, template=None, prefixed_keywords=False):
    """Every setting and credential of profile: {name: value}, None where no source sets it (the engine then
    applies the defaults). keywords: the task's options or the lookup's keywords; variables: the host's variables,
    templated with template(value) when given; prefixed_keywords: the lookup's keywords, which also come as
    <vendor>_<name> and are typed here."""
    ini = ini_values()
    values = {}
    names = [(setting.name, setting.kind, True) for setting in SETTINGS]
    names += [(cred.name, 'str', False) for cred in profile.credentials]
    for name, kind, is_setting in names:
        env, variable, ini_key = sources(profile, name)
        candidates = [('option', keywords.get(name))]
        if prefixed_keywords:
            candidates = [('keyword %s' % name, keywords.get(name))]
            candidates.append(('keyword %s_%s' % (profile.name, name), keywords.get('%s_%s' % (profile.name, name))))
        if variable and variable in variables:
            value = variables[variable]
            candidates.append(('variable %s' % variable, template(value) if template else value))
        if env:
            candidates.append(('environment variable %s' % env, os.environ.get(env)))
        if ini_key:
            candidates.append(('ansible.cfg', ini.get(ini_key)))
        value = None
        for origin, candidate in candidates:
            # An empty setting is not set; an empty credential is refused as empty rather than filled from elsewhere.
            if candidate is None or (is_setting and is_unset(candidate)):
                continue
            # Task options are typed by the module's argument spec; lookup keywords here.
            value = candidate if origin == 'option' else _typed(profile, name, kind, candidate, origin)
            break
        values[name] = value
    return values


# Per-vendor inputs of the API modules that are not settings: vendor_tokens_<vendor>_<name>.
PER_VENDOR_INPUTS = ('api_headers',)


def per_vendor_input(profile, name, variables, template=None):
    """The value of the variable vendor_tokens_<vendor>_<name> (one of PER_VENDOR_INPUTS), or None."""
    variable = '%s%s_%s' % (VARIABLE_PREFIX, profile.name, name)
    if variable not in variables:
        return None
    return template(variables[variable]) if template else variables[variable]


def known_variables():
    """Every vendor_tokens_* variable the settings, the vendors' credentials and the API modules read."""
    names = set()
    for profile in PROFILES:
        names.update('%s%s_%s' % (VARIABLE_PREFIX, profile.name, name) for name in PER_VENDOR_INPUTS)
        for setting in SETTINGS:
            names.add(setting.variable_name(profile.name))
        for cred in profile.credentials:
            names.add(sources(profile, cred.name)[1])
    names.discard(None)
    return names


def _role_variables():
    """The vendor_tokens_* inputs the collection's roles document (read only when a variable is not a setting)."""
    import glob
    import yaml
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'roles')
    names = set()
    for path in glob.glob(os.path.join(root, '*', 'meta', 'argument_specs.yml')):
        try:
            with open(path, encoding='utf-8') as handle:
                specs = yaml.safe_load(handle) or {}
            for entry in (specs.get('argument_specs') or {}).values():
                names.update((entry or {}).get('options') or {})
        except (OSError, yaml.YAMLError, AttributeError):
            continue
    return names


def misspelled_variables(variables):
    """A warning for each vendor_tokens_* variable that no setting, credential or role reads, naming the closest
    valid name: a misspelled variable is otherwise silently ignored."""
    suspects = sorted(name for name in variables if isinstance(name, str) and name.startswith(VARIABLE_PREFIX))
    known = known_variables()
    suspects = [name for name in suspects if name not in known]
    if not suspects:
        return []
    import difflib
    known |= _role_variables()
    warnings = []
    for name in suspects:
        if name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        warnings.append('variable %s is not a vendor.tokens setting and is ignored%s' % (
            name, '; did you mean %s?' % close[0] if close else ''))
    return warnings
