# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every vendor.tokens action plugin does: the module's code in the controller's worker, never on the host.

A token belongs to the controller, and so do the API calls made with it: the task neither connects to its host
nor sends it a payload, so it works on hosts that are down, have no Python or are network devices, never becomes
another user, and ansible-core has no module arguments or environment line to echo at -vvv. The contract is the
module's: its argument spec, check mode, module_defaults and the action group, its result. Subclasses say which
vendor a task is for and what the module does (_token_action.py, _api_action.py).
"""

from __future__ import annotations

import contextlib
import os

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError, mask
from ansible_collections.vendor.tokens.plugins.module_utils._module import missing_library
from ansible_collections.vendor.tokens.plugins.module_utils._options import unknown_options_message
from ansible_collections.vendor.tokens.plugins.module_utils._settings import without_empty_settings
from ansible_collections.vendor.tokens.plugins.plugin_utils._settings import misspelled_variables, vendor_options
from ansible_collections.vendor.tokens.plugins.plugin_utils._untrusted import untrusted


@contextlib.contextmanager
def environ(environment):
    """os.environ as environment for the duration (this worker process runs one task), then as it was."""
    saved = dict(os.environ)
    os.environ.update(environment)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class ControllerAction(ActionBase):
    """Subclasses set MODULE and UNTRUSTED (result keys holding what a vendor sent) and implement argument_spec,
    profile and outcome."""

    MODULE = None
    UNTRUSTED = ()
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def argument_spec(self):
        """The module's argument spec (a new dict: run() changes it)."""
        raise NotImplementedError

    def profile(self, args):
        """The vendor's row this task is for, or a message saying why there is none."""
        raise NotImplementedError

    def outcome(self, profile, params, task_vars, warn):
        """The module's result for validated params."""
        raise NotImplementedError

    def run(self, tmp=None, task_vars=None):
        if self._task.async_val:
            return dict(failed=True, msg='vendor.tokens.%s runs on the controller and returns when it is done; remove '
                                         'async and poll from the task' % self.MODULE)
        result = super(ControllerAction, self).run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}

        argument_spec = self.argument_spec()
        args = without_empty_settings(self._task.args)
        unknown = set(args) - set(argument_spec)
        if unknown:
            result.update(failed=True, msg=unknown_options_message('vendor.tokens.%s' % self.MODULE, unknown,
                                                                   argument_spec))
            return result
        profile = self.profile(args)
        if isinstance(profile, str):
            result.update(failed=True, option='vendor', msg='vendor.tokens.%s: %s' % (self.MODULE, profile))
            return result

        with environ(self._task_environment()):  # proxies and CA bundles the task's environment names count too
            try:
                params = self._with_settings(profile, args, argument_spec, task_vars)
            except TokenError as exc:  # a setting from a variable, the environment or ansible.cfg of the wrong type
                result.update(failed=True, msg=str(exc), **exc.details())
                return result
            for entry in argument_spec.values():
                entry.pop('fallback', None)  # the settings above read the environment, empty values as unset
            validation = ArgumentSpecValidator(argument_spec).validate(params)
            if validation.error_messages:
                result.update(failed=True, msg='vendor.tokens.%s: %s' % (self.MODULE, mask(
                    '; '.join(validation.error_messages), validation._no_log_values)))
                return result
            missing = missing_library()
            if missing:
                result.update(failed=True, msg=missing)
                return result
            warnings = misspelled_variables(task_vars)
            result.update(self.outcome(profile, validation.validated_parameters, task_vars, warnings.append))
        if warnings:
            result['warnings'] = warnings
        for name in self.UNTRUSTED:
            if name in result:
                result[name] = untrusted(result[name])
        return result

    def _with_settings(self, profile, args, argument_spec, task_vars):
        """args, with each option they leave out read from its other sources (plugin_utils/_settings.py), so the
        modules, the lookup and the roles share one set of settings with one precedence."""
        params = vendor_options(profile, args, task_vars, self._templar.template)
        params = dict((name, value) for name, value in params.items() if value is not None and name in argument_spec)
        params.update(args)
        return params

    def _task_environment(self):
        """The environment the module would have seen: the controller's, under the task's environment keyword."""
        environment = dict(os.environ)
        task_environment = {}
        self._compute_environment_string(raw_environment_out=task_environment)
        environment.update((name, str(value)) for name, value in task_environment.items())
        return environment
