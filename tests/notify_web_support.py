"""Shared by the tests of the transports that speak HTTP (webhook, Apprise, LINE): not a test
module.

The receiving end is an http.server on 127.0.0.1 started here (the ``sink`` fixture); more of
them, on other addresses or over TLS, with :func:`serving`. A test module imports the fixture by
its function name, ``sink_fixture`` (with ``# noqa: F401``), and takes it as ``sink``.
:class:`Resolver` stands in for DNS.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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
    """An http.server recording every POST; ``answers`` maps a path (without its query) to the
    status and extra headers it answers with, 200 otherwise. A path in ``endless`` is answered
    with a body said to be 1 GB long, of which 128 KiB come, then nothing until the client
    hangs up; ``hung_up`` lists those paths once it has. ``server_names``: the SNI of each TLS
    handshake."""

    answers: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    port: int = 0
    endless: set[str] = field(default_factory=set)
    hung_up: list[str] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)

    def url(self, path: str, scheme: str = "http", host: str = "127.0.0.1") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [r.path for r in self.received]


@contextmanager
def serving(
    host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
) -> Iterator[Sink]:
    """A :class:`Sink` listening on ``host`` (IPv4 or IPv6) at ``port`` (0: a free one), over
    TLS with ``tls`` (a server context) when given."""
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
            if path in recorder.endless:
                self._answer_endlessly(path)
                return
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def _answer_endlessly(self, path: str) -> None:
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
            self.close_connection = True
            self.connection.settimeout(20)
            try:
                self.wfile.write(b"x" * 128 * 1024)
                self.wfile.flush()
                if self.rfile.read(1) == b"":  # the client hung up
                    recorder.hung_up.append(path)
            except TimeoutError:  # it did not
                pass
            except OSError:  # reset: hung up too
                recorder.hung_up.append(path)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    server = Server((host, port), Handler)
    if tls is not None:
        tls.sni_callback = lambda _socket, name, _context: recorder.server_names.append(name)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    recorder.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(name="sink")
def sink_fixture() -> Iterator[Sink]:
    with serving() as recorder:
        yield recorder


class Resolver:
    """Stands in for ``socket.getaddrinfo`` (installed with ``monkeypatch``): the n-th lookup of
    a name in ``answers`` gets its n-th list of addresses (the last one again after that);
    other names go to the real resolver. ``asked``: the names looked up here, in order."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[list[str]]]):
        self.answers = answers
        self.asked: list[str] = []
        self._real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self)

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in self.answers:
            return self._real(host, port, *args, **kwargs)
        rounds = self.answers[host]
        addresses = rounds[min(self.asked.count(host), len(rounds) - 1)]
        self.asked.append(host)
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]


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
