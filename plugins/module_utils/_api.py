# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A client for a vendor's API with the vendor's cached token, for vendor.tokens.api_request and sase_objects.

One keep-alive requests.Session per worker process. A 401 asks the token cache once for a new token with
refused_token (the engine single-flights it across forks and hosts). 429 and 503 are retried for any method,
other 5xx only for idempotent methods, within a bounded budget that honours Retry-After; a 429 holds back every
thread of this client (a shared gate). Every failure is one ApiError naming METHOD URL, the status and the API's own
message; no token or secret ever appears in one.
"""

from __future__ import annotations

import json
import threading
import time
import warnings
from urllib.parse import urlencode

from ansible_collections.vendor.tokens.plugins.module_utils import _http
from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError, mask
from ansible_collections.vendor.tokens.plugins.module_utils._settings import DEFAULTS

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import ConnectTimeoutError, InsecureRequestWarning, NewConnectionError, ReadTimeoutError
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - reported by the callers with missing_required_lib
    HAS_REQUESTS = False
    InsecureRequestWarning = Warning

IDEMPOTENT = frozenset(('GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'))
READS = frozenset(('GET', 'HEAD', 'OPTIONS'))
ALWAYS_RETRIED = frozenset((429, 503))
# Headers that may carry a credential: never returned.
HIDDEN_HEADERS = frozenset(('authorization', 'proxy-authorization', 'set-cookie', 'cookie'))
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 8.0
MAX_PAGES = 10000
POOL_SIZE = 16
# The default of the API modules' max_wait (the other settings' defaults are in _settings.py).
MAX_WAIT = 60


class ApiError(TokenError):
    """An API call that failed: METHOD URL, the HTTP status (when one came) and the API's own message."""

    def __init__(self, message, method=None, url=None, status=None, vendor_message=None, vendor=None, option=None):
        super(ApiError, self).__init__(message, vendor=vendor, url=url, status=status, vendor_message=vendor_message,
                                       option=option)
        self.method = method

    def __str__(self):
        head = ' '.join(part for part in (self.method, self.url) if part)
        text = self.message
        if self.vendor_message:
            text = '%s: %s' % (text, self.vendor_message) if text else self.vendor_message
        return '%s: %s' % (head, text) if head else text

    def details(self):
        details = super(ApiError, self).details()
        if self.method:
            details['method'] = self.method
        return details


_SESSION = []


def shared_session():
    """The worker's one keep-alive session (retries are this module's, not urllib3's)."""
    if not _SESSION:
        http = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE, max_retries=0)
        http.mount('https://', adapter)
        http.mount('http://', adapter)
        _SESSION.append(http)
    return _SESSION[0]


class Gate(object):
    """Where every thread of a client waits after a 429: one answer slows them all down."""

    def __init__(self, clock=time.time, sleep=time.sleep):
        self._until = 0.0
        self._lock = threading.Lock()
        self._clock, self._sleep = clock, sleep

    def hold(self, seconds):
        with self._lock:
            self._until = max(self._until, self._clock() + seconds)

    def wait(self):
        while True:
            with self._lock:
                left = self._until - self._clock()
            if left <= 0:
                return
            self._sleep(min(left, 1.0))


class Answer(object):
    """One answer: status, parsed JSON (or None), headers without credentials, raw text when it was not JSON."""

    __slots__ = ('status', 'json', 'headers', 'text', 'content_type')

    def __init__(self, status, data, headers, text, content_type):
        self.status, self.json, self.headers, self.text, self.content_type = status, data, headers, text, content_type


def api_message(data, text='', content_type=''):
    """The API's own error text: _errors[].message (with details.message), else message, error, detail, title."""
    parts = []
    if isinstance(data, dict):
        for error in data.get('_errors') or ():
            if not isinstance(error, dict):
                continue
            words = [str(error[key]) for key in ('message',) if error.get(key)]
            details = error.get('details')
            if isinstance(details, dict):
                for key in ('message', 'errorType'):
                    if details.get(key) and str(details[key]) not in words:
                        words.append(str(details[key]))
                        break
            elif isinstance(details, (list, str)) and details:
                words.append(json.dumps(details) if isinstance(details, list) else details)
            if words:
                parts.append(' - '.join(words))
        if not parts:
            for key in ('message', 'error_description', 'error', 'detail', 'title'):
                if isinstance(data.get(key), (str, int, float)) and str(data[key]).strip():
                    parts.append(str(data[key]))
                    break
    elif text and 'json' not in content_type and 'html' not in content_type:
        parts.append(' '.join(text.split())[:200])
    elif text:
        parts.append('a %s answer of %d bytes' % (content_type.split(';')[0] or 'non-JSON', len(text)))
    message = '; '.join(parts)
    return message[:500] if message else None


class ApiClient(object):
    """Calls one vendor API with a token record from token_source(refused_token=None).

    settings: validate_certs, ca_path, client_cert, client_key, timeout, retries, max_wait (the most seconds one
    request waits between its attempts, Retry-After included), min_ttl. headers: sent with every request (they never
    replace Authorization).
    """

    def __init__(self, vendor, token_source, settings, headers=None, session=None, sleep=time.sleep, clock=time.time):
        self.vendor = vendor
        self._source = token_source
        self._record = None
        self._refused = set()
        self._lock = threading.Lock()
        self._headers = dict((str(name), str(value)) for name, value in (headers or {}).items()
                             if str(name).lower() != 'authorization')
        values = dict(DEFAULTS, max_wait=MAX_WAIT)
        values.update((name, value) for name, value in settings.items() if value is not None)
        self.timeout = float(values['timeout'])
        self.retries = max(0, int(values['retries']))
        self.max_wait = float(values['max_wait'])
        self.min_ttl = int(values['min_ttl'])
        self.verify = _http.ca_bundle(values['ca_path']) if values['validate_certs'] else False
        cert, key = values['client_cert'], values['client_key']
        self.cert = (cert, key) if cert and key else cert
        self._session = session
        self._sleep, self._clock = sleep, clock
        self.gate = Gate(clock, sleep)
        self.counts = {'reads': 0, 'writes': 0, 'renewals': 0, 'retries': 0}
        self.last_answer = None

    # -- the token

    @property
    def api_url(self):
        return self.token()['api_url'].rstrip('/')

    def token(self, ask=False):
        """The token record, asked of the cache again when it lives less than min_ttl more seconds, or when ask is
        true (a hit is cheap; a long wait asks before each look, so another process's renewal is picked up)."""
        with self._lock:
            record = self._record
            # A token issued for less than min_ttl is asked again at half its life, not at every call.
            threshold = min(self.min_ttl, int(record.get('expires_in', 0)) // 2) if record else 0
            if ask or record is None or record.get('expires_at_epoch', 0) - self._clock() < threshold:
                self._record = record = self._source(None)
            return record

    def renew(self, refused):
        """Once per refused token, for every thread that met the refusal: the cache fetches one new token."""
        with self._lock:
            if self._record is not None and self._record['access_token'] != refused:
                return self._record  # another thread renewed already
            self._refused.add(refused)
            self.counts['renewals'] += 1
            self._record = self._source(refused)
            return self._record

    def scrub(self, text):
        """text without any token this client has held."""
        return mask(text, list(self._refused) + ([self._record['access_token']] if self._record else []))

    def _scrubbed(self, data):
        """data with every string value scrubbed (keys are the API's own names)."""
        if isinstance(data, dict):
            return dict((key, self._scrubbed(value)) for key, value in data.items())
        if isinstance(data, list):
            return [self._scrubbed(value) for value in data]
        return self.scrub(data) if isinstance(data, str) else data

    # -- requests

    def url(self, path, query=None):
        url = path if '://' in path else self.api_url + ('' if path.startswith('/') else '/') + path
        if query:
            url += ('&' if '?' in url else '?') + urlencode(
                [(key, value) for key, value in query.items() if value is not None], doseq=True)
        return url

    def request(self, method, path, query=None, body=None, headers=None, expect=(200,)):
        """Send one request (renewed once on 401, retried as the budget allows) and return its Answer; ApiError when
        the final status is not in expect (None: any status is returned)."""
        method = method.upper()
        url = self.url(path, query)
        answer = self._send(method, url, body, headers)
        if expect is not None and answer.status not in expect:
            raise self.error(method, url, answer, expect)
        return answer

    def error(self, method, url, answer, expect=None, note=''):
        message = 'HTTP %s%s%s' % (answer.status, ' (expected %s)' % ' or '.join(str(code) for code in expect)
                                   if expect else '', note)
        found = api_message(answer.json, answer.text or '', answer.content_type or '')
        return ApiError(message, method=method, url=url, status=answer.status, vendor=self.vendor,
                        vendor_message=self.scrub(found) if found else None)

    def _send(self, method, url, body, extra_headers):
        attempt, waited, renewed = 0, 0.0, False
        while True:
            self.gate.wait()
            record = self.token()
            headers = {'Accept': 'application/json'}
            headers.update(self._headers)
            headers.update((str(name), str(value)) for name, value in (extra_headers or {}).items()
                           if str(name).lower() != 'authorization')
            headers['Authorization'] = 'Bearer %s' % record['access_token']
            try:
                response = self._transport(method, url, body, headers)
            except _Unsent as exc:
                if attempt < self.retries and not exc.final and (exc.unsent or method in IDEMPOTENT):
                    wait = self._backoff(attempt)
                    attempt, waited = attempt + 1, waited + wait
                    self.counts['retries'] += 1
                    self._sleep(wait)
                    continue
                raise ApiError(exc.text + (' after %s' % _http.times(attempt) if attempt else ''), method=method, url=url,
                               vendor=self.vendor)
            self.counts['reads' if method in READS else 'writes'] += 1
            status = response.status_code
            if status == 401 and not renewed:
                renewed = True
                self.renew(record['access_token'])
                continue
            if status in ALWAYS_RETRIED or (status >= 500 and method in IDEMPOTENT):
                answer = self._answer(response)
                header = response.headers.get('Retry-After')
                asked = _http._retry_after_seconds(header) if header else None
                if attempt >= self.retries:
                    raise self.error(method, url, answer, note=' after %s (the budget: retries %d)'
                                     % (_http.times(attempt), self.retries))
                wait = asked if asked is not None else self._backoff(attempt)
                if waited + wait > self.max_wait:
                    raise self.error(method, url, answer, note=', and asked to retry after %d s, beyond max_wait %d s%s'
                                     % (wait, self.max_wait, ' (%d s waited already)' % waited if waited else ''))
                if status == 429:
                    self.gate.hold(wait)
                attempt, waited = attempt + 1, waited + wait
                self.counts['retries'] += 1
                if status == 429:
                    self.gate.wait()
                else:
                    self._sleep(wait)
                continue
            return self._answer(response)

    def _backoff(self, attempt):
        return min(BACKOFF_MAX, BACKOFF_FACTOR * (2 ** attempt))

    def _answer(self, response):
        content_type = response.headers.get('Content-Type', '')
        text = response.text
        data = None
        if text and ('json' in content_type or text[:1] in '{['):
            try:
                data = json.loads(text)
            except ValueError:
                data = None
        headers = dict((name, value) for name, value in response.headers.items() if name.lower() not in HIDDEN_HEADERS)
        if self._record and self._record['access_token'] in text:
            # An API that echoes the token: never hand it to a result.
            data = self._scrubbed(data)
            text = self.scrub(text)
        return Answer(response.status_code, data, headers, None if data is not None else text, content_type)

    def _transport(self, method, url, body, headers):
        session = self._session or shared_session()
        proxy = _http.proxy_address(url) if self._session is None else None

        def failed(text, unsent, final=False):
            if proxy:
                text = '%s (through the proxy %s; HTTPS_PROXY, ALL_PROXY and NO_PROXY choose it)' % (text, proxy)
            return _Unsent(text, unsent, final)

        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore', InsecureRequestWarning)
                return session.request(method, url, json=body, headers=headers, verify=self.verify, cert=self.cert,
                                       timeout=(self.timeout, self.timeout), allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise failed('TLS failed (%s); set ca_path (or VENDOR_TOKENS_CA_PATH, REQUESTS_CA_BUNDLE) to the CA bundle '
                         'that signed the server certificate, or check the host name in the URL'
                         % _http._reason(exc), False, final=True)
        except requests.exceptions.ProxyError as exc:
            if _http.asks_proxy_credentials(exc):
                raise _Unsent(_http.proxy_credentials_message(_http.proxy_address(url)), True, final=True)
            raise failed('the proxy failed (%s)' % _http._proxy_reason(exc), True)
        except requests.exceptions.ConnectTimeout:
            raise failed('could not connect within %g s' % self.timeout, True)
        except requests.exceptions.ReadTimeout:
            raise failed('no answer within %g s; raise timeout if the API is slow' % self.timeout, False)
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
            raise failed('the answer was cut off (%s)' % _http._reason(exc), False)
        except requests.exceptions.ConnectionError as exc:
            cause = _http._innermost(exc)
            if isinstance(cause, ReadTimeoutError):
                raise failed('no answer within %g s; raise timeout if the API is slow' % self.timeout, False)
            if isinstance(cause, ConnectTimeoutError) and not isinstance(cause, NewConnectionError):
                raise failed('could not connect within %g s' % self.timeout, True)
            if isinstance(cause, NewConnectionError) or 'refused' in str(cause).lower():
                raise failed('could not connect (%s)' % _short(cause), True)
            raise failed('the connection failed (%s)' % _short(cause), False)
        except requests.exceptions.RequestException as exc:
            raise failed('the request failed (%s: %s)' % (type(exc).__name__, _http._reason(exc)), False)
        except (OSError, ValueError) as exc:
            raise failed('the request could not be made (%s: %s); check client_cert, client_key and ca_path'
                         % (type(exc).__name__, str(exc)[:200]), True)

    # -- lists

    def list_all(self, path, query, paging, list_field, page_size, headers=None):
        """Every item of a list, page by page, following the answer's total (a server may cap the page below what
        is asked); without a total, until a short page. Returns (items, pages)."""
        if paging != 'offset' or not list_field:
            raise ApiError('how this API pages its lists is not known to vendor.tokens; ask for each page with your own '
                           'query parameters', method='GET', url=self.url(path, query), vendor=self.vendor,
                           option='all_pages')
        items, offset, pages = [], 0, 0
        query = dict(query or {})
        while True:
            query.update(offset=offset, limit=page_size)
            answer = self.request('GET', path, query, headers=headers)
            self.last_answer = answer
            pages += 1
            page = answer.json.get(list_field) if isinstance(answer.json, dict) else None
            if not isinstance(page, list):
                raise ApiError("HTTP %s without a list in '%s'" % (answer.status, list_field), method='GET',
                               url=self.url(path, query), status=answer.status, vendor=self.vendor)
            items.extend(page)
            offset += len(page)
            total = answer.json.get('total')
            if not page:
                break
            if isinstance(total, int) and not isinstance(total, bool):
                if offset >= total:
                    break
            elif len(page) < page_size:
                break
            if pages >= MAX_PAGES:
                raise ApiError('more than %d pages of %d; filter the list' % (MAX_PAGES, page_size), method='GET',
                               url=self.url(path, query), vendor=self.vendor)
        return items, pages


class _Unsent(Exception):
    """A request that got no answer; unsent: it surely never reached the server (so any method may be retried);
    final: trying again cannot help (a TLS failure)."""

    def __init__(self, text, unsent, final=False):
        super(_Unsent, self).__init__(text)
        self.text, self.unsent, self.final = text, unsent, final


def _short(cause):
    """An OS-level cause in a few words (urllib3 nests reprs that hold the whole connection object)."""
    text = str(cause)
    marker = text.find('[Errno ')
    if marker >= 0 and '] ' in text[marker:]:
        return text[text.index('] ', marker) + 2:].rstrip(')')[:200]
    return (text.split('>: ', 1)[-1] if text.startswith('<') else text)[:200]
