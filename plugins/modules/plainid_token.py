#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: plainid_token
short_description: Get an access token for PlainID
version_added: 0.1.0
description:
  - Obtains a PlainID bearer token with the OAuth 2.0 client credentials grant from the region's API key token
    endpoint, returns it with its expiry and ready C(Authorization) headers for M(ansible.builtin.uri). Register the
    result; no fact is set.
  - The token lifetime is set per client in PlainID (often 24 hours).
author:
  - Vendor Tokens Maintainers (@vendor-tokens)
options:
  client_id:
    description:
      - PlainID client id.
      - If not set, the environment variable E(PLAINID_CLIENT_ID) is used.
    type: str
  client_secret:
    description:
      - PlainID client secret.
      - If not set, the environment variable E(PLAINID_CLIENT_SECRET) is used.
    type: str
  region:
    description:
      - PlainID region; the token URL is C(https://api.<region>.plainid.io/api/1.0/api-key/token).
      - Required unless O(auth_url) is given. If not set, the environment variable E(PLAINID_REGION) is used.
    type: str
    choices: [ca1, eu1, us1]
extends_documentation_fragment:
  - vendor.tokens.common
  - vendor.tokens.common.module
'''

EXAMPLES = r'''
- name: Get a PlainID token in the EU region
  vendor.tokens.plainid_token:
    client_id: "{{ plainid_client_id }}"
    client_secret: "{{ plainid_client_secret }}"
    region: eu1
  register: plainid

- name: List environments with it
  ansible.builtin.uri:
    url: "{{ plainid.token.api_url }}/api/1.0/environments"
    headers: "{{ plainid.token.headers }}"
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
      sample: plainid
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
      sample: https://api.eu1.plainid.io
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
    run_token_module('plainid_token')


if __name__ == '__main__':
    main()
