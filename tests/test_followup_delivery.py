"""Follow-up delivery end to end: the seed plan, the real jobs and ledger, real servers.

Every test imports the seed report (../shared/seeds) into its own database, on SQLite and
(with TRACKER_TEST_DATABASE_URL) on PostgreSQL, runs the queueing jobs and the dispatcher at
explicit moments, and delivers to servers started here on 127.0.0.1: an aiosmtpd SMTP server
and http.server endpoints for the webhook and Apprise channels. Nothing is mocked.

Expected values come from the seed (seed-expected.json), domain.md and the `holidays`
package. The calendar facts these tests lean on, for the seed's meeting of Wednesday
2 August 2023 (วันเข้าพรรษา): 28 July (the King's birthday), 31 July (a special day off) and
1 August (อาสาฬหบูชา) are holidays, so its reminder (2 working days before, 09:00) is due on
Wednesday 26 July 09:00 and its progress report (1 working day before, 08:00) on Thursday
27 July 08:00. The tests check these facts against `holidays` rather than trusting them.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from aiosmtpd.controller import Controller
from conftest import SEED_EXPECTED, SEED_REPORT
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from thai_words import thai_short_date

from tracker.config import Settings
from tracker.db import unit_of_work
from tracker.followup.catalogue import JOBS, JobRun
from tracker.followup.delivery import make_sender
from tracker.followup.jobs import JobResult, Options
from tracker.followup.jobs.dispatch import dispatch_outbox as dispatch_job
from tracker.followup.jobs.meeting_reminders import meeting_reminders
from tracker.followup.ledger import BACKOFF
from tracker.importers import read_source
from tracker.models import (
    HolidayPolicy,
    MeetingSeries,
    Organization,
    OutboxMessage,
    OutboxStatus,
    SeriesRecipient,
    Task,
    Unit,
    UnitContact,
)
from tracker.notify import Message, PermanentFailure
from tracker.notify.smtp import SmtpTransport
from tracker.services.plan_import import import_plan
from tracker.services.units import add_unit

BKK = ZoneInfo("Asia/Bangkok")
SEED = SEED_REPORT
EXPECTED = SEED_EXPECTED
MEETINGS_FY2566 = [date.fromisoformat(d) for d in EXPECTED["meetings_fy2566"]]
SECRETARIAT = EXPECTED["units"][0]["name"]
ORGANIZATION = EXPECTED["organization"]["name"]
IMPORTED_AT = datetime(2022, 10, 1, 0, 0, tzinfo=BKK)

# A series' default follow-up timing (tracker.models.MeetingSeries; the seed sets none).
REMINDER_DAYS, REMINDER_TIME = 2, time(9, 0)
REPORT_DAYS, REPORT_TIME = 1, time(8, 0)

HOLIDAY_MEETING = date(2023, 8, 2)  # วันเข้าพรรษา: held under the seed's "flag" policy
MEETING_BEFORE = date(2023, 7, 19)
TWO_BEFORE = date(2023, 7, 5)
REMINDER_MOMENT = datetime(2023, 7, 26, 9, 30, tzinfo=BKK)  # just after the reminder is due
REPORT_MOMENT = datetime(2023, 8, 1, 8, 30, tzinfo=BKK)  # after the report's due time

UNIT_MAIL = "secretariat@phrae-pao.example"
SECRETARY_MAIL = "ita-secretary@phrae-pao.example"


# --- the calendar, from the holidays package ---------------------------------------------------


@cache
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.Thailand(years=year, language="th")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_days_before(day: date, count: int) -> date:
    current = day
    while count:
        current -= timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current


def reminder_due(meeting: date) -> datetime:
    return datetime.combine(working_days_before(meeting, REMINDER_DAYS), REMINDER_TIME, BKK)


def report_due(meeting: date) -> datetime:
    return datetime.combine(working_days_before(meeting, REPORT_DAYS), REPORT_TIME, BKK)


def thai_day(day: date) -> str:
    return thai_short_date(day)


def test_the_calendar_facts_these_tests_rely_on_hold_in_the_holidays_package() -> None:
    assert HOLIDAY_MEETING in _holidays(2023)
    assert _holidays(2023)[HOLIDAY_MEETING] == EXPECTED["holiday_meetings_fy2566"]["2023-08-02"]
    for day in (date(2023, 7, 28), date(2023, 7, 31), date(2023, 8, 1)):
        assert not is_working_day(day), day
    assert is_working_day(date(2023, 7, 26))
    assert is_working_day(date(2023, 7, 27))
    assert reminder_due(HOLIDAY_MEETING) == datetime(2023, 7, 26, 9, 0, tzinfo=BKK)
    assert report_due(HOLIDAY_MEETING) == datetime(2023, 7, 27, 8, 0, tzinfo=BKK)
    assert reminder_due(HOLIDAY_MEETING) < REMINDER_MOMENT < report_due(HOLIDAY_MEETING)
    assert (
        report_due(HOLIDAY_MEETING)
        < REPORT_MOMENT
        < datetime.combine(HOLIDAY_MEETING, time(9, 0), BKK)
    )


# --- the seed in the database ------------------------------------------------------------------


def squash(text: str) -> str:
    return "".join(text.split())


@dataclass(frozen=True)
class Seed:
    organization_id: int
    unit_id: int  # the secretariat
    unit_name: str
    series_id: int
    series_name: str
    task_ids: dict[int, int]  # step number -> task id

    def tasks_of_secretariat(self) -> set[int]:
        """Every step is the secretariat's: 3 and 4 through "every unit", the rest by name."""
        return set(self.task_ids.values())


@pytest.fixture
def seed(session_factory: sessionmaker[Session]) -> Seed:
    document = read_source(SEED, merge_similar_units=True).document
    with unit_of_work(session_factory) as session:
        import_plan(session, document, now=IMPORTED_AT, actor="test")
    with session_factory() as session:
        organization = session.scalars(select(Organization)).one()
        assert squash(organization.name) == squash(ORGANIZATION)
        units = [u for u in session.scalars(select(Unit)) if u.merged_into_id is None]
        secretariat = next(
            u for u in units if not u.all_units and squash(u.name) == squash(SECRETARIAT)
        )
        assert [u for u in units if not u.all_units] == [secretariat]
        series = session.scalars(select(MeetingSeries)).one()
        tasks = {t.number: t.id for t in session.scalars(select(Task))}
        assert sorted(tasks) == [1, 2, 3, 4, 5, 6, 7]
        return Seed(
            organization.id, secretariat.id, secretariat.name, series.id, series.name, tasks
        )


def add_contact(
    factory: sessionmaker[Session], unit_id: int, channel: str, address: str, role: str = "unit"
) -> None:
    with unit_of_work(factory) as session:
        session.add(UnitContact(unit_id=unit_id, channel=channel, address=address, role=role))


def add_desks(factory: sessionmaker[Session], unit_id: int, count: int) -> list[str]:
    """``count`` e-mail contacts for one unit (desk0@…, desk1@…): their addresses."""
    addresses = [f"desk{n}@phrae-pao.example" for n in range(count)]
    for address in addresses:
        add_contact(factory, unit_id, "email", address)
    return addresses


def add_recipient(factory: sessionmaker[Session], series_id: int, channel: str, address: str):
    with unit_of_work(factory) as session:
        session.add(SeriesRecipient(series_id=series_id, channel=channel, address=address))


def set_series(factory: sessionmaker[Session], series_id: int, **values: Any) -> None:
    with unit_of_work(factory) as session:
        series = session.get(MeetingSeries, series_id)
        assert series is not None
        for name, value in values.items():
            setattr(series, name, value)


def _no_sender() -> Any:
    raise AssertionError("a queueing job asked for a sender")


def dispatch_outbox(
    factory: sessionmaker[Session],
    now: datetime,
    send: Any,
    *,
    worker: str,
    should_stop: Any = None,
    threads: int = 1,
) -> JobResult:
    """The catalogue's dispatch job with this sender (the tests' shorthand)."""
    return dispatch_job(
        factory=factory,
        now=now,
        options=Options(),
        send=lambda: send,
        worker=worker,
        should_stop=should_stop,
        threads=threads,
    )


def queue_all(factory: sessionmaker[Session], now: datetime) -> list[JobResult]:
    """Every queueing job of the catalogue, in its order, at ``now``."""
    run = JobRun(factory, now, Options(), worker="test", sender=_no_sender)
    return [job.run(run) for job in JOBS if job.kind is not None]


def run_all(
    factory: sessionmaker[Session], now: datetime, send: Any, worker: str = "test"
) -> tuple[list[JobResult], JobResult]:
    queued = queue_all(factory, now)
    return queued, dispatch_outbox(factory, now, send, worker=worker)


def outbox(factory: sessionmaker[Session]) -> list[OutboxMessage]:
    with factory() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def snapshot(factory: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    return [
        (
            m.id,
            m.job,
            m.occurrence,
            m.recipient,
            m.channel,
            m.status,
            m.attempts,
            m.sent_at,
            m.due_at,
            m.subject,
        )
        for m in outbox(factory)
    ]


def the(rows: list[OutboxMessage], job: str, meeting_or_week: str) -> list[OutboxMessage]:
    """The messages of ``job`` about one meeting (or week): the occurrence's second part."""
    return [m for m in rows if m.job == job and m.occurrence.split("/")[1] == meeting_or_week]


def task_ids_in(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"#(\d+)\b", text)}


def week_of(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


# --- a real SMTP server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Mail:
    sender: str
    recipients: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)  # type: ignore[return-value]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, content_type: str) -> EmailMessage:
        found = [p for p in self.message.walk() if p.get_content_type() == content_type]
        assert len(found) == 1, f"{len(found)} {content_type} parts"
        return found[0]  # type: ignore[return-value]


class SmtpServer:
    """aiosmtpd on 127.0.0.1, keeping every message it accepts; stoppable and restartable."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.mails: list[Mail] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.mails.append(
                Mail(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.mails if address in m.recipients]

    def settings(self, outbox_dir: Path) -> Settings:
        return Settings(
            smtp_host="127.0.0.1", smtp_port=self.port, outbox_dir=outbox_dir, send_timeout=10
        )


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down() -> Iterator[SmtpServer]:
    """A server on a free port that is not started yet: nothing listens there."""
    server = SmtpServer(free_port())
    yield server
    server.stop()


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


# --- 1. a real SMTP server ----------------------------------------------------------------------


def test_the_unit_gets_its_thai_reminder_by_mail_and_the_secretary_gets_the_progress_report(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    add_recipient(session_factory, seed.series_id, "email", SECRETARY_MAIL)
    send = make_sender(smtp.settings(tmp_path / "outbox").notify())

    run_all(session_factory, REMINDER_MOMENT, send)

    # The reminder for 2 Aug and this Monday's overdue digest go to the unit; nothing to the
    # secretary yet: the report is due on 27 July.
    assert smtp.to(SECRETARY_MAIL) == []
    assert len(smtp.mails) == 2
    assert all(mail.recipients == (UNIT_MAIL,) for mail in smtp.mails)
    reminder = next(m for m in smtp.mails if "ขอรายงานความคืบหน้า" in m.subject)
    digest = next(m for m in smtp.mails if "งานเกินกำหนด" in m.subject)
    expected_subject = (
        f"[ITA] ขอรายงานความคืบหน้าก่อน{seed.series_name} {thai_day(HOLIDAY_MEETING)} 09:00 น."
    )
    assert reminder.subject == expected_subject
    assert reminder.message["To"] == UNIT_MAIL
    raw_subject = re.search(rb"^Subject: (.*(?:\r?\n[ \t].*)*)", reminder.raw, re.MULTILINE)
    assert raw_subject is not None
    assert raw_subject.group(1).isascii()
    assert b"=?utf-8?" in raw_subject.group(1).lower()
    assert reminder.message.get_content_type() == "multipart/alternative"
    text_part, html_part = reminder.part("text/plain"), reminder.part("text/html")
    assert text_part.get_content_charset() == "utf-8"
    assert html_part.get_content_charset() == "utf-8"
    text, html = text_part.get_content(), html_part.get_content()
    assert squash(seed.unit_name) in squash(text)
    assert "ส.ค. 2566" in text
    assert task_ids_in(text) == seed.tasks_of_secretariat()
    assert task_ids_in(html) == seed.tasks_of_secretariat()
    hint = re.search(r'tracker done (\d+) --by "([^"]+)"', text)
    assert hint is not None
    assert int(hint.group(1)) in seed.tasks_of_secretariat()
    assert hint.group(2) == seed.unit_name
    assert f"tracker done {hint.group(1)} --by" in html
    # Steps 1, 2 (Nov 2565) and 5 (Jan-Mar 2566) are overdue on 24 July 2023.
    overdue = {seed.task_ids[n] for n in (1, 2, 5)}
    assert task_ids_in(digest.part("text/plain").get_content()) == overdue
    assert digest.subject.startswith("[ITA] งานเกินกำหนดของ")
    assert "(3 " in digest.subject

    run_all(session_factory, REPORT_MOMENT, send)

    reports = smtp.to(SECRETARY_MAIL)
    assert len(reports) == 1
    report = reports[0]
    assert report.recipients == (SECRETARY_MAIL,)
    assert report.subject == (
        f"[ITA] รายงานผลการดำเนินการ สำหรับ{seed.series_name} {thai_day(HOLIDAY_MEETING)}"
    )
    report_text = report.part("text/plain").get_content()
    assert report.part("text/plain").get_content_charset() == "utf-8"
    assert report.part("text/html").get_content_charset() == "utf-8"
    assert task_ids_in(report_text) == seed.tasks_of_secretariat()
    assert task_ids_in(report.part("text/html").get_content()) == seed.tasks_of_secretariat()
    assert "0/7" in report_text
    # Besides the report only the next Monday's digest (31 July) went out; no second reminder.
    assert len(smtp.mails) == 4
    assert len([m for m in smtp.mails if "ขอรายงานความคืบหน้า" in m.subject]) == 1
    rows = outbox(session_factory)
    (sent_report,) = the(rows, "progress-report", HOLIDAY_MEETING.isoformat())
    assert sent_report.status is OutboxStatus.SENT
    assert sent_report.due_at == report_due(HOLIDAY_MEETING)
    (sent_reminder,) = the(rows, "meeting-reminder", HOLIDAY_MEETING.isoformat())
    assert sent_reminder.due_at == reminder_due(HOLIDAY_MEETING)
    assert sent_reminder.sent_at == REMINDER_MOMENT


# --- 2. never twice -----------------------------------------------------------------------------


def test_running_every_job_twice_at_the_same_moment_sends_nothing_twice(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    add_recipient(session_factory, seed.series_id, "email", SECRETARY_MAIL)
    send = make_sender(smtp.settings(tmp_path / "outbox").notify())
    run_all(session_factory, REMINDER_MOMENT, send)
    mails, rows = len(smtp.mails), snapshot(session_factory)
    assert mails == 2

    queued, dispatched = run_all(session_factory, REMINDER_MOMENT, send)

    assert len(smtp.mails) == mails
    assert snapshot(session_factory) == rows
    assert sum(r.queued + r.missed for r in queued) == 0
    assert dispatched.sent == 0

    later = REMINDER_MOMENT + timedelta(hours=1)
    queued, dispatched = run_all(session_factory, later, send)

    assert len(smtp.mails) == mails
    assert snapshot(session_factory) == rows
    assert sum(r.queued + r.missed for r in queued) == 0
    assert dispatched.sent == 0


def test_each_job_reports_what_it_queued_and_what_it_found_missed(
    session_factory: sessionmaker[Session], seed: Seed
) -> None:
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    add_recipient(session_factory, seed.series_id, "email", SECRETARY_MAIL)

    first = {r.job: r for r in queue_all(session_factory, REMINDER_MOMENT)}

    # Reminders: 2 Aug queued; 5 and 19 July (inside LOOKBACK, meetings held) missed.
    reminders = first["meeting-reminders"]
    assert (reminders.queued, reminders.missed) == (1, 2)
    assert sorted((i["address"], i["missed"]) for i in reminders.items) == [
        (UNIT_MAIL, False),
        (UNIT_MAIL, True),
        (UNIT_MAIL, True),
    ]
    reports = first["progress-reports"]
    assert (reports.queued, reports.missed) == (0, 2)
    assert {i["address"] for i in reports.items} == {SECRETARY_MAIL}
    digests = first["overdue-digests"]
    assert (digests.queued, digests.missed) == (1, 0)
    assert sum(r.queued + r.missed for r in first.values()) == len(outbox(session_factory))

    again = queue_all(session_factory, REMINDER_MOMENT)
    assert sum(r.queued + r.missed for r in again) == 0
    assert [i for r in again for i in r.items] == []


def test_two_dispatchers_at_once_deliver_every_message_exactly_once(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    addresses = add_desks(session_factory, seed.unit_id, 8)
    queue_all(session_factory, REMINDER_MOMENT)
    pending = [m for m in outbox(session_factory) if m.status is OutboxStatus.PENDING]
    assert len(pending) == 2 * len(addresses)  # the 2 Aug reminder and the digest, each
    settings = smtp.settings(tmp_path / "outbox")
    start = threading.Barrier(2)

    def dispatcher(worker: str) -> JobResult:
        send = make_sender(settings.notify())
        start.wait()
        return dispatch_outbox(session_factory, REMINDER_MOMENT, send, worker=worker)

    with ThreadPoolExecutor(2) as pool:
        results = [f.result() for f in [pool.submit(dispatcher, w) for w in ("one", "two")]]

    assert sum(r.sent for r in results) == len(pending)
    assert sum(r.failed + r.retrying for r in results) == 0
    assert len(smtp.mails) == len(pending)
    delivered = [(m.recipients, m.subject) for m in smtp.mails]
    assert len(set(delivered)) == len(delivered)
    assert {m.recipients[0] for m in smtp.mails} == set(addresses)
    for row in outbox(session_factory):
        if row.id in {p.id for p in pending}:
            assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)


def test_a_dispatch_on_four_threads_mails_each_address_once(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    addresses = add_desks(session_factory, seed.unit_id, 12)
    settings = smtp.settings(tmp_path / "outbox").model_copy(update={"dispatch_threads": 4})
    queue_all(session_factory, REMINDER_MOMENT)

    result = dispatch_outbox(
        session_factory,
        REMINDER_MOMENT,
        make_sender(settings.notify()),
        worker="test",
        threads=settings.dispatch_threads,
    )

    # Each desk: the 2 Aug reminder and this week's overdue digest (the July reminders and
    # reports were missed).
    assert (result.sent, result.failed, result.retrying) == (2 * len(addresses), 0, 0)
    for address in addresses:
        subjects = sorted(m.subject for m in smtp.to(address))
        assert len(subjects) == 2, address
        assert subjects[0].startswith("[ITA] ขอรายงานความคืบหน้าก่อน"), subjects  # ข before ง
        assert subjects[1].startswith("[ITA] งานเกินกำหนดของ"), subjects


def test_two_schedulers_at_once_queue_each_message_once_and_send_it_once(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    addresses = add_desks(session_factory, seed.unit_id, 3)
    add_recipient(session_factory, seed.series_id, "email", SECRETARY_MAIL)
    settings = smtp.settings(tmp_path / "outbox")
    start = threading.Barrier(2)

    def scheduler(worker: str) -> tuple[list[JobResult], JobResult]:
        send = make_sender(settings.notify())
        start.wait()
        return run_all(session_factory, REMINDER_MOMENT, send, worker=worker)

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(scheduler, w) for w in ("a", "b")]
        errors = [repr(f.exception())[:300] for f in futures if f.exception() is not None]
    # Whatever happened to either scheduler, nothing may be queued or sent twice...
    rows = outbox(session_factory)
    keys = [(m.job, m.occurrence, m.recipient, m.channel) for m in rows]
    # Per address: the reminders of 5 and 19 July missed, that of 2 Aug and the digest sent;
    # the reports of 5 and 19 July missed, to the one secretary.
    assert len(keys) == len(set(keys)) == 4 * len(addresses) + 2
    delivered = [(m.recipients, m.subject) for m in smtp.mails]
    assert len(set(delivered)) == len(delivered)
    assert smtp.to(SECRETARY_MAIL) == []
    # ...and the second scheduler is a no-op, not a crash.
    assert errors == []
    results = [f.result() for f in futures]
    assert len(smtp.mails) == 2 * len(addresses)
    assert sum(d.sent for _, d in results) == 2 * len(addresses)
    queued = [r for jobs, _ in results for r in jobs]
    assert sum(r.queued for r in queued) == 2 * len(addresses)
    assert sum(r.missed for r in queued) == 2 * len(addresses) + 2


# --- 3. the seed over FY2566 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "meetings"),
    [
        (HolidayPolicy.FLAG, MEETINGS_FY2566),
        (
            HolidayPolicy.MOVE,
            [date(2023, 8, 3) if d == HOLIDAY_MEETING else d for d in MEETINGS_FY2566],
        ),
        (HolidayPolicy.SKIP, [d for d in MEETINGS_FY2566 if d != HOLIDAY_MEETING]),
    ],
    ids=["flag", "move", "skip"],
)
def test_fy2566_gives_one_progress_report_per_meeting_held_under_the_holiday_policy(
    session_factory: sessionmaker[Session],
    seed: Seed,
    tmp_path: Path,
    policy: HolidayPolicy,
    meetings: list[date],
) -> None:
    assert len(meetings) == {"flag": 28, "move": 28, "skip": 27}[policy.value]
    set_series(session_factory, seed.series_id, holiday_policy=policy)
    outbox_dir = tmp_path / "outbox"
    send = make_sender(Settings(outbox_dir=outbox_dir).notify())

    for meeting in meetings:
        run_all(session_factory, report_due(meeting), send)

    reports = [m for m in outbox(session_factory) if m.job == "progress-report"]
    assert sorted(m.occurrence for m in reports) == sorted(
        f"{seed.series_id}/{d.isoformat()}" for d in meetings
    )
    for row in reports:
        meeting = date.fromisoformat(row.occurrence.split("/")[1])
        assert row.due_at == report_due(meeting), meeting
        assert row.status is OutboxStatus.SENT, meeting
        assert row.subject.endswith(thai_day(meeting))
    assert len(list(outbox_dir.rglob("*progress-report*"))) == len(meetings)


# --- 4. a three-week outage ---------------------------------------------------------------------


def test_after_a_three_week_outage_useful_reminders_go_once_and_passed_ones_are_missed(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    # Five working days' notice: the 2 Aug reminder falls inside the outage (21 July) while
    # its meeting is still ahead when the scheduler comes back.
    set_series(session_factory, seed.series_id, reminder_days=5)
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    add_recipient(session_factory, seed.series_id, "email", SECRETARY_MAIL)
    send = make_sender(smtp.settings(tmp_path / "outbox").notify())
    before = datetime(2023, 7, 2, 12, 0, tzinfo=BKK)  # last run before the outage
    back = datetime(2023, 7, 24, 10, 0, tzinfo=BKK)
    late_reminder = datetime.combine(working_days_before(HOLIDAY_MEETING, 5), REMINDER_TIME, BKK)
    assert before < late_reminder < back
    assert datetime.combine(working_days_before(TWO_BEFORE, 5), REMINDER_TIME, BKK) < before
    assert before < report_due(TWO_BEFORE)
    assert report_due(MEETING_BEFORE) < back
    run_all(session_factory, before, send)
    (early,) = the(outbox(session_factory), "meeting-reminder", TWO_BEFORE.isoformat())
    assert early.status is OutboxStatus.SENT
    mails_before = len(smtp.mails)

    queued, _ = run_all(session_factory, back, send)

    new = [m for m in outbox(session_factory) if m.created_at == back]
    by_key = {(m.job, m.occurrence.split("/")[1]): m for m in new}
    assert len(by_key) == len(new)
    week = week_of(back.date())
    assert set(by_key) == {
        ("meeting-reminder", HOLIDAY_MEETING.isoformat()),
        ("meeting-reminder", MEETING_BEFORE.isoformat()),
        ("progress-report", TWO_BEFORE.isoformat()),
        ("progress-report", MEETING_BEFORE.isoformat()),
        ("overdue-digest", week),
    }
    reminder = by_key["meeting-reminder", HOLIDAY_MEETING.isoformat()]
    assert reminder.due_at == late_reminder
    assert (reminder.status, reminder.attempts, reminder.sent_at) == (OutboxStatus.SENT, 1, back)
    assert by_key["overdue-digest", week].status is OutboxStatus.SENT
    for key in [
        ("meeting-reminder", MEETING_BEFORE.isoformat()),
        ("progress-report", TWO_BEFORE.isoformat()),
        ("progress-report", MEETING_BEFORE.isoformat()),
    ]:
        missed = by_key[key]
        assert (missed.status, missed.attempts, missed.sent_at) == (OutboxStatus.MISSED, 0, None)
    new_mails = smtp.mails[mails_before:]
    assert len(new_mails) == 2
    assert [m.subject for m in new_mails].count(reminder.subject) == 1
    assert smtp.to(SECRETARY_MAIL) == []
    (early_again,) = the(outbox(session_factory), "meeting-reminder", TWO_BEFORE.isoformat())
    assert (early_again.status, early_again.attempts) == (OutboxStatus.SENT, 1)

    rows = snapshot(session_factory)
    for again in (back, back + timedelta(minutes=15)):
        requeued, dispatched = run_all(session_factory, again, send)
        assert sum(r.queued + r.missed for r in requeued) == 0
        assert dispatched.sent == 0
    assert snapshot(session_factory) == rows
    assert len(smtp.mails) == mails_before + 2
    # What the run at `back` reports: the reminder and the digest queued, three missed.
    assert sum(r.queued for r in queued) == 2
    assert sum(r.missed for r in queued) == 3


# --- 5. SMTP down, then up ----------------------------------------------------------------------


def test_mail_waits_while_the_smtp_server_is_down_and_goes_out_once_it_is_back(
    session_factory: sessionmaker[Session], seed: Seed, smtp_down: SmtpServer, tmp_path: Path
) -> None:
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    send = make_sender(smtp_down.settings(tmp_path / "outbox").notify())

    _, first = run_all(session_factory, REMINDER_MOMENT, send)

    waiting = [m for m in outbox(session_factory) if m.status is OutboxStatus.PENDING]
    assert len(waiting) == 2
    assert first.retrying == 2
    assert first.sent == 0
    for row in waiting:
        assert row.attempts == 1
        assert row.last_error
        assert str(smtp_down.port) in row.last_error
        assert row.next_attempt_at == REMINDER_MOMENT + BACKOFF[0]
        assert row.sent_at is None

    too_early = dispatch_outbox(
        session_factory, REMINDER_MOMENT + timedelta(seconds=30), send, worker="test"
    )
    assert too_early.sent + too_early.retrying + too_early.failed == 0

    smtp_down.start()
    back = REMINDER_MOMENT + timedelta(minutes=2)
    second = dispatch_outbox(session_factory, back, send, worker="test")

    assert second.sent == 2
    for row in outbox(session_factory):
        if row.id in {w.id for w in waiting}:
            assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.SENT, 2, back)
            assert row.last_error is None
    assert sorted(m.subject for m in smtp_down.mails) == sorted(w.subject for w in waiting)


def test_a_message_that_keeps_failing_is_failed_listed_and_can_be_retried_by_hand(
    cli: Any,
    session_factory: sessionmaker[Session],
    seed: Seed,
    smtp_down: SmtpServer,
    tmp_path: Path,
) -> None:
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    send = make_sender(smtp_down.settings(tmp_path / "outbox").notify())
    queue_all(session_factory, REMINDER_MOMENT)
    (reminder,) = the(outbox(session_factory), "meeting-reminder", HOLIDAY_MEETING.isoformat())
    assert reminder.status is OutboxStatus.PENDING

    moment = REMINDER_MOMENT
    for attempt in range(1, len(BACKOFF) + 2):
        dispatch_outbox(session_factory, moment, send, worker="test")
        row = next(m for m in outbox(session_factory) if m.id == reminder.id)
        assert row.attempts == attempt
        if attempt <= len(BACKOFF):
            assert row.status is OutboxStatus.PENDING
            assert row.next_attempt_at == moment + BACKOFF[attempt - 1]
            idle = dispatch_outbox(
                session_factory, row.next_attempt_at - timedelta(seconds=1), send, worker="test"
            )
            assert idle.sent + idle.retrying + idle.failed == 0
            moment = row.next_attempt_at
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == len(BACKOFF) + 1
    assert row.last_error
    assert "127.0.0.1" in row.last_error
    assert smtp_down.mails == []

    settle = moment + timedelta(hours=1)
    cli.env(
        TRACKER_SMTP_HOST="127.0.0.1",
        TRACKER_SMTP_PORT=str(smtp_down.port),
        TRACKER_OUTBOX_DIR=str(tmp_path / "outbox"),
        TRACKER_NOW=settle.isoformat(),
    )
    failed = cli.ok("outbox", "--failed", "--json").json()
    listed = {r["id"]: r for r in failed}
    assert reminder.id in listed
    assert all(r["status"] == "failed" for r in failed)
    assert listed[reminder.id]["attempts"] == len(BACKOFF) + 1
    assert listed[reminder.id]["last_error"] == row.last_error
    assert listed[reminder.id]["recipient"] == UNIT_MAIL

    cli.ok("outbox", "retry", str(reminder.id))
    retried = next(m for m in outbox(session_factory) if m.id == reminder.id)
    assert (retried.status, retried.attempts) == (OutboxStatus.PENDING, 0)

    smtp_down.start()
    result = cli.ok("jobs", "run", "dispatch", "--now", settle.isoformat(), "--json").json()

    assert result["sent"] == 1
    assert [m.subject for m in smtp_down.mails] == [reminder.subject]
    done = next(m for m in outbox(session_factory) if m.id == reminder.id)
    assert done.status is OutboxStatus.SENT
    assert reminder.id not in {r["id"] for r in cli.ok("outbox", "--failed", "--json").json()}


# --- 6. a broken address ------------------------------------------------------------------------


def test_a_broken_address_fails_at_once_while_the_next_unit_gets_its_mail(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    with unit_of_work(session_factory) as session:
        organization = session.get(Organization, seed.organization_id)
        assert organization is not None
        finance_id = add_unit(session, organization, "กองคลัง").id
    add_contact(session_factory, seed.unit_id, "email", "not-an-email")
    add_contact(session_factory, finance_id, "email", "finance@phrae-pao.example")
    send = make_sender(smtp.settings(tmp_path / "outbox").notify())

    run_all(session_factory, REMINDER_MOMENT, send)

    rows = [m for m in outbox(session_factory) if m.status is not OutboxStatus.MISSED]
    broken = [m for m in rows if m.recipient == "not-an-email"]
    assert {m.job for m in broken} == {"meeting-reminder", "overdue-digest"}
    for row in broken:
        assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
        assert row.last_error
        assert "not-an-email" in row.last_error
    # Only steps 3 and 4 ("every unit") are the finance division's, and none is overdue.
    (good,) = [m for m in rows if m.unit_id == finance_id]
    assert good.status is OutboxStatus.SENT
    assert [m.recipients for m in smtp.mails] == [("finance@phrae-pao.example",)]
    text = smtp.mails[0].part("text/plain").get_content()
    assert task_ids_in(text) == {seed.task_ids[3], seed.task_ids[4]}
    assert "กองคลัง" in text

    dispatch_outbox(session_factory, REMINDER_MOMENT + timedelta(days=1), send, worker="test")
    for row in outbox(session_factory):
        if row.recipient == "not-an-email" and row.status is not OutboxStatus.MISSED:
            assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert len(smtp.mails) == 1


def test_a_reply_line_too_long_for_smtplib_is_a_refusal_not_a_crash_of_the_transport() -> None:
    """smtplib words this refusal itself, with a text reason (500, "Line too long.") where a
    server's reply is bytes: the transport reports the code and reason, as for any reply."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def greet_too_long() -> None:
        connection, _address = listener.accept()
        with connection:
            connection.sendall(b"220 " + b"x" * 9000 + b"\r\n")  # smtplib reads 8192 at most
            connection.recv(1024)  # until the client hangs up

    server = threading.Thread(target=greet_too_long, daemon=True)
    server.start()
    transport = SmtpTransport("127.0.0.1", port, "ita-tracker@localhost", timeout=10)
    try:
        with pytest.raises(PermanentFailure, match=r"^500 Line too long\.$"):
            transport.send(UNIT_MAIL, Message("subject", "text"))
    finally:
        server.join(timeout=10)
        listener.close()


# --- 7. webhook and Apprise ---------------------------------------------------------------------


def test_webhook_and_apprise_deliver_to_local_http_servers_and_classify_errors(
    session_factory: sessionmaker[Session], seed: Seed, http_server: HttpServer, tmp_path: Path
) -> None:
    for path in ("/hook", "/gone", "/busy"):
        add_contact(session_factory, seed.unit_id, "webhook", http_server.url(path))
    add_contact(session_factory, seed.unit_id, "apprise", http_server.url("/apprise", "json"))
    send = make_sender(Settings(outbox_dir=tmp_path / "outbox", send_timeout=10).notify())
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


# --- 8. a stale claim ---------------------------------------------------------------------------


def test_a_send_interrupted_by_a_crash_is_failed_with_a_reason_and_not_resent(
    session_factory: sessionmaker[Session], seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    add_contact(session_factory, seed.unit_id, "email", UNIT_MAIL)
    queue_all(session_factory, REMINDER_MOMENT)
    pending = [m for m in outbox(session_factory) if m.status is OutboxStatus.PENDING]
    crashed, in_flight = pending  # the reminder, the digest
    now = REMINDER_MOMENT + timedelta(minutes=30)
    with unit_of_work(session_factory) as session:
        for row_id, age in ((crashed.id, 20), (in_flight.id, 5)):
            row = session.get(OutboxMessage, row_id)
            assert row is not None
            row.status, row.claimed_by = OutboxStatus.SENDING, "crashed-worker"
            row.claimed_at = now - timedelta(minutes=age)
    send = make_sender(smtp.settings(tmp_path / "outbox").notify())

    result = dispatch_outbox(session_factory, now, send, worker="test")

    rows = {m.id: m for m in outbox(session_factory)}
    assert result.failed == 1
    assert result.sent == 0
    assert rows[crashed.id].status is OutboxStatus.FAILED
    assert rows[crashed.id].last_error
    assert "interrupted" in rows[crashed.id].last_error
    assert rows[crashed.id].sent_at is None
    assert rows[in_flight.id].status is OutboxStatus.SENDING  # another worker may be sending
    assert smtp.mails == []

    dispatch_outbox(session_factory, now + timedelta(hours=1), send, worker="test")
    rows = {m.id: m for m in outbox(session_factory)}
    assert rows[crashed.id].status is OutboxStatus.FAILED
    assert rows[in_flight.id].status is OutboxStatus.FAILED
    assert smtp.mails == []


# --- 9. the file channel ------------------------------------------------------------------------


def test_the_file_channel_writes_utf8_files_named_from_the_address_and_replaces_them(
    session_factory: sessionmaker[Session], seed: Seed, tmp_path: Path
) -> None:
    outbox_dir = tmp_path / "outbox"
    add_contact(session_factory, seed.unit_id, "file", "แพร่/เลขานุการ")
    send = make_sender(Settings(outbox_dir=outbox_dir).notify())
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
    send = make_sender(Settings(outbox_dir=outbox_dir).notify())

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
    send: Callable[..., None] = make_sender(Settings(outbox_dir=outbox_dir).notify())

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
