# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's faults: which POST /_emulator/fault bodies are queued as what, which are refused with which
message, and what a queued fault does to an answer."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

import pytest

from vendor_emulator import faults, handler, state
from vendor_emulator.vendors import VENDORS
from vendor_emulator.wire import Response

KINDS = 'delay, drop, expiry, html, malformed, no_token, redirect, reset, status, token_type, truncated'


def _entry(kind, **fields):
    entry = {'vendor': '*', 'endpoint': 'token', 'kind': kind, 'remaining': 1}
    entry.update(fields)
    return entry


VALID = [
    ('drop', {'kind': 'drop'}, _entry('drop')),
    ('reset', {'kind': 'reset', 'vendor': 'keepz', 'count': 3}, _entry('reset', vendor='keepz', remaining=3)),
    ('delay-default', {'kind': 'delay'}, _entry('delay', seconds=1)),
    ('delay-fraction', {'kind': 'delay', 'seconds': 0.25}, _entry('delay', seconds=0.25)),
    ('delay-bounds', {'kind': 'delay', 'seconds': 600}, _entry('delay', seconds=600)),
    ('status-default', {'kind': 'status'}, _entry('status', status=503)),
    ('status-low', {'kind': 'status', 'status': 200}, _entry('status', status=200)),
    ('status-retry-int', {'kind': 'status', 'status': 429, 'retry_after': 2},
     _entry('status', status=429, retry_after='2')),
    ('status-retry-zero', {'kind': 'status', 'retry_after': 0}, _entry('status', status=503, retry_after='0')),
    ('status-retry-date', {'kind': 'status', 'retry_after': 'Wed, 21 Oct 2015 07:28:00 GMT'},
     _entry('status', status=503, retry_after='Wed, 21 Oct 2015 07:28:00 GMT')),
    ('status-api', {'kind': 'status', 'endpoint': 'api', 'vendor': 'plainid', 'status': 502},
     _entry('status', endpoint='api', vendor='plainid', status=502)),
    ('redirect-default', {'kind': 'redirect'}, _entry('redirect', status=307)),
    ('redirect-location', {'kind': 'redirect', 'status': 308, 'location': 'https://elsewhere.invalid/x'},
     _entry('redirect', status=308, location='https://elsewhere.invalid/x')),
    ('token-type-default', {'kind': 'token_type'}, _entry('token_type', value='mac')),
    ('token-type-value', {'kind': 'token_type', 'value': 5}, _entry('token_type', value=5)),
    ('expiry-null', {'kind': 'expiry', 'value': None}, _entry('expiry', value=None)),
    ('refresh-any-vendor', {'kind': 'malformed', 'endpoint': 'refresh'}, _entry('malformed', endpoint='refresh')),
    ('refresh-forticasb', {'kind': 'no_token', 'endpoint': 'refresh', 'vendor': 'forticasb'},
     _entry('no_token', endpoint='refresh', vendor='forticasb')),
    ('count-max', {'kind': 'html', 'count': 1000000}, _entry('html', remaining=1000000)),
]


@pytest.mark.parametrize('body, expected', [case[1:] for case in VALID], ids=[case[0] for case in VALID])
def test_a_valid_fault_is_queued_as(body, expected):
    fault = faults.parse_fault(body)
    assert fault == expected
    assert list(fault)[:4] == ['vendor', 'endpoint', 'kind', 'remaining']


INVALID = [
    ('list', [1], 'fault must be a JSON object'),
    ('null', None, 'fault must be a JSON object'),
    ('no-kind', {}, 'unknown fault kind; expected one of: ' + KINDS),
    ('unknown-kind', {'kind': 'explode'}, 'unknown fault kind; expected one of: ' + KINDS),
    ('field-of-other-kind', {'kind': 'drop', 'seconds': 1}, 'unknown fault field(s) for kind drop: seconds'),
    ('fields-sorted', {'kind': 'delay', 'zz': 1, 'value': 2}, 'unknown fault field(s) for kind delay: value, zz'),
    ('unknown-vendor', {'kind': 'drop', 'vendor': 'no-such-vendor'}, 'unknown vendor; expected * or one of: ' + ', '.join(VENDORS)),
    ('unknown-endpoint', {'kind': 'drop', 'endpoint': 'admin'}, 'unknown endpoint; expected one of: token, refresh, api'),
    ('no-refresh-endpoint', {'kind': 'drop', 'vendor': 'plainid', 'endpoint': 'refresh'},
     'vendor plainid has no refresh endpoint'),
    ('no-token-on-api', {'kind': 'no_token', 'endpoint': 'api'},
     'fault kind no_token only applies to token or refresh endpoints'),
    ('token-type-on-api', {'kind': 'token_type', 'endpoint': 'api'},
     'fault kind token_type only applies to token or refresh endpoints'),
    ('expiry-on-api', {'kind': 'expiry', 'endpoint': 'api', 'value': 1},
     'fault kind expiry only applies to token or refresh endpoints'),
    ('count-zero', {'kind': 'drop', 'count': 0}, 'count must be an integer >= 1'),
    ('count-bool', {'kind': 'drop', 'count': True}, 'count must be an integer >= 1'),
    ('count-float', {'kind': 'drop', 'count': 1.0}, 'count must be an integer >= 1'),
    ('count-string', {'kind': 'drop', 'count': '1'}, 'count must be an integer >= 1'),
    ('count-too-many', {'kind': 'drop', 'count': 1000001}, 'count must be an integer >= 1'),
    ('delay-negative', {'kind': 'delay', 'seconds': -1}, 'seconds must be a number between 0 and 600'),
    ('delay-too-long', {'kind': 'delay', 'seconds': 600.5}, 'seconds must be a number between 0 and 600'),
    ('delay-bool', {'kind': 'delay', 'seconds': True}, 'seconds must be a number between 0 and 600'),
    ('delay-string', {'kind': 'delay', 'seconds': '1'}, 'seconds must be a number between 0 and 600'),
    ('status-low', {'kind': 'status', 'status': 199}, 'status must be an integer between 200 and 599'),
    ('status-high', {'kind': 'status', 'status': 600}, 'status must be an integer between 200 and 599'),
    ('status-float', {'kind': 'status', 'status': 503.0}, 'status must be an integer between 200 and 599'),
    ('retry-negative', {'kind': 'status', 'retry_after': -1}, 'retry_after must be a non-negative integer or a string'),
    ('retry-float', {'kind': 'status', 'retry_after': 1.5}, 'retry_after must be a non-negative integer or a string'),
    ('retry-list', {'kind': 'status', 'retry_after': [1]}, 'retry_after must be a non-negative integer or a string'),
    ('retry-bool', {'kind': 'status', 'retry_after': True}, 'retry_after must be a non-negative integer or a string'),
    ('redirect-300', {'kind': 'redirect', 'status': 300}, 'redirect status must be one of 301, 302, 303, 307, 308'),
    ('redirect-float', {'kind': 'redirect', 'status': 307.0}, 'redirect status must be one of 301, 302, 303, 307, 308'),
    ('location-empty', {'kind': 'redirect', 'location': ''}, 'location must be a non-empty string'),
    ('location-number', {'kind': 'redirect', 'location': 5}, 'location must be a non-empty string'),
    ('expiry-without-value', {'kind': 'expiry'}, 'fault kind expiry needs a value'),
    # The endpoint is checked before the count.
    ('api-before-count', {'kind': 'no_token', 'endpoint': 'api', 'count': 0},
     'fault kind no_token only applies to token or refresh endpoints'),
]


@pytest.mark.parametrize('body, error', [case[1:] for case in INVALID], ids=[case[0] for case in INVALID])
def test_an_invalid_fault_is_refused_with(body, error):
    with pytest.raises(ValueError) as caught:
        faults.parse_fault(body)
    assert str(caught.value) == error


# -- what a fault does to an answer


def test_a_status_fault_answers_in_place_of_the_route_with_its_retry_after():
    answer = faults.replacement(faults.parse_fault({'kind': 'status', 'status': 429, 'retry_after': 7}), '/t', 'http://h:1')
    assert (answer.status, answer.headers) == (429, [('Retry-After', '7')])
    assert answer.payload == {'error': 'emulated_fault', 'message': 'Emulated HTTP 429'}
    assert faults.replacement(faults.parse_fault({'kind': 'status'}), '/t', 'http://h:1').headers == []


def test_malformed_and_html_faults_answer_200_with_their_body():
    malformed = faults.replacement(faults.parse_fault({'kind': 'malformed'}), '/t', 'http://h:1')
    assert (malformed.status, malformed.render(), malformed.content_type) == (200, faults.MALFORMED_BODY, 'application/json')
    with pytest.raises(ValueError):
        json.loads(malformed.render().decode('utf-8'))
    html = faults.replacement(faults.parse_fault({'kind': 'html'}), '/t', 'http://h:1')
    assert (html.status, html.content_type) == (200, 'text/html; charset=utf-8')
    assert html.render().startswith(b'<html>')


def test_a_redirect_points_at_the_plain_http_listener_unless_told_where():
    default = faults.replacement(faults.parse_fault({'kind': 'redirect'}), '/oauth2/access_token?x=1', 'http://127.0.0.1:9')
    assert (default.status, default.headers) == (307, [('Location', 'http://127.0.0.1:9/oauth2/access_token?x=1')])
    told = faults.replacement(faults.parse_fault({'kind': 'redirect', 'status': 301, 'location': 'https://x.invalid/'}),
                              '/t', 'http://127.0.0.1:9')
    assert (told.status, told.headers) == (301, [('Location', 'https://x.invalid/')])


def test_reshaping_faults_follow_each_vendors_token_fields():
    keepz = Response(200, {'value': {'access_token': 't', 'expires_in': 3600, 'token_type': 'Bearer'}})
    assert faults.reshape('keepz', keepz, faults.parse_fault({'kind': 'no_token'})).payload == \
        {'value': {'expires_in': 3600, 'token_type': 'Bearer'}}
    checkpoint = Response(200, {'data': {'tokenType': 'bearer', 'accessToken': 't', 'accessTokenExpire': 'x'}})
    assert faults.reshape('checkpoint', checkpoint, faults.parse_fault({'kind': 'token_type'})).payload['data']['tokenType'] == 'mac'
    forticasb = Response(200, {'token_type': 'bearer', 'expires': 1, 'access_token': 't'})
    assert faults.reshape('forticasb', forticasb, faults.parse_fault({'kind': 'expiry', 'value': 'soon'})).payload['expires'] == 'soon'


def test_truncated_sends_half_the_body_with_the_same_status_and_headers():
    answer = Response(200, {'access_token': 'abcdefgh', 'expires_in': 60}, headers=[('X-Test', '1')])
    whole = answer.render()
    cut = faults.reshape('plainid', answer, faults.parse_fault({'kind': 'truncated'}))
    assert (cut.status, cut.headers, cut.render()) == (200, [('X-Test', '1')], whole[:len(whole) // 2])


def test_the_oldest_matching_fault_is_used_up_first():
    emu = state.Emulator()
    for body in ({'kind': 'drop', 'vendor': 'keepz', 'count': 2}, {'kind': 'html'}, {'kind': 'status', 'endpoint': 'api'}):
        emu.add_fault(faults.parse_fault(body))
    assert emu.take_fault('plainid', 'token')['kind'] == 'html'  # keepz's fault does not match plainid
    assert emu.take_fault('keepz', 'token')['remaining'] == 1
    assert emu.take_fault('keepz', 'token')['remaining'] == 0
    assert emu.take_fault('keepz', 'token') is None
    assert emu.take_fault('keepz', 'refresh') is None
    assert emu.take_fault('paloalto', 'api')['kind'] == 'status'
    assert emu.stats()['faults_pending'] == 0


def test_over_http_a_405_uses_up_no_fault_and_an_error_answer_is_not_reshaped(serve, send):
    emu = state.Emulator()
    address = serve(handler, emu)
    queued = send(address, 'POST', '/_emulator/fault', json.dumps({'vendor': 'plainid', 'kind': 'status', 'status': 503}))
    assert queued.status == 200 and queued.json()['faults_pending'] == 1
    assert send(address, 'GET', '/api/1.0/api-key/token').status == 405
    assert emu.stats()['faults_pending'] == 1
    answer = send(address, 'POST', '/api/1.0/api-key/token', 'grant_type=client_credentials&client_id=x&client_secret=y',
                  {'Content-Type': 'application/x-www-form-urlencoded'})
    assert (answer.status, answer.headers['Content-Type'], answer.json()['error']) == (503, 'application/json', 'emulated_fault')
    # no_token on a refused login: the 401 passes unchanged (empty, as PlainID sends it) and the fault is used up.
    emu.add_fault(faults.parse_fault({'vendor': 'plainid', 'kind': 'no_token'}))
    refused = send(address, 'POST', '/api/1.0/api-key/token', 'grant_type=client_credentials&client_id=x&client_secret=y',
                   {'Content-Type': 'application/x-www-form-urlencoded'})
    assert (refused.status, refused.body) == (401, b'')
    assert emu.stats()['faults_pending'] == 0


def test_over_http_a_bad_fault_is_a_400_with_the_message(serve, send):
    address = serve(handler, state.Emulator())
    answer = send(address, 'POST', '/_emulator/fault', json.dumps({'kind': 'expiry'}))
    assert (answer.status, answer.json()) == (400, {'message': 'fault kind expiry needs a value'})
    assert send(address, 'POST', '/_emulator/fault', b'not json').json() == {'message': 'fault must be a JSON object'}
