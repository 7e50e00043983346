# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Copy the collection's files into DEST/ansible_collections/vendor/tokens, where ansible-test must run.

Files are those git knows (tracked, or new and not ignored), so venvs, build output and caches stay out.
The copy is a git repository of its own: ansible-test lists a collection's files with git when it sits
inside a work tree, and the copy sits inside ours, where it is ignored.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def source_files(root):
    listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                            cwd=root, check=True, stdout=subprocess.PIPE).stdout
    return sorted(set(name for name in listed.decode('utf-8').split('\0') if name and os.path.isfile(os.path.join(root, name))))


def main():
    root = os.path.abspath(sys.argv[1])
    dest = os.path.join(os.path.abspath(sys.argv[2]), 'ansible_collections', 'vendor', 'tokens')
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    for name in source_files(root):
        target = os.path.join(dest, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(root, name), target)
    subprocess.run(['git', 'init', '--quiet', dest], check=True)
    subprocess.run(['git', 'add', '--all'], cwd=dest, check=True)
    print(dest)


if __name__ == '__main__':
    main()
