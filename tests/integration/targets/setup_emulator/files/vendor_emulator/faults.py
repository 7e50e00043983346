# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Faults queued through the admin API: how they are described, checked and applied to an answer.

Each request to a route consumes at most one fault: the oldest queued one that matches it. A fault with
for_seconds is timed: it applies to every matching request until then (count is ignored), and then disappears.
An auth outage (admin POST /_emulator/auth_outage) is such a fault on a vendor's token and refresh endpoints, while
its API keeps accepting the tokens issued before.
"""
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time

from .vendors import VENDORS
from .wire import Response, is_int, is_number, json_response

ENDPOINTS = ("token", "refresh", "api")
HTML_BODY = b"<html><body><h1>Service temporarily unavailable</h1></body></html>"
MALFORMED_BODY = b'{"access_token": "abc",,}'
FAULT_PARAMS = {
    "delay": ("seconds",),
    "status": ("status", "retry_after"),
    "drop": (),
    "reset": (),
    "malformed": (),
    "truncated": (),
    "no_token": (),
    "html": (),
    "token_type": ("value",),
    "expiry": ("value",),
    "redirect": ("location", "status"),
}
TOKEN_BODY_KINDS = ("no_token", "token_type", "expiry")  # need a token body to reshape
MAX_FOR_SECONDS = 3600
# auth_outage kinds: the fault each one is (a timeout is an answer held back longer than a client waits).
OUTAGE_KINDS = {"503": {"kind": "status", "status": 503}, "429": {"kind": "status", "status": 429},
                "401": {"kind": "status", "status": 401}, "timeout": {"kind": "delay"}}
DEFAULT_HANG = 30
REPLACING_KINDS = ("status", "malformed", "html", "redirect")  # answered without running the handler


def parse_fault(data):
    """Validate a POST /_emulator/fault body; return the queue entry or raise ValueError."""
    if not isinstance(data, dict):
        raise ValueError("fault must be a JSON object")
    kind = data.get("kind")
    if kind not in FAULT_PARAMS:
        raise ValueError("unknown fault kind; expected one of: %s" % ", ".join(sorted(FAULT_PARAMS)))
    unknown = sorted(set(data) - set(("vendor", "endpoint", "kind", "count", "for_seconds") + FAULT_PARAMS[kind]))
    if unknown:
        raise ValueError("unknown fault field(s) for kind %s: %s" % (kind, ", ".join(unknown)))
    vendor = data.get("vendor", "*")
    if vendor != "*" and vendor not in VENDORS:
        raise ValueError("unknown vendor; expected * or one of: %s" % ", ".join(VENDORS))
    endpoint = data.get("endpoint", "token")
    if endpoint not in ENDPOINTS:
        raise ValueError("unknown endpoint; expected one of: %s" % ", ".join(ENDPOINTS))
    if endpoint == "refresh" and vendor != "*" and not VENDORS[vendor]["refresh_paths"]:
        raise ValueError("vendor %s has no refresh endpoint" % vendor)
    if endpoint == "api" and kind in TOKEN_BODY_KINDS:
        raise ValueError("fault kind %s only applies to token or refresh endpoints" % kind)
    count = data.get("count", 1)
    if not is_int(count) or count < 1 or count > 1000000:
        raise ValueError("count must be an integer >= 1")
    fault = {"vendor": vendor, "endpoint": endpoint, "kind": kind, "remaining": count}
    if "for_seconds" in data:
        if not is_number(data["for_seconds"]) or not 0 < data["for_seconds"] <= MAX_FOR_SECONDS:
            raise ValueError("for_seconds must be a number of seconds above 0 and at most %d" % MAX_FOR_SECONDS)
        fault["until"] = time.time() + data["for_seconds"]
        fault["remaining"] = 1  # one entry while it lasts; spend() never uses it up
    if kind == "delay":
        seconds = data.get("seconds", 1)
        if not is_number(seconds) or seconds < 0 or seconds > 600:
            raise ValueError("seconds must be a number between 0 and 600")
        fault["seconds"] = seconds
    elif kind == "status":
        status = data.get("status", 503)
        if not is_int(status) or status < 200 or status > 599:
            raise ValueError("status must be an integer between 200 and 599")
        fault["status"] = status
        if "retry_after" in data:
            if not (is_int(data["retry_after"]) and data["retry_after"] >= 0) and not isinstance(data["retry_after"], str):
                raise ValueError("retry_after must be a non-negative integer or a string")
            fault["retry_after"] = str(data["retry_after"])
    elif kind == "redirect":
        status = data.get("status", 307)
        if status not in (301, 302, 303, 307, 308) or not is_int(status):
            raise ValueError("redirect status must be one of 301, 302, 303, 307, 308")
        fault["status"] = status
        if "location" in data:
            if not isinstance(data["location"], str) or not data["location"]:
                raise ValueError("location must be a non-empty string")
            fault["location"] = data["location"]
    elif kind == "token_type":
        fault["value"] = data.get("value", "mac")
    elif kind == "expiry":
        if "value" not in data:
            raise ValueError("fault kind expiry needs a value")
        fault["value"] = data["value"]
    return fault


def live(faults, now):
    """The faults still queued at now: timed ones whose time is over are gone."""
    return [fault for fault in faults if fault.get("until") is None or fault["until"] > now]


def spend(fault):
    """Count one use of fault; True when it is used up (a timed fault never is: it ends with its time)."""
    if fault.get("until") is not None:
        return False
    fault["remaining"] -= 1
    return fault["remaining"] <= 0


def parse_auth_outage(data):
    """Validate a POST /_emulator/auth_outage body {vendor, kind: 503|429|timeout|401, seconds, retry_after, hang};
    return the timed faults it queues on the vendor's token (and refresh) endpoints, or raise ValueError."""
    if not isinstance(data, dict):
        raise ValueError("auth_outage must be a JSON object")
    unknown = sorted(set(data) - set(("vendor", "kind", "seconds", "retry_after", "hang")))
    if unknown:
        raise ValueError("unknown auth_outage field(s): %s" % ", ".join(unknown))
    vendor, kind = data.get("vendor"), str(data.get("kind", "503"))
    if vendor not in VENDORS:
        raise ValueError("give the vendor whose auth endpoint fails, one of: %s" % ", ".join(VENDORS))
    if kind not in OUTAGE_KINDS:
        raise ValueError("unknown auth_outage kind; expected one of: %s" % ", ".join(OUTAGE_KINDS))
    fault = dict(OUTAGE_KINDS[kind], vendor=vendor, for_seconds=data.get("seconds", 60))
    if "retry_after" in data:
        if kind != "429" and kind != "503":
            raise ValueError("retry_after goes with kind 429 or 503")
        fault["retry_after"] = data["retry_after"]
    if kind == "timeout":
        fault["seconds"] = data.get("hang", DEFAULT_HANG)
    elif "hang" in data:
        raise ValueError("hang goes with kind timeout")
    endpoints = ("token", "refresh") if VENDORS[vendor]["refresh_paths"] else ("token",)
    queued = [parse_fault(dict(fault, endpoint=endpoint)) for endpoint in endpoints]
    for entry in queued:
        entry["outage"] = True
    return queued


def set_path(payload, path, value):
    for key in path[:-1]:
        payload = payload[key]
    payload[path[-1]] = value


def pop_path(payload, path):
    for key in path[:-1]:
        payload = payload[key]
    payload.pop(path[-1], None)


# ---------------------------------------------------------------------------
# Applying a fault to an answer


def replacement(fault, target, http_url):
    """The answer a replacing fault sends instead of the route's own."""
    kind = fault["kind"]
    if kind == "status":
        headers = [("Retry-After", fault["retry_after"])] if "retry_after" in fault else []
        return json_response(fault["status"], {"error": "emulated_fault", "message": "Emulated HTTP %d" % fault["status"]},
                             headers)
    if kind == "malformed":
        return Response(200, raw=MALFORMED_BODY)
    if kind == "html":
        return Response(200, raw=HTML_BODY, content_type="text/html; charset=utf-8")
    location = fault.get("location") or http_url + target
    return json_response(fault["status"], {"message": "Redirecting"}, [("Location", location)])


def reshape(vendor, resp, fault):
    """A successful answer as a reshaping fault spoils it."""
    kind = fault["kind"]
    if kind == "truncated":
        body = resp.render()
        return Response(resp.status, raw=body[:len(body) // 2], content_type=resp.content_type, headers=resp.headers)
    fields = VENDORS[vendor]["fields"]
    if kind == "no_token":
        pop_path(resp.payload, fields["access_token"])
    elif kind == "token_type":
        set_path(resp.payload, fields["token_type"], fault["value"])
    elif kind == "expiry":
        set_path(resp.payload, fields["expiry"], fault["value"])
    return resp
