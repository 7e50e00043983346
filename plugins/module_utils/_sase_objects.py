# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired state for Prisma SASE / SCM objects: read, plan, validate the whole plan, write, push.

Each (kind, container[, position]) is read once, with paging; nothing is read per object. Every check runs before
the first write. Creates and updates go in dependency order (the table order of _sase_kinds.py, then references
within a kind), deletes in reverse, a few writes of one kind at a time. A changed object costs one write.
"""

from __future__ import annotations

import difflib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.vendor.tokens.plugins.module_utils._errors import TokenError
from ansible_collections.vendor.tokens.plugins.module_utils._sase_kinds import (
    CONTAINERS, CONTROL_KEYS, ID_FIELD, KINDS, NAME_FIELD, PUSH, find_kind, kind_names, referrers)

ACTIONS = {'create': 'created', 'update': 'updated', 'delete': 'deleted', None: 'unchanged'}
MAX_LISTED = 20


class PlanError(TokenError):
    """The desired state cannot be written as given; nothing was sent."""


class Desired(object):
    """One object as the task wants it, and what the plan does to it."""

    __slots__ = ('index', 'kind', 'name', 'ctype', 'container', 'position', 'state', 'fields', 'existing', 'action',
                 'changes', 'body', 'done')

    def __init__(self, index, kind, name, ctype, container, position, state, fields):
        self.index, self.kind, self.name, self.ctype, self.container = index, kind, name, ctype, container
        self.position, self.state, self.fields = position, state, fields
        self.existing, self.action, self.changes, self.body, self.done = None, None, [], None, False

    @property
    def where(self):
        text = '%s %s' % (self.ctype, self.container)
        return text + (', %s rulebase' % self.position if self.position else '')

    def label(self):
        return "%s '%s' in %s" % (self.kind.name, self.name, self.where)

    def result(self):
        result = {'kind': self.kind.name, 'name': self.name, 'container': self.container, 'container_type': self.ctype,
                  'action': ACTIONS[self.action], 'changes': list(self.changes)}
        if self.position:
            result['position'] = self.position
        if self.action:
            result['sent'] = self.done
        return result


def _did_you_mean(word, choices):
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return "; did you mean '%s'?" % close[0] if close else ''


def desired_objects(objects, default_folder=None):
    """Desired objects from a list of dicts that each name their kind, or a dict {kind: [objects]}; PlanError listing
    every problem of shape (unknown kind or field, two exclusive types, duplicate names) before any request."""
    entries, problems = [], []
    if isinstance(objects, dict):
        for kind_name, items in objects.items():
            if items is None:
                continue
            if not isinstance(items, list):
                problems.append("objects.%s must be a list of objects, not %s" % (kind_name, type(items).__name__))
                continue
            for position, item in enumerate(items):
                entries.append(('objects.%s[%d]' % (kind_name, position), kind_name, item))
    elif isinstance(objects, list):
        for position, item in enumerate(objects):
            entries.append(('objects[%d]' % position, item.get('kind') if isinstance(item, dict) else None, item))
    else:
        raise PlanError('objects must be a list of objects (each with its kind) or a dict of lists keyed by kind',
                        option='objects')
    desired, seen = [], {}
    for where, kind_name, item in entries:
        found = _one_desired(len(desired), where, kind_name, item, default_folder, problems)
        if found is None:
            continue
        key = (found.kind.name_space, found.ctype, found.container, found.name)
        if key in seen:
            first = seen[key]
            problems.append("%s: %s '%s' is given twice in %s (also as %s %s)" % (
                where, found.kind.name, found.name, found.where, first[1], first[0].kind.name))
            continue
        seen[key] = (found, where)
        desired.append(found)
    if problems:
        raise PlanError(_listed(problems), option='objects')
    return desired


def _one_desired(index, where, kind_name, item, default_folder, problems):
    if not isinstance(item, dict):
        problems.append('%s must be a dict (name, fields, ...), not %s' % (where, type(item).__name__))
        return None
    kind = find_kind(kind_name)
    if kind is None:
        problems.append("%s: unknown kind %r%s (kinds: %s)" % (
            where, kind_name, _did_you_mean(kind_name, kind_names()), ', '.join(kind_names())))
        return None
    name = item.get(NAME_FIELD)
    if not isinstance(name, str) or not name.strip():
        problems.append('%s: every %s needs a name' % (where, kind.name))
        return None
    where = "%s (%s '%s')" % (where, kind.name, name)
    state = item.get('state', 'present')
    if state not in ('present', 'absent'):
        problems.append("%s: state is %r; use present or absent" % (where, state))
        return None
    containers = [key for key in CONTAINERS if item.get(key) is not None]
    if len(containers) > 1:
        problems.append('%s: gives %s; an object lives in one container' % (where, ' and '.join(containers)))
        return None
    if containers:
        ctype, container = containers[0], item[containers[0]]
    elif default_folder:
        ctype, container = 'folder', default_folder
    else:
        problems.append('%s: names no folder, snippet or device; give one, or set the folder option' % where)
        return None
    if not isinstance(container, str) or not container.strip():
        problems.append('%s: %s must be a non-empty string' % (where, ctype))
        return None
    position = item.get('position')
    if kind.positions:
        position = position or kind.positions[0]
        if position not in kind.positions:
            problems.append("%s: position is %r; use %s" % (where, position, ' or '.join(kind.positions)))
            return None
    elif position is not None:
        problems.append('%s: position applies to security_rules only' % where)
        return None
    fields = {}
    known = set(kind.fields) | set(CONTAINERS) | set(CONTROL_KEYS) | set((NAME_FIELD,))
    for key, value in item.items():
        if key in (NAME_FIELD,) + CONTAINERS + CONTROL_KEYS:
            continue
        if key not in kind.fields:
            problems.append("%s: unknown field %r%s (fields of %s: %s)" % (
                where, key, _did_you_mean(key, known), kind.name, ', '.join(kind.fields)))
            continue
        if key in kind.lists and isinstance(value, str):
            value = [value]
        if key in kind.lists and not (isinstance(value, list) and all(isinstance(one, (str, dict)) for one in value)):
            problems.append('%s: %s must be a list' % (where, key))
            continue
        fields[key] = value
    for exclusive in kind.exclusive:
        scope = fields if exclusive.parent is None else fields.get(exclusive.parent)
        if exclusive.parent is not None and exclusive.parent in fields and not isinstance(scope, dict):
            problems.append('%s: %s must be a dict with one of %s' % (where, exclusive.parent, ', '.join(exclusive.members)))
            continue
        given = [member for member in exclusive.members if isinstance(scope, dict) and member in scope]
        if len(given) > 1:
            problems.append('%s: gives %s; a%s %s has exactly one of %s' % (
                where, ' and '.join(given), 'n' if kind.name[0] in 'aeiou' else '', _singular(kind.name),
                ', '.join(('%s.%s' % (exclusive.parent, member)) if exclusive.parent else member
                          for member in exclusive.members)))
        elif exclusive.parent is not None and exclusive.parent in fields and not given:
            problems.append('%s: %s needs one of %s' % (where, exclusive.parent, ', '.join(exclusive.members)))
    return Desired(index, kind, name, ctype, container, position, state, fields)


def _singular(kind_name):
    return {'addresses': 'address', 'address_groups': 'address group', 'services': 'service',
            'service_groups': 'service group', 'security_rules': 'security rule', 'tags': 'tag'}.get(kind_name, kind_name)


def _listed(problems):
    text = '; '.join(problems[:MAX_LISTED])
    if len(problems) > MAX_LISTED:
        text += '; and %d more' % (len(problems) - MAX_LISTED)
    return text


def _norm(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, str)):
        return str(value)
    return value


def same(want, have):
    """Whether the tenant's value matches the desired one: dicts compare the keys given (the API may add defaults),
    lists of plain values compare as sets (members, tags and rule sources have no order), numbers as their text."""
    if isinstance(want, dict):
        return isinstance(have, dict) and all(same(value, have.get(key)) for key, value in want.items())
    if isinstance(want, (list, tuple)):
        if not isinstance(have, list) or len(want) != len(have):
            return False
        if all(not isinstance(one, (dict, list)) for one in list(want) + list(have)):
            return sorted(str(_norm(one)) for one in want) == sorted(str(_norm(one)) for one in have)
        return all(same(one, other) for one, other in zip(want, have))
    return _norm(want) == _norm(have)


# The defaults of sase_objects' options of the same names.
DEFAULT_PARALLEL = 4
DEFAULT_PUSH_TIMEOUT = 1800
DEFAULT_PUSH_POLL = 10


class Planner(object):
    """Reads, plans, validates and writes the desired objects through client (an _api.ApiClient or a test double).

    paging: (paging, list_field, page_size) from the vendor's ApiStyle row."""

    def __init__(self, client, desired, family, paging, parallel=DEFAULT_PARALLEL, check_mode=False, diff=False):
        self.client, self.desired, self.family = client, desired, family
        self.paging, self.parallel = paging, max(1, int(parallel))
        self.check_mode, self.diff = check_mode, diff
        self.own = {}  # (kind name, ctype, container, position) -> {name: object}
        self.visible = {}  # (kind name, ctype, container) -> names any object of it may reference (inherited included)
        self._stop = threading.Event()

    # -- reading

    def reads(self):
        """Every (kind, ctype, container, position) to read: the desired objects', the kinds sharing their name space,
        the kinds their references name, and, for deletes, the kinds that may reference what is deleted."""
        wanted = set()

        def add(kind, ctype, container, position=None):
            for one in ((position,) if position else kind.positions or (None,)):
                wanted.add((kind.name, ctype, container, one))

        for item in self.desired:
            add(item.kind, item.ctype, item.container, item.position)
            if item.state == 'present':
                for other in item.kind.name_space:
                    add(find_kind(other), item.ctype, item.container)
                for field, targets in item.kind.references.items():
                    builtins = item.kind.builtins.get(field, ())
                    if any(value not in builtins for value in _names(item.fields.get(field))):
                        for target in targets:
                            add(find_kind(target), item.ctype, item.container)
            else:
                for kind, _field in referrers(item.kind.name):
                    add(kind, item.ctype, item.container)
        order = dict((kind.name, number) for number, kind in enumerate(KINDS))
        return sorted(wanted, key=lambda key: (order[key[0]], key[1], key[2], key[3] or ''))

    def read(self):
        keys = self.reads()
        paging, list_field, page_size = self.paging

        def one(key):
            kind_name, ctype, container, position = key
            query = {ctype: container}
            if position:
                query['position'] = position
            items, _pages = self.client.list_all(find_kind(kind_name).paths[self.family], query, paging, list_field,
                                                 page_size)
            return key, items

        for key, items in self._run(one, keys, self.parallel):
            kind_name, ctype, container, position = key
            own = self.own.setdefault(key, {})
            visible = self.visible.setdefault((kind_name, ctype, container), set())
            for obj in items:
                if not isinstance(obj, dict) or not isinstance(obj.get(NAME_FIELD), str):
                    continue
                visible.add(obj[NAME_FIELD])
                # A list of a folder also holds what it inherits (from Shared, say): those are referenced, not managed.
                if obj.get(ctype, container) == container:
                    own[obj[NAME_FIELD]] = obj

    # -- planning

    def plan(self):
        problems = []
        for item in self.desired:
            existing = self.own.get((item.kind.name, item.ctype, item.container, item.position), {}).get(item.name)
            item.existing = existing
            if item.state == 'absent':
                item.action = 'delete' if existing else None
                continue
            if existing is None:
                missing = [exclusive for exclusive in item.kind.exclusive
                           if exclusive.parent is None and not any(member in item.fields for member in exclusive.members)
                           or exclusive.parent is not None and exclusive.parent not in item.fields]
                if missing:
                    problems.append('%s: a new %s needs one of %s' % (
                        item.label(), _singular(item.kind.name), ', '.join(
                            ', '.join(('%s.%s' % (one.parent, member)) if one.parent else member for member in one.members)
                            for one in missing)))
                item.action = 'create'
                item.changes = sorted(item.fields)
                item.body = dict(item.fields, **{NAME_FIELD: item.name, item.ctype: item.container})
                continue
            item.changes = sorted(field for field, value in item.fields.items() if not same(value, existing.get(field)))
            if not item.changes:
                continue
            item.action = 'update'
            dropped = set((ID_FIELD,))
            for exclusive in item.kind.exclusive:
                if exclusive.parent is None and any(member in item.fields for member in exclusive.members):
                    dropped.update(member for member in exclusive.members if member not in item.fields)
            body = dict((key, value) for key, value in existing.items() if key not in dropped)
            body.update(item.fields)
            item.body = body
        problems.extend(self._name_space_problems())
        problems.extend(self._reference_problems())
        if problems:
            raise PlanError('nothing was sent: ' + _listed(problems), option='objects')

    def _name_space_problems(self):
        problems = []
        for item in self.desired:
            if item.action != 'create':
                continue
            for other in item.kind.name_space:
                if other == item.kind.name:
                    continue
                for key, own in self.own.items():
                    if key[:3] == (other, item.ctype, item.container) and item.name in own:
                        problems.append('%s: the name is taken by %s %s in %s, which shares its name space; rename one'
                                        % (item.label(), _singular(other), item.name, item.where))
        return problems

    def _final(self):
        """The objects as they will be: {(kind name, ctype, container): {name: fields}}, and the names each kind
        will hold per container (inherited ones included)."""
        objects, names = {}, {}
        for (kind_name, ctype, container, _position), own in self.own.items():
            objects.setdefault((kind_name, ctype, container), {}).update(own)
        for key, visible in self.visible.items():
            names[key] = set(visible)
        for item in self.desired:
            key = (item.kind.name, item.ctype, item.container)
            if item.action == 'delete':
                objects.get(key, {}).pop(item.name, None)
                names.get(key, set()).discard(item.name)
            elif item.action in ('create', 'update'):
                objects.setdefault(key, {})[item.name] = item.body
                names.setdefault(key, set()).add(item.name)
        return objects, names

    def _reference_problems(self):
        objects, names = self._final()
        problems = []
        for item in self.desired:
            if item.state != 'present':
                continue
            for field, targets in sorted(item.kind.references.items()):
                builtins = item.kind.builtins.get(field, ())
                for value in _names(item.fields.get(field)):
                    if value in builtins or any(value in names.get((target, item.ctype, item.container), ())
                                                for target in targets):
                        continue
                    problems.append("%s: %s names '%s', which is no %s in %s %s%s and is not created by this task" % (
                        item.label(), field, value, ' or '.join(_singular(target) for target in targets), item.ctype,
                        item.container, " (nor one of: %s)" % ', '.join(builtins) if builtins else ''))
        for item in self.desired:
            if item.action != 'delete':
                continue
            for kind, field in referrers(item.kind.name):
                for name, obj in sorted(objects.get((kind.name, item.ctype, item.container), {}).items()):
                    if item.name in _names(obj.get(field)):
                        problems.append("%s cannot be deleted: %s '%s' still names it in %s; change or delete that "
                                        "%s in this task too" % (item.label(), _singular(kind.name), name, field,
                                                                 _singular(kind.name)))
        problems.extend(self._cycles())
        return problems

    def _cycles(self):
        problems = []
        for kind in KINDS:
            try:
                self._levels([item for item in self.desired if item.kind is kind and item.action in ('create', 'update')])
            except ValueError as exc:
                problems.append(str(exc))
        return problems

    @staticmethod
    def _levels(items, reverse=False):
        """items in batches, each naming (within the kind) only objects of earlier batches: references first, or,
        reverse (deletes), referrers first."""
        if not items:
            return []
        if items[0].kind.ordered:
            return [[item] for item in items]  # a rule's place is the order it is created in
        kind = items[0].kind
        fields = [field for field, targets in kind.references.items() if kind.name in targets]
        by_key = dict(((item.ctype, item.container, item.name), item) for item in items)
        needs = {}
        for item in items:
            source = item.existing if reverse else item.body
            deps = set()
            for field in fields:
                for value in _names((source or {}).get(field)):
                    dep = by_key.get((item.ctype, item.container, value))
                    if dep is not None:
                        deps.add(dep.index)
            needs[item.index] = deps
        if reverse:  # a referrer goes before what it names
            flipped = dict((item.index, set()) for item in items)
            for index, deps in needs.items():
                for dep in deps:
                    flipped[dep].add(index)
            needs = flipped
        batches, placed = [], set()
        while len(placed) < len(items):
            batch = [item for item in items if item.index not in placed and needs[item.index] <= placed]
            if not batch:
                stuck = [item.label() for item in items if item.index not in placed]
                raise ValueError('%s name each other in a cycle; no order can write them' % ', '.join(stuck[:5]))
            placed.update(item.index for item in batch)
            batches.append(batch)
        return batches

    # -- writing

    def write(self):
        """Creates and updates in dependency order, then deletes in reverse; stops at the first failure."""
        batches = []
        for kind in KINDS:
            batches.extend(self._levels([item for item in self.desired
                                         if item.kind is kind and item.action in ('create', 'update')]))
        for kind in reversed(KINDS):
            batches.extend(self._levels([item for item in self.desired if item.kind is kind and item.action == 'delete'],
                                        reverse=True))
        for batch in batches:
            width = 1 if batch[0].kind.ordered else self.parallel
            for _item in self._run(self._write_one, batch, width):
                pass

    def _write_one(self, item):
        kind = item.kind
        path = kind.paths[self.family]
        query = {'position': item.position} if item.position else {}
        if item.action == 'create':
            query = dict({item.ctype: item.container}, **query)
            self.client.request('POST', path, query or None, body=item.body, expect=(200, 201))
        else:
            object_id = item.existing.get(ID_FIELD)
            if not object_id:
                raise PlanError("%s: the tenant's object has no %s to %s it by" % (item.label(), ID_FIELD, item.action))
            target = '%s/%s' % (path, object_id)
            if item.action == 'update':
                self.client.request('PUT', target, query or None, body=item.body, expect=(200, 201, 204))
            else:
                self.client.request('DELETE', target, query or None, expect=(200, 204))
        item.done = True
        return item

    def _run(self, work, items, width):
        """work(item) for each item, at most width at a time; the first failure stops the rest and is raised."""
        items = list(items)
        if width <= 1 or len(items) <= 1:
            return [work(item) for item in items]
        results, failures = [], []

        def guarded(item):
            if self._stop.is_set():
                return None
            try:
                return work(item)
            except Exception as exc:  # handed to the caller's thread below
                self._stop.set()
                failures.append(exc)
                return None

        with ThreadPoolExecutor(max_workers=min(width, len(items))) as pool:
            results = [result for result in pool.map(guarded, items) if result is not None]
        if failures:
            raise failures[0]
        return results

    # -- results

    def results(self):
        return [item.result() for item in self.desired]

    def diffs(self):
        diffs = []
        for item in self.desired:
            if not item.action:
                continue
            header = '%s %s (%s)' % (_singular(item.kind.name), item.name, item.where)
            if item.action == 'create':
                before, after = {}, item.body
            elif item.action == 'update':
                before = dict((field, item.existing.get(field)) for field in item.changes)
                after = dict((field, item.fields[field]) for field in item.changes)
            else:
                before, after = dict((key, value) for key, value in item.existing.items() if key != ID_FIELD), {}
            diffs.append({'before_header': header, 'after_header': header, 'before': before, 'after': after})
        return diffs

    def touched_folders(self, every=False):
        """The folders written to, or with every the folders of every object given."""
        return sorted(set(item.container for item in self.desired
                          if (every or item.action) and item.ctype == 'folder'))


def _names(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [one for one in value if isinstance(one, str)]
    return []


def push(client, family, folders, timeout, poll, description='Pushed by vendor.tokens.sase_objects', sleep=time.sleep,
         clock=time.time):
    """Push the candidate configuration of folders and wait for the job and its child jobs; returns
    {folders, job_id, job, children, polls}. Before each poll the cache is asked for the token again (a hit is
    cheap), so a push outliving a token goes on with a renewed one."""
    paths = PUSH[family]
    answer = client.request('POST', paths['push'], body={'folders': list(folders), 'description': description},
                            expect=(200, 201))
    data = answer.json if isinstance(answer.json, dict) else {}
    job_id = data.get('job_id') or data.get('id')
    if not job_id or data.get('success') is False:
        raise TokenError('the push of %s started no job: %s' % (', '.join(folders), data.get('message') or data),
                         url=client.url(paths['push']), status=answer.status)
    job_id = str(job_id)
    deadline = clock() + timeout
    polls, job, children = 0, {}, []
    while True:
        sleep(poll)
        polls += 1
        client.token(ask=True)
        answer = client.request('GET', '%s/%s' % (paths['jobs'], job_id))
        jobs = answer.json.get('data') if isinstance(answer.json, dict) else None
        job = jobs[0] if isinstance(jobs, list) and jobs and isinstance(jobs[0], dict) else {}
        children = []
        if job.get('status_str') == 'FIN':
            answer = client.request('GET', paths['jobs'], {'parent_id': job_id})
            listed = answer.json.get('data') if isinstance(answer.json, dict) else None
            children = [one for one in listed or () if isinstance(one, dict) and str(one.get('parent_id')) == job_id]
        failed = [one for one in [job] + children if one.get('status_str') == 'FIN' and one.get('result_str') != 'OK']
        if failed:
            first = failed[0]
            raise TokenError('push job %s (%s%s) of %s ended %s: %s. The changes stay in the candidate configuration: '
                             'push again once fixed' % (
                                 first.get('id', job_id), first.get('type_str') or 'job',
                                 ', a child of push job %s' % job_id if str(first.get('id')) != job_id else '',
                                 ', '.join(folders), first.get('result_str') or 'without a result',
                                 first.get('summary') or first.get('details') or 'no summary'),
                             url=client.url('%s/%s' % (paths['jobs'], first.get('id', job_id))))
        if job.get('status_str') == 'FIN' and all(one.get('status_str') == 'FIN' for one in children):
            return {'folders': list(folders), 'job_id': job_id, 'job': job, 'children': children, 'polls': polls,
                    'sent': True}
        if clock() >= deadline:
            status = job.get('status_str') or 'unknown'
            raise TokenError('push job %s did not finish within push_timeout %s s; its status is %s%s; look at the job '
                             'in the tenant, or raise push_timeout' % (
                                 job_id, timeout, {'ACT': 'ACT (still running)', 'PEND': 'PEND (waiting to start)'}.get(
                                     status, status), ', with child jobs still running' if status == 'FIN' else ''),
                             url=client.url('%s/%s' % (paths['jobs'], job_id)), option='push_timeout')


def run(client, objects, family, paging, folder=None, parallel=DEFAULT_PARALLEL, check_mode=False, diff=False,
        push_touched=False, push_timeout=DEFAULT_PUSH_TIMEOUT, push_poll=DEFAULT_PUSH_POLL, push_description=None,
        push_folders=()):
    """The whole task: a result dict {changed, objects, counts, requests[, diff][, push]}; raises TokenError (a
    PlanError before any write, an ApiError naming the request) with .partial set to the results so far.
    push_touched: push the folders written to (with 'always', the folders of every object given, changed or not, as
    after a run whose push failed); push_folders: push these too, changed or not."""
    desired = desired_objects(objects, folder)
    planner = Planner(client, desired, family, paging, parallel, check_mode, diff)
    planner.read()
    planner.plan()
    result = {}
    try:
        if not check_mode:
            planner.write()
        folders = planner.touched_folders(every=push_touched == 'always') if push_touched else []
        folders += [name for name in push_folders if name not in folders]
        if folders:
            if check_mode:
                result['push'] = {'folders': folders, 'sent': False}
            else:
                result['push'] = push(client, family, folders, push_timeout, push_poll,
                                      push_description or 'Pushed by vendor.tokens.sase_objects')
    except TokenError as exc:
        exc.partial = _summary(planner, client, result)
        raise
    return _summary(planner, client, result)


def _summary(planner, client, result):
    objects = planner.results()
    counts = dict((action, 0) for action in ('created', 'updated', 'deleted', 'unchanged'))
    for one in objects:
        counts[one['action']] += 1
    verb = 'would be ' if planner.check_mode else ''
    summary = ['%screated %d, %supdated %d, %sdeleted %d, unchanged %d' % (
        verb, counts['created'], verb, counts['updated'], verb, counts['deleted'], counts['unchanged'])]
    summary += ['%s%s %s %s/%s' % (verb, one['action'], one['kind'], one['container'], one['name'])
                for one in objects if one['action'] != 'unchanged']
    push = result.get('push')
    if push:
        if push.get('sent'):
            job = push.get('job') or {}
            summary.append('pushed %s: job %s %s' % (', '.join(push['folders']), push.get('job_id'), job.get('result_str', '')))
        else:
            summary.append('would push %s' % ', '.join(push['folders']))
    result.update(changed=any(one['action'] != 'unchanged' for one in objects), objects=objects, counts=counts,
                  requests=dict(getattr(client, 'counts', {})), summary=summary)
    if planner.diff:
        result['diff'] = planner.diffs()
    return result
