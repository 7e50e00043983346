# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two windows (issue 23), against the vendor emulator served in this process over loopback HTTP: advisory
renewal that serves the cached token when the auth endpoint fails, its back-off across processes, the mandatory
window, jitter; and the vendors' login options (FortiCASB API credentials, Check Point regions).

The clock is moved forward, for the collection and the emulator alike."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time

import pytest

from ansible_collections.vendor.tokens.plugins.module_utils import _engine, _http, _recall
from ansible_collections.vendor.tokens.plugins.module_utils._cache import TokenCache
from ansible_collections.vendor.tokens.plugins.module_utils._engine import get_token
from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._options import OptionAdapter
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import find_profile
from ansible_collections.vendor.tokens.plugins.module_utils._request import build_request

FILES_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', 'integration', 'targets',
                                         'setup_emulator', 'files'))
if FILES_DIR not in sys.path:
    sys.path.insert(0, FILES_DIR)

from vendor_emulator import faults, handler, state  # noqa: E402  pylint: disable=wrong-import-position
from vendor_emulator.vendors import VENDORS  # noqa: E402  pylint: disable=wrong-import-position

LIFETIME, MIN_TTL, WINDOW = 40, 5, 30
PA = VENDORS['paloalto']['credentials'][0]


class Clock(object):
    """The time module, with time() moved forward by offset seconds."""

    def __init__(self):
        self.offset = 0.0

    def time(self):
        return time.time() + self.offset

    def __getattr__(self, name):
        return getattr(time, name)


@pytest.fixture
def emulator():
    """An Emulator on loopback plain HTTP, with Palo Alto tokens that live LIFETIME seconds."""
    emu = state.Emulator()
    emu.apply_config({'lifetime': {'paloalto': LIFETIME, 'forticasb': LIFETIME}}, {})
    listener = handler.EmulatorServer(('127.0.0.1', 0), emu)
    threading.Thread(target=listener.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True).start()
    emu.base = 'http://127.0.0.1:%d' % listener.server_address[1]
    yield emu
    listener.shutdown()
    listener.server_close()


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    for module in (_recall, _engine, _http, state, handler, faults):
        monkeypatch.setattr(module, 'time', moved)
    return moved


def options(emu, tmp_path, **changes):
    values = dict(PA, auth_url=emu.base + '/oauth2/access_token', validate_certs=False, cache_dir=str(tmp_path / 'cache'),
                  min_ttl=MIN_TTL, renew_window=WINDOW, timeout=5)
    values.update(changes)
    return values


def token(emu, tmp_path, warnings=None, **changes):
    warn = warnings.append if warnings is not None else None
    return get_token('paloalto', OptionAdapter.from_params(options(emu, tmp_path, **changes)), warn)


def auth_requests(emu, vendor='paloalto'):
    return emu.stats()['counts']['%s_token' % vendor]


def outage(emu, kind='503', seconds=600, **extra):
    for fault in faults.parse_auth_outage(dict(extra, vendor='paloalto', kind=kind, seconds=seconds)):
        emu.add_fault(fault)


def renewal_warnings(warnings):
    return [text for text in warnings if 'renew' in text]


def test_outside_the_advisory_window_the_cache_serves(emulator, tmp_path, clock):
    first = token(emulator, tmp_path)
    clock.offset = LIFETIME - WINDOW - 5  # 35 s left: before the window (30 s, and at most 3 s of jitter)
    again = token(emulator, tmp_path)
    assert again['access_token'] == first['access_token'] and again['cached'] is True
    assert auth_requests(emulator) == 1


def test_an_advisory_failure_serves_the_cached_token_and_warns_once(emulator, tmp_path, clock):
    first = token(emulator, tmp_path)
    outage(emulator, '503')
    clock.offset = LIFETIME - 20  # 20 s left: inside the advisory window, outside min_ttl
    warnings = []
    served = [token(emulator, tmp_path, warnings) for _attempt in range(5)]
    assert all(record['access_token'] == first['access_token'] and record['cached'] for record in served)
    # One attempt, without in-line retries (retries is 3 by default: a retried 503 would make four requests).
    assert auth_requests(emulator) == 2
    warnings = renewal_warnings(warnings)
    assert len(warnings) == 1, warnings
    text = warnings[0]
    assert 'paloalto' in text and 'HTTP 503' in text and 'still served' in text
    assert PA['client_secret'] not in text and first['access_token'] not in text


def test_a_refused_renewal_serves_the_cached_token_with_its_own_warning(emulator, tmp_path, clock):
    first = token(emulator, tmp_path)
    outage(emulator, '401')
    clock.offset = LIFETIME - 20
    warnings = []
    assert token(emulator, tmp_path, warnings)['access_token'] == first['access_token']
    warnings = renewal_warnings(warnings)
    assert len(warnings) == 1 and 'refused the credential' in warnings[0] and 'fix the credential' in warnings[0]
    assert 'HTTP 401' in warnings[0]


def _many(args):
    base, folder, offset, calls = args
    _recall.time.offset = _engine.time.offset = offset
    emu = type('Emulator', (), {'base': base})()
    warnings = []
    tokens = set(token(emu, folder, warnings)['access_token'] for _call in range(calls))
    return tokens, renewal_warnings(warnings)


def test_the_back_off_makes_one_attempt_per_period_across_processes(emulator, tmp_path, clock):
    first = token(emulator, tmp_path)
    outage(emulator, '503')
    start = LIFETIME - 25  # 25 s left
    with multiprocessing.get_context('fork').Pool(10) as pool:
        results = pool.map(_many, [(emulator.base, tmp_path, start, 3)] * 10)
        assert auth_requests(emulator) == 2, 'ten processes in one back-off period make one attempt'
        assert set().union(*(tokens for tokens, _warned in results)) == {first['access_token']}
        # All ten are one run (one parent): one warning among them.
        assert sum(len(warned) for _tokens, warned in results) == 1
        # The back-off of a 30 s window is 5 s plus at most a quarter: after 7 s, one more attempt for all ten.
        pool.map(_many, [(emulator.base, tmp_path, start + 7, 3)] * 10)
        assert auth_requests(emulator) == 3


def test_a_retry_after_lengthens_the_back_off(emulator, tmp_path, clock):
    first = token(emulator, tmp_path)
    outage(emulator, '429', retry_after=15)
    clock.offset = LIFETIME - 28
    warnings = []
    assert token(emulator, tmp_path, warnings)['access_token'] == first['access_token']
    assert 'HTTP 429' in renewal_warnings(warnings)[0]
    clock.offset += 8  # past the usual back-off of 5 to 6.25 s, not past the 15 s asked
    token(emulator, tmp_path)
    assert auth_requests(emulator) == 2
    clock.offset += 8
    token(emulator, tmp_path)
    assert auth_requests(emulator) == 3


def test_inside_min_ttl_a_failure_fails_the_task(emulator, tmp_path, clock):
    token(emulator, tmp_path)
    outage(emulator, '503')
    clock.offset = LIFETIME - 3  # 3 s left, less than min_ttl
    with pytest.raises(TokenError) as caught:
        token(emulator, tmp_path, retries=0)
    assert caught.value.status == 503 and 'paloalto' in str(caught.value)


def test_a_healed_endpoint_gives_one_new_token(emulator, tmp_path, clock):
    first = token(emulator, tmp_path)
    outage(emulator, 'timeout', hang=3)
    clock.offset = LIFETIME - 20
    warnings = []
    assert token(emulator, tmp_path, warnings, timeout=1)['access_token'] == first['access_token']
    warnings = renewal_warnings(warnings)
    assert len(warnings) == 1 and 'paloalto' in warnings[0] and 'no answer within 1 s' in warnings[0]
    with emulator.lock:
        emulator.faults = []
    clock.offset += 7  # the back-off is over
    renewed = [token(emulator, tmp_path) for _call in range(4)]
    assert len(set(record['access_token'] for record in renewed)) == 1
    assert renewed[0]['access_token'] != first['access_token'] and renewed[0]['cached'] is False
    assert auth_requests(emulator) == 3


def test_a_process_that_finds_the_lock_held_is_served_at_once(emulator, tmp_path, clock):
    first = token(emulator, tmp_path)
    clock.offset = LIFETIME - 20
    request = build_request(find_profile('paloalto'), options(emulator, tmp_path), lambda profile, name: name)
    cache = TokenCache(str(tmp_path / 'cache'))
    key = cache.key(request)
    with cache.lock(key) as held:
        assert held
        started = time.time()
        assert token(emulator, tmp_path)['access_token'] == first['access_token']
        assert time.time() - started < 2
    assert auth_requests(emulator) == 1


def test_a_hit_inside_the_advisory_window_goes_to_the_engine(emulator, tmp_path, clock):
    token(emulator, tmp_path)
    profile = find_profile('paloalto')
    values = OptionAdapter.from_params(options(emulator, tmp_path)).values(profile)
    assert _recall.recall(profile, values)['cached'] is True
    clock.offset = LIFETIME - 20
    assert _recall.recall(profile, values) is None


@pytest.mark.parametrize('lifetime, min_ttl, renew_window, low, high', [
    (900, 60, None, 300, 330),        # a third of 15 minutes, at most 5 minutes, then up to a tenth more
    (86400, 60, None, 300, 330),
    (40, 5, None, 13, 14.3),
    (40, 5, 30, 30, 33),
    (40, 5, 100, 30, 33),             # at most three quarters of the lifetime
    (900, 60, 0, 60, 60),             # 0 turns the advisory window off
    (900, 60, 45, 60, 60),            # as does any value up to min_ttl
    (120, 60, None, 60, 60),          # a third of 2 minutes is less than min_ttl
    (None, 60, 600, 600, 630),        # an entry from before this version: an explicit window still applies
    (None, 60, None, 60, 60),
])
def test_the_threshold_and_its_jitter_are_bounded(monkeypatch, lifetime, min_ttl, renew_window, low, high):
    entry = {'record': {}, 'lifetime': lifetime}
    seen = set()
    for pid in range(1000, 1200):
        monkeypatch.setattr(_recall.os, 'getpid', lambda: pid)
        threshold = _recall.renew_threshold(entry, min_ttl, renew_window)
        assert low <= threshold <= high
        seen.add(round(threshold, 3))
    if high > low:
        assert len(seen) > 100, 'the jitter differs from process to process'
        assert max(seen) - min(seen) > (high - low) / 2


# -- FortiCASB API credentials

FC = VENDORS['forticasb']


def test_forticasb_logs_in_with_an_api_credential_sent_as_is_and_refreshes(emulator, tmp_path, clock):
    values = {'credential': FC['api_credentials'][0] + '\n',  # as read from a vault file
              'auth_url': emulator.base + '/api/v1/auth/token', 'validate_certs': False,
              'cache_dir': str(tmp_path / 'cache'), 'min_ttl': MIN_TTL, 'renew_window': 0, 'timeout': 5}
    first = get_token('forticasb', OptionAdapter.from_params(values))
    assert first['refresh_token'] and first['claims']['sub'].startswith('api-credential-')
    assert emulator.stats()['path_counts'] == {'/api/v1/auth/credentials/token/': 1}
    clock.offset = LIFETIME - 3  # inside min_ttl: renewed with the refresh grant, at the path both ways share
    renewed = get_token('forticasb', OptionAdapter.from_params(values))
    assert renewed['access_token'] != first['access_token']
    assert emulator.stats()['path_counts'] == {'/api/v1/auth/credentials/token/': 1, '/api/v1/auth/token/refresh': 1}
    wrong = dict(values, credential='not-the-credential', force=True)
    with pytest.raises(TokenError) as caught:
        get_token('forticasb', OptionAdapter.from_params(wrong))
    assert caught.value.status == 401 and 'Invalid credential' in str(caught.value)
    assert 'not-the-credential' not in str(caught.value)


def describe(profile, name):
    return "option '%s'" % name


@pytest.mark.parametrize('values, words', [
    ({'credential': 'c-1', 'username': 'me@example.com', 'password': 'pw-1'},
     "option 'credential' and option 'username' and option 'password' are all set; Fortinet FortiCASB takes either "
     "credential, or username and password, not both"),
    ({'credential': 'c-1', 'password': 'pw-1'}, 'not both'),
    ({}, "option 'credential' is missing; Fortinet FortiCASB needs credential, or username and password"),
    ({'credential': '  ', 'username': ''}, "option 'credential' is missing"),
    ({'username': 'me@example.com'}, "option 'password' is missing"),
])
def test_forticasb_takes_one_way_to_log_in(values, words):
    with pytest.raises(TokenError) as caught:
        build_request(find_profile('forticasb'), values, describe)
    assert words in str(caught.value)
    assert 'c-1' not in str(caught.value) and 'pw-1' not in str(caught.value)


def test_forticasb_ways_have_their_own_request_cache_key_and_sealing():
    profile = find_profile('forticasb')
    by_credential = build_request(profile, {'credential': 'same-secret\n'}, describe)
    by_password = build_request(profile, {'username': 'me@example.com', 'password': 'same-secret'}, describe)
    assert by_credential.url == 'https://www.forticasb.com/api/v1/auth/credentials/token/'
    assert by_credential.fields == {'grant_type': 'client_credentials'}
    assert by_credential.refresh_url == 'https://www.forticasb.com/api/v1/auth/token/refresh'
    assert by_password.url == 'https://www.forticasb.com/api/v1/auth/token'
    assert by_password.fields == {'grant_type': 'password', 'username': 'me@example.com', 'password': 'same-secret'}
    assert by_password.refresh_url == 'https://www.forticasb.com/api/v1/auth/token/refresh' and by_password.auth is None
    assert by_credential.key_material != by_password.key_material
    assert TokenCache.key(by_credential) != TokenCache.key(by_password)
    assert by_credential.secrets == ['same-secret']

    import requests
    prepared = requests.Request('POST', by_credential.url, data=by_credential.fields, auth=by_credential.auth).prepare()
    assert prepared.headers['Authorization'] == 'Basic same-secret'  # as generated, not base64 of anything


# -- Check Point regions

@pytest.mark.parametrize('region, host', [('us', 'api.perimeter81.com'), ('EU', 'api.eu.sase.checkpoint.com'),
                                          ('AU', 'api.au.sase.checkpoint.com'), (' in ', 'api.in.sase.checkpoint.com'),
                                          ('Au', 'api.au.sase.checkpoint.com')])
def test_checkpoint_regions_in_any_case(region, host):
    request = build_request(find_profile('checkpoint'), {'api_key': 'cp-key', 'region': region}, describe)
    assert request.url == 'https://%s/api/v1/auth/authorize' % host
    assert request.api_url == 'https://%s/api/rest' % host
    assert request.options['region'] == region.strip().lower()


def test_an_unknown_checkpoint_region_lists_the_four():
    with pytest.raises(TokenError) as caught:
        build_request(find_profile('checkpoint'), {'api_key': 'cp-key', 'region': 'apac'}, describe)
    assert "option 'region' is 'apac'; it must be one of: us, eu, au, in" in str(caught.value)
    assert caught.value.option == 'region'


def test_checkpoint_au_against_the_emulator(emulator, tmp_path):
    values = {'api_key': VENDORS['checkpoint']['credentials'][0]['api_key'], 'region': 'AU',
              'auth_url': emulator.base + '/api/v1/auth/authorize', 'validate_certs': False,
              'cache_dir': str(tmp_path / 'cache')}
    record = get_token('checkpoint', OptionAdapter.from_params(values))
    assert record['api_url'] == 'https://api.au.sase.checkpoint.com/api/rest'


# -- two controllers sharing Redis

@pytest.fixture
def redis_url(tmp_path):
    """A redis-server on loopback, in its own folder; stopped by its pid."""
    import shutil
    import socket
    import subprocess
    binary = shutil.which('redis-server')
    if not binary:
        pytest.fail('redis-server is not installed; `make redis-server` installs it (Debian package redis-server)')
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([binary, '--port', str(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
                                '--dir', str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis
    client = redis.Redis(host='127.0.0.1', port=port)
    for _attempt in range(100):
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    yield 'redis://127.0.0.1:%d/0' % port
    process.terminate()
    process.wait(10)


def test_two_controllers_share_the_back_off_and_the_lock_through_redis(emulator, tmp_path, clock, redis_url):
    one, two = tmp_path / 'one', tmp_path / 'two'
    first = token(emulator, one, cache_url=redis_url)
    assert token(emulator, two, cache_url=redis_url)['access_token'] == first['access_token']
    assert auth_requests(emulator) == 1
    outage(emulator, '503')
    clock.offset = LIFETIME - 20
    warned_one, warned_two = [], []
    assert token(emulator, one, warned_one, cache_url=redis_url)['access_token'] == first['access_token']
    assert auth_requests(emulator) == 2 and len(renewal_warnings(warned_one)) == 1
    # The other controller reads the failure and its back-off from Redis: no attempt of its own, and it warns too
    # (one warning per run; here each controller is a run of its own folder).
    assert token(emulator, two, warned_two, cache_url=redis_url)['access_token'] == first['access_token']
    assert auth_requests(emulator) == 2 and len(renewal_warnings(warned_two)) == 1
    # After the back-off, while a third controller holds the Redis lock, the second is served at once.
    clock.offset += 7
    import redis
    request = build_request(find_profile('paloalto'), options(emulator, two, cache_url=redis_url), lambda p, n: n)
    held = redis.Redis.from_url(redis_url).lock('vendor.tokens:%s:lock' % TokenCache.key(request), timeout=30)
    assert held.acquire(blocking=False)
    started = time.time()
    assert token(emulator, two, cache_url=redis_url)['access_token'] == first['access_token']
    assert time.time() - started < 2 and auth_requests(emulator) == 2
    held.release()
    with emulator.lock:
        emulator.faults = []
    renewed = token(emulator, two, cache_url=redis_url)
    assert renewed['access_token'] != first['access_token'] and auth_requests(emulator) == 3
    assert token(emulator, one, cache_url=redis_url)['access_token'] == renewed['access_token']
    assert auth_requests(emulator) == 3
