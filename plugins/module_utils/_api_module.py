# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What vendor.tokens.api_request and vendor.tokens.sase_objects do: argument specs, options in, result out.

The action plugins (plugin_utils/_api_action.py) run this on the controller; run_api_module runs it as a remote
module for ansible-test.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.vendor.tokens.plugins.module_utils import _sase_objects
from ansible_collections.vendor.tokens.plugins.module_utils._api import MAX_WAIT, READS, ApiClient, ApiError
from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._module import (
    common_argument_spec, credential_argument_spec, missing_library)
from ansible_collections.vendor.tokens.plugins.module_utils._options import OptionAdapter
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import PROFILES, profile_for
from ansible_collections.vendor.tokens.plugins.module_utils._engine import token_for
from ansible_collections.vendor.tokens.plugins.module_utils._sase_kinds import FAMILIES, family_for

METHODS = ('GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE')
WRITE_STATUSES = [200, 201, 202, 204]
SASE_VENDOR = 'paloalto'


def _shared_spec():
    spec = common_argument_spec()
    spec['max_wait'] = dict(type='int', default=MAX_WAIT)
    return spec


def api_request_argument_spec():
    spec = _shared_spec()
    for name, entry in credential_argument_spec(PROFILES).items():
        # Several vendors share these names: a default or environment variable of one must not fill another's (the
        # action reads each vendor's own settings as the token modules do, and the engine applies its defaults).
        # The engine checks each vendor's choices.
        for key in ('default', 'fallback', 'choices'):
            entry.pop(key, None)
        spec[name] = entry
    spec.update(
        vendor=dict(type='str', required=True),
        method=dict(type='str', default='GET', choices=list(METHODS) + [method.lower() for method in METHODS]),
        path=dict(type='str', required=True),
        query=dict(type='dict'),
        body=dict(type='raw'),
        headers=dict(type='dict', no_log=False),
        status_code=dict(type='list', elements='int'),
        all_pages=dict(type='bool', default=False),
        page_size=dict(type='int'),
    )
    return spec


def sase_objects_argument_spec():
    profile = profile_for(SASE_VENDOR)
    spec = _shared_spec()
    spec.update(credential_argument_spec([profile]))
    spec.update(
        vendor=dict(type='str', default=profile.name, choices=[profile.name] + list(profile.aliases)),
        objects=dict(type='raw', default={}),
        folder=dict(type='str'),
        parallel=dict(type='int', default=_sase_objects.DEFAULT_PARALLEL),
        api_family=dict(type='str', choices=list(FAMILIES)),
        push=dict(type='raw', default=False),
        push_folders=dict(type='list', elements='str', default=[]),
        push_timeout=dict(type='int', default=_sase_objects.DEFAULT_PUSH_TIMEOUT),
        push_poll=dict(type='int', default=_sase_objects.DEFAULT_PUSH_POLL),
        push_description=dict(type='str'),
    )
    return spec


def token_source(profile, params, warn=None):
    """token_source(refused_token) -> the token record, through the shared cache as the token modules get it."""
    def source(refused):
        values = dict(params, refused_token=refused) if refused else params
        return token_for(profile, OptionAdapter.from_params(values), warn)
    return source


def client_for(profile, params, warn=None, headers=None, session=None):
    return ApiClient(profile.name, token_source(profile, params, warn), params, headers=headers, session=session)


def _failed(exc, **more):
    result = dict(failed=True, msg=str(exc), **exc.details())
    result.update(more)
    return result


def _vendor_headers(profile, vendor_headers, headers):
    """The headers the vendor's API needs beside the token, and the task's, checked; (headers, problem)."""
    merged = dict(vendor_headers or {})
    merged.update(headers or {})
    missing = [name for name in profile.api.headers if name not in merged]
    if missing:
        example = dict((name, '<%s>' % name) for name in profile.api.headers)
        return merged, ('%s API calls need the headers %s beside the token: give them in headers, or once in the '
                        'variable vendor_tokens_%s_api_headers, for example %s; missing: %s'
                        % (profile.title, ', '.join(profile.api.headers), profile.name, example, ', '.join(missing)))
    return merged, None


def api_request_result(params, check_mode=False, warn=None, vendor_headers=None, session=None):
    """The result of an api_request task for validated params."""
    try:
        profile = profile_for(params['vendor'])
    except TokenError as exc:
        return _failed(exc)
    method = params['method'].upper()
    headers, problem = _vendor_headers(profile, vendor_headers, params.get('headers'))
    if problem:
        return dict(failed=True, msg=problem, option='headers')
    if any(str(name).lower() == 'authorization' for name in (params.get('headers') or {})):
        return dict(failed=True, option='headers', msg='headers: Authorization is always the cached token; remove it '
                                                       '(to call with another credential, use ansible.builtin.uri)')
    if params.get('page_size') is not None and params['page_size'] < 1:
        return dict(failed=True, option='page_size', msg='page_size is %d; give 1 or more' % params['page_size'])
    if params['all_pages'] and method != 'GET':
        return dict(failed=True, option='all_pages', msg='all_pages reads a list: use it with method GET, not %s' % method)
    expect = params.get('status_code') or ([200] if method in READS else WRITE_STATUSES)
    client = client_for(profile, params, warn, headers, session)
    try:
        url = client.url(params['path'], params.get('query'))
        if check_mode and method not in READS:
            return dict(changed=True, sent=False, method=method, url=url, status=None, json=None, headers={}, pages=0)
        if params['all_pages']:
            query = dict(params.get('query') or {})
            if 'offset' in query or 'limit' in query:
                return dict(failed=True, option='all_pages', msg='all_pages sets offset and limit on every page; remove '
                                                                 'them from query (page_size sets the page length)')
            items, pages = client.list_all(params['path'], query, profile.api.paging, profile.api.list_field,
                                           params.get('page_size') or profile.api.page_size)
            answer = client.last_answer
            return dict(changed=False, sent=True, method=method, url=url, status=answer.status, json=items,
                        headers=answer.headers, pages=pages)
        answer = client.request(method, params['path'], params.get('query'), body=params.get('body'), expect=expect)
    except ApiError as exc:
        return _failed(exc)
    except TokenError as exc:
        return _failed(exc)
    result = dict(changed=method not in READS, sent=True, method=method, url=url, status=answer.status, json=answer.json,
                  headers=answer.headers, pages=1)
    if answer.json is None and answer.text:
        result['content'] = answer.text
    return result


def sase_objects_result(params, check_mode=False, diff=False, warn=None, session=None):
    """The result of a sase_objects task for validated params."""
    try:
        profile = profile_for(params['vendor'])
    except TokenError as exc:
        return _failed(exc)
    if params['parallel'] < 1 or params['parallel'] > 16:
        return dict(failed=True, option='parallel', msg='parallel is %d; give 1 to 16 writes in flight' % params['parallel'])
    if params['push_timeout'] < 1 or params['push_poll'] < 0:
        return dict(failed=True, option='push_timeout', msg='push_timeout must be at least 1 s and push_poll at least 0 s')
    push = params['push']
    if str(push).lower() == 'always':
        push = 'always'
    else:
        try:
            push = boolean(push, strict=True)
        except TypeError:
            return dict(failed=True, option='push', msg="push is %r; give true, false or always" % (push,))
    client = client_for(profile, params, warn, session=session)
    try:
        family = family_for(client.api_url, params.get('api_family'))
        api = profile.api
        return _sase_objects.run(client, params['objects'], family, (api.paging, api.list_field, api.page_size),
                                 folder=params.get('folder'), parallel=params['parallel'], check_mode=check_mode,
                                 diff=diff, push_touched=push, push_timeout=params['push_timeout'],
                                 push_poll=params['push_poll'], push_description=params.get('push_description'),
                                 push_folders=params['push_folders'])
    except TokenError as exc:
        partial = getattr(exc, 'partial', None) or {}
        partial.pop('changed', None)
        result = _failed(exc, **partial)
        result['changed'] = any(one.get('sent') for one in partial.get('objects', ()))
        return result


ARGUMENT_SPECS = {'api_request': api_request_argument_spec, 'sase_objects': sase_objects_argument_spec}


def run_api_module(module_name):
    """Run api_request or sase_objects as a remote module (ansible-test runs it so; playbooks run the action plugin)."""
    module = AnsibleModule(argument_spec=ARGUMENT_SPECS[module_name](), supports_check_mode=True)
    missing = missing_library()
    if missing:
        module.fail_json(msg=missing)
    if module_name == 'api_request':
        result = api_request_result(module.params, module.check_mode, warn=module.warn)
    else:
        result = sase_objects_result(module.params, module.check_mode, module._diff, warn=module.warn)
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)
