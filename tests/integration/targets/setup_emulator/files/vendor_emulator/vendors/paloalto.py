# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Palo Alto Networks Prisma SASE / Strata Cloud Manager: OAuth client credentials scoped to a TSG; the config
objects of _scm.KINDS (tags, addresses, address groups, services, service groups, security rules) on both path
families, paged and capped, with names, references and counters as _scm.py describes; and candidate pushes whose
jobs take the configured time and can be made to fail (also under /config/operations/v1)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time
import uuid

from ..wire import is_int, json_response
from . import _scm as scm


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
    return {"objects": scm.Store(), "jobs": [], "next_job": 187}


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


def _seed_addresses(emu, req):
    """Admin: add count addresses named prefix-00001... to a folder, for paging tests."""
    data = req.json_body()
    if not isinstance(data, dict) or not isinstance(data.get("folder"), str) or not is_int(data.get("count")) \
            or not 0 < data["count"] <= 100000:
        return json_response(400, {"message": "give folder (a string) and count (1 to 100000)"})
    return _seed_objects(emu, req, {"kind": "addresses", "folder": data["folder"], "count": data["count"],
                                    "prefix": str(data.get("prefix", "bulk"))})


def _seed_objects(emu, req, data=None):
    """Admin: add objects of any kind, checked like the API's creates (all or none)."""
    try:
        added = scm.seed(emu, "paloalto", req.json_body() if data is None else data)
    except scm.ApiError as exc:
        return exc.response()
    return json_response(200, {"ok": True, "added": added})


def _look(emu, req):
    try:
        return json_response(200, scm.look(emu, "paloalto", req))
    except scm.ApiError as exc:
        return exc.response()


VENDOR = {
    "lifetime": 899,
    "credentials": [{"client_id": "emulator-sa@1838006364.iam.panserviceaccount.com",
                     "client_secret": "emulator-pa-secret", "tsg_id": "1838006364"}],
    "credential_fields": ("client_id", "client_secret", "tsg_id"),
    "token_paths": ("/oauth2/access_token", "/am/oauth2/access_token", "/auth/v1/oauth2/access_token"),
    "token_handler": _token,
    "refresh_paths": (),
    "refresh_handler": None,
    "api_routes": scm.routes() + tuple(
        route for prefix in ("/sse/config/v1", "/config/operations/v1") for route in (
            (prefix + "/config-versions/candidate:push", {"POST": _push}),
            (prefix + "/jobs", {"GET": _jobs}),
            (prefix + "/jobs/{id}", {"GET": _job}),
        )),
    "admin_routes": {"/_emulator/addresses": {"POST": _seed_addresses},
                     "/_emulator/objects": {"GET": _look, "POST": _seed_objects}},
    "state": _fresh_state,
    "stats": lambda state: state["objects"].stats(),
    "fields": {"access_token": ("access_token",), "token_type": ("token_type",), "expiry": ("expires_in",)},
    "options": {"auth_url": "/oauth2/access_token", "api_url": ""},
    "api_path": "/sse/config/v1/addresses",
    "refused_text": "invalid_client: Client authentication failed",
}
