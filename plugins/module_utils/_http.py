# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP for token requests: requests with urllib3's Retry, bounded in count and time."""

from __future__ import annotations

import email.utils
import os
import time
import warnings
from urllib.parse import urlsplit

from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import (
        ConnectTimeoutError, InsecureRequestWarning, MaxRetryError, NewConnectionError, ReadTimeoutError)
    from urllib3.util.retry import Retry
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the callers with missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc
    Retry = object
    InsecureRequestWarning = Warning

# 429 and the 5xx that mean "try again"; 400/401/403 never are, nor a proxy's 407.
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
PROXY_AUTH_REQUIRED = 407
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 8.0


class RetryAfterTooLong(Exception):
    """The server asked to wait longer than this request may."""

    def __init__(self, status, seconds):
        super(RetryAfterTooLong, self).__init__(status, seconds)
        self.status = status
        self.seconds = seconds


class BoundedRetry(Retry):
    """Retry that honours Retry-After only up to max_wait seconds, then gives up at once."""

    max_wait = 30.0

    def new(self, **kw):
        retry = super(BoundedRetry, self).new(**kw)
        retry.max_wait = self.max_wait
        return retry

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        # A proxy that wants credentials will not get them by being asked again.
        if error is not None and asks_proxy_credentials(error):
            raise MaxRetryError(_pool, url, error)
        return super(BoundedRetry, self).increment(method=method, url=url, response=response, error=error, _pool=_pool,
                                                   _stacktrace=_stacktrace)

    def sleep_for_retry(self, response):
        header = response.headers.get('Retry-After')
        if header is not None:
            seconds = _retry_after_seconds(header)
            if seconds is not None and seconds > self.max_wait:
                raise RetryAfterTooLong(response.status, seconds)
        return super(BoundedRetry, self).sleep_for_retry(response)


def _retry_after_seconds(header):
    header = header.strip()
    if header.isdigit():
        return float(header)
    parsed = email.utils.parsedate_tz(header)
    if parsed is None:
        return None
    return max(0.0, email.utils.mktime_tz(parsed) - time.time())


_SESSIONS = {}


def session(retries, max_wait):
    """One requests.Session per process and retry policy, so connections are reused."""
    key = (retries, max_wait)
    if key not in _SESSIONS:
        retry = BoundedRetry(
            total=retries, connect=retries, read=retries, status=retries, other=0, redirect=0,
            allowed_methods=None, status_forcelist=RETRY_STATUSES, backoff_factor=BACKOFF_FACTOR,
            respect_retry_after_header=True, raise_on_status=False, raise_on_redirect=False)
        retry.max_wait = max_wait
        http = requests.Session()
        adapter = HTTPAdapter(max_retries=retry)
        http.mount('https://', adapter)
        http.mount('http://', adapter)
        _SESSIONS[key] = http
    return _SESSIONS[key]


class Answer(object):
    """What came back: status, body text, content type, when it arrived, and the seconds its Retry-After asks."""

    def __init__(self, status, text, content_type, received_at, location=None, retry_after=None):
        self.status = status
        self.text = text
        self.content_type = content_type
        self.received_at = received_at
        self.location = location
        self.retry_after = retry_after


def post(url, vendor, *, validate_certs, ca_path, client_cert, client_key, timeout, retries, data=None, json_body=None,
         auth=None):
    """POST once (with bounded retries) and return an Answer; raise TokenError when nothing usable came back.
    The settings come resolved, their defaults applied (module_utils/_settings.py holds them)."""
    if not HAS_REQUESTS:
        raise TokenError('the Python package requests is needed to request a token (%s); install it on the controller'
                         % REQUESTS_IMPORT_ERROR, vendor=vendor, url=url)
    verify = ca_bundle(ca_path) if validate_certs else False
    cert = (client_cert, client_key) if client_cert and client_key else client_cert
    http = session(retries, float(timeout))
    proxy = proxy_address(url)

    def fail(message, status=None):
        if proxy and status is None:
            message = '%s (through the proxy %s; HTTPS_PROXY, ALL_PROXY and NO_PROXY choose it)' % (message, proxy)
        return TokenError(message, vendor=vendor, url=url, status=status)

    def proxy_wants_credentials():
        return TokenError(proxy_credentials_message(proxy), vendor=vendor, url=url)

    try:
        with warnings.catch_warnings():
            # validate_certs: false is warned about once by the engine, not by urllib3 at every request.
            warnings.simplefilter('ignore', InsecureRequestWarning)
            response = http.post(url, data=data, json=json_body, auth=auth, verify=verify, cert=cert,
                                 timeout=(timeout, timeout), allow_redirects=False,
                                 headers={'Accept': 'application/json'})
        received_at = time.time()
        text = response.text
    except RetryAfterTooLong as exc:
        raise fail('the server asked to retry after %d s, longer than this request waits (timeout %s s); try again later'
                   % (exc.seconds, timeout), status=exc.status)
    except requests.exceptions.SSLError as exc:
        raise fail('TLS failed (%s); set ca_path to the CA bundle that signed the server certificate, '
                   'or check the host name in the URL' % _reason(exc))
    except requests.exceptions.ProxyError as exc:
        if asks_proxy_credentials(exc):
            raise proxy_wants_credentials()
        raise fail('the proxy failed after %s (%s)' % (times(retries), _proxy_reason(exc)))
    except requests.exceptions.ConnectTimeout:
        raise fail('could not connect within %s s (after %s)' % (timeout, times(retries)))
    except requests.exceptions.ReadTimeout:
        raise fail('no answer within %s s (after %s); raise timeout if the service is slow' % (timeout, times(retries)))
    except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
        raise fail('the answer was cut off: the connection broke while it was being read (%s)' % _reason(exc))
    except requests.exceptions.ConnectionError as exc:
        # Retries exhausted on timeouts arrive as a ConnectionError wrapping urllib3's timeout.
        cause = _innermost(exc)
        if isinstance(cause, ReadTimeoutError):
            raise fail('no answer within %s s (after %s); raise timeout if the service is slow' % (timeout, times(retries)))
        if isinstance(cause, ConnectTimeoutError) and not isinstance(cause, NewConnectionError):
            raise fail('could not connect within %s s (after %s)' % (timeout, times(retries)))
        raise fail('the connection failed after %s (%s)' % (times(retries), _reason(exc)))
    except requests.exceptions.RequestException as exc:
        raise fail('the request failed (%s: %s)' % (type(exc).__name__, _reason(exc)))
    except UnicodeError as exc:
        # Its text quotes the character and its position, which may be a secret's.
        raise fail('the request could not be encoded (%s): an option holds characters that cannot be sent'
                   % type(exc).__name__)
    except (OSError, ValueError) as exc:
        raise fail('the request could not be made (%s: %s); check client_cert, client_key and ca_path'
                   % (type(exc).__name__, exc))
    if response.status_code == PROXY_AUTH_REQUIRED and proxy:  # a plain http:// URL through the proxy
        raise proxy_wants_credentials()
    retry_after = response.headers.get('Retry-After')
    return Answer(response.status_code, text, response.headers.get('Content-Type', ''), received_at,
                  response.headers.get('Location'), _retry_after_seconds(retry_after) if retry_after else None)


def times(retries):
    """'1 retry', '3 retries': for messages."""
    return '1 retry' if retries == 1 else '%d retries' % retries


def ca_bundle(ca_path):
    """What verifies the server: ca_path, else the bundle REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE names (how a
    corporate CA is usually given), else the bundle requests ships. Chosen here, so the rule is this one."""
    return ca_path or os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True


def proxy_address(url):
    """host:port of the proxy the environment sets for url (NO_PROXY honoured), without its credentials; or None."""
    try:
        proxy = requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url))
        if not proxy:
            return None
        parts = urlsplit(proxy if '://' in proxy else 'http://' + proxy)
        return '%s:%s' % (parts.hostname, parts.port or (443 if parts.scheme == 'https' else 80))
    except (ValueError, TypeError, AttributeError):
        return 'set in the environment'


def proxy_credentials_message(proxy):
    """What to do when the proxy (host:port, never its credentials) answered 407, which is never retried."""
    return ('the proxy %s answered HTTP 407 Proxy Authentication Required (not retried): give it your proxy '
            'credentials, or correct them, in the proxy URL (HTTPS_PROXY=http://USER:PASSWORD@%s, special characters '
            'percent-encoded), or list this host in NO_PROXY' % (proxy or 'set in the environment', proxy or 'HOST:PORT'))


def asks_proxy_credentials(exc):
    """Whether exc (a requests or urllib3 error, however nested) is a proxy's 407 to the CONNECT of an https URL
    (http.client words it 'Tunnel connection failed: 407 Proxy Authentication Required')."""
    import re
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if re.search(r'Tunnel connection failed: %d\b|\b%d Proxy Authentication' % ((PROXY_AUTH_REQUIRED,) * 2), str(exc)):
            return True
        inner = [getattr(exc, name, None) for name in ('reason', 'original_error', '__cause__', '__context__')]
        exc = next((cause for cause in inner if isinstance(cause, BaseException)), None)  # ssl's reason is a str
    return False


def _proxy_reason(exc):
    """Why a proxy failed, in a few words (urllib3 nests reprs that hold the whole connection object)."""
    import re
    text = str(exc)
    found = re.search(r'\[Errno -?\d+\] ([^"\')\]]+)', text)
    if found:
        return found.group(1).strip().lower()
    for words in ('timed out', 'Tunnel connection failed: [^"\')]+', 'Remote end closed connection without response'):
        found = re.search(words, text)
        if found:
            return found.group(0).lower()
    return 'it closed or refused the connection'


def _innermost(exc):
    """The innermost cause of a requests/urllib3 error (they wrap it several times)."""
    reason = exc
    seen = set()
    while id(reason) not in seen:
        seen.add(id(reason))
        inner = getattr(reason, 'reason', None) or (reason.args[0] if getattr(reason, 'args', None) else None)
        if isinstance(inner, BaseException):
            reason = inner
        else:
            break
    return reason


def _reason(exc):
    return str(_innermost(exc))[:300]
