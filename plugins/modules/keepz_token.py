#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: keepz_token
short_description: Get an access token for Keepz
version_added: 0.1.0
description:
  - Obtains a Keepz bearer token with client credentials (a JSON body; the answer is wrapped in C(value)), returns it
    with its expiry and ready C(Authorization) headers for M(ansible.builtin.uri). Register the result; no fact is
    set.
  - Keepz errors carry a vendor code (for example 5021, incorrect credentials; 5003, client not found); failures
    show it with the HTTP status.
author:
  - Vendor Tokens Maintainers (@vendor-tokens)
options:
  client_id:
    description:
      - Keepz client id, a UUID version 4. It is checked before any request is made.
      - If not set, the environment variable E(KEEPZ_CLIENT_ID) is used.
    type: str
  client_secret:
    description:
      - Keepz client secret.
      - If not set, the environment variable E(KEEPZ_CLIENT_SECRET) is used.
    type: str
  base_url:
    description:
      - Base URL of the Keepz service you were given; the token URL is C(<base_url>/api/auth) and
        RV(token.api_url) defaults to it.
      - Required unless O(auth_url) is given. If not set, the environment variable E(KEEPZ_BASE_URL) is used.
    type: str
extends_documentation_fragment:
  - vendor.tokens.common
  - vendor.tokens.common.module
'''

EXAMPLES = r'''
- name: Get a Keepz token
  vendor.tokens.keepz_token:
    client_id: "{{ keepz_client_id }}"
    client_secret: "{{ keepz_client_secret }}"
    base_url: "{{ keepz_base_url }}"
  register: keepz

- name: Read the balance with it
  ansible.builtin.uri:
    url: "{{ keepz.token.api_url }}/api/integrator/balance"
    headers: "{{ keepz.token.headers }}"
  delegate_to: localhost
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
      sample: keepz
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
      sample: https://keepz.example.com
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
    run_token_module('keepz_token')


if __name__ == '__main__':
    main()
