# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """What every module of the collection is: an action plugin on the controller, in the action group."""

    DOCUMENTATION = r'''
requirements:
  - requests
  - jmespath
attributes:
  action:
    support: full
    description: Runs on the controller through the action plugin of the same name, never on the task's host.
  async:
    support: none
    description: C(async) is refused with a message.
  action_group:
    support: full
    membership:
      - vendor.tokens.tokens
    description: Use C(group/vendor.tokens.tokens) in C(module_defaults) to set the shared options once.
'''

    # The options of the modules that call a vendor's API with the token.
    API = r'''
options:
  max_wait:
    description:
      - The most seconds one request waits between its attempts, C(Retry-After) included. A wait beyond it fails the
        request at once, naming the C(Retry-After) the API asked for.
    type: int
    default: 60
'''
