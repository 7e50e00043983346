# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Search the -vvv output of the integration run, the token caches and temporary files for leaked secrets.

Fails when any credential the tests use appears anywhere; when any token the emulator issued (access or refresh
token, recorded in its issued-tokens file) appears in a searched file (fact caches, the emulator's logs, Redis
dumps, ~/.ansible/tmp, the token caches) or in an error or warning line of the output; or when anything shaped like
a JWT appears in such a line. Prints what it searched. The emulator's secrets are read from its vendor files, and
which of its credentials are secret from the collection's profile table.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
import types

# The credentials the tests make up beside the emulator's: the wrong ones they try, and the fifty accounts of the
# concurrency target. The tests build them at run time, so that their own source, which callbacks and error
# context echo, does not hold them.
TEST_SECRETS = (
    'wrong-secret-value-8d1f', 'wrong-keyword-secret', 'refused-secret-5b7e',
    'proxy-secret-2c4d', 'PA-\u00fcn\u00ef\u20ac-s3cret', '\u00fcn\u00ef\u20ac',
    'r\u00e9dis-p@ss:/#?%-3f8a', 'r%C3%A9dis-p%40ss%3A%2F%23%3F%25-3f8a', 'wr0ng-p\u00e4ssword:@/',
) + tuple('concurrency-secret-%d' % number for number in range(1, 51))
JWT = re.compile(r'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}')
# Runs of the characters tokens are made of (base64url and the JWT's dots): each run is looked up in the set of
# issued tokens, so the search costs one pass over the data, however many tokens were issued.
TOKEN_RUN = re.compile(rb'[A-Za-z0-9_.-]{20,}')
ERROR_OR_WARNING = re.compile(r'^\s*(\[ERROR\]|\[WARNING\]|ERROR|WARNING|fatal:|failed:|FATAL)|"msg":|"warnings":')


def issued_in(data, issued):
    """How many runs of data are tokens the emulator issued (data: bytes)."""
    if not issued:
        return 0
    return sum(1 for run in TOKEN_RUN.findall(data) if run.strip(b'.') in issued)


def scan_log(path, secrets, issued, findings):
    lines = 0
    with open(path, encoding='utf-8', errors='replace') as handle:
        for number, line in enumerate(handle, 1):
            lines += 1
            for secret in secrets:
                if secret in line:
                    findings.append('%s:%d: a credential (%s...)' % (path, number, secret[:6]))
                    break
            text = in_string(line)
            if ERROR_OR_WARNING.search(text) and (JWT.search(text) or issued_in(text.encode('utf-8'), issued)):
                findings.append('%s:%d: a token in an error or warning' % (path, number))
    return lines


def in_string(line):
    """The line, or the text of the JSON string it is: an integration target prints the output of a playbook it runs
    as the stdout_lines of its task's result, one JSON string a line."""
    text = line.strip().rstrip(',')
    if len(text) > 1 and text[0] == text[-1] == '"':
        try:
            return json.loads(text)
        except ValueError:
            pass
    return line


def scan_tree(root, secrets, issued, skipped, findings, results=()):
    """Search every file under root for the secrets and the issued tokens; files under a folder in results (result
    callbacks' output, such as ansible-test's junit files, which hold registered results by design) for the secrets
    only."""
    count = 0
    for folder, _dirs, files in os.walk(root):
        real = os.path.realpath(folder)
        tokens_here = () if any(real == path or real.startswith(path + os.sep) for path in results) else issued
        for name in files:
            path = os.path.join(folder, name)
            if os.path.realpath(path) in skipped or os.path.islink(path):
                continue
            try:
                with open(path, 'rb') as handle:
                    data = handle.read(50 * 1024 * 1024)
            except OSError:
                continue
            count += 1
            for secret in secrets:
                if secret.encode() in data:
                    findings.append('%s: a credential (%s...)' % (path, secret[:6]))
                    break
            tokens = issued_in(data, tokens_here)
            if tokens:
                findings.append('%s: %d issued token(s)' % (path, tokens))
    return count


def issued_tokens(paths, findings):
    """The tokens recorded in the emulator's issued-tokens files, as bytes."""
    issued = set()
    for path in paths:
        try:
            with open(path, 'rb') as handle:
                issued.update(line.strip() for line in handle if line.strip())
        except OSError as exc:
            findings.append('%s: cannot read the issued tokens (%s)' % (path, exc.strerror))
    if paths and not issued:
        findings.append('no issued token recorded in %s: the token search would find nothing' % ', '.join(paths))
    return issued


def emulator_secrets(emulator, collection):
    """The secret values of every credential the emulator accepts (from its vendor files), secret as the
    collection's profile table says."""
    # The table's imports of the collection resolve to this folder, which need not lie under ansible_collections/.
    for package, path in (('ansible_collections', []), ('ansible_collections.vendor', []),
                          ('ansible_collections.vendor.tokens', [os.path.abspath(collection)])):
        if package not in sys.modules:
            sys.modules[package] = types.ModuleType(package)
            sys.modules[package].__path__ = path
    profiles = importlib.import_module('ansible_collections.vendor.tokens.plugins.module_utils._profiles')
    sys.path.insert(0, os.path.dirname(os.path.abspath(emulator)))
    from vendor_emulator.vendors import VENDORS  # pylint: disable=import-outside-toplevel,import-error
    values = []
    for profile in profiles.PROFILES:
        for credentials in VENDORS[profile.name]['credentials']:
            values += [credentials[cred.name] for cred in profile.credentials if cred.secret and cred.name in credentials]
    return tuple(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--log', action='append', default=[], help='output to search line by line')
    parser.add_argument('--tree', action='append', default=[], help='folder whose files to search')
    parser.add_argument('--emulator', required=True, help="the emulator package's folder, whose vendor files hold its credentials")
    parser.add_argument('--collection', required=True, help="the collection's folder")
    parser.add_argument('--issued', action='append', default=[],
                        help="the emulator's issued-tokens file: every token in it is searched for (the file itself is not)")
    parser.add_argument('--results', action='append', default=[],
                        help="a folder of a result callback's output (ansible-test's junit files): searched for the "
                             "credentials only, since it holds the registered results the tests print on purpose")
    args = parser.parse_args()
    secrets = emulator_secrets(args.emulator, args.collection) + TEST_SECRETS
    findings = []
    issued = issued_tokens(args.issued, findings)
    lines = sum(scan_log(path, secrets, issued, findings) for path in args.log)
    trees = [path for path in args.tree if os.path.isdir(path)]
    skipped = set(os.path.realpath(path) for path in args.issued)
    results = tuple(os.path.realpath(path) for path in args.results)
    files = sum(scan_tree(path, secrets, issued, skipped, findings, results) for path in trees)
    if lines == 0:
        findings.append('nothing to search: the log is empty')
    for finding in findings[:50]:
        print('LEAK: %s' % finding)
    print('leak check: %d output lines and %d files in %d folders searched for %d credentials and %d issued tokens '
          '(in files, and in errors and warnings): %s'
          % (lines, files, len(trees), len(secrets), len(issued), '%d findings' % len(findings) if findings else 'none found'))
    return 1 if findings else 0


if __name__ == '__main__':
    sys.exit(main())
