# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin vendor.tokens.api_request and vendor.tokens.sase_objects run as (see _controller_action.py):
the API client in the controller's worker, with the vendor's cached token."""

from __future__ import annotations

from ansible_collections.vendor.tokens.plugins.plugin_utils._bytecode import bytecode_cached_imports

with bytecode_cached_imports():
    from ansible_collections.vendor.tokens.plugins.module_utils._api_module import (
        ARGUMENT_SPECS, SASE_VENDOR, api_request_result, sase_objects_result)
    from ansible_collections.vendor.tokens.plugins.module_utils._profiles import find_profile, vendor_names
    from ansible_collections.vendor.tokens.plugins.plugin_utils._controller_action import ControllerAction
    from ansible_collections.vendor.tokens.plugins.plugin_utils._settings import per_vendor_input


class ApiAction(ControllerAction):
    """What the API modules share: the vendor option, and results that hold what the API sent."""

    DEFAULT_VENDOR = None
    UNTRUSTED = ('json', 'headers', 'content', 'objects', 'diff', 'push')

    def argument_spec(self):
        return ARGUMENT_SPECS[self.MODULE]()

    def profile(self, args):
        vendor = args.get('vendor') or self.DEFAULT_VENDOR
        profile = find_profile(vendor)
        if profile is None:
            return '%s; valid names are: %s' % ('give the vendor' if vendor is None else 'unknown vendor %r' % vendor,
                                                ', '.join(vendor_names()))
        return profile


class ApiRequestAction(ApiAction):
    MODULE = 'api_request'

    def outcome(self, profile, params, task_vars, warn):
        headers = per_vendor_input(profile, 'api_headers', task_vars, self._templar.template)
        return api_request_result(params, self._task.check_mode, warn, headers if isinstance(headers, dict) else {})


class SaseObjectsAction(ApiAction):
    MODULE = 'sase_objects'
    DEFAULT_VENDOR = SASE_VENDOR

    def outcome(self, profile, params, task_vars, warn):
        return sase_objects_result(params, self._task.check_mode, bool(self._task.diff), warn)
