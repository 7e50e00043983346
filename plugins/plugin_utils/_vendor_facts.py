# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What playbooks and roles may know about a vendor, from its row in the profile table (no secret, no URL)."""

from __future__ import annotations


def vendor_facts(profile):
    return {
        'name': profile.name,
        'title': profile.title,
        'aliases': list(profile.aliases),
        'module': 'vendor.tokens.%s' % profile.module,
        'lifetime': profile.lifetime,
        'expiry_kind': profile.expiry_kind,
        'api': dict((name, _plain(getattr(profile.api, name))) for name in profile.api.__slots__),
        'credentials': [{'name': cred.name, 'env': cred.env, 'secret': cred.secret, 'required': cred.required}
                        for cred in profile.credentials],
    }


def _plain(value):
    """Lists and dicts, as a playbook reads them, for the table's tuples and dicts."""
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return dict((key, _plain(item)) for key, item in value.items())
    return value
