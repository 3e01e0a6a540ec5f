"""Follow-up delivery over the other channels: webhook and Apprise, and the file channel.

Like test_followup_delivery.py, every test imports the seed report into its own database (on
SQLite and, with TRACKER_TEST_DATABASE_URL, PostgreSQL) and runs the real jobs and dispatcher
at explicit moments; the webhook and Apprise channels deliver to http.server endpoints started
here on 127.0.0.1, the file channel to files under the test's outbox folder. Nothing is mocked.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from followup_support import (
    HOLIDAY_MEETING,
    REMINDER_MOMENT,
    REPORT_MOMENT,
    Seed,
    add_contact,
    dispatch_outbox,
    outbox,
    run_all,
    seed_fixture,  # noqa: F401
    task_ids_in,
    the,
)
from sqlalchemy.orm import Session, sessionmaker

from tracker.config import Settings
from tracker.followup.delivery import make_sender
from tracker.followup.jobs import Options
from tracker.followup.jobs.meeting_reminders import meeting_reminders
from tracker.followup.ledger import BACKOFF
from tracker.models import OutboxStatus
from tracker.notify import Message

# --- a real HTTP server ------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    path: str
    content_type: str
    body: bytes


@dataclass
class HttpServer:
    """http.server on 127.0.0.1 that records every POST; some paths answer with an error."""

    statuses: dict[str, int] = field(default_factory=lambda: {"/gone": 404, "/busy": 503})
    requests: list[Request] = field(default_factory=list)
    port: int = 0

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


@pytest.fixture
def http_server() -> Iterator[HttpServer]:
    sink = HttpServer()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            path = self.path.split("?")[0]
            with lock:
                sink.requests.append(Request(path, self.headers.get("Content-Type", ""), body))
            status = sink.statuses.get(path, 200)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield sink
    server.shutdown()
    server.server_close()
    thread.join()


# --- webhook and Apprise -------------------------------------------------------------------------


def test_webhook_and_apprise_deliver_to_local_http_servers_and_classify_errors(
    session_factory: sessionmaker[Session], seed: Seed, http_server: HttpServer, tmp_path: Path
) -> None:
    for path in ("/hook", "/gone", "/busy"):
        add_contact(session_factory, seed.unit_id, "webhook", http_server.url(path))
    add_contact(session_factory, seed.unit_id, "apprise", http_server.url("/apprise", "json"))
    send = make_sender(
        Settings(
            outbox_dir=tmp_path / "outbox", send_timeout=10, allow_private_destinations=True
        ).notify()
    )
    meeting_reminders(factory=session_factory, now=REMINDER_MOMENT, options=Options())

    dispatch_outbox(session_factory, REMINDER_MOMENT, send, worker="test")

    rows = {
        m.recipient: m
        for m in the(outbox(session_factory), "meeting-reminder", HOLIDAY_MEETING.isoformat())
    }
    assert len(rows) == 4
    (hook,) = http_server.to("/hook")
    assert hook.content_type.replace(" ", "").lower() == "application/json;charset=utf-8"
    payload = json.loads(hook.body.decode("utf-8"))
    assert set(payload) == {"subject", "text", "html"}
    sent = rows[http_server.url("/hook")]
    assert payload == {"subject": sent.subject, "text": sent.body_text, "html": sent.body_html}
    assert "ขอรายงานความคืบหน้า" in payload["subject"]
    assert "ขอรายงานความคืบหน้า".encode() in hook.body  # raw UTF-8, not \u escapes
    assert task_ids_in(payload["text"]) == seed.tasks_of_secretariat()
    assert sent.status is OutboxStatus.SENT

    (apprised,) = http_server.to("/apprise")
    notification = json.loads(apprised.body.decode("utf-8"))
    assert notification["title"] == sent.subject
    assert notification["message"].strip() == sent.body_text.strip()  # Apprise trims
    assert rows[http_server.url("/apprise", "json")].status is OutboxStatus.SENT

    gone = rows[http_server.url("/gone")]
    assert (gone.status, gone.attempts) == (OutboxStatus.FAILED, 1)
    assert gone.last_error
    assert "404" in gone.last_error
    busy = rows[http_server.url("/busy")]
    assert (busy.status, busy.attempts) == (OutboxStatus.PENDING, 1)
    assert busy.last_error
    assert "503" in busy.last_error
    assert busy.next_attempt_at == REMINDER_MOMENT + BACKOFF[0]

    http_server.statuses.pop("/busy")
    dispatch_outbox(session_factory, REMINDER_MOMENT + BACKOFF[0], send, worker="test")
    assert len(http_server.to("/busy")) == 2
    assert len(http_server.to("/gone")) == 1
    assert len(http_server.to("/hook")) == 1
    statuses = {m.recipient: m.status for m in outbox(session_factory) if m.channel == "webhook"}
    assert statuses[http_server.url("/busy")] is OutboxStatus.SENT
    assert statuses[http_server.url("/gone")] is OutboxStatus.FAILED


# --- the file channel ----------------------------------------------------------------------------


def test_the_file_channel_writes_utf8_files_named_from_the_address_and_replaces_them(
    session_factory: sessionmaker[Session], seed: Seed, tmp_path: Path
) -> None:
    outbox_dir = tmp_path / "outbox"
    add_contact(session_factory, seed.unit_id, "file", "แพร่/เลขานุการ")
    send = make_sender(Settings(outbox_dir=outbox_dir, allow_private_destinations=True).notify())
    meeting_reminders(factory=session_factory, now=REMINDER_MOMENT, options=Options())
    dispatch_outbox(session_factory, REMINDER_MOMENT, send, worker="test")

    (row,) = [m for m in outbox(session_factory) if m.status is OutboxStatus.SENT]
    # A file contact names a folder; each message is a file inside it, named from what it is.
    assert row.recipient.startswith("แพร่/เลขานุการ/")
    assert "2023-08-02" in row.recipient
    target = outbox_dir / f"{row.recipient}.txt"
    assert [p for p in outbox_dir.rglob("*") if p.is_file()] == [target]
    written = target.read_bytes().decode("utf-8")
    assert written == f"Subject: {row.subject}\n\n{row.body_text}"
    assert task_ids_in(written) == seed.tasks_of_secretariat()

    target.write_text("stale", encoding="utf-8")
    send("file", row.recipient, Message(row.subject, row.body_text, row.body_html))
    assert target.read_text(encoding="utf-8") == written
    assert [p for p in outbox_dir.rglob("*") if p.is_file()] == [target]

    send("file", "../../หนี/ข้อความ", Message(row.subject, row.body_text))
    assert (outbox_dir / "หนี" / "ข้อความ.txt").read_text(encoding="utf-8") == written
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and outbox_dir not in p.parents]
    assert not [p for p in outside if p.suffix == ".txt"]


def test_two_different_messages_to_one_file_contact_are_both_kept(
    session_factory: sessionmaker[Session], seed: Seed, tmp_path: Path
) -> None:
    outbox_dir = tmp_path / "outbox"
    add_contact(session_factory, seed.unit_id, "file", "secretariat")
    send = make_sender(Settings(outbox_dir=outbox_dir, allow_private_destinations=True).notify())

    run_all(session_factory, REMINDER_MOMENT, send)

    sent = [m for m in outbox(session_factory) if m.status is OutboxStatus.SENT]
    assert sorted(m.job for m in sent) == ["meeting-reminder", "overdue-digest"]
    written = [p.read_text(encoding="utf-8") for p in outbox_dir.rglob("*") if p.is_file()]
    for row in sent:  # a message marked sent must be somewhere to read, not overwritten
        assert any(row.subject in text and row.body_text in text for text in written), row.job


def test_without_contacts_every_message_lands_in_its_own_file(
    session_factory: sessionmaker[Session], seed: Seed, tmp_path: Path
) -> None:
    outbox_dir = tmp_path / "outbox"
    send: Callable[..., None] = make_sender(
        Settings(outbox_dir=outbox_dir, allow_private_destinations=True).notify()
    )

    run_all(session_factory, REMINDER_MOMENT, send)
    run_all(session_factory, REPORT_MOMENT, send)

    sent = [m for m in outbox(session_factory) if m.status is OutboxStatus.SENT]
    # The 2 Aug reminder, the digests of 24 and 31 July, the 2 Aug report.
    assert sorted(m.job for m in sent) == sorted(
        ["meeting-reminder", "overdue-digest", "overdue-digest", "progress-report"]
    )
    assert all(m.channel == "file" for m in sent)
    files = sorted(p for p in outbox_dir.rglob("*") if p.is_file())
    assert files == sorted(outbox_dir / f"{m.recipient}.txt" for m in sent)
    for row in sent:
        content = (outbox_dir / f"{row.recipient}.txt").read_text(encoding="utf-8")
        assert content == f"Subject: {row.subject}\n\n{row.body_text}"
