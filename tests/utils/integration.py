# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every integration target (or the ones named) at -vvv into one log, then: the emulator stopped, the reports the
targets write printed (the fault matrix, the concurrency counts), and on failure the log's end.

    integration.py BIN COLLECTION_DIR LOG EMULATOR EMULATOR_DIR REPORTS_DIR PYTHON_VERSION [TARGET ...]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

# The lines of the log printed after the run: the targets run, and ansible-test's warnings.
REPORTED = re.compile(r'^(Running .* integration test|WARNING: Reviewing)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('bin', help="the venv's bin folder, with python and ansible-test")
    parser.add_argument('collection', help='the laid-out collection, .../ansible_collections/vendor/tokens')
    parser.add_argument('log', help='where the -vvv output goes')
    parser.add_argument('emulator', help='the vendor emulator script')
    parser.add_argument('emulator_dir', help='the state folder the targets start the emulator with')
    parser.add_argument('reports', help='the folder the targets write their reports to (emptied first)')
    parser.add_argument('python', help='the Python version ansible-test runs the targets with')
    parser.add_argument('targets', nargs='*', help='integration targets to run (default: all)')
    args = parser.parse_args()
    shutil.rmtree(args.reports, ignore_errors=True)
    os.makedirs(args.reports)
    running = []

    def stop_emulator():
        subprocess.run((os.path.join(args.bin, 'python'), args.emulator, '--stop', '--state-dir', args.emulator_dir),
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def interrupted(signum, frame):
        # Ctrl-C, a CI timeout: the emulator runs in a session of its own, so stop it by its recorded pid, once
        # ansible-test can no longer start it again.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for process in running:
            if process.poll() is None:
                process.send_signal(signum)
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
        stop_emulator()
        sys.exit(130)

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    print('ansible-test integration -vvv (output in %s)' % args.log, flush=True)
    with open(args.log, 'wb') as log:
        running.append(subprocess.Popen(
            [os.path.join(args.bin, 'ansible-test'), 'integration', '--venv', '--python', args.python, '--requirements',
             '--color', 'no', '-vvv'] + args.targets, cwd=args.collection, stdout=log, stderr=subprocess.STDOUT))
        status = running[0].wait()
    stop_emulator()
    # Killed by a signal: the status a shell reports for it.
    status = 128 - status if status < 0 else status
    with open(args.log, encoding='utf-8', errors='replace') as log:
        lines = log.read().splitlines(True)
    sys.stdout.writelines(line for line in lines if REPORTED.match(line))
    for report in sorted(Path(args.reports).glob('*.txt')):
        if report.is_file():
            print('== %s' % report.stem)
            sys.stdout.write(report.read_text(encoding='utf-8', errors='replace'))
    if status:
        sys.stdout.writelines(lines[-200:])
        print('integration failed')
    return status


if __name__ == '__main__':
    sys.exit(main())
