# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files `make generate` writes from the profile table are current in the tree (the new_vendor integration target shows that
they, and every other surface, follow a new row)."""

from __future__ import annotations

import importlib.util
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))


def generator():
    spec = importlib.util.spec_from_file_location('vendor_tokens_generate', os.path.join(ROOT, 'tests', 'utils',
                                                                                         'generate.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_files_are_current():
    for relative, text in generator().outputs(ROOT).items():
        with open(os.path.join(ROOT, relative), encoding='utf-8') as handle:
            assert handle.read() == text, '%s is stale: run make generate' % relative
