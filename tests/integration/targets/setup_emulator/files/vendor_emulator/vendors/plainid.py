# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PlainID: client credentials in the form body; any failure is a 401 with an empty body."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ..wire import Response, json_response


def _token(emu, req):
    form = req.form()
    client_id = form.get("client_id")
    if form.get("grant_type") != "client_credentials" or \
            not emu.match_credentials("plainid", "client_id", client_id, "client_secret", form.get("client_secret"))[1]:
        return Response(401, content_type=None)  # PlainID answers failures with no body at all
    token, lifetime, _exp_ms = emu.issue("plainid", client_id)
    return json_response(200, {"access_token": token, "token_type": "Bearer", "expires_in": lifetime})


def _environments(_emu, _req):
    return json_response(200, {"data": []})


VENDOR = {
    "lifetime": 86400,
    "credentials": [{"client_id": "emulator-plainid-client", "client_secret": "emulator-plainid-secret"}],
    "credential_fields": ("client_id", "client_secret"),
    "token_paths": ("/api/1.0/api-key/token",),
    "token_handler": _token,
    "refresh_paths": (),
    "refresh_handler": None,
    "api_routes": (("/api/1.0/environments", {"GET": _environments}),),
    "fields": {"access_token": ("access_token",), "token_type": ("token_type",), "expiry": ("expires_in",)},
    "options": {"auth_url": "/api/1.0/api-key/token", "api_url": ""},
    "api_path": "/api/1.0/environments",
    "refused_text": "refused with an empty answer (check the credentials)",
}
