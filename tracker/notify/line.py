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
  renews); any other 429 is a rate limit and worth retrying;
- a message whose ``X-Tracker-Tasks`` header lists task ids (``12,15,18``: a reminder, an
  alert, a digest) gets, after its text, a carousel with one card per task and two postback
  buttons on each, "เสร็จแล้ว" (done) and "ขอรายงานความคืบหน้า" (report progress); the text
  then keeps to 4 objects so the carousel is the 5th. A carousel holds at most 10 cards: a
  message about more tasks goes as text only (its link leads to the unit's page). The buttons'
  data (:func:`postback_data`) comes back in the webhook (tracker.web.routes.line).

Besides pushing, :meth:`LineTransport.reply` answers a webhook event with its reply token and
:meth:`LineTransport.display_name` looks up the name a LINE user shows, for the audit log.

No error text holds the token, nor the URL's path: the host names where it went.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from http.client import HTTPException
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from tracker.inputs import TextProblem
from tracker.notify import (
    DeliveryFailure,
    Message,
    NotifySettings,
    PermanentFailure,
    QuotaExhausted,
    TemporaryFailure,
)
from tracker.redact import address_outline

DEFAULT_API_URL = "https://api.line.me"
PUSH_PATH = "/v2/bot/message/push"
REPLY_PATH = "/v2/bot/message/reply"
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

# The buttons of a message about tasks (the contract with the messages' builders: the header
# lists the ids of the tasks the message is about, comma-separated).
TASKS_HEADER = "X-Tracker-Tasks"
DONE_LABEL = "เสร็จแล้ว"
PROGRESS_LABEL = "ขอรายงานความคืบหน้า"
PROGRESS_STEPS = (25, 50, 75)  # the percents the progress quick reply offers
# LINE's limits (Messaging API reference): a carousel has at most 10 columns, a column's text
# at most 120 characters (no title, no image), an alternative text at most 400, an action's
# label at most 20 and its data and display text at most 300; a quick reply at most 13 items.
MAX_CARDS = 10
MAX_CARD_TEXT = 120
MAX_ALT_TEXT = 400
MAX_LABEL = 20
MAX_DISPLAY_TEXT = 300
MAX_QUICK_REPLIES = 13
# A name for the audit log is worth a short wait only: the webhook answers LINE meanwhile.
PROFILE_TIMEOUT = 5.0

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
        headers = {}
        if message.key:
            headers["X-Line-Retry-Key"] = _retry_key(message.key)
        self._call("POST", PUSH_PATH, {"to": address, "messages": push_messages(message)}, headers)

    def reply(self, reply_token: str, messages: Sequence[dict[str, Any]]) -> None:
        """Answer a webhook event (its ``replyToken``, usable once and for a short while) with
        ``messages`` (1 to 5 message objects). Raises what :meth:`send` raises."""
        self._call("POST", REPLY_PATH, {"replyToken": reply_token, "messages": list(messages)})

    def display_name(self, user_id: str, chat: str | None = None) -> str | None:
        """The name LINE user ``user_id`` shows, or None when LINE does not say (not a friend
        of the account, not in the group any more, LINE unreachable). ``chat``: the group or
        room the user wrote in, whose member profile is asked instead (a group member need
        not be the account's friend)."""
        if not _ID.fullmatch(user_id) or not user_id.startswith("U"):
            return None
        if chat is not None and _ID.fullmatch(chat) and chat[0] in "CR":
            kind = "group" if chat.startswith("C") else "room"
            path = f"/v2/bot/{kind}/{quote(chat)}/member/{quote(user_id)}"
        else:
            path = f"/v2/bot/profile/{quote(user_id)}"
        try:
            answer = json.loads(self._call("GET", path, timeout=PROFILE_TIMEOUT).decode("utf-8"))
        except (DeliveryFailure, UnicodeDecodeError, ValueError):
            return None
        name = answer.get("displayName") if isinstance(answer, dict) else None
        return name if isinstance(name, str) and name.strip() else None

    def _call(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None = None,
        extra: dict[str, str] | None = None,
        *,
        timeout: float | None = None,
    ) -> bytes:
        """One request to the Messaging API; its answer's body, or the failure it means.
        ``timeout`` caps the transport's own, never lengthens it."""
        headers = {"Authorization": f"Bearer {self.token}", **(extra or {})}
        body = None
        if payload is not None:
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        url = f"{self.scheme}://{_netloc(self.host, self.port)}{path}"
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            wait = self.timeout if timeout is None else min(timeout, self.timeout)
            with self._opener.open(request, timeout=wait) as response:
                answer: bytes = response.read()
                return answer
        except urllib.error.HTTPError as error:
            self._answer(error.code, _error_body(error), keyed="X-Line-Retry-Key" in headers)
            return b""
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


def push_messages(message: Message) -> list[dict[str, Any]]:
    """The message objects of one push: the text (subject, a blank line, the text), then the
    buttons of the tasks its X-Tracker-Tasks header names, when there are any and few enough
    for one carousel."""
    whole = f"{message.subject}\n\n{message.text}"
    link = message.headers.get("Link")
    ids = task_ids(message.headers.get(TASKS_HEADER))
    if not 0 < len(ids) <= MAX_CARDS:
        return [{"type": "text", "text": text} for text in text_objects(whole, link)]
    texts = text_objects(whole, link, max_objects=MAX_OBJECTS - 1)
    return [{"type": "text", "text": text} for text in texts] + [task_buttons(ids, whole)]


def task_ids(header: str | None) -> list[int]:
    """The task ids of an X-Tracker-Tasks header ("12,15,18"), in order, each once; [] when
    there is no header or it is not such a list (the message then goes as text only: a
    malformed header is no reason not to deliver it)."""
    if not header:
        return []
    parts = [part.strip() for part in header.split(",")]
    if not all(part.isascii() and part.isdigit() and len(part) <= 18 for part in parts):
        return []
    return list(dict.fromkeys(int(part) for part in parts if int(part) > 0))


def task_buttons(ids: Sequence[int], text: str) -> dict[str, Any]:
    """A template message: a carousel with a card per task (the line of ``text`` that names
    it, else its number) and the buttons "done" and "report progress" on each card."""
    columns = [
        {
            "text": _shortened(_task_line(text, task_id), MAX_CARD_TEXT),
            "actions": [
                postback_action(DONE_LABEL, Postback("done", task_id), f"งาน #{task_id} เสร็จแล้ว"),
                postback_action(
                    PROGRESS_LABEL, Postback("progress", task_id), f"รายงานความคืบหน้างาน #{task_id}"
                ),
            ],
        }
        for task_id in ids[:MAX_CARDS]
    ]
    numbers = ", ".join(f"#{task_id}" for task_id in ids)
    alt = _shortened(f"ปุ่มรายงานผลงาน {numbers} / buttons to report on the tasks", MAX_ALT_TEXT)
    return {
        "type": "template",
        "altText": alt,
        "template": {"type": "carousel", "columns": columns},
    }


def _task_line(text: str, task_id: int) -> str:
    """The first line of ``text`` naming task ``task_id`` as the messages do ("#12 (1.3) …"),
    without its bullet; "งาน #12" when no line does."""
    mark = re.compile(rf"(?<![\w#])#{task_id}(?!\d)")
    for line in text.split("\n"):
        if mark.search(line):
            return line.strip().lstrip("•-* ").strip()
    return f"งาน #{task_id}"


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Postback:
    """What a button asks, as its postback data says it: ``done`` a task, or report its
    ``progress`` (without a percent: ask which; with one: set it)."""

    action: str  # "done" or "progress"
    task_id: int
    percent: int | None = None


POSTBACK_ACTIONS = ("done", "progress")


def postback_data(postback: Postback) -> str:
    """The data of a button: ``action=done&task=12``, ``action=progress&task=12&percent=50``."""
    fields: dict[str, str | int] = {"action": postback.action, "task": postback.task_id}
    if postback.percent is not None:
        fields["percent"] = postback.percent
    return urlencode(fields)


def read_postback(data: str) -> Postback | None:
    """The postback of a button's data (see :func:`postback_data`); None when it is not one
    of ours (another version's button, a rich menu's)."""
    fields = dict(parse_qsl(data[:300], keep_blank_values=True))
    action, task, percent = fields.get("action"), fields.get("task", ""), fields.get("percent")
    if action not in POSTBACK_ACTIONS or not (task.isascii() and task.isdigit()):
        return None
    if percent is not None and not (percent.isascii() and percent.isdigit() and len(percent) <= 3):
        return None
    if percent is not None and action != "progress":
        return None
    return Postback(action, int(task), int(percent) if percent is not None else None)


def postback_action(label: str, postback: Postback, display: str) -> dict[str, Any]:
    """A postback action object: tapping it sends ``postback``'s data to the webhook and shows
    ``display`` in the chat as the tapper's message."""
    return {
        "type": "postback",
        "label": _shortened(label, MAX_LABEL),
        "data": postback_data(postback),
        "displayText": _shortened(display, MAX_DISPLAY_TEXT),
    }


@dataclass(frozen=True)
class Choice:
    """A quick-reply button: its label, what it asks, what the chat shows when tapped."""

    label: str
    postback: Postback
    display: str


def text_message(text: str, choices: Sequence[Choice] = ()) -> dict[str, Any]:
    """A text object (cut to MAX_TEXT) with ``choices`` as quick-reply buttons under it."""
    message: dict[str, Any] = {"type": "text", "text": _shortened(text, MAX_TEXT)}
    if choices:
        message["quickReply"] = {
            "items": [
                {"type": "action", "action": postback_action(c.label, c.postback, c.display)}
                for c in choices[:MAX_QUICK_REPLIES]
            ]
        }
    return message


def text_objects(
    text: str, link: str | None = None, *, max_objects: int = MAX_OBJECTS
) -> list[str]:
    """``text`` as at most ``max_objects`` texts of at most MAX_TEXT characters each.

    Split at line boundaries (each line keeps its line break, so the texts put together are
    ``text``); a single line longer than MAX_TEXT is cut into MAX_TEXT pieces. When the lines
    need more than ``max_objects`` texts, the last one is cut short and ends with CUT_NOTE,
    which holds ``link`` (a Link header's URL) when given so the reader can open the rest.
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
    if len(objects) <= max_objects:
        return objects
    note = _cut_note(link)
    rest = "".join(objects[max_objects - 1 :])[: MAX_TEXT - len(note)]
    # End the kept part at a line break when there is one, so no line is cut mid-word.
    if "\n" in rest:
        rest = rest[: rest.rindex("\n") + 1]
    return [*objects[: max_objects - 1], rest + note]


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
