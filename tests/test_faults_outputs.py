"""Fault trials of the destinations: a mail server that stalls, and a disk that is full.

- A mail server that accepts connections and never answers, beside file and webhook
  messages: one `tracker jobs run dispatch` delivers every file and webhook message before
  the first SMTP timeout could have ended, gives up on the stalled server after a few tries
  (its circuit breaker), and leaves the e-mails pending, none sent, none failed.
- The outbox folder on a 256 KiB disk, and more to write than fits: some files are written,
  the rest wait for a retry, and no file is ever empty or partial; once the disk has room, a
  later dispatch writes every message whole.

Both run on SQLite and, with TRACKER_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import errno
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from faults_support import (
    Listener,
    Process,
    Row,
    envelope,
    ledger,
    queue,
    tracker_env,
)

from tracker.notify import file as file_transport

BKK = ZoneInfo("Asia/Bangkok")
T0 = datetime(2026, 12, 14, 9, 30, tzinfo=BKK)
THREADS, FAILURES = 4, 3  # TRACKER_DISPATCH_THREADS and TRACKER_BREAKER_FAILURES (defaults)


def file_content(row: Row) -> str:
    """What the file channel writes for a message: its subject line, a blank line, its text."""
    return f"Subject: {row.subject}\n\n{row.text}"


@dataclass(frozen=True)
class Post:
    path: str
    key: str
    body: bytes
    at: float  # time.time() when it arrived


class HttpSink:
    """http.server on 127.0.0.1 recording every POST (answered 200), with its arrival time."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                key = self.headers.get("Idempotency-Key", "")
                sink.posts.append(Post(self.path, key, body, time.time()))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# --- a stalled mail server beside files and webhooks --------------------------------------------

CONNECT_TIMEOUT = 3


@pytest.mark.slow
def test_a_stalled_mail_server_holds_up_only_the_e_mails(database_url: str, tmp_path: Path) -> None:
    stall, sink = Listener("stall"), HttpSink()
    outbox = tmp_path / "outbox"
    try:
        queue(
            database_url,
            [envelope("email", f"desk{n}@example.go.th", n, T0) for n in range(20)]
            + [envelope("file", f"desk{n}.txt", n, T0) for n in range(10)]
            + [envelope("webhook", sink.url(f"/hook/{n}"), n, T0) for n in range(10)],
            T0,
        )
        env = tracker_env(
            database_url,
            TRACKER_NOW=T0.isoformat(),
            TRACKER_SMTP_HOST="127.0.0.1",
            TRACKER_SMTP_PORT=stall.port,
            TRACKER_SMTP_CONNECT_TIMEOUT=CONNECT_TIMEOUT,
            TRACKER_DISPATCH_THREADS=THREADS,
            TRACKER_OUTBOX_DIR=outbox,
        )
        started = time.monotonic()
        dispatch = Process(env, "jobs", "run", "dispatch")
        assert dispatch.finish(60) == 0, dispatch.describe()
        took = time.monotonic() - started
        ended = time.time()
    finally:
        stall.close()
        sink.close()

    book = ledger(database_url)
    rows = {
        channel: [r for r in book.rows if r.key[3] == channel]
        for channel in ("email", "file", "webhook")
    }
    print(
        f"\ndispatch took {took:.1f} s; {len(stall.connections)} connections to the stalled server"
    )
    assert took < 40, dispatch.describe()  # 20 e-mails waiting 3 s each would take 60 s
    assert [r for r in rows["file"] + rows["webhook"] if r.status != "sent"] == []
    assert sorted(p.path for p in sink.posts) == sorted(f"/hook/{n}" for n in range(10))
    keys = {r.key[2]: r.idempotency_key for r in rows["webhook"]}
    assert all(p.key == f'"{keys[sink.url(p.path)]}"' for p in sink.posts), sink.posts
    for row in rows["file"]:
        assert (outbox / row.key[2]).read_text(encoding="utf-8") == file_content(row)

    # Delivered beside the stalled server, not after it: before the first connection to it
    # could have timed out, and before the dispatch ended.
    assert stall.connections, "the dispatch never tried the mail server"
    first_timeout = stall.connections[0] + CONNECT_TIMEOUT
    arrivals = [p.at for p in sink.posts] + [
        (outbox / r.key[2]).stat().st_mtime for r in rows["file"]
    ]
    assert max(arrivals) < min(first_timeout, ended), (max(arrivals), first_timeout, ended)

    assert {r.status for r in rows["email"]} == {"pending"}, rows["email"]
    tried = [r for r in rows["email"] if r.attempts]
    assert FAILURES <= len(tried) <= FAILURES + THREADS - 1, tried
    assert len(stall.connections) == len(tried)
    for row in tried:
        assert book.outcomes(row) == ["retrying"]
        assert "did not answer in time" in (row.last_error or ""), row
    for row in rows["email"]:
        if not row.attempts:
            assert book.outcomes(row) == []
            assert (row.last_error or "").startswith("not tried"), row


# --- a full disk --------------------------------------------------------------------------------

CAPACITY = 256 * 1024
MESSAGE_TEXT = "รายงานความคืบหน้าตามแผนปฏิบัติการ ITA ประจำไตรมาส " * 160  # ~22 KB in UTF-8


class PatchedOs:
    """The os module as tracker.notify.file sees it, on a disk of ``capacity`` bytes: a write
    that does not fit writes what does, the next one fails with ENOSPC (as a real disk);
    removing a file frees its bytes. (Only where no tmpfs may be mounted.)"""

    def __init__(self, capacity: int) -> None:
        self.free = capacity
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def write(self, fd: int, data: Any) -> int:
        with self._lock:
            size = min(len(data), self.free)
            if size == 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            self.free -= size
        return os.write(fd, bytes(data[:size]))

    def unlink(self, path: Any) -> None:
        size = os.stat(path).st_size
        os.unlink(path)
        with self._lock:
            self.free += size


class SmallDisk:
    """The outbox folder on a 256 KiB tmpfs; where mount is not permitted, the dispatch runs
    in this process with tracker.notify.file's os replaced by :class:`PatchedOs`."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = folder
        self.monkeypatch = monkeypatch
        folder.mkdir()
        try:
            mounted = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={CAPACITY // 1024}k", "tmpfs", str(folder)],
                capture_output=True,
                text=True,
            )
            self.mounted, why = mounted.returncode == 0, mounted.stderr.strip()
        except OSError as error:  # no mount command at all
            self.mounted, why = False, str(error)
        self.patched = None if self.mounted else PatchedOs(CAPACITY)
        self.how = "tmpfs" if self.mounted else f"os.write patched (mount: {why})"

    def grow(self) -> None:
        if self.patched is not None:
            self.patched.free += 64 * CAPACITY
            return
        subprocess.run(
            ["mount", "-o", "remount,size=16m", str(self.folder)], check=True, capture_output=True
        )

    def dispatch(self, env: dict[str, str]) -> None:
        if self.patched is None:
            process = Process(env, "jobs", "run", "dispatch")
            assert process.finish(60) == 0, process.describe()
            return
        from tracker.cli import main

        for name, value in env.items():
            if name.startswith("TRACKER_"):
                self.monkeypatch.setenv(name, value)
        with self.monkeypatch.context() as patch:
            patch.setattr(file_transport, "os", self.patched)
            code: object = 0
            try:
                main(["jobs", "run", "dispatch"])
            except SystemExit as exit_:
                code = exit_.code or 0
        assert code == 0

    def close(self) -> None:
        if self.mounted:
            subprocess.run(["umount", str(self.folder)], check=True, capture_output=True)


@pytest.fixture
def small_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmallDisk]:
    disk = SmallDisk(tmp_path / "outbox", monkeypatch)
    try:
        yield disk
    finally:
        disk.close()


def files_in(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden temporary ones too), by name, with its text."""
    return {
        str(path.relative_to(folder)): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_full_disk_leaves_no_partial_file_and_every_message_is_written_once_there_is_room(
    database_url: str, small_disk: SmallDisk
) -> None:
    messages = [envelope("file", f"msg{n:02}.txt", n, T0, MESSAGE_TEXT) for n in range(30)]
    assert sum(len(m.text.encode()) for m in messages) > 2 * CAPACITY
    queue(database_url, messages, T0)
    env = tracker_env(
        database_url, TRACKER_NOW=T0.isoformat(), TRACKER_OUTBOX_DIR=small_disk.folder
    )

    small_disk.dispatch(env)

    book = ledger(database_url)
    written = files_in(small_disk.folder)
    sent = book.by_status("sent")
    print(f"\n{small_disk.how}: {len(sent)} of {len(book.rows)} written on a full disk")
    assert 0 < len(sent) < len(book.rows), book.rows
    assert written == {row.key[2]: file_content(row) for row in sent}, sorted(written)
    waiting = [row for row in book.rows if row.status != "sent"]
    assert {row.status for row in waiting} == {"pending"}, waiting
    for row in waiting:
        if row.attempts:
            assert book.outcomes(row) == ["retrying"], row
            assert "No space left on device" in (row.last_error or ""), row
        else:
            assert (row.last_error or "").startswith("not tried"), row
    assert any(row.attempts for row in waiting), "no write ever failed"

    small_disk.grow()
    small_disk.dispatch(env | {"TRACKER_NOW": (T0 + timedelta(minutes=6)).isoformat()})

    book = ledger(database_url)
    assert {row.status for row in book.rows} == {"sent"}, book.rows
    assert files_in(small_disk.folder) == {row.key[2]: file_content(row) for row in book.rows}
    for row in book.rows:
        assert book.outcomes(row).count("sent") == 1, (row, book.attempts[row.id])
