"""Shared by the tests of the transports that speak HTTP (webhook, Apprise, LINE): not a test
module.

The receiving end is an http.server on 127.0.0.1 started here (the ``sink`` fixture). A test
module imports the fixture by its function name, ``sink_fixture`` (with ``# noqa: F401``),
and takes it as ``sink``.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tracker.notify import Message
from tracker.notify.apprise_transport import AppriseTransport
from tracker.notify.webhook import WebhookTransport

TOKEN = "SECRET-T0KEN"  # stands in for the token a webhook URL's path carries
MESSAGE = Message("ขอรายงานความคืบหน้า", "ข้อความ", key="8e03978e-40d5-43e8-bc93-6894a57f9324")


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Sink:
    """An http.server on 127.0.0.1 recording every POST; ``answers`` maps a path (without its
    query) to the status and extra headers it answers with, 200 otherwise."""

    answers: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    port: int = 0

    def url(self, path: str, scheme: str = "http", host: str = "127.0.0.1") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [r.path for r in self.received]


@pytest.fixture(name="sink")
def sink_fixture() -> Iterator[Sink]:
    recorder = Sink()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            path = self.path.split("?")[0]
            with lock:
                recorder.received.append(Received(path, dict(self.headers.items()), body))
            status, headers = recorder.answers.get(path, (200, {}))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    server.server_close()
    thread.join()


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def webhook(*, allow_private: bool) -> WebhookTransport:
    return WebhookTransport(timeout=10, allow_private_destinations=allow_private)


def apprise_transport(*, allow_private: bool) -> AppriseTransport:
    return AppriseTransport(allow_private_destinations=allow_private)


def sf_string(value: str) -> str:
    """The string an RFC 8941 sf-string header value holds (quoted, \\ and " escaped)."""
    assert value.startswith('"'), value
    assert value.endswith('"'), value
    inner = value[1:-1]
    out, escaped = [], False
    for character in inner:
        if escaped or character != "\\":
            out.append(character)
            escaped = False
        else:
            escaped = True
    return "".join(out)
