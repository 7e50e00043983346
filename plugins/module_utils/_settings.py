# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every shared setting, in one table: its type, default, secrecy, sources and documentation.

The module argument spec (_module.py), the lookup's option definitions (lookup/token.py), the doc fragment
vendor.tokens.common, the login role's specs and the README's settings table are all derived from SETTINGS;
plugin_utils/_settings.py resolves a value from its sources, for the action plugins and the lookup alike.
A setting is read, first found first: task option or lookup keyword, then the variable vendor_tokens_<name>, the
environment variable VENDOR_TOKENS_<NAME>, [vendor_tokens] <name> in ansible.cfg, then its default. Settings that
belong to one vendor (per_vendor) are named <vendor>_<name> in variables and ansible.cfg, and have no environment
variable. An empty or blank value of a setting means "not set".
"""

from __future__ import annotations

INI_SECTION = 'vendor_tokens'
VARIABLE_PREFIX = 'vendor_tokens_'


class Setting(object):
    """One shared setting.

    kind: str, bool, int or path; secret: never logged, masked in messages; environment/variable/ini: whether it is
    read from VENDOR_TOKENS_<NAME>, vendor_tokens_<name>, [vendor_tokens] <name> (else only as an option or
    keyword); per_vendor: named <vendor>_<name> in variables and ansible.cfg; doc: its description, one entry a
    paragraph (the first sentence is its summary in roles, forms and the README).
    """

    __slots__ = ('name', 'kind', 'default', 'secret', 'environment', 'variable', 'ini', 'per_vendor', 'doc')

    def __init__(self, name, kind, doc, default=None, secret=False, environment=True, variable=True, ini=True,
                 per_vendor=False):
        self.name, self.kind, self.default, self.secret = name, kind, default, secret
        self.environment, self.variable, self.ini = environment and not per_vendor, variable, ini
        self.per_vendor, self.doc = per_vendor, doc

    def env_name(self):
        """Its environment variable, or None."""
        return 'VENDOR_TOKENS_%s' % self.name.upper() if self.environment else None

    def variable_name(self, vendor=None):
        """Its vendor_tokens_* variable (for a vendor's own setting, that vendor's), or None."""
        if not self.variable:
            return None
        return VARIABLE_PREFIX + ('%s_%s' % (vendor, self.name) if self.per_vendor else self.name)

    def ini_key(self, vendor=None):
        """Its key in [vendor_tokens] of ansible.cfg, or None."""
        if not self.ini:
            return None
        return '%s_%s' % (vendor, self.name) if self.per_vendor else self.name


SETTINGS = (
    Setting('auth_url', 'str', per_vendor=True, doc=(
        "The vendor's token endpoint.",
        'Overrides the default URL the vendor (and its region) give, for a proxy, a private endpoint or a test server.')),
    Setting('api_url', 'str', per_vendor=True, doc=(
        'Base URL of the vendor\'s API, returned as C(api_url) in the token record for building request URLs.',
        'Defaults to the vendor\'s public API for the region, or to the scheme and host of O(auth_url) when the vendor '
        'has no fixed API host.')),
    Setting('validate_certs', 'bool', default=True, doc=(
        "Verify the server's TLS certificate.",
        'Set to V(false) only for a test server; plain C(http://) URLs are refused unless this is V(false).')),
    Setting('ca_path', 'path', doc=(
        "PEM file of the CA certificates that sign the server's certificate, instead of the system bundle.",)),
    Setting('client_cert', 'path', doc=('PEM client certificate for mutual TLS.',)),
    Setting('client_key', 'path', doc=(
        'PEM private key of O(client_cert), when the certificate file does not contain it.',)),
    Setting('timeout', 'int', default=30, doc=(
        'Seconds to wait for a connection and for the answer, per attempt.',
        'A C(Retry-After) longer than this fails at once instead of waiting.',
        'One token request takes at most (O(retries) + 1) x 2 x O(timeout) seconds, plus the waits between '
        'attempts (each a C(Retry-After) of at most O(timeout), or a backoff of 0, 1, 2, 4, then 8 seconds); through a '
        'proxy that accepts connections and never answers, (O(retries) + 1) x O(timeout) plus the backoff.')),
    Setting('retries', 'int', default=3, doc=(
        'How many times to retry after a connection error, a timeout, HTTP 429 or a 5xx answer, with exponential '
        'backoff.',
        'HTTP 400, 401 and 403 are never retried.')),
    Setting('cache', 'bool', default=True, doc=(
        'Reuse a token from the shared cache while it lives at least O(min_ttl) more seconds, and store new ones there.',
        'The cache is shared by all modules and the lookup, across tasks, forks, hosts and runs of the same user; '
        'concurrent requests for the same credential make one request and the others wait for it.',
        "Entries are encrypted with a key derived from the credential's secret. A cache that cannot be used gives "
        'one warning and the token is fetched as if O(cache=false).')),
    Setting('cache_dir', 'path', doc=(
        'Folder of the cache, created with mode 0700.',
        'Each time a new token is stored, entries and shortcuts in it that are untouched for 30 days are deleted.',
        'Defaults to the environment variable E(VENDOR_TOKENS_CACHE_DIR), else C($XDG_CACHE_HOME/vendor.tokens), '
        'else C(~/.cache/vendor.tokens).')),
    Setting('cache_url', 'str', secret=True, doc=(
        'A Redis server through which many controllers share the token cache, such as AWX or AAP execution nodes and '
        'parallel CI runners.',
        'Given as V(redis://[:password@]host:port/db), V(rediss://[:password@]host:port/db) for TLS, or '
        'V(unix:///path/to/redis.sock); an ACL user as V(redis://user:password@host:port/db). Percent-encode the '
        "password's C(/), C(#), C(?), C(@) and C(%) characters (V(%2F), V(%23), V(%3F), V(%40), V(%25)).",
        'Defaults to the environment variable E(VENDOR_TOKENS_CACHE_URL), or the variable C(vendor_tokens_cache_url). '
        'An AWX/AAP credential of the type in C(extensions/awx/credential_type_shared_cache.yml) injects it.',
        'Unset, the cache is the file cache alone. Set, the file cache still serves repeated tasks, and on a miss '
        'Redis is asked before the vendor; concurrent controllers wait on one Redis lock per credential, so they make '
        'one request. Entries are sealed as in the file cache and expire in Redis with their token.',
        'Redis failing (unreachable, refusing the password, timing out, read-only) is never a task failing; the run '
        'gives one warning naming the server (never its password) and uses the file cache alone.',
        'A value that is not such a URL fails the task before any request, as other bad input does.',
        'Needs the Python package C(redis) on the controller. Never logged, as it holds the password.')),
    Setting('cache_ca_path', 'path', doc=(
        'PEM file of the CA certificates that sign the certificate of a V(rediss://) O(cache_url), instead of the '
        'system bundle.',
        'Defaults to the environment variable E(VENDOR_TOKENS_CACHE_CA_PATH). Given with a V(redis://) O(cache_url), or '
        'without one, it fails the task.')),
    Setting('force', 'bool', default=False, environment=False, ini=False, doc=(
        'Fetch a new token even when the cache holds a usable one, and replace it.',)),
    Setting('refused_token', 'str', secret=True, environment=False, variable=False, ini=False, doc=(
        "An access token the vendor's API has just refused (HTTP 401), for example because it was revoked.",
        'When the cache holds this token, a new one is fetched and cached; when it holds another, that one is '
        'returned. So many hosts and includes that meet the same refusal make one request, unlike O(force).',
        'Never logged.')),
    Setting('min_ttl', 'int', default=60, doc=(
        'Seconds the returned token must still live. A cached token closer to its expiry is renewed.',)),
    Setting('renew_window', 'int', doc=(
        'Seconds before expiry at which a cached token is renewed in advance (the advisory window).',
        'Unset, it is a third of the token\'s lifetime, at most 300 seconds (5 minutes for tokens of 15 minutes or '
        'more), and never less than O(min_ttl); set or not, it is at most three quarters of the lifetime. The moment '
        'carries a jitter of up to a tenth of the window (at most 30 seconds), so that controllers sharing a '
        'credential do not all renew in the same second. V(0), or any value up to O(min_ttl), turns it off.',
        'Inside the window the first task to come renews, once and without retries, while every other task is '
        'served the cached token without waiting. If that renewal fails (no connection, a timeout, HTTP 429 or 5xx, '
        'an answer that cannot be read, or a refused credential) the cached token is still served, with one warning '
        'per run, and the next attempt waits a short back-off (a sixth of the window, 5 to 60 seconds, plus up to a '
        'quarter more), shared through the cache by all forks and, with O(cache_url), all controllers.',
        'Inside O(min_ttl) (the mandatory window) a failure fails the task.')),
    Setting('refusal_ttl', 'int', default=60, doc=(
        'Seconds a refused login (HTTP 400, 401 or 403) is remembered in the cache, so that many hosts make one request.',
        'A wrong or rotated secret on many hosts and forks then makes one request, not one per host; each of them '
        "fails with the vendor's message, how long ago it was refused and when it will be asked again.",
        'The refusal is sealed and keyed like a token, so a corrected secret is asked at once. O(force=true) asks '
        'anyway. Timeouts, HTTP 429 and 5xx answers are never remembered. V(0) turns it off; so does O(cache=false).')),
)

BY_NAME = dict((setting.name, setting) for setting in SETTINGS)
# Every setting's default (None: unset), for the engine.
DEFAULTS = dict((setting.name, setting.default) for setting in SETTINGS)
SECRET_SETTINGS = tuple(setting.name for setting in SETTINGS if setting.secret)


def is_unset(value):
    """Whether a setting's value means "not set": None, or an empty or blank string."""
    return value is None or (isinstance(value, str) and not value.strip())


def without_empty_settings(values, prefix=''):
    """values without the settings (named prefix + setting) given as empty or blank strings. Credentials are kept,
    so that an empty one is refused as empty rather than filled from another source."""
    return dict((name, value) for name, value in values.items()
                if not (name.startswith(prefix) and name[len(prefix):] in BY_NAME and isinstance(value, str)
                        and not value.strip()))
