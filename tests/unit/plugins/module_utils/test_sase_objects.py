# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sase_objects planner against an in-memory SCM: reads, plan, validation before any write, order, check mode."""

from __future__ import annotations

import copy
import itertools
import json
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ansible_collections.vendor.tokens.plugins.module_utils import _sase_objects
from ansible_collections.vendor.tokens.plugins.module_utils._api import ApiClient, ApiError, Gate
from ansible_collections.vendor.tokens.plugins.module_utils._sase_kinds import KINDS, family_for, find_kind
from ansible_collections.vendor.tokens.plugins.module_utils._sase_objects import PlanError, same

PAGING = ('offset', 'data', 200)
SEGMENTS = dict((kind.paths['sse'].rsplit('/', 1)[1], kind.name) for kind in KINDS)


class Response(object):
    def __init__(self, status, data):
        self.status_code = status
        self.headers = requests.structures.CaseInsensitiveDict({'Content-Type': 'application/json'})
        self.text = json.dumps(data)


class FakeScm(object):
    """Objects per (kind, container type, container, position), paged with a cap; every request recorded."""

    def __init__(self, cap=100):
        self.objects = {}
        self.cap = cap
        self.requests = []
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        self.fail = {}  # (method, name) -> (status, message)

    def add(self, kind, name, folder='Shared', position=None, **fields):
        key = (kind, 'folder', folder, position or ('pre' if find_kind(kind).positions else None))
        obj = dict(fields, id=str(next(self.ids)), name=name, folder=folder)
        self.objects.setdefault(key, []).append(obj)
        return obj

    def find(self, kind, name, folder='Shared', position=None):
        key = (kind, 'folder', folder, position or ('pre' if find_kind(kind).positions else None))
        return [obj for obj in self.objects.get(key, ()) if obj['name'] == name]

    def writes(self):
        return [(method, kind, name) for method, kind, name in self.requests if method != 'GET']

    def request(self, method, url, json=None, headers=None, **kwargs):
        parts = urlsplit(url)
        query = dict((key, values[0]) for key, values in parse_qs(parts.query).items())
        segments = parts.path.split('/')
        object_id = None
        if segments[-1] not in SEGMENTS:
            object_id = segments.pop()
        kind = SEGMENTS[segments[-1]]
        position = query.get('position', 'pre') if find_kind(kind).positions else None
        with self.lock:
            if method == 'GET':
                self.requests.append((method, kind, None))
                ctype = [key for key in ('folder', 'snippet', 'device') if key in query][0]
                items = self.objects.get((kind, ctype, query[ctype], position), [])
                offset, limit = int(query['offset']), min(int(query['limit']), self.cap)
                return Response(200, {'data': copy.deepcopy(items[offset:offset + limit]), 'offset': offset,
                                      'limit': limit, 'total': len(items)})
            name = (json or {}).get('name') or self._by_id(object_id)['name']
            self.requests.append((method, kind, name))
            if (method, name) in self.fail:
                status, message = self.fail[(method, name)]
                return Response(status, {'_errors': [{'code': 'E', 'message': message}]})
            if method == 'POST':
                obj = dict(json, id=str(next(self.ids)))
                self.objects.setdefault((kind, 'folder', obj['folder'], position), []).append(obj)
                return Response(201, obj)
            obj = self._by_id(object_id)
            for items in self.objects.values():
                if obj in items:
                    if method == 'DELETE':
                        items.remove(obj)
                    else:
                        obj.clear()
                        obj.update(json, id=object_id)
            return Response(200, obj)

    def _by_id(self, object_id):
        for items in self.objects.values():
            for obj in items:
                if obj['id'] == object_id:
                    return obj
        raise AssertionError('no object %s' % object_id)


def run(scm, objects, **options):
    def source(refused):
        return {'access_token': 'tok-unit-9f8e7d6c', 'api_url': 'https://api.sase.paloaltonetworks.com',
                'expires_at_epoch': 4102444800}
    client = ApiClient('paloalto', source, {'retries': 0}, session=scm)
    return _sase_objects.run(client, objects, 'sse', PAGING, **dict(dict(folder='Shared'), **options))


def test_one_read_per_kind_and_container_and_a_second_run_writes_nothing():
    scm = FakeScm(cap=100)
    addresses = [{'name': 'a%03d' % number, 'ip_netmask': '10.0.0.%d/32' % number} for number in range(250)]
    first = run(scm, {'addresses': addresses})
    assert first['counts']['created'] == 250 and first['changed']
    scm.requests = []
    second = run(scm, {'addresses': addresses})
    assert second['counts'] == {'created': 0, 'updated': 0, 'deleted': 0, 'unchanged': 250} and not second['changed']
    # addresses and address groups (one name space), each over its pages: 3 pages of 100, 1 empty; the kinds are
    # read in parallel, so in either order
    assert sorted(scm.requests) == [('GET', 'address_groups', None)] + [('GET', 'addresses', None)] * 3


def test_six_kinds_are_created_in_dependency_order():
    scm = FakeScm()
    objects = [
        {'kind': 'security_rules', 'name': 'r1', 'source': ['grp'], 'destination': ['any'], 'service': ['sg'],
         'tag': ['t'], 'action': 'allow'},
        {'kind': 'service_groups', 'name': 'sg', 'members': ['svc']},
        {'kind': 'services', 'name': 'svc', 'protocol': {'tcp': {'port': '443'}}},
        {'kind': 'address_groups', 'name': 'grp', 'static': ['inner', 'a1']},
        {'kind': 'address_groups', 'name': 'inner', 'static': ['a1']},
        {'kind': 'addresses', 'name': 'a1', 'ip_netmask': '10.0.0.1/32', 'tag': 't'},
        {'kind': 'tags', 'name': 't', 'color': 'Red'},
    ]
    result = run(scm, objects)
    assert [name for _method, _kind, name in scm.writes()] == ['t', 'a1', 'inner', 'grp', 'svc', 'sg', 'r1']
    assert [one['name'] for one in result['objects']] == ['r1', 'sg', 'svc', 'grp', 'inner', 'a1', 't']  # as given
    assert scm.find('addresses', 'a1')[0]['tag'] == ['t']  # a single name taken as a list


def test_an_update_sends_one_write_with_only_the_given_fields_changed():
    scm = FakeScm()
    scm.add('addresses', 'web', ip_netmask='10.0.0.1/32', description='old', tag=['x', 'y'])
    scm.add('tags', 'x')
    scm.add('tags', 'y')
    result = run(scm, {'addresses': [{'name': 'web', 'fqdn': 'web.example.com', 'tag': ['y', 'x']}]}, diff=True)
    assert scm.writes() == [('PUT', 'addresses', 'web')]
    stored = scm.find('addresses', 'web')[0]
    assert stored['fqdn'] == 'web.example.com' and 'ip_netmask' not in stored and stored['description'] == 'old'
    assert result['objects'][0]['changes'] == ['fqdn']  # tag compares as a set
    assert result['diff'][0]['before'] == {'fqdn': None} and result['diff'][0]['after'] == {'fqdn': 'web.example.com'}


def test_nested_dicts_compare_the_keys_given_and_numbers_as_text():
    assert same({'tcp': {'port': 443}}, {'tcp': {'port': '443', 'override': {'timeout': 5}}})
    assert not same({'udp': {'port': '53'}}, {'tcp': {'port': '53'}})
    assert same(['b', 'a'], ['a', 'b']) and not same(['a'], ['a', 'b'])
    assert not same(True, 'True')


def test_check_mode_reads_and_plans_but_never_writes():
    scm = FakeScm()
    scm.add('addresses', 'old', ip_netmask='10.0.0.9/32')
    result = run(scm, {'addresses': [{'name': 'new', 'ip_netmask': '10.0.0.1/32'}, {'name': 'old', 'state': 'absent'}]},
                 check_mode=True, diff=True, push_touched=True)
    assert scm.writes() == []
    assert [one['action'] for one in result['objects']] == ['created', 'deleted'] and result['changed']
    assert all(one['sent'] is False for one in result['objects'])
    assert result['push'] == {'folders': ['Shared'], 'sent': False}
    assert [diff['after'] for diff in result['diff']] == [{'ip_netmask': '10.0.0.1/32', 'name': 'new', 'folder': 'Shared'}, {}]


def test_folders_named_are_pushed_changed_or_not_with_the_ones_written_to():
    scm = FakeScm()
    scm.add('addresses', 'same', ip_netmask='10.0.0.9/32')
    result = run(scm, {'addresses': [{'name': 'same', 'ip_netmask': '10.0.0.9/32'}]}, check_mode=True,
                 push_touched=True, push_folders=['Branch', 'Shared'])
    assert result['push'] == {'folders': ['Branch', 'Shared'], 'sent': False} and not result['changed']
    assert run(scm, {}, check_mode=True, push_touched=True).get('push') is None  # nothing written, nothing named


@pytest.mark.parametrize('objects, expected', [
    ({'adresses': [{'name': 'x'}]}, "unknown kind 'adresses'; did you mean 'addresses'?"),
    ({'addresses': [{'name': 'x', 'ip_netmsk': '10.0.0.1/32'}]}, "unknown field 'ip_netmsk'; did you mean 'ip_netmask'?"),
    ({'addresses': [{'name': 'x', 'ip_netmask': '10.0.0.1/32', 'fqdn': 'x.example'}]},
     'gives ip_netmask and fqdn; an address has exactly one of ip_netmask, ip_range, ip_wildcard, fqdn'),
    ({'addresses': [{'name': 'x', 'fqdn': 'a'}], 'address_groups': [{'name': 'x', 'static': ['x']}]},
     "address_groups 'x' is given twice in folder Shared"),
    ({'services': [{'name': 's', 'protocol': {'tcp': {'port': '1'}, 'udp': {'port': '1'}}}]},
     'a service has exactly one of protocol.tcp, protocol.udp'),
    ({'security_rules': [{'name': 'r', 'position': 'middle'}]}, "position is 'middle'; use pre or post"),
    ({'addresses': [{'name': 'x', 'fqdn': 'a', 'position': 'pre'}]}, 'position applies to security_rules only'),
])
def test_shape_errors_are_named_before_any_request(objects, expected):
    scm = FakeScm()
    with pytest.raises(PlanError) as caught:
        run(scm, objects)
    assert expected in str(caught.value)
    assert scm.requests == []


def test_a_dangling_reference_fails_before_any_write_naming_object_and_reference():
    scm = FakeScm()
    objects = {'addresses': [{'name': 'a1', 'ip_netmask': '10.0.0.1/32'}],
               'security_rules': [{'name': 'allow-web', 'source': ['a1'], 'destination': ['missing-srv'],
                                   'service': ['any']}]}
    with pytest.raises(PlanError) as caught:
        run(scm, objects)
    assert "security_rules 'allow-web' in folder Shared, pre rulebase: destination names 'missing-srv'" in str(caught.value)
    assert scm.writes() == []


def test_a_new_object_needs_its_type():
    scm = FakeScm()
    with pytest.raises(PlanError) as caught:
        run(scm, {'addresses': [{'name': 'a1', 'description': 'no type'}]})
    assert 'a new address needs one of ip_netmask, ip_range, ip_wildcard, fqdn' in str(caught.value)


def test_a_name_taken_in_the_shared_name_space_is_refused():
    scm = FakeScm()
    scm.add('address_groups', 'web', static=[])
    with pytest.raises(PlanError) as caught:
        run(scm, {'addresses': [{'name': 'web', 'fqdn': 'web.example'}]})
    assert 'the name is taken by address group web' in str(caught.value)


def test_deleting_a_referenced_object_is_refused_unless_its_referrer_goes_too():
    scm = FakeScm()
    scm.add('addresses', 'a1', ip_netmask='10.0.0.1/32')
    scm.add('address_groups', 'g1', static=['a1'])
    scm.add('security_rules', 'r1', source=['g1'], destination=['any'], service=['any'])
    with pytest.raises(PlanError) as caught:
        run(scm, {'addresses': [{'name': 'a1', 'state': 'absent'}]})
    assert "addresses 'a1' in folder Shared cannot be deleted: address group 'g1' still names it in static" in str(caught.value)
    assert scm.writes() == []
    # The rule drops the group, the group goes, then the address: writes in that order.
    run(scm, {'security_rules': [{'name': 'r1', 'source': ['any']}],
              'addresses': [{'name': 'a1', 'state': 'absent'}], 'address_groups': [{'name': 'g1', 'state': 'absent'}]})
    assert scm.writes() == [('PUT', 'security_rules', 'r1'), ('DELETE', 'address_groups', 'g1'),
                            ('DELETE', 'addresses', 'a1')]


def test_nested_groups_are_deleted_referrer_first():
    scm = FakeScm()
    scm.add('address_groups', 'inner', static=[])
    scm.add('address_groups', 'outer', static=['inner'])
    run(scm, {'address_groups': [{'name': 'inner', 'state': 'absent'}, {'name': 'outer', 'state': 'absent'}]})
    assert scm.writes() == [('DELETE', 'address_groups', 'outer'), ('DELETE', 'address_groups', 'inner')]


def test_groups_naming_each_other_in_a_cycle_are_refused():
    scm = FakeScm()
    with pytest.raises(PlanError) as caught:
        run(scm, {'address_groups': [{'name': 'g1', 'static': ['g2']}, {'name': 'g2', 'static': ['g1']}]})
    assert 'cycle' in str(caught.value) and scm.writes() == []


def test_rules_are_written_one_at_a_time_in_the_order_given_with_position_as_a_query_parameter():
    scm = FakeScm()
    rules = [{'name': 'r%d' % number, 'source': ['any'], 'destination': ['any'], 'service': ['any'],
              'position': 'post'} for number in range(6)]
    run(scm, {'security_rules': rules}, parallel=8)
    assert [name for _method, _kind, name in scm.writes()] == ['r%d' % number for number in range(6)]
    assert all('position' not in obj for obj in scm.objects[('security_rules', 'folder', 'Shared', 'post')])


def test_the_same_name_in_two_folders_is_two_objects():
    scm = FakeScm()
    result = run(scm, [{'kind': 'addresses', 'name': 'dns', 'fqdn': 'a', 'folder': 'East'},
                       {'kind': 'addresses', 'name': 'dns', 'fqdn': 'b', 'folder': 'West'}])
    assert result['counts']['created'] == 2 and scm.find('addresses', 'dns', 'West')[0]['fqdn'] == 'b'


def test_a_failed_write_stops_the_run_and_reports_what_was_sent():
    scm = FakeScm()
    scm.fail[('POST', 'a2')] = (409, 'Object Already Exists')
    with pytest.raises(ApiError) as caught:
        run(scm, {'addresses': [{'name': 'a%d' % number, 'fqdn': 'x'} for number in range(3)]}, parallel=1)
    assert 'Object Already Exists' in str(caught.value) and 'POST https://api.sase.paloaltonetworks.com' in str(caught.value)
    sent = dict((one['name'], one['sent']) for one in caught.value.partial['objects'])
    assert sent == {'a0': True, 'a1': True, 'a2': False}


def test_an_inherited_object_is_referenced_but_never_managed():
    scm = FakeScm()
    inherited = scm.add('addresses', 'dns', folder='Branch', ip_netmask='10.0.0.53/32')
    inherited['folder'] = 'Shared'  # as the API lists what a folder inherits
    result = run(scm, {'address_groups': [{'name': 'g', 'static': ['dns'], 'folder': 'Branch'}]})
    assert result['counts']['created'] == 1


def test_push_waits_for_the_job_and_its_children_and_asks_the_cache_before_each_poll():
    calls, asked = [], []
    states = iter(['ACT', 'FIN', 'FIN'])

    class Client(object):
        def url(self, path, query=None):
            return 'https://api' + path

        def token(self, ask=False):
            asked.append(ask)

        def request(self, method, path, query=None, body=None, expect=(200,)):
            calls.append((method, path, query))
            if method == 'POST':
                return _Answer({'success': True, 'job_id': '187'})
            if query:
                return _Answer({'data': [{'id': '188', 'parent_id': '187', 'status_str': 'FIN', 'result_str': 'OK'}]})
            return _Answer({'data': [{'id': '187', 'status_str': next(states), 'result_str': 'OK'}]})

    result = _sase_objects.push(Client(), 'sse', ['Shared'], 60, 1, sleep=lambda seconds: None)
    assert result['job_id'] == '187' and result['polls'] == 2 and asked == [True, True]
    assert calls[0] == ('POST', '/sse/config/v1/config-versions/candidate:push', None)
    assert ('GET', '/sse/config/v1/jobs', {'parent_id': '187'}) in calls


def test_a_failed_child_job_fails_with_its_summary():
    class Client(object):
        def url(self, path, query=None):
            return 'https://api' + path

        def token(self, ask=False):
            pass

        def request(self, method, path, query=None, body=None, expect=(200,)):
            if method == 'POST':
                return _Answer({'success': True, 'job_id': '5'})
            if query:
                return _Answer({'data': [{'id': '6', 'parent_id': '5', 'status_str': 'FIN', 'result_str': 'FAIL',
                                          'type_str': 'CommitAll', 'summary': 'commit failed: bad'}]})
            return _Answer({'data': [{'id': '5', 'status_str': 'FIN', 'result_str': 'OK'}]})

    with pytest.raises(Exception) as caught:
        _sase_objects.push(Client(), 'strata', ['Texas'], 60, 0, sleep=lambda seconds: None)
    assert 'push job 6 (CommitAll, a child of push job 5) of Texas ended FAIL: commit failed: bad' in str(caught.value)


class _Answer(object):
    def __init__(self, data):
        self.status, self.json = 200, data


def test_a_429_holds_back_every_thread():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    gate = Gate(clock=lambda: now[0], sleep=sleep)
    gate.hold(3)
    gate.hold(1)  # a shorter hold never shortens the wait
    gate.wait()
    assert sum(slept) == 3


def test_the_path_family_follows_the_host_unless_chosen():
    assert family_for('https://api.strata.paloaltonetworks.com') == 'strata'
    assert family_for('https://api.sase.paloaltonetworks.com') == 'sse'
    assert family_for('https://127.0.0.1:8443', 'strata') == 'strata'
    assert find_kind('security_rules').paths['strata'] == '/config/security/v1/security-rules'
    assert find_kind('address-groups').name == 'address_groups' and find_kind('rule') is None
