# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared token cache: one encrypted file per (vendor, auth URL, identity, scope, credential).

- Files live in a per-user folder (0700), each written 0600 and swapped in atomically.
- A shortcut file per set of option values that once passed validation names the entry they lead to, so a
  repeated call (the lookup, templated in a new fork every time) is served without validating or importing the
  rest of the engine again. Shortcuts hold no secret and no token; the entry stays the one source of truth.
- A lock file per key makes concurrent forks and processes wait for one request (single flight).
- Entries are sealed with AES-GCM under a key derived (HKDF) from the credential's secret, so a copied
  file is useless without the secret, and a changed secret is simply a miss.
- The cache never fails a task: anything unreadable is a miss; an unusable folder gives one warning.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import re
import stat
import tempfile
import time

from ansible_collections.vendor.tokens.plugins.module_utils._profiles import key_material

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no cross-process lock, the cache still works
    fcntl = None

try:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the callers with missing_required_lib
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = exc

FORMAT = 1
ENV_CACHE_DIR = 'VENDOR_TOKENS_CACHE_DIR'
_INFO = b'vendor.tokens cache entry v1'
_KEY = re.compile(r'^[0-9a-f]{64}$')


def with_time_left(record, now):
    """The record with expires_in counted from now and headers ready for ansible.builtin.uri."""
    record = dict(record)
    record['expires_in'] = max(0, int(record['expires_at_epoch'] - now))
    record['headers'] = {'Authorization': 'Bearer %s' % record['access_token']}
    return record


def served(entry, min_ttl, api_url):
    """The entry's record, marked cached, if its token lives at least min_ttl more seconds; else None."""
    now = time.time()
    if entry and entry['record'].get('expires_at_epoch', 0) - now >= min_ttl:
        record = with_time_left(entry['record'], now)
        record.update(cached=True, api_url=api_url)
        return record
    return None


def recall(profile, values):
    """The record for exactly these option values, when an earlier call validated them and their token still
    lives long enough; None for anything else, and the engine then takes the full path."""
    if values.get('cache') is False or values.get('force'):
        return None
    cache = TokenCache(values.get('cache_dir'))  # silent: the full path warns about an unusable folder
    material = key_material(profile, values)
    return cache.follow(cache.alias(profile.name, values, material), material) if cache.usable else None


def default_cache_dir():
    """$VENDOR_TOKENS_CACHE_DIR, else $XDG_CACHE_HOME/vendor.tokens, else ~/.cache/vendor.tokens."""
    if os.environ.get(ENV_CACHE_DIR):
        return os.environ[ENV_CACHE_DIR]
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'vendor.tokens')


class TokenCache(object):
    """Encrypted token entries in one folder. Every method swallows I/O and crypto errors."""

    def __init__(self, directory=None, warn=None):
        self.directory = os.path.abspath(os.path.expanduser(directory or default_cache_dir()))
        self._warn = warn or (lambda text: None)
        self._warned = False
        self.usable = self._prepare()

    def _warn_once(self, text):
        if not self._warned:
            self._warned = True
            self._warn('token cache disabled: %s' % text)

    def _prepare(self):
        if not HAS_CRYPTOGRAPHY:
            self._warn_once('the Python package cryptography is not installed')
            return False
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            info = os.stat(self.directory)
            if hasattr(os, 'getuid') and info.st_uid != os.getuid():
                self._warn_once('%s belongs to another user' % self.directory)
                return False
            if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                os.chmod(self.directory, 0o700)
            if not os.access(self.directory, os.W_OK | os.X_OK):
                raise PermissionError('not writable')
        except OSError as exc:
            self._warn_once('cannot use %s (%s); set cache_dir or %s to a writable folder'
                            % (self.directory, exc.strerror or exc, ENV_CACHE_DIR))
            return False
        return True

    @staticmethod
    def key(request):
        """File name for a request: a hash of vendor, auth URL, identity, scope and a fingerprint of the secret."""
        secret_mark = hmac.new(request.key_material.encode('utf-8'), b'vendor.tokens cache name', hashlib.sha256).hexdigest()
        named = json.dumps([request.profile.name, request.url, request.identity, request.scope, secret_mark])
        return hashlib.sha256(named.encode('utf-8')).hexdigest()

    @staticmethod
    def alias(vendor, values, material):
        """File name of the shortcut for exactly these option values: an HMAC under the secret, so it names nothing."""
        named = json.dumps([vendor, values], sort_keys=True, default=str)
        return hmac.new(material.encode('utf-8'), named.encode('utf-8'), hashlib.sha256).hexdigest()

    def _path(self, key, suffix='.token'):
        return os.path.join(self.directory, key + suffix)

    @staticmethod
    def _aead(material, salt, key):
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO + key.encode('ascii'))
        return AESGCM(derived.derive(material.encode('utf-8')))

    def read(self, key, material):
        """The stored entry (a dict), or None for a miss: absent, corrupt, undecryptable or another secret's."""
        if not self.usable:
            return None
        try:
            with open(self._path(key), 'rb') as handle:
                sealed = json.loads(handle.read().decode('utf-8'))
            if sealed.get('format') != FORMAT:
                return None
            salt, nonce, data = (base64.b64decode(sealed[name]) for name in ('salt', 'nonce', 'data'))
            plain = self._aead(material, salt, key).decrypt(nonce, data, key.encode('ascii'))
            entry = json.loads(plain.decode('utf-8'))
            return entry if isinstance(entry, dict) and isinstance(entry.get('record'), dict) else None
        except (OSError, ValueError, TypeError, KeyError, AttributeError, InvalidTag):
            return None

    def write(self, key, material, entry):
        """Seal and store entry; on failure warn once and carry on."""
        if not self.usable:
            return
        salt, nonce = os.urandom(16), os.urandom(12)
        data = self._aead(material, salt, key).encrypt(nonce, json.dumps(entry).encode('utf-8'), key.encode('ascii'))
        self._store(self._path(key), json.dumps({'format': FORMAT, 'salt': base64.b64encode(salt).decode('ascii'),
                                                 'nonce': base64.b64encode(nonce).decode('ascii'),
                                                 'data': base64.b64encode(data).decode('ascii')}))

    def remember(self, alias, key, api_url, min_ttl):
        """Store the shortcut from a set of validated option values to the entry they name."""
        if self.usable:
            self._store(self._path(alias, '.alias'), json.dumps({'format': FORMAT, 'key': key, 'api_url': api_url,
                                                                 'min_ttl': min_ttl}))

    def follow(self, alias, material):
        """Follow a shortcut to its entry and serve it as the full path would; None for any miss."""
        try:
            with open(self._path(alias, '.alias'), 'rb') as handle:
                shortcut = json.loads(handle.read().decode('utf-8'))
            if shortcut.get('format') != FORMAT or not _KEY.match(shortcut['key']):
                return None
            return served(self.read(shortcut['key'], material), int(shortcut['min_ttl']), shortcut['api_url'])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def _store(self, path, text):
        """Write text to path atomically, 0600; on failure warn once and carry on."""
        temp = None
        try:
            fd, temp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path)[:16], dir=self.directory)  # 0600
            with os.fdopen(fd, 'w') as handle:
                handle.write(text)
            # No fsync: readers only ever see a whole file, and an entry lost or cut short by a crash is a miss.
            os.replace(temp, path)
            temp = None
        except OSError as exc:
            self._warn_once('cannot write to %s (%s)' % (self.directory, exc.strerror or exc))
        finally:
            if temp:
                with contextlib.suppress(OSError):
                    os.unlink(temp)

    @contextlib.contextmanager
    def lock(self, key):
        """Hold the key's lock: concurrent holders wait, so only the first makes the request."""
        handle = None
        if self.usable and fcntl is not None:
            try:
                fd = os.open(self._path(key, '.lock'), os.O_RDWR | os.O_CREAT, 0o600)
                handle = os.fdopen(fd, 'r+')
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            except OSError as exc:
                self._warn_once('cannot lock in %s (%s)' % (self.directory, exc.strerror or exc))
                if handle:
                    handle.close()
                handle = None
        try:
            yield
        finally:
            if handle:
                handle.close()  # closing releases the flock
