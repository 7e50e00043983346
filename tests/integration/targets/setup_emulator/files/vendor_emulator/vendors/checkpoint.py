# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check Point Harmony SASE (Perimeter 81): a JSON API key exchange, expiry as an absolute date.

The regions (us, eu, au, in) differ by host only, with the same paths, so this one host-agnostic emulator serves
them all: a test gives auth_url (and api_url) pointing here with any region, and reads the region's host from
the URL the collection would call (or from its error message)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import hashlib

from ..wire import json_response, message


def _token(emu, req):
    data = req.json_body()
    if not isinstance(data, dict) or data.get("grantType") != "api_key":
        return message(400, "Bad request: grantType must be api_key")
    api_key = data.get("apiKey")
    if not emu.match_credentials("checkpoint", None, None, "api_key", api_key)[1]:
        return json_response(401, {"message": "Invalid API key", "statusCode": 401})
    # The subject must not reveal the key, so use a short digest of it.
    subject = "api-key-" + hashlib.sha256(api_key.encode("utf-8")).hexdigest()[:12]
    token, _lifetime, exp_ms = emu.issue("checkpoint", subject)
    return json_response(200, {"data": {"tokenType": "bearer", "accessToken": token,
                                        "accessTokenExpire": emu.checkpoint_expiry(exp_ms)}})


def _networks(_emu, _req):
    return json_response(200, {"data": [], "page": 1, "totalPage": 1})


VENDOR = {
    "lifetime": 3600,
    "credentials": [{"api_key": "emulator-cp-api-key"}],
    "credential_fields": ("api_key",),
    "token_paths": ("/api/v1/auth/authorize",),
    "token_handler": _token,
    "refresh_paths": (),
    "refresh_handler": None,
    "api_routes": (("/api/rest/v1/networks", {"GET": _networks}),),
    "fields": {"access_token": ("data", "accessToken"), "token_type": ("data", "tokenType"),
               "expiry": ("data", "accessTokenExpire")},
    "options": {"auth_url": "/api/v1/auth/authorize", "api_url": "/api/rest"},
    "api_path": "/v1/networks",
    "refused_text": "Invalid API key",
}
