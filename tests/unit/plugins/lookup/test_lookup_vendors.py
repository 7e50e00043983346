# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible.errors import AnsibleError
from ansible.plugins.loader import lookup_loader

from ansible_collections.vendor.tokens.plugins.filter.vendor import vendor
from ansible_collections.vendor.tokens.plugins.module_utils._profiles import PROFILES


def vendors(*terms):
    return lookup_loader.get('vendor.tokens.vendors').run(list(terms), {})


def test_no_terms_lists_every_row_in_table_order():
    assert [item['name'] for item in vendors()] == [profile.name for profile in PROFILES]


def test_terms_resolve_aliases_as_the_filter_does():
    assert vendors('perimeter81', 'prisma') == [vendor('checkpoint'), vendor('paloalto')]
    assert vendors('perimeter81')[0]['module'] == 'vendor.tokens.sase_token'
    assert 'perimeter81' in vendors('checkpoint')[0]['aliases']


def test_an_unknown_name_fails_with_the_closest_one():
    with pytest.raises(AnsibleError, match="unknown vendor 'palolato'; did you mean 'paloalto'"):
        vendors('palolato')
