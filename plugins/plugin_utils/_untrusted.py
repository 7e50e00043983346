# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Results that no template will ever expand: a token record holds what a vendor sent."""

from __future__ import annotations

import json

try:
    from ansible.template import is_trusted_as_template  # ansible-core 2.19 and later template only trusted strings
except ImportError:
    is_trusted_as_template = None


def untrusted(results):
    """results as values no template expands, even where allow_unsafe_lookups is set.

    ansible-core 2.19 and later template only strings tagged as trusted, and a copy made of plain JSON values
    carries no tag (which also spares the import of the deprecated ansible.utils.unsafe_proxy);
    earlier versions template any string that is not wrapped as unsafe.
    """
    if is_trusted_as_template is not None:
        return json.loads(json.dumps(results))
    from ansible.utils.unsafe_proxy import wrap_var
    return wrap_var(results)
