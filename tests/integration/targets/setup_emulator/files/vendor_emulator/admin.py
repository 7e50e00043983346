# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The admin API (no auth, JSON, not counted) and the configuration it sets."""
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy

from .faults import parse_auth_outage, parse_fault
from .vendors import VENDORS
from .wire import is_int, is_number, json_response, message

MAX_LIFETIME_SETTING = 10 * 365 * 86400
DEFAULT_REFRESH_LIFETIME = 86400
DEFAULT_JOB_SECONDS = 1
EXPIRY_FORMATS = ("iso8601", "epoch_ms", "epoch_s")
JOB_FAILURES = ("none", "parent", "child")
DEFAULT_PAGE_CAP = 200
MAX_PAGE_CAP = 100000
CONFIG_KEYS = ("lifetime", "checkpoint_expiry_format", "credentials", "refresh_lifetime", "jobs", "rate_limit", "page_cap")


def default_config():
    return {
        "lifetime": dict((vendor, spec["lifetime"]) for vendor, spec in VENDORS.items()),
        "checkpoint_expiry_format": "iso8601",
        "refresh_lifetime": DEFAULT_REFRESH_LIFETIME,
        "credentials": dict((vendor, copy.deepcopy(spec["credentials"])) for vendor, spec in VENDORS.items()),
        "jobs": {"duration": DEFAULT_JOB_SECONDS, "fail": "none"},
        "rate_limit": {"requests": 0, "window": 1},
        "page_cap": DEFAULT_PAGE_CAP,
    }


def _check_seconds(value, what):
    if not is_int(value) or value < 0 or value > MAX_LIFETIME_SETTING:
        raise ValueError("%s must be an integer number of seconds between 0 and %d" % (what, MAX_LIFETIME_SETTING))


def parse_config(data):
    """Validate a POST /_emulator/config body; raise ValueError on anything unknown."""
    if not isinstance(data, dict):
        raise ValueError("config must be a JSON object")
    unknown = sorted(set(data) - set(CONFIG_KEYS))
    if unknown:
        raise ValueError("unknown config key(s): %s" % ", ".join(unknown))
    if "lifetime" in data:
        if not isinstance(data["lifetime"], dict):
            raise ValueError("lifetime must be an object of vendor: seconds")
        for vendor, seconds in data["lifetime"].items():
            if vendor not in VENDORS:
                raise ValueError("unknown vendor in lifetime: %s" % vendor)
            _check_seconds(seconds, "lifetime.%s" % vendor)
    if "refresh_lifetime" in data:
        _check_seconds(data["refresh_lifetime"], "refresh_lifetime")
    if "checkpoint_expiry_format" in data and data["checkpoint_expiry_format"] not in EXPIRY_FORMATS:
        raise ValueError("checkpoint_expiry_format must be one of: %s" % ", ".join(EXPIRY_FORMATS))
    if "page_cap" in data and (not is_int(data["page_cap"]) or not 0 < data["page_cap"] <= MAX_PAGE_CAP):
        raise ValueError("page_cap must be an integer between 1 and %d (objects per page at most)" % MAX_PAGE_CAP)
    if "jobs" in data:
        _check_object(data["jobs"], "jobs", {"duration": _check_job_seconds, "fail": _check_job_failure})
    if "rate_limit" in data:
        _check_object(data["rate_limit"], "rate_limit", {"requests": _check_requests, "window": _check_window})
    credentials = {}
    if "credentials" in data:
        if not isinstance(data["credentials"], dict):
            raise ValueError("credentials must be an object of vendor: [credential, ...]")
        for vendor, entries in data["credentials"].items():
            if vendor not in VENDORS:
                raise ValueError("unknown vendor in credentials: %s" % vendor)
            if isinstance(entries, dict):
                entries = [entries]
            if not isinstance(entries, list):
                raise ValueError("credentials.%s must be a list of objects" % vendor)
            fields = VENDORS[vendor]["credential_fields"]
            for entry in entries:
                if not isinstance(entry, dict) or sorted(entry) != sorted(fields) or \
                        any(not isinstance(entry[field], str) or not entry[field] for field in fields):
                    raise ValueError("each credentials.%s entry needs exactly these non-empty strings: %s" % (vendor, ", ".join(fields)))
            credentials[vendor] = [dict(entry) for entry in entries]
    return credentials


def _check_object(value, what, checks):
    if not isinstance(value, dict):
        raise ValueError("%s must be an object with: %s" % (what, ", ".join(sorted(checks))))
    unknown = sorted(set(value) - set(checks))
    if unknown:
        raise ValueError("unknown %s key(s): %s" % (what, ", ".join(unknown)))
    for key, check in checks.items():
        if key in value:
            check(value[key], "%s.%s" % (what, key))


def _check_job_seconds(value, what):
    if not is_number(value) or value < 0 or value > 3600:
        raise ValueError("%s must be a number of seconds between 0 and 3600" % what)


def _check_job_failure(value, what):
    if value not in JOB_FAILURES:
        raise ValueError("%s must be one of: %s" % (what, ", ".join(JOB_FAILURES)))


def _check_requests(value, what):
    if not is_int(value) or value < 0 or value > 100000:
        raise ValueError("%s must be an integer between 0 (no limit) and 100000" % what)


def _check_window(value, what):
    if not is_number(value) or value <= 0 or value > 3600:
        raise ValueError("%s must be a number of seconds above 0 and at most 3600" % what)


def _admin_stats(emu, _req):
    return json_response(200, emu.stats())


def _admin_reset(emu, _req):
    emu.reset()
    return json_response(200, {"ok": True})


def _admin_get_config(emu, _req):
    return json_response(200, emu.public_config())


def _admin_set_config(emu, req):
    data = req.json_body() if req.body.strip() else {}
    try:
        credentials = parse_config(data)
    except ValueError as exc:
        return message(400, str(exc))
    emu.apply_config(data, credentials)
    return json_response(200, emu.public_config())


def _admin_list_faults(emu, _req):
    return json_response(200, {"faults": emu.fault_list()})


def _admin_add_fault(emu, req):
    try:
        fault = parse_fault(req.json_body())
    except ValueError as exc:
        return message(400, str(exc))
    emu.add_fault(fault)
    return json_response(200, {"ok": True, "fault": fault, "faults_pending": emu.stats()["faults_pending"]})


def _admin_clear_faults(emu, _req):
    return json_response(200, {"ok": True, "cleared": emu.clear_faults()})


def _admin_auth_outage(emu, req):
    try:
        faults = parse_auth_outage(req.json_body())
    except ValueError as exc:
        return message(400, str(exc))
    for fault in faults:
        emu.add_fault(fault)
    return json_response(200, {"ok": True, "faults": faults})


def _admin_heal(emu, req):
    """End the auth outages of a vendor ({"vendor": ...}), or of every vendor (no body)."""
    data = req.json_body() if req.body.strip() else {}
    vendor = data.get("vendor") if isinstance(data, dict) else None
    with emu.lock:
        kept = [fault for fault in emu.faults if not fault.get("outage") or vendor not in (None, fault["vendor"])]
        healed, emu.faults = len(emu.faults) - len(kept), kept
    return json_response(200, {"ok": True, "healed": healed})


def _admin_revoke(emu, req):
    data = req.json_body()
    if not isinstance(data, dict) or data.get("vendor") not in VENDORS:
        return message(400, "give the vendor whose tokens to revoke, one of: %s" % ", ".join(VENDORS))
    emu.revoke(data["vendor"])
    return json_response(200, {"ok": True})


ADMIN_ROUTES = {
    "/_emulator/stats": {"GET": _admin_stats},
    "/_emulator/revoke": {"POST": _admin_revoke},
    "/_emulator/auth_outage": {"POST": _admin_auth_outage, "DELETE": _admin_heal},
    "/_emulator/reset": {"POST": _admin_reset},
    "/_emulator/config": {"GET": _admin_get_config, "POST": _admin_set_config},
    "/_emulator/fault": {"GET": _admin_list_faults, "POST": _admin_add_fault, "DELETE": _admin_clear_faults},
}


for _spec in VENDORS.values():
    ADMIN_ROUTES.update(_spec.get("admin_routes", {}))


def method_not_allowed(methods):
    return message(405, "Method not allowed", headers=[("Allow", ", ".join(sorted(methods)))])
