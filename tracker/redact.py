"""Secrets never printed: what every message and listing passes through before it is shown."""

from __future__ import annotations

import re

_URL_PASSWORD = re.compile(r"(\w[\w+.-]*://[^:/@\s]*:)[^@\s]*@")


def mask_url(text: str) -> str:
    """``text`` with the password of any ``scheme://user:password@host`` in it as ``***``."""
    return _URL_PASSWORD.sub(r"\1***@", text)


_SCHEME_HOST = re.compile(r"([a-z][a-z0-9+.-]*)://(?:[^/@\s]*@)?([^/?#\s]*)", re.IGNORECASE)


def address_outline(text: str) -> str:
    """What of a refused delivery address may be shown: for ``scheme://…`` its scheme and host
    only (a webhook's path or an Apprise URL's rest often is its token), otherwise nothing
    but its length, since a bare token pasted by mistake is still a token."""
    found = _SCHEME_HOST.match(text)
    if found is None:
        return f"the address ({len(text)} characters)"
    scheme, host = found.groups()
    rest = "/…" if len(text) > found.end() else ""
    return f"{scheme}://{host}{rest}"
