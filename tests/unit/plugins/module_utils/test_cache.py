# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import multiprocessing
import os
import pwd
import stat
import time

import pytest

from ansible_collections.vendor.tokens.plugins.module_utils import _engine
from ansible_collections.vendor.tokens.plugins.module_utils._cache import STALE_AFTER, TokenCache, written_here
from ansible_collections.vendor.tokens.plugins.module_utils._engine import get_token
from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._options import OptionAdapter
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import find_profile
from ansible_collections.vendor.tokens.plugins.module_utils._sealed import default_cache_dir
from ansible_collections.vendor.tokens.plugins.module_utils._request import build_request

SECRET = 'cache-test-secret-6c1e'
TOKEN = 'eyJ-cache-test-token-4f9a'


def values(tmp_path, **changes):
    result = {'client_id': 'sa@1.iam', 'client_secret': SECRET, 'tsg_id': '1838006364',
              'cache_dir': str(tmp_path / 'cache')}
    result.update(changes)
    return result


def adapter(opts):
    return OptionAdapter.from_params(opts)


def request_for(tmp_path, **changes):
    return build_request(find_profile('paloalto'), values(tmp_path, **changes), lambda p, n: n)


class FakeFetch(object):
    """Stands in for the HTTP request: counts calls and returns records with a chosen lifetime."""

    def __init__(self, lifetime=900):
        self.calls = []
        self.lifetime = lifetime

    def __call__(self, request, warn, refresh_token=None):
        self.calls.append(refresh_token)
        now = time.time()
        record = {'vendor': 'paloalto', 'access_token': '%s-%d' % (TOKEN, len(self.calls)), 'token_type': 'Bearer',
                  'expires_at_epoch': int(now + self.lifetime), 'expires_at': 'x', 'obtained_at': 'x',
                  'api_url': request.api_url, 'claims': None, 'cached': False, 'expires_in': self.lifetime,
                  'headers': {}}
        if len(self.calls) == 1:
            record['refresh_token'] = 'refresh-%s' % SECRET[-4:]
        return record


@pytest.fixture
def fake_fetch(monkeypatch):
    fake = FakeFetch()
    monkeypatch.setattr(_engine, 'fetch', fake)
    return fake


def test_second_call_is_served_from_the_cache(tmp_path, fake_fetch):
    first = get_token('paloalto', adapter(values(tmp_path)))
    second = get_token('paloalto', adapter(values(tmp_path)))
    assert len(fake_fetch.calls) == 1
    assert first['cached'] is False and second['cached'] is True
    assert second['access_token'] == first['access_token']
    assert second['headers'] == {'Authorization': 'Bearer %s' % first['access_token']}


def test_force_and_no_cache_fetch_again(tmp_path, fake_fetch):
    get_token('paloalto', adapter(values(tmp_path)))
    forced = get_token('paloalto', adapter(values(tmp_path, force=True)))
    assert forced['cached'] is False and len(fake_fetch.calls) == 2
    get_token('paloalto', adapter(values(tmp_path, cache=False)))
    assert len(fake_fetch.calls) == 3
    assert get_token('paloalto', adapter(values(tmp_path)))['access_token'] == forced['access_token']


def test_a_refused_token_is_renewed_once_for_everyone_who_meets_it(tmp_path, fake_fetch):
    stale = get_token('paloalto', adapter(values(tmp_path)))['access_token']
    renewed = get_token('paloalto', adapter(values(tmp_path, refused_token=stale)))
    assert renewed['cached'] is False and renewed['access_token'] != stale and len(fake_fetch.calls) == 2
    # Another host or include that met the same refusal gets the renewed token, without asking.
    again = get_token('paloalto', adapter(values(tmp_path, refused_token=stale)))
    assert again['cached'] is True and again['access_token'] == renewed['access_token'] and len(fake_fetch.calls) == 2
    # And a plain call is served the renewed token too.
    assert get_token('paloalto', adapter(values(tmp_path)))['access_token'] == renewed['access_token']
    assert len(fake_fetch.calls) == 2


def test_token_within_min_ttl_is_renewed(tmp_path, fake_fetch):
    fake_fetch.lifetime = 50
    get_token('paloalto', adapter(values(tmp_path)))
    get_token('paloalto', adapter(values(tmp_path)))              # 50 s left < min_ttl 60: renewed
    assert len(fake_fetch.calls) == 2
    get_token('paloalto', adapter(values(tmp_path, min_ttl=30)))  # 50 s left >= 30: cached
    assert len(fake_fetch.calls) == 2


def test_token_shorter_than_min_ttl_is_returned_with_a_warning(tmp_path, fake_fetch):
    fake_fetch.lifetime = 50
    warnings = []
    record = get_token('paloalto', adapter(values(tmp_path, min_ttl=120)), warn=warnings.append)
    assert record['access_token'].startswith(TOKEN)
    assert len(warnings) == 1 and 'lives 50 s, less than min_ttl 120 s' in warnings[0]
    assert SECRET not in warnings[0] and TOKEN not in warnings[0]
    get_token('paloalto', adapter(values(tmp_path, min_ttl=30)), warn=warnings.append)
    assert len(warnings) == 1 and len(fake_fetch.calls) == 1


def test_cached_refresh_token_is_offered_on_renewal(tmp_path, fake_fetch):
    get_token('paloalto', adapter(values(tmp_path)))
    get_token('paloalto', adapter(values(tmp_path, force=True)))
    assert fake_fetch.calls == [None, 'refresh-%s' % SECRET[-4:]]


def test_keys_separate_identity_scope_url_and_secret(tmp_path):
    base = TokenCache.key(request_for(tmp_path))
    assert base == TokenCache.key(request_for(tmp_path, client_auth='body'))
    for changes in ({'client_id': 'other'}, {'tsg_id': '42'}, {'auth_url': 'https://other.test/t'},
                    {'client_secret': 'another-secret'}):
        assert TokenCache.key(request_for(tmp_path, **changes)) != base
    assert TokenCache.key(build_request(find_profile('checkpoint'), {'api_key': 'a'}, lambda p, n: n)) != \
        TokenCache.key(build_request(find_profile('checkpoint'), {'api_key': 'b'}, lambda p, n: n))


def test_file_holds_neither_token_nor_secret_and_has_private_modes(tmp_path, fake_fetch):
    get_token('paloalto', adapter(values(tmp_path)))
    folder = tmp_path / 'cache'
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    files = [path for path in folder.iterdir() if path.suffix == '.token']
    assert len(files) == 1
    assert sorted(path.suffix for path in folder.iterdir()) == ['.alias', '.lock', '.token']
    for path in folder.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        raw = path.read_bytes()
        for needle in (TOKEN, SECRET, 'refresh-', 'sa@1.iam', '1838006364'):
            assert needle.encode() not in raw


def test_repeated_options_take_the_shortcut_without_validating_again(tmp_path, fake_fetch, monkeypatch):
    first = get_token('paloalto', adapter(values(tmp_path)))

    def no_validation(*args, **kwargs):
        raise AssertionError('the shortcut should have answered')
    monkeypatch.setattr(_engine, 'build_request', no_validation)
    again = get_token('paloalto', adapter(values(tmp_path)))
    assert again['cached'] is True and again['access_token'] == first['access_token']
    assert again['api_url'] == first['api_url'] and again['headers']['Authorization'].endswith(first['access_token'])
    assert len(fake_fetch.calls) == 1


def test_other_options_validate_again_but_share_the_entry(tmp_path, fake_fetch):
    first = get_token('paloalto', adapter(values(tmp_path)))
    other = get_token('paloalto', adapter(values(tmp_path, timeout=5)))
    assert other['cached'] is True and other['access_token'] == first['access_token'] and len(fake_fetch.calls) == 1
    with pytest.raises(TokenError) as caught:  # same credential, bad option: refused although a token is cached
        get_token('paloalto', adapter(values(tmp_path, timeout=0)))
    assert 'timeout' in str(caught.value)
    assert len(list((tmp_path / 'cache').glob('*.alias'))) == 2


@pytest.mark.parametrize('shortcut', [b'', b'{"format": 1, "key": "../../etc/passwd", "api_url": "x", "min_ttl": 60}',
                                      b'{"format": 1, "key": 7}', b'[1]', b'\xff'])
def test_broken_shortcut_is_a_miss(tmp_path, fake_fetch, shortcut):
    first = get_token('paloalto', adapter(values(tmp_path)))
    for path in (tmp_path / 'cache').glob('*.alias'):
        path.write_bytes(shortcut)
    again = get_token('paloalto', adapter(values(tmp_path)))
    assert again['cached'] is True and again['access_token'] == first['access_token'] and len(fake_fetch.calls) == 1


def test_shortcut_in_a_folder_open_to_others_is_not_followed(tmp_path, fake_fetch, monkeypatch):
    get_token('paloalto', adapter(values(tmp_path)))
    os.chmod(tmp_path / 'cache', 0o777)  # anyone could have planted the shortcut, and its api_url with it

    def validated(*args, **kwargs):
        validated.calls += 1
        return build_request(*args, **kwargs)
    validated.calls = 0
    monkeypatch.setattr(_engine, 'build_request', validated)
    warnings = []
    again = get_token('paloalto', adapter(values(tmp_path)), warn=warnings.append)
    assert validated.calls == 1 and again['cached'] is False and len(fake_fetch.calls) == 2
    assert len(warnings) == 1 and 'open to other users' in warnings[0]
    assert stat.S_IMODE(os.stat(tmp_path / 'cache').st_mode) == 0o777  # not the cache's to change back


@pytest.mark.skipif(not hasattr(os, 'geteuid') or os.geteuid() != 0, reason='needs root to give a folder away')
def test_folder_of_another_user_is_neither_read_nor_written(tmp_path, fake_fetch):
    get_token('paloalto', adapter(values(tmp_path)))
    os.chown(tmp_path / 'cache', 65534, 65534)  # now someone else's: its shortcuts and entries may be planted
    warnings = []
    again = get_token('paloalto', adapter(values(tmp_path)), warn=warnings.append)
    assert again['cached'] is False and len(fake_fetch.calls) == 2
    try:
        owner = pwd.getpwuid(65534).pw_name
    except KeyError:
        owner = '65534'
    me = pwd.getpwuid(os.getuid()).pw_name
    assert len(warnings) == 1 and 'belongs to another user (%s)' % owner in warnings[0]
    # The advice: take it back, or use a folder of one's own.
    assert 'sudo chown -R %s %s' % (me, tmp_path / 'cache') in warnings[0] and 'cache_dir' in warnings[0]


def test_a_file_given_as_cache_dir_is_refused_and_named_as_a_file(tmp_path, fake_fetch):
    path = tmp_path / 'tokens.txt'
    path.write_text('not a folder')
    os.chmod(path, 0o644)
    warnings = []
    record = get_token('paloalto', adapter(values(tmp_path, cache_dir=str(path))), warn=warnings.append)
    assert record['cached'] is False and path.read_text() == 'not a folder'
    assert len(warnings) == 1 and '%s is a file, not a folder' % path in warnings[0]
    assert 'chmod' not in warnings[0] and 'cache_dir' in warnings[0]


def test_shortcut_follows_the_entry_when_it_is_renewed_elsewhere(tmp_path, fake_fetch):
    get_token('paloalto', adapter(values(tmp_path)))
    forced = get_token('paloalto', adapter(values(tmp_path, force=True)))  # e.g. a module with force: true
    again = get_token('paloalto', adapter(values(tmp_path)))
    assert again['access_token'] == forced['access_token'] and len(fake_fetch.calls) == 2


def test_copied_file_is_useless_without_the_secret(tmp_path, fake_fetch):
    get_token('paloalto', adapter(values(tmp_path)))
    request = request_for(tmp_path)
    cache = TokenCache(str(tmp_path / 'cache'))
    key = cache.key(request)
    assert cache.read(key, request.key_material)['record']['access_token'].startswith(TOKEN)
    assert cache.read(key, 'guessed-secret') is None


@pytest.mark.parametrize('damage', [
    lambda raw: b'', lambda raw: raw[:len(raw) // 2], lambda raw: b'not json',
    lambda raw: raw.replace(b'"data": "', b'"data": "AAAA'), lambda raw: json.dumps({'format': 99}).encode(),
    lambda raw: b'[1, 2, 3]',
])
def test_corrupt_entry_is_a_miss_and_is_rewritten(tmp_path, fake_fetch, damage):
    get_token('paloalto', adapter(values(tmp_path)))
    path = [p for p in (tmp_path / 'cache').iterdir() if p.suffix == '.token'][0]
    path.write_bytes(damage(path.read_bytes()))
    again = get_token('paloalto', adapter(values(tmp_path)))
    assert again['cached'] is False and len(fake_fetch.calls) == 2
    assert get_token('paloalto', adapter(values(tmp_path)))['cached'] is True


def test_storing_a_token_prunes_stale_cache_files_only(tmp_path, fake_fetch):
    get_token('paloalto', adapter(values(tmp_path)))
    folder = tmp_path / 'cache'
    ours = sorted(path.name for path in folder.iterdir())
    fresh = ['d' * 64 + '.token', '.0123456789abcdef.a1b2c3d4.tmp']  # another credential's entry, a write under way
    stale = ['a' * 64 + '.token', 'b' * 64 + '.alias', '.0123456789abcdef.k3j_9x2q.tmp']
    foreign = ['c' * 64 + '.lock', 'notes.txt', 'e' * 64 + '.token.bak', 'F' * 64 + '.alias', 'a' * 63 + '.token',
               '.0123456789abcdef.swp', '.0123456789abcdeg.k3j_9x2q.tmp', '0123456789abcdef.k3j_9x2q.tmp']
    long_ago = time.time() - STALE_AFTER - 60
    for name in fresh + stale + foreign:
        (folder / name).write_text('x')
        if name not in fresh:
            os.utime(str(folder / name), (long_ago, long_ago))
    assert [name for name in fresh + stale + foreign if written_here(name)] == fresh + stale
    just_written = [path for path in folder.iterdir() if path.name in ours and path.suffix == '.token'][0]
    TokenCache(str(folder)).prune(str(just_written))  # what storing a token runs
    left = sorted(path.name for path in folder.iterdir())
    assert left == sorted(ours + fresh + foreign)


def test_changed_secret_is_a_miss(tmp_path, fake_fetch):
    get_token('paloalto', adapter(values(tmp_path)))
    assert get_token('paloalto', adapter(values(tmp_path, client_secret='rotated-secret')))['cached'] is False
    assert len(fake_fetch.calls) == 2


def test_unwritable_folder_warns_once_and_still_returns_the_token(tmp_path, fake_fetch):
    blocker = tmp_path / 'file-not-folder'
    blocker.write_text('x')
    warnings = []
    record = get_token('paloalto', adapter(values(tmp_path, cache_dir=str(blocker / 'cache'))), warn=warnings.append)
    assert record['access_token'].startswith(TOKEN)
    assert len(warnings) == 1 and 'token cache disabled' in warnings[0] and SECRET not in warnings[0]


@pytest.mark.parametrize('cache_dir', ['', None])
def test_an_empty_cache_dir_means_the_default(tmp_path, monkeypatch, cache_dir):
    monkeypatch.setenv('VENDOR_TOKENS_CACHE_DIR', str(tmp_path / 'default'))
    monkeypatch.chdir(tmp_path)
    assert TokenCache(cache_dir).directory == str(tmp_path / 'default')


def test_a_folder_open_to_others_is_refused_and_left_as_it_is(tmp_path, fake_fetch):
    folder = tmp_path / 'loose'
    folder.mkdir()
    os.chmod(folder, 0o755)
    warnings = []
    record = get_token('paloalto', adapter(values(tmp_path, cache_dir=str(folder))), warn=warnings.append)
    assert record['cached'] is False and stat.S_IMODE(os.stat(folder).st_mode) == 0o755
    assert len(warnings) == 1 and 'open to other users' in warnings[0] and 'chmod 700' in warnings[0]
    assert os.listdir(folder) == []


def test_a_folder_holding_other_files_is_refused(tmp_path, fake_fetch):
    folder = tmp_path / 'project'
    folder.mkdir(mode=0o700)
    (folder / 'site.yml').write_text('---')
    warnings = []
    get_token('paloalto', adapter(values(tmp_path, cache_dir=str(folder))), warn=warnings.append)
    assert len(warnings) == 1 and 'site.yml' in warnings[0] and sorted(os.listdir(folder)) == ['site.yml']


def test_a_folder_the_cache_creates_is_private(tmp_path, fake_fetch):
    get_token('paloalto', adapter(values(tmp_path, cache_dir=str(tmp_path / 'new' / 'cache'))))
    assert stat.S_IMODE(os.stat(tmp_path / 'new' / 'cache').st_mode) == 0o700
    get_token('paloalto', adapter(values(tmp_path, cache_dir=str(tmp_path / 'new' / 'cache'))))
    assert len(fake_fetch.calls) == 1  # its own entries, shortcuts and locks are no strangers


class Refusing(object):
    """Stands in for the HTTP request: the vendor refuses with status, echoing the secret it was sent."""

    def __init__(self, status=401):
        self.calls = 0
        self.status = status

    def __call__(self, request, warn, refresh_token=None):
        self.calls += 1
        raise TokenError('the vendor refused the credentials', vendor='paloalto', url=request.url, status=self.status,
                         vendor_message='invalid_client: bad secret %s' % SECRET)


def test_a_refused_login_is_remembered_and_asked_once(tmp_path, monkeypatch):
    refusing = Refusing()
    monkeypatch.setattr(_engine, 'fetch', refusing)
    vendor_messages = []
    for attempt in range(3):
        with pytest.raises(TokenError) as caught:
            get_token('paloalto', adapter(values(tmp_path)))
        assert refusing.calls == 1, 'attempt %d asked again' % attempt
        vendor_messages.append(caught.value.vendor_message)
    text = str(caught.value)
    assert refusing.calls == 1 and caught.value.status == 401
    # vendor_message is the vendor's own text, the same when remembered; the collection's note is in the message.
    assert len(set(vendor_messages)) == 1 and 'ago' not in vendor_messages[0] and 'refusal_ttl' not in vendor_messages[0]
    assert 'refused 0 s ago' in caught.value.message and 'refusal_ttl 60 s' in caught.value.message
    assert 'invalid_client: bad secret' in text and 'refused 0 s ago' in text and 'asked again in 60 s' in text
    assert SECRET not in text
    for path in (tmp_path / 'cache').iterdir():
        assert SECRET.encode() not in path.read_bytes()


def test_a_remembered_refusal_gives_way_to_force_a_new_secret_and_time(tmp_path, monkeypatch):
    refusing = Refusing()
    monkeypatch.setattr(_engine, 'fetch', refusing)
    with pytest.raises(TokenError):
        get_token('paloalto', adapter(values(tmp_path)))
    for changes in ({'force': True}, {'client_secret': 'corrected-secret'}, {'client_auth': 'body'}):
        with pytest.raises(TokenError) as caught:
            get_token('paloalto', adapter(values(tmp_path, **changes)))
        assert 'ago' not in str(caught.value), changes
    assert refusing.calls == 4
    later = time.time() + 61
    monkeypatch.setattr(_engine.time, 'time', lambda: later)
    with pytest.raises(TokenError) as caught:
        get_token('paloalto', adapter(values(tmp_path)))
    assert refusing.calls == 5 and 'ago' not in str(caught.value)


@pytest.mark.parametrize('status, changes', [(503, {}), (429, {}), (None, {}), (401, {'refusal_ttl': 0}),
                                             (401, {'cache': False})])
def test_transient_failures_and_a_zero_refusal_ttl_are_not_remembered(tmp_path, monkeypatch, status, changes):
    refusing = Refusing(status)
    monkeypatch.setattr(_engine, 'fetch', refusing)
    for attempt in range(2):
        with pytest.raises(TokenError):
            get_token('paloalto', adapter(values(tmp_path, **changes)))
        assert refusing.calls == attempt + 1


@pytest.mark.parametrize('status', [503, 429, None])
def test_a_transient_failure_fails_the_tasks_that_waited_for_it_at_once(tmp_path, monkeypatch, status):
    # Ten processes want a token at once and the vendor fails after every retry: one round of retries, not ten.
    refusing = Refusing(status)
    calls = multiprocessing.Value('i', 0)

    def slow_failure(request, warn, refresh_token=None):
        with calls.get_lock():
            calls.value += 1
        time.sleep(3)  # the others, started together, queue on the lock meanwhile
        refusing(request, warn, refresh_token)
    monkeypatch.setattr(_engine, 'fetch', slow_failure)

    started = multiprocessing.Barrier(10)

    def one(queue):
        started.wait(30)
        try:
            get_token('paloalto', adapter(values(tmp_path)))
            queue.put('served')
        except TokenError as exc:
            queue.put(str(exc))
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=one, args=(queue,)) for worker in range(10)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    answers = [queue.get(timeout=5) for worker in workers]
    assert calls.value == 1
    assert all('the vendor refused the credentials' in answer for answer in answers)
    assert sum('while this one waited' in answer for answer in answers) == 9 and SECRET not in ''.join(answers)


def test_missing_jmespath_is_named_before_any_request(tmp_path, monkeypatch):
    monkeypatch.setattr(_engine, 'JMESPATH_IMPORT_ERROR', ImportError("No module named 'jmespath'"))
    request = request_for(tmp_path)
    posts = []
    monkeypatch.setattr(type(request), 'post', lambda self, *args: posts.append(args))
    with pytest.raises(TokenError) as caught:
        _engine.fetch(request, lambda text: None)
    assert 'jmespath' in str(caught.value) and 'install it' in str(caught.value) and SECRET not in str(caught.value)
    assert caught.value.vendor == 'paloalto' and posts == []


def test_default_folder(monkeypatch, tmp_path):
    monkeypatch.delenv('VENDOR_TOKENS_CACHE_DIR', raising=False)
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    assert default_cache_dir() == str(tmp_path / 'vendor.tokens')
    monkeypatch.setenv('VENDOR_TOKENS_CACHE_DIR', '/somewhere')
    assert default_cache_dir() == '/somewhere'


def _contend(args):
    folder, counter = args
    opts = {'client_id': 'sa@1.iam', 'client_secret': SECRET, 'tsg_id': '1', 'cache_dir': folder}

    def slow_fetch(request, warn, refresh_token=None):
        with open(counter, 'a') as handle:
            handle.write('x')
        time.sleep(0.3)  # long enough that every other process arrives while this one fetches
        return FakeFetch()(request, warn)
    _engine.fetch = slow_fetch
    return get_token('paloalto', adapter(opts))['access_token']


def test_concurrent_processes_make_one_request(tmp_path):
    counter = str(tmp_path / 'requests')
    with multiprocessing.get_context('fork').Pool(8) as pool:
        tokens = pool.map(_contend, [(str(tmp_path / 'cache'), counter)] * 16)
    with open(counter) as handle:
        assert handle.read() == 'x'
    assert len(set(tokens)) == 1


@pytest.mark.parametrize('second_call', [
    {'min_ttl': 1000},  # its shortcut leads to the entry, whose token is too short-lived: renewed
    {'min_ttl': 1000, 'timeout': 7},  # other values, no shortcut yet: the engine finds the entry itself
])
def test_a_miss_reads_its_entry_once_before_the_lock_and_once_under_it(tmp_path, fake_fetch, monkeypatch, second_call):
    from ansible_collections.vendor.tokens.plugins.module_utils import _cache, _recall
    get_token('paloalto', adapter(values(tmp_path, min_ttl=1000 if 'timeout' not in second_call else 60)))
    reads = []

    def counted(open_entry):
        def reading(folder, key, material):
            reads.append(key)
            return open_entry(folder, key, material)
        return reading

    monkeypatch.setattr(_recall, 'open_entry', counted(_recall.open_entry))
    monkeypatch.setattr(_cache, 'open_entry', counted(_cache.open_entry))
    renewed = get_token('paloalto', adapter(values(tmp_path, **second_call)))
    assert renewed['cached'] is False and len(fake_fetch.calls) == 2
    assert len(reads) == 2 and len(set(reads)) == 1
