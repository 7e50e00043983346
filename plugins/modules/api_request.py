#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: api_request
short_description: Send one request to a vendor's API with the vendor's cached token
version_added: 0.1.0
description:
  - Sends one request to the API of a vendor of the collection, with the token the shared cache holds for its
    credential (the one M(vendor.tokens.sase_token) and the P(vendor.tokens.token#lookup) lookup return), and returns
    the answer.
  - A 401 answer renews the token once through the cache (O(refused_token) semantics), so that many hosts and tasks
    that meet a revoked token make one token request; the request is then sent again.
  - HTTP 429 and 503 are retried for any method, other 5xx answers only for idempotent methods (C(GET), C(HEAD),
    C(OPTIONS), C(PUT), C(DELETE)), at most O(retries) times, after the C(Retry-After) the API sent (or an
    exponential backoff of 0.5, 1, 2, 4, then 8 seconds). A C(Retry-After) beyond O(max_wait) fails at once, naming it.
  - Connection errors, TLS failures and timeouts fail with one line naming the method, the URL and the cause.
  - With O(all_pages=true), every page of a list is read, as the vendor pages its lists, following the C(total) the
    API gives (servers cap the page length below what is asked), and one list is returned.
  - Settings and credentials are read exactly as the token modules read them.
author:
  - Vendor Tokens Maintainers (@vendor-tokens)
options:
  vendor:
    description:
      - The vendor whose API is called, by name or alias (C(paloalto), C(prisma), C(scm), C(checkpoint), C(forticasb),
        C(plainid), C(keepz), ...), as the token modules and the lookup take it.
    type: str
    required: true
  method:
    description:
      - The HTTP method, in upper or lower case.
    type: str
    default: GET
    choices: [GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE, get, head, options, post, put, patch, delete]
  path:
    description:
      - The path, relative to the token's C(api_url) (O(api_url) or the vendor's API for its region), for example
        C(/sse/config/v1/addresses); it may carry a query string. A full C(https://) URL is used as it is.
    type: str
    required: true
  query:
    description:
      - Query parameters, added to the path's own; a list value repeats the parameter.
    type: dict
  body:
    description:
      - The request body, sent as JSON.
    type: raw
  headers:
    description:
      - Headers to send besides C(Authorization) and C(Accept), merged over the variable
        C(vendor_tokens_<vendor>_api_headers) (the headers a vendor's API needs with every call, such as FortiCASB's
        C(companyId), C(roleId) and C(buId)).
      - C(Authorization) is always the cached token; giving it fails the task.
    type: dict
  status_code:
    description:
      - The statuses that mean success; any other fails the task with the API's own message.
      - Defaults to V([200]) for C(GET), C(HEAD) and C(OPTIONS), and to V([200, 201, 202, 204]) for writes.
    type: list
    elements: int
  all_pages:
    description:
      - Read every page of a list (C(GET) only) and return its items as one list in RV(json).
      - Known for Prisma SASE (C(offset) and C(limit), the objects in C(data), following C(total)); for another vendor
        the task fails with a message.
    type: bool
    default: false
  page_size:
    description:
      - The page length asked for with O(all_pages); defaults to the vendor's (200 for Prisma SASE).
    type: int
  client_id:
    description:
      - Client id, for C(paloalto), C(plainid) and C(keepz).
      - Like every credential, also read from the variable C(vendor_tokens_<vendor>_client_id), the vendor's
        environment variable (such as E(PALOALTO_CLIENT_ID)) or C(<vendor>_client_id) in the C([vendor_tokens])
        section of C(ansible.cfg).
    type: str
  client_secret:
    description:
      - Client secret, for C(paloalto), C(plainid) and C(keepz).
    type: str
  tsg_id:
    description:
      - Tenant Service Group id, for C(paloalto).
    type: str
  client_auth:
    description:
      - How C(paloalto) sends the client credentials, V(basic) (the default) or V(body).
    type: str
  api_key:
    description:
      - API key, for C(checkpoint).
    type: str
  region:
    description:
      - Region, for C(checkpoint) and C(plainid); it picks the auth and API hosts.
    type: str
  credential:
    description:
      - API credential, for C(forticasb), instead of O(username) and O(password).
    type: str
  username:
    description:
      - User name, for C(forticasb).
    type: str
  password:
    description:
      - Password, for C(forticasb).
    type: str
  refresh_token:
    description:
      - Refresh token from an earlier token record, for C(forticasb).
    type: str
  base_url:
    description:
      - Service base URL, for C(keepz).
    type: str
extends_documentation_fragment:
  - vendor.tokens.common
  - vendor.tokens.controller
  - vendor.tokens.controller.api
notes:
  - An action plugin runs this module on the controller, in Ansible's worker process, whatever host the task is for,
    with one keep-alive connection per worker; it never connects to the host, needs no C(delegate_to) and never
    becomes another user. The Python packages C(requests) and C(jmespath) are needed on the controller only.
  - No token or secret appears in the result, a message or C(-vvv) output; response headers are returned without
    C(Authorization), C(Set-Cookie) and C(Cookie).
  - M(ansible.builtin.uri) with the token record's C(headers) and C(api_url) remains the way to call an endpoint with
    options this module lacks.
attributes:
  check_mode:
    support: full
    description: C(GET), C(HEAD) and C(OPTIONS) are sent; writes are reported as changed and not sent.
  diff_mode:
    support: none
    description: The module reports no diff.
'''

EXAMPLES = r'''
- name: Every address of a folder, all pages
  vendor.tokens.api_request:
    vendor: paloalto
    path: /sse/config/v1/addresses
    query:
      folder: Shared
    all_pages: true
  register: addresses

- name: Create a tag (credentials from PALOALTO_* environment variables or vendor_tokens_paloalto_* variables)
  vendor.tokens.api_request:
    vendor: paloalto
    method: POST
    path: /sse/config/v1/tags
    query:
      folder: Shared
    body:
      name: web
      color: Red
    status_code: [201]

- name: A FortiCASB call with the headers its API needs
  vendor.tokens.api_request:
    vendor: forticasb
    path: /alerts
    headers:
      companyId: "1234"
      roleId: "5678"
      buId: "90"
'''

RETURN = r'''
method:
  description: The method sent.
  returned: always
  type: str
  sample: GET
url:
  description: The URL asked (for O(all_pages), without the paging parameters).
  returned: always
  type: str
  sample: https://api.sase.paloaltonetworks.com/sse/config/v1/addresses?folder=Shared
sent:
  description: Whether the request was sent (check mode does not send writes).
  returned: always
  type: bool
  sample: true
status:
  description: The HTTP status of the answer (of the last page for O(all_pages)); null when nothing was sent.
  returned: always
  type: int
  sample: 200
json:
  description: The answer's JSON; with O(all_pages), the items of every page as one list.
  returned: always
  type: raw
  sample: {data: [{id: 3d5c0f35, name: web, folder: Shared, ip_netmask: 192.0.2.10/32}], offset: 0, limit: 200, total: 1}
content:
  description: The answer's text, when it is not JSON.
  returned: when the answer is not JSON
  type: str
headers:
  description: The answer's headers, without C(Authorization), C(Set-Cookie) and C(Cookie).
  returned: always
  type: dict
  sample: {Content-Type: application/json}
pages:
  description: How many pages were read (1 for a single request, 0 when nothing was sent).
  returned: always
  type: int
  sample: 3
'''

from ansible_collections.vendor.tokens.plugins.module_utils._api_module import run_api_module


def main():
    run_api_module('api_request')


if __name__ == '__main__':
    main()
