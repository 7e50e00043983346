# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cache-hit path, whole: from option values to a cached token record, or to the engine on a miss.

Rule: this file imports only the standard library and cryptography, and no other file of the collection; the
engine (_engine.py, which imports everything a miss needs) is imported in one place, token_for, on a miss.
The lookup runs in a new forked worker at every templating, so whatever a hit imports is paid at every use;
tests/unit/plugins/module_utils/test_recall.py checks in a fresh interpreter what a hit loads.

A shortcut file, named by an HMAC under the secret of a set of option values that once passed validation,
names the entry those values lead to. A repeated call with the same values reads the shortcut and the entry,
and skips validation. Shortcuts hold no secret and no token; the entry stays the one source of truth.
_cache.py writes, locks and names entries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import time

try:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - the writing half warns that the cache is off
    HAS_CRYPTOGRAPHY = False

FORMAT = 1
ENV_CACHE_DIR = 'VENDOR_TOKENS_CACHE_DIR'
OPEN_TO_OTHERS = stat.S_IRWXG | stat.S_IRWXO
_INFO = b'vendor.tokens cache entry v1'


def key_material(profile, values):
    """What the credential's cache entries are sealed with: its required secrets, stripped and joined."""
    return '\0'.join(str(values.get(cred.name) or '').strip()
                     for cred in profile.credentials if cred.secret and cred.required)


def default_cache_dir():
    """$VENDOR_TOKENS_CACHE_DIR, else $XDG_CACHE_HOME/vendor.tokens, else ~/.cache/vendor.tokens."""
    if os.environ.get(ENV_CACHE_DIR):
        return os.environ[ENV_CACHE_DIR]
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'vendor.tokens')


def cache_folder(directory):
    """The absolute cache folder for a cache_dir value; None means the default."""
    return os.path.abspath(os.path.expanduser(directory or default_cache_dir()))


def is_users(info):
    """Whether the file whose os.stat() is info belongs to this user (always so where there are no user ids)."""
    return not hasattr(os, 'getuid') or info.st_uid == os.getuid()


def is_private(folder):
    """Whether folder exists, is this user's and is closed to all others, so that its files can be trusted."""
    try:
        info = os.stat(folder)
    except OSError:
        return False
    return is_users(info) and not info.st_mode & OPEN_TO_OTHERS


def aead(material, salt, key):
    """The AES-GCM cipher of one entry: its key is derived (HKDF) from the secret, a random salt and the file name."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO + key.encode('ascii'))
    return AESGCM(derived.derive(material.encode('utf-8')))


def open_entry(folder, key, material):
    """The entry stored under key in folder, or None for a miss (see unseal)."""
    try:
        with open(os.path.join(folder, key + '.token'), 'rb') as handle:
            return unseal(handle.read(), key, material)
    except OSError:
        return None


def unseal(sealed, key, material):
    """The entry (a dict holding a token record or a refusal) that _cache.seal stored under key, or None for a miss:
    corrupt, undecryptable or another secret's."""
    try:
        sealed = json.loads(sealed.decode('utf-8') if isinstance(sealed, bytes) else sealed)
        if sealed.get('format') != FORMAT:
            return None
        salt, nonce, data = (base64.b64decode(sealed[name]) for name in ('salt', 'nonce', 'data'))
        entry = json.loads(aead(material, salt, key).decrypt(nonce, data, key.encode('ascii')).decode('utf-8'))
        if isinstance(entry, dict) and (isinstance(entry.get('record'), dict) or isinstance(entry.get('refused'), dict)):
            return entry
        return None
    except (ValueError, TypeError, KeyError, AttributeError, InvalidTag):
        return None


def shortcut_name(vendor, values, material):
    """File name of the shortcut for exactly these option values: an HMAC under the secret, so it names nothing."""
    named = json.dumps([vendor, values], sort_keys=True, default=str)
    return hmac.new(material.encode('utf-8'), named.encode('utf-8'), hashlib.sha256).hexdigest()


def with_time_left(record, now):
    """The record with expires_in counted from now and headers ready for ansible.builtin.uri."""
    record = dict(record)
    record['expires_in'] = max(0, int(record['expires_at_epoch'] - now))
    record['headers'] = {'Authorization': 'Bearer %s' % record['access_token']}
    return record


def served(entry, min_ttl, api_url):
    """The entry's record, marked cached, if its token lives at least min_ttl more seconds; else None."""
    now = time.time()
    if entry and entry.get('record') and entry['record'].get('expires_at_epoch', 0) - now >= min_ttl:
        record = with_time_left(entry['record'], now)
        record.update(cached=True, api_url=api_url)
        return record
    return None


def recall(profile, values):
    """The record for exactly these option values, when an earlier call validated them and their token still
    lives long enough; None for anything else, and the engine then takes the full path (which also warns)."""
    if not HAS_CRYPTOGRAPHY or values.get('cache') is False or values.get('force') or values.get('refused_token'):
        return None
    folder = cache_folder(values.get('cache_dir'))
    if not is_private(folder):
        return None
    material = key_material(profile, values)
    try:
        with open(os.path.join(folder, shortcut_name(profile.name, values, material) + '.alias'), 'rb') as handle:
            shortcut = json.loads(handle.read().decode('utf-8'))
        key = shortcut['key']
        if shortcut.get('format') != FORMAT or len(key) != 64 or key.strip('0123456789abcdef'):
            return None  # only an entry's own name, never a path; checked without a regex, whose compile is slow here
        return served(open_entry(folder, key, material), int(shortcut['min_ttl']), shortcut['api_url'])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def token_for(profile, adapter, warn=None):
    """A token record for a profile (a row of the table), with options from an OptionAdapter: from the cache
    when these exact options were validated before and their token lives long enough, else from the engine."""
    values = adapter.values(profile)
    record = recall(profile, values)
    if record:
        return record
    from ansible_collections.vendor.tokens.plugins.module_utils import _engine  # the one import of a miss
    return _engine.obtain(profile, values, adapter.describe, warn)
