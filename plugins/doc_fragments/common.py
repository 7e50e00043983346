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
      - Base URL of the vendor's API, returned as C(api_url) in the token record for building request URLs.
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
      - One token request takes at most (O(retries) + 1) x 2 x O(timeout) seconds, plus the waits between
        attempts (each a C(Retry-After) of at most O(timeout), or a backoff of 0, 1, 2, 4, then 8 seconds); through a
        proxy that accepts connections and never answers, (O(retries) + 1) x O(timeout) plus the backoff.
    type: int
    default: 30
  retries:
    description:
      - How many times to retry after a connection error, a timeout, HTTP 429 or a 5xx answer, with exponential backoff.
      - HTTP 400, 401 and 403 are never retried.
    type: int
    default: 3
  cache:
    description:
      - Reuse a token from the shared cache while it lives at least O(min_ttl) more seconds, and store new ones there.
      - The cache is shared by all modules and the lookup, across tasks, forks, hosts and runs of the same user;
        concurrent requests for the same credential make one request and the others wait for it.
      - Entries are encrypted with a key derived from the credential's secret. A cache that cannot be used gives
        one warning and the token is fetched as if O(cache=false).
    type: bool
    default: true
  cache_dir:
    description:
      - Folder of the cache, created with mode 0700.
      - Each time a new token is stored, entries and shortcuts in it that are untouched for 30 days are deleted.
      - Defaults to the environment variable E(VENDOR_TOKENS_CACHE_DIR), else C($XDG_CACHE_HOME/vendor.tokens),
        else C(~/.cache/vendor.tokens).
    type: path
  cache_url:
    description:
      - A Redis server through which many controllers share the token cache, such as AWX or AAP execution nodes and
        parallel CI runners.
      - Given as V(redis://[:password@]host:port/db), V(rediss://[:password@]host:port/db) for TLS, or
        V(unix:///path/to/redis.sock); an ACL user as V(redis://user:password@host:port/db). Percent-encode the
        password's C(/), C(#), C(?), C(@) and C(%) characters (V(%2F), V(%23), V(%3F), V(%40), V(%25)).
      - Defaults to the environment variable E(VENDOR_TOKENS_CACHE_URL), or the variable C(vendor_tokens_cache_url).
        An AWX/AAP credential of the type in C(extensions/awx/credential_type_shared_cache.yml) injects it.
      - Unset, the cache is the file cache alone. Set, the file cache still serves repeated tasks, and on a miss
        Redis is asked before the vendor; concurrent controllers wait on one Redis lock per credential, so they make
        one request. Entries are sealed as in the file cache and expire in Redis with their token.
      - Redis failing (unreachable, refusing the password, timing out, read-only) is never a task failing; the run
        gives one warning naming the server (never its password) and uses the file cache alone.
      - A value that is not such a URL fails the task before any request, as other bad input does.
      - Needs the Python package C(redis) on the controller. Never logged, as it holds the password.
    type: str
  cache_ca_path:
    description:
      - PEM file of the CA certificates that sign the certificate of a V(rediss://) O(cache_url), instead of the
        system bundle.
      - Defaults to the environment variable E(VENDOR_TOKENS_CACHE_CA_PATH). Given with a V(redis://) O(cache_url), or
        without one, it fails the task.
    type: path
  force:
    description:
      - Fetch a new token even when the cache holds a usable one, and replace it.
    type: bool
    default: false
  refused_token:
    description:
      - An access token the vendor's API has just refused (HTTP 401), for example because it was revoked.
      - When the cache holds this token, a new one is fetched and cached; when it holds another, that one is
        returned. So many hosts and includes that meet the same refusal make one request, unlike O(force).
      - Never logged.
    type: str
  min_ttl:
    description:
      - Seconds the returned token must still live. A cached token closer to its expiry is renewed.
    type: int
    default: 60
  refusal_ttl:
    description:
      - Seconds a refused login (HTTP 400, 401 or 403) is remembered in the cache, so that many hosts make one request.
      - A wrong or rotated secret on many hosts and forks then makes one request, not one per host; each of them
        fails with the vendor's message, how long ago it was refused and when it will be asked again.
      - The refusal is sealed and keyed like a token, so a corrected secret is asked at once. O(force=true) asks
        anyway. Timeouts, HTTP 429 and 5xx answers are never remembered. V(0) turns it off; so does O(cache=false).
    type: int
    default: 60
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
  - An action plugin runs this module on the controller, in Ansible's worker process, whatever host the task is
    for; the task never connects to its host, so it works on hosts that are unreachable, have no Python or are
    network devices, and needs no C(delegate_to). The Python packages C(requests) and C(jmespath) are needed on the
    controller only. The remote module path is not used.
  - Unknown options are refused with the closest valid name; environment fallbacks read the controller's
    environment under the task's C(environment) keyword. C(async) is refused.
  - The record holds a live token; set C(no_log=true) on tasks that would print it.
requirements:
  - requests
  - jmespath
  - redis (only with O(cache_url))
attributes:
  action:
    support: full
    description: Runs on the controller through the action plugin of the same name, never on the task's host.
  async:
    support: none
    description: The task returns as soon as it has the token; C(async) is refused with a message.
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

    # Where the lookup also reads the shared options from; vendor credentials have their own prefixed options.
    PLUGINS = r'''
options:
  validate_certs:
    env:
      - name: VENDOR_TOKENS_VALIDATE_CERTS
    ini:
      - section: vendor_tokens
        key: validate_certs
    vars:
      - name: vendor_tokens_validate_certs
  ca_path:
    env:
      - name: VENDOR_TOKENS_CA_PATH
    ini:
      - section: vendor_tokens
        key: ca_path
    vars:
      - name: vendor_tokens_ca_path
  client_cert:
    env:
      - name: VENDOR_TOKENS_CLIENT_CERT
    ini:
      - section: vendor_tokens
        key: client_cert
    vars:
      - name: vendor_tokens_client_cert
  client_key:
    env:
      - name: VENDOR_TOKENS_CLIENT_KEY
    ini:
      - section: vendor_tokens
        key: client_key
    vars:
      - name: vendor_tokens_client_key
  timeout:
    env:
      - name: VENDOR_TOKENS_TIMEOUT
    ini:
      - section: vendor_tokens
        key: timeout
    vars:
      - name: vendor_tokens_timeout
  retries:
    env:
      - name: VENDOR_TOKENS_RETRIES
    ini:
      - section: vendor_tokens
        key: retries
    vars:
      - name: vendor_tokens_retries
  cache:
    env:
      - name: VENDOR_TOKENS_CACHE
    ini:
      - section: vendor_tokens
        key: cache
    vars:
      - name: vendor_tokens_cache
  cache_dir:
    env:
      - name: VENDOR_TOKENS_CACHE_DIR
    ini:
      - section: vendor_tokens
        key: cache_dir
    vars:
      - name: vendor_tokens_cache_dir
  cache_url:
    env:
      - name: VENDOR_TOKENS_CACHE_URL
    ini:
      - section: vendor_tokens
        key: cache_url
    vars:
      - name: vendor_tokens_cache_url
  cache_ca_path:
    env:
      - name: VENDOR_TOKENS_CACHE_CA_PATH
    ini:
      - section: vendor_tokens
        key: cache_ca_path
    vars:
      - name: vendor_tokens_cache_ca_path
  force:
    vars:
      - name: vendor_tokens_force
  min_ttl:
    env:
      - name: VENDOR_TOKENS_MIN_TTL
    ini:
      - section: vendor_tokens
        key: min_ttl
    vars:
      - name: vendor_tokens_min_ttl
  refusal_ttl:
    env:
      - name: VENDOR_TOKENS_REFUSAL_TTL
    ini:
      - section: vendor_tokens
        key: refusal_ttl
    vars:
      - name: vendor_tokens_refusal_ttl
'''
