# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Prisma SASE / Strata Cloud Manager object kinds vendor.tokens.sase_objects manages, one row each.

The planner (_sase_objects.py) has no kind-specific code: a new kind is a new row. Table order is dependency
order: creates and updates are written in it, deletes in reverse. Field names are the API's (pan.dev).
"""

from __future__ import annotations

from urllib.parse import urlsplit

# The two path families: /sse/config/v1 on api.sase.paloaltonetworks.com, /config/... on api.strata.paloaltonetworks.com.
FAMILIES = ('sse', 'strata')
STRATA_HOSTS = ('api.strata.paloaltonetworks.com',)
CONTAINERS = ('folder', 'snippet', 'device')
ID_FIELD = 'id'
NAME_FIELD = 'name'
# Keys of a desired object that are not fields of the API object.
CONTROL_KEYS = ('kind', 'state', 'position')

PUSH = {
    'sse': {'push': '/sse/config/v1/config-versions/candidate:push', 'jobs': '/sse/config/v1/jobs'},
    'strata': {'push': '/config/operations/v1/config-versions/candidate:push', 'jobs': '/config/operations/v1/jobs'},
}


class Exclusive(object):
    """Fields of which an object has exactly one: at the top level (parent None) or inside the dict field parent."""

    __slots__ = ('parent', 'members')

    def __init__(self, members, parent=None):
        self.members, self.parent = members, parent


class Kind(object):
    """One kind. paths: {family: collection path}; fields: every field but name, id and the container; lists:
    fields that hold lists (a single string is taken as a list of one); exclusive: Exclusive sets; references:
    {field: kinds its values name}; builtins: {field: values that name no object}; name_space: kinds sharing
    one name space in a container; positions: the rulebases, sent as the query parameter 'position' (never in
    the body), the first the default; ordered: written one at a time in the given order (a rule's place in its
    rulebase is the order it was created in)."""

    __slots__ = ('name', 'paths', 'fields', 'lists', 'exclusive', 'references', 'builtins', 'name_space', 'positions',
                 'ordered')

    def __init__(self, name, paths, fields, lists=(), exclusive=(), references=None, builtins=None, name_space=None,
                 positions=(), ordered=False):
        self.name, self.paths, self.fields, self.lists = name, paths, fields, lists
        self.exclusive, self.references, self.builtins = exclusive, references or {}, builtins or {}
        self.name_space, self.positions, self.ordered = name_space or (name,), positions, ordered


_TAGGED = {'tag': ('tags',)}
_ADDRESSES = ('addresses', 'address_groups')
_SERVICES = ('services', 'service_groups')

KINDS = (
    Kind('tags', {'sse': '/sse/config/v1/tags', 'strata': '/config/objects/v1/tags'},
         fields=('color', 'comments')),
    Kind('addresses', {'sse': '/sse/config/v1/addresses', 'strata': '/config/objects/v1/addresses'},
         fields=('description', 'tag', 'ip_netmask', 'ip_range', 'ip_wildcard', 'fqdn'), lists=('tag',),
         exclusive=(Exclusive(('ip_netmask', 'ip_range', 'ip_wildcard', 'fqdn')),), references=_TAGGED,
         name_space=_ADDRESSES),
    Kind('address_groups', {'sse': '/sse/config/v1/address-groups', 'strata': '/config/objects/v1/address-groups'},
         fields=('description', 'tag', 'static', 'dynamic'), lists=('tag', 'static'),
         exclusive=(Exclusive(('static', 'dynamic')),), references=dict(_TAGGED, static=_ADDRESSES),
         name_space=_ADDRESSES),
    Kind('services', {'sse': '/sse/config/v1/services', 'strata': '/config/objects/v1/services'},
         fields=('description', 'tag', 'protocol'), lists=('tag',),
         exclusive=(Exclusive(('tcp', 'udp'), parent='protocol'),), references=_TAGGED, name_space=_SERVICES),
    Kind('service_groups', {'sse': '/sse/config/v1/service-groups', 'strata': '/config/objects/v1/service-groups'},
         fields=('tag', 'members'), lists=('tag', 'members'), references=dict(_TAGGED, members=_SERVICES),
         name_space=_SERVICES),
    Kind('security_rules', {'sse': '/sse/config/v1/security-rules', 'strata': '/config/security/v1/security-rules'},
         fields=('description', 'tag', 'disabled', 'action', 'from', 'to', 'source', 'negate_source', 'source_user',
                 'source_hip', 'destination', 'negate_destination', 'destination_hip', 'application', 'service',
                 'category', 'profile_setting', 'log_setting', 'log_start', 'log_end', 'schedule'),
         lists=('tag', 'from', 'to', 'source', 'source_user', 'source_hip', 'destination', 'destination_hip',
                'application', 'service', 'category'),
         references=dict(_TAGGED, source=_ADDRESSES, destination=_ADDRESSES, service=_SERVICES),
         builtins={'source': ('any',), 'destination': ('any',),
                   'service': ('any', 'application-default', 'service-http', 'service-https')},
         positions=('pre', 'post'), ordered=True),
)

_BY_NAME = dict((kind.name, kind) for kind in KINDS)
# The API's own spelling (dashes) and the singular are accepted too.
ALIASES = dict((kind.name.replace('_', '-'), kind.name) for kind in KINDS)
ALIASES.update({'tag': 'tags', 'address': 'addresses', 'address_group': 'address_groups', 'service': 'services',
                'service_group': 'service_groups', 'security_rule': 'security_rules', 'rules': 'security_rules'})


def kind_names():
    return [kind.name for kind in KINDS]


def find_kind(name):
    """The Kind for a name (or alias), or None."""
    if not isinstance(name, str):
        return None
    name = name.strip().lower()
    return _BY_NAME.get(name) or _BY_NAME.get(ALIASES.get(name, '')) or _BY_NAME.get(ALIASES.get(name.replace('-', '_'), ''))


def family_for(api_url, chosen=None):
    """The path family: the one chosen, else strata for a Strata Cloud Manager host, else sse."""
    if chosen:
        return chosen
    host = (urlsplit(api_url).hostname or '').lower()
    return 'strata' if host in STRATA_HOSTS else 'sse'


def referrers(kind_name):
    """(kind, field) pairs whose values may name objects of kind_name."""
    return [(kind, field) for kind in KINDS for field, targets in kind.references.items() if kind_name in targets]
