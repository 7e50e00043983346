# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The normalised token record: expiry parsing, JWT claims, reading a vendor's answer."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import math
import re

from ansible_collections.vendor.tokens.plugins.module_utils._recall import with_time_left
from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError

try:  # this file is imported only to read an answer: a cache hit never pays for jmespath
    import jmespath
    JMESPATH_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - the modules report it first with missing_required_lib
    jmespath = None
    JMESPATH_IMPORT_ERROR = exc


# Epoch values at or above this are milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973.
_EPOCH_MS_THRESHOLD = 1e11
# A lifetime beyond this is a parsing mistake or a broken server, not a token to trust.
MAX_LIFETIME = 366 * 86400

_ISO8601 = re.compile(
    r'^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*'
    r'(Z|z|[+-]\d{2}(?::?\d{2})?)?$')
_NUMBER = re.compile(r'^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$')


def isoformat(epoch):
    """UTC ISO-8601 with a Z, to the second."""
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def _parse_iso8601(text):
    match = _ISO8601.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                                   tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    epoch = moment.timestamp() + (float('0.' + fraction) if fraction else 0.0)
    if zone and zone not in ('Z', 'z'):
        sign = -1 if zone[0] == '-' else 1
        digits = zone[1:].replace(':', '')
        offset = int(digits[:2]) * 3600 + int(digits[2:4] or 0) * 60
        epoch -= sign * offset
    # No zone: the vendors that write dates write UTC.
    return epoch


def _as_number(raw):
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    if isinstance(raw, str) and _NUMBER.match(raw.strip()):
        return float(raw.strip())
    return None


def parse_expiry(raw, kind, now):
    """Epoch seconds at which a token expires.

    kind 'relative': seconds from now. kind 'absolute': epoch seconds, epoch milliseconds
    (also floats in scientific notation such as 1.585002117836E12) or ISO-8601 with Z or an offset.
    Raises ValueError naming what was wrong with the value.
    """
    number = _as_number(raw)
    if number is not None and not math.isfinite(number):
        raise ValueError('the expiry %r is not a finite number' % (raw,))
    if kind == 'relative':
        if number is None:
            raise ValueError('the expiry %r is not a number of seconds' % (raw,))
        return now + number
    if number is not None:
        return number / 1000.0 if abs(number) >= _EPOCH_MS_THRESHOLD else number
    if isinstance(raw, str):
        epoch = _parse_iso8601(raw)
        if epoch is not None:
            return epoch
    raise ValueError('the expiry %r is neither epoch seconds, epoch milliseconds nor an ISO-8601 date' % (raw,))


def decode_jwt_claims(token):
    """The payload of a JWT, decoded without verifying it; None when token is not a JWT."""
    parts = token.split('.')
    if len(parts) != 3:
        return None
    payload = parts[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + '=' * (-len(payload) % 4)).decode('utf-8'))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def search(path, data):
    """JMESPath lookup that treats a failed expression on odd data as 'absent'."""
    if path is None:
        return None
    try:
        return jmespath.search(path, data)
    except jmespath.exceptions.JMESPathError:
        return None


def vendor_error_text(profile, body_text):
    """The vendor's own error text from an error answer, or None."""
    try:
        data = json.loads(body_text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    texts = []
    for path in profile.error_paths:
        value = search(path, data)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            text = str(value).strip()[:300]
            if text not in texts:
                texts.append(text)
    return ': '.join(texts) or None


def record_from_answer(profile, body_text, obtained_at, url, api_url, requested_scope=None, content_type=None):
    """Build the normalised token record from a successful answer's body.

    Raises TokenError naming what is wrong with the answer.
    """
    def fail(message):
        return TokenError(message, vendor=profile.name, url=url, status=200)

    try:
        data = json.loads(body_text)
    except ValueError as exc:
        kind = (content_type or 'unknown').split(';')[0]
        if body_text.lstrip()[:1] == '<':
            return_message = 'the answer is an HTML page (content type %s), not the JSON token answer' % kind
        elif not body_text.strip():
            return_message = 'the answer is empty, not the JSON token answer'
        else:
            return_message = 'the answer is not valid JSON (%s; content type %s)' % (exc, kind)
        raise fail(return_message)
    if not isinstance(data, dict):
        raise fail('the answer is JSON but not an object')

    access_token = search(profile.token_path, data)
    if not isinstance(access_token, str) or not access_token.strip():
        raise fail("the answer has no access token at '%s'" % profile.token_path)
    access_token = access_token.strip()

    token_type = search(profile.type_path, data)
    if token_type is None:
        token_type = 'Bearer'
    if not isinstance(token_type, str) or token_type.strip().lower() != 'bearer':
        raise fail("the token type at '%s' is %r; only bearer tokens are supported" % (profile.type_path, token_type))

    claims = decode_jwt_claims(access_token)
    raw_expiry = search(profile.expiry_path, data)
    try:
        if raw_expiry is None:
            raise ValueError("the answer has no expiry at '%s'" % profile.expiry_path)
        expires_at = parse_expiry(raw_expiry, profile.expiry_kind, obtained_at)
    except ValueError as exc:
        raise fail(str(exc))
    # A signed exp earlier than the body says is the truth: the API will refuse the token then.
    jwt_exp = _as_number(claims.get('exp')) if claims else None
    if jwt_exp is not None and math.isfinite(jwt_exp) and obtained_at < jwt_exp < expires_at:
        expires_at = jwt_exp
    if expires_at <= obtained_at:
        raise fail('the token is already expired on arrival (expiry %r at %s is not after %s; check the clocks)'
                   % (raw_expiry, profile.expiry_path, isoformat(obtained_at)))
    if expires_at - obtained_at > MAX_LIFETIME:
        raise fail('the expiry %r at %s is more than %d days away, which no token of %s lives; refusing it'
                   % (raw_expiry, profile.expiry_path, MAX_LIFETIME // 86400, profile.title))

    record = {
        'vendor': profile.name,
        'access_token': access_token,
        'token_type': 'Bearer',
        'expires_at_epoch': int(expires_at),
        'expires_at': isoformat(expires_at),
        'obtained_at': isoformat(obtained_at),
        'api_url': api_url,
        'claims': claims,
        'cached': False,
    }
    scope = search(profile.scope_path, data) or requested_scope
    if isinstance(scope, str) and scope:
        record['scope'] = scope
    refresh_token = search(profile.refresh_path, data)
    if isinstance(refresh_token, str) and refresh_token:
        record['refresh_token'] = refresh_token
    return with_time_left(record, obtained_at)


def record_from_response(request, answer, url):
    """Turn an HTTP answer into a record, or a TokenError with the vendor's own words."""
    profile = request.profile
    if 300 <= answer.status < 400:
        raise TokenError('the server redirected to %s; redirects are not followed so credentials are never re-sent '
                         'elsewhere: set auth_url to the final URL' % (answer.location or 'an unnamed location'),
                         vendor=profile.name, url=url, status=answer.status)
    if answer.status != 200:
        vendor_text = vendor_error_text(profile, answer.text)
        # Refused: the vendor said no (4xx); failed: it could not answer now (429, 5xx), which is tried again.
        outcome = 'was refused' if 400 <= answer.status < 500 and answer.status != 429 else 'failed'
        if vendor_text is None:
            what = 'an empty answer' if not answer.text.strip() else 'no error text the vendor documents'
            hint = ' (check the credentials)' if answer.status in (401, 403) else ''
            error = TokenError('the token request %s with %s%s' % (outcome, what, hint),
                               vendor=profile.name, url=url, status=answer.status)
        else:
            error = TokenError('the token request %s' % outcome, vendor=profile.name, url=url, status=answer.status,
                               vendor_message=vendor_text)
        error.retry_after = getattr(answer, 'retry_after', None)  # the engine's back-off waits at least this long
        raise error
    return record_from_answer(profile, answer.text, answer.received_at, url, request.api_url,
                              request.scope, answer.content_type)
