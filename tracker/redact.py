"""Secrets never printed: what every message and listing passes through before it is shown."""

from __future__ import annotations

import re

_URL_PASSWORD = re.compile(r"(\w[\w+.-]*://[^:/@\s]*:)[^@\s]*@")


def mask_url(text: str) -> str:
    """``text`` with the password of any ``scheme://user:password@host`` in it as ``***``."""
    return _URL_PASSWORD.sub(r"\1***@", text)
