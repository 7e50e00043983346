# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Keepz: JSON client credentials; the answer is wrapped in value, errors carry statusCode 5039/5013/5003/5021."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ..wire import json_response


def _error(status, text, code):
    return json_response(status, {"message": text, "statusCode": code})


def _token(emu, req):
    data = req.json_body()
    fields = ("client_id", "client_secret", "grant_type")
    if not isinstance(data, dict) or any(not isinstance(data.get(field), str) or not data.get(field) for field in fields):
        return _error(400, "Bad request", 5039)
    if data["grant_type"] != "client_credentials":
        return _error(400, "Invalid grant type", 5013)
    known, creds = emu.match_credentials("keepz", "client_id", data["client_id"], "client_secret", data["client_secret"])
    if not known:
        return _error(401, "Client not found", 5003)
    if not creds:
        return _error(401, "Incorrect credentials", 5021)
    token, lifetime, _exp_ms = emu.issue("keepz", data["client_id"])
    return json_response(200, {"value": {"access_token": token, "expires_in": lifetime, "token_type": "Bearer"}})


def _balance(_emu, _req):
    return json_response(200, {"value": {"balance": 0, "currency": "GEL"}})


VENDOR = {
    "lifetime": 3600,
    "credentials": [{"client_id": "0f8fad5b-d9cb-4fcf-a6d5-3b5a0c1e8f11", "client_secret": "emulator-keepz-secret"}],
    "credential_fields": ("client_id", "client_secret"),
    "token_paths": ("/api/auth",),
    "token_handler": _token,
    "refresh_paths": (),
    "refresh_handler": None,
    "api_routes": (("/api/integrator/balance", {"GET": _balance}),),
    "fields": {"access_token": ("value", "access_token"), "token_type": ("value", "token_type"),
               "expiry": ("value", "expires_in")},
    "options": {"base_url": ""},
    "api_path": "/api/integrator/balance",
    "refused_text": "Incorrect credentials: Keepz code 5021",
}
