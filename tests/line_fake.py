"""A local fake of the LINE Messaging API (push, reply, profiles), for tests: not a test module.

``LineApi`` is an http.server on 127.0.0.1 (a free port, a daemon thread) that answers
``POST /v2/bot/message/push`` the way LINE documents it:

- ``Authorization: Bearer <token>`` must carry its token, else 401 {"message": "Authentication
  failed..."};
- ``X-Line-Retry-Key``, when sent, must be a UUID (else 400); a key it already accepted gets
  409 with ``x-line-accepted-request-id`` (the earlier request) and is not delivered again;
- the body must be {"to": id, "messages": [...]}: ``to`` a user, group or room id, 1 to 5
  message objects, else 400 with a LINE-like {"message": ..., "details": [...]}: a text object
  (1 to 5,000 characters counted as LINE counts them, UTF-16 units; an optional quick reply
  of 1 to 13 postback buttons, each with its display text) or a template message holding a
  carousel (see ``_template_problem``: LINE's documented limits on columns, texts, actions,
  labels and postback data);
- an accepted push is recorded (``pushes``, under a lock) and answered 200 {"sentMessages"}.

``POST /v2/bot/message/reply`` takes {"replyToken", "messages"} (the messages as a push's);
a reply token is good once (again: 400 "Invalid reply token"); accepted replies are in
``replies``. ``GET /v2/bot/profile/{user}`` and ``GET /v2/bot/group/{group}/member/{user}``
(``room`` too) answer {"displayName", "userId"} for the users in ``profiles`` (id -> name),
else 404.

Switches: ``quota_exhausted = True`` answers 429 {"message": "You have reached your monthly
limit."}; ``fail_next(status, count)`` answers the next pushes with ``status`` (before looking
at them, or with ``after_delivery=True`` after recording them: an answer lost on the way
back); ``delay`` seconds of silence before every answer (a timeout). ``requests`` holds
every request received, answered or not, with the status it got.

A test module imports the fixture by its function name, ``line_api_fixture`` (with
``# noqa: F401``), and takes it as ``line_api``.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

PUSH_PATH = "/v2/bot/message/push"
REPLY_PATH = "/v2/bot/message/reply"
_PROFILE = re.compile(
    r"/v2/bot/(?:profile|(?:group|room)/[UCR][0-9a-f]{32}/member)/(U[0-9a-f]{32})"
)
MONTHLY_LIMIT = "You have reached your monthly limit."
_ID = re.compile(r"[UCR][0-9a-f]{32}")
# What LINE says with each status when a test makes it fail (fail_next without a body).
_FAILURE_MESSAGES = {
    400: "The request body has 1 error(s)",
    401: "Authentication failed. Confirm that the access token in the authorization header "
    "is valid.",
    403: "The request was rejected by the server: not authorized",
    404: "The user hasn't added the LINE Official Account as a friend.",
    408: "Request timeout",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


@dataclass(frozen=True)
class Push:
    """One push the fake accepted (and so delivered)."""

    to: str
    texts: list[str]
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any]  # the parsed JSON
    request_id: str

    @property
    def retry_key(self) -> str | None:
        return self.headers.get("x-line-retry-key")


@dataclass(frozen=True)
class Reply:
    """One reply the fake accepted."""

    reply_token: str
    messages: list[dict[str, Any]]
    headers: dict[str, str]  # names in lower case

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.messages if m.get("type") == "text"]


@dataclass(frozen=True)
class Received:
    """One request as it came in, with the status the fake answered."""

    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    status: int


@dataclass
class _Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    after_delivery: bool


@dataclass
class LineApi:
    """The fake's state and switches; ``url`` is its base URL (TRACKER_LINE_API_URL)."""

    token: str = "fake-channel-token-" + "x" * 40
    port: int = 0
    quota_exhausted: bool = False
    delay: float = 0.0
    pushes: list[Push] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)  # user id -> display name
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _accepted: dict[str, str] = field(default_factory=dict)  # retry key -> request id
    _used_reply_tokens: set[str] = field(default_factory=set)
    _failures: list[_Failure] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(
        self,
        status: int,
        count: int = 1,
        *,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        after_delivery: bool = False,
    ) -> None:
        """Answer the next ``count`` pushes with ``status`` and ``body`` (default: a LINE-like
        {"message": ...} for the status). With ``after_delivery`` the push is first accepted
        and recorded as usual, retry key included, and only the answer is the failure."""
        message = _FAILURE_MESSAGES.get(status, f"HTTP {status}")
        with self.lock:
            for _ in range(count):
                self._failures.append(
                    _Failure(status, body or {"message": message}, headers or {}, after_delivery)
                )

    def pushes_to(self, user_id: str) -> list[Push]:
        with self.lock:
            return [push for push in self.pushes if push.to == user_id]

    def texts_to(self, user_id: str) -> list[str]:
        """Every text object delivered to ``user_id``, push after push, in order."""
        return [text for push in self.pushes_to(user_id) for text in push.texts]

    def replies_to(self, reply_token: str) -> list[Reply]:
        with self.lock:
            return [reply for reply in self.replies if reply.reply_token == reply_token]

    def statuses(self) -> list[int]:
        """The status of every request so far, in order."""
        with self.lock:
            return [received.status for received in self.requests]

    # --- answering ------------------------------------------------------------------------

    def answer(
        self, method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Status, JSON body and extra headers for one request (called under no lock)."""
        with self.lock:
            status, body, extra = self._answer(method, path, headers, raw)
            self.requests.append(Received(method, path, headers, status))
        return status, body, extra

    def _answer(
        self, method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if path == REPLY_PATH:
            return self._reply(method, headers, raw)
        if _PROFILE.fullmatch(path):
            return self._profile(method, headers, path)
        if path != PUSH_PATH:
            return 404, {"message": "Not found"}, {}
        if method != "POST":
            return 405, {"message": "Method not allowed"}, {}
        if headers.get("authorization") != f"Bearer {self.token}":
            return 401, {"message": _FAILURE_MESSAGES[401]}, {}
        failure = self._failures.pop(0) if self._failures else None
        if failure is not None and not failure.after_delivery:
            return failure.status, failure.body, failure.headers
        key = headers.get("x-line-retry-key")
        if key is not None:
            try:
                uuid.UUID(key)
            except ValueError:
                return (
                    400,
                    {"message": "The value for the 'X-Line-Retry-Key' header is invalid"},
                    {},
                )
            if key in self._accepted:
                return (
                    409,
                    {"message": "The retry key is already accepted", "sentMessages": []},
                    {"x-line-accepted-request-id": self._accepted[key]},
                )
        problem = _body_problem(raw)
        if problem is not None:
            return 400, problem, {}
        if self.quota_exhausted:
            return 429, {"message": MONTHLY_LIMIT}, {}
        body = json.loads(raw.decode("utf-8"))
        request_id = str(uuid.uuid4())
        texts = [m["text"] for m in body["messages"] if m["type"] == "text"]
        self.pushes.append(Push(body["to"], texts, headers, body, request_id))
        if key is not None:
            self._accepted[key] = request_id
        if failure is not None:
            return failure.status, failure.body, failure.headers
        sent = [{"id": str(uuid.uuid4().int)[:18], "quoteToken": "q"} for _ in body["messages"]]
        return 200, {"sentMessages": sent}, {"x-line-request-id": request_id}

    def _reply(
        self, method: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if method != "POST":
            return 405, {"message": "Method not allowed"}, {}
        if headers.get("authorization") != f"Bearer {self.token}":
            return 401, {"message": _FAILURE_MESSAGES[401]}, {}
        problem = _body_problem(raw, recipient="replyToken")
        if problem is not None:
            return 400, problem, {}
        body = json.loads(raw.decode("utf-8"))
        if body["replyToken"] in self._used_reply_tokens:
            return 400, {"message": "Invalid reply token"}, {}
        self._used_reply_tokens.add(body["replyToken"])
        self.replies.append(Reply(body["replyToken"], body["messages"], headers))
        return 200, {"sentMessages": [{"id": "1", "quoteToken": "q"}]}, {}

    def _profile(
        self, method: str, headers: dict[str, str], path: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if method != "GET":
            return 405, {"message": "Method not allowed"}, {}
        if headers.get("authorization") != f"Bearer {self.token}":
            return 401, {"message": _FAILURE_MESSAGES[401]}, {}
        found = _PROFILE.fullmatch(path)
        user = found.group(1) if found else ""
        if user not in self.profiles:
            return 404, {"message": "Not found"}, {}
        return 200, {"displayName": self.profiles[user], "userId": user}, {}


def _body_problem(raw: bytes, recipient: str = "to") -> dict[str, Any] | None:
    """LINE's 400 answer to a malformed push (or, with ``recipient="replyToken"``, reply)
    body, or None when the body is fine."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {"message": "The request body could not be parsed as JSON"}
    if not isinstance(body, dict):
        return {"message": "The request body could not be parsed as JSON"}
    to = body.get(recipient)
    if recipient == "to" and (not isinstance(to, str) or not _ID.fullmatch(to)):
        return {"message": "The property, 'to', in the request body is invalid"}
    if recipient == "replyToken" and (not isinstance(to, str) or not to):
        return {"message": "Invalid reply token"}
    messages = body.get("messages")
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return _details("Size must be between 1 and 5", "messages")
    for index, message in enumerate(messages):
        problem = _message_problem(message, f"messages[{index}]")
        if problem is not None:
            return problem
    return None


def _length(text: object) -> int:
    """A text's length as LINE counts it (UTF-16 code units); -1 when it is no string."""
    return len(text.encode("utf-16-le")) // 2 if isinstance(text, str) else -1


def _message_problem(message: object, where: str) -> dict[str, Any] | None:
    if not isinstance(message, dict) or message.get("type") not in ("text", "template"):
        return _details("Must be one of the following values: [text, template]", where)
    if message["type"] == "template":
        return _template_problem(message, where)
    if not 1 <= _length(message.get("text")) <= 5000:
        return _details("Length must be between 1 and 5000", f"{where}.text")
    if "quickReply" in message:
        return _quick_reply_problem(message["quickReply"], f"{where}.quickReply")
    return None


def _template_problem(message: dict[str, Any], where: str) -> dict[str, Any] | None:
    """A template message holding a carousel, as LINE's reference limits it: alternative
    text 1 to 400, 1 to 10 columns, each column's text 1 to 120 (no title or image here) and
    1 to 3 actions, the same number of actions in every column."""
    if not 1 <= _length(message.get("altText")) <= 400:
        return _details("Length must be between 1 and 400", f"{where}.altText")
    template = message.get("template")
    if not isinstance(template, dict) or template.get("type") != "carousel":
        return _details("Must be one of the following values: [carousel]", f"{where}.template")
    columns = template.get("columns")
    if not isinstance(columns, list) or not 1 <= len(columns) <= 10:
        return _details("Size must be between 1 and 10", f"{where}.template.columns")
    counts = set()
    for index, column in enumerate(columns):
        at = f"{where}.template.columns[{index}]"
        if not isinstance(column, dict) or not 1 <= _length(column.get("text")) <= 120:
            return _details("Length must be between 1 and 120", f"{at}.text")
        actions = column.get("actions")
        if not isinstance(actions, list) or not 1 <= len(actions) <= 3:
            return _details("Size must be between 1 and 3", f"{at}.actions")
        counts.add(len(actions))
        for number, action in enumerate(actions):
            problem = _postback_problem(action, f"{at}.actions[{number}]", display_required=False)
            if problem is not None:
                return problem
    if len(counts) > 1:
        return _details("All columns must have the same number of actions", where)
    return None


def _quick_reply_problem(quick: object, where: str) -> dict[str, Any] | None:
    items = quick.get("items") if isinstance(quick, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= 13:
        return _details("Size must be between 1 and 13", f"{where}.items")
    for index, item in enumerate(items):
        if not isinstance(item, dict) or item.get("type") != "action":
            return _details("Must be one of the following values: [action]", f"{where}.items")
        problem = _postback_problem(
            item.get("action"), f"{where}.items[{index}].action", display_required=True
        )
        if problem is not None:
            return problem
    return None


def _postback_problem(
    action: object, where: str, *, display_required: bool
) -> dict[str, Any] | None:
    """A postback action: a label of 1 to 20, data of 1 to 300, a display text of at most
    300 (required in a quick reply)."""
    if not isinstance(action, dict) or action.get("type") != "postback":
        return _details("Must be one of the following values: [postback]", f"{where}.type")
    if not 1 <= _length(action.get("label")) <= 20:
        return _details("Length must be between 1 and 20", f"{where}.label")
    if not 1 <= _length(action.get("data")) <= 300:
        return _details("Length must be between 1 and 300", f"{where}.data")
    shown = action.get("displayText")
    if ("displayText" in action or display_required) and not 1 <= _length(shown) <= 300:
        return _details("Length must be between 1 and 300", f"{where}.displayText")
    return None


def _details(message: str, where: str) -> dict[str, Any]:
    return {
        "message": "The request body has 1 error(s)",
        "details": [{"message": message, "property": where}],
    }


@pytest.fixture(name="line_api")
def line_api_fixture() -> Iterator[LineApi]:
    """A running fake LINE API, shut down after the test."""
    api = LineApi()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, body, extra = api.answer(self.command, self.path, headers, raw)
            if api.delay:
                time.sleep(api.delay)
            payload = json.dumps(body).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a delay longer than its timeout)

        do_POST = do_GET = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True  # a handler still sleeping (delay) must not hold up the end
    api.port = server.server_address[1]
    # A short poll so that shutdown() returns at once rather than after half a second.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield api
    server.shutdown()
    server.server_close()
    thread.join()
