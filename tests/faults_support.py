"""Helpers of the fault trials (tests/test_faults_*.py): not a test module.

The trials run the real `tracker` console script as processes and hurt them from outside:
SIGKILL in the middle of a send or a sweep, a PostgreSQL cluster of their own restarted under
a running scheduler, a mail server that drops or never answers its connections, a full disk.
What they share is here: the processes (:class:`Process`), their environment
(:func:`tracker_env`), a slow SMTP server, messages queued straight into the ledger, the
ledger read back (:func:`ledger`) and plain TCP listeners.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from followup_support import Mail, SmtpServer, free_port
from sqlalchemy import select

from tracker.db import open_database, unit_of_work
from tracker.followup.ledger import Envelope, enqueue_many
from tracker.models import OutboxAttempt, OutboxMessage

TRACKER = str(Path(sys.executable).parent / "tracker")
# The default From is "ITA Tracker <ita-tracker@localhost>": every Message-ID ends so.
ID_DOMAIN = "localhost"


# --- the tracker as a process ------------------------------------------------------------------


def tracker_env(url: str, **values: object) -> dict[str, str]:
    """The environment of a tracker process: this one's without any TRACKER_ setting, then
    the database, English, local destinations allowed, and ``values`` (None: left unset)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE_URL=url,
        TRACKER_LANG="en",
        TRACKER_ALLOW_PRIVATE_DESTINATIONS="true",
    )
    env.update({name: str(value) for name, value in values.items() if value is not None})
    return env


def run_tracker(env: dict[str, str], *args: str, seconds: float = 120) -> str:
    """Run ``tracker ARGS`` to its end and insist on exit 0; its stdout."""
    done = subprocess.run(
        [TRACKER, *args], env=env, capture_output=True, text=True, timeout=seconds
    )
    assert done.returncode == 0, (
        f"tracker {' '.join(args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout


class Process:
    """``tracker ARGS`` as a real process, its stdout and stderr lines read by two threads."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.args = args
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [TRACKER, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self.lines: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._readers = [
            threading.Thread(target=self._pump, args=(name, stream), daemon=True)
            for name, stream in (("stdout", self.process.stdout), ("stderr", self.process.stderr))
        ]
        for reader in self._readers:
            reader.start()

    def _pump(self, name: str, stream: Any) -> None:
        for line in stream:
            with self._lock:
                self.lines.append((name, line))

    def text(self, stream: str) -> str:
        with self._lock:
            return "".join(line for name, line in self.lines if name == stream)

    def running(self) -> bool:
        return self.process.poll() is None

    def wait_for(self, stream: str, words: str, seconds: float = 60) -> None:
        """Until ``words`` appears on ``stream``; fail (killing it) after ``seconds`` or if
        the process ends first."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if words in self.text(stream):
                return
            if not self.running():
                self._join()
                if words in self.text(stream):
                    return
                break
            time.sleep(0.02)
        self.kill()
        pytest.fail(f"tracker {' '.join(self.args)} never printed {words!r}:\n{self.describe()}")

    def kill(self) -> int:
        """SIGKILL (if still running); its exit status (-9 when the kill ended it)."""
        if self.running():
            self.process.send_signal(signal.SIGKILL)
        code = self.process.wait(timeout=30)
        self._join()
        return code

    def finish(self, seconds: float) -> int:
        """Its exit status once it ends by itself; killed and failed after ``seconds``."""
        try:
            code = self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"tracker {' '.join(self.args)} ran over {seconds} s:\n{self.describe()}")
        self._join()
        return code

    def terminate(self, seconds: float = 30) -> int:
        """SIGTERM; its exit status within ``seconds``."""
        self.process.send_signal(signal.SIGTERM)
        return self.finish(seconds)

    def _join(self) -> None:
        for reader in self._readers:
            reader.join(timeout=10)

    def describe(self) -> str:
        return (
            f"$ tracker {' '.join(self.args)} (exit {self.process.returncode})\n"
            f"--- stdout\n{self.text('stdout')}--- stderr\n{self.text('stderr')}"
        )


# --- SMTP that takes its time ------------------------------------------------------------------


class SlowSmtpServer(SmtpServer):
    """followup_support.SmtpServer that keeps each message, then waits ``delay`` seconds
    before it answers 250: a send killed meanwhile has reached the server unrecorded."""

    def __init__(self, port: int, delay: float) -> None:
        super().__init__(port)
        self.delay = delay

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(self.delay)
        return answer

    def wait_for_mails(self, count: int, seconds: float, alive: Callable[[], bool]) -> bool:
        """Whether ``count`` mails have arrived within ``seconds`` (stops early once
        ``alive()`` is false)."""
        deadline = time.monotonic() + seconds
        while len(self.mails) < count:
            if time.monotonic() > deadline or not alive():
                return len(self.mails) >= count
            time.sleep(0.002)
        return True


def message_id(mail: Mail) -> str:
    return str(mail.message["Message-ID"])


def expected_message_id(key: str) -> str:
    return f"<{key}@{ID_DOMAIN}>"


@pytest.fixture(name="slow_smtp")
def slow_smtp_fixture() -> Iterator[SlowSmtpServer]:
    """A SlowSmtpServer answering each message after 100 ms."""
    server = SlowSmtpServer(free_port(), 0.1)
    server.start()
    yield server
    server.stop()


# --- messages straight into the ledger ---------------------------------------------------------


def envelope(
    channel: str, recipient: str, number: int, due_at: datetime, text: str = ""
) -> Envelope:
    return Envelope(
        job="fault-trial",
        occurrence=f"{channel}/{number}",
        recipient=recipient,
        channel=channel,
        subject=f"Fault trial {channel} {number}",
        text=text or f"Message {number} of the fault trials, to {recipient}.",
        html=None,
        due_at=due_at,
    )


def emails(count: int, due_at: datetime) -> list[Envelope]:
    """``count`` e-mails, to desk0@example.go.th, desk1@…"""
    return [envelope("email", f"desk{n}@example.go.th", n, due_at) for n in range(count)]


def queue(url: str, envelopes: list[Envelope], now: datetime) -> None:
    factory = open_database(url)
    try:
        with unit_of_work(factory) as session:
            inserted = enqueue_many(session, [(e, False) for e in envelopes], now)
        assert len(inserted) == len(envelopes)
    finally:
        factory.kw["bind"].dispose()


# --- the ledger, read back ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    id: int
    key: tuple[str, str, str, str]  # (job, occurrence, recipient, channel)
    status: str
    attempts: int
    interruptions: int
    last_error: str | None
    idempotency_key: str
    claim_token: str | None
    next_attempt_at: datetime
    subject: str
    text: str

    @property
    def recipient(self) -> str:
        return self.key[2]


@dataclass(frozen=True)
class Attempt:
    message_id: int
    claim_token: str
    outcome: str
    error: str | None


@dataclass
class Ledger:
    rows: list[Row] = field(default_factory=list)
    attempts: dict[int, list[Attempt]] = field(default_factory=dict)

    def by_status(self, status: str) -> list[Row]:
        return [row for row in self.rows if row.status == status]

    def outcomes(self, row: Row) -> list[str]:
        return [attempt.outcome for attempt in self.attempts.get(row.id, [])]


def ledger(url: str) -> Ledger:
    """Every outbox row and its attempts, as the database holds them now."""
    factory = open_database(url)
    try:
        with factory() as session:
            messages = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
            book = Ledger(
                [
                    Row(
                        m.id,
                        (m.job, m.occurrence, m.recipient, m.channel),
                        str(m.status.value),
                        m.attempts,
                        m.interruptions,
                        m.last_error,
                        m.idempotency_key,
                        m.claim_token,
                        m.next_attempt_at,
                        m.subject,
                        m.body_text,
                    )
                    for m in messages
                ]
            )
            for a in session.scalars(select(OutboxAttempt).order_by(OutboxAttempt.id)):
                book.attempts.setdefault(a.message_id, []).append(
                    Attempt(a.message_id, a.claim_token, str(a.outcome.value), a.error)
                )
            return book
    finally:
        factory.kw["bind"].dispose()


# --- plain servers -----------------------------------------------------------------------------


class Listener:
    """A plain TCP listener on 127.0.0.1:``port``: ``drop`` accepts each connection and
    closes it at once (a mail server that is down but whose port is open); ``stall`` accepts
    and never says a word. ``connections`` holds when each arrived (time.time())."""

    def __init__(self, mode: str, port: int | None = None) -> None:
        self.mode = mode
        self.connections: list[float] = []
        self._held: list[socket.socket] = []
        self._socket = socket.socket()
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", port or 0))
        self._socket.listen(64)
        self._socket.settimeout(0.1)
        self.port = self._socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.connections.append(time.time())
            if self.mode == "drop":
                connection.close()
            else:
                self._held.append(connection)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()
        for connection in self._held:
            connection.close()
