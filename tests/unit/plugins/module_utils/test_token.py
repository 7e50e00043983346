# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import base64
import json
import os
import sys

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import PROFILES, find_profile
from ansible_collections.vendor.tokens.plugins.module_utils._token import (
    MAX_LIFETIME, decode_jwt_claims, isoformat, parse_expiry, record_from_answer, vendor_error_text)

FILES_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', 'integration', 'targets',
                                         'setup_emulator', 'files'))
if FILES_DIR not in sys.path:
    sys.path.insert(0, FILES_DIR)

from vendor_emulator.vendors import VENDORS as EMULATED  # noqa: E402  pylint: disable=wrong-import-position

NOW = 1795453200.0  # 2026-11-23T17:00:00Z
EXPECTED = NOW + 3600


def jwt(claims):
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip('=')
    return '%s.%s.%s' % (part({'alg': 'HS256', 'typ': 'JWT'}), part(claims), 'c2lnbmF0dXJl')


@pytest.mark.parametrize('raw', [
    EXPECTED, int(EXPECTED), '%d' % EXPECTED,                        # epoch seconds
    EXPECTED * 1000, '%d' % (EXPECTED * 1000), 1.7954568E12,         # epoch milliseconds, also scientific
    '2026-11-23T18:00:00Z', '2026-11-23T18:00:00.000Z', '2026-11-23T18:00:00+00:00',
    '2026-11-23T19:00:00+01:00', '2026-11-23T12:30:00-05:30', '2026-11-23 18:00:00Z', '2026-11-23T18:00:00',
])
def test_absolute_expiry_formats_agree(raw):
    assert parse_expiry(raw, 'absolute', NOW) == pytest.approx(EXPECTED, abs=0.001)


def test_forticasb_scientific_notation_is_epoch_milliseconds():
    assert parse_expiry(1.585002117836E12, 'absolute', NOW) == pytest.approx(1585002117.836)
    assert isoformat(parse_expiry('1.585002117836E12', 'absolute', NOW)) == '2020-03-23T22:21:57Z'


@pytest.mark.parametrize('raw, seconds', [(899, 899), ('3600', 3600), (86400.0, 86400), (0.5, 0.5)])
def test_relative_expiry(raw, seconds):
    assert parse_expiry(raw, 'relative', NOW) == NOW + seconds


@pytest.mark.parametrize('raw, kind', [
    (True, 'relative'), (None, 'relative'), ('soon', 'relative'), ([], 'relative'), (float('nan'), 'relative'),
    (float('inf'), 'absolute'), ('2026-13-45T99:00:00Z', 'absolute'), ('tomorrow', 'absolute'), ({}, 'absolute'),
])
def test_bad_expiry_is_a_value_error(raw, kind):
    with pytest.raises(ValueError):
        parse_expiry(raw, kind, NOW)


def test_jwt_claims_decoded_without_verification():
    assert decode_jwt_claims(jwt({'sub': 'sa', 'exp': 5})) == {'sub': 'sa', 'exp': 5}
    assert decode_jwt_claims('opaque-token') is None
    assert decode_jwt_claims('a.!!!.c') is None
    assert decode_jwt_claims('a.%s.c' % base64.urlsafe_b64encode(b'[1]').decode()) is None


def _put(body, path, value):
    for key in path[:-1]:
        body = body.setdefault(key, {})
    body[path[-1]] = value


def emulated_answer(profile_name, token, expiry, token_type):
    """An answer shaped as the vendor's emulator entry serves it (its fields), with a scope and a refresh token where
    the row reads them."""
    body = {}
    fields = EMULATED[profile_name]['fields']
    for field, value in (('access_token', token), ('token_type', token_type), ('expiry', expiry)):
        _put(body, fields[field], value)
    profile = find_profile(profile_name)
    for path, value in ((profile.scope_path, 'scope:1'), (profile.refresh_path, 'r1')):
        if path:
            _put(body, path.split('.'), value)
    return body


def answer(profile_name, token='tok', expiry=None, token_type='Bearer'):
    """The answer as the vendor documents it; a vendor not listed answers as its emulator entry does."""
    bodies = {
        'paloalto': {'access_token': token, 'scope': 'tsg_id:1', 'token_type': token_type, 'expires_in': expiry},
        'checkpoint': {'data': {'tokenType': token_type, 'accessToken': token, 'accessTokenExpire': expiry}},
        'forticasb': {'token_type': token_type, 'expires': expiry, 'access_token': token, 'refresh_token': 'r1'},
        'plainid': {'access_token': token, 'token_type': token_type, 'expires_in': expiry},
        'keepz': {'value': {'access_token': token, 'expires_in': expiry, 'token_type': token_type}},
    }
    if profile_name in bodies:
        return json.dumps(bodies[profile_name])
    return json.dumps(emulated_answer(profile_name, token, expiry, token_type))


# A lifetime of 899 seconds as each vendor sends it: by its row's expiry kind, unless its format is its own.
LIFETIME_BY_KIND = {'relative': 899, 'absolute': NOW + 899}
LIFETIME_EXPIRY = {'checkpoint': isoformat(NOW + 899), 'forticasb': (NOW + 899) * 1000}


def lifetime_expiry(profile):
    return LIFETIME_EXPIRY.get(profile.name, LIFETIME_BY_KIND[profile.expiry_kind])


@pytest.mark.parametrize('profile', PROFILES, ids=lambda p: p.name)
def test_every_profile_reads_its_answer(profile):
    record = record_from_answer(profile, answer(profile.name, expiry=lifetime_expiry(profile)), NOW,
                                'https://auth.test/token', 'https://api.test')
    assert record['access_token'] == 'tok'
    assert record['token_type'] == 'Bearer'
    assert record['expires_in'] == 899
    assert record['expires_at'] == isoformat(NOW + 899)
    assert record['headers'] == {'Authorization': 'Bearer tok'}
    assert record['api_url'] == 'https://api.test'
    assert record['vendor'] == profile.name
    assert ('refresh_token' in record) == (profile.refresh_path is not None)
    assert ('scope' in record) == (profile.scope_path is not None)


def test_earlier_jwt_exp_wins():
    token = jwt({'exp': NOW + 100})
    record = record_from_answer(find_profile('paloalto'), answer('paloalto', token=token, expiry=899), NOW, 'u', 'a')
    assert record['expires_in'] == 100
    assert record['claims']['exp'] == NOW + 100


@pytest.mark.parametrize('body, words', [
    ('{"access_token": "abc",,}', 'not valid JSON'),
    ('<html><body>oops</body></html>', 'HTML page'),
    ('', 'empty'),
    ('[1, 2]', 'not an object'),
    ('{"token_type": "Bearer", "expires_in": 899}', "no access token at 'access_token'"),
    (answer('paloalto', token_type='mac', expiry=899), 'only bearer tokens'),
    (answer('paloalto', expiry=0), 'already expired'),
    (answer('paloalto', expiry=-5), 'already expired'),
    (answer('paloalto', expiry=MAX_LIFETIME + 10), 'days away'),
    (answer('paloalto', expiry=None), "no expiry at 'expires_in'"),
    (answer('paloalto', expiry='soon'), 'not a number'),
])
def test_bad_answers_name_what_was_wrong(body, words):
    with pytest.raises(TokenError) as caught:
        record_from_answer(find_profile('paloalto'), body, NOW, 'https://auth.test/token', 'https://api.test')
    assert words in str(caught.value)
    assert 'paloalto' in str(caught.value) and 'https://auth.test/token' in str(caught.value)


@pytest.mark.parametrize('vendor, body, text', [
    ('paloalto', '{"error":"invalid_client","error_description":"Client authentication failed"}',
     'invalid_client: Client authentication failed'),
    ('checkpoint', '{"message":"Invalid API key","statusCode":401}', 'Invalid API key'),
    ('keepz', '{"message":"Incorrect credentials","statusCode":5021}', 'Incorrect credentials: Keepz code 5021'),
    ('keepz', '{"message":"Client not found","statusCode":5003}', 'Client not found: Keepz code 5003'),
    ('plainid', '', None),
    ('forticasb', '<html>', None),
    ('forticasb', '"just a string"', None),
])
def test_vendor_error_text(vendor, body, text):
    assert vendor_error_text(find_profile(vendor), body) == text


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)


def _shaped(profile_name):
    """Answers shaped like the vendor's, with any JSON in every field."""
    fields = dict(token=st.one_of(st.text(max_size=30), JSON_VALUES), expiry=JSON_VALUES,
                  token_type=st.one_of(st.sampled_from(['Bearer', 'bearer', 'mac']), JSON_VALUES))
    return st.builds(lambda **kw: answer(profile_name, **kw), **fields)


@settings(max_examples=300, deadline=None)
@given(profile=st.sampled_from(PROFILES), data=st.data())
def test_any_answer_gives_a_record_or_a_token_error(profile, data):
    body = data.draw(st.one_of(_shaped(profile.name), st.text(max_size=60), JSON_VALUES.map(json.dumps)))
    try:
        record = record_from_answer(profile, body, NOW, 'https://auth.test/token', 'https://api.test')
    except TokenError as exc:
        assert str(exc)
        return
    assert record['access_token'] and record['token_type'] == 'Bearer'
    assert NOW < record['expires_at_epoch'] + 1 and record['expires_in'] <= MAX_LIFETIME


@settings(max_examples=300, deadline=None)
@given(raw=JSON_VALUES | st.text(max_size=40), kind=st.sampled_from(['relative', 'absolute']))
def test_parse_expiry_raises_only_value_error(raw, kind):
    try:
        result = parse_expiry(raw, kind, NOW)
    except ValueError:
        return
    assert isinstance(result, float)
