#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: sase_objects
short_description: Make Prisma SASE / Strata Cloud Manager objects match a desired state in one task
version_added: 0.1.0
description:
  - Makes tags, addresses, address groups, services, service groups and security rules of a Prisma SASE / Strata
    Cloud Manager tenant match the objects given, with the vendor's cached token, and optionally pushes the folders it
    changed.
  - Reads each kind of each container (and rulebase) once, with paging; never one read per object. An object is found
    by name in its container, created when absent, updated when a field it gives differs from the tenant's (one
    C(PUT) with the tenant's object and the given fields; the other fields are kept), deleted with C(state=absent).
    A second run sends no write.
  - Validates the whole plan before the first write, and fails naming every problem with nothing sent; an unknown
    kind or field (with the closest valid name), two types of an object given at once, the same name twice in a
    container and name space (addresses share one with address groups, services with service groups), a reference
    to an object that neither exists nor is created by the task, the delete of an object that another object still
    names, and a new object without its type.
  - Writes creates and updates in dependency order (tags, addresses, address groups, services, service groups,
    security rules; within a kind, a group before the groups that name it), then deletes in reverse order, up to
    O(parallel) writes of one kind at a time. Security rules are written one at a time in the order given, which is
    their order in the rulebase.
  - A 401 renews the token once through the shared cache; 429 and 503 are retried within the budget of
    M(vendor.tokens.api_request), and a 429 holds back every write in flight.
author:
  - Vendor Tokens Maintainers (@vendor-tokens)
options:
  vendor:
    description:
      - The vendor, C(paloalto) or one of its aliases.
    type: str
    default: paloalto
    choices: [paloalto, prisma, prisma_sase, scm]
  objects:
    description:
      - The objects as they should be, either a dict of lists keyed by kind (the keys C(tags), C(addresses),
        C(address_groups), C(services), C(service_groups), C(security_rules), as C(provision_objects) in inventory), or
        a list of objects that each give their C(kind).
      - Kinds are V(tags), V(addresses), V(address_groups), V(services), V(service_groups) and V(security_rules);
        the API's spelling (V(address-groups)) and the singular are accepted too.
      - Each object needs C(name). Its container is C(folder), C(snippet) or C(device), else O(folder). C(state) is
        V(present) (the default) or V(absent). A security rule's C(position) is V(pre) (the default) or V(post), sent
        as the query parameter C(position).
      - Every other key is a field of the API object, compared with the tenant's. Dicts compare the keys given (the
        API may add defaults); lists of names compare as sets; numbers compare with their text (C(443) is C("443")).
        A single name is taken as a list of one for list fields.
      - Fields per kind. V(tags) C(color), C(comments). V(addresses) C(description), C(tag), and one of C(ip_netmask),
        C(ip_range), C(ip_wildcard), C(fqdn). V(address_groups) C(description), C(tag), and one of C(static) (names of
        addresses and address groups) or C(dynamic) (a dict with C(filter)). V(services) C(description), C(tag), C(protocol) with
        one of C(tcp) or C(udp) (each a dict with C(port), C(source_port), C(override)). V(service_groups) C(tag), C(members) (names of
        services and service groups). V(security_rules) C(description), C(tag), C(disabled), C(action), C(from),
        C(to), C(source), C(negate_source), C(source_user), C(source_hip), C(destination), C(negate_destination),
        C(destination_hip), C(application), C(service), C(category), C(profile_setting), C(log_setting),
        C(log_start), C(log_end), C(schedule).
      - References are checked in the object's container; C(tag) names tags; a rule's C(source) and C(destination)
        may also be V(any), its C(service) V(any), V(application-default), V(service-http) or V(service-https).
        Objects a folder inherits (from C(Shared)) count when the API lists them with the folder's.
      - None, with O(push_folders), to push only.
    type: raw
    default: {}
  folder:
    description:
      - The folder of the objects that name no container.
    type: str
  parallel:
    description:
      - How many writes of one kind may be in flight at once, 1 to 16. More overlap the API's latency; a 429 slows
        them all down.
    type: int
    default: 4
  api_family:
    description:
      - Which of the two path families to call, C(/sse/config/v1/...) (V(sse)) or C(/config/objects/v1/...) and
        C(/config/security/v1/security-rules) (V(strata)).
      - Defaults to V(strata) when the API host is C(api.strata.paloaltonetworks.com), else V(sse).
    type: str
    choices: [sse, strata]
  push:
    description:
      - V(true) pushes the candidate configuration of the folders written to, once, after the writes, and waits for
        the push job and its child jobs; nothing is pushed when nothing changed. V(always) pushes the folders of every
        object given, changed or not (after a run whose push failed). A failed job fails the task with its summary.
    type: raw
    default: false
  push_folders:
    description:
      - Folders to push whether or not this task changed them, for example after a run whose push failed; with
        O(push=true), the folders written to are pushed with them, in one push.
      - With no O(objects), the task only pushes these.
    type: list
    elements: str
    default: []
  push_timeout:
    description:
      - Seconds to wait for the push job and its children; the token is renewed while waiting.
    type: int
    default: 1800
  push_poll:
    description:
      - Seconds between two looks at the push job.
    type: int
    default: 10
  push_description:
    description:
      - The description of the push; defaults to C(Pushed by vendor.tokens.sase_objects).
    type: str
  client_id:
    description:
      - Palo Alto service account client id.
      - If not set, the variable C(vendor_tokens_paloalto_client_id), the environment variable E(PALOALTO_CLIENT_ID)
        or C(paloalto_client_id) in the C([vendor_tokens]) section of C(ansible.cfg) is used, as for
        M(vendor.tokens.sase_token).
    type: str
  client_secret:
    description:
      - Palo Alto service account client secret (or C(vendor_tokens_paloalto_client_secret), E(PALOALTO_CLIENT_SECRET)).
    type: str
  tsg_id:
    description:
      - Palo Alto Tenant Service Group id, digits only (or C(vendor_tokens_paloalto_tsg_id), E(PALOALTO_TSG_ID)).
    type: str
  client_auth:
    description:
      - How the client credentials are sent, HTTP Basic authentication or fields in the form body.
    type: str
    choices: [basic, body]
    default: basic
extends_documentation_fragment:
  - vendor.tokens.common
  - vendor.tokens.controller
  - vendor.tokens.controller.api
notes:
  - An action plugin runs this module on the controller, in Ansible's worker process, whatever host the task is for;
    it never connects to the host, needs no C(delegate_to) and never becomes another user. The Python packages
    C(requests) and C(jmespath) are needed on the controller only.
  - Renaming an object is not supported, its name is how it is found; delete the old name and create the new one.
  - Containers are not checked for inheritance beyond what the API lists; deleting an object that a child folder's
    objects name is refused by the API, and the task fails then, naming it.
attributes:
  check_mode:
    support: full
    description: Reads are sent, no write is; the result is the plan.
  diff_mode:
    support: full
    description: Each object created, updated or deleted shows its fields before and after.
'''

EXAMPLES = r'''
- name: Objects of a branch, from inventory, pushed once at the end
  vendor.tokens.sase_objects:
    folder: Texas
    objects:
      tags:
        - {name: web, color: Red}
      addresses:
        - {name: web-1, ip_netmask: 192.0.2.10/32, tag: [web]}
        - {name: web-2, fqdn: web-2.example.com, tag: [web]}
        - {name: old-web, state: absent}
      address_groups:
        - {name: web-servers, static: [web-1, web-2]}
      services:
        - {name: https-8443, protocol: {tcp: {port: "8443"}}}
      service_groups:
        - {name: web-ports, members: [https-8443]}
      security_rules:
        - name: allow-web
          from: [trust]
          to: [untrust]
          source: [any]
          destination: [web-servers]
          source_user: [any]
          application: [any]
          category: [any]
          service: [web-ports]
          action: allow
    push: true
  register: provisioned

- name: The same as a list, each object naming its kind and container
  vendor.tokens.sase_objects:
    objects:
      - {kind: addresses, folder: Shared, name: dns-1, ip_netmask: 198.51.100.53/32}
      - {kind: security_rules, folder: Shared, position: post, name: deny-rest, from: [any], to: [any], source: [any],
         destination: [any], source_user: [any], application: [any], category: [any], service: [any], action: deny}
'''

RETURN = r'''
summary:
  description: What was done (or would be, in check mode) in words, for a report; the counts, one line per object written, the push.
  returned: always
  type: list
  elements: str
  sample: ["created 1, updated 0, deleted 0, unchanged 12", created addresses Shared/web-frontend, "pushed Shared: job 187 OK"]
objects:
  description: One entry per object given, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: Its kind.
      type: str
      sample: addresses
    name:
      description: Its name.
      type: str
      sample: web-1
    container:
      description: The name of its container.
      type: str
      sample: Texas
    container_type:
      description: V(folder), V(snippet) or V(device).
      type: str
      sample: folder
    position:
      description: The rulebase of a security rule.
      type: str
      returned: for security rules
      sample: pre
    action:
      description: What was done, or in check mode what would be done.
      type: str
      sample: created
      choices: [created, updated, deleted, unchanged]
    changes:
      description: The fields given that differed (all given fields for a create).
      type: list
      elements: str
      sample: [ip_netmask]
    sent:
      description: Whether the write was sent (false in check mode, or after a failure stopped the run).
      type: bool
      returned: when the object was to be written
      sample: true
counts:
  description: How many objects were created, updated, deleted and left unchanged.
  returned: always
  type: dict
  sample: {created: 3, updated: 1, deleted: 0, unchanged: 196}
requests:
  description: The API requests made, reads and writes, and the token renewals and retries among them.
  returned: always
  type: dict
  sample: {reads: 2, writes: 4, renewals: 0, retries: 0}
push:
  description: The push, when O(push=true) and a folder changed, or O(push_folders) named one.
  returned: when pushed, or in check mode when a push would be made
  type: dict
  contains:
    folders:
      description: The folders pushed.
      type: list
      elements: str
      sample: [Texas]
    job_id:
      description: The push job.
      type: str
      sample: "187"
    job:
      description: The push job as the API last showed it.
      type: dict
    children:
      description: Its child jobs as the API last showed them.
      type: list
      elements: dict
    polls:
      description: How many times the job was looked at.
      type: int
      sample: 3
    sent:
      description: Whether the push was sent (false in check mode).
      type: bool
      sample: true
diff:
  description: With C(--diff), the fields before and after of each object written, in Ansible's diff format.
  returned: in diff mode
  type: list
  elements: dict
'''

from ansible_collections.vendor.tokens.plugins.module_utils._api_module import run_api_module


def main():
    run_api_module('sase_objects')


if __name__ == '__main__':
    main()
