"""Helpers shared by the follow-up tests (tests/test_followup_*.py): not a test module.

The delivery tests (test_followup_delivery, _never_twice, _failures and _channels) import the
seed report into their own database (the ``seed`` fixture), run the catalogue's real jobs and
dispatcher, and deliver to an aiosmtpd SMTP server on 127.0.0.1 (the ``smtp`` fixture). The
tests at scale (test_followup_scale, _ledger_batches and _shared_calendars) use databases that
hold the seed plan N times (``seeded``). A test module imports the fixtures it uses by
their function names, ``seed_fixture`` and ``smtp_fixture``; tests take them as ``seed`` and
``smtp``.

The calendar helpers compute due times from the `holidays` package, not from the tracker;
test_followup_delivery.py checks the calendar facts the tests lean on.
"""

from __future__ import annotations

import copy
import email
import email.policy
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from aiosmtpd.controller import Controller
from conftest import SEED_EXPECTED, SEED_REPORT
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from schedules.workdays import ThaiCalendar
from tracker.config import Settings
from tracker.db import open_database, unit_of_work
from tracker.followup.catalogue import JOBS, JobRun
from tracker.followup.dispatcher import DeliveryPolicy
from tracker.followup.dues import plan_meeting_dues
from tracker.followup.jobs import JobResult, Options
from tracker.followup.jobs import deadline_alerts as alerts_job
from tracker.followup.jobs import meeting_reminders as reminders_job
from tracker.followup.jobs import overdue_digests as digests_job
from tracker.followup.jobs import progress_reports as reports_job
from tracker.followup.jobs.dispatch import dispatch_outbox as dispatch_job
from tracker.importers import read_source
from tracker.models import (
    MeetingSeries,
    Organization,
    OutboxMessage,
    SeriesRecipient,
    Task,
    Unit,
    UnitContact,
)
from tracker.services.plan_import import import_plan

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
REMINDER_MOMENT = datetime(2023, 7, 26, 9, 30, tzinfo=BKK)  # just after the reminder is due
REPORT_MOMENT = datetime(2023, 8, 1, 8, 30, tzinfo=BKK)  # after the report's due time
# (test_followup_scale.py has a REPORT_MOMENT of its own, on 27 July.)
PLANNED_AT = datetime(2023, 7, 26, 6, 0, tzinfo=BKK)  # the scale tests plan dues here

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


@pytest.fixture(name="seed")
def seed_fixture(session_factory: sessionmaker[Session]) -> Seed:
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


def add_recipient(factory: sessionmaker[Session], series_id: int, channel: str, address: str):
    with unit_of_work(factory) as session:
        session.add(SeriesRecipient(series_id=series_id, channel=channel, address=address))


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
        delivery=DeliveryPolicy(threads=threads),
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
            smtp_host="127.0.0.1",
            smtp_port=self.port,
            outbox_dir=outbox_dir,
            send_timeout=10,
            allow_private_destinations=True,  # the test servers listen on 127.0.0.1
        )


@pytest.fixture(name="smtp")
def smtp_fixture() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


# --- databases with N copies of the seed (the tests at scale) ------------------------------------


# The jobs take keyword arguments; these shorthands keep the tests' rounds readable.
def meeting_reminders(factory: Any, now: datetime, options: Options) -> Any:
    return reminders_job.meeting_reminders(factory=factory, now=now, options=options)


def progress_reports(factory: Any, now: datetime, options: Options) -> Any:
    return reports_job.progress_reports(factory=factory, now=now, options=options)


def deadline_alerts(factory: Any, now: datetime, options: Options) -> Any:
    return alerts_job.deadline_alerts(factory=factory, now=now, options=options)


def overdue_digests(factory: Any, now: datetime, options: Options) -> Any:
    return digests_job.overdue_digests(factory=factory, now=now, options=options)


def seed_document() -> dict[str, Any]:
    return read_source(SEED_REPORT, merge_similar_units=True).document


def seeded(url: str, organizations: int) -> sessionmaker[Session]:
    """A database holding the seed plan ``organizations`` times, under distinct names."""
    factory = open_database(url)
    document = seed_document()
    for number in range(organizations):
        copied = copy.deepcopy(document)
        copied["organization"]["name"] = f"{document['organization']['name']} สาขา {number + 1}"
        with unit_of_work(factory) as session:
            import_plan(session, copied, now=IMPORTED_AT, actor="test")
    return factory


def organization_ids(factory: sessionmaker[Session]) -> list[int]:
    with factory() as session:
        return list(session.scalars(select(Organization.id).order_by(Organization.id)))


def plan(factory: sessionmaker[Session], now: datetime) -> int:
    with unit_of_work(factory) as session:
        return plan_meeting_dues(session, now, ThaiCalendar())
