"""Secrets never printed: what every message and listing passes through before it is shown.

Five helpers, each for one kind of text:

- :func:`mask_url`: a connection URL (a database's): its password hidden;
- :func:`address_outline`: a delivery address that was refused: its scheme and host only;
- :func:`mask_address`: a stored delivery address in a listing (``tracker outbox``,
  ``tracker units contact``, JSON output): what of it identifies the destination, never its
  token;
- :func:`mask_secrets`: an error text before it is stored or printed: every URL in it reduced
  as :func:`mask_address` would, and any bearer token hidden;
- :func:`mask_links`: a message's subject or text in a listing: the secret of every unit link
  and feed address in it hidden (whoever holds one is let in), the rest shown as it is.

One rule runs through them: a URL's host is shown only when the scheme makes it a web server's
(:data:`WEB_SCHEMES`), and its path and query never are, since a webhook's path is often its
token (Slack, Teams, Discord put it there) and in an Apprise URL such as ``line://TOKEN/USER``
what stands where a host would is the token itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

# URL schemes whose host part names a web server, with the port each defaults to: http(s),
# and Apprise's JSON, form and XML plugins, which POST to the host they name. Such a host may
# be shown, and tracker.notify.guard checks it is public before anything is sent there.
WEB_SCHEMES: Mapping[str, int] = MappingProxyType(
    {
        "http": 80,
        "https": 443,
        "json": 80,
        "jsons": 443,
        "form": 80,
        "forms": 443,
        "xml": 80,
        "xmls": 443,
    }
)

HIDDEN = "***"

# The password runs to the authority's last "@" (one typed unencoded may hold an "@").
_URL_PASSWORD = re.compile(r"(\w[\w+.-]*://[^:/@\s]*:)[^/?#\s]*@")
# libpq also takes a password as a query parameter (…/db?password=…, sslpassword=…).
_QUERY_PASSWORD = re.compile(r"([?&](?:ssl)?password=)[^&#\s]*", re.IGNORECASE)


def mask_url(text: str) -> str:
    """``text`` with the password of any ``scheme://user:password@host`` in it, and any
    ``password=`` query parameter, as ``***``."""
    return _QUERY_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***@", text))


@dataclass(frozen=True)
class _Url:
    """A ``scheme://…`` text cut at its authority (RFC 3986 3.2), without validating it."""

    scheme: str
    userinfo: str  # before the last "@" of the authority; "" when none
    host: str  # host[:port] as written
    rest: str  # path, query and fragment, as written

    @property
    def web(self) -> bool:
        return self.scheme.lower() in WEB_SCHEMES


# The authority ends at the first "/", "?" or "#" (as urllib.parse.urlsplit reads it); the
# userinfo is what precedes its last "@", so "a@b@host" shows "host", never "b".
_URL = re.compile(r"([a-z][a-z0-9+.-]*)://([^/?#\s]*)(.*)", re.IGNORECASE | re.DOTALL)


def _split(text: str) -> _Url | None:
    found = _URL.match(text)
    if found is None:
        return None
    scheme, authority, rest = found.groups()
    userinfo, _, host = authority.rpartition("@")
    return _Url(scheme, userinfo, host, rest)


def address_outline(text: str) -> str:
    """What of a refused delivery address may be shown: for ``scheme://…`` its scheme and host
    only (a webhook's path or an Apprise URL's rest often is its token), otherwise nothing
    but its length, since a bare token pasted by mistake is still a token."""
    url = _split(text)
    if url is None:
        return f"the address ({len(text)} characters)"
    return f"{url.scheme}://{url.host}{'/…' if url.rest else ''}"


def _masked_url(url: _Url) -> str:
    """A URL as a listing or an error may show it: ``scheme://host[:port]/***`` for a web
    scheme (the whole URL when it is only a host, which hides nothing), ``scheme://***`` for
    any other, whose host part may be a token."""
    if not url.web:
        return f"{url.scheme}://{HIDDEN}"
    userinfo = f"{HIDDEN}@" if url.userinfo else ""
    rest = url.rest if url.rest in ("", "/") else f"/{HIDDEN}"
    return f"{url.scheme}://{userinfo}{url.host}{rest}"


# A LINE user, group or room id (Messaging API): U, C or R and 32 lower-case hex digits.
_LINE_ID = re.compile(r"[UCR][0-9a-f]{32}")
_SHOWN_WHOLE = ("email", "file")  # an e-mail address, a folder under the outbox


def mask_address(channel: str, address: str) -> str:
    """What of a stored ``channel`` address may be shown in a listing: an e-mail address, a
    LINE id and a file folder whole; a webhook URL as ``https://host[:port]/***``; an Apprise
    URL as ``scheme://***`` (``json://host[:port]/***`` for the web schemes, see
    :data:`WEB_SCHEMES`); anything else as :func:`address_outline` has it."""
    if channel in _SHOWN_WHOLE or (channel == "line" and _LINE_ID.fullmatch(address)):
        return address
    url = _split(address)
    if channel in ("webhook", "apprise") and url is not None:
        return _masked_url(url)
    return address_outline(address)


# A URL inside free text: from its scheme's first ASCII letter (even right after a Thai word,
# which has no space before it) to white space or a quote.
_URL_IN_TEXT = re.compile(r"[a-z][a-z0-9+.-]*://[^\s'\"<>`]*", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"  # punctuation after a URL belongs to the sentence
_BEARER = re.compile(r"\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE)  # RFC 6750 2.1


def _mask_found_url(found: re.Match[str]) -> str:
    text = found.group()
    end = len(text)
    while end and text[end - 1] in _TRAILING and not (text[end - 1] == "]" and "[" in text):
        end -= 1
    url = _split(text[:end])
    return (text if url is None else _masked_url(url)) + text[end:]


def mask_secrets(text: str) -> str:
    """An error text fit to store and print: passwords in URLs hidden (:func:`mask_url`),
    every URL in it reduced as :func:`mask_address` reduces a webhook's or an Apprise one's
    (``https://host/***``, ``line://***``), and ``Bearer <token>`` as ``Bearer ***``. Masking
    a masked text changes nothing."""
    text = _URL_IN_TEXT.sub(_mask_found_url, mask_url(text))
    return _BEARER.sub(rf"\1 {HIDDEN}", text)


# The web app's secret paths (tracker.services.access.unit_link_path, and
# tracker.services.feeds.feed_path): a unit's link /u/SECRET and a feed /feeds/SECRET.ics,
# SECRET being URL-safe base64 (43 characters for the 32 bytes every one has).
_SECRET_PATH = re.compile(r"(/(?:u|feeds)/)[A-Za-z0-9_-]{16,}")


def mask_links(text: str) -> str:
    """``text`` with the secret of every unit link and feed address in it as ``***``
    (``https://host/u/***``): how a listing shows a message that carries its unit's link.
    Masking a masked text changes nothing."""
    return _SECRET_PATH.sub(rf"\1{HIDDEN}", text)
