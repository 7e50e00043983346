# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cache-hit path, whole: from option values to a cached token record, or None on a miss.

Rule: this file and the entry format it reads (_sealed.py) import only the standard library and cryptography.
The lookup runs in a new forked worker at every templating, so whatever a hit imports is paid at every use; on a
miss its caller turns to the engine (_engine.py), which imports this file, never the other way.
tests/unit/plugins/module_utils/test_recall.py checks in a fresh interpreter what a hit loads.

A shortcut file, named by an HMAC under the secret of a set of option values that once passed validation,
names the entry those values lead to. A repeated call with the same values reads the shortcut and the entry,
and skips validation. Shortcuts hold no secret and no token; the entry stays the one source of truth.
_cache.py writes, locks and names entries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time

from ansible_collections.vendor.tokens.plugins.module_utils._sealed import (
    FORMAT, HAS_CRYPTOGRAPHY, cache_folder, is_private, key_material, open_entry)

# The advisory window (renew_window unset): a third of the token's lifetime, at most RENEW_WINDOW_MAX seconds, and
# at most three quarters of it set or not, so a new token is never renewed at once; jittered by up to
# JITTER_SHARE of it (at most JITTER_MAX s), so that controllers sharing a credential do not all renew in one second.
RENEW_WINDOW_MAX = 300
JITTER_SHARE = 0.1
JITTER_MAX = 30


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


def jitter():
    """This process's share of the jitter, in [0, 1): fixed per process (each task runs in a new fork, so it varies
    from task to task and from controller to controller), without a random generator to import."""
    return (os.getpid() * 2654435761 % 4294967296) / 4294967296.0


def renew_threshold(entry, min_ttl, renew_window=None):
    """Seconds before expiry from which this process renews the entry's token in advance (the advisory window,
    jittered); min_ttl when there is none: renew_window at most min_ttl, or an entry that does not know its lifetime."""
    lifetime = entry.get('lifetime') if isinstance(entry.get('lifetime'), (int, float)) else 0
    window = renew_window
    if window is None:
        window = min(lifetime // 3, RENEW_WINDOW_MAX)
    if lifetime:
        window = min(window, lifetime * 3 // 4)
    if window <= min_ttl or not lifetime and renew_window is None:
        return min_ttl
    return window + min(window * JITTER_SHARE, JITTER_MAX) * jitter()


def served(entry, min_ttl, api_url, renew_window=None, in_advisory=False):
    """The entry's record, marked cached, if its token lives long enough: beyond the advisory window (see
    renew_threshold), or with in_advisory true beyond min_ttl only; else None."""
    now = time.time()
    if not entry or not entry.get('record'):
        return None
    left = entry['record'].get('expires_at_epoch', 0) - now
    if left >= (min_ttl if in_advisory else renew_threshold(entry, min_ttl, renew_window)):
        record = with_time_left(entry['record'], now)
        record.update(cached=True, api_url=api_url)
        return record
    return None


def recall(profile, values, seen=None):
    """The record for exactly these option values, when an earlier call validated them and their token still
    lives long enough; None for anything else, and the engine then takes the full path (which also warns).
    seen, a dict, receives the key and entry read on the way, so that a miss need not read the entry again."""
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
        window = shortcut.get('renew_window')
        entry = open_entry(folder, key, material)
        if seen is not None:
            seen.update(key=key, entry=entry)
        return served(entry, int(shortcut['min_ttl']), shortcut['api_url'], None if window is None else int(window))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
