"""A local fake of the LINE Messaging API's push endpoint, for tests: not a test module.

``LineApi`` is an http.server on 127.0.0.1 (a free port, a daemon thread) that answers
``POST /v2/bot/message/push`` the way LINE documents it:

- ``Authorization: Bearer <token>`` must carry its token, else 401 {"message": "Authentication
  failed..."};
- ``X-Line-Retry-Key``, when sent, must be a UUID (else 400); a key it already accepted gets
  409 with ``x-line-accepted-request-id`` (the earlier request) and is not delivered again;
- the body must be {"to": id, "messages": [...]}: ``to`` a user, group or room id, 1 to 5
  text objects, each text 1 to 5,000 characters counted as LINE counts them (UTF-16 units),
  else 400 with a LINE-like {"message": ..., "details": [...]};
- an accepted push is recorded (``pushes``, under a lock) and answered 200 {"sentMessages"}.

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
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _accepted: dict[str, str] = field(default_factory=dict)  # retry key -> request id
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
        self.pushes.append(
            Push(body["to"], [m["text"] for m in body["messages"]], headers, body, request_id)
        )
        if key is not None:
            self._accepted[key] = request_id
        if failure is not None:
            return failure.status, failure.body, failure.headers
        sent = [{"id": str(uuid.uuid4().int)[:18], "quoteToken": "q"} for _ in body["messages"]]
        return 200, {"sentMessages": sent}, {"x-line-request-id": request_id}


def _body_problem(raw: bytes) -> dict[str, Any] | None:
    """LINE's 400 answer to a malformed push body, or None when the body is fine."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {"message": "The request body could not be parsed as JSON"}
    if not isinstance(body, dict):
        return {"message": "The request body could not be parsed as JSON"}
    if not isinstance(body.get("to"), str) or not _ID.fullmatch(body["to"]):
        return {"message": "The property, 'to', in the request body is invalid"}
    messages = body.get("messages")
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return _details("Size must be between 1 and 5", "messages")
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("type") != "text":
            return _details("Must be one of the following values: [text]", f"messages[{index}]")
        text = message.get("text")
        # LINE counts UTF-16 code units, not characters: count as it does.
        if not isinstance(text, str) or not 1 <= len(text.encode("utf-16-le")) // 2 <= 5000:
            return _details("Length must be between 1 and 5000", f"messages[{index}].text")
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
