# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs vendor.tokens.sase_objects on the controller (see plugin_utils/_api_action.py)."""

from __future__ import annotations

from ansible_collections.vendor.tokens.plugins.plugin_utils._api_action import SaseObjectsAction


class ActionModule(SaseObjectsAction):
    pass
