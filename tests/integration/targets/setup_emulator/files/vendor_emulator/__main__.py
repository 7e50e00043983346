# -*- coding: utf-8 -*-
# Copyright: Contributors to the vendor.tokens collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Entry point: python path/to/vendor_emulator ..., or python -m vendor_emulator ... with its parent on the path."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import sys

if not __package__:
    # Run as a folder: make it importable as the package it is.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from vendor_emulator.daemon import main  # noqa: E402  pylint: disable=wrong-import-position

sys.exit(main())
