# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import time

import pytest

from ansible_collections.vendor.tokens.plugins.module_utils import _engine
from ansible_collections.vendor.tokens.plugins.module_utils._options import OptionAdapter


@pytest.fixture
def cache_paloalto_token(monkeypatch):
    """cache_paloalto_token(values, access_token): the engine stores a Prisma SASE token of 15 minutes for values,
    its request answered by a stand-in, so that a later call with the same values is a cache hit."""
    def store(values, access_token):
        def fake_fetch(request, warn, refresh_token=None):
            now = time.time()
            return {'vendor': 'paloalto', 'access_token': access_token, 'token_type': 'Bearer', 'expires_in': 900,
                    'expires_at_epoch': int(now + 900), 'expires_at': 'x', 'obtained_at': 'x',
                    'api_url': request.api_url, 'claims': None, 'cached': False, 'headers': {}}
        monkeypatch.setattr(_engine, 'fetch', fake_fetch)
        assert _engine.get_token('paloalto', OptionAdapter.from_params(values))['cached'] is False
    return store
