# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stored form of a cache entry, which the file cache and Redis both hold: where the folder is, whose it is,
and how an entry is sealed (AES-GCM under a key derived with HKDF from the credential's secret, bound to the
entry's name) and opened. Standard library and cryptography only: the hit path (_recall.py) reads entries too.
"""

from __future__ import annotations

import base64
import json
import os
import stat

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
    """What the credential's cache entries are sealed with: its required secrets, stripped and joined; for a vendor
    with several ways to log in, the name of the way given and its secrets."""
    login = profile.login_for(values)
    if login is None:
        return '\0'.join(str(values.get(cred.name) or '').strip()
                         for cred in profile.credentials if cred.secret and cred.required)
    return '\0'.join([login.name] + [str(values.get(cred.name) or '').strip() for cred in profile.credentials
                                     if cred.secret and cred.name in login.credentials])


def default_cache_dir():
    """$VENDOR_TOKENS_CACHE_DIR, else $XDG_CACHE_HOME/vendor.tokens, else ~/.cache/vendor.tokens."""
    if os.environ.get(ENV_CACHE_DIR, '').strip():  # blank means not set, as for every setting
        return os.environ[ENV_CACHE_DIR]
    base = os.environ.get('XDG_CACHE_HOME', '').strip() or os.path.join(os.path.expanduser('~'), '.cache')
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
        if isinstance(entry, dict) and any(isinstance(entry.get(name), dict) for name in ('record', 'refused', 'failed')):
            return entry
        return None
    except (ValueError, TypeError, KeyError, AttributeError, InvalidTag):
        return None


def seal(key, material, entry):
    """The stored form of an entry: AES-GCM under a key derived from the secret, bound to its key (_recall.unseal
    opens it)."""
    salt, nonce = os.urandom(16), os.urandom(12)
    data = aead(material, salt, key).encrypt(nonce, json.dumps(entry).encode('utf-8'), key.encode('ascii'))
    return json.dumps({'format': FORMAT, 'salt': base64.b64encode(salt).decode('ascii'),
                       'nonce': base64.b64encode(nonce).decode('ascii'), 'data': base64.b64encode(data).decode('ascii')})
