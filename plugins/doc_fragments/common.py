# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """Options shared by every token module and the token lookup."""

    DOCUMENTATION = r'''
options:
  auth_url:
    description:
      - The vendor's token endpoint.
      - Overrides the default URL the vendor (and its region) give, for a proxy, a private endpoint or a test server.
    type: str
  api_url:
    description:
      - Base URL of the vendor's API, returned as RV(token.api_url) for building request URLs.
      - Defaults to the vendor's public API for the region, or to the scheme and host of O(auth_url) when the vendor
        has no fixed API host.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate.
      - Set to V(false) only for a test server; plain C(http://) URLs are refused unless this is V(false).
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA certificates that sign the server's certificate, instead of the system bundle.
    type: path
  client_cert:
    description:
      - PEM client certificate for mutual TLS.
    type: path
  client_key:
    description:
      - PEM private key of O(client_cert), when the certificate file does not contain it.
    type: path
  timeout:
    description:
      - Seconds to wait for a connection and for the answer, per attempt.
      - A C(Retry-After) longer than this fails at once instead of waiting.
    type: int
    default: 30
  retries:
    description:
      - How many times to retry after a connection error, a timeout, HTTP 429 or a 5xx answer, with exponential backoff.
      - HTTP 400, 401 and 403 are never retried.
    type: int
    default: 3
'''

    MODULE = r'''
options:
  fact_name:
    description:
      - Name of the fact the token record is set as.
      - Defaults to C(<vendor>_token), for example C(paloalto_token).
    type: str
notes:
  - Getting a token changes nothing on the vendor's side, so the module reports RV(ignore:changed=false) and does the
    same in check mode.
  - Run it on the controller (C(delegate_to=localhost) or C(connection=local)); it needs the Python packages
    C(requests) and C(jmespath) where it runs.
  - The record holds a live token; set C(no_log=true) on tasks that would print it.
requirements:
  - requests
  - jmespath
attributes:
  check_mode:
    support: full
    description: Fetching a token is read-only, so it is done in check mode too.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
  action_group:
    support: full
    membership:
      - vendor.tokens.tokens
    description: Use C(group/vendor.tokens.tokens) in C(module_defaults) to set shared options once.
'''
