# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin every token module runs as (see _controller_action.py): the engine in the controller's worker."""

from __future__ import annotations

from ansible_collections.vendor.tokens.plugins.plugin_utils._bytecode import bytecode_cached_imports

with bytecode_cached_imports():
    from ansible_collections.vendor.tokens.plugins.module_utils._module import (
        module_argument_spec, module_profiles, token_result)
    from ansible_collections.vendor.tokens.plugins.module_utils._profiles import find_profile
    from ansible_collections.vendor.tokens.plugins.plugin_utils._controller_action import ControllerAction

try:
    # ansible-core shows a censored result's warnings from 2.19 on; before, censoring would hide the cache's warnings.
    from ansible.executor.task_result import _PRESERVE
    CENSORED_KEEPS_WARNINGS = 'warnings' in _PRESERVE
except ImportError:
    CENSORED_KEEPS_WARNINGS = False


class TokenAction(ControllerAction):
    """Subclasses name the module they run as MODULE."""

    UNTRUSTED = ('token',)

    def argument_spec(self):
        return module_argument_spec(self.MODULE)

    def profile(self, args):
        # A provider that is not a vendor's name is refused by the argument spec's choices.
        return find_profile(args.get('provider')) or module_profiles(self.MODULE)[0]

    def outcome(self, profile, params, task_vars, warn):
        result = token_result(self.MODULE, params, warn=warn)
        if 'token' in result and CENSORED_KEEPS_WARNINGS:
            # The registered result keeps the token; what Ansible prints of it (-v, -vvv, callbacks) is censored.
            result['_ansible_no_log'] = True
        return result
