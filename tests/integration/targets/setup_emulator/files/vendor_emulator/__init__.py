# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Loopback HTTPS emulator of the vendors' token endpoints and of a few of their APIs, for the vendor.tokens tests
and demo. Standard library plus ``cryptography`` only.

Layout
======

``state.py`` (class Emulator: counters, issued and refresh tokens, revocations, the fault queue, the config),
``handler.py`` (the routes, the HTTP request handler and the listeners: how a request becomes a vendor handler call
and a Response) and ``daemon.py`` (arguments, start, detach, stop by pid, the state and vars files, idle exit;
``__main__.py`` runs its ``main``). Imports go one way: daemon imports handler and state, which import neither each other nor it; below them ``vendors/`` (one
module per vendor), ``admin.py`` (the admin API), ``faults.py``, ``pki.py`` (the CA and certificates) and ``wire.py``
(requests, responses, JWTs, the log) import none of the three.

Running it
==========

Foreground (serves until SIGINT/SIGTERM, the idle timeout or the maximum lifetime)::

    python vendor_emulator [--state-dir DIR] [--host 127.0.0.1] [--port 0] [--idle-exit 900] [--max-lifetime 7200]

Background (prints the state as one JSON line; reuses a live emulator already running in DIR)::

    python vendor_emulator --detach --state-dir DIR
    python vendor_emulator --stop --state-dir DIR

(``python -m vendor_emulator`` works too, with this folder's parent on PYTHONPATH.)

The state file
==============

At start it creates in the state dir a CA (``ca.pem``), a certificate for localhost/127.0.0.1/::1 and one valid
only for ``wrong-host.invalid``, starts three listeners, then writes, mode 0600, ``vars.json`` and last
``state.json``::

    {"url": "https://127.0.0.1:PORT",             # main listener
     "ca_path": "/abs/DIR/ca.pem",                # trust this CA
     "wrong_host_url": "https://127.0.0.1:PORT2", # same service, certificate for the wrong host
     "http_url": "http://127.0.0.1:PORT3",        # same service over plain HTTP
     "pid": PID,
     "vars_path": "/abs/DIR/vars.json",           # the same as vendor_tokens_* variables: ansible-playbook -e @...
     "vendors": {"<vendor>": {"credentials": {...}, "options": {"auth_url": URL, ...}, "api_path": "/...",
                              "lifetime": s, "refused_text": "...", "endpoints": {"token": [URL], "refresh": [...]}}}}

Each vendor is a module of ``vendors/``, which holds its test credentials (written nowhere else), handlers and
routes; the state file publishes them, and every test, playbook and benchmark reads them from there.

Admin API (no auth, JSON, not counted)
======================================

GET    /_emulator/stats   {"counts": {"<vendor>_token": n, "<vendor>_api": n, ...}, "auth_requests": n,
                          "api_methods": {"<vendor> <METHOD> <route>": n}, "refused_api": n, "rate_limited": n,
                          "faults_pending": n, "faults": [...], "path_counts": {...}, "pid": n,
                          "objects": {"<kind>": {"list": n, "get": n, "create": n, "update": n, "delete": n}},
                          "object_reads": n, "object_writes": n}  (Prisma SASE objects, per kind of vendors/_scm.py)
POST   /_emulator/reset   zero counters, clear faults and revocations, restore the default config and vendor state
GET    /_emulator/config  effective non-secret config
POST   /_emulator/config  merge {"lifetime": {"<vendor>": s}, "checkpoint_expiry_format": "iso8601|epoch_ms|epoch_s",
                          "refresh_lifetime": s, "credentials": {"<vendor>": [{...}]},
                          "jobs": {"duration": s, "fail": "none|parent|child"},
                          "rate_limit": {"requests": n (0: none), "window": s}, "page_cap": n (default 200)};
                          credentials are added to the accepted ones; the rate limit counts API requests per client
                          IP; page_cap clamps the limit of a Prisma SASE list. Unknown keys or values: 400.
POST   /_emulator/revoke  {"vendor": V}: refuse every token of V issued until now
POST   /_emulator/addresses  {"folder": F, "count": n, "prefix": P}: add n Prisma SASE addresses (paging tests)
POST   /_emulator/objects    {"kind": K, "folder"|"snippet"|"device": C, "position": "pre|post" (rules),
                          "objects": [{...}] | "count": n, "prefix": P}: add Prisma SASE objects of kind K (tags,
                          addresses, address_groups, services, service_groups, security_rules, or the path
                          segment), checked like the API's creates, all or none; not counted
GET    /_emulator/objects    the per-kind counters and "sizes": {kind: n}; with ?kind=K (and folder, snippet,
                          device, name, position) also "data": the objects, unpaged (and "positions" for rules)
GET    /_emulator/fault   list queued faults
POST   /_emulator/fault   queue {"vendor": "<vendor>|*", "endpoint": "token|refresh|api", "kind": K, "count": N, ...}
DELETE /_emulator/fault   clear the queue

Fault kinds: delay (seconds), status (status, retry_after), drop, reset, malformed, truncated, no_token, html,
token_type (value, default "mac"), expiry (value, required), redirect (location, status default 307).
Each request to a route consumes at most one fault: the oldest queued one that matches it.  Faults are
consumed only by requests with an allowed method (a 405 consumes none).  truncated, no_token, token_type and
expiry reshape successful (2xx) answers only; an error answer passes unchanged (the fault is still used up).
no_token, token_type and expiry cannot target the "api" endpoint.
"""
