# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Palo Alto Networks Prisma SASE: OAuth client credentials scoped to a TSG, address objects in folders (paged,
names unique per folder), and candidate pushes whose jobs take the configured time and can be made to fail."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time
import uuid

from ..wire import is_int, json_response


def _token(emu, req):
    form = req.form()
    if form.get("grant_type") != "client_credentials":
        return json_response(400, {"error": "unsupported_grant_type", "error_description": "Grant type not supported"})
    pairs = req.basic_auth_candidates() or [(form.get("client_id"), form.get("client_secret"))]
    client_id, creds = None, []
    for candidate_id, candidate_secret in pairs:
        creds = emu.match_credentials("paloalto", "client_id", candidate_id, "client_secret", candidate_secret)[1]
        if creds:
            client_id = candidate_id
            break
    if not creds:
        return json_response(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
    scope = form.get("scope", "")
    tsg_ids = [cred["tsg_id"] for cred in creds if scope == "tsg_id:" + cred["tsg_id"]]
    if not tsg_ids:
        return json_response(400, {"error": "invalid_scope",
                                   "error_description": "Invalid scope: TSG not accessible to this service account"})
    token, lifetime, _exp_ms = emu.issue("paloalto", client_id, {"scope": scope, "tsg_id": tsg_ids[0]})
    return json_response(200, {"access_token": token, "scope": scope, "token_type": "Bearer", "expires_in": lifetime})


def _error(status, code, text):
    # Shaped like Strata Cloud Manager errors, plus a top-level message for easy assertions.
    return json_response(status, {"_errors": [{"code": code, "message": text, "details": {}}],
                                  "_request_id": str(uuid.uuid4()), "message": text})


def _fresh_state():
    return {"addresses": [], "jobs": [], "next_job": 187}


# -- address objects (the emulator's lock guards the state)

def _list(emu, req):
    try:
        offset = int(req.query_value("offset", "0"))
        limit = int(req.query_value("limit", "200"))
    except ValueError:
        return _error(400, "E003", "offset and limit must be integers")
    if offset < 0 or limit < 1:
        return _error(400, "E003", "offset must be >= 0 and limit >= 1")
    folder, name = req.query_value("folder"), req.query_value("name")
    with emu.lock:
        items = [dict(obj) for obj in emu.vendor_state["paloalto"]["addresses"]
                 if (folder is None or obj.get("folder") == folder) and (name is None or obj.get("name") == name)]
    return json_response(200, {"data": items[offset:offset + limit], "offset": offset, "total": len(items), "limit": limit})


def _body(req):
    data = req.json_body()
    if not isinstance(data, dict):
        return None, _error(400, "E003", "Request body must be a JSON object")
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        return None, _error(400, "E003", "Missing required field: name")
    return data, None


def _taken(addresses, name, folder, but=None):
    return any(obj.get("name") == name and obj.get("folder") == folder and obj["id"] != but for obj in addresses)


def _create(emu, req):
    data, error = _body(req)
    if error:
        return error
    obj = {"id": str(uuid.uuid4())}
    obj.update((key, value) for key, value in data.items() if key != "id")
    obj.setdefault("folder", req.query_value("folder"))
    with emu.lock:
        addresses = emu.vendor_state["paloalto"]["addresses"]
        if _taken(addresses, obj["name"], obj.get("folder")):
            return _error(409, "E006", "Object Already Exists")
        addresses.append(obj)
    return json_response(201, dict(obj))


def _find(addresses, object_id):
    for obj in addresses:
        if obj["id"] == object_id:
            return obj
    return None


def _get(emu, req):
    with emu.lock:
        obj = _find(emu.vendor_state["paloalto"]["addresses"], req.params["id"])
        obj = dict(obj) if obj else None
    return json_response(200, obj) if obj else _error(404, "E005", "Object Not Present")


def _update(emu, req):
    data, error = _body(req)
    if error:
        return error
    with emu.lock:
        addresses = emu.vendor_state["paloalto"]["addresses"]
        obj = _find(addresses, req.params["id"])
        if obj is None:
            return _error(404, "E005", "Object Not Present")
        folder = data.get("folder", obj.get("folder"))
        if _taken(addresses, data["name"], folder, but=obj["id"]):
            return _error(409, "E006", "Object Already Exists")
        replaced = {"id": obj["id"]}
        replaced.update((key, value) for key, value in data.items() if key != "id")
        replaced.setdefault("folder", folder)
        obj.clear()
        obj.update(replaced)
        return json_response(200, dict(obj))


def _delete(emu, req):
    with emu.lock:
        addresses = emu.vendor_state["paloalto"]["addresses"]
        obj = _find(addresses, req.params["id"])
        if obj is None:
            return _error(404, "E005", "Object Not Present")
        addresses.remove(obj)
    return json_response(200, dict(obj))


# -- candidate pushes and their jobs: a parent that ends halfway through the configured duration, and a child
# job (parent_id) that ends at its end; config {"jobs": {"duration": s, "fail": "none|parent|child"}}.

def _push(emu, req):
    data = req.json_body()
    if not isinstance(data, dict) or not isinstance(data.get("folders"), list) or not data["folders"]:
        return _error(400, "E003", "folders must be a non-empty list")
    now = time.time()
    with emu.lock:
        state, config = emu.vendor_state["paloalto"], emu.config["jobs"]
        parent_id = str(state["next_job"])
        state["next_job"] += 2
        common = {"folders": list(data["folders"]), "description": str(data.get("description", "")), "start": now}
        state["jobs"].append(dict(common, id=parent_id, parent_id="0", type_str="CommitAndPush",
                                  end=now + config["duration"] / 2.0, fails=config["fail"] == "parent"))
        state["jobs"].append(dict(common, id=str(int(parent_id) + 1), parent_id=parent_id, type_str="CommitAll",
                                  end=now + config["duration"], fails=config["fail"] == "child"))
    return json_response(201, {"success": True, "job_id": parent_id, "message": "CommitAndPush job enqueued with jobid %s" % parent_id})


def _shown(job, now):
    finished = now >= job["end"]
    shown = {"id": job["id"], "parent_id": job["parent_id"], "type_str": job["type_str"], "description": job["description"],
             "status_str": "FIN" if finished else "ACT", "result_str": "PEND", "summary": "", "details": ""}
    if finished:
        shown["result_str"] = "FAIL" if job["fails"] else "OK"
        shown["summary"] = ("commit failed: emulated failure of %s for %s" if job["fails"] else "%s of %s succeeded") % (
            job["type_str"], ", ".join(job["folders"]))
    return shown


def _job(emu, req):
    now = time.time()
    with emu.lock:
        jobs = [_shown(job, now) for job in emu.vendor_state["paloalto"]["jobs"] if job["id"] == req.params["id"]]
    return json_response(200, {"data": jobs}) if jobs else _error(404, "E005", "Object Not Present")


def _jobs(emu, req):
    now = time.time()
    parent = req.query_value("parent_id")
    with emu.lock:
        jobs = [_shown(job, now) for job in emu.vendor_state["paloalto"]["jobs"] if parent is None or job["parent_id"] == parent]
    return json_response(200, {"data": jobs, "total": len(jobs), "offset": 0, "limit": len(jobs)})


def _seed(emu, req):
    """Admin: add count addresses named prefix-00001... to a folder, for paging tests."""
    data = req.json_body()
    if not isinstance(data, dict) or not isinstance(data.get("folder"), str) or not is_int(data.get("count")) \
            or not 0 < data["count"] <= 100000:
        return json_response(400, {"message": "give folder (a string) and count (1 to 100000)"})
    prefix = str(data.get("prefix", "bulk"))
    with emu.lock:
        addresses = emu.vendor_state["paloalto"]["addresses"]
        for number in range(1, data["count"] + 1):
            addresses.append({"id": str(uuid.uuid4()), "name": "%s-%05d" % (prefix, number), "folder": data["folder"],
                              "ip_netmask": "10.%d.%d.%d/32" % (number // 65536 % 256, number // 256 % 256, number % 256)})
    return json_response(200, {"ok": True, "added": data["count"]})


VENDOR = {
    "lifetime": 899,
    "credentials": [{"client_id": "emulator-sa@1838006364.iam.panserviceaccount.com",
                     "client_secret": "emulator-pa-secret", "tsg_id": "1838006364"}],
    "credential_fields": ("client_id", "client_secret", "tsg_id"),
    "token_paths": ("/oauth2/access_token", "/am/oauth2/access_token", "/auth/v1/oauth2/access_token"),
    "token_handler": _token,
    "refresh_paths": (),
    "refresh_handler": None,
    "api_routes": (
        ("/sse/config/v1/addresses", {"GET": _list, "POST": _create}),
        ("/sse/config/v1/addresses/{id}", {"GET": _get, "PUT": _update, "DELETE": _delete}),
        ("/sse/config/v1/config-versions/candidate:push", {"POST": _push}),
        ("/sse/config/v1/jobs", {"GET": _jobs}),
        ("/sse/config/v1/jobs/{id}", {"GET": _job}),
    ),
    "admin_routes": {"/_emulator/addresses": {"POST": _seed}},
    "state": _fresh_state,
    "fields": {"access_token": ("access_token",), "token_type": ("token_type",), "expiry": ("expires_in",)},
    "options": {"auth_url": "/oauth2/access_token", "api_url": ""},
    "api_path": "/sse/config/v1/addresses",
    "refused_text": "invalid_client: Client authentication failed",
}
