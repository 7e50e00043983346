# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pan-scm-sdk row of `make bench`: make a folder's objects match a desired state the way a user of the SDK
would, with one paged list read per kind and a create or an update only for what differs.

Runs in the bench's own virtualenv (pan-scm-sdk installed there), as:
    python sdk_objects.py DESIRED.json EMULATOR_VARS.json
DESIRED.json: {"bench_folder": F, "bench_page_size": n, "bench_objects": {kind: [{name, ...fields}]}}, kinds in
dependency order; EMULATOR_VARS.json: the emulator's vars.json (vendor_tokens_paloalto_* settings).
The token comes from the API's token endpoint (one client-credentials POST) and is handed to the SDK's
access-token mode: the SDK's own login checks RS256 signing keys that the emulator does not serve.
Prints one JSON line: {"created": n, "updated": n, "unchanged": n}.
"""

from __future__ import annotations

import json
import sys

import requests
from scm.client import Scm
from scm.models.objects import (AddressGroupUpdateModel, AddressUpdateModel, ServiceGroupUpdateModel,
                                ServiceUpdateModel, TagUpdateModel)
from scm.models.security import SecurityRuleUpdateModel

# kind -> the SDK's service attribute, its update model, extra arguments of list and create
KINDS = {
    'tags': ('tag', TagUpdateModel, {}),
    'addresses': ('address', AddressUpdateModel, {}),
    'address_groups': ('address_group', AddressGroupUpdateModel, {}),
    'services': ('service', ServiceUpdateModel, {}),
    'service_groups': ('service_group', ServiceGroupUpdateModel, {}),
    'security_rules': ('security_rule', SecurityRuleUpdateModel, {'rulebase': 'pre'}),
}


def covers(have, want):
    """Whether the tenant's value already holds the given one: dicts by the keys given, lists as sets."""
    if isinstance(want, dict):
        return isinstance(have, dict) and all(covers(have.get(key), value) for key, value in want.items())
    if isinstance(want, list):
        return isinstance(have, list) and sorted(map(str, have)) == sorted(map(str, want))
    return have is not None and str(have) == str(want)


def token(settings):
    answer = requests.post(settings['vendor_tokens_paloalto_auth_url'], timeout=30,
                           auth=(settings['vendor_tokens_paloalto_client_id'], settings['vendor_tokens_paloalto_client_secret']),
                           data={'grant_type': 'client_credentials', 'scope': 'tsg_id:' + settings['vendor_tokens_paloalto_tsg_id']})
    answer.raise_for_status()
    return answer.json()['access_token']


def main(desired_path, settings_path):
    with open(desired_path) as handle:
        desired = json.load(handle)
    with open(settings_path) as handle:
        settings = json.load(handle)
    client = Scm(access_token=token(settings), api_base_url=settings['vendor_tokens_paloalto_api_url'])
    folder, done = desired['bench_folder'], {'created': 0, 'updated': 0, 'unchanged': 0}
    for kind, objects in desired['bench_objects'].items():
        attribute, update_model, extra = KINDS[kind]
        service = getattr(client, attribute)
        # The SDK stops paging at the first page shorter than its max_limit (default 2500), so it must ask for the
        # API's page cap or it reads one page only.
        service.max_limit = desired['bench_page_size']
        existing = dict((item['name'], item) for item in (
            listed.model_dump(by_alias=True, exclude_none=True, mode='json') for listed in service.list(folder=folder, **extra)))
        for wanted in objects:
            have = existing.get(wanted['name'])
            if have is None:
                service.create(dict(wanted, folder=folder), **extra)
                done['created'] += 1
            elif not covers(have, wanted):
                service.update(update_model(**dict(have, **wanted)), **extra)
                done['updated'] += 1
            else:
                done['unchanged'] += 1
    print(json.dumps(done))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
