# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugins of api_request and sase_objects: on the controller, the module's contract, nothing leaked."""

from __future__ import annotations

import importlib
from unittest.mock import MagicMock

import pytest

from ansible_collections.vendor.tokens.plugins.module_utils import _api_module, _sase_objects
from ansible_collections.vendor.tokens.plugins.plugin_utils import _api_action, _controller_action

SECRET = 'unit-secret-' + '7c1d'


def action_for(module_name, args, async_val=0, check_mode=False, diff=False):
    plugin = importlib.import_module('ansible_collections.vendor.tokens.plugins.action.%s' % module_name)
    task = MagicMock(args=args, environment=None, async_val=async_val, check_mode=check_mode, diff=diff,
                     action='vendor.tokens.%s' % module_name)
    connection = MagicMock()
    connection._shell.env_prefix = lambda **kwargs: ''
    templar = MagicMock()
    templar.template = lambda value: value
    return plugin.ActionModule(task, connection, MagicMock(), MagicMock(), templar, MagicMock())


@pytest.mark.parametrize('module_name', ['api_request', 'sase_objects'])
def test_they_run_on_the_controller_without_a_connection(module_name):
    action = action_for(module_name, {})
    assert not action._requires_connection and action._supports_check_mode and not action._supports_async
    assert action.MODULE == module_name


def test_a_misspelled_option_is_named_with_the_closest_one_and_never_its_value():
    result = action_for('sase_objects', {'objetcs': [], 'client_secret': SECRET}).run(task_vars={})
    assert result['failed'] and "unknown option 'objetcs'; did you mean 'objects'?" in result['msg']
    assert SECRET not in repr(result)


def test_an_unknown_vendor_lists_the_valid_names():
    result = action_for('api_request', {'vendor': 'palo', 'path': '/x'}).run(task_vars={})
    assert result['failed'] and "unknown vendor 'palo'" in result['msg'] and 'paloalto' in result['msg']


def test_async_is_refused():
    result = action_for('api_request', {'vendor': 'paloalto', 'path': '/x'}, async_val=5).run(task_vars={})
    assert result['failed'] and 'remove async and poll' in result['msg']


def test_check_mode_and_diff_reach_the_module_code(monkeypatch):
    seen = {}

    def fake(params, check_mode=False, diff=False, warn=None, session=None):
        seen.update(check_mode=check_mode, diff=diff, folder=params['folder'], parallel=params['parallel'])
        return {'changed': True, 'objects': [{'name': '{{ lookup("pipe", "id") }}'}]}

    monkeypatch.setattr(_api_action, 'sase_objects_result', fake)
    monkeypatch.setattr(_controller_action, 'missing_library', lambda: None)
    result = action_for('sase_objects', {'objects': {}, 'folder': 'Shared'}, check_mode=True, diff=True).run(task_vars={})
    assert seen == {'check_mode': True, 'diff': True, 'folder': 'Shared', 'parallel': _sase_objects.DEFAULT_PARALLEL}
    assert result['changed'] and result['objects'][0]['name'].startswith('{{')


def test_vendor_headers_come_from_their_variable_and_authorization_is_refused():
    params = dict((name, entry.get('default')) for name, entry in _api_module.api_request_argument_spec().items())
    params.update(vendor='forticasb', path='/x', method='GET')
    result = _api_module.api_request_result(params, vendor_headers={'companyId': '1'})
    assert result['failed'] and 'missing: roleId, buId' in result['msg']
    params.update(vendor='paloalto', headers={'Authorization': 'Bearer ' + SECRET})
    result = _api_module.api_request_result(params)
    assert result['failed'] and result['option'] == 'headers' and SECRET not in repr(result)
