"""Follow-up through the real CLI: `tracker run`, the embedded scheduler, in this process
and as a real process stopped with SIGTERM.

These tests use the demo plan (examples/demo-plan.yaml). Due moments are worked out in
followup_cli_support.py from the `holidays` package (Thai public holidays), never from the
product's calendar: a meeting reminder is due 2 working days before the meeting, 09:00 Bangkok,
to each unit with open tasks (started by the meeting day) at that meeting.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import signal
import socket
import subprocess
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from conftest import DEMO_PLAN
from followup_cli_support import (
    BANGKOK,
    JOB_IDS,
    bangkok,
    listed_task_ids,
    message_file,
    outbox,
    outbox_dir_fixture,  # noqa: F401
    snapshot,
    thai_date,
    working_days_before,
)
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url


@pytest.fixture
def in_process_scheduler():  # type: ignore[no-untyped-def]
    """`tracker run` in this process installs signal handlers and a logging handler: put the
    test process back as it was afterwards."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    root = logging.getLogger()
    level, root_handlers = root.level, list(root.handlers)
    yield
    for number, handler in handlers.items():
        signal.signal(number, handler)
    root.setLevel(level)
    root.handlers[:] = root_handlers


# --- tracker run (the embedded scheduler) ---------------------------------------------------

DEMO_MEETING = date(2026, 12, 16)  # 3rd Wednesday; its reminder is due Mon 14 Dec 09:00


def demo_units_reminded_for(meeting: date) -> dict[str, set[tuple[int, int]]]:
    """Unit -> (measure, number) of its open tasks started by ``meeting``, from the demo plan:
    a task of the "every unit" group counts for every ordinary unit."""
    plan = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    ordinary = [u["name"] for u in plan["units"] if not u["all_units"]]
    groups = {u["name"] for u in plan["units"] if u["all_units"]}
    series = plan["meeting_series"][0]["name"]
    wanted: dict[str, set[tuple[int, int]]] = {}
    for position, measure in enumerate(plan["measures"], start=1):
        for task in measure["tasks"]:
            start = task["start"] and date.fromisoformat(task["start"])
            if (
                task["follow_up"] != series
                or task["status"] not in ("not_started", "in_progress")
                or (start and start > meeting)
            ):
                continue
            units = ordinary if groups & set(task["units"]) else task["units"]
            for unit in units:
                wanted.setdefault(unit, set()).add((position, task["number"]))
    return wanted


def test_tracker_run_sends_the_due_reminders_and_stores_no_job_in_the_database(
    demo_cli, database_url: str, outbox_dir: Path, in_process_scheduler
) -> None:
    now = datetime(2026, 12, 14, 9, 30, tzinfo=BANGKOK)
    assert bangkok(working_days_before(DEMO_MEETING, 2), 9) <= now < bangkok(DEMO_MEETING, 9)
    demo_cli.env(TRACKER_NOW=now.isoformat(), TRACKER_OUTBOX_DIR=str(outbox_dir))
    ids = {
        (row["measure"], row["number"]): row["id"] for row in demo_cli.ok("tasks", "--json").json()
    }
    expected = demo_units_reminded_for(DEMO_MEETING)
    assert len(expected) == 4  # the education unit only through the "every unit" task

    started = demo_cli.ok("run", "--for", "3")

    assert "เริ่มตัวจัดตารางงาน" in started.stdout
    assert "หยุดตัวจัดตารางงานแล้ว" in started.stdout
    rows = outbox(demo_cli)
    reminders = [
        r
        for r in rows
        if r["job"] == "meeting-reminder" and r["occurrence"].split("/")[1] == str(DEMO_MEETING)
    ]
    assert all(r["status"] == "sent" for r in reminders), reminders
    seen: dict[str, set[int]] = {}
    for row in reminders:
        assert thai_date(DEMO_MEETING) in row["subject"]
        written = message_file(outbox_dir, row).read_text(encoding="utf-8")
        (unit,) = re.findall(r"^เรียน (.+)$", written, flags=re.MULTILINE)
        seen[unit] = listed_task_ids(written)
    assert seen == {unit: {ids[key] for key in keys} for unit, keys in expected.items()}

    # The jobs come from the catalogue: nothing pickled in a table for anyone to rewrite.
    engine = create_engine(database_url)
    try:
        assert "apscheduler_jobs" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()

    files = snapshot(outbox_dir)
    again = demo_cli.ok("run", "--for", "3")

    assert "หยุดตัวจัดตารางงานแล้ว" in again.stdout
    assert outbox(demo_cli) == rows
    assert snapshot(outbox_dir) == files


class _Scheduler:
    """`tracker run` as a real process, its output lines read by two threads."""

    def __init__(self, tracker_bin: str, tmp_path: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        env.update(
            TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'scheduler.db'}",
            TRACKER_OUTBOX_DIR=str(tmp_path / "outbox"),
            TRACKER_LANG="th",
        )
        # A new database on purpose: `tracker run` never makes one from a mistyped path.
        subprocess.run([tracker_bin, "db", "upgrade"], env=env, check=True, capture_output=True)
        self.process = subprocess.Popen(
            [tracker_bin, "run"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.readers = [
            threading.Thread(target=self._pump, args=(name, stream), daemon=True)
            for name, stream in (("stdout", self.process.stdout), ("stderr", self.process.stderr))
        ]
        for reader in self.readers:
            reader.start()
        self.seen: list[tuple[str, str]] = []

    def _pump(self, name: str, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.lines.put((name, line))

    def wait_for(self, stream: str, words: str, seconds: float = 60) -> None:
        """Read lines until ``words`` appears on ``stream``; fail after ``seconds``."""
        deadline = datetime.now() + timedelta(seconds=seconds)
        while datetime.now() < deadline:
            try:
                name, line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append((name, line))
            if name == stream and words in line:
                return
        self.kill()
        pytest.fail(f"`tracker run` never printed {words!r}; it printed {self.seen}")

    def terminate(self, seconds: float = 30) -> tuple[int, str]:
        """SIGTERM; the exit code (within ``seconds``) and the stdout printed after."""
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"`tracker run` did not stop within {seconds} s of SIGTERM")
        for reader in self.readers:
            reader.join(timeout=10)
        after = []
        while not self.lines.empty():
            name, line = self.lines.get()
            self.seen.append((name, line))
            if name == "stdout":
                after.append(line)
        return code, "".join(after)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)


def test_tracker_run_stops_cleanly_on_sigterm_once_the_scheduler_is_running(
    tracker_bin: str, tmp_path: Path
) -> None:
    scheduler = _Scheduler(tracker_bin, tmp_path)
    # The scheduler's log line once its triggers have taken over (the catch-up is done).
    scheduler.wait_for("stderr", "ตัวจัดตารางงานทำงานตามกำหนดแล้ว")

    code, after = scheduler.terminate()

    assert code == 0, scheduler.seen
    assert "หยุดตัวจัดตารางงานแล้ว" in after


def test_tracker_run_stops_cleanly_on_sigterm_as_soon_as_it_says_it_started(
    tracker_bin: str, tmp_path: Path
) -> None:
    """A service manager may stop the scheduler right after it announces itself."""
    scheduler = _Scheduler(tracker_bin, tmp_path)
    scheduler.wait_for("stdout", "เริ่มตัวจัดตารางงาน")  # the CLI's own "started" line

    code, after = scheduler.terminate()

    assert code == 0, scheduler.seen
    assert "หยุดตัวจัดตารางงานแล้ว" in after


def test_tracker_run_shows_the_database_without_its_password(
    cli, backend: str, database_url: str, in_process_scheduler
) -> None:
    # PostgreSQL here trusts every local connection, so a password in the URL is accepted
    # and ignored: enough to see that it is never printed.
    url = make_url(database_url)
    if backend == "postgresql":
        url = url.set(password="hunter2-secret")
    cli.env(TRACKER_DATABASE_URL=url.render_as_string(hide_password=False), TRACKER_LANG="en")

    started = cli.ok("run", "--for", "1")

    assert "hunter2-secret" not in started.stdout + started.stderr
    (line,) = [x for x in started.stdout.splitlines() if x.startswith("scheduler started")]
    if backend == "postgresql":
        assert f"{url.username}:***@{url.host}" in line
    else:
        assert str(url.database) in line


def test_tracker_run_waits_for_a_database_that_is_not_there_yet_then_runs(
    monkeypatch, in_process_scheduler
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import OperationalError

    from tracker.followup import scheduler

    tries: list[str] = []
    ran: list[str] = []

    def prepare() -> None:
        tries.append("open")
        if len(tries) < 3:
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(scheduler, "RETRY_FIRST_SECONDS", 0.01)
    monkeypatch.setattr(scheduler, "_run_once", ran.append)
    monkeypatch.setattr(scheduler, "build_scheduler", lambda *_a, **_k: _IdleScheduler())

    scheduler.run_forever("Asia/Bangkok", seconds=0.1, prepare=prepare)

    assert tries == ["open", "open", "open"]
    assert ran == list(JOB_IDS)  # the catch-up, once the database answered


def test_a_job_that_finds_the_database_down_is_retried_and_the_run_goes_on(
    monkeypatch, in_process_scheduler, caplog
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import OperationalError

    from tracker.errors import SchemaTooNew
    from tracker.followup import scheduler

    failures = {"dispatch": 2}
    ran: list[str] = []

    def run_once(job_id: str) -> None:
        if failures.get(job_id, 0) > 0:
            failures[job_id] -= 1
            raise OperationalError("UPDATE outbox", {}, Exception("server closed the connection"))
        ran.append(job_id)

    monkeypatch.setattr(scheduler, "RETRY_FIRST_SECONDS", 0.01)
    monkeypatch.setattr(scheduler, "_run_once", run_once)
    monkeypatch.setattr(scheduler, "build_scheduler", lambda *_a, **_k: _IdleScheduler())

    with caplog.at_level("WARNING", logger="tracker.scheduler"):
        scheduler.run_forever("Asia/Bangkok", seconds=0.1)

    assert ran == list(JOB_IDS)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 2
    assert all("server closed the connection" in w and "trying again" in w for w in warnings)

    def too_new(_job_id: str) -> None:
        raise SchemaTooNew("database has schema revision '9999'")

    monkeypatch.setattr(scheduler, "_run_once", too_new)
    with pytest.raises(SchemaTooNew):
        scheduler.run_forever("Asia/Bangkok", seconds=0.1)


class _IdleScheduler:
    """Stands in for APScheduler where a test is about the catch-up only."""

    def add_listener(self, *_args: object) -> None: ...

    def start(self) -> None: ...

    def shutdown(self, wait: bool = True) -> None: ...


def test_tracker_run_for_a_while_gives_up_on_a_database_that_never_answers(
    cli, in_process_scheduler
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cli.env(TRACKER_DATABASE_URL=f"postgresql+psycopg://postgres:pw-42@127.0.0.1:{port}/x")

    refused = cli("run", "--for", "1")

    assert refused.exit_code == 1
    assert (
        refused.stderr.strip().splitlines()[-1] == "error: the database did not answer within 1 s"
    )
    assert "pw-42" not in refused.stdout + refused.stderr
