# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The flow of a token request, the same for every vendor.

options -> cache shortcut for these exact options (_recall.token_for; a hit ends there, without this file)
        -> TokenRequest (validated, before any network I/O, in _request.py)
        -> cache entry of the credential, under its lock -> POST (refresh grant first) -> token record.
A refused login (400, 401, 403) is stored in the entry for refusal_ttl seconds, so the others waiting on the lock
fail with it instead of asking again. Vendor differences come from the profile table in _profiles.py.
"""

from __future__ import annotations

import hmac
import time

from ansible_collections.vendor.tokens.plugins.module_utils._cache import TokenCache
from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import profile_for
from ansible_collections.vendor.tokens.plugins.module_utils._recall import served, shortcut_name, token_for
from ansible_collections.vendor.tokens.plugins.module_utils._request import build_request, scrub
from ansible_collections.vendor.tokens.plugins.module_utils._shared_cache import SharedTokenCache
from ansible_collections.vendor.tokens.plugins.module_utils._token import JMESPATH_IMPORT_ERROR, record_from_response

REFUSED_STATUSES = (400, 401, 403)


def get_token(vendor, adapter, warn=None):
    """A token record for a vendor name or alias, with options from an OptionAdapter (cache hit first)."""
    return token_for(profile_for(vendor), adapter, warn)


def obtain(profile, values, describe, warn=None):
    """What a cache miss does: validate, then the credential's cached token or a new one."""
    warn = warn or (lambda text: None)
    request = build_request(profile, values, describe, warn)
    try:
        if not request.options['cache']:
            return fetch(request, warn, _given_refresh_token(request))
        return _through_cache(request, values, warn)
    except TokenError as exc:
        exc.message = scrub(exc.message, request.secrets)
        if exc.vendor_message:
            exc.vendor_message = scrub(exc.vendor_message, request.secrets)
        raise


def _through_cache(request, values, warn):
    """The credential's cached token, else a new one; then a shortcut from these exact options to its entry."""
    opts = request.options
    cache = open_cache(opts, warn)
    key = cache.key(request)
    record = _cached_or_fetched(request, cache, key, warn)
    if not opts['force'] and not opts['refused_token']:
        # These exact options are now known to be valid and to name this entry: later calls may skip straight to it.
        cache.remember(shortcut_name(request.profile.name, values, request.key_material), key, request.api_url,
                       opts['min_ttl'])
    return record


def open_cache(opts, warn):
    """The file cache, or with cache_url set the file cache in front of Redis."""
    if not opts.get('cache_url'):
        return TokenCache(opts['cache_dir'], warn)
    # A controller that dies holding the shared lock delays the others one request attempt at most.
    return SharedTokenCache(opts['cache_dir'], opts['cache_url'], opts.get('cache_ca_path'), 2 * opts['timeout'], warn)


def _cached_or_fetched(request, cache, key, warn):
    """Serve from the cache while the token lives min_ttl more seconds; else one process fetches, the others wait."""
    opts = request.options

    def fresh(entry):
        if opts['force'] or _holds(entry, opts['refused_token']):
            return None
        return served(entry, opts['min_ttl'], request.api_url)

    record = fresh(cache.read(key, request.key_material))  # lock-free: files are replaced atomically
    if record:
        return record
    with cache.lock(key):
        entry = cache.read(key, request.key_material)
        record = fresh(entry)  # another process may have fetched while this one waited
        if record:
            return record
        if not opts['force']:
            _raise_remembered_refusal(request, entry)
        refresh_token = _given_refresh_token(request) or (entry or {}).get('refresh_token')
        try:
            record = fetch(request, warn, refresh_token)
        except Exception as exc:
            _remember_refusal(request, cache, key, exc)
            raise
        if record['expires_in'] < opts['min_ttl']:
            # Otherwise every later task fetches again without a word, and meets the vendor's rate limit.
            warn('%s issued a token that lives %d s, less than min_ttl %d s, so the cache cannot serve it; '
                 'set min_ttl below %d' % (request.profile.name, record['expires_in'], opts['min_ttl'],
                                           record['expires_in']))
        cache.write(key, request.key_material,
                    {'record': record, 'refresh_token': record.get('refresh_token') or refresh_token},
                    ttl=record['expires_in'])
        return record


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
        'at': time.time(), 'status': exc.status, 'url': exc.url, 'message': scrub(exc.message, request.secrets),
        'vendor_message': scrub(exc.vendor_message, request.secrets) if exc.vendor_message else None,
        'shape': _request_shape(request)}}, ttl=request.options['refusal_ttl'])


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
    vendor_message = refused.get('vendor_message')
    if vendor_message:
        vendor_message = '%s (%s)' % (vendor_message, note)
    else:
        message = '%s (%s)' % (message, note)
    raise TokenError(message, vendor=request.profile.name, url=refused.get('url') or request.url, status=status,
                     vendor_message=vendor_message)


def fetch(request, warn, refresh_token=None):
    """Ask the vendor for a token: the refresh grant first when a refresh token is known, else the main grant."""
    profile = request.profile
    if JMESPATH_IMPORT_ERROR:  # before the request: an answer that cannot be read still counts against rate limits
        raise TokenError('the Python package jmespath is needed to read the answer (%s); install it on the controller'
                         % JMESPATH_IMPORT_ERROR, vendor=profile.name, url=request.url)
    if profile.refresh and refresh_token:
        url = request.url.rstrip('/') + profile.refresh.url_suffix
        variables = dict(request.options, **{profile.refresh.option: refresh_token})
        fields = dict((key, value.format(**variables)) for key, value in profile.refresh.body.items())
        try:
            return record_from_response(request, request.post(url, fields, None), url)
        except TokenError as exc:
            if exc.status is None:
                raise
            warn('%s refused the refresh token (HTTP %s); falling back to the %s grant'
                 % (profile.name, exc.status, profile.body.get('grant_type', 'main')))
    return record_from_response(request, request.post(request.url, request.fields, request.auth), request.url)
