# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared token cache: one encrypted file per (vendor, auth URL, identity, scope, credential).

- Files live in a per-user folder (0700), each written 0600 and swapped in atomically.
- A lock file per key makes concurrent forks and processes wait for one request (single flight).
- Entries are sealed with AES-GCM under a key derived (HKDF) from the credential's secret, so a copied
  file is useless without the secret, and a changed secret is simply a miss.
- After a validated call, a shortcut file leads from its exact option values to the entry (see _recall.py,
  the reading half, which serves hits).
- Storing a token also deletes entries and shortcuts untouched for STALE_AFTER seconds, so the folder stays small.
- The cache never fails a task: anything unreadable is a miss; an unusable folder gives one warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import shlex
import stat
import tempfile
import time

from ansible_collections.vendor.tokens.plugins.module_utils._sealed import (
    ENV_CACHE_DIR, FORMAT, HAS_CRYPTOGRAPHY, OPEN_TO_OTHERS, cache_folder, is_users, open_entry, seal)

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no cross-process lock, the cache still works
    fcntl = None

# Entries and shortcuts are rewritten whenever their token is renewed, and the vendors' tokens live a day at most,
# so one untouched this long is unused. Were it not, deleting it would cost one more request, nothing else.
STALE_AFTER = 30 * 86400
_TEMP_SUFFIX = '.tmp'
# How long a first_in_run marker stands for its run.
MARKER_FOR = 6 * 3600
_HEX = frozenset('0123456789abcdef')


def written_here(name):
    """Whether a file name is one the cache writes (entry, shortcut, shared-cache marker or temporary file), so
    that pruning a cache_dir shared with other files never touches theirs."""
    if (len(name) == 70 and name[64:] in ('.token', '.alias')) or (len(name) == 69 and name.endswith('.skip')):
        return _HEX.issuperset(name[:64])
    # what _store's tempfile.mkstemp names: '.' + the first 16 characters of the name + '.' + random + _TEMP_SUFFIX
    return (len(name) > 18 + len(_TEMP_SUFFIX) and name.endswith(_TEMP_SUFFIX) and name[0] == name[17] == '.'
            and _HEX.issuperset(name[1:17]))


def cache_file(name):
    """Whether a file name is one the cache keeps in its folder: those written_here, and lock files."""
    if len(name) == 69 and name.endswith('.lock'):
        return _HEX.issuperset(name[:64])
    return written_here(name)


def user_name(uid):
    """The login name of uid, or the number where it has none (a container's made-up user, say)."""
    try:
        import pwd  # only on this warning, and not on every platform
        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


class TokenCache(object):
    """Encrypted token entries in one folder. Every method swallows I/O and crypto errors."""

    shared = False  # SharedTokenCache: entries that other controllers may have changed since this one read them

    def __init__(self, directory=None, warn=None):
        self.directory = cache_folder(directory)
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
            try:
                os.makedirs(self.directory, mode=0o700)
                return True  # created here, private from the start
            except FileExistsError:
                pass
            info = os.stat(self.directory)
            if not stat.S_ISDIR(info.st_mode):
                self._warn_once('%s is a file, not a folder; set cache_dir or %s to a folder of its own (the cache '
                                'creates it)' % (self.directory, ENV_CACHE_DIR))
                return False
            if not is_users(info):
                me = user_name(os.getuid())
                self._warn_once('%s belongs to another user (%s), perhaps made by an earlier run under sudo; give it '
                                'back with `sudo chown -R %s %s`, or set cache_dir or %s to a folder of your own'
                                % (self.directory, user_name(info.st_uid), shlex.quote(me), shlex.quote(self.directory),
                                   ENV_CACHE_DIR))
                return False
            # A folder it did not create is never changed: it may be the user's project or a shared folder.
            if info.st_mode & OPEN_TO_OTHERS:
                self._warn_once('%s is open to other users (mode %03o); make it private with chmod 700, or set cache_dir '
                                'or %s to a folder of its own' % (self.directory, info.st_mode & 0o777, ENV_CACHE_DIR))
                return False
            strangers = sorted(name for name in os.listdir(self.directory) if not cache_file(name))
            if strangers:
                self._warn_once("%s holds files that are not the cache's (%s); set cache_dir or %s to a folder of its "
                                "own" % (self.directory, ', '.join(strangers[:3]), ENV_CACHE_DIR))
                return False
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

    def _path(self, key, suffix='.token'):
        return os.path.join(self.directory, key + suffix)

    def read(self, key, material):
        """The stored entry (a dict), or None for a miss: absent, corrupt, undecryptable or another secret's."""
        return open_entry(self.directory, key, material) if self.usable else None

    def write(self, key, material, entry, ttl=None):
        """Seal and store entry; on failure warn once and carry on. ttl, the seconds the entry is worth keeping,
        is for a shared cache: files stay until pruned."""
        if not self.usable:
            return
        self._store(self._path(key), seal(key, material, entry))
        self.prune(self._path(key))  # here: it runs only after a request, never on a cache hit

    def prune(self, fresh_path):
        """Delete entries, shortcuts and stray temporary files untouched for STALE_AFTER seconds.

        Ages are counted back from fresh_path, the file just written, so that the clock of a file server that
        differs from this machine's cannot make every file look stale. Lock files stay (they are empty): one may
        be held at this moment, and a new file under the same name would let a second process make the request.
        A file renewed between the age check and the delete only costs one more request.
        """
        try:
            horizon = os.stat(fresh_path).st_mtime - STALE_AFTER
            names = os.listdir(self.directory)
        except OSError:
            return  # nothing was written, or the folder cannot be listed: leave it as it is
        for name in names:
            if written_here(name):
                path = os.path.join(self.directory, name)
                with contextlib.suppress(OSError):
                    if os.lstat(path).st_mtime < horizon:
                        os.unlink(path)

    def remember(self, shortcut, key, api_url, min_ttl, renew_window=None):
        """Store the shortcut (named by _recall.shortcut_name) from validated option values to the entry they name."""
        if self.usable:
            self._store(self._path(shortcut, '.alias'), json.dumps({'format': FORMAT, 'key': key, 'api_url': api_url,
                                                                    'min_ttl': min_ttl, 'renew_window': renew_window}))

    def first_in_run(self, *named):
        """Whether this is the run's first call for named (a warning, say), across its tasks and forks: Ansible forks
        every task's worker from the playbook's process, so the parent's pid names the run. A marker file in the
        folder remembers it for MARKER_FOR seconds; without a usable folder every call is the first."""
        if not self.usable:
            return True
        digest = hashlib.sha256(json.dumps(['first in run', os.getppid()] + list(named)).encode('utf-8')).hexdigest()
        path = self._path(digest, '.skip')
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            return True
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - os.stat(path).st_mtime >= MARKER_FOR:  # a pid used again by a later run
                    os.utime(path)
                    return True
            return False
        except OSError:
            return True

    def _store(self, path, text):
        """Write text to path atomically, 0600; on failure warn once and carry on."""
        temp = None
        try:
            fd, temp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path)[:16], suffix=_TEMP_SUFFIX,
                                        dir=self.directory)  # 0600
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
    def lock(self, key, blocking=True):
        """Hold the key's lock, yielding True: concurrent holders wait, so only the first makes the request. Not
        blocking, it yields False at once while another process holds it (that one renews; the caller serves).
        A lock that cannot be taken at all (no usable folder, no fcntl) yields True: go on unlocked."""
        handle, held = None, True
        if self.usable and fcntl is not None:
            try:
                fd = os.open(self._path(key, '.lock'), os.O_RDWR | os.O_CREAT, 0o600)
                handle = os.fdopen(fd, 'r+')
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                handle, held = None, False
            except OSError as exc:
                self._warn_once('cannot lock in %s (%s)' % (self.directory, exc.strerror or exc))
                if handle:
                    handle.close()
                handle = None
        try:
            yield held
        finally:
            if handle:
                handle.close()  # closing releases the flock
