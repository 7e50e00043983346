# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator records every token it issues, and the leak check finds each of them wherever one rests."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import importlib.util
import json
import os
import stat

from vendor_emulator import daemon, state

LEAK_CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'utils', 'leak_check.py')


def leak_check():
    spec = importlib.util.spec_from_file_location('vendor_tokens_leak_check', LEAK_CHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def issuing(tmp_path):
    emu = state.Emulator()
    emu.issued_path = str(tmp_path / daemon.ISSUED_FILE)
    return emu


def test_every_access_and_refresh_token_is_recorded_privately(tmp_path):
    emu = issuing(tmp_path)
    issued = [emu.issue('paloalto', 'sa')[0], emu.issue('keepz', 'client')[0], emu.new_refresh_token('user@x')]
    with open(emu.issued_path) as handle:
        assert handle.read().splitlines() == issued
    assert stat.S_IMODE(os.stat(emu.issued_path).st_mode) == 0o600
    assert emu.stats()['issued_tokens'] == 3
    emu.reset()  # the record outlives a reset: the leak check wants the whole run
    emu.issue('plainid', 'c')
    with open(emu.issued_path) as handle:
        assert len(handle.read().splitlines()) == 4


def test_the_leak_check_finds_issued_tokens_in_files_and_in_error_lines_only(tmp_path):
    checker = leak_check()
    emu = issuing(tmp_path)
    token, refresh = emu.issue('paloalto', 'sa')[0], emu.new_refresh_token('user@x')
    other = state.Emulator().issue('paloalto', 'sa')[0]  # signed, but not by the run searched
    tree = tmp_path / 'tree'
    (tree / 'facts').mkdir(parents=True)
    (tree / 'facts' / 's1_localhost').write_text(json.dumps({'__payload__': json.dumps({'t': {'access_token': token}})}))
    (tree / 'facts' / 'other').write_text('{"refresh_token": "%s"}\nBearer %s.\n' % (refresh, other))
    (tree / 'clean.log').write_text('nothing here but %s\n' % other)
    findings = []
    issued = checker.issued_tokens([emu.issued_path], findings)
    assert issued == {token.encode(), refresh.encode()} and findings == []
    files = checker.scan_tree(str(tmp_path), (), issued, {os.path.realpath(emu.issued_path)}, findings)
    assert files == 3 and sorted(findings) == ['%s: 1 issued token(s)' % (tree / 'facts' / name) for name in ('other', 's1_localhost')]

    log = tmp_path / 'vvv.log'
    log.write_text('ok: [h] => {"token": {"access_token": "%s"}}\nfatal: [h]: FAILED! => {"msg": "x %s."}\n' % (token, refresh))
    findings = []
    assert checker.scan_log(str(log), (), issued, findings) == 2
    assert findings == ['%s:2: a token in an error or warning' % log]


def test_the_leak_check_reads_the_output_of_a_playbook_a_target_runs(tmp_path):
    # A target that runs a playbook prints its output as the stdout_lines of its task's result, one JSON string a line.
    checker = leak_check()
    emu = issuing(tmp_path)
    token = emu.issue('paloalto', 'sa')[0]
    issued = checker.issued_tokens([emu.issued_path], [])
    lines = ['ok: [h] => {"token": {"access_token": "%s"}}' % token, 'fatal: [h]: FAILED! => {"msg": "x %s."}' % token]
    log = tmp_path / 'vvv.log'
    log.write_text('    "stdout_lines": [\n%s\n    ]\n' % ',\n'.join('        ' + json.dumps(line) for line in lines))
    findings = []
    assert checker.scan_log(str(log), (), issued, findings) == 4
    assert findings == ['%s:3: a token in an error or warning' % log]


def test_an_empty_record_is_a_finding(tmp_path):
    findings = []
    (tmp_path / 'issued-tokens.txt').write_text('')
    assert leak_check().issued_tokens([str(tmp_path / 'issued-tokens.txt')], findings) == set()
    assert len(findings) == 1 and 'no issued token recorded' in findings[0]
