# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token cache shared by many controllers through Redis (option cache_url), behind the file cache.

- Hits stay local: the file cache keeps serving them (the hit path never reads Redis); on a miss, Redis is asked
  first, and what it holds is copied into the file cache, so a fresh container asks Redis once per credential.
- Redis holds the file cache's sealed entries under the same hashed keys, each expiring with its token (or its
  refusal), so a copied dump reveals neither a token, nor a secret, nor whose they are.
- Single flight across machines: a lock per key (redis-py's Lock: SET NX with an expiry, released only by the
  token of its owner), taken after the file lock, so one process per machine asks Redis for it. It expires on
  its own after lock_ttl seconds, so a controller that dies holding it delays the others no longer.
- Redis failing never fails a task: the first failure of a run gives one warning naming Redis (never its
  password) and leaves a marker in the file cache's folder, so that the later tasks of that run skip Redis for
  SKIP_FOR seconds instead of each waiting on it.
- The redis package is imported in one place, _connect, so the collection needs it only where cache_url is set.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time

from urllib.parse import unquote, urlsplit

from ansible_collections.vendor.tokens.plugins.module_utils._cache import TokenCache
from ansible_collections.vendor.tokens.plugins.module_utils._errors import mask
from ansible_collections.vendor.tokens.plugins.module_utils._sealed import HAS_CRYPTOGRAPHY, is_private, seal, unseal

SCHEMES = ('redis', 'rediss', 'unix')
_ENCODE_HINT = ("; if the password holds /, #, ?, @ or %, percent-encode them (%2F, %23, %3F, %40, %25)")
KEY_PREFIX = 'vendor.tokens:'
# A dead or blackholed Redis costs one connection attempt this long per run (the marker spares the other tasks).
CONNECT_TIMEOUT = 0.5
REPLY_TIMEOUT = 1.0
SKIP_FOR = 300
MARKER_SUFFIX = '.skip'


def redis_location(url):
    """Where a cache_url points, without its user name or password (for messages): scheme, host, port, db."""
    parts = urlsplit(url)
    if parts.scheme == 'unix':
        return 'unix://%s' % parts.path
    host = parts.hostname or 'localhost'
    port = ':%d' % parts.port if parts.port else ''
    return '%s://%s%s%s' % (parts.scheme, '[%s]' % host if ':' in host else host, port, parts.path or '/0')


def check_cache_url(url, ca_path):
    """None when cache_url (and cache_ca_path) can be used, else what is wrong; never quotes any part of the URL,
    where a password that was not percent-encoded can spill into the host, port or path."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return 'is not a URL (its port or brackets are malformed)%s' % _ENCODE_HINT
    if not parts.scheme:
        return 'has no scheme; it must be redis://[:password@]host:port/db, rediss://... (TLS) or unix:///path/to/socket'
    if parts.scheme not in SCHEMES:
        return ('has the scheme %r; it must be redis://[:password@]host:port/db, rediss://... (TLS) or '
                'unix:///path/to/socket' % parts.scheme)
    if parts.scheme == 'unix':
        return None if parts.path else 'names no socket path (unix:///path/to/redis.sock)'
    if not parts.hostname:
        return 'names no host (redis://[:password@]host:port/db)%s' % _ENCODE_HINT
    if port == 0:
        return 'has port 0'
    if parts.path.strip('/') and not parts.path.strip('/').isdigit():
        return 'has a database that is not a number (it must be like /0)%s' % _ENCODE_HINT
    if ca_path and parts.scheme != 'rediss':
        return "is not rediss:// (TLS), so cache_ca_path cannot apply; use rediss:// or leave cache_ca_path unset"
    if ca_path and not os.path.isfile(os.path.expanduser(ca_path)):
        return "is rediss://, and its cache_ca_path %s is not a file; give the PEM file of the Redis server's CA" % ca_path
    return None


def password_of(url):
    """The password a cache_url carries (masked in every message), or None."""
    password = urlsplit(url).password
    return unquote(password) if password else None


class SharedTokenCache(TokenCache):
    """The file cache, with Redis behind it. Every method swallows Redis errors: the first warns, then Redis is off."""

    shared = True

    def __init__(self, directory, url, ca_path=None, lock_ttl=60, warn=None):
        super(SharedTokenCache, self).__init__(directory, warn)
        self.location = redis_location(url)
        self._secrets = [text for text in (url, password_of(url)) if text]
        self._lock_ttl = max(1, int(lock_ttl))
        self._client = None
        # Without cryptography nothing can be sealed, and the file cache has said so already.
        if HAS_CRYPTOGRAPHY and not self._skipping():
            self._client = self._connect(url, ca_path)

    # Redis down: one warning per run, then the run's later tasks skip it.

    def _marker(self):
        """The marker file of this run and this Redis, in the cache folder, or else in a private folder of this user
        under the temporary folder: Ansible forks every task's worker from the playbook's process, so the parent's
        pid names the run."""
        named = json.dumps(['redis unusable', self.location, os.getppid()])
        digest = hashlib.sha256(named.encode('utf-8')).hexdigest()
        if self.usable:
            return self._path(digest, MARKER_SUFFIX)
        folder = os.path.join(tempfile.gettempdir(), 'vendor.tokens-%s' % (os.getuid() if hasattr(os, 'getuid') else 0))
        with contextlib.suppress(OSError):
            os.mkdir(folder, 0o700)
        return os.path.join(folder, digest + MARKER_SUFFIX) if is_private(folder) else None

    def _skipping(self):
        marker = self._marker()
        try:
            return bool(marker) and time.time() - os.stat(marker).st_mtime < SKIP_FOR
        except OSError:
            return False

    def _give_up(self, reason):
        """Stop using Redis for this task and, SKIP_FOR seconds, this run; warn unless this run already has."""
        self._client = None
        first, marker = True, self._marker()
        if marker:
            try:
                os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                first = False
                with contextlib.suppress(OSError):
                    os.utime(marker)
            except OSError:
                pass
        if not first:
            return
        reason = mask(reason, self._secrets)
        if 'CERTIFICATE_VERIFY_FAILED' in reason:
            reason += "; set cache_ca_path to the PEM file of the CA that signs the Redis server's certificate"
        fallback = ('using the file cache %s only' % self.directory if self.usable else
                    'the file cache is off too, so each task asks the vendor')
        self._warn('shared token cache at %s not used (%s); %s' % (self.location, reason, fallback))

    def _connect(self, url, ca_path):
        try:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry
        except ImportError:
            self._give_up('cache_url is set but the Python package redis is not installed on the controller; '
                          'install it with pip install redis')
            return None
        options = dict(socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=REPLY_TIMEOUT,
                       retry=Retry(NoBackoff(), 0), health_check_interval=0)
        if ca_path:
            options['ssl_ca_certs'] = ca_path
        try:
            return redis.Redis.from_url(url, **options)
        except (ValueError, TypeError) as exc:
            self._give_up('its URL is not usable: %s' % exc)
            return None

    def _try(self, what, action):
        """action's result, or None once Redis has failed (this warns the first time)."""
        if self._client is None:
            return None
        try:
            return action()
        except Exception as exc:  # any failure of the client (connection, auth, timeout, read-only) is a miss
            self._give_up('%s failed: %s' % (what, _reason(exc)))
            return None

    # The cache's interface.

    def read(self, key, material):
        """Redis's entry, copied into the file cache when it differs (the hit path reads that copy); without one,
        the file cache's, which is then shared (another controller may be about to ask)."""
        sealed = self._try('GET', lambda: self._client.get(KEY_PREFIX + key))
        local = super(SharedTokenCache, self).read(key, material)
        entry = unseal(sealed, key, material) if sealed else None
        if entry is None:
            if local and local.get('record') and self._client is not None:
                self._share(key, material, local, local['record'].get('expires_at_epoch', 0) - time.time())
            return local
        if entry != local:
            super(SharedTokenCache, self).write(key, material, entry)
        return entry

    def write(self, key, material, entry, ttl=None):
        super(SharedTokenCache, self).write(key, material, entry, ttl)
        self._share(key, material, entry, ttl)

    def _share(self, key, material, entry, ttl):
        if self._client is not None and ttl and ttl >= 1:
            sealed = seal(key, material, entry)
            self._try('SET', lambda: self._client.set(KEY_PREFIX + key, sealed, ex=int(ttl)))

    @contextlib.contextmanager
    def lock(self, key, blocking=True):
        """The file lock, then the Redis lock: forks wait on this machine, controllers on each other. Not blocking,
        it yields False at once when another fork or controller holds either (see TokenCache.lock)."""
        with super(SharedTokenCache, self).lock(key, blocking) as held:
            lock = None
            if held and self._client is not None:
                lock = self._client.lock(KEY_PREFIX + key + ':lock', timeout=self._lock_ttl, sleep=0.05,
                                         blocking_timeout=self._lock_ttl + 1, thread_local=False)
                acquired = self._try('the lock', lambda: lock.acquire(blocking=blocking))
                if acquired is False and self._client is not None and not blocking:
                    held = False  # another controller renews
                # Not acquired in time (its holder died, or Redis did): go on unlocked, as the file cache does.
                if not acquired:
                    lock = None
            try:
                yield held
            finally:
                if lock is not None and self._client is not None:
                    with contextlib.suppress(Exception):  # expired meanwhile, or Redis gone: nothing to release
                        lock.release()


def _reason(exc):
    """What went wrong, from a Redis client error, in one line."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ''
    return '%s%s' % (type(exc).__name__, ': %s' % text if text else '')
