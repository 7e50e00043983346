# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The flow of a token request, the same for every vendor.

options -> cache shortcut for these exact options (_recall.recall; a hit ends there: the lookup reaches this file
           only on a miss)
        -> TokenRequest (validated, before any network I/O, in _request.py)
        -> cache entry of the credential, under its lock -> POST (refresh grant first) -> token record.
Two windows before a cached token expires: inside the advisory one (renew_window, see _recall.renew_threshold) the
first process to come renews, without retries, while the others are served the cached token without waiting; its
failure serves the cached token too, with one warning per run, and is remembered in the entry (renew_failed) for a
short jittered back-off, so a fleet makes one attempt per back-off, not one per task. Inside min_ttl (the mandatory
window) one process fetches while the others wait, and a failure fails the task.
A refused login (400, 401, 403) there is stored in the entry for refusal_ttl seconds, so the others waiting on the
lock fail with it instead of asking again. Vendor differences come from the profile table in _profiles.py.
"""

from __future__ import annotations

import copy
import hmac
import random
import time

from ansible_collections.vendor.tokens.plugins.module_utils._cache import TokenCache
from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError, mask
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import profile_for
from ansible_collections.vendor.tokens.plugins.module_utils._options import describe
from ansible_collections.vendor.tokens.plugins.module_utils._recall import recall, renew_threshold, served, shortcut_name
from ansible_collections.vendor.tokens.plugins.module_utils._request import build_request
from ansible_collections.vendor.tokens.plugins.module_utils._shared_cache import SharedTokenCache
from ansible_collections.vendor.tokens.plugins.module_utils._token import JMESPATH_IMPORT_ERROR, record_from_response

REFUSED_STATUSES = (400, 401, 403)
# At most how long after it the tasks that waited on a credential's lock fail with the transient failure met meanwhile.
SHARED_FAILURE = 10
# After a failed renewal in the advisory window, the next attempt waits a sixth of the window, within these bounds,
# plus up to a quarter more at random, so that controllers without a shared cache spread their attempts.
BACKOFF_SHARE = 1.0 / 6
BACKOFF_MIN = 5
BACKOFF_MAX = 60
BACKOFF_JITTER = 0.25


def get_token(vendor, adapter, warn=None):
    """A token record for a vendor name or alias, with options from an OptionAdapter (cache hit first)."""
    return token_for(profile_for(vendor), adapter, warn)


def token_for(profile, adapter, warn=None):
    """A token record for a profile (a row of the table), with options from an OptionAdapter: from the cache
    when these exact options were validated before and their token is not yet in its advisory window, else
    through obtain (which renews in that window, or serves the cached token while another process renews)."""
    values = adapter.values(profile)
    seen = {}
    return recall(profile, values, seen) or obtain(profile, values, warn, seen)


def obtain(profile, values, warn=None, seen=None):
    """What a cache miss does: validate, then the credential's cached token or a new one. seen: what recall read."""
    warn = warn or (lambda text: None)
    request = build_request(profile, values, describe, warn)
    try:
        if not request.options['cache']:
            return fetch(request, warn, _given_refresh_token(request))
        return _through_cache(request, values, warn, seen or {})
    except TokenError as exc:
        exc.message = mask(exc.message, request.secrets)
        if exc.vendor_message:
            exc.vendor_message = mask(exc.vendor_message, request.secrets)
        raise


def _through_cache(request, values, warn, seen):
    """The credential's cached token, else a new one; then a shortcut from these exact options to its entry."""
    opts = request.options
    cache = open_cache(opts, warn)
    key = cache.key(request)
    # The entry recall just read, if it is this one; Redis, in front of which the file cache stands, is read anew.
    known = seen.get('entry') if seen.get('key') == key and not cache.shared else None
    record = _cached_or_fetched(request, cache, key, warn, known)
    if not opts['force'] and not opts['refused_token']:
        # These exact options are now known to be valid and to name this entry: later calls may skip straight to it.
        cache.remember(shortcut_name(request.profile.name, values, request.key_material), key, request.api_url,
                       opts['min_ttl'], opts.get('renew_window'))
    return record


def open_cache(opts, warn):
    """The file cache, or with cache_url set the file cache in front of Redis."""
    if not opts.get('cache_url'):
        return TokenCache(opts['cache_dir'], warn)
    # A controller that dies holding the shared lock delays the others one request attempt at most.
    return SharedTokenCache(opts['cache_dir'], opts['cache_url'], opts.get('cache_ca_path'), 2 * opts['timeout'], warn)


def _cached_or_fetched(request, cache, key, warn, known=None):
    """Serve from the cache before the advisory window; inside it renew in advance (_renew_in_advance); inside
    min_ttl, or with force or a refused token, one process fetches while the others wait, and a failure fails."""
    opts = request.options

    def fresh(entry, in_advisory=False):
        if opts['force'] or _holds(entry, opts['refused_token']):
            return None
        return served(entry, opts['min_ttl'], request.api_url, opts.get('renew_window'), in_advisory)

    entry = known or cache.read(key, request.key_material)  # lock-free: files are replaced atomically
    record = fresh(entry)
    if record:
        return record
    if fresh(entry, in_advisory=True):
        record = _renew_in_advance(request, cache, key, warn)
        if record:
            return record
    waiting_since = time.time()
    with cache.lock(key):
        entry = cache.read(key, request.key_material)
        record = fresh(entry, in_advisory=True)  # another process may have fetched while this one waited
        if record:
            return record
        if not opts['force']:
            _raise_remembered_refusal(request, entry)
            _raise_shared_failure(request, entry, waiting_since)
        refresh_token = _given_refresh_token(request) or (entry or {}).get('refresh_token')
        try:
            record = fetch(request, warn, refresh_token)
        except Exception as exc:
            _remember_refusal(request, cache, key, exc)
            _share_failure(request, cache, key, entry, exc)
            raise
        return _store(request, cache, key, record, refresh_token, warn)


def _store(request, cache, key, record, refresh_token, warn):
    """Cache a new token (with its lifetime, from which the advisory window derives) and return it."""
    if record['expires_in'] < request.options['min_ttl']:
        # Otherwise every later task fetches again without a word, and meets the vendor's rate limit.
        warn('%s issued a token that lives %d s, less than min_ttl %d s, so the cache cannot serve it; '
             'set min_ttl below %d' % (request.profile.name, record['expires_in'], request.options['min_ttl'],
                                       record['expires_in']))
    cache.write(key, request.key_material, {'record': record, 'refresh_token': record.get('refresh_token') or refresh_token,
                                            'lifetime': record['expires_in']}, ttl=record['expires_in'])
    return record


def _renew_in_advance(request, cache, key, warn):
    """Inside the advisory window: the first process to come renews (a non-blocking try of the key's lock, which
    with cache_url spans controllers) and every other one is served the cached token at once. A renewal that fails
    serves the still-valid token with one warning per run and is remembered in the entry for a jittered back-off,
    which is its retry: the attempt itself is made without retries. None once the token is inside min_ttl."""
    opts = request.options
    with cache.lock(key, blocking=False) as held:
        entry = cache.read(key, request.key_material)  # another process may have renewed, or failed to, meanwhile
        cached = served(entry, opts['min_ttl'], request.api_url, in_advisory=True)
        if not held or cached is None:
            return cached
        renewed = served(entry, opts['min_ttl'], request.api_url, opts.get('renew_window'))
        if renewed:
            return renewed
        failed = entry.get('renew_failed')
        if not (isinstance(failed, dict) and isinstance(failed.get('until'), (int, float)) and failed['until'] > time.time()):
            refresh_token = _given_refresh_token(request) or entry.get('refresh_token')
            try:
                record = fetch(_without_retries(request), warn, refresh_token)
            except TokenError as exc:
                failed = _renewal_failure(request, entry, exc)
                cache.write(key, request.key_material, dict(entry, renew_failed=failed), ttl=cached['expires_in'])
            else:
                return _store(request, cache, key, record, refresh_token, warn)
        _warn_renewal_failed(request, cache, failed, cached, warn)
        return cached


def _without_retries(request):
    """The request made once: in the advisory window, the back-off is the retry."""
    once = copy.copy(request)
    once.options = dict(request.options, retries=0)
    return once


def _renewal_failure(request, entry, exc):
    """What the entry remembers of a failed renewal: when, until when not to try again, and why (no secret)."""
    now = time.time()
    window = renew_threshold(entry, request.options['min_ttl'], request.options.get('renew_window'))
    backoff = min(max(window * BACKOFF_SHARE, BACKOFF_MIN), BACKOFF_MAX) * (1 + BACKOFF_JITTER * random.random())
    asked = getattr(exc, 'retry_after', None)  # a 429 or 503 that says when to come back is believed
    if isinstance(asked, (int, float)) and asked > backoff:
        backoff = min(asked, window)
    status, reason = getattr(exc, 'status', None), str(exc)
    if reason.startswith(request.profile.name + ', '):  # the warning names the vendor first
        reason = reason[len(request.profile.name) + 2:]
    return {'at': now, 'until': now + backoff, 'status': status, 'refused': status in REFUSED_STATUSES,
            'reason': mask(reason, request.secrets)}


def _warn_renewal_failed(request, cache, failed, cached, warn):
    """One warning per run and kind of failure (the marker in the cache folder spans the run's forks)."""
    try:
        status, refused, reason = failed.get('status'), bool(failed.get('refused')), str(failed['reason'])
    except (AttributeError, KeyError):
        return  # not a failure this version wrote
    if not cache.first_in_run('renewal failed', request.profile.name, status):
        return
    if refused:
        warn('%s refused the credential when the token was renewed in advance (%s); the cached token is still '
             'served, but fix the credential before the token expires at %s: from min_ttl (%d s before) tasks fail'
             % (request.profile.name, reason, cached['expires_at'], request.options['min_ttl']))
    else:
        warn('%s: renewing the token in advance failed (%s); the cached token, valid until %s, is still served, and '
             'renewal is tried again after a short back-off; tasks fail only if it still fails within min_ttl (%d s) '
             'of expiry' % (request.profile.name, reason, cached['expires_at'], request.options['min_ttl']))


def _holds(entry, token):
    """Whether the entry's token is this one (a token the API refused), compared in constant time."""
    cached = ((entry or {}).get('record') or {}).get('access_token')
    return bool(token and cached) and hmac.compare_digest(str(cached).encode('utf-8'), str(token).encode('utf-8'))


def _given_refresh_token(request):
    refresh = request.profile.refresh
    return request.options.get(refresh.option) if refresh else None


def _remember_refusal(request, cache, key, exc):
    """Store a refused login (never a transient failure) in the credential's entry for refusal_ttl seconds."""
    if request.options['refusal_ttl'] <= 0 or getattr(exc, 'status', None) not in REFUSED_STATUSES:
        return
    cache.write(key, request.key_material, {'refused': {
        'at': time.time(), 'status': exc.status, 'url': exc.url, 'message': mask(exc.message, request.secrets),
        'vendor_message': mask(exc.vendor_message, request.secrets) if exc.vendor_message else None,
        'shape': _request_shape(request)}}, ttl=request.options['refusal_ttl'])


def _share_failure(request, cache, key, entry, exc):
    """A transient failure (timeout, 429, 5xx, an unreadable answer) met after every retry is kept in the entry, so
    that the tasks that were waiting on the lock meanwhile fail with it at once, instead of each making a round of
    retries in turn. A task that comes later asks again: a transient failure is never remembered for it."""
    if not isinstance(exc, TokenError) or exc.status in REFUSED_STATUSES:
        return
    now = time.time()
    failed = {'at': now, 'status': exc.status, 'url': exc.url, 'message': mask(str(exc.message), request.secrets),
              'vendor_message': mask(exc.vendor_message, request.secrets) if exc.vendor_message else None,
              'shape': _request_shape(request)}
    record = (entry or {}).get('record') or {}
    ttl = max(record.get('expires_at_epoch', 0) - now, SHARED_FAILURE)
    cache.write(key, request.key_material, dict(entry or {}, failed=failed), ttl=ttl)


def _raise_shared_failure(request, entry, waiting_since):
    """Fail with the transient failure another task met while this one waited for the lock (see _share_failure)."""
    failed = (entry or {}).get('failed')
    try:
        at, message = float(failed['at']), str(failed['message'])
    except (KeyError, TypeError, ValueError):
        return
    if at < waiting_since or time.time() - at >= SHARED_FAILURE or failed.get('shape') != _request_shape(request):
        return
    raise TokenError('%s (met by another task with this credential while this one waited, after its retries; the next '
                     'task asks again)' % message, vendor=request.profile.name, url=failed.get('url') or request.url,
                     status=failed.get('status'), vendor_message=failed.get('vendor_message'))


def _request_shape(request):
    """The non-secret options that shape the request beyond the cache key (such as how the client secret travels): a refusal is
    replayed only to a request of the same shape, so changing how credentials travel asks again at once."""
    return [[cred.name, request.options.get(cred.name)] for cred in request.profile.credentials if not cred.secret]


def _raise_remembered_refusal(request, entry):
    """Fail with the refusal the entry remembers, while it is younger than refusal_ttl."""
    refused = (entry or {}).get('refused')
    ttl = request.options['refusal_ttl']
    if not refused or ttl <= 0:
        return
    try:
        age = max(0, int(time.time() - float(refused['at'])))
        status, message = int(refused['status']), str(refused['message'])
    except (KeyError, TypeError, ValueError):
        return  # not a refusal this version wrote: ask
    if age >= ttl or refused.get('shape') != _request_shape(request):
        return
    note = ('refused %d s ago and remembered for refusal_ttl %d s: asked again in %d s, or at once with a changed '
            'credential or force: true' % (age, ttl, ttl - age))
    # vendor_message stays the vendor's own words, as on the first refusal; the collection's note is in the message.
    raise TokenError('%s (%s)' % (message, note), vendor=request.profile.name, url=refused.get('url') or request.url,
                     status=status, vendor_message=refused.get('vendor_message'))


def fetch(request, warn, refresh_token=None):
    """Ask the vendor for a token: the refresh grant first when a refresh token is known, else the main grant."""
    profile = request.profile
    if JMESPATH_IMPORT_ERROR:  # before the request: an answer that cannot be read still counts against rate limits
        raise TokenError('the Python package jmespath is needed to read the answer (%s); install it on the controller'
                         % JMESPATH_IMPORT_ERROR, vendor=profile.name, url=request.url)
    if profile.refresh and refresh_token:
        url = request.refresh_url
        variables = dict(request.options, **{profile.refresh.option: refresh_token})
        fields = dict((key, value.format(**variables)) for key, value in profile.refresh.body.items())
        try:
            return record_from_response(request, request.post(url, fields, None), url)
        except TokenError as exc:
            if exc.status is None or exc.status == 429 or exc.status >= 500:  # down: the main grant would not fare better
                raise
            warn('%s refused the refresh token (HTTP %s); falling back to the %s grant'
                 % (profile.name, exc.status, request.fields.get('grant_type', 'main')))
    return record_from_response(request, request.post(request.url, request.fields, request.auth), request.url)
