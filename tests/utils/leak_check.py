# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Search the -vvv output of the integration run, the token caches and temporary files for leaked secrets.

Fails when any credential the tests use appears anywhere, or when an access token (a JWT) appears in an error or
warning line. Prints what it searched. The emulator's secrets are read from its vendor files, and which of its
credentials are secret from the collection's profile table.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys

# The credentials the tests make up beside the emulator's: the wrong ones they try, and the fifty accounts of the
# concurrency target. The tests build them at run time, so that their own source, which callbacks and error
# context echo, does not hold them.
TEST_SECRETS = (
    'wrong-secret-value-8d1f', 'wrong-keyword-secret', 'refused-secret-5b7e',
    'proxy-secret-2c4d', 'PA-\u00fcn\u00ef\u20ac-s3cret', '\u00fcn\u00ef\u20ac',
    'r\u00e9dis-p@ss:/#?%-3f8a', 'r%C3%A9dis-p%40ss%3A%2F%23%3F%25-3f8a', 'wr0ng-p\u00e4ssword:@/',
) + tuple('concurrency-secret-%d' % number for number in range(1, 51))
JWT = re.compile(r'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}')
ERROR_OR_WARNING = re.compile(r'^\s*(\[ERROR\]|\[WARNING\]|ERROR|WARNING|fatal:|failed:|FATAL)|"msg":|"warnings":')


def scan_log(path, secrets, findings):
    lines = 0
    with open(path, encoding='utf-8', errors='replace') as handle:
        for number, line in enumerate(handle, 1):
            lines += 1
            for secret in secrets:
                if secret in line:
                    findings.append('%s:%d: a credential (%s...)' % (path, number, secret[:6]))
                    break
            if ERROR_OR_WARNING.search(line) and JWT.search(line):
                findings.append('%s:%d: an access token in an error or warning' % (path, number))
    return lines


def scan_tree(root, secrets, findings):
    count = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
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
    return count


def emulator_secrets(emulator, collection):
    """The secret values of every credential the emulator accepts (from its vendor files), secret as the
    collection's profile table says."""
    spec = importlib.util.spec_from_file_location('vendor_tokens_profiles',
                                                  os.path.join(collection, 'plugins', 'module_utils', '_profiles.py'))
    profiles = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(profiles)
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
    args = parser.parse_args()
    secrets = emulator_secrets(args.emulator, args.collection) + TEST_SECRETS
    findings = []
    lines = sum(scan_log(path, secrets, findings) for path in args.log)
    trees = [path for path in args.tree if os.path.isdir(path)]
    files = sum(scan_tree(path, secrets, findings) for path in trees)
    if lines == 0:
        findings.append('nothing to search: the log is empty')
    for finding in findings[:50]:
        print('LEAK: %s' % finding)
    print('leak check: %d output lines and %d files in %d folders searched for %d credentials and for tokens in errors: %s'
          % (lines, files, len(trees), len(secrets), '%d findings' % len(findings) if findings else 'none found'))
    return 1 if findings else 0


if __name__ == '__main__':
    sys.exit(main())
