# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API client: token renewal on 401, retry budget, idempotency, paging by total, readable failures."""

from __future__ import annotations

import json
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ansible_collections.vendor.tokens.plugins.module_utils import _api
from ansible_collections.vendor.tokens.plugins.module_utils._api import ApiClient, ApiError

TOKEN = 'tok-' + 'a1b2c3d4'
NEW_TOKEN = 'tok-' + 'e5f6a7b8'
BASE = 'https://api.test'


class Response(object):
    def __init__(self, status, data=None, headers=None, text=None):
        self.status_code = status
        self.headers = requests.structures.CaseInsensitiveDict(headers or {})
        if data is not None:
            self.headers.setdefault('Content-Type', 'application/json')
            text = json.dumps(data)
        self.text = text or ''


class Session(object):
    """Answers from a script (a list of Response or exceptions, or a function of the request); records requests."""

    def __init__(self, answers):
        self.answers = answers
        self.sent = []

    def request(self, method, url, json=None, headers=None, **kwargs):
        self.sent.append({'method': method, 'url': url, 'json': json, 'headers': dict(headers), 'kwargs': kwargs})
        answer = self.answers(method, url, headers) if callable(self.answers) else self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class Source(object):
    """A token cache stand-in: asked with the refused token, hands out the next one."""

    def __init__(self, tokens=(TOKEN, NEW_TOKEN)):
        self.tokens = list(tokens)
        self.asked = []

    def __call__(self, refused):
        self.asked.append(refused)
        if refused:
            self.tokens.pop(0)
        return {'access_token': self.tokens[0], 'api_url': BASE, 'expires_at_epoch': 4102444800}


class Clock(object):
    """Time that passes only when slept, each sleep recorded."""

    def __init__(self, sleeps):
        self.now, self.sleeps = 1000.0, sleeps

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def client(answers, source=None, sleeps=None, **settings):
    clock = Clock([] if sleeps is None else sleeps)
    values = dict(timeout=5, retries=3, max_wait=60, min_ttl=60, validate_certs=True)
    values.update(settings)
    return ApiClient('paloalto', source or Source(), values, session=Session(answers), sleep=clock.sleep, clock=clock.time)


def test_a_401_renews_the_token_once_through_the_cache_and_sends_again():
    source = Source()
    api = client([Response(401, {'message': 'Token revoked'}), Response(200, {'ok': True})], source)
    answer = api.request('GET', '/things')
    assert answer.status == 200 and answer.json == {'ok': True}
    sent = api._session.sent
    assert [one['headers']['Authorization'] for one in sent] == ['Bearer ' + TOKEN, 'Bearer ' + NEW_TOKEN]
    assert source.asked == [None, TOKEN]  # the refused token goes to the cache, which single-flights the renewal
    assert api.counts['renewals'] == 1


def test_a_second_401_fails_with_the_apis_message_and_no_token():
    api = client([Response(401, {'message': 'Token revoked'}), Response(401, {'message': 'Token revoked ' + NEW_TOKEN})])
    with pytest.raises(ApiError) as caught:
        api.request('GET', '/things')
    text = str(caught.value)
    assert text.startswith('GET https://api.test/things: HTTP 401') and 'Token revoked' in text
    assert TOKEN not in text and NEW_TOKEN not in text
    assert len(api._session.sent) == 2


def test_threads_that_meet_one_refusal_renew_once():
    source = Source()
    api = client(lambda method, url, headers: Response(401 if TOKEN in headers['Authorization'] else 200, {}), source)
    threads = [threading.Thread(target=api.request, args=('GET', '/x')) for _number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert source.asked.count(TOKEN) == 1


def test_429_waits_as_retry_after_says_then_succeeds():
    sleeps = []
    api = client([Response(429, {}, {'Retry-After': '2'}), Response(429, {}, {'Retry-After': '3'}), Response(201, {})],
                 sleeps=sleeps)
    assert api.request('POST', '/things', body={'name': 'x'}, expect=(201,)).status == 201
    assert sum(sleeps) >= 5 and api.counts['retries'] == 2


def test_a_retry_after_beyond_max_wait_fails_at_once_naming_it():
    sleeps = []
    api = client([Response(429, {'message': 'Too Many Requests'}, {'Retry-After': '120'})], sleeps=sleeps, max_wait=60)
    with pytest.raises(ApiError) as caught:
        api.request('GET', '/things')
    assert 'retry after 120 s, beyond max_wait 60 s' in str(caught.value) and 'HTTP 429' in str(caught.value)
    assert sleeps == [] and len(api._session.sent) == 1


def test_the_retry_budget_is_bounded():
    api = client([Response(503, {'message': 'busy'}, {'Retry-After': '1'})] * 10, retries=2)
    with pytest.raises(ApiError) as caught:
        api.request('POST', '/things', body={})
    assert len(api._session.sent) == 3 and 'after 2 retries' in str(caught.value) and 'busy' in str(caught.value)


@pytest.mark.parametrize('method, sent', [('GET', 2), ('PUT', 2), ('DELETE', 2), ('POST', 1), ('PATCH', 1)])
def test_other_5xx_are_retried_for_idempotent_methods_only(method, sent):
    api = client([Response(502, {'message': 'bad gateway'}), Response(200, {})])
    if sent == 1:
        with pytest.raises(ApiError) as caught:
            api.request(method, '/things')
        assert 'HTTP 502' in str(caught.value)
    else:
        assert api.request(method, '/things').status == 200
    assert len(api._session.sent) == sent


def test_the_apis_own_error_message_is_named():
    body = {'_errors': [{'code': 'E009', 'message': 'Reference Not Zero',
                         'details': {'errorType': 'Reference Not Zero', 'message': 'referenced by address-groups g1'}}],
            '_request_id': 'x'}
    api = client([Response(409, body)])
    with pytest.raises(ApiError) as caught:
        api.request('DELETE', '/things/1', expect=(200,))
    assert str(caught.value) == ('DELETE https://api.test/things/1: HTTP 409 (expected 200): '
                                 'Reference Not Zero - referenced by address-groups g1')
    assert caught.value.details()['method'] == 'DELETE'


def test_a_proxy_asking_for_credentials_is_not_retried():
    cause = requests.exceptions.ProxyError('Tunnel connection failed: 407 Proxy Authentication Required')
    api = client([cause] * 5, retries=3)
    with pytest.raises(ApiError) as caught:
        api.request('GET', '/things')
    assert len(api._session.sent) == 1
    assert 'HTTP 407 Proxy Authentication Required (not retried)' in str(caught.value)


def test_a_connection_failure_is_one_line_naming_the_url_and_cause():
    cause = requests.exceptions.ConnectionError('HTTPSConnectionPool(host=...): Max retries exceeded ' + 'x' * 2000)
    api = client([cause] * 5, retries=1)
    with pytest.raises(ApiError) as caught:
        api.request('GET', '/things')
    text = str(caught.value)
    assert text.startswith('GET https://api.test/things: ') and '\n' not in text and len(text) < 500
    assert 'after 1 retry' in text


def test_a_read_timeout_is_not_retried_for_a_post():
    api = client([requests.exceptions.ReadTimeout('read timed out')] * 3)
    with pytest.raises(ApiError) as caught:
        api.request('POST', '/things', body={})
    assert len(api._session.sent) == 1 and 'no answer within 5 s' in str(caught.value)


def test_tls_failures_name_ca_path():
    api = client([requests.exceptions.SSLError('certificate verify failed')], retries=3)
    with pytest.raises(ApiError) as caught:
        api.request('GET', '/things')
    assert 'TLS failed' in str(caught.value) and 'ca_path' in str(caught.value) and len(api._session.sent) == 1


def test_verify_and_client_certificates_go_with_every_request(monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/corp/ca.pem')
    api = client([Response(200, {})] * 2, client_cert='/c.pem', client_key='/k.pem')
    api.request('GET', '/a')
    assert api._session.sent[0]['kwargs']['verify'] == '/corp/ca.pem'
    assert api._session.sent[0]['kwargs']['cert'] == ('/c.pem', '/k.pem')
    insecure = client([Response(200, {})], validate_certs=False, ca_path='/mine.pem')
    insecure.request('GET', '/a')
    assert insecure._session.sent[0]['kwargs']['verify'] is False


def test_headers_never_replace_authorization_and_credentials_never_come_back():
    api = client([Response(200, {'echo': 'Bearer ' + TOKEN}, {'Set-Cookie': 's=1', 'X-Request-Id': 'r1'})],
                 )
    answer = api.request('GET', '/a', headers={'authorization': 'Basic x', 'X-Extra': '1'})
    sent = api._session.sent[0]['headers']
    assert sent['Authorization'] == 'Bearer ' + TOKEN and 'authorization' not in sent and sent['X-Extra'] == '1'
    assert answer.headers == {'X-Request-Id': 'r1', 'Content-Type': 'application/json'}
    assert TOKEN not in json.dumps(answer.json)


def pages(items, cap):
    def answer(method, url, headers):
        query = parse_qs(urlsplit(url).query)
        offset, limit = int(query['offset'][0]), min(int(query['limit'][0]), cap)
        return Response(200, {'data': items[offset:offset + limit], 'offset': offset, 'limit': limit, 'total': len(items)})
    return answer


def test_paging_follows_total_when_the_server_caps_the_page():
    items = [{'name': 'n%d' % number} for number in range(600)]
    api = client(pages(items, cap=200))
    found, read = api.list_all('/things', {'folder': 'Shared'}, 'offset', 'data', 500)
    assert found == items and read == 3
    assert 'folder=Shared' in api._session.sent[0]['url'] and 'limit=500' in api._session.sent[0]['url']


def test_paging_without_total_stops_at_a_short_page():
    answers = [Response(200, {'data': [1, 2]}), Response(200, {'data': [3]})]
    api = client(answers)
    assert api.list_all('/things', None, 'offset', 'data', 2) == ([1, 2, 3], 2)


def test_unknown_paging_is_refused():
    with pytest.raises(ApiError) as caught:
        client([]).list_all('/things', None, None, None, None)
    assert caught.value.option == 'all_pages'


def test_one_session_per_worker():
    assert _api.shared_session() is _api.shared_session()
