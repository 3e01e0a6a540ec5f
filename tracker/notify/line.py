"""LINE, natively: a push message through the Messaging API to a user, group or room.

``POST {api_url}/v2/bot/message/push`` with the channel access token as a bearer token, over
plain urllib (no SDK). Configured by ``TRACKER_LINE_TOKEN`` (or ``TRACKER_LINE_TOKEN_FILE``)
and ``TRACKER_LINE_API_URL`` (default https://api.line.me; the tests point it at a fake).

What LINE's rules mean here:

- an address is the id the Messaging API knows (``U…`` a user, ``C…`` a group, ``R…`` a room,
  then 32 lower-case hex characters), not the LINE ID a person chose in the app;
- LINE takes text only: the message is its subject, a blank line, then its text (no HTML);
- one text object holds at most 5,000 characters and one push at most 5 objects: a longer
  message is split at line boundaries, and what still does not fit is cut with a note saying
  so (with the message's ``Link`` header in it, when it has one, to read the rest);
- the message's idempotency key goes in ``X-Line-Retry-Key``, so a push retried after a lost
  answer is not delivered twice: LINE answers 409 to the copy, which counts as sent;
- 429 with "monthly limit" is :class:`QuotaExhausted` (no message goes out until the quota
  renews); any other 429 is a rate limit and worth retrying.

No error text holds the token, nor the URL's path: the host names where it went.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from http.client import HTTPException
from typing import Any
from urllib.parse import urlsplit

from tracker.inputs import TextProblem
from tracker.notify import (
    Message,
    NotifySettings,
    PermanentFailure,
    QuotaExhausted,
    TemporaryFailure,
)
from tracker.redact import address_outline

DEFAULT_API_URL = "https://api.line.me"
PUSH_PATH = "/v2/bot/message/push"
# LINE counts a text object's length in UTF-16 code units; this module counts Python str
# characters. They agree for every character in the Basic Multilingual Plane, which holds
# Thai and everything the messages are made of; an emoji outside it would count one here and
# two at LINE, so a text full of them could be refused (a 400, recorded, not retried).
MAX_TEXT = 5000
MAX_OBJECTS = 5
EXAMPLE_ID = "U0123456789abcdef0123456789abcdef"
NOT_CONFIGURED = "LINE is not configured: set TRACKER_LINE_TOKEN (or TRACKER_LINE_TOKEN_FILE)"
# Thai first: the people reading it are Thai officials; the English half is for the rest.
CUT_NOTE = "… (ข้อความยาวเกินกว่าที่ LINE ส่งได้ ตัดส่วนที่เหลือ / message shortened)"
CUT_NOTE_WITH_LINK = (
    "… (ข้อความยาวเกินกว่าที่ LINE ส่งได้ ตัดส่วนที่เหลือ / message shortened)\nอ่านฉบับเต็ม / read it all: {link}"
)
MAX_LINK = 1000  # a longer Link header is left out of the note rather than crowd the text

_ID = re.compile(r"[UCR][0-9a-f]{32}")
_TOKEN = re.compile(r"[\x21-\x7e]+")  # what an HTTP header can carry as it is: no space
# Retry keys derived from a non-UUID message key (see _retry_key): a fixed namespace, so the
# same key gives the same UUID in every process and on every attempt.
_RETRY_KEY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://ita-tracker/notify/line")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse to follow a redirect: urllib would send the Authorization header, the channel
    token, on to wherever the redirect points. The API never redirects a push."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class LineTransport:
    def __init__(self, token: str, api_url: str = DEFAULT_API_URL, timeout: float = 30.0) -> None:
        """``token``: the channel access token; ``api_url``: scheme and host (and port) of the
        Messaging API. Raises PermanentFailure when either cannot be used."""
        self.token = _checked_token(token)
        self.scheme, self.host, self.port = _checked_api_url(api_url)
        self.push_url = f"{self.scheme}://{_netloc(self.host, self.port)}{PUSH_PATH}"
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirect)

    def __repr__(self) -> str:  # never the token
        return f"LineTransport({self.scheme}://{_netloc(self.host, self.port)})"

    @classmethod
    def from_settings(cls, settings: NotifySettings) -> LineTransport:
        """From ``settings.channel("line")``: ``token`` (required) and ``api_url``."""
        fields = settings.channel("line")
        token = fields.get("token", "")
        if not token.strip():
            raise PermanentFailure(NOT_CONFIGURED)
        api_url = fields.get("api_url", "").strip() or DEFAULT_API_URL
        return cls(token, api_url, timeout=settings.send_timeout)

    @staticmethod
    def check_address(text: str) -> str:
        """A LINE user, group or room id as the Messaging API knows it: ``U``, ``C`` or ``R``
        then 32 lower-case hexadecimal characters. The refusal never repeats the text (a
        token pasted into the wrong box is still a token): only its outline or length."""
        if _ID.fullmatch(text):
            return text
        outline = address_outline(text)
        example = f"e.g. {EXAMPLE_ID}"
        if re.fullmatch(r"[UCR][0-9a-fA-F]{32}", text):
            reason = "its hexadecimal characters must be lower case"
        elif re.fullmatch(r"[ucr][0-9a-f]{32}", text):
            reason = "it starts with a capital U, C or R"
        elif re.fullmatch(r"[UCRucr][0-9a-fA-F]+", text):
            reason = f"it has {len(text) - 1} characters after its first letter, not 32"
        elif text.startswith("@") or (len(text) < 33 and "://" not in text and "@" not in text):
            # The LINE ID a person or an official account chose in the app (somchai.k,
            # @office): what people have at hand, but not what the Messaging API sends to.
            reason = (
                "a LINE ID chosen in the app (like @office or somchai.k) is not the id a bot "
                "sends to; the user, group or room id comes from the bot's webhook events"
            )
        else:
            reason = "a LINE id is U (a user), C (a group) or R (a room) then 32 hex characters"
        raise TextProblem(f"{outline} is not a LINE user, group or room id: {reason}, {example}")

    def lane(self, address: str) -> str:
        """The destination server, for per-destination limits: every push goes to one API."""
        return f"line:{_netloc(self.host, self.port)}"

    def send(self, address: str, message: Message) -> None:
        if not _ID.fullmatch(address):
            raise PermanentFailure(
                f"{address_outline(address)} is not a LINE user, group or room id"
            )
        body = json.dumps(
            {
                "to": address,
                "messages": [
                    {"type": "text", "text": text}
                    for text in text_objects(
                        f"{message.subject}\n\n{message.text}", message.headers.get("Link")
                    )
                ],
            },
            ensure_ascii=False,
        ).encode("utf-8")
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        if message.key:
            headers["X-Line-Retry-Key"] = _retry_key(message.key)
        request = urllib.request.Request(self.push_url, data=body, headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            self._answer(error.code, _error_body(error), keyed="X-Line-Retry-Key" in headers)
        except (urllib.error.URLError, HTTPException, OSError) as error:
            reason = error.reason if isinstance(error, urllib.error.URLError) else error
            raise TemporaryFailure(
                self._scrub(f"cannot reach LINE at {_netloc(self.host, self.port)}: {reason}")
            ) from error

    def _answer(self, status: int, body: bytes, *, keyed: bool) -> None:
        """Return when a non-2xx answer still means sent; raise what it means otherwise."""
        said = _line_message(body)
        if status == 409 and keyed:
            # The retry key was accepted before (the answer to that push was lost, or the
            # process died before recording it): LINE delivered it then, so this is sent.
            # LINE names the earlier request in x-line-accepted-request-id.
            return
        reason = self._scrub(f"HTTP {status}: {said}" if said else f"HTTP {status}")
        if status == 429 and "monthly limit" in said.lower():
            raise QuotaExhausted(f"{reason} (LINE's message quota is used up for this month)")
        if status in (408, 429) or status >= 500:
            raise TemporaryFailure(reason)
        if 300 <= status < 400:
            raise PermanentFailure(
                f"{reason}: {self.host} redirects instead of answering; set "
                "TRACKER_LINE_API_URL to the Messaging API itself"
            )
        raise PermanentFailure(reason)

    def _scrub(self, text: str) -> str:
        """``text`` without the token in it, should anything ever echo it."""
        return text.replace(self.token, "***")


def text_objects(text: str, link: str | None = None) -> list[str]:
    """``text`` as at most MAX_OBJECTS texts of at most MAX_TEXT characters each.

    Split at line boundaries (each line keeps its line break, so the texts put together are
    ``text``); a single line longer than MAX_TEXT is cut into MAX_TEXT pieces. When the lines
    need more than MAX_OBJECTS texts, the last one is cut short and ends with CUT_NOTE, which
    holds ``link`` (a Link header's URL) when given so the reader can open the rest.
    """
    pieces: list[str] = []
    for line in _lines(text):
        pieces.extend(line[start : start + MAX_TEXT] for start in range(0, len(line), MAX_TEXT))
    objects: list[str] = []
    current = ""
    for piece in pieces:
        if len(current) + len(piece) > MAX_TEXT:
            objects.append(current)
            current = ""
        current += piece
    if current or not objects:
        objects.append(current)
    if len(objects) <= MAX_OBJECTS:
        return objects
    note = _cut_note(link)
    rest = "".join(objects[MAX_OBJECTS - 1 :])[: MAX_TEXT - len(note)]
    # End the kept part at a line break when there is one, so no line is cut mid-word.
    if "\n" in rest:
        rest = rest[: rest.rindex("\n") + 1]
    return [*objects[: MAX_OBJECTS - 1], rest + note]


def _lines(text: str) -> list[str]:
    """``text`` split after each ``\\n`` only (keeping it): str.splitlines would also split at
    a lone ``\\r``, form feeds and U+2028, which are no line boundary to a reader."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _cut_note(link: str | None) -> str:
    url = _link_url(link)
    if not url:
        return CUT_NOTE
    return CUT_NOTE_WITH_LINK.format(link=url)


def _link_url(link: str | None) -> str:
    """The URL of a Link header (``<https://…>; rel="…"`` or a bare URL); "" when there is
    none fit to show: not http(s), with a space, or too long."""
    if not link:
        return ""
    found = re.match(r"\s*<([^>]*)>", link)
    url = (found.group(1) if found else link).strip()
    if not re.fullmatch(r"https?://\S+", url) or len(url) > MAX_LINK:
        return ""
    return url


def _error_body(error: urllib.error.HTTPError) -> bytes:
    """The body of an error answer; b"" when it cannot be read (cut off, timed out)."""
    try:
        return error.read()
    except (OSError, HTTPException):
        return b""
    finally:
        error.close()


def _retry_key(key: str) -> str:
    """``key`` as the UUID LINE requires in X-Line-Retry-Key: itself when it is one
    (canonical form), else a UUID derived from it, the same on every attempt."""
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return str(uuid.uuid5(_RETRY_KEY_NAMESPACE, key))


def _line_message(body: bytes) -> str:
    """LINE's own reason from an error answer's JSON (``message``, then the first of
    ``details``), or "" when the body is no such JSON; at most 300 characters."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ""
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        return ""
    said: str = data["message"]
    details = data.get("details")
    if isinstance(details, list) and details and isinstance(details[0], dict):
        detail = details[0]
        if isinstance(detail.get("message"), str):
            said += f": {detail['message']}"
            if isinstance(detail.get("property"), str):
                said += f" ({detail['property']})"
    return said[:300]


def _checked_token(token: str) -> str:
    token = token.strip()
    if not token:
        raise PermanentFailure(NOT_CONFIGURED)
    if not _TOKEN.fullmatch(token):
        # Never the token itself, nor where in it: only what kind of character is wrong.
        raise PermanentFailure(
            "TRACKER_LINE_TOKEN is not a channel access token: it holds a space, a line break "
            "or a non-ASCII character (copy it again from the LINE Developers console)"
        )
    return token


def _checked_api_url(api_url: str) -> tuple[str, str, int]:
    """Scheme, host and port of TRACKER_LINE_API_URL. Plain http only to this machine: the
    token travels in every request and must not cross a network in clear text."""
    problem = (
        f"TRACKER_LINE_API_URL ({address_outline(api_url)}) is not the Messaging API's "
        "address: write https://api.line.me"
    )
    try:
        parts = urlsplit(api_url)
        port = parts.port
    except ValueError:
        raise PermanentFailure(problem) from None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host or parts.username is not None:
        raise PermanentFailure(problem)
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise PermanentFailure(f"{problem} (scheme and host only, no path)")
    if parts.scheme == "http" and host not in _LOOPBACK:
        raise PermanentFailure(
            f"TRACKER_LINE_API_URL (http://{host}) sends the token unencrypted: use https"
        )
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
