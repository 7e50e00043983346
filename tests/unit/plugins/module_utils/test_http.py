# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP for token requests: Retry-After forms, bounded retries, CA bundles and proxies."""

from __future__ import annotations

import email.utils
import socket
import ssl
import threading
import time
from unittest.mock import MagicMock

import pytest
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProxyError

from ansible_collections.vendor.tokens.plugins.module_utils import _http
from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._settings import DEFAULTS

# What _http.post takes: the connection settings, with their defaults.
HTTP_SETTINGS = dict((name, DEFAULTS[name]) for name in ('validate_certs', 'ca_path', 'client_cert', 'client_key', 'timeout', 'retries'))


@pytest.mark.parametrize('header, low, high', [('0', 0, 0), ('7', 7, 7), (' 12 ', 12, 12)])
def test_retry_after_in_seconds(header, low, high):
    assert low <= _http._retry_after_seconds(header) <= high


@pytest.mark.parametrize('offset, low, high', [(30, 25, 31), (-30, 0, 0)])  # a date in the past: no wait
def test_retry_after_as_a_date(offset, low, high):
    assert low <= _http._retry_after_seconds(email.utils.formatdate(time.time() + offset, usegmt=True)) <= high


def test_an_unreadable_retry_after_is_ignored():
    assert _http._retry_after_seconds('soon') is None


def test_a_retry_after_longer_than_the_wait_fails_at_once():
    retry = _http.session(2, 5.0).get_adapter('https://x.test/').max_retries
    answer = MagicMock(status=429, headers={'Retry-After': '60'})
    with pytest.raises(_http.RetryAfterTooLong) as caught:
        retry.sleep_for_retry(answer)
    assert (caught.value.status, caught.value.seconds) == (429, 60.0)
    assert retry.new(total=1).max_wait == 5.0  # kept by every retry urllib3 derives


def test_retries_are_bounded_and_never_for_refusals():
    retry = _http.session(3, 30.0).get_adapter('https://x.test/').max_retries
    assert (retry.total, retry.connect, retry.read, retry.status, retry.redirect) == (3, 3, 3, 3, 0)
    assert not {400, 401, 403} & set(retry.status_forcelist) and {429, 503} <= set(retry.status_forcelist)
    assert retry.allowed_methods is None  # POST included: a token request changes nothing


@pytest.mark.parametrize('environment, ca_path, expected', [
    ({}, None, True),
    ({'REQUESTS_CA_BUNDLE': '/corp/ca.pem'}, None, '/corp/ca.pem'),
    ({'CURL_CA_BUNDLE': '/curl/ca.pem'}, None, '/curl/ca.pem'),
    ({'REQUESTS_CA_BUNDLE': '', 'CURL_CA_BUNDLE': '/curl/ca.pem'}, None, '/curl/ca.pem'),
    ({'REQUESTS_CA_BUNDLE': '/corp/ca.pem'}, '/mine.pem', '/mine.pem'),
])
def test_what_verifies_the_server(monkeypatch, environment, ca_path, expected):
    for name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert _http.ca_bundle(ca_path) == expected


@pytest.mark.parametrize('proxy, expected', [
    ('http://user:pass@proxy.corp:3128', 'proxy.corp:3128'), ('http://proxy.corp', 'proxy.corp:80'),
    ('proxy.corp:8080', 'proxy.corp:8080'),
])
def test_a_proxy_is_named_without_its_credentials(monkeypatch, proxy, expected):
    for name in ('NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy', 'https_proxy'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HTTPS_PROXY', proxy)
    assert _http.proxy_address('https://auth.example.test/token') == expected
    monkeypatch.setenv('NO_PROXY', 'auth.example.test')
    assert _http.proxy_address('https://auth.example.test/token') is None


@pytest.mark.parametrize('text, reason', [
    ("HTTPSConnection(host='127.0.0.1', port=1): Failed to establish a new connection: [Errno 111] Connection refused",
     'connection refused'),
    ('Tunnel connection failed: 407 Proxy Authentication Required', 'tunnel connection failed: 407 proxy authentication required'),
    ('something else entirely', 'it closed or refused the connection'),
])
def test_proxy_reasons_in_a_few_words(text, reason):
    assert _http._proxy_reason(Exception(text)) == reason


@pytest.fixture
def proxy_asking_credentials():
    """A proxy on loopback that answers every request, CONNECT included, with 407; yields (port, connections)."""
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(8)
    listener.settimeout(0.2)
    connections, done = [], threading.Event()

    def serve():
        while not done.is_set():
            try:
                conn, _address = listener.accept()
            except socket.timeout:
                continue
            with conn:
                connections.append(conn.recv(65536).split(b' ', 2)[:2])
                conn.sendall(b'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\n'
                             b'Content-Length: 0\r\nConnection: close\r\n\r\n')

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], connections
    finally:
        done.set()
        thread.join(5)
        listener.close()


@pytest.mark.parametrize('scheme, method', [('https', b'CONNECT'), ('http', b'POST')])
def test_a_proxy_asking_for_credentials_is_asked_once_and_named(monkeypatch, proxy_asking_credentials, scheme, method):
    port, connections = proxy_asking_credentials
    for name in ('NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy', 'https_proxy', 'http_proxy'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('%s_PROXY' % scheme.upper(), 'http://proxyuser:proxy-pass-1b7e@127.0.0.1:%d' % port)
    with pytest.raises(TokenError) as caught:
        _http.post('%s://auth.example.test/oauth2/access_token' % scheme, 'paloalto', data={'grant_type': 'x'},
                   **dict(HTTP_SETTINGS, timeout=5))
    text = str(caught.value)
    assert [request[0] for request in connections] == [method]  # asked once: 407 is never retried
    assert 'the proxy 127.0.0.1:%d answered HTTP 407' % port in text and 'proxy credentials' in text
    assert 'proxy-pass-1b7e' not in text and 'proxyuser' not in text and 'retries' not in text


def test_a_407_from_a_proxy_ends_the_retries_at_once():
    retry = _http.session(3, 30.0).get_adapter('https://x.test/').max_retries
    tunnel = OSError('Tunnel connection failed: 407 Proxy Authentication Required')
    with pytest.raises(MaxRetryError):
        retry.increment('POST', '/token', error=ProxyError('Unable to connect to proxy', tunnel))
    refused = NewConnectionError(None, 'Connection refused')  # a proxy that is down is still retried
    assert retry.increment('POST', '/token', error=ProxyError('Unable to connect to proxy', refused)).total == 2


def _verify_failed():
    error = ssl.SSLError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed')
    error.reason = 'CERTIFICATE_VERIFY_FAILED'  # as ssl sets it: a str, not an exception to follow
    return error


@pytest.mark.parametrize('error', [
    _verify_failed(), OSError('Tunnel connection failed: 403 Forbidden'), ConnectionResetError(104, 'reset by peer'),
])
def test_other_errors_are_not_taken_for_a_407(error):
    assert _http.asks_proxy_credentials(error) is False
    assert _http.asks_proxy_credentials(ProxyError('Unable to connect to proxy', error)) is False
