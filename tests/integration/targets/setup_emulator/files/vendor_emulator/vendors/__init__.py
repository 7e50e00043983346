# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulated vendors: every module here that does not start with _ is one, described by its VENDOR dict.

A VENDOR holds: lifetime (default token life, seconds); credentials (accepted credential dicts, the first being
the one the state file publishes); credential_fields; token_paths and token_handler; refresh_paths and
refresh_handler; api_routes ((path template, {method: handler}), ...); fields (JSON paths in a token answer that
faults reshape); options (the collection options that point here, as paths below the base URL); api_path (one
protected GET endpoint below the api_url option); refused_text (how the collection reports a refused login).
Optional: state (a function making the vendor's fresh state, called at start and on reset); admin_routes ({path:
{method: handler}} added to the admin API); stats (state -> {key: value} merged into /_emulator/stats).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import importlib
import os
import pkgutil


def _discover():
    vendors = {}
    for info in sorted(pkgutil.iter_modules([os.path.dirname(__file__)]), key=lambda item: item.name):
        if not info.name.startswith("_"):
            vendors[info.name] = importlib.import_module("%s.%s" % (__name__, info.name)).VENDOR
    # A request is routed by its path alone: a copied entry that keeps another's paths would take its requests.
    owners = {}
    for name, vendor in vendors.items():
        for path in tuple(vendor["token_paths"]) + tuple(vendor["refresh_paths"]):
            if path in owners:
                raise ValueError("emulated vendors %s and %s both serve %s; give %s paths of its own"
                                 % (owners[path], name, path, name))
            owners[path] = name
    return vendors


VENDORS = _discover()
