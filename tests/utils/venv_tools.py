# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tools of the checkout's virtualenv (.venv, which make venv builds), for the checks that run them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BIN = Path(__file__).resolve().parents[2] / '.venv' / 'bin'


def run(*command, **kwargs):
    """A tool of the venv; its exit status ends the check when it fails."""
    status = subprocess.run((str(BIN / command[0]),) + command[1:], check=False, **kwargs).returncode
    if status:
        sys.exit(status)
