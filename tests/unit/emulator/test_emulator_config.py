# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's configuration: which POST /_emulator/config bodies are accepted, which are refused with which
message, and that a refused body changes nothing."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

import pytest

from vendor_emulator import admin, handler, state
from vendor_emulator.vendors import VENDORS

MAX_SECONDS = 10 * 365 * 86400
PLAINID = {'client_id': 'c2', 'client_secret': 's2'}
PALOALTO = {'client_id': 'sa@2.iam.panserviceaccount.com', 'client_secret': 's', 'tsg_id': '2'}
FORM = {'Content-Type': 'application/x-www-form-urlencoded'}
UNKNOWN = 'no-such-vendor'  # never a vendor's name: names have no dashes

VALID = [
    ('empty', {}, {}),
    ('lifetime-bounds', {'lifetime': {'paloalto': 0, 'keepz': MAX_SECONDS}}, {}),
    ('refresh-lifetime', {'refresh_lifetime': 5}, {}),
    ('checkpoint-epoch-ms', {'checkpoint_expiry_format': 'epoch_ms'}, {}),
    ('checkpoint-epoch-s', {'checkpoint_expiry_format': 'epoch_s'}, {}),
    ('checkpoint-iso8601', {'checkpoint_expiry_format': 'iso8601'}, {}),
    ('one-credential-as-object', {'credentials': {'plainid': PLAINID}}, {'plainid': [PLAINID]}),
    ('credentials-as-list', {'credentials': {'paloalto': [PALOALTO, dict(PALOALTO, tsg_id='3')]}},
     {'paloalto': [PALOALTO, dict(PALOALTO, tsg_id='3')]}),
    ('no-credentials', {'credentials': {'keepz': []}}, {'keepz': []}),
    ('jobs', {'jobs': {'duration': 0.5, 'fail': 'child'}}, {}),
    ('rate-limit', {'rate_limit': {'requests': 10, 'window': 0.5}}, {}),
]


@pytest.mark.parametrize('body, credentials', [case[1:] for case in VALID], ids=[case[0] for case in VALID])
def test_a_valid_config_is_accepted(body, credentials):
    assert admin.parse_config(body) == credentials


def _seconds(what):
    return '%s must be an integer number of seconds between 0 and %d' % (what, MAX_SECONDS)


def _fields(vendor, fields):
    return 'each credentials.%s entry needs exactly these non-empty strings: %s' % (vendor, fields)


INVALID = [
    ('list', [1], 'config must be a JSON object'),
    ('string', 'lifetime', 'config must be a JSON object'),
    ('unknown-keys', {'zz': 1, 'nope': 2, 'lifetime': {}}, 'unknown config key(s): nope, zz'),
    ('lifetime-not-object', {'lifetime': 5}, 'lifetime must be an object of vendor: seconds'),
    ('lifetime-unknown-vendor', {'lifetime': {UNKNOWN: 1}}, 'unknown vendor in lifetime: ' + UNKNOWN),
    ('lifetime-negative', {'lifetime': {'paloalto': -1}}, _seconds('lifetime.paloalto')),
    ('lifetime-too-long', {'lifetime': {'keepz': MAX_SECONDS + 1}}, _seconds('lifetime.keepz')),
    ('lifetime-float', {'lifetime': {'plainid': 1.5}}, _seconds('lifetime.plainid')),
    ('lifetime-bool', {'lifetime': {'plainid': True}}, _seconds('lifetime.plainid')),
    ('refresh-lifetime-string', {'refresh_lifetime': '5'}, _seconds('refresh_lifetime')),
    ('checkpoint-format', {'checkpoint_expiry_format': 'rfc1123'},
     'checkpoint_expiry_format must be one of: iso8601, epoch_ms, epoch_s'),
    ('credentials-not-object', {'credentials': [PLAINID]}, 'credentials must be an object of vendor: [credential, ...]'),
    ('credentials-unknown-vendor', {'credentials': {UNKNOWN: []}}, 'unknown vendor in credentials: ' + UNKNOWN),
    ('credentials-not-list', {'credentials': {'plainid': 'c2:s2'}}, 'credentials.plainid must be a list of objects'),
    ('credential-not-object', {'credentials': {'plainid': ['c2']}}, _fields('plainid', 'client_id, client_secret')),
    ('credential-missing-field', {'credentials': {'plainid': {'client_id': 'c2'}}},
     _fields('plainid', 'client_id, client_secret')),
    ('credential-extra-field', {'credentials': {'plainid': dict(PLAINID, tsg_id='1')}},
     _fields('plainid', 'client_id, client_secret')),
    ('credential-empty-field', {'credentials': {'plainid': dict(PLAINID, client_secret='')}},
     _fields('plainid', 'client_id, client_secret')),
    ('credential-number', {'credentials': {'paloalto': dict(PALOALTO, tsg_id=2)}},
     _fields('paloalto', 'client_id, client_secret, tsg_id')),
    ('credential-second-entry', {'credentials': {'checkpoint': [{'api_key': 'k'}, {'apiKey': 'k'}]}},
     _fields('checkpoint', 'api_key')),
    ('jobs-not-object', {'jobs': 5}, 'jobs must be an object with: duration, fail'),
    ('jobs-unknown-key', {'jobs': {'speed': 1}}, 'unknown jobs key(s): speed'),
    ('jobs-duration', {'jobs': {'duration': 3601}}, 'jobs.duration must be a number of seconds between 0 and 3600'),
    ('jobs-fail', {'jobs': {'fail': 'sometimes'}}, 'jobs.fail must be one of: none, parent, child'),
    ('rate-limit-requests', {'rate_limit': {'requests': -1}},
     'rate_limit.requests must be an integer between 0 (no limit) and 100000'),
    ('rate-limit-window', {'rate_limit': {'window': 0}}, 'rate_limit.window must be a number of seconds above 0 and at most 3600'),
    # Lifetimes are checked before credentials.
    ('lifetime-before-credentials', {'credentials': {UNKNOWN: []}, 'lifetime': {UNKNOWN: 1}},
     'unknown vendor in lifetime: ' + UNKNOWN),
]


@pytest.mark.parametrize('body, error', [case[1:] for case in INVALID], ids=[case[0] for case in INVALID])
def test_an_invalid_config_is_refused_with(body, error):
    with pytest.raises(ValueError) as caught:
        admin.parse_config(body)
    assert str(caught.value) == error


# Lifetimes as the vendors document them (Prisma SASE answers 899 for its 15 minutes).
DOCUMENTED_LIFETIMES = {'checkpoint': 3600, 'forticasb': 3600, 'keepz': 3600, 'paloalto': 899, 'plainid': 86400}


def test_every_vendor_starts_with_its_own_lifetime_and_one_credential():
    config = state.Emulator().public_config()
    assert config['lifetime'] == dict((vendor, spec['lifetime']) for vendor, spec in VENDORS.items())
    assert dict((vendor, config['lifetime'][vendor]) for vendor in DOCUMENTED_LIFETIMES) == DOCUMENTED_LIFETIMES
    assert config['credential_counts'] == dict((vendor, 1) for vendor in config['lifetime'])
    assert (config['checkpoint_expiry_format'], config['refresh_lifetime']) == ('iso8601', 86400)


def _plainid_token(send, address, client_id, client_secret):
    return send(address, 'POST', '/api/1.0/api-key/token',
                'grant_type=client_credentials&client_id=%s&client_secret=%s' % (client_id, client_secret), FORM)


def test_over_http_config_merges_lifetimes_and_adds_credentials_until_reset(serve, send):
    emu = state.Emulator()
    address = serve(handler, emu)
    assert _plainid_token(send, address, 'c2', 's2').status == 401
    answer = send(address, 'POST', '/_emulator/config', json.dumps({'lifetime': {'plainid': 42}, 'credentials': {'plainid': PLAINID}}))
    assert answer.status == 200
    assert answer.json()['lifetime']['plainid'] == 42 and answer.json()['lifetime']['keepz'] == 3600
    assert answer.json()['credential_counts']['plainid'] == 2
    token = _plainid_token(send, address, 'c2', 's2')
    assert (token.status, token.json()['expires_in']) == (200, 42)
    published = emu.public_config()
    assert 'credentials' not in published  # the config answer never shows secrets
    assert send(address, 'POST', '/_emulator/reset').status == 200
    assert _plainid_token(send, address, 'c2', 's2').status == 401
    assert emu.public_config()['lifetime']['plainid'] == 86400


def test_over_http_a_refused_config_changes_nothing(serve, send):
    emu = state.Emulator()
    address = serve(handler, emu)
    before = emu.public_config()
    answer = send(address, 'POST', '/_emulator/config', json.dumps({'lifetime': {'paloalto': 5, UNKNOWN: 1}}))
    assert (answer.status, answer.json()) == (400, {'message': 'unknown vendor in lifetime: ' + UNKNOWN})
    assert emu.public_config() == before
    empty = send(address, 'POST', '/_emulator/config', b'')
    assert (empty.status, empty.json()) == (200, before)
    assert send(address, 'POST', '/_emulator/config', b'{').json() == {'message': 'config must be a JSON object'}
