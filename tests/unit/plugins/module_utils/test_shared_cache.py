# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token cache shared through a real Redis server (cache_url): controllers share tokens and wait on one lock,
Redis holds nothing readable, and Redis failing is a warning and the file cache, never a failed task."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from urllib.parse import quote

import pytest
import redis

from ansible_collections.vendor.tokens.plugins.module_utils import _engine, _shared_cache
from ansible_collections.vendor.tokens.plugins.module_utils._cache import TokenCache
from ansible_collections.vendor.tokens.plugins.module_utils._engine import get_token
from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._options import OptionAdapter
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import find_profile
from ansible_collections.vendor.tokens.plugins.module_utils._request import build_request

# Non-ASCII and URL-special characters, as a generated password may hold; the URL carries it percent-encoded.
PASSWORD = u'r\u00e9dis-p@ss:/#?%-7c2e'
SECRET = 'shared-cache-secret-91d4'
TOKEN = 'eyJ-shared-cache-token-5b0c'
CLIENT_ID = 'sa-shared@1838006364.iam.panserviceaccount.com'
TSG_ID = '1838006364'


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


# The servers' folders (and so their working folders) lie in the collection's tests/output, so that `make test`
# can tell its own leftover servers from anyone else's.
SCRATCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'output', '.tmp')


def _die_with_parent():
    """In the child before exec: be killed when the process that started it ends, however it ends.

    ansible-test runs each test in a fork that leaves with os._exit, skipping fixture teardown, and Ctrl-C can stop
    pytest anywhere; Linux's parent-death signal stops the server then too."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the fixture's finalizer still stops it


class RedisServer(object):
    """A redis-server on loopback with a password, in its own folder and session; stopped by its pid."""

    def __init__(self, *extra):
        binary = shutil.which('redis-server')
        if not binary:
            pytest.fail('redis-server is not installed; `make redis-server` installs it (Debian package redis-server)')
        os.makedirs(SCRATCH, exist_ok=True)
        folder = self.folder = tempfile.mkdtemp(prefix='redis-', dir=SCRATCH)
        self.port = free_port()
        self.process = subprocess.Popen(
            [binary, '--port', str(self.port), '--bind', '127.0.0.1', '--requirepass', PASSWORD, '--save', '',
             '--appendonly', 'no', '--dir', str(folder)] + list(extra),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_die_with_parent)  # pylint: disable=subprocess-popen-preexec-fn
        self.client = redis.Redis(host='127.0.0.1', port=self.port, password=PASSWORD)
        deadline = time.time() + 10
        while True:
            try:
                self.client.ping()
                break
            except redis.RedisError:
                if time.time() > deadline or self.process.poll() is not None:
                    self.stop()
                    pytest.fail('redis-server did not start on port %d' % self.port)
                time.sleep(0.05)

    def url(self, password=PASSWORD, db=0):
        return 'redis://:%s@127.0.0.1:%d/%d' % (quote(password, safe=''), self.port, db)

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def server():
    """One server per test: ansible-test forks each test and never tears a module's fixtures down in the fork."""
    running = RedisServer()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(autouse=True)
def empty_redis(server):
    server.client.flushall()


class CountingFetch(object):
    """Stands in for the HTTP request: counts calls in a file (so forks count too) and issues numbered tokens."""

    def __init__(self, counter, lifetime=900, delay=0.0):
        self.counter, self.lifetime, self.delay = counter, lifetime, delay

    def calls(self):
        return len(open(self.counter).read()) if os.path.exists(self.counter) else 0

    def __call__(self, request, warn, refresh_token=None):
        with open(self.counter, 'a') as handle:
            handle.write('x')
        time.sleep(self.delay)
        now = time.time()
        return {'vendor': 'paloalto', 'access_token': '%s-%d' % (TOKEN, self.calls()), 'token_type': 'Bearer',
                'expires_at_epoch': int(now + self.lifetime), 'expires_at': 'x', 'obtained_at': 'x',
                'api_url': request.api_url, 'claims': None, 'cached': False, 'expires_in': self.lifetime,
                'headers': {}}


@pytest.fixture
def fetch(tmp_path, monkeypatch):
    fake = CountingFetch(str(tmp_path / 'requests'))
    monkeypatch.setattr(_engine, 'fetch', fake)
    return fake


def options(cache_dir, cache_url, **changes):
    result = {'client_id': CLIENT_ID, 'client_secret': SECRET, 'tsg_id': TSG_ID, 'cache_dir': str(cache_dir),
              'cache_url': cache_url}
    result.update(changes)
    return result


def token(opts, warnings=None):
    adapter = OptionAdapter.from_params(opts)
    return get_token('paloalto', adapter, warn=(warnings.append if warnings is not None else None))


def test_a_second_controller_is_served_from_redis_then_from_its_own_files(tmp_path, server, fetch, monkeypatch):
    first = token(options(tmp_path / 'controller-a', server.url()))
    second = token(options(tmp_path / 'controller-b', server.url()))
    assert fetch.calls() == 1
    assert second['cached'] is True and second['access_token'] == first['access_token']
    # Its file cache now holds the entry: the next task is a hit that never reads Redis.
    monkeypatch.setattr(_shared_cache.SharedTokenCache, 'read', lambda *args: pytest.fail('Redis was read on a hit'))
    assert token(options(tmp_path / 'controller-b', server.url()))['cached'] is True


def test_a_token_only_the_file_cache_holds_is_shared(tmp_path, server, fetch):
    token(options(tmp_path / 'a', None))  # before cache_url was set
    assert token(options(tmp_path / 'a', server.url()))['cached'] is True
    assert token(options(tmp_path / 'b', server.url()))['cached'] is True
    assert fetch.calls() == 1


def test_redis_holds_sealed_entries_that_expire_with_their_token(tmp_path, server, fetch):
    record = token(options(tmp_path / 'a', server.url()))
    keys = server.client.keys('*')
    assert len(keys) == 1 and keys[0].startswith(b'vendor.tokens:')
    stored = server.client.get(keys[0])
    for revealing in (TOKEN, SECRET, CLIENT_ID, TSG_ID, record['access_token']):
        assert revealing.encode() not in stored and revealing.encode() not in keys[0]
    assert 895 <= server.client.ttl(keys[0]) <= 900


def test_ten_controllers_at_once_make_one_request(tmp_path, server):
    counter = str(tmp_path / 'requests')
    with multiprocessing.get_context('fork').Pool(10) as pool:
        tokens = pool.map(_contend, [(str(tmp_path / ('controller-%d' % index)), server.url(), counter)
                                     for index in range(10)])
    assert len(open(counter).read()) == 1
    assert len(set(tokens)) == 1


def _contend(args):
    folder, url, counter = args
    _engine.fetch = CountingFetch(counter, delay=0.3)  # each process has a folder of its own: only Redis joins them
    return token(options(folder, url))['access_token']


def test_a_lock_left_by_a_dead_controller_expires(tmp_path, server, fetch):
    key = TokenCache.key(build_request(find_profile('paloalto'), options(tmp_path, server.url()), lambda p, n: n))
    server.client.set('vendor.tokens:%s:lock' % key, 'dead-owner', px=1500)
    started = time.time()
    record = token(options(tmp_path / 'a', server.url(), timeout=1))
    waited = time.time() - started
    assert record['cached'] is False and fetch.calls() == 1
    assert 1.0 <= waited < 3.5


def test_a_wrong_password_warns_once_per_run_without_it_and_uses_the_file_cache(tmp_path, server, fetch):
    wrong = u'wr\u00f6ng:p@ss/#?'
    warnings = []
    first = token(options(tmp_path / 'a', server.url(password=wrong)), warnings)
    started = time.time()
    second = token(options(tmp_path / 'a', server.url(password=wrong), force=True), warnings)
    assert time.time() - started < 0.5  # the run's marker: Redis is not asked again
    assert first['cached'] is False and second['cached'] is False and fetch.calls() == 2
    assert len(warnings) == 1
    assert 'redis://127.0.0.1:%d/0' % server.port in warnings[0] and 'file cache' in warnings[0]
    for leaked in (wrong, quote(wrong, safe=''), PASSWORD, quote(PASSWORD, safe='')):
        assert all(leaked not in text for text in warnings)
    assert token(options(tmp_path / 'a', server.url(password=wrong)))['cached'] is True  # the file cache serves


def test_an_unreachable_redis_costs_one_short_attempt(tmp_path, fetch):
    warnings = []
    url = 'redis://:%s@127.0.0.1:%d/0' % (quote(PASSWORD, safe=''), free_port())
    started = time.time()
    for task in range(5):
        token(options(tmp_path / 'a', url, force=True, timeout=30 + task), warnings)
    assert time.time() - started < 1.5
    assert fetch.calls() == 5 and len(warnings) == 1
    assert 'not used' in warnings[0] and PASSWORD not in warnings[0]


@pytest.fixture
def silent_redis():
    """The URL of a server that accepts connections (the kernel does) and never answers."""
    with socket.socket() as silent:
        silent.bind(('127.0.0.1', 0))
        silent.listen(8)
        yield 'redis://:%s@127.0.0.1:%d/0' % (quote(PASSWORD, safe=''), silent.getsockname()[1])


def test_a_redis_that_never_answers_costs_one_timeout_per_run(tmp_path, fetch, silent_redis):
    warnings = []
    started = time.time()
    for task in range(5):
        token(options(tmp_path / 'a', silent_redis, force=True, timeout=30 + task), warnings)
    elapsed = time.time() - started
    assert fetch.calls() == 5 and len(warnings) == 1 and 'Timeout' in warnings[0]
    assert _shared_cache.REPLY_TIMEOUT <= elapsed < _shared_cache.REPLY_TIMEOUT + 1.0


def test_a_redis_killed_mid_run_falls_back_to_the_file_cache(tmp_path, fetch):
    dying = RedisServer()
    try:
        warnings = []
        first = token(options(tmp_path / 'a', dying.url()), warnings)
        dying.stop()
        renewed = token(options(tmp_path / 'a', dying.url(), force=True), warnings)
        served = token(options(tmp_path / 'a', dying.url()), warnings)
    finally:
        dying.stop()
    assert first['cached'] is False and renewed['cached'] is False and served['cached'] is True
    assert served['access_token'] == renewed['access_token'] and fetch.calls() == 2
    assert len(warnings) == 1 and 'Connection' in warnings[0]


def test_a_read_only_replica_warns_and_the_token_is_still_returned(tmp_path, server, fetch):
    replica = RedisServer('--replicaof', '127.0.0.1', str(server.port), '--masterauth', PASSWORD)
    try:
        warnings = []
        record = token(options(tmp_path / 'a', replica.url()), warnings)
    finally:
        replica.stop()
    assert record['cached'] is False and fetch.calls() == 1
    assert len(warnings) == 1 and 'ReadOnlyError' in warnings[0]


def test_an_evicted_entry_is_a_miss_served_by_the_file_cache(tmp_path, server, fetch):
    token(options(tmp_path / 'a', server.url()))
    server.client.flushall()
    assert token(options(tmp_path / 'a', server.url(), force=False, min_ttl=61))['cached'] is True
    assert fetch.calls() == 1


def test_a_refused_login_is_shared_across_controllers(tmp_path, server, monkeypatch):
    calls = []

    def refused(request, warn, refresh_token=None):
        calls.append(1)
        raise TokenError('invalid_client', vendor='paloalto', url=request.url, status=401)
    monkeypatch.setattr(_engine, 'fetch', refused)
    for controller in ('a', 'b'):
        with pytest.raises(TokenError, match='remembered' if controller == 'b' else 'invalid_client'):
            token(options(tmp_path / controller, server.url()))
    assert len(calls) == 1
    assert 55 <= max(server.client.ttl(key) for key in server.client.keys('*')) <= 60


def test_without_the_redis_package_one_message_names_it(tmp_path, server, fetch, monkeypatch):
    monkeypatch.setitem(sys.modules, 'redis', None)
    warnings = []
    assert token(options(tmp_path / 'a', server.url()), warnings)['cached'] is False
    assert len(warnings) == 1 and 'Python package redis is not installed' in warnings[0]


@pytest.mark.parametrize('url, problem', [
    ('http://127.0.0.1:6379/0', "has the scheme 'http'"),
    ('redis://:pw-9f1e@:6379/0', 'names no host'),
    ('redis://:pw-9f1e@127.0.0.1:6379/zero', 'has a database that is not a number'),
    ('redis://:pw-9f1e@127.0.0.1:port/0', 'malformed'),
    ('unix://', 'names no socket path'),
    ('127.0.0.1:6379', 'has no scheme'),
    # A password that was not percent-encoded spills into the host, port or path: no part of it is quoted.
    ('redis://:pw/9f1e@127.0.0.1:6379/0', 'percent-encode'),
    ('redis://:pw#9f1e@127.0.0.1:6379/0', 'percent-encode'),
    ('redis://:a@b/pw-9f1e@127.0.0.1:6379/0', 'percent-encode'),
])
def test_a_bad_cache_url_is_refused_without_quoting_it(tmp_path, fetch, url, problem):
    with pytest.raises(TokenError) as caught:
        token(options(tmp_path / 'a', url))
    assert problem in str(caught.value) and "option 'cache_url'" in str(caught.value)
    assert '9f1e' not in str(caught.value) and fetch.calls() == 0


def test_the_lookup_names_where_a_shared_setting_is_set():
    describe = OptionAdapter.from_params({}).describe
    text = describe(find_profile('paloalto'), 'cache_url')
    assert 'environment variable VENDOR_TOKENS_CACHE_URL' in text and 'variable vendor_tokens_cache_url' in text
    assert 'paloalto_cache_url' not in text


def test_a_hung_redis_costs_one_timeout_per_run_even_without_a_file_cache(tmp_path, fetch, monkeypatch, silent_redis):
    monkeypatch.setattr(_shared_cache.tempfile, 'gettempdir', lambda: str(tmp_path))
    cache_dir = tmp_path / 'open'
    cache_dir.mkdir(mode=0o777)
    os.chmod(str(cache_dir), 0o777)  # refused by the file cache: the run's marker goes to a private folder
    warnings = []
    started = time.time()
    for task in range(4):
        token(options(cache_dir, silent_redis, timeout=30 + task), warnings)
    elapsed = time.time() - started
    assert elapsed < _shared_cache.REPLY_TIMEOUT + 1.0
    redis_warnings = [text for text in warnings if 'shared token cache' in text]
    assert len(redis_warnings) == 1 and 'the file cache is off too' in redis_warnings[0]


def test_a_missing_ca_file_is_named(tmp_path, server, fetch):
    url = server.url().replace('redis://', 'rediss://')
    with pytest.raises(TokenError, match='cache_ca_path .*ca.pem is not a file'):
        token(options(tmp_path / 'a', url, cache_ca_path=str(tmp_path / 'ca.pem')))


def test_a_ca_path_needs_a_tls_url(tmp_path, server, fetch):
    with pytest.raises(TokenError, match='is not rediss://'):
        token(options(tmp_path / 'a', server.url(), cache_ca_path=str(tmp_path / 'ca.pem')))
    with pytest.raises(TokenError, match="'cache_ca_path' is set without 'cache_url'"):
        token(options(tmp_path / 'a', None, cache_ca_path=str(tmp_path / 'ca.pem')))
