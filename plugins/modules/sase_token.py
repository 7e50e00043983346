#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: sase_token
short_description: Get an access token for Palo Alto Prisma SASE or Check Point Harmony SASE
version_added: 0.1.0
description:
  - Obtains a short-lived bearer token from the SASE vendor's auth endpoint and returns it with its expiry and
    ready C(Authorization) headers for M(ansible.builtin.uri). Register the result; no fact is set.
  - C(paloalto) uses OAuth 2.0 client credentials with the TSG as scope; tokens live 15 minutes.
  - C(checkpoint) (Perimeter 81) exchanges an API key; tokens live 60 minutes and have no refresh token.
author:
  - Vendor Tokens Maintainers (@vendor-tokens)
options:
  provider:
    description:
      - The SASE vendor. C(prisma), C(prisma_sase) and C(scm) are aliases of C(paloalto);
        C(perimeter81) and C(harmony_sase) of C(checkpoint).
    type: str
    default: paloalto
    choices: [paloalto, prisma, prisma_sase, scm, checkpoint, perimeter81, harmony_sase]
  client_id:
    description:
      - Palo Alto service account client id, for example C(sa-name@1838006364.iam.panserviceaccount.com).
      - Required for C(paloalto). If not set, the environment variable E(PALOALTO_CLIENT_ID) is used.
    type: str
  client_secret:
    description:
      - Palo Alto service account client secret.
      - Required for C(paloalto). If not set, the environment variable E(PALOALTO_CLIENT_SECRET) is used.
    type: str
  tsg_id:
    description:
      - Palo Alto Tenant Service Group id (digits only); the token is scoped to C(tsg_id:<tsg_id>).
      - Required for C(paloalto). If not set, the environment variable E(PALOALTO_TSG_ID) is used.
    type: str
  client_auth:
    description:
      - How C(paloalto) sends the client credentials, HTTP Basic authentication or fields in the form body.
    type: str
    choices: [basic, body]
    default: basic
  api_key:
    description:
      - Check Point Harmony SASE API key.
      - Required for C(checkpoint). If not set, the environment variable E(CHECKPOINT_SASE_API_KEY) is used.
    type: str
  region:
    description:
      - Check Point Harmony SASE region; it picks the auth and API hosts, which share the paths
        C(/api/v1/auth/authorize) and C(/api/rest).
      - V(us) (C(api.perimeter81.com)), V(eu) (C(api.eu.sase.checkpoint.com)), V(au) (C(api.au.sase.checkpoint.com))
        or V(in) (C(api.in.sase.checkpoint.com)), in any case (V(AU) is V(au)); another value fails naming these four.
      - If not set, the environment variable E(CHECKPOINT_SASE_REGION) is used.
    type: str
    default: us
extends_documentation_fragment:
  - vendor.tokens.common
  - vendor.tokens.common.module
'''

EXAMPLES = r'''
- name: Get a Prisma SASE token
  vendor.tokens.sase_token:
    client_id: "{{ pa_client_id }}"
    client_secret: "{{ pa_client_secret }}"
    tsg_id: "1838006364"
  register: pa

- name: List addresses with it
  ansible.builtin.uri:
    url: "{{ pa.token.api_url }}/sse/config/v1/addresses?folder=Shared"
    headers: "{{ pa.token.headers }}"
  delegate_to: localhost

- name: Get a Check Point Harmony SASE token in the EU region, credentials from CHECKPOINT_SASE_API_KEY
  vendor.tokens.sase_token:
    provider: checkpoint
    region: eu
  register: checkpoint

- name: Use the registered token (no fact is set, so fact caches never hold it)
  ansible.builtin.uri:
    url: "{{ checkpoint.token.api_url }}/v1/networks"
    headers: "{{ checkpoint.token.headers }}"
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
      sample: paloalto
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
      sample: https://api.sase.paloaltonetworks.com
    scope:
      description: The scope granted (Palo Alto only).
      type: str
      returned: when the vendor grants a scope
      sample: tsg_id:1838006364
    claims:
      description: The token's JWT payload, decoded without verification; null when the token is not a JWT.
      type: dict
      sample: {sub: "sa@1838006364.iam.panserviceaccount.com", exp: 1795367700}
    cached:
      description: Whether the token came from the cache rather than a new request.
      type: bool
      sample: false
'''

from ansible_collections.vendor.tokens.plugins.module_utils._module import run_token_module


def main():
    run_token_module('sase_token')


if __name__ == '__main__':
    main()
