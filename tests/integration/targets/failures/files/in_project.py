# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a command from a new project folder with empty settings, as a user would, and describe the folders after.

  in_project.py FOLDER -- COMMAND [ARGUMENT ...]

Makes FOLDER/project (mode 0755, holding only site.yml) and an empty home FOLDER/home, runs COMMAND from the
project folder with HOME set to that home, VENDOR_TOKENS_CACHE_DIR empty and XDG_CACHE_HOME unset, prints its
output (stdout and stderr together), then as the last line {"project_mode", "project_holds", "default_cache_mode"}
(the default cache folder is HOME/.cache/vendor.tokens; a mode is null when there is no such folder). Exits with
the command's status.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys


def mode(path):
    return '%o' % stat.S_IMODE(os.stat(path).st_mode) if os.path.isdir(path) else None


def main(folder, command):
    project, home = os.path.join(folder, 'project'), os.path.join(folder, 'home')
    for path in (project, home):
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
    os.chmod(project, 0o755)
    with open(os.path.join(project, 'site.yml'), 'w') as handle:
        handle.write('---\n')
    environment = dict(os.environ, HOME=home, VENDOR_TOKENS_CACHE_DIR='')
    environment.pop('XDG_CACHE_HOME', None)
    sys.stdout.flush()
    status = subprocess.call(command, cwd=project, env=environment, stderr=subprocess.STDOUT)
    print(json.dumps({'project_mode': mode(project), 'project_holds': sorted(os.listdir(project)),
                      'default_cache_mode': mode(os.path.join(home, '.cache', 'vendor.tokens'))}))
    return status


if __name__ == '__main__':
    if len(sys.argv) < 4 or sys.argv[2] != '--':
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[3:]))
