# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prisma SASE / Strata Cloud Manager config objects, as pan.dev documents them: one row of KINDS per kind, one
Store, and handlers generic over the table.

Each kind is served on both path families, ``/sse/config/v1/<segment>`` and ``/config/objects/v1/<segment>``
(security rules: ``/config/security/v1/security-rules``), as ``GET`` (list) and ``POST`` (create) on the
collection and ``GET``, ``PUT``, ``DELETE`` on ``/<segment>/{id}``.

- Every object lives in one container: ``folder``, ``snippet`` or ``device``, given on create as a query parameter
  or as a body field (both: they must agree); the stored object carries it as a field.
- Lists are paged ``{data, offset, limit, total}``; a ``limit`` above the config's ``page_cap`` (default 200) is
  clamped to it, so clients must follow ``total``.  Filters: ``folder``, ``snippet``, ``device``, ``name``, and for
  security rules ``position`` (default pre).  Security rules take ``position=pre|post`` as a query parameter on
  every method; in a body it is refused.
- Names are unique per container and name space (addresses with address groups, services with service groups).
- References (KINDS[kind]["references"]) must name an object of the container; deleting or renaming an object
  that something references is refused with 409 Reference Not Zero naming the referrers.
- Errors: ``{"_errors": [{"code", "message": <title>, "details": {"errorType": <title>, "message": <what>}}],
  "_request_id", "message": "<title>: <what>"}`` (the top-level message is the emulator's, for easy assertions).
- Every request a handler serves is counted per kind and operation (list, get, create, update, delete), shown by
  /_emulator/stats as ``objects``, ``object_reads`` and ``object_writes``.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import uuid

from ..wire import is_int, json_response

SSE = "/sse/config/v1"
OBJECTS = "/config/objects/v1"
SECURITY = "/config/security/v1"
CONTAINERS = ("folder", "snippet", "device")
POSITIONS = ("pre", "post")
OPERATIONS = ("list", "get", "create", "update", "delete")
READS = ("list", "get")
DEFAULT_LIMIT = 200
MAX_SEED = 100000


def _port(body):
    protocol = body.get("protocol")
    given = sorted(protocol) if isinstance(protocol, dict) else []
    if given not in (["tcp"], ["udp"]):
        return "protocol must be {tcp: {port: ...}} or {udp: {port: ...}}"
    ports = protocol[given[0]]
    if not isinstance(ports, dict) or not isinstance(ports.get("port"), str) or not ports["port"].strip():
        return "protocol.%s.port must be a non-empty string such as \"443\" or \"8000-8080\"" % given[0]
    return None


def _filter(body):
    dynamic = body.get("dynamic")
    if "dynamic" in body and (not isinstance(dynamic, dict) or not isinstance(dynamic.get("filter"), str) or not dynamic["filter"].strip()):
        return "dynamic must be {filter: \"'tag1' and 'tag2'\"}"
    return None


def _any_rule(_number):
    return {"from": ["any"], "to": ["any"], "source": ["any"], "destination": ["any"], "source_user": ["any"],
            "application": ["any"], "category": ["any"], "service": ["application-default"], "action": "allow"}


TAG = {"tag": (("tags",), ())}
ADDRESSES = (("addresses", "address_groups"), ("any",))
SERVICES = (("services", "service_groups"), ("any", "application-default"))

# One row per kind.  segment: the path's last part; prefixes: the two path families; namespace: kinds sharing a
# namespace share names per container; exclusive: groups of fields of which exactly one must be given; nonempty:
# list fields that may not be empty; references: {field: (kinds a name may be, names always allowed)}; position:
# pre/post rulebases; check: a last check of the body (an error text or None); sample: fields of the n-th seeded
# object (/_emulator/objects with a count), None when a seed must give the objects.
KINDS = {
    "tags": {
        "segment": "tags", "prefixes": (SSE, OBJECTS), "id_field": "id", "namespace": "tags",
        "exclusive": (), "nonempty": (), "references": {}, "position": False, "check": None,
        "sample": lambda number: {"color": "Azure Blue"},
    },
    "addresses": {
        "segment": "addresses", "prefixes": (SSE, OBJECTS), "id_field": "id", "namespace": "addresses",
        "exclusive": (("ip_netmask", "ip_range", "ip_wildcard", "fqdn"),), "nonempty": (), "references": TAG,
        "position": False, "check": None,
        "sample": lambda number: {"ip_netmask": "10.%d.%d.%d/32" % (number // 65536 % 256, number // 256 % 256, number % 256)},
    },
    "address_groups": {
        "segment": "address-groups", "prefixes": (SSE, OBJECTS), "id_field": "id", "namespace": "addresses",
        "exclusive": (("static", "dynamic"),), "nonempty": ("static",),
        "references": dict(TAG, static=(("addresses", "address_groups"), ())), "position": False, "check": _filter,
        "sample": lambda number: {"dynamic": {"filter": "'seeded'"}},
    },
    "services": {
        "segment": "services", "prefixes": (SSE, OBJECTS), "id_field": "id", "namespace": "services",
        "exclusive": (), "nonempty": (), "references": TAG, "position": False, "check": _port,
        "sample": lambda number: {"protocol": {"tcp": {"port": str(1024 + number % 60000)}}},
    },
    "service_groups": {
        "segment": "service-groups", "prefixes": (SSE, OBJECTS), "id_field": "id", "namespace": "services",
        "exclusive": (("members",),), "nonempty": ("members",),
        "references": dict(TAG, members=(("services", "service_groups"), ())), "position": False, "check": None,
        "sample": None,
    },
    "security_rules": {
        "segment": "security-rules", "prefixes": (SSE, SECURITY), "id_field": "id", "namespace": "security_rules",
        "exclusive": (), "nonempty": (), "position": True, "check": None, "sample": _any_rule,
        "references": dict(TAG, source=ADDRESSES, destination=ADDRESSES, service=SERVICES),
    },
}
SEGMENTS = dict((row["segment"], kind) for kind, row in KINDS.items())


def _namespace_of(targets):
    spaces = set(KINDS[kind]["namespace"] for kind in targets)
    if len(spaces) != 1:
        raise ValueError("a reference may only name kinds of one namespace: %s" % ", ".join(targets))
    return spaces.pop()


# A reference field's targets share one namespace, where the reverse index keeps who refers to a name.
REFERENCE_SPACES = dict(((kind, field), _namespace_of(targets)) for kind, row in KINDS.items()
                        for field, (targets, _literals) in row["references"].items())


def kind_named(name):
    """The KINDS key for a kind name (address_groups) or path segment (address-groups), or None."""
    if name in KINDS:
        return name
    return SEGMENTS.get(name)


class ApiError(Exception):
    """An error answer, shaped like Strata Cloud Manager's."""

    def __init__(self, status, code, title, text):
        Exception.__init__(self, text)
        self.status, self.code, self.title, self.text = status, code, title, text

    def response(self):
        details = {"errorType": self.title, "message": self.text}
        return json_response(self.status, {"_errors": [{"code": self.code, "message": self.title, "details": details}],
                                           "_request_id": str(uuid.uuid4()), "message": "%s: %s" % (self.title, self.text)})


def invalid(text):
    return ApiError(400, "E003", "Invalid Object", text)


def _not_present(object_id):
    return ApiError(404, "E005", "Object Not Present", "no object with id %s" % object_id)


def _where(container):
    return "%s %s" % container


class Record:
    """One stored object: its kind, container ((type, name)), rulebase position (rules) and body as served."""

    __slots__ = ("id", "kind", "container", "position", "body")

    def __init__(self, object_id, kind, container, position, body):
        self.id, self.kind, self.container, self.position, self.body = object_id, kind, container, position, body

    def label(self):
        return "%s '%s'" % (KINDS[self.kind]["segment"], self.body["name"])


class Store:
    """Every object of every kind, with indexes so that a create, an update, a delete or a name lookup costs O(1)
    and a page costs O(objects of the kind in the container). The emulator's lock guards it."""

    def __init__(self):
        self.by_id = {}
        self.lists = {}  # (kind, container) -> {id: Record}, in creation order
        self.names = {}  # (namespace, container) -> {name: Record}
        self.referrers = {}  # (namespace, container, name) -> {referrer id: [fields]}
        self.counts = dict((kind, dict.fromkeys(OPERATIONS, 0)) for kind in KINDS)

    def count(self, kind, operation):
        self.counts[kind][operation] += 1

    def stats(self):
        counts = dict((kind, dict(ops)) for kind, ops in self.counts.items())
        return {"objects": counts,
                "object_reads": sum(ops[op] for ops in counts.values() for op in READS),
                "object_writes": sum(ops[op] for ops in counts.values() for op in OPERATIONS if op not in READS)}

    def sizes(self):
        sizes = dict.fromkeys(KINDS, 0)
        for (kind, _container), items in self.lists.items():
            sizes[kind] += len(items)
        return sizes

    # -- reading

    def find(self, kind, object_id):
        record = self.by_id.get(object_id)
        if record is None or record.kind != kind:
            raise _not_present(object_id)
        return record

    def listing(self, kind, container=None, name=None, position=None):
        """The records of kind (in one container when given), by name and rulebase when given."""
        if container is not None and name is not None:
            record = self.names.get((KINDS[kind]["namespace"], container), {}).get(name)
            records = [record] if record is not None and record.kind == kind else []
        elif container is not None:
            records = list(self.lists.get((kind, container), {}).values())
        else:
            records = [record for (each, _container), items in self.lists.items() if each == kind for record in items.values()]
            if name is not None:
                records = [record for record in records if record.body["name"] == name]
        if position is not None:
            records = [record for record in records if record.position == position]
        return records

    # -- writing

    def create(self, kind, container, position, body):
        body = self._stored(kind, container, body, None)
        record = Record(body["id"], kind, container, position, body)
        self._check_name(record, None)
        self._check_references(record)
        self.by_id[record.id] = record
        self.lists.setdefault((kind, container), {})[record.id] = record
        self.names.setdefault((KINDS[kind]["namespace"], container), {})[record.body["name"]] = record
        self._link(record)
        return record

    def update(self, record, position, body):
        body = self._stored(record.kind, record.container, body, record.id)
        old_name = record.body["name"]
        if body["name"] != old_name:
            self._check_unreferenced(record, "renamed to '%s'" % body["name"])
        candidate = Record(record.id, record.kind, record.container, position or record.position, body)
        self._check_name(candidate, record)
        self._check_references(candidate)
        self._check_cycle(candidate)
        self._unlink(record)
        names = self.names[(KINDS[record.kind]["namespace"], record.container)]
        del names[old_name]
        record.body, record.position = body, candidate.position
        names[body["name"]] = record
        self._link(record)
        return record

    def delete(self, record):
        self._check_unreferenced(record, "deleted")
        self._unlink(record)
        del self.by_id[record.id]
        del self.lists[(record.kind, record.container)][record.id]
        del self.names[(KINDS[record.kind]["namespace"], record.container)][record.body["name"]]

    # -- checks and indexes

    @staticmethod
    def _stored(kind, container, body, object_id):
        """The body as it will be served (id first, the container as a field), or ApiError when it is invalid."""
        row = KINDS[kind]
        if not isinstance(body, dict):
            raise invalid("the request body must be a JSON object")
        if not isinstance(body.get("name"), str) or not body["name"].strip():
            raise invalid("Missing required field: name")
        label = "%s '%s'" % (row["segment"], body["name"])
        clash = ", ".join("%s %s" % (key, body[key]) for key in CONTAINERS if key in body and (key, body[key]) != container)
        if clash:
            raise invalid("%s is in %s: the body's %s cannot %s" % (label, _where(container), clash,
                                                                    "move it" if object_id else "differ from the query"))
        if row["position"] and "position" in body:
            raise invalid("%s: position is a query parameter (pre or post), not a body field" % label)
        for group in row["exclusive"]:
            present = [field for field in group if body.get(field) is not None]
            if len(present) != 1:
                raise invalid("%s must have exactly one of %s (%s given)" % (label, ", ".join(group), ", ".join(present) or "none"))
        for field, (_targets, _literals) in row["references"].items():
            value = body.get(field)
            if value is not None and (not isinstance(value, list) or not all(isinstance(item, str) and item for item in value)):
                raise invalid("%s: %s must be a list of names" % (label, field))
        for field in row["nonempty"]:
            if field in body and not body[field]:
                raise invalid("%s: %s may not be empty" % (label, field))
        problem = row["check"](body) if row["check"] else None
        if problem:
            raise invalid("%s: %s" % (label, problem))
        stored = {"id": object_id or str(uuid.uuid4())}
        stored.update((key, value) for key, value in body.items() if key != "id")
        stored[container[0]] = container[1]
        return stored

    def _check_name(self, record, existing):
        namespace = KINDS[record.kind]["namespace"]
        holder = self.names.get((namespace, record.container), {}).get(record.body["name"])
        if holder is not None and holder is not existing:
            shared = " (%s share names)" % " and ".join(KINDS[kind]["segment"] for kind in KINDS if KINDS[kind]["namespace"] == namespace) \
                if holder.kind != record.kind else ""
            raise ApiError(409, "E006", "Object Already Exists", "%s already exists in %s%s" % (holder.label(), _where(record.container), shared))

    def _check_references(self, record):
        for field, (targets, literals) in KINDS[record.kind]["references"].items():
            names = self.names.get((REFERENCE_SPACES[(record.kind, field)], record.container), {})
            for name in record.body.get(field) or ():
                if name in literals:
                    continue
                target = names.get(name)
                if target is not None and target.id == record.id:
                    raise invalid("%s: %s '%s' refers to the object itself" % (record.label(), field, name))
                if target is None or target.kind not in targets:
                    raise invalid("%s: %s '%s' is not a valid reference: no %s of that name in %s" % (
                        record.label(), field, name, " or ".join(KINDS[kind]["segment"] for kind in targets), _where(record.container)))

    def _check_cycle(self, record):
        """A group may not hold, through other groups, itself (only an update can close such a loop)."""
        namespace = KINDS[record.kind]["namespace"]
        names = self.names.get((namespace, record.container), {})
        todo = [(key[2], key[2]) for key, _field in self._references(record) if key[0] == namespace]
        seen = set()
        while todo:
            first, name = todo.pop()
            if name == record.body["name"]:
                raise invalid("%s: '%s' holds %s itself, through groups" % (record.label(), first, record.label()))
            target = names.get(name)
            if name in seen or target is None or target.id == record.id:
                continue
            seen.add(name)
            todo.extend((first, key[2]) for key, _field in self._references(target) if key[0] == namespace)

    def _check_unreferenced(self, record, what):
        key = (KINDS[record.kind]["namespace"], record.container, record.body["name"])
        referrers = self.referrers.get(key)
        if referrers:
            named = ", ".join("%s (%s)" % (self.by_id[referrer].label(), ", ".join(fields))
                              for referrer, fields in sorted(referrers.items(), key=lambda item: self.by_id[item[0]].body["name"]))
            raise ApiError(409, "E009", "Reference Not Zero", "%s in %s cannot be %s: it is referenced by %s" % (
                record.label(), _where(record.container), what, named))

    def _references(self, record):
        for field in KINDS[record.kind]["references"]:
            literals = KINDS[record.kind]["references"][field][1]
            for name in record.body.get(field) or ():
                if name not in literals:
                    yield (REFERENCE_SPACES[(record.kind, field)], record.container, name), field

    def _link(self, record):
        for key, field in self._references(record):
            fields = self.referrers.setdefault(key, {}).setdefault(record.id, [])
            if field not in fields:
                fields.append(field)

    def _unlink(self, record):
        for key, _field in self._references(record):
            referrers = self.referrers.get(key)
            if referrers is not None:
                referrers.pop(record.id, None)
                if not referrers:
                    del self.referrers[key]


# ---------------------------------------------------------------------------
# Requests


def _one_container(req, required):
    given = [(key, req.query_value(key)) for key in CONTAINERS if req.query_value(key) is not None]
    if len(given) > 1:
        raise invalid("give one container: folder, snippet or device, not %s" % " and ".join(key for key, _value in given))
    if given and not given[0][1]:
        raise invalid("%s must not be empty" % given[0][0])
    if not given and required is not None:
        body = required
        in_body = [(key, body[key]) for key in CONTAINERS if isinstance(body, dict) and key in body]
        if len(in_body) != 1 or not isinstance(in_body[0][1], str) or not in_body[0][1]:
            raise invalid("give the object's container: one of folder, snippet or device (as a query parameter or a body field)")
        return in_body[0]
    return given[0] if given else None


def _position(kind, req, default):
    if not KINDS[kind]["position"]:
        return None
    position = req.query_value("position", default)
    if position is not None and position not in POSITIONS:
        raise invalid("position must be pre or post, not %s" % position)
    return position


def _page(req, cap):
    try:
        offset, limit = int(req.query_value("offset", "0")), int(req.query_value("limit", str(min(DEFAULT_LIMIT, cap))))
    except ValueError:
        offset = limit = None
    if offset is None:
        raise invalid("offset and limit must be integers")
    if offset < 0 or limit < 1:
        raise invalid("offset must be >= 0 and limit >= 1")
    return offset, min(limit, cap)


def _state(emu, req):
    return emu.vendor_state[req.vendor]["objects"]


def _list(kind, emu, req):
    with emu.lock:
        store = _state(emu, req)
        store.count(kind, "list")
        offset, limit = _page(req, emu.config["page_cap"])
        records = store.listing(kind, _one_container(req, None), req.query_value("name"), _position(kind, req, "pre"))
        page = [dict(record.body) for record in records[offset:offset + limit]]
    return json_response(200, {"data": page, "offset": offset, "limit": limit, "total": len(records)})


def _create(kind, emu, req):
    body = req.json_body()
    with emu.lock:
        store = _state(emu, req)
        store.count(kind, "create")
        if not isinstance(body, dict):
            raise invalid("the request body must be a JSON object")
        record = store.create(kind, _one_container(req, body), _position(kind, req, "pre"), body)
        return json_response(201, dict(record.body))


def _get(kind, emu, req):
    with emu.lock:
        store = _state(emu, req)
        store.count(kind, "get")
        return json_response(200, dict(store.find(kind, req.params["id"]).body))


def _update(kind, emu, req):
    body = req.json_body()
    with emu.lock:
        store = _state(emu, req)
        store.count(kind, "update")
        record = store.find(kind, req.params["id"])
        return json_response(200, dict(store.update(record, _position(kind, req, None), body).body))


def _delete(kind, emu, req):
    with emu.lock:
        store = _state(emu, req)
        store.count(kind, "delete")
        record = store.find(kind, req.params["id"])
        store.delete(record)
        return json_response(200, dict(record.body))


def _handler(function, kind):
    def handle(emu, req):
        try:
            return function(kind, emu, req)
        except ApiError as exc:
            return exc.response()
    handle.__name__ = "%s_%s" % (function.__name__.lstrip("_"), kind)
    return handle


def routes():
    """The api_routes of every kind on both path families: collection first, then /{id}."""
    table = []
    for kind, row in KINDS.items():
        for prefix in row["prefixes"]:
            path = "%s/%s" % (prefix, row["segment"])
            table.append((path, {"GET": _handler(_list, kind), "POST": _handler(_create, kind)}))
            table.append((path + "/{id}", {"GET": _handler(_get, kind), "PUT": _handler(_update, kind),
                                           "DELETE": _handler(_delete, kind)}))
    return tuple(table)


# ---------------------------------------------------------------------------
# Admin: seeding and looking (not counted)


def seed(emu, vendor, data):
    """Add objects of one kind to one container, checked like the API's creates; all or none.
    data: {kind, folder|snippet|device, position (rules), objects: [{name, ...}] or count (+ prefix)}."""
    if not isinstance(data, dict) or not isinstance(data.get("kind"), str) or kind_named(data["kind"]) is None:
        raise invalid("give kind, one of: %s" % ", ".join(KINDS))
    kind = kind_named(data["kind"])
    in_body = [key for key in CONTAINERS if key in data]
    if len(in_body) != 1 or not isinstance(data[in_body[0]], str) or not data[in_body[0]]:
        raise invalid("give one container: folder, snippet or device (a non-empty string)")
    container = (in_body[0], data[in_body[0]])
    position = data.get("position", "pre") if KINDS[kind]["position"] else None
    if KINDS[kind]["position"] and position not in POSITIONS:
        raise invalid("position must be pre or post")
    if "objects" in data:
        objects = data["objects"]
        if not isinstance(objects, list) or not objects or len(objects) > MAX_SEED:
            raise invalid("objects must be a list of 1 to %d objects" % MAX_SEED)
    else:
        count, sample = data.get("count"), KINDS[kind]["sample"]
        if sample is None:
            raise invalid("%s need their members: give objects, not a count" % kind)
        if not is_int(count) or not 0 < count <= MAX_SEED:
            raise invalid("give objects (a list) or count (1 to %d)" % MAX_SEED)
        prefix = str(data.get("prefix", "bulk"))
        objects = [dict([("name", "%s-%05d" % (prefix, number))] + list(sample(number).items())) for number in range(1, count + 1)]
    with emu.lock:
        store = emu.vendor_state[vendor]["objects"]
        added = []
        try:
            for body in objects:
                added.append(store.create(kind, container, position, body))
        except ApiError:
            for record in reversed(added):
                store.delete(record)
            raise
    return len(added)


def look(emu, vendor, req):
    """Counters and sizes; with kind=K (and a container, position, name), the objects themselves, unpaged."""
    with emu.lock:
        store = emu.vendor_state[vendor]["objects"]
        answer = dict(store.stats(), sizes=store.sizes())
        if req.query_value("kind") is not None:  # a query value is always a string
            kind = kind_named(req.query_value("kind"))
            if kind is None:
                raise invalid("kind must be one of: %s" % ", ".join(KINDS))
            position = req.query_value("position") if KINDS[kind]["position"] else None
            records = store.listing(kind, _one_container(req, None), req.query_value("name"), position)
            answer["data"] = [dict(record.body) for record in records]
            if KINDS[kind]["position"]:
                answer["positions"] = [record.position for record in records]
    return answer
