"""Fault trials of `tracker run`, the embedded scheduler, as real processes on PostgreSQL.

- Two `tracker run` started at the same moment on a brand-new PostgreSQL database: both
  migrate-or-wait and run cleanly; then, with the demo plan imported, two at once again send
  every due message exactly once.
- PostgreSQL restarted under a running `tracker run` (a throwaway cluster of the test's own,
  never the machine's server), once during the start-up catch-up and once in the middle of
  a dispatch: the scheduler waits it out with one-line warnings, and every message is sent,
  once per row, within a bounded time.

The two-schedulers trial needs the PostgreSQL server named by TRACKER_TEST_DATABASE_URL and is
collected for it only, the way conftest's backends are (CI sets the variable, and fails
without it); the restart trials start their own cluster and always run.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import DEMO_PLAN, PG_ENV, _backends, _pg_execute, _pg_url_for
from faults_support import (
    Process,
    SlowSmtpServer,
    emails,
    expected_message_id,
    ledger,
    message_id,
    queue,
    run_tracker,
    slow_smtp_fixture,  # noqa: F401
    tracker_env,
)
from followup_support import free_port

from tracker.db import HEAD_REVISION


def _pg_bin() -> Path:
    """The newest PostgreSQL server binaries Debian installed (initdb, pg_ctl)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return found[-1] if found else Path("/usr/lib/postgresql/bin")


PG_BIN = _pg_bin()
IMPORTED = "2026-11-25T10:00:00+07:00"  # the demo's import moment (Makefile DEMO_IMPORTED)
ROUND = "2026-12-14T09:30:00+07:00"  # two working days before the 16 Dec meeting: due


def assert_clean(process: Process) -> None:
    assert process.finish(60) == 0, process.describe()
    for stream in ("stdout", "stderr"):
        assert "Traceback" not in process.text(stream), process.describe()


# --- two `tracker run` at once on a new PostgreSQL database ------------------------------------


@pytest.fixture
def new_pg_database() -> Iterator[str]:
    """A brand-new, empty PostgreSQL database (no schema at all), dropped after."""
    name = f"tracker_faults_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = os.environ[PG_ENV]
    _pg_execute(admin, f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url_for(name)
    finally:
        _pg_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("backend", [b for b in _backends() if b == "postgresql"])
def test_two_schedulers_started_together_on_a_new_database_share_it_and_send_once(
    backend: str, new_pg_database: str, tmp_path: Path
) -> None:
    env = tracker_env(new_pg_database, TRACKER_OUTBOX_DIR=tmp_path / "outbox")
    both = [Process(env, "run", "--for", "6") for _ in range(2)]
    for process in both:
        assert_clean(process)
    info = json.loads(run_tracker(env, "db", "info", "--json"))
    assert info["revision"] == HEAD_REVISION, info

    run_tracker(env | {"TRACKER_NOW": IMPORTED}, "import", str(DEMO_PLAN))
    env = env | {"TRACKER_NOW": ROUND}
    both = [Process(env, "run", "--for", "6") for _ in range(2)]
    for process in both:
        assert_clean(process)

    book = ledger(new_pg_database)
    sent = book.by_status("sent")
    assert sent, f"nothing was due at {ROUND}: {book.rows}"
    assert {row.status for row in book.rows} <= {"sent", "missed"}, book.rows
    for row in sent:
        assert book.outcomes(row) == ["sent"], (row, book.attempts.get(row.id))
    for row in book.by_status("missed"):
        assert book.outcomes(row) == [], row
    files = sorted((tmp_path / "outbox").rglob("*.txt"))
    assert len(files) == len([row for row in sent if row.key[3] == "file"]), files


# --- a PostgreSQL cluster of the test's own ---------------------------------------------------


class Cluster:
    """A throwaway PostgreSQL 15 cluster in a folder under /tmp, run as the postgres user on a
    spare port (never the machine's own server): started, restarted and removed by the test."""

    def __init__(self) -> None:
        missing = [b for b in ("initdb", "pg_ctl") if not (PG_BIN / b).exists()]
        if missing:
            pytest.fail(f"PostgreSQL binaries missing in {PG_BIN}: {', '.join(missing)}")
        self.folder = Path(tempfile.mkdtemp(prefix="tracker-faults-pg-", dir="/tmp"))
        owner = pwd.getpwnam("postgres")
        os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.data = self.folder / "data"
        self.port = free_port()
        try:
            self._postgres(PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust",
                           "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
            self.start()
        except BaseException:
            self.close()
            raise

    def _postgres(self, *args: object) -> None:
        done = subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, args)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            log = self.folder / "log"
            shown = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            pytest.fail(f"{args[0]} failed: {done.stdout}{done.stderr}\n{shown}")

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self._postgres(PG_BIN / "pg_ctl", action, "-D", self.data, "-l", self.folder / "log",
                       "-w", "-t", "60", "-o", options, *extra)  # fmt: skip

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._postgres(PG_BIN / "pg_ctl", "stop", "-D", self.data, "-m", "fast", "-w")

    def restart(self) -> None:
        """Stop (fast: every connection cut), 2 s with no database, start."""
        self.stop()
        time.sleep(2)
        self.start()

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                ["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "stop",
                 "-D", str(self.data), "-m", "immediate", "-w"],
                capture_output=True, timeout=60,
            )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def pg_cluster() -> Iterator[Cluster]:
    cluster = Cluster()
    try:
        yield cluster
    finally:
        cluster.close()


# --- PostgreSQL restarted under `tracker run` --------------------------------------------------

MESSAGES = 60
# Every line `tracker run` writes to stderr is one log record: the product's clock, then words.
# The product's words for "this failed for want of the database, and will be tried again".
RETRY_WORDS = re.compile(r"trying again|tried again|not recorded yet")
LOG_LINE = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} \S")  # 2 Dec 2026 14:09


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["catch-up", "dispatch"])
def test_tracker_run_waits_out_a_postgresql_restart_and_sends_each_message_once(
    moment: str, pg_cluster: Cluster, slow_smtp: SlowSmtpServer, tmp_path: Path
) -> None:
    """``catch-up``: the restart as soon as `tracker run` says it started; ``dispatch``: once
    the mail server has 10 of the 60 messages. The real clock (TRACKER_NOW unset), so that a
    claim whose commit the restart swallowed comes back when its 1-minute lease ends."""
    url = pg_cluster.url()
    now = datetime.now(UTC)
    queue(url, emails(MESSAGES, now), now)
    env = tracker_env(
        url,
        TRACKER_SMTP_HOST="127.0.0.1",
        TRACKER_SMTP_PORT=slow_smtp.port,
        TRACKER_DISPATCH_THREADS=1,
        TRACKER_SMTP_CONNECT_TIMEOUT=2,
        TRACKER_SMTP_DATA_TIMEOUT=10,
        TRACKER_SEND_LEASE_MINUTES=1,
        TRACKER_OUTBOX_DIR=tmp_path / "outbox",
    )
    run = Process(env, "run")
    try:
        run.wait_for("stdout", "scheduler started")
        if moment == "dispatch":
            assert slow_smtp.wait_for_mails(10, 60, run.running), run.describe()
        before = len(slow_smtp.mails)
        pg_cluster.restart()
        back = time.monotonic()
        time.sleep(3)
        assert run.running(), f"tracker run died in the restart:\n{run.describe()}"
        while True:
            book = ledger(url)
            if all(row.status == "sent" for row in book.rows):
                break
            if time.monotonic() - back > 90:
                late = [(r.id, r.status, r.last_error) for r in book.rows if r.status != "sent"]
                pytest.fail(f"not sent 90 s after the restart: {late}\n{run.describe()}")
            time.sleep(1)
        waited = time.monotonic() - back
        assert run.running(), run.describe()
    finally:
        code = run.terminate(60) if run.running() else run.kill()
    log = run.text("stderr")
    print(f"\n{moment}: {before} mails before the restart; all sent {waited:.0f} s after\n{log}")
    assert code == 0, run.describe()
    assert "Traceback" not in log + run.text("stdout"), run.describe()
    assert [line for line in log.splitlines() if not LOG_LINE.match(line)] == [], log

    assert len(book.rows) == MESSAGES
    assert book.by_status("sending") == []
    by_recipient = {row.recipient: row for row in book.rows}
    for mail in slow_smtp.mails:
        (recipient,) = mail.recipients
        assert message_id(mail) == expected_message_id(by_recipient[recipient].idempotency_key)
    for row in book.rows:
        assert book.outcomes(row).count("sent") == 1, (row, book.attempts[row.id])
        assert slow_smtp.to(row.recipient), f"{row.recipient} received nothing"

    # The lines the outage gave (each try that found the database unavailable) say so.
    outage = [line for line in log.splitlines() if RETRY_WORDS.search(line)]
    assert outage, f"nothing in the log says the database was unavailable:\n{log}"
    assert [line for line in outage if "database" not in line.lower()] == [], (
        "a warning that does not say the database is what was unavailable (it reads like a "
        "mail server's connection failing)"
    )
