# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's Prisma SASE / Strata Cloud Manager config objects: the six kinds on both path families, paging
with a page cap, validation, names shared across kinds, references checked on create, update, rename and delete,
security rule positions, per-kind counters and the admin seed."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import time
from urllib.parse import urlencode

import pytest

from vendor_emulator import admin, handler, state
from vendor_emulator.vendors import VENDORS
from vendor_emulator.vendors import _scm as scm

KIND_NAMES = ['tags', 'addresses', 'address_groups', 'services', 'service_groups', 'security_rules']
OPERATIONS = ['list', 'get', 'create', 'update', 'delete']
PATHS = {
    'tags': ('/sse/config/v1/tags', '/config/objects/v1/tags'),
    'addresses': ('/sse/config/v1/addresses', '/config/objects/v1/addresses'),
    'address_groups': ('/sse/config/v1/address-groups', '/config/objects/v1/address-groups'),
    'services': ('/sse/config/v1/services', '/config/objects/v1/services'),
    'service_groups': ('/sse/config/v1/service-groups', '/config/objects/v1/service-groups'),
    'security_rules': ('/sse/config/v1/security-rules', '/config/security/v1/security-rules'),
}
# A valid new object of each kind, whose references name what Tenant.prepare creates in folder Shared.
SAMPLES = {
    'tags': {'name': 'new-tag', 'color': 'Red', 'comments': 'made by a test'},
    'addresses': {'name': 'new-address', 'ip_netmask': '192.0.2.1/32', 'tag': ['web']},
    'address_groups': {'name': 'new-group', 'static': ['web-1', 'web-group'], 'tag': ['web']},
    'services': {'name': 'new-service', 'protocol': {'udp': {'port': '53'}}},
    'service_groups': {'name': 'new-service-group', 'members': ['https', 'web-services']},
    'security_rules': {'name': 'new-rule', 'from': ['trust'], 'to': ['untrust'], 'source': ['web-1'],
                       'destination': ['any'], 'service': ['https', 'application-default'], 'application': ['any'],
                       'action': 'allow', 'tag': ['web']},
}


class Tenant:
    """An emulator served over loopback HTTP, with a bearer token for its Palo Alto API."""

    def __init__(self, serve, send):
        self.emu = state.Emulator()
        self.address = serve(handler, self.emu)
        self.send = send
        self.headers = {'Authorization': 'Bearer ' + self.emu.issue('paloalto', 'tests')[0], 'Content-Type': 'application/json'}

    def call(self, method, path, body=None, **query):
        if query:
            path += ('&' if '?' in path else '?') + urlencode(query)
        answer = self.send(self.address, method, path, None if body is None else json.dumps(body), self.headers)
        return answer.status, answer.json() if answer.body else None

    def admin(self, method, path, body=None):
        answer = self.send(self.address, method, '/_emulator/' + path, None if body is None else json.dumps(body))
        return answer.status, answer.json()

    def seed(self, kind, objects, **extra):
        status, answer = self.admin('POST', 'objects', dict({'kind': kind, 'folder': 'Shared', 'objects': objects}, **extra))
        assert status == 200, answer
        return answer

    def prepare(self):
        """A tag, addresses, an address group, services and a service group in folder Shared."""
        self.seed('tags', [{'name': 'web'}])
        self.seed('addresses', [{'name': 'web-1', 'ip_netmask': '192.0.2.10/32', 'tag': ['web']},
                                {'name': 'web-2', 'fqdn': 'web-2.example.com'}])
        self.seed('address_groups', [{'name': 'web-group', 'static': ['web-1', 'web-2']}])
        self.seed('services', [{'name': 'https', 'protocol': {'tcp': {'port': '443'}}},
                               {'name': 'alt-http', 'protocol': {'tcp': {'port': '8080-8081'}}}])
        self.seed('service_groups', [{'name': 'web-services', 'members': ['https', 'alt-http']}])

    def objects(self):
        return self.admin('GET', 'stats')[1]['objects']

    def find(self, kind, name, folder='Shared', **query):
        status, answer = self.call('GET', PATHS[kind][0], folder=folder, name=name, **query)
        assert status == 200, answer
        return answer['data'][0] if answer['data'] else None


@pytest.fixture
def tenant(serve, send):
    return Tenant(serve, send)


def _detail(answer):
    return answer['_errors'][0]['details']['message']


# -- the table


def test_the_table_holds_the_six_kinds_with_their_paths_and_namespaces():
    assert list(scm.KINDS) == KIND_NAMES
    for kind, row in scm.KINDS.items():
        assert tuple('%s/%s' % (prefix, row['segment']) for prefix in row['prefixes']) == PATHS[kind]
        assert row['id_field'] == 'id'
        if kind != 'tags':
            assert row['references']['tag'] == (('tags',), ())
    assert [kind for kind, row in scm.KINDS.items() if row['position']] == ['security_rules']
    spaces = dict((kind, row['namespace']) for kind, row in scm.KINDS.items())
    assert spaces['addresses'] == spaces['address_groups'] != spaces['services'] == spaces['service_groups']
    assert scm.kind_named('address-groups') == scm.kind_named('address_groups') == 'address_groups'
    assert scm.kind_named('routers') is None


def test_every_kind_is_routed_on_both_families_with_push_and_jobs_on_both():
    templates = dict(VENDORS['paloalto']['api_routes'])
    for kind, paths in PATHS.items():
        for path in paths:
            assert sorted(templates[path]) == ['GET', 'POST']
            assert sorted(templates[path + '/{id}']) == ['DELETE', 'GET', 'PUT']
    for prefix in ('/sse/config/v1', '/config/operations/v1'):
        assert sorted(templates[prefix + '/config-versions/candidate:push']) == ['POST']
        assert sorted(templates[prefix + '/jobs/{id}']) == ['GET']


# -- each kind, both families


@pytest.mark.parametrize('family', [0, 1], ids=['sse', 'strata'])
@pytest.mark.parametrize('kind', KIND_NAMES)
def test_each_kind_is_created_read_updated_listed_and_deleted(tenant, kind, family):
    tenant.prepare()
    path = PATHS[kind][family]
    # The container as a query parameter on one family, as a body field on the other.
    if family == 0:
        status, created = tenant.call('POST', path, SAMPLES[kind], folder='Shared')
    else:
        status, created = tenant.call('POST', path, dict(SAMPLES[kind], folder='Shared'))
    assert status == 201, created
    assert list(created)[0] == 'id' and created['folder'] == 'Shared'
    assert dict((key, value) for key, value in created.items() if key not in ('id', 'folder')) == SAMPLES[kind]

    assert tenant.call('GET', '%s/%s' % (path, created['id'])) == (200, created)
    changed = dict(created, description='changed')
    del changed['id']
    status, updated = tenant.call('PUT', '%s/%s' % (path, created['id']), changed)
    assert (status, updated) == (200, dict(changed, id=created['id']))
    status, listed = tenant.call('GET', path, folder='Shared', name=SAMPLES[kind]['name'])
    assert (status, listed['data'], listed['total']) == (200, [updated], 1)

    assert tenant.call('DELETE', '%s/%s' % (path, created['id']))[0] == 200
    status, gone = tenant.call('GET', '%s/%s' % (path, created['id']))
    assert (status, gone['_errors'][0]['code'], gone['_errors'][0]['message']) == (404, 'E005', 'Object Not Present')
    assert tenant.objects()[kind] == {'list': 1, 'get': 2, 'create': 1, 'update': 1, 'delete': 1}


def test_an_id_of_another_kind_is_not_present(tenant):
    tenant.prepare()
    address = tenant.find('addresses', 'web-1')
    assert tenant.call('GET', '/sse/config/v1/services/' + address['id'])[0] == 404
    assert tenant.call('PUT', '/sse/config/v1/services/' + address['id'], {'name': 'x'})[0] == 404
    assert tenant.call('DELETE', '/sse/config/v1/address-groups/' + address['id'])[0] == 404
    assert tenant.call('GET', '/config/objects/v1/addresses/' + address['id'])[1] == address


def test_snippets_and_devices_are_containers_too(tenant):
    assert tenant.call('POST', '/sse/config/v1/tags', {'name': 'web'}, snippet='Lab-snippet')[0] == 201
    assert tenant.call('POST', '/sse/config/v1/tags', {'name': 'web', 'device': 'fw-1'})[0] == 201
    status, created = tenant.call('POST', '/sse/config/v1/addresses', {'name': 'a', 'fqdn': 'a.example.com', 'tag': ['web']},
                                  snippet='Lab-snippet')
    assert (status, created['snippet']) == (201, 'Lab-snippet')
    assert tenant.call('GET', '/sse/config/v1/tags', snippet='Lab-snippet')[1]['total'] == 1
    assert tenant.call('GET', '/sse/config/v1/tags')[1]['total'] == 2  # no container: every container


# -- paging


def test_450_objects_come_in_three_pages_of_at_most_the_cap(tenant):
    assert tenant.admin('POST', 'addresses', {'folder': 'Bulk', 'count': 450}) == (200, {'ok': True, 'added': 450})
    names = []
    for offset, length in ((0, 200), (200, 200), (400, 50)):
        status, page = tenant.call('GET', '/sse/config/v1/addresses', folder='Bulk', offset=offset, limit=1000)
        assert (status, page['offset'], page['limit'], page['total'], len(page['data'])) == (200, offset, 200, 450, length)
        names += [item['name'] for item in page['data']]
    assert names == ['bulk-%05d' % number for number in range(1, 451)]
    assert tenant.call('GET', '/sse/config/v1/addresses', folder='Bulk', offset=450)[1]['data'] == []
    default = tenant.call('GET', '/config/objects/v1/addresses', folder='Bulk')[1]
    assert (default['limit'], len(default['data']), default['total']) == (200, 200, 450)
    small = tenant.call('GET', '/config/objects/v1/addresses', folder='Bulk', offset=445, limit=3)[1]
    assert [item['name'] for item in small['data']] == ['bulk-00446', 'bulk-00447', 'bulk-00448']
    assert tenant.objects()['addresses']['list'] == 6


def test_the_page_cap_is_configurable_and_reset_restores_it(tenant):
    tenant.admin('POST', 'addresses', {'folder': 'Bulk', 'count': 120})
    status, config = tenant.admin('POST', 'config', {'page_cap': 50})
    assert (status, config['page_cap']) == (200, 50)
    page = tenant.call('GET', '/sse/config/v1/addresses', folder='Bulk', limit=200)[1]
    assert (page['limit'], len(page['data']), page['total']) == (50, 50, 120)
    assert tenant.call('GET', '/sse/config/v1/addresses', folder='Bulk')[1]['limit'] == 50
    assert tenant.admin('POST', 'config', {'page_cap': 0}) == (400, {'message': 'page_cap must be an integer between 1 and 100000 (objects per page at most)'})
    assert tenant.admin('POST', 'reset', {})[0] == 200
    assert tenant.admin('GET', 'config')[1]['page_cap'] == 200
    assert tenant.call('GET', '/sse/config/v1/addresses', folder='Bulk')[1]['total'] == 0


@pytest.mark.parametrize('query, text', [
    ({'offset': 'x'}, 'offset and limit must be integers'),
    ({'limit': 0}, 'offset must be >= 0 and limit >= 1'),
    ({'offset': -1}, 'offset must be >= 0 and limit >= 1'),
    ({'folder': 'Shared', 'snippet': 'S'}, 'give one container: folder, snippet or device, not folder and snippet'),
])
def test_a_bad_list_query_is_refused(tenant, query, text):
    status, answer = tenant.call('GET', '/sse/config/v1/addresses', **query)
    assert (status, _detail(answer)) == (400, text)


@pytest.mark.parametrize('config', [{'page_cap': 'many'}, {'page_cap': True}, {'page_cap': 100001}, {'page_cap': 2.5}])
def test_a_bad_page_cap_is_refused(config):
    with pytest.raises(ValueError) as caught:
        admin.parse_config(config)
    assert str(caught.value) == 'page_cap must be an integer between 1 and 100000 (objects per page at most)'


# -- validation


INVALID = [
    ('no-name', 'addresses', {'ip_netmask': '192.0.2.1/32'}, 'Missing required field: name'),
    ('blank-name', 'tags', {'name': ' '}, 'Missing required field: name'),
    ('no-type', 'addresses', {'name': 'a'}, "addresses 'a' must have exactly one of ip_netmask, ip_range, ip_wildcard, fqdn (none given)"),
    ('two-types', 'addresses', {'name': 'a', 'ip_netmask': '192.0.2.1/32', 'fqdn': 'a.example.com'},
     "addresses 'a' must have exactly one of ip_netmask, ip_range, ip_wildcard, fqdn (ip_netmask, fqdn given)"),
    ('group-both', 'address_groups', {'name': 'g', 'static': ['web-1'], 'dynamic': {'filter': "'web'"}},
     "address-groups 'g' must have exactly one of static, dynamic (static, dynamic given)"),
    ('group-neither', 'address_groups', {'name': 'g'}, "address-groups 'g' must have exactly one of static, dynamic (none given)"),
    ('group-empty', 'address_groups', {'name': 'g', 'static': []}, "address-groups 'g': static may not be empty"),
    ('group-filter', 'address_groups', {'name': 'g', 'dynamic': {'match': 'x'}},
     "address-groups 'g': dynamic must be {filter: \"'tag1' and 'tag2'\"}"),
    ('static-not-list', 'address_groups', {'name': 'g', 'static': 'web-1'}, "address-groups 'g': static must be a list of names"),
    ('no-protocol', 'services', {'name': 's'}, "services 's': protocol must be {tcp: {port: ...}} or {udp: {port: ...}}"),
    ('two-protocols', 'services', {'name': 's', 'protocol': {'tcp': {'port': '1'}, 'udp': {'port': '1'}}},
     "services 's': protocol must be {tcp: {port: ...}} or {udp: {port: ...}}"),
    ('no-port', 'services', {'name': 's', 'protocol': {'tcp': {}}},
     "services 's': protocol.tcp.port must be a non-empty string such as \"443\" or \"8000-8080\""),
    ('members-missing', 'service_groups', {'name': 'sg'}, "service-groups 'sg' must have exactly one of members (none given)"),
    ('members-empty', 'service_groups', {'name': 'sg', 'members': []}, "service-groups 'sg': members may not be empty"),
    ('tag-not-list', 'addresses', {'name': 'a', 'fqdn': 'a.example.com', 'tag': 'web'}, "addresses 'a': tag must be a list of names"),
    ('position-in-body', 'security_rules', dict(SAMPLES['security_rules'], position='post'),
     "security-rules 'new-rule': position is a query parameter (pre or post), not a body field"),
    ('other-container', 'addresses', {'name': 'a', 'fqdn': 'a.example.com', 'folder': 'Lab'},
     "addresses 'a' is in folder Shared: the body's folder Lab cannot differ from the query"),
    ('not-object', 'addresses', ['a'], 'the request body must be a JSON object'),
]


@pytest.mark.parametrize('kind, body, text', [case[1:] for case in INVALID], ids=[case[0] for case in INVALID])
def test_an_invalid_object_is_refused_with_400_naming_the_problem(tenant, kind, body, text):
    tenant.prepare()
    before = tenant.admin('GET', 'objects')[1]['sizes']
    status, answer = tenant.call('POST', PATHS[kind][0], body, folder='Shared')
    assert (status, answer['_errors'][0]['code'], answer['_errors'][0]['message']) == (400, 'E003', 'Invalid Object')
    assert answer['_errors'][0]['details'] == {'errorType': 'Invalid Object', 'message': text}
    assert answer['message'] == 'Invalid Object: ' + text
    assert tenant.admin('GET', 'objects')[1]['sizes'] == before


def test_a_create_needs_one_container_and_rules_a_known_position(tenant):
    status, answer = tenant.call('POST', '/sse/config/v1/tags', {'name': 't'})
    assert (status, _detail(answer)) == \
        (400, 'give the object\'s container: one of folder, snippet or device (as a query parameter or a body field)')
    status, answer = tenant.call('POST', '/sse/config/v1/tags', {'name': 't', 'folder': 'A', 'snippet': 'B'})
    assert status == 400
    status, answer = tenant.call('POST', '/sse/config/v1/security-rules', SAMPLES['tags'], folder='Shared', position='middle')
    assert (status, _detail(answer)) == (400, 'position must be pre or post, not middle')


def test_an_update_replaces_the_object_and_cannot_move_it(tenant):
    tenant.prepare()
    address = tenant.find('addresses', 'web-2')
    path = '/sse/config/v1/addresses/' + address['id']
    # Changing the type sends one type: the stored object holds the new one only.
    status, updated = tenant.call('PUT', path, {'name': 'web-2', 'folder': 'Shared', 'ip_netmask': '192.0.2.20/32'}, folder='Shared')
    assert (status, updated) == (200, {'id': address['id'], 'name': 'web-2', 'folder': 'Shared', 'ip_netmask': '192.0.2.20/32'})
    status, answer = tenant.call('PUT', path, {'name': 'web-2', 'folder': 'Lab', 'fqdn': 'x.example.com'})
    assert (status, _detail(answer)) == (400, "addresses 'web-2' is in folder Shared: the body's folder Lab cannot move it")
    status, answer = tenant.call('PUT', path, {'name': 'web-2', 'ip_netmask': '192.0.2.20/32', 'fqdn': 'x.example.com'})
    assert status == 400
    assert tenant.find('addresses', 'web-2') == updated


# -- names


def test_names_are_unique_per_container_across_a_shared_name_space(tenant):
    tenant.prepare()
    for kind, body in (('addresses', {'name': 'web-1', 'fqdn': 'again.example.com'}),
                       ('address_groups', {'name': 'web-1', 'static': ['web-2']}),
                       ('addresses', {'name': 'web-group', 'fqdn': 'again.example.com'}),
                       ('services', {'name': 'web-services', 'protocol': {'tcp': {'port': '1'}}}),
                       ('service_groups', {'name': 'https', 'members': ['alt-http']}),
                       ('tags', {'name': 'web'})):
        status, answer = tenant.call('POST', PATHS[kind][1], body, folder='Shared')
        assert (status, answer['_errors'][0]['code'], answer['_errors'][0]['message']) == (409, 'E006', 'Object Already Exists')
        assert answer['_errors'][0]['details']['errorType'] == 'Object Already Exists'
        assert "'%s' already exists in folder Shared" % body['name'] in _detail(answer)
    status, answer = tenant.call('POST', PATHS['address_groups'][0], {'name': 'web-1', 'static': ['web-2']}, folder='Shared')
    assert _detail(answer) == "addresses 'web-1' already exists in folder Shared (addresses and address-groups share names)"
    # Another name space, or another container, is free.
    assert tenant.call('POST', PATHS['tags'][0], {'name': 'web-1'}, folder='Shared')[0] == 201
    assert tenant.call('POST', PATHS['services'][0], {'name': 'web-1', 'protocol': {'udp': {'port': '1'}}}, folder='Shared')[0] == 201
    assert tenant.call('POST', PATHS['addresses'][0], {'name': 'web-1', 'fqdn': 'lab.example.com'}, folder='Lab')[0] == 201
    # A rename onto a taken name is refused too.
    web2 = tenant.find('addresses', 'web-2')
    tenant.seed('addresses', [{'name': 'spare', 'fqdn': 'spare.example.com'}])
    spare = tenant.find('addresses', 'spare')
    status, answer = tenant.call('PUT', PATHS['addresses'][0] + '/' + spare['id'], {'name': 'web-group', 'fqdn': 'spare.example.com'})
    assert (status, answer['_errors'][0]['code']) == (409, 'E006')
    assert tenant.find('addresses', 'web-2') == web2


# -- references


DANGLING = [
    ('address-tag', 'addresses', {'name': 'a', 'fqdn': 'a.example.com', 'tag': ['web', 'db']}, 'tag', 'db', 'tags'),
    ('group-static', 'address_groups', {'name': 'g', 'static': ['web-1', 'web-3']}, 'static', 'web-3', 'addresses or address-groups'),
    ('group-service', 'address_groups', {'name': 'g', 'static': ['https']}, 'static', 'https', 'addresses or address-groups'),
    ('service-tag', 'services', {'name': 's', 'protocol': {'tcp': {'port': '1'}}, 'tag': ['db']}, 'tag', 'db', 'tags'),
    ('members', 'service_groups', {'name': 'sg', 'members': ['https', 'ssh']}, 'members', 'ssh', 'services or service-groups'),
    ('rule-source', 'security_rules', dict(SAMPLES['security_rules'], source=['web-9']), 'source', 'web-9', 'addresses or address-groups'),
    ('rule-destination', 'security_rules', dict(SAMPLES['security_rules'], destination=['web-group', 'db']), 'destination', 'db',
     'addresses or address-groups'),
    ('rule-service', 'security_rules', dict(SAMPLES['security_rules'], service=['ssh']), 'service', 'ssh', 'services or service-groups'),
    ('rule-source-literal', 'security_rules', dict(SAMPLES['security_rules'], source=['application-default']), 'source',
     'application-default', 'addresses or address-groups'),
    ('rule-tag', 'security_rules', dict(SAMPLES['security_rules'], tag=['db']), 'tag', 'db', 'tags'),
]


@pytest.mark.parametrize('kind, body, field, name, kinds', [case[1:] for case in DANGLING], ids=[case[0] for case in DANGLING])
def test_a_dangling_reference_is_refused_with_400_naming_it(tenant, kind, body, field, name, kinds):
    tenant.prepare()
    status, answer = tenant.call('POST', PATHS[kind][1], body, folder='Shared')
    assert status == 400
    assert _detail(answer) == "%s '%s': %s '%s' is not a valid reference: no %s of that name in folder Shared" % (
        scm.KINDS[kind]['segment'], body['name'], field, name, kinds)
    assert tenant.find(kind, body['name']) is None


def test_references_are_checked_in_the_objects_own_container(tenant):
    tenant.prepare()
    status, answer = tenant.call('POST', PATHS['address_groups'][0], {'name': 'lab-group', 'static': ['web-1']}, folder='Lab')
    assert (status, _detail(answer)) == \
        (400, "address-groups 'lab-group': static 'web-1' is not a valid reference: no addresses or address-groups of that name in folder Lab")
    rule = {'name': 'any-rule', 'source': ['any'], 'destination': ['any'], 'service': ['any', 'application-default']}
    assert tenant.call('POST', PATHS['security_rules'][1], rule, folder='Lab')[0] == 201


def test_an_update_checks_references_and_a_group_may_not_hold_itself(tenant):
    tenant.prepare()
    group = tenant.find('address_groups', 'web-group')
    path = PATHS['address_groups'][0] + '/' + group['id']
    status, answer = tenant.call('PUT', path, {'name': 'web-group', 'static': ['web-1', 'gone']})
    assert (status, _detail(answer)) == \
        (400, "address-groups 'web-group': static 'gone' is not a valid reference: no addresses or address-groups of that name in folder Shared")
    status, answer = tenant.call('PUT', path, {'name': 'web-group', 'static': ['web-group']})
    assert (status, _detail(answer)) == (400, "address-groups 'web-group': static 'web-group' refers to the object itself")
    # Nor through another group: outer holds web-group, so web-group may not hold outer.
    tenant.seed('address_groups', [{'name': 'outer', 'static': ['web-group']}])
    status, answer = tenant.call('PUT', path, {'name': 'web-group', 'static': ['web-1', 'outer']})
    assert (status, _detail(answer)) == (400, "address-groups 'web-group': 'outer' holds address-groups 'web-group' itself, through groups")
    assert tenant.find('address_groups', 'web-group')['static'] == ['web-1', 'web-2']
    assert tenant.call('PUT', path, {'name': 'web-group', 'static': ['web-1']})[0] == 200
    # web-2 is no longer held by the group: it can go now.
    assert tenant.call('DELETE', PATHS['addresses'][0] + '/' + tenant.find('addresses', 'web-2')['id'])[0] == 200


def test_a_referenced_object_cannot_be_deleted_until_its_referrers_are_gone(tenant):
    tenant.prepare()
    tenant.call('POST', PATHS['security_rules'][0], SAMPLES['security_rules'], folder='Shared')
    web1 = tenant.find('addresses', 'web-1')
    status, answer = tenant.call('DELETE', PATHS['addresses'][1] + '/' + web1['id'])
    assert (status, answer['_errors'][0]['code'], answer['_errors'][0]['message']) == (409, 'E009', 'Reference Not Zero')
    assert answer['_errors'][0]['details'] == {
        'errorType': 'Reference Not Zero',
        'message': "addresses 'web-1' in folder Shared cannot be deleted: it is referenced by security-rules 'new-rule' (source), "
                   "address-groups 'web-group' (static)"}
    status, answer = tenant.call('DELETE', PATHS['tags'][0] + '/' + tenant.find('tags', 'web')['id'])
    assert _detail(answer) == "tags 'web' in folder Shared cannot be deleted: it is referenced by security-rules 'new-rule' (tag), " \
                              "addresses 'web-1' (tag)"
    assert tenant.find('addresses', 'web-1') == web1
    # In dependency order, every delete succeeds.
    for kind, name in (('security_rules', 'new-rule'), ('address_groups', 'web-group'), ('addresses', 'web-1'), ('tags', 'web')):
        record = tenant.find(kind, name)
        assert tenant.call('DELETE', PATHS[kind][0] + '/' + record['id']) == (200, record)


def test_a_referenced_object_cannot_be_renamed_but_can_change_otherwise(tenant):
    tenant.prepare()
    service = tenant.find('services', 'https')
    path = PATHS['services'][1] + '/' + service['id']
    status, answer = tenant.call('PUT', path, {'name': 'https-2', 'protocol': {'tcp': {'port': '443'}}})
    assert (status, answer['_errors'][0]['code']) == (409, 'E009')
    assert _detail(answer) == \
        "services 'https' in folder Shared cannot be renamed to 'https-2': it is referenced by service-groups 'web-services' (members)"
    status, updated = tenant.call('PUT', path, {'name': 'https', 'protocol': {'tcp': {'port': '443,8443'}}})
    assert (status, updated['protocol']) == (200, {'tcp': {'port': '443,8443'}})
    # An unreferenced object can be renamed, and its old name is free again.
    alone = tenant.find('addresses', 'web-2')
    assert tenant.call('PUT', PATHS['address_groups'][0] + '/' + tenant.find('address_groups', 'web-group')['id'],
                       {'name': 'web-group', 'static': ['web-1']})[0] == 200
    assert tenant.call('PUT', PATHS['addresses'][0] + '/' + alone['id'], {'name': 'web-two', 'fqdn': 'web-2.example.com'})[0] == 200
    assert tenant.find('addresses', 'web-2') is None and tenant.find('addresses', 'web-two')['id'] == alone['id']
    assert tenant.call('POST', PATHS['addresses'][0], {'name': 'web-2', 'fqdn': 'new.example.com'}, folder='Shared')[0] == 201


# -- security rule positions


def test_rules_live_in_the_pre_or_post_rulebase_named_by_a_query_parameter(tenant):
    tenant.prepare()
    path = PATHS['security_rules'][1]
    assert tenant.call('POST', path, dict(SAMPLES['security_rules'], name='first'), folder='Shared')[0] == 201
    assert tenant.call('POST', path, dict(SAMPLES['security_rules'], name='second'), folder='Shared', position='pre')[0] == 201
    status, late = tenant.call('POST', path, dict(SAMPLES['security_rules'], name='last'), folder='Shared', position='post')
    assert status == 201 and 'position' not in late

    def names(**query):
        return [rule['name'] for rule in tenant.call('GET', path, folder='Shared', **query)[1]['data']]

    assert names() == ['first', 'second']  # pre by default
    assert names(position='pre') == ['first', 'second']
    assert names(position='post') == ['last']
    assert names(position='post', name='first') == []
    assert tenant.call('GET', path, folder='Shared', position='both')[0] == 400
    # Rule names are unique across both rulebases of a container.
    assert tenant.call('POST', path, dict(SAMPLES['security_rules'], name='first'), folder='Shared', position='post')[0] == 409
    # An update given position moves the rule; without it the rule stays where it is.
    first = tenant.find('security_rules', 'first')
    body = dict((key, value) for key, value in first.items() if key != 'id')
    assert tenant.call('PUT', path + '/' + first['id'], body, position='post')[0] == 200
    assert names(position='post') == ['first', 'last']
    assert tenant.call('PUT', path + '/' + first['id'], dict(body, description='still post'))[0] == 200
    assert names(position='post') == ['first', 'last'] and names() == ['second']


# -- counters and the admin API


def test_counters_count_every_request_per_kind_and_operation(tenant):
    tenant.prepare()
    assert tenant.objects() == dict((kind, dict.fromkeys(OPERATIONS, 0)) for kind in KIND_NAMES)  # seeds are not counted
    tenant.call('GET', PATHS['addresses'][0], folder='Shared')
    tenant.call('GET', PATHS['addresses'][1], folder='Shared')
    tenant.call('POST', PATHS['addresses'][1], {'name': 'web-1', 'fqdn': 'dup.example.com'}, folder='Shared')  # 409, still a write sent
    tenant.call('POST', PATHS['tags'][0], {'name': 'db'}, folder='Shared')
    rule = tenant.call('POST', PATHS['security_rules'][1], SAMPLES['security_rules'], folder='Shared')[1]
    tenant.call('GET', PATHS['security_rules'][0] + '/' + rule['id'])
    tenant.call('DELETE', PATHS['security_rules'][0] + '/' + rule['id'])
    stats = tenant.admin('GET', 'stats')[1]
    expected = dict((kind, dict.fromkeys(OPERATIONS, 0)) for kind in KIND_NAMES)
    expected['addresses'].update(list=2, create=1)
    expected['tags'].update(create=1)
    expected['security_rules'].update(create=1, get=1, delete=1)
    assert stats['objects'] == expected
    assert (stats['object_reads'], stats['object_writes']) == (3, 4)
    # The older counters go on: per route template, per vendor.
    assert stats['api_methods']['paloalto GET /sse/config/v1/addresses'] == 1
    assert stats['api_methods']['paloalto GET /config/objects/v1/addresses'] == 1
    assert stats['api_methods']['paloalto POST /config/security/v1/security-rules'] == 1
    assert stats['counts']['paloalto_api'] == 7
    # A refused token reaches no handler: not counted per kind.
    tenant.send(tenant.address, 'GET', PATHS['tags'][0])
    assert tenant.objects()['tags']['list'] == 0
    assert tenant.admin('GET', 'objects')[1]['objects'] == expected  # the admin view counts nothing
    tenant.admin('POST', 'reset', {})
    stats = tenant.admin('GET', 'stats')[1]
    assert (stats['objects'], stats['object_reads'], stats['object_writes']) == \
        (dict((kind, dict.fromkeys(OPERATIONS, 0)) for kind in KIND_NAMES), 0, 0)
    assert tenant.admin('GET', 'objects')[1]['sizes'] == dict.fromkeys(KIND_NAMES, 0)


def test_an_unchanged_second_read_and_one_changed_object_show_in_the_counters(tenant):
    tenant.admin('POST', 'addresses', {'folder': 'Bulk', 'count': 250})
    before = tenant.objects()['addresses']
    total, offset = None, 0
    while total is None or offset < total:
        page = tenant.call('GET', PATHS['addresses'][0], folder='Bulk', offset=offset, limit=500)[1]
        total, offset = page['total'], offset + len(page['data'])
    one = tenant.find('addresses', 'bulk-00007', folder='Bulk')
    tenant.call('PUT', PATHS['addresses'][0] + '/' + one['id'], dict(one, description='changed'))
    after = tenant.objects()['addresses']
    assert dict((op, after[op] - before[op]) for op in OPERATIONS) == {'list': 3, 'get': 0, 'create': 0, 'update': 1, 'delete': 0}


def test_the_admin_seed_checks_like_the_api_and_adds_all_or_nothing(tenant):
    tenant.seed('tags', [{'name': 'web'}])
    status, answer = tenant.admin('POST', 'objects', {'kind': 'addresses', 'folder': 'Shared', 'objects': [
        {'name': 'a1', 'fqdn': 'a1.example.com', 'tag': ['web']}, {'name': 'a2', 'fqdn': 'a2.example.com', 'tag': ['db']}]})
    assert (status, _detail(answer)) == (400, "addresses 'a2': tag 'db' is not a valid reference: no tags of that name in folder Shared")
    assert tenant.admin('GET', 'objects')[1]['sizes']['addresses'] == 0
    # Objects may refer to ones earlier in the same seed; a kind may be named by its path segment.
    assert tenant.seed('address-groups', [{'name': 'g2', 'dynamic': {'filter': "'web'"}}, {'name': 'g1', 'static': ['g2']}]) == \
        {'ok': True, 'added': 2}
    assert tenant.seed('security_rules', [{'name': 'r1'}], position='post')['added'] == 1
    looked = tenant.admin('GET', 'objects?kind=security-rules&folder=Shared')[1]
    assert ([rule['name'] for rule in looked['data']], looked['positions']) == (['r1'], ['post'])
    assert tenant.admin('POST', 'objects', {'kind': 'services', 'folder': 'Lab', 'count': 3, 'prefix': 'svc'}) == (200, {'ok': True, 'added': 3})
    assert tenant.find('services', 'svc-00002', folder='Lab')['protocol'] == {'tcp': {'port': '1026'}}
    assert tenant.admin('POST', 'objects', {'kind': 'tags', 'folder': 'Lab', 'count': 2}) == (200, {'ok': True, 'added': 2})
    for body, text in (({'kind': 'routers', 'folder': 'Shared', 'count': 1}, 'give kind, one of: ' + ', '.join(KIND_NAMES)),
                       ({'kind': 'tags', 'count': 1}, 'give one container: folder, snippet or device (a non-empty string)'),
                       ({'kind': 'service_groups', 'folder': 'Shared', 'count': 1}, 'service_groups need their members: give objects, not a count'),
                       ({'kind': 'tags', 'folder': 'Shared', 'count': 0}, 'give objects (a list) or count (1 to 100000)'),
                       ({'kind': 'tags', 'folder': 'Shared', 'objects': []}, 'objects must be a list of 1 to 100000 objects'),
                       ({'kind': 'security_rules', 'folder': 'Shared', 'position': 'mid', 'count': 1}, 'position must be pre or post')):
        status, answer = tenant.admin('POST', 'objects', body)
        assert (status, _detail(answer)) == (400, text)
    assert tenant.admin('POST', 'objects', {'kind': 'tags', 'folder': 'Lab', 'count': 2})[1]['_errors'][0]['code'] == 'E006'
    assert tenant.admin('GET', 'objects?kind=gadgets')[0] == 400


def test_the_address_seed_keeps_its_shape(tenant):
    assert tenant.admin('POST', 'addresses', {'folder': 'Bulk', 'count': 3, 'prefix': 'p'}) == (200, {'ok': True, 'added': 3})
    assert tenant.find('addresses', 'p-00003', folder='Bulk')['ip_netmask'] == '10.0.0.3/32'
    assert tenant.admin('POST', 'addresses', {'folder': 'Bulk'}) == (400, {'message': 'give folder (a string) and count (1 to 100000)'})
    assert tenant.admin('POST', 'addresses', {'folder': 'Bulk', 'count': 3, 'prefix': 'p'})[0] == 409


# -- cost


def test_a_page_costs_the_page_not_the_square_of_the_store():
    store = scm.Store()
    for number in range(1, 5001):
        store.create('addresses', ('folder', 'Big'), None, {'name': 'a-%05d' % number, 'fqdn': 'a%d.example.com' % number})
    for number in range(1, 501):
        store.create('address_groups', ('folder', 'Big'), None, {'name': 'g-%05d' % number, 'static': ['a-%05d' % number]})
    started = time.time()
    for _page in range(200):
        assert len(store.listing('addresses', ('folder', 'Big'))[:200]) == 200
        assert store.listing('addresses', ('folder', 'Big'), 'a-04999')[0].body['name'] == 'a-04999'
    # Measured at about 0.05 s here; a quadratic list would take minutes.
    assert time.time() - started < 5
