# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every fact about each vendor's token endpoint, in one table.

The engine (_engine.py and the modules it calls) reads these rows and has no vendor-specific code:
a new vendor is a new row here (plus a thin module and its documentation).
Paths into answers are JMESPath expressions.
"""

from __future__ import annotations

from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError


# Plain classes rather than namedtuples: the lookup's hit path imports this table, and building namedtuple
# classes costs it time at every templating (make bench shows the cost of a hit).
class Credential(object):
    """One credential or vendor-specific option.

    name: option name, and the template variable its value fills; env: environment fallback; secret: never logged,
    and what cache entries are sealed with; pattern/hint: validated before any request; choices: allowed values;
    default: used when unset; label: its name in forms (AWX); doc: what it is, after the vendor's title (generated
    documentation); selects: {value: {template variables}} a value sets (its keys are the choices); url: the value
    is a URL, checked as auth_url is, without its trailing slash; fold_case: the value is taken in lower case (its
    choices are lower case), so AU means au; notes: more of its documentation, one entry a paragraph.
    """

    __slots__ = ('name', 'env', 'secret', 'required', 'pattern', 'hint', 'choices', 'default', 'label', 'doc', 'selects',
                 'url', 'fold_case', 'notes')

    def __init__(self, name, env, secret=False, required=True, pattern=None, hint=None, choices=None, default=None,
                 label=None, doc=None, selects=None, url=False, fold_case=False, notes=()):
        self.name, self.env, self.secret, self.required = name, env, secret, required
        self.pattern, self.hint, self.default = pattern, hint, default
        self.choices = tuple(selects) if selects and not choices else choices
        self.label, self.doc, self.selects, self.url, self.fold_case = label, doc, selects, url, fold_case
        self.notes = notes


class ClientAuth(object):
    """How a client id and secret travel: as HTTP Basic (UTF-8, RFC 7617) or as body fields under their option
    names; chosen_by names the option a user picks the way with, among 'basic' and 'body'."""

    __slots__ = ('user', 'password', 'default', 'chosen_by')

    def __init__(self, user, password, default='basic', chosen_by=None):
        self.user, self.password, self.default, self.chosen_by = user, password, default, chosen_by


class Refresh(object):
    """How a refresh token is exchanged: a suffix to the auth URL and body templates over the options, where the
    variable named option is the refresh token in use (the option itself gives one: a module option only)."""

    __slots__ = ('url_suffix', 'body', 'option')

    def __init__(self, url_suffix, body, option):
        self.url_suffix, self.body, self.option = url_suffix, body, option


class Login(object):
    """One of the ways to log in to a vendor that has several (the row's logins); a row without logins has one, its
    own auth_url, body and client_auth. A user picks a way by giving its credentials (those of two ways at once are
    refused), and every credential of the chosen way is then required (in the table they are required=False).

    name: names the way in messages, the cache key and the sealing material; credentials: the option names it takes;
    auth_url: a reference relative to the row's auth URL (the default, or the auth_url option), None meaning the
    same; body, client_auth: as the row's, None meaning the row's; headers: header templates over the options,
    sent as they are (such as a credential the vendor wants as the Authorization header); refresh_url: where its
    refresh grant goes, a reference relative to its auth URL (None: the row's Refresh.url_suffix).
    """

    __slots__ = ('name', 'credentials', 'auth_url', 'body', 'client_auth', 'headers', 'refresh_url')

    def __init__(self, name, credentials, auth_url=None, body=None, client_auth=None, headers=None, refresh_url=None):
        self.name, self.credentials, self.auth_url, self.body = name, credentials, auth_url, body
        self.client_auth, self.headers, self.refresh_url = client_auth, headers or {}, refresh_url

    def described(self):
        """Its credentials as a user reads them: 'username and password'."""
        return ' and '.join(self.credentials)


class ApiStyle(object):
    """What the API modules (api_request, sase_objects) need to know of a vendor's API, where it is known.

    headers: headers every API call needs beside the token (their values are the user's); paging: 'offset'
    (offset and limit query parameters, until a short page) or None (not known: ask for pages yourself);
    list_field: where a list answer holds its objects; page_size: the API's default and largest page; container: the query
    parameter that names an object's container; id_field: an object's id; push: how a candidate configuration is
    pushed and its job polled, or None.
    """

    __slots__ = ('headers', 'paging', 'list_field', 'page_size', 'container', 'id_field', 'push')

    def __init__(self, headers=(), paging=None, list_field=None, page_size=None, container=None, id_field=None,
                 push=None):
        self.headers, self.paging, self.list_field, self.page_size = headers, paging, list_field, page_size
        self.container, self.id_field, self.push = container, id_field, push


class VendorProfile(object):
    """One vendor's row. name, title, module, credentials and auth_url are required; every other field has its
    default in DEFAULTS, so that a row states only what differs from a plain OAuth 2.0 client-credentials vendor."""

    REQUIRED = (
        'name',             # canonical vendor name
        'title',            # what users call it, for messages and documentation
        'module',           # the module that serves it
        'credentials',      # tuple of Credential
        'auth_url',         # template over options and the variables their values select
    )
    DEFAULTS = dict(
        aliases=(),         # other accepted names
        api_url=None,       # template, the base URL for API calls (None: the scheme and host of the auth URL)
        encoding='form',    # 'form' or 'json'
        body=None,          # request fields, templates over options (None: grant_type=client_credentials)
        client_auth=None,   # ClientAuth, or None: the body templates carry every credential
        token_path='access_token',  # JMESPath of the access token
        type_path='token_type',     # JMESPath of the token type (None: Bearer)
        expiry_path='expires_in',   # JMESPath of the expiry
        expiry_kind='relative',     # 'relative' (seconds from now) or 'absolute' (epoch s/ms or ISO-8601)
        scope_path=None,    # JMESPath of the granted scope, or None
        refresh_path=None,  # JMESPath of a refresh token, or None
        refresh=None,       # Refresh, or None
        error_paths=('error', 'error_description', 'message'),  # JMESPath expressions forming the vendor's error text
        lifetime=3600,      # documented token lifetime in seconds
        api=None,           # how its API is called beyond the token: see ApiStyle (None: nothing known)
        logins=(),          # tuple of Login: the ways to log in, when there are several
        summary=None,       # how it logs in, in a few words (the README's vendor table)
        about=(),           # what its module's documentation says of it, one entry a paragraph
        example=None,       # an API path its module's example calls with the token
    )
    __slots__ = REQUIRED + tuple(DEFAULTS)

    def __init__(self, **fields):
        missing = [name for name in self.REQUIRED if name not in fields]
        unknown = sorted(set(fields) - set(self.__slots__))
        if missing or unknown:
            raise TypeError('a vendor profile needs %s and may have %s; missing %s, unknown %s' % (
                ', '.join(self.REQUIRED), ', '.join(self.DEFAULTS), missing, unknown))
        for name, value in self.DEFAULTS.items():
            setattr(self, name, fields.get(name, value))
        for name in self.REQUIRED:
            setattr(self, name, fields[name])
        if self.body is None:
            self.body = {'grant_type': 'client_credentials'}
        if self.api is None:
            self.api = ApiStyle()

    def login_for(self, values):
        """The Login whose credentials values give (the first, when several are given: the engine refuses that), or
        None for a row without logins or values that give none."""
        for login in self.logins:
            for name in login.credentials:
                if values.get(name) is not None and str(values[name]).strip():
                    return login
        return None

    def setting_credentials(self):
        """The vendor's options that are also settings (keyword, variable, environment, ansible.cfg): all but the
        refresh token, which the cache keeps and only a module takes."""
        refresh = self.refresh and self.refresh.option
        return tuple(cred for cred in self.credentials if cred.name != refresh)


_DIGITS = r'^[0-9]+$'
_UUID4 = r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$'

PROFILES = (
    VendorProfile(
        name='paloalto',
        title='Palo Alto Networks Prisma SASE',
        aliases=('prisma', 'prisma_sase', 'scm'),
        module='sase_token',
        credentials=(
            Credential('client_id', 'PALOALTO_CLIENT_ID', label='Client ID', doc='service account client id'),
            Credential('client_secret', 'PALOALTO_CLIENT_SECRET', secret=True, label='Client secret',
                       doc='service account client secret'),
            Credential('tsg_id', 'PALOALTO_TSG_ID', pattern=_DIGITS, label='TSG ID', doc='Tenant Service Group id, digits only',
                       hint='the Tenant Service Group id, digits only, for example 1838006364'),
            Credential('client_auth', None, required=False, choices=('basic', 'body'), default='basic',
                       label='Client authentication', doc='client authentication, how the client credentials are sent'),
        ),
        auth_url='https://auth.apps.paloaltonetworks.com/oauth2/access_token',
        api_url='https://api.sase.paloaltonetworks.com',
        body={'grant_type': 'client_credentials', 'scope': 'tsg_id:{tsg_id}'},
        client_auth=ClientAuth('client_id', 'client_secret', default='basic', chosen_by='client_auth'),
        scope_path='scope',
        lifetime=900,
        api=ApiStyle(paging='offset', list_field='data', page_size=200, container='folder', id_field='id',
                     push={'path': '/sse/config/v1/config-versions/candidate:push', 'jobs': '/sse/config/v1/jobs'}),
        summary='OAuth client credentials, HTTP Basic, scope `tsg_id:<tsg_id>`',
        about=('OAuth 2.0 client credentials of a service account, sent as HTTP Basic, with the TSG as scope; tokens live '
               '15 minutes.',),
        example='/sse/config/v1/addresses?folder=Shared',
    ),
    VendorProfile(
        name='checkpoint',
        title='Check Point Harmony SASE (Perimeter 81)',
        aliases=('perimeter81', 'harmony_sase'),
        module='sase_token',
        credentials=(
            Credential('api_key', 'CHECKPOINT_SASE_API_KEY', secret=True, label='API key', doc='API key'),
            Credential('region', 'CHECKPOINT_SASE_REGION', required=False, default='us', label='Region',
                       doc='region, which picks the auth and API hosts', fold_case=True,
                       selects={'us': {'host': 'api.perimeter81.com'}, 'eu': {'host': 'api.eu.sase.checkpoint.com'},
                                'au': {'host': 'api.au.sase.checkpoint.com'}, 'in': {'host': 'api.in.sase.checkpoint.com'}}),
        ),
        auth_url='https://{host}/api/v1/auth/authorize',
        api_url='https://{host}/api/rest',
        encoding='json',
        body={'grantType': 'api_key', 'apiKey': '{api_key}'},
        token_path='data.accessToken',
        type_path='data.tokenType',
        expiry_path='data.accessTokenExpire',
        expiry_kind='absolute',
        error_paths=('message', 'error'),
        summary='JSON API key',
        about=('An API key exchanged for a token; tokens live 60 minutes and have no refresh token. The region picks the '
               'host; the paths C(/api/v1/auth/authorize) and C(/api/rest) are the same in each.',),
        example='/v1/networks',
    ),
    VendorProfile(
        name='forticasb',
        title='Fortinet FortiCASB',
        aliases=('fortinet',),
        module='casb_token',
        credentials=(
            Credential('credential', 'FORTICASB_CREDENTIAL', secret=True, required=False, label='API credential',
                       doc='API credential generated in the console (API Setting), instead of username and password',
                       notes=('Sent as generated in the C(Authorization) header, after C(Basic). Leading and trailing '
                              'white space, such as the newline at the end of a vault file, is dropped.',)),
            Credential('username', 'FORTICASB_USERNAME', required=False, label='User name',
                       doc='user name (an email address), with password, instead of an API credential'),
            Credential('password', 'FORTICASB_PASSWORD', secret=True, required=False, label='Password',
                       doc='password of username'),
            Credential('refresh_token', None, secret=True, required=False, label='Refresh token',
                       doc='refresh token from an earlier token record'),
        ),
        # Either way answers alike, and both renew through the same refresh grant.
        logins=(
            Login('credential', ('credential',), auth_url='credentials/token/',
                  body={'grant_type': 'client_credentials'}, headers={'Authorization': 'Basic {credential}'},
                  refresh_url='../../token/refresh'),
            Login('password', ('username', 'password')),
        ),
        auth_url='https://www.forticasb.com/api/v1/auth/token',
        api_url='https://www.forticasb.com/api/v1',
        body={'grant_type': 'password', 'username': '{username}', 'password': '{password}'},
        expiry_path='expires',
        expiry_kind='absolute',
        refresh_path='refresh_token',
        refresh=Refresh('/refresh', {'grant_type': 'refresh_token', 'refresh_token': '{refresh_token}'}, 'refresh_token'),
        error_paths=('message', 'error'),
        api=ApiStyle(headers=('companyId', 'roleId', 'buId')),
        summary='API credential (`credential`) or password grant (`username` + `password`), never both; refresh token',
        about=('Two ways to log in, as FortiCASB documents them; give the options of one, never both. With an API '
               'credential generated in the console (O(credential)), C(grant_type=client_credentials) goes to '
               'C(https://www.forticasb.com/api/v1/auth/credentials/token/) with the header C(Authorization: Basic '
               '<credential>), the credential sent as generated. With O(username) and O(password), the OAuth 2.0 '
               'password grant goes to C(https://www.forticasb.com/api/v1/auth/token). Both answer alike, and each has '
               'its own cache entry. O(auth_url), when given, is the password grant\'s URL; the API credential\'s is '
               'C(credentials/token/) beside it.',
               'The expiry comes as epoch milliseconds, often a float in scientific notation such as C(1.585002117836E12).',
               'With O(refresh_token) (or the one the cache keeps) the refresh endpoint C(/api/v1/auth/token/refresh) is '
               'asked first, and the login follows, with a warning, when it refuses the refresh token.',
               'API calls also need C(companyId), C(roleId) and C(buId) headers; combine them with RV(token.headers).'),
        example='/company',
    ),
    VendorProfile(
        name='plainid',
        title='PlainID',
        module='plainid_token',
        credentials=(
            Credential('client_id', 'PLAINID_CLIENT_ID', label='Client ID', doc='client id'),
            Credential('client_secret', 'PLAINID_CLIENT_SECRET', secret=True, label='Client secret', doc='client secret'),
            Credential('region', 'PLAINID_REGION', required=False, label='Region',
                       doc='region, required unless an auth URL is given',
                       selects={'us1': {'host': 'api.us1.plainid.io'}, 'ca1': {'host': 'api.ca1.plainid.io'},
                                'eu1': {'host': 'api.eu1.plainid.io'}}),
        ),
        auth_url='https://{host}/api/1.0/api-key/token',
        api_url='https://{host}',
        body={'grant_type': 'client_credentials', 'client_id': '{client_id}', 'client_secret': '{client_secret}'},
        lifetime=86400,
        summary='client credentials; lifetime set per client',
        about=('OAuth 2.0 client credentials at the region\'s API key token endpoint, '
               'C(https://api.<region>.plainid.io/api/1.0/api-key/token); the lifetime is set per client (often 24 hours).',),
        example='/api/1.0/environments',
    ),
    VendorProfile(
        name='keepz',
        title='Keepz',
        module='keepz_token',
        credentials=(
            Credential('client_id', 'KEEPZ_CLIENT_ID', pattern=_UUID4, label='Client ID', doc='client id, a UUID version 4',
                       hint='a UUID version 4, for example 0f8fad5b-d9cb-4fcf-a6d5-3b5a0c1e8f11'),
            Credential('client_secret', 'KEEPZ_CLIENT_SECRET', secret=True, label='Client secret', doc='client secret'),
            Credential('base_url', 'KEEPZ_BASE_URL', required=False, label='Base URL', url=True,
                       doc='service base URL, required unless an auth URL is given'),
        ),
        auth_url='{base_url}/api/auth',
        api_url='{base_url}',
        encoding='json',
        body={'grant_type': 'client_credentials', 'client_id': '{client_id}', 'client_secret': '{client_secret}'},
        token_path='value.access_token',
        type_path='value.token_type',
        expiry_path='value.expires_in',
        error_paths=('message', "statusCode && join('', ['Keepz code ', to_string(statusCode)])"),
        summary='JSON client credentials, `base_url` required',
        about=('Client credentials in a JSON body, at C(<base_url>/api/auth); the answer is wrapped in C(value).',
               'Errors carry a Keepz code (for example 5021, incorrect credentials; 5003, client not found), shown with the '
               'HTTP status.'),
        example='/api/integrator/balance',
    ),
)

_BY_NAME = {}
for _profile in PROFILES:
    for _name in (_profile.name,) + _profile.aliases:
        _BY_NAME[_name] = _profile


def vendor_names():
    """Every accepted vendor name and alias, sorted."""
    return sorted(_BY_NAME)


def find_profile(name):
    """The profile for a vendor name or alias, or None; case is ignored and dashes or spaces between words read as _."""
    if not isinstance(name, str):
        return None
    # Not re.sub: the lookup's hit path calls this, and would compile the pattern at every templating.
    return _BY_NAME.get('_'.join(name.lower().replace('-', ' ').split()))


def profile_for(vendor):
    """The profile for a vendor name or alias; TokenError listing the valid names otherwise."""
    profile = find_profile(vendor)
    if profile is None:
        import difflib  # only on this error: it builds namedtuple classes on import, which a hit would pay for
        close = difflib.get_close_matches(str(vendor).lower(), vendor_names(), n=1, cutoff=0.6)
        raise TokenError('unknown vendor %r%s; valid names are: %s' % (
            vendor, "; did you mean %r?" % close[0] if close else '', ', '.join(vendor_names())), option='vendor')
    return profile


def credential(profile, name):
    """The Credential called name in profile, or None."""
    for cred in profile.credentials:
        if cred.name == name:
            return cred
    return None
