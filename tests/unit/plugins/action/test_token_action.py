# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin the token modules run as, on the controller."""

from __future__ import annotations

import importlib
import os
from unittest.mock import MagicMock

import pytest

from ansible_collections.vendor.tokens.plugins.module_utils._module import module_argument_spec, module_profiles
from ansible_collections.vendor.tokens.plugins.module_utils._options import unknown_options_message
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import PROFILES
from ansible_collections.vendor.tokens.plugins.plugin_utils import _controller_action, _token_action

MODULES = sorted(set(profile.module for profile in PROFILES))
SECRET = 'unit-secret-' + 'f3a9'


def action_for(module_name, args, environment=None, async_val=0, check_mode=False):
    plugin = importlib.import_module('ansible_collections.vendor.tokens.plugins.action.%s' % module_name)
    task = MagicMock(args=args, environment=[environment] if environment else None, async_val=async_val,
                     check_mode=check_mode, action='vendor.tokens.%s' % module_name)
    connection = MagicMock()
    connection._shell.env_prefix = lambda **kwargs: ''
    templar = MagicMock()
    templar.template = lambda value: value
    return plugin.ActionModule(task, connection, MagicMock(), MagicMock(), templar, MagicMock())


@pytest.mark.parametrize('module_name', MODULES)
def test_every_module_in_the_table_has_its_action_plugin(module_name):
    action = action_for(module_name, {})
    assert action.MODULE == module_name
    assert not action._requires_connection and action._supports_check_mode and not action._supports_async


def test_a_module_serves_its_vendors_in_table_order():
    assert [profile.name for profile in module_profiles('sase_token')] == ['paloalto', 'checkpoint']
    assert module_argument_spec('sase_token')['provider']['default'] == 'paloalto'
    assert 'provider' not in module_argument_spec('keepz_token')
    with pytest.raises(ValueError):
        module_profiles('no_such_token')


def test_a_misspelled_option_is_named_with_the_closest_one_and_never_its_value():
    result = action_for('sase_token', {'client_secrte': SECRET, 'tsg_id': '1'}).run(task_vars={})
    assert result['failed']
    assert "unknown option 'client_secrte'; did you mean 'client_secret'?" in result['msg']
    assert SECRET not in repr(result)


def test_an_option_far_from_any_is_named_without_a_guess():
    message = unknown_options_message('vendor.tokens.keepz_token', {'zzzz'}, ['client_id', 'client_secret'])
    assert message == "vendor.tokens.keepz_token: unknown option 'zzzz' (valid options: client_id, client_secret)"


def test_a_validation_error_never_quotes_a_secret(monkeypatch):
    monkeypatch.setattr(_controller_action, 'missing_library', lambda: None)
    result = action_for('sase_token', {'client_secret': SECRET, 'timeout': SECRET}).run(task_vars={})
    assert result['failed'] and "argument 'timeout'" in result['msg']
    assert SECRET not in repr(result)


def test_async_is_refused_before_anything_else():
    result = action_for('sase_token', {'client_secret': SECRET}, async_val=10).run(task_vars={})
    assert result['failed'] and 'remove async and poll' in result['msg']


@pytest.mark.parametrize('task_environment, expected', [
    ({'PALOALTO_CLIENT_SECRET': SECRET}, SECRET),  # the task's environment keyword wins
    ({'PALOALTO_CLIENT_SECRET': ''}, ''),  # hides the controller's; the engine refuses it as empty
    (None, 'from-controller'),
])
def test_environment_fallbacks_read_the_task_environment(monkeypatch, task_environment, expected):
    monkeypatch.setenv('PALOALTO_CLIENT_SECRET', 'from-controller')
    monkeypatch.setattr(_controller_action, 'missing_library', lambda: None)
    seen = {}

    def token_result(module_name, params, warn=None):
        seen.update(params)
        warn('a warning')
        return dict(changed=False, token={'access_token': 'eyJ{{ x }}'})

    monkeypatch.setattr(_token_action, 'token_result', token_result)
    result = action_for('sase_token', {'client_id': 'sa', 'tsg_id': '1'}, environment=task_environment).run(
        task_vars={})
    assert seen['client_secret'] == expected and seen['validate_certs'] is True and seen['provider'] == 'paloalto'
    assert result['warnings'] == ['a warning'] and result['changed'] is False
    # Registered whole, printed censored where ansible-core still prints a censored result's warnings.
    assert result.get('_ansible_no_log', False) is _token_action.CENSORED_KEEPS_WARNINGS
    assert os.environ['PALOALTO_CLIENT_SECRET'] == 'from-controller'  # the controller's environment is untouched
