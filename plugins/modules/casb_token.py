#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: casb_token
short_description: Get an access token for Fortinet FortiCASB
version_added: 0.1.0
description:
  - Obtains a FortiCASB bearer token and returns it with its expiry, its refresh token and ready C(Authorization)
    headers for M(ansible.builtin.uri). Register the result; no fact is set.
  - Two ways to log in, as FortiCASB documents them; give the options of one, never both. With an API credential
    generated in the console (O(credential)), it posts C(grant_type=client_credentials) to
    C(https://www.forticasb.com/api/v1/auth/credentials/token/) with the C(Authorization) header C(Basic <credential>),
    the credential sent as generated. With O(username) and O(password), it uses the OAuth 2.0 password grant at
    C(https://www.forticasb.com/api/v1/auth/token). Both answer alike, and each has its own cache entry.
  - FortiCASB writes the expiry as epoch milliseconds, often as a float in scientific notation such as
    C(1.585002117836E12); the module turns it into RV(token.expires_at) and RV(token.expires_in).
  - With O(refresh_token) (or the one the cache keeps) it first asks the refresh endpoint
    C(/api/v1/auth/token/refresh) and falls back to the login, with a warning, when the refresh token is refused.
  - FortiCASB API calls also need C(companyId), C(roleId) and C(buId) headers; combine them with RV(token.headers).
author:
  - Vendor Tokens Maintainers (@vendor-tokens)
options:
  credential:
    description:
      - FortiCASB API credential, generated in the console (Manage Company, API Setting, Generate New), instead of
        O(username) and O(password); giving both ways fails.
      - Sent as generated in the C(Authorization) header, after C(Basic). Leading and trailing white space, such as
        the newline at the end of a vault file, is dropped.
      - If not set, the environment variable E(FORTICASB_CREDENTIAL) is used.
    type: str
  username:
    description:
      - FortiCASB user name (an email address), with O(password), instead of O(credential).
      - If not set, the environment variable E(FORTICASB_USERNAME) is used.
    type: str
  password:
    description:
      - FortiCASB password of O(username).
      - If not set, the environment variable E(FORTICASB_PASSWORD) is used.
    type: str
  refresh_token:
    description:
      - A refresh token from an earlier RV(token.refresh_token), tried before the login.
    type: str
extends_documentation_fragment:
  - vendor.tokens.common
  - vendor.tokens.common.module
'''

EXAMPLES = r'''
- name: Get a FortiCASB token
  vendor.tokens.casb_token:
    username: "{{ forticasb_username }}"
    password: "{{ forticasb_password }}"
  register: casb

- name: Get a FortiCASB token with an API credential kept in a vault file
  vendor.tokens.casb_token:
    credential: "{{ lookup('ansible.builtin.file', 'forticasb_credential.vault') }}"
  register: casb_api

- name: Read the company with it
  ansible.builtin.uri:
    url: "{{ casb.token.api_url }}/company"
    headers: "{{ casb.token.headers | combine({'companyId': '1', 'roleId': '1', 'buId': '1'}) }}"
  delegate_to: localhost

- name: Renew it later with the refresh token
  vendor.tokens.casb_token:
    username: "{{ forticasb_username }}"
    password: "{{ forticasb_password }}"
    refresh_token: "{{ casb.token.refresh_token }}"
'''

RETURN = r'''
token:
  description: The token and what to know about it.
  returned: success
  type: dict
  contains:
    vendor:
      description: Canonical vendor name.
      type: str
      sample: forticasb
    access_token:
      description: The bearer token.
      type: str
      sample: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYSJ9.c2ln
    token_type:
      description: Always C(Bearer); other token types are refused.
      type: str
      sample: Bearer
    expires_in:
      description: Seconds the token still lives.
      type: int
      sample: 899
    expires_at:
      description: When the token expires, UTC, ISO-8601.
      type: str
      sample: "2026-11-23T17:15:00Z"
    expires_at_epoch:
      description: When the token expires, in epoch seconds.
      type: int
      sample: 1795367700
    obtained_at:
      description: When the vendor issued the token, UTC, ISO-8601, by the local clock.
      type: str
      sample: "2026-11-23T17:00:01Z"
    headers:
      description: Headers for M(ansible.builtin.uri).
      type: dict
      sample: {Authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYSJ9.c2ln"}
    api_url:
      description: Base URL of the vendor's API.
      type: str
      sample: https://www.forticasb.com/api/v1
    refresh_token:
      description:
        - The refresh token the login issued.
        - Absent after a refresh, whose answer carries no new one; keep using the one you have.
      type: str
      sample: 3f1c2b0e9d7a4c55
    claims:
      description: The token's JWT payload, decoded without verification; null when the token is not a JWT.
      type: dict
      sample: {sub: "client", exp: 1795367700}
    cached:
      description: Whether the token came from the cache rather than a new request.
      type: bool
      sample: false
'''

from ansible_collections.vendor.tokens.plugins.module_utils._module import run_token_module


def main():
    run_token_module('casb_token')


if __name__ == '__main__':
    main()
