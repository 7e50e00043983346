# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Auth outages (a vendor's auth endpoint failing for a while, its API still accepting issued tokens), timed faults,
and the FortiCASB API credential grant."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import time

import pytest

from vendor_emulator import faults, handler, state
from vendor_emulator.vendors import VENDORS

FORM = {'Content-Type': 'application/x-www-form-urlencoded'}
PA = VENDORS['paloalto']['credentials'][0]
PA_FORM = 'grant_type=client_credentials&client_id=%s&client_secret=%s&scope=tsg_id:%s' % (
    PA['client_id'], PA['client_secret'], PA['tsg_id'])


@pytest.mark.parametrize('body, words', [
    ({'vendor': 'okta', 'kind': '503'}, 'give the vendor'),
    ({'vendor': 'paloalto', 'kind': '418'}, 'unknown auth_outage kind'),
    ({'vendor': 'paloalto', 'kind': '503', 'seconds': 0}, 'for_seconds must be'),
    ({'vendor': 'paloalto', 'kind': '401', 'retry_after': 3}, 'retry_after goes with kind 429 or 503'),
    ({'vendor': 'paloalto', 'kind': '503', 'hang': 3}, 'hang goes with kind timeout'),
    ({'vendor': 'paloalto', 'kind': '503', 'until': 3}, 'unknown auth_outage field(s): until'),
])
def test_a_bad_outage_is_refused(body, words):
    with pytest.raises(ValueError) as caught:
        faults.parse_auth_outage(body)
    assert words in str(caught.value)


def test_an_outage_covers_the_token_and_refresh_endpoints_for_its_time():
    queued = faults.parse_auth_outage({'vendor': 'forticasb', 'kind': 429, 'seconds': 30, 'retry_after': 7})
    assert [(fault['endpoint'], fault['kind'], fault['status'], fault['retry_after']) for fault in queued] == [
        ('token', 'status', 429, '7'), ('refresh', 'status', 429, '7')]
    assert all(29 < fault['until'] - time.time() <= 30 and fault['outage'] for fault in queued)
    hang = faults.parse_auth_outage({'vendor': 'paloalto', 'kind': 'timeout', 'seconds': 5, 'hang': 2})
    assert [(fault['endpoint'], fault['kind'], fault['seconds']) for fault in hang] == [('token', 'delay', 2)]


def test_a_timed_fault_serves_every_request_until_its_time_is_over(monkeypatch):
    emu = state.Emulator()
    emu.add_fault(faults.parse_fault({'vendor': 'paloalto', 'kind': 'status', 'for_seconds': 10}))
    for _request in range(50):
        assert emu.take_fault('paloalto', 'token')['status'] == 503
    assert emu.take_fault('keepz', 'token') is None
    later = time.time() + 11
    monkeypatch.setattr(state.time, 'time', lambda: later)
    assert emu.take_fault('paloalto', 'token') is None
    assert emu.stats()['faults_pending'] == 0


def test_the_api_accepts_issued_tokens_during_an_outage_and_healing_ends_it(serve, send):
    emu = state.Emulator()
    address = serve(handler, emu)
    issued = send(address, 'POST', '/oauth2/access_token', PA_FORM, FORM).json()['access_token']
    outage = send(address, 'POST', '/_emulator/auth_outage', json.dumps({'vendor': 'paloalto', 'kind': '503', 'seconds': 60,
                                                                         'retry_after': 4}))
    assert outage.status == 200
    for _attempt in range(3):
        refused = send(address, 'POST', '/oauth2/access_token', PA_FORM, FORM)
        assert refused.status == 503 and refused.headers['Retry-After'] == '4'
    api = send(address, 'GET', '/sse/config/v1/addresses', None, {'Authorization': 'Bearer %s' % issued})
    assert api.status == 200
    assert send(address, 'DELETE', '/_emulator/auth_outage', json.dumps({'vendor': 'keepz'})).json()['healed'] == 0
    assert send(address, 'DELETE', '/_emulator/auth_outage', json.dumps({'vendor': 'paloalto'})).json()['healed'] == 1
    assert send(address, 'POST', '/oauth2/access_token', PA_FORM, FORM).status == 200
    assert emu.stats()['counts']['paloalto_token'] == 5


def test_forticasb_issues_tokens_for_an_api_credential_sent_as_is(serve, send):
    emu = state.Emulator()
    address = serve(handler, emu)
    credential = VENDORS['forticasb']['api_credentials'][0]
    path = '/api/v1/auth/credentials/token/'
    answer = send(address, 'POST', path, 'grant_type=client_credentials', dict(FORM, Authorization='Basic ' + credential))
    assert answer.status == 200
    body = answer.json()
    assert body['token_type'] == 'bearer' and body['access_token'] and body['refresh_token']
    refreshed = send(address, 'POST', '/api/v1/auth/token/refresh',
                     'grant_type=refresh_token&refresh_token=%s' % body['refresh_token'], FORM)
    assert refreshed.status == 200 and refreshed.json()['access_token'] != body['access_token']
    wrong = send(address, 'POST', path, 'grant_type=client_credentials', dict(FORM, Authorization='Basic not-it'))
    assert wrong.status == 401 and credential.encode() not in wrong.body
    assert send(address, 'POST', path, 'grant_type=password', dict(FORM, Authorization='Basic ' + credential)).status == 400
    assert emu.stats()['path_counts'][path] == 3
