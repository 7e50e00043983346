# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make the vendor emulator (a package in the setup_emulator target's files) importable as vendor_emulator, and
serve an Emulator over loopback plain HTTP inside the test process."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import http.client
import json
import os
import sys
import threading

import pytest

FILES_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', 'integration', 'targets', 'setup_emulator',
                                         'files'))

if FILES_DIR not in sys.path:
    sys.path.insert(0, FILES_DIR)


class Answer:
    """One HTTP answer: status, headers (a dict), body bytes, and the body as JSON when it is JSON."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode('utf-8'))


def call(address, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection(address[0], address[1], timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, dict(response.getheaders()), response.read())
    finally:
        connection.close()


@pytest.fixture
def serve():
    """A function (handler module, Emulator) -> (host, port) of a listener that is shut down after the test."""
    servers = []

    def start(server_module, emulator):
        server = server_module.EmulatorServer(('127.0.0.1', 0), emulator)
        threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True).start()
        servers.append(server)
        return server.server_address[:2]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def send():
    """call(address, method, path, body=None, headers=None) -> Answer."""
    return call
