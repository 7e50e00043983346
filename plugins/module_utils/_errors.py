# -*- coding: utf-8 -*-
# Copyright (c) 2026 vendor.tokens contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's one exception type, and its one rule for keeping secrets out of messages."""

from __future__ import annotations


class TokenError(Exception):
    """A token could not be obtained.

    Carries the vendor, the URL asked, the HTTP status (when there was an answer)
    and the vendor's own error text. It never carries a request body, a secret or a token.
    """

    def __init__(self, message, vendor=None, url=None, status=None, vendor_message=None, option=None):
        super(TokenError, self).__init__(message)
        self.message = message
        self.vendor = vendor
        self.url = url
        self.status = status
        self.vendor_message = vendor_message
        self.option = option

    def __str__(self):
        parts = []
        if self.vendor:
            parts.append(self.vendor)
        if self.url:
            parts.append('POST %s' % self.url)
        if self.status is not None:
            parts.append('HTTP %s' % self.status)
        text = self.message
        if self.vendor_message:
            text = '%s: %s' % (text, self.vendor_message)
        return '%s: %s' % (', '.join(parts), text) if parts else text

    def details(self):
        """Structured fields for a module's fail_json."""
        return dict((key, value) for key, value in (
            ('vendor', self.vendor), ('url', self.url), ('status', self.status),
            ('vendor_message', self.vendor_message), ('option', self.option)) if value is not None)


MASK = '********'


def mask(text, secrets):
    """text with every secret in secrets replaced by MASK, longest first (so no part of one is left showing)."""
    for secret in sorted(set(str(secret) for secret in secrets if secret), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
