# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options in, a validated TokenRequest out: every check happens here, before any network I/O."""

from __future__ import annotations

import re

from urllib.parse import urljoin, urlsplit

from ansible_collections.vendor.tokens.plugins.module_utils import _http
from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._settings import DEFAULTS, SETTINGS, without_empty_settings
from ansible_collections.vendor.tokens.plugins.module_utils._sealed import key_material
from ansible_collections.vendor.tokens.plugins.module_utils._shared_cache import check_cache_url, password_of


class TokenRequest(object):
    """A validated token request: everything needed to POST, and nothing vendor-specific left to decide."""

    def __init__(self, profile, options, url, api_url, fields, auth, secrets, key_material, login=None):
        self.profile = profile
        self.login = login  # the Login chosen, for a vendor with several ways to log in
        self.key_material = key_material
        self.options = options
        self.url = url
        self.api_url = api_url
        self.fields = fields
        self.auth = auth
        self.secrets = secrets
        self.scope = fields.get('scope')

    @property
    def identity(self):
        """The non-secret values that name this credential (for the cache key)."""
        how = self.profile.client_auth and self.profile.client_auth.chosen_by
        named = tuple((cred.name, self.options.get(cred.name)) for cred in self.profile.credentials
                      if not cred.secret and cred.name != how)
        return named + (('login', self.login.name),) if self.login else named

    @property
    def refresh_url(self):
        """Where the refresh grant goes: the login's reference relative to the auth URL, else the row's suffix."""
        if self.login and self.login.refresh_url:
            return urljoin(self.url, self.login.refresh_url)
        return self.url.rstrip('/') + self.profile.refresh.url_suffix

    def post(self, url, fields, auth):
        opts = self.options
        body = {'json_body': fields} if self.profile.encoding == 'json' else {'data': fields}
        return _http.post(url, self.profile.name, auth=auth, validate_certs=opts['validate_certs'], ca_path=opts['ca_path'],
                          client_cert=opts['client_cert'], client_key=opts['client_key'], timeout=opts['timeout'],
                          retries=opts['retries'], **body)


# The whole-number settings that always have a value (renew_window, unset by default, is checked on its own).
_COUNTED = tuple(setting.name for setting in SETTINGS if setting.kind == 'int' and setting.default is not None)


def build_request(profile, values, describe, warn=None):
    """Validate options for profile and build the TokenRequest. No network I/O.

    values: option name -> value (None or missing: not set). describe(profile, name) says how a user sets
    an option, for messages. warn(text) receives warnings.
    """
    warn = warn or (lambda text: None)

    def fail(message, name=None):
        return TokenError(message, vendor=profile.name, option=name)

    opts = dict(DEFAULTS)
    opts.update((key, value) for key, value in without_empty_settings(values).items() if value is not None)
    login = _chosen_login(profile, opts, describe)
    secrets = []
    for cred in profile.credentials:
        value = opts.get(cred.name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, '') and cred.default is not None:
            value = cred.default
        if value in (None, ''):
            if cred.required or login and cred.name in login.credentials:
                state = 'is empty' if opts.get(cred.name) is not None else 'is missing'
                raise fail('%s %s; %s needs it' % (describe(profile, cred.name), state, profile.title), cred.name)
            opts[cred.name] = None
            continue
        if not isinstance(value, str):
            value = str(value)
        if cred.fold_case:
            value = value.lower()
        if cred.choices and value not in cred.choices:
            raise fail('%s is %r; it must be one of: %s' % (describe(profile, cred.name), value, ', '.join(cred.choices)),
                       cred.name)
        if cred.pattern and not re.match(cred.pattern, value):
            raise fail('%s is not valid; it must be %s' % (describe(profile, cred.name), cred.hint), cred.name)
        opts[cred.name] = value
        if cred.secret:
            secrets.append(value)

    for name in _COUNTED:
        try:
            opts[name] = int(opts[name])
        except (TypeError, ValueError):
            raise fail('%s is %r; it must be a whole number' % (describe(profile, name), opts[name]), name)
    if opts['timeout'] <= 0 or opts['retries'] < 0 or opts['min_ttl'] < 0 or opts['refusal_ttl'] < 0:
        raise fail('timeout must be above 0, retries, min_ttl and refusal_ttl 0 or more', 'timeout')
    if opts.get('renew_window') is not None:  # None: derived from the token's lifetime (_recall.renew_threshold)
        try:
            opts['renew_window'] = int(opts['renew_window'])
        except (TypeError, ValueError):
            opts['renew_window'] = -1
        if opts['renew_window'] < 0:
            raise fail('%s is %r; it must be a whole number of seconds, 0 or more (unset: derived from the token '
                       "lifetime)" % (describe(profile, 'renew_window'), values.get('renew_window')), 'renew_window')
    if bool(opts['client_key']) and not opts['client_cert']:
        raise fail("option 'client_key' is set without 'client_cert'; give both or neither", 'client_cert')
    if opts['cache_url'] is not None:
        opts['cache_url'] = str(opts['cache_url']).strip()
        problem = check_cache_url(opts['cache_url'], opts['cache_ca_path'])
        if problem:
            raise fail('%s %s' % (describe(profile, 'cache_url'), problem), 'cache_url')
        secrets += [opts['cache_url'], password_of(opts['cache_url'])]
    elif opts['cache_ca_path']:
        raise fail("option 'cache_ca_path' is set without 'cache_url'; give both or neither", 'cache_ca_path')

    variables = dict((key, value) for key, value in opts.items() if value is not None)
    for cred in profile.credentials:
        value = opts.get(cred.name)
        if value is None:
            continue
        if cred.selects:
            variables.update(cred.selects[value])
        if cred.url:
            variables[cred.name] = value.rstrip('/')
            _check_url(profile, cred.name, variables[cred.name], opts['validate_certs'], warn)

    url = opts['auth_url'] or _fill(profile, profile.auth_url, variables, describe)
    if login and login.auth_url:  # a reference relative to the row's auth URL, so that auth_url moves both ways
        url = urljoin(url, _fill(profile, login.auth_url, variables, describe))
    _check_url(profile, 'auth_url', url, opts['validate_certs'], warn)
    if not opts['validate_certs'] and url.startswith('https://'):
        # The same text every time, so that Ansible shows it once per run however many tasks and forks fetch.
        warn('%s: validate_certs is false, so the TLS certificate of %s is not verified; give ca_path instead'
             % (profile.name, url))
    if opts['api_url']:  # the token travels there: the same rules as for auth_url
        _check_url(profile, 'api_url', opts['api_url'], opts['validate_certs'], warn)
    api_url = opts['api_url'] or (_fill(profile, profile.api_url, variables, None) if profile.api_url else None)
    if not api_url:
        parts = urlsplit(url)
        api_url = '%s://%s' % (parts.scheme, parts.netloc)
    api_url = api_url.rstrip('/')

    body = login.body if login and login.body is not None else profile.body
    fields = dict((key, _fill(profile, template, variables, describe)) for key, template in body.items())
    auth = None
    if login and login.headers:
        auth = HeaderAuth(dict((name, _fill(profile, template, variables, describe))
                               for name, template in login.headers.items()))
    client = login.client_auth if login and login.client_auth else profile.client_auth
    if client:
        user, password = opts[client.user], opts[client.password]
        if (client.chosen_by and opts.get(client.chosen_by) or client.default) == 'basic':
            # UTF-8 (RFC 7617), sent as given, not form-encoded first: requests would encode as Latin-1.
            auth = (user.encode('utf-8'), password.encode('utf-8'))
        else:
            fields[client.user], fields[client.password] = user, password
    return TokenRequest(profile, opts, url, api_url, fields, auth, secrets, key_material(profile, opts), login)


class HeaderAuth(object):
    """Headers a login sends exactly as given (requests calls an auth object with the prepared request)."""

    def __init__(self, headers):
        self.headers = headers

    def __call__(self, prepared):
        prepared.headers.update(self.headers)
        return prepared


def _chosen_login(profile, opts, describe):
    """The Login whose credentials are given, for a vendor with several ways to log in (None for the others);
    none given, or those of two ways, is refused naming the options."""
    if not profile.logins:
        return None
    given = [login for login in profile.logins
             if any(opts.get(name) is not None and str(opts[name]).strip() for name in login.credentials)]
    ways = ', or '.join(login.described() for login in profile.logins)
    if len(given) > 1:
        named = [describe(profile, name) for login in given for name in login.credentials
                 if opts.get(name) is not None and str(opts[name]).strip()]
        raise TokenError('%s are all set; %s takes either %s, not both: leave one way unset'
                         % (' and '.join(named), profile.title, ways), vendor=profile.name,
                         option=given[0].credentials[0])
    if not given:
        first = profile.logins[0].credentials[0]
        raise TokenError('%s is missing; %s needs %s (%s)' % (
            describe(profile, first), profile.title, ways,
            '; '.join(describe(profile, name) for login in profile.logins[1:] for name in login.credentials)),
            vendor=profile.name, option=first)
    return given[0]


def _fill(profile, template, variables, describe):
    """Fill a URL or body template; a missing variable is the user's missing option (or None without describe)."""
    try:
        return template.format(**variables)
    except KeyError as exc:
        if describe is None:
            return None
        name = exc.args[0]
        choices = ''
        for cred in profile.credentials:
            if cred.selects and any(name in selected for selected in cred.selects.values()):
                name, choices = cred.name, ' (one of %s)' % ', '.join(sorted(cred.selects))
        raise TokenError('%s is missing; give it%s or auth_url' % (describe(profile, name), choices),
                         vendor=profile.name, option=name)


def _check_url(profile, name, url, validate_certs, warn):
    parts = urlsplit(url) if isinstance(url, str) else None
    if not parts or parts.scheme not in ('https', 'http') or not parts.hostname:
        raise TokenError("option '%s' is %r, which is not an http(s) URL with a host" % (name, url),
                         vendor=profile.name, option=name)
    if parts.username or parts.password:
        raise TokenError("option '%s' carries credentials in the URL; give them as options instead" % name,
                         vendor=profile.name, option=name)
    if parts.scheme == 'http':
        if validate_certs:
            raise TokenError("option '%s' is a plain http:// URL, which would send credentials unencrypted; use https://, "
                             "or set validate_certs: false to allow it for a test server" % name,
                             vendor=profile.name, option=name)
        warn("%s %s is plain http://: credentials and the token travel unencrypted" % (profile.name, name))
