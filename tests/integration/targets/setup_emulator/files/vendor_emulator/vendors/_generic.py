# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A vendor made of data only: OAuth 2.0 client credentials (RFC 6749 4.4) and one API endpoint."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ..wire import json_response


def client_credentials_vendor(token_path, api_path, credentials, lifetime=3600, api_prefix=""):
    """A VENDOR whose token endpoint takes form grant_type=client_credentials with client_id and client_secret in
    the body or as HTTP Basic, and whose API answers a GET of api_prefix + api_path with {"data": []}."""

    def token(emu, req):
        form = req.form()
        if form.get("grant_type") != "client_credentials":
            return json_response(400, {"error": "unsupported_grant_type", "error_description": "Grant type not supported"})
        pairs = req.basic_auth_candidates() or [(form.get("client_id"), form.get("client_secret"))]
        for client_id, client_secret in pairs:
            if emu.match_credentials(req.vendor, "client_id", client_id, "client_secret", client_secret)[1]:
                access, life, _exp_ms = emu.issue(req.vendor, client_id)
                return json_response(200, {"access_token": access, "token_type": "Bearer", "expires_in": life})
        return json_response(401, {"error": "invalid_client", "error_description": "Client authentication failed"})

    def listing(_emu, _req):
        return json_response(200, {"data": []})

    return {
        "lifetime": lifetime,
        "credentials": list(credentials),
        "credential_fields": ("client_id", "client_secret"),
        "token_paths": (token_path,),
        "token_handler": token,
        "refresh_paths": (),
        "refresh_handler": None,
        "api_routes": ((api_prefix + api_path, {"GET": listing}),),
        "fields": {"access_token": ("access_token",), "token_type": ("token_type",), "expiry": ("expires_in",)},
        "options": {"auth_url": token_path, "api_url": api_prefix},
        "api_path": api_path,
        "refused_text": "invalid_client: Client authentication failed",
    }
