# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fortinet FortiCASB: a password grant, or an API credential sent as-is in "Authorization: Basic <credential>" with
grant_type=client_credentials, each with a refresh token; expires is written like Java: 1.585002117836E12."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import hashlib
import hmac

from ..wire import RawJSON, java_double, json_response, message

CREDENTIALS_PATH = "/api/v1/auth/credentials/token/"
# The API credentials the console generated (published in the state file as api_credentials, never as a variable:
# the collection refuses a credential and a password together).
API_CREDENTIALS = ("emulator-fc-api-credential-5b0e9a",)


def _success(emu, username, refresh_token=None):
    token, _lifetime, exp_ms = emu.issue("forticasb", username)
    body = {"token_type": "bearer", "expires": RawJSON(java_double(exp_ms)), "access_token": token}
    if refresh_token is not None:
        body["refresh_token"] = refresh_token
    return json_response(200, body)


def _credentials_token(emu, req):
    if req.form().get("grant_type") != "client_credentials":
        return message(400, "Unsupported grant_type")
    scheme, _sep, credential = req.headers.get("Authorization", "").partition(" ")
    credential = credential.strip()
    if scheme.lower() != "basic" or not any(hmac.compare_digest(credential.encode("utf-8"), known.encode("utf-8"))
                                            for known in API_CREDENTIALS):
        return message(401, "Invalid credential")
    # The subject must not reveal the credential, so use a short digest of it.
    subject = "api-credential-" + hashlib.sha256(credential.encode("utf-8")).hexdigest()[:12]
    return _success(emu, subject, emu.new_refresh_token(subject))


def _token(emu, req):
    if req.path == CREDENTIALS_PATH:
        return _credentials_token(emu, req)
    form = req.form()
    if form.get("grant_type") != "password":
        return message(400, "Unsupported grant_type")
    username = form.get("username")
    if not emu.match_credentials("forticasb", "username", username, "password", form.get("password"))[1]:
        return message(401, "Invalid username or password")
    return _success(emu, username, emu.new_refresh_token(username))


def _refresh(emu, req):
    form = req.form()
    if form.get("grant_type") != "refresh_token":
        return message(400, "Unsupported grant_type")
    username = emu.check_refresh_token(form.get("refresh_token"))
    if username is None:
        return message(401, "Invalid refresh token")
    return _success(emu, username)


def _company(_emu, _req):
    return json_response(200, {"companyId": 1, "name": "Emulated company"})


VENDOR = {
    "lifetime": 3600,
    "credentials": [{"username": "emulator@forticasb.test", "password": "emulator-fc-password"}],
    "credential_fields": ("username", "password"),
    "token_paths": ("/api/v1/auth/token", CREDENTIALS_PATH),
    "api_credentials": API_CREDENTIALS,
    "token_handler": _token,
    "refresh_paths": ("/api/v1/auth/token/refresh",),
    "refresh_handler": _refresh,
    "api_routes": (("/api/v1/company", {"GET": _company}),),
    "fields": {"access_token": ("access_token",), "token_type": ("token_type",), "expiry": ("expires",)},
    "options": {"auth_url": "/api/v1/auth/token", "api_url": "/api/v1"},
    "api_path": "/company",
    "refused_text": "Invalid username or password",
}
