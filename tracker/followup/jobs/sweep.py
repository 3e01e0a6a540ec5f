"""What every queueing job shares: its options and result, one transaction a sweep, the
recorder that writes messages to the ledger in batches, and the loaders of a sweep's rows.

A sweep reads planned due rows (or due tasks) for every organization at once and works
SWEEP_CHUNK of them at a time, a fixed number of statements per chunk, so its cost does
not grow with a loop over organizations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from schedules.followup import lead_moments
from tracker.followup.dues import due_meeting_rows, plan_meeting_dues
from tracker.followup.jobs.base import JobResult, Options
from tracker.followup.ledger import Envelope, LedgerKey, enqueue_many, known_keys, ledger_key
from tracker.followup.timing import lead_time
from tracker.models import (
    OPEN_STATUSES,
    MeetingDue,
    MeetingSeries,
    Organization,
    OutboxMessage,
    Task,
    TaskEvent,
    Unit,
)
from tracker.reports.messages import TaskLine
from tracker.services.meetings import series_meetings

LOOKBACK = timedelta(days=35)  # due moments older than this are not looked at
SWEEP_CHUNK = 500  # dues whose tasks, units and updates are loaded together
RECORD_BATCH = 500  # messages written to the ledger per multi-row INSERT

_T = TypeVar("_T")


@contextmanager
def sweep(factory: sessionmaker[Session], options: Options) -> Iterator[Session]:
    """One transaction for one sweep; a dry run does all the work and keeps none of it."""
    with factory() as session:
        yield session
        if options.dry_run:
            session.rollback()
        else:
            session.commit()


def chunks(items: list[_T], size: int | None = None) -> Iterator[list[_T]]:
    """``items`` in consecutive lists of at most ``size`` (default: SWEEP_CHUNK, read at
    each call, so a test can make chunks small)."""
    size = size or SWEEP_CHUNK
    for start in range(0, len(items), size):
        yield items[start : start + size]


def queued_between(session: Session, kind: str, first: datetime, last: datetime) -> int:
    """Messages of ``kind`` the ledger holds for due moments from ``first`` to ``last``.

    A message carries its due's moment as ``due_at``, so this is one count over the ledger's
    (job, due_at) index, whatever the number of organizations: how a sweep reports what
    earlier sweeps queued ("already").
    """
    return (
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.job == kind,
                OutboxMessage.due_at >= first,
                OutboxMessage.due_at <= last,
            )
        )
        or 0
    )


def meeting_due_chunks(
    session: Session, kind: str, now: datetime, options: Options, result: JobResult
) -> Iterator[tuple[Recorder, list[MeetingDue]]]:
    """The round of a job due before meetings (``kind``: REMINDER or REPORT): plans every
    series' dues up to ``now``, counts in ``result`` what earlier sweeps queued, then yields
    the due rows SWEEP_CHUNK at a time with the recorder to add their messages to. After each
    chunk its messages are written and its dues marked done (so a caller that leaves the loop
    early writes nothing of the chunk it left)."""
    plan_meeting_dues(session, now, options.calendar, options.zone)
    result.already += queued_between(session, kind, now - LOOKBACK, now)
    recorder = Recorder(session, now, options, result)
    for chunk in chunks(due_meeting_rows(session, kind, now, LOOKBACK)):
        yield recorder, chunk
        recorder.flush()
        mark_done(session, chunk, now)


def mark_done(session: Session, dues: list[MeetingDue], now: datetime) -> None:
    """Set done_at on many dues in one executemany (the ORM would send one UPDATE each)."""
    if dues:
        session.execute(update(MeetingDue), [{"id": due.id, "done_at": now} for due in dues])


class Recorder:
    """Writes a sweep's messages to the ledger a batch at a time and counts the outcome.

    Each message is new (queued, or missed when its moment has passed) or already in the
    ledger; the ledger's unique key decides, so a second run or process changes nothing.
    A dry run asks the ledger the same question and writes nothing.
    """

    def __init__(
        self, session: Session, now: datetime, options: Options, result: JobResult
    ) -> None:
        self.session, self.now, self.options, self.result = session, now, options, result
        self.pending: list[tuple[Envelope, bool, str]] = []
        # unit id -> the address of its page that this sweep's messages carry (renewed once
        # per sweep: tracker.followup.jobs.recipients.unit_link)
        self.links: dict[int, str] = {}

    def add(self, envelope: Envelope, *, missed: bool, who: str) -> None:
        """Queue ``envelope`` (to ``who``, as people name the recipient) for the next batch."""
        self.pending.append((envelope, missed, who))
        if len(self.pending) >= RECORD_BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the pending batch and count each message as new or already there."""
        if not self.pending:
            return
        new = self._new_keys()
        for envelope, missed, who in self.pending:
            key = ledger_key(envelope)
            if key in new:
                new.discard(key)  # a repeat of the key in this batch is "already"
                self._count_new(envelope, missed, who)
            else:
                self.result.already += 1
        self.pending.clear()

    def _new_keys(self) -> set[LedgerKey]:
        items = [(envelope, missed) for envelope, missed, _who in self.pending]
        if not self.options.dry_run:
            return enqueue_many(self.session, items, self.now)
        keys = {ledger_key(envelope) for envelope, _missed in items}
        return keys - known_keys(self.session, keys)

    def _count_new(self, envelope: Envelope, missed: bool, who: str) -> None:
        if missed:
            self.result.missed += 1
        else:
            self.result.queued += 1
        local_due = envelope.due_at.astimezone(self.options.zone)
        self.result.items.append(
            {
                "due": local_due.isoformat(),
                "job": envelope.job,
                "to": who,
                "channel": envelope.channel,
                "address": envelope.recipient,
                "subject": envelope.subject,
                "missed": missed,
            }
        )


# --- loading a sweep's rows ---------------------------------------------------------------


def series_with_recipients(session: Session, series_ids: set[int]) -> dict[int, MeetingSeries]:
    """The series of ``series_ids`` with their report recipients, in one query."""
    return {
        s.id: s
        for s in session.scalars(
            select(MeetingSeries)
            .where(MeetingSeries.id.in_(series_ids))
            .options(selectinload(MeetingSeries.recipients))
        )
    }


def units_by_organization(session: Session, organization_ids: set[int]) -> dict[int, list[Unit]]:
    """The real units (not every-unit groups, not merged ones) of organizations, one query."""
    units: dict[int, list[Unit]] = {}
    for unit in session.scalars(
        select(Unit)
        .where(
            Unit.organization_id.in_(organization_ids),
            Unit.merged_into_id.is_(None),
            Unit.all_units.is_(False),
        )
        .options(selectinload(Unit.contacts))
        .order_by(Unit.id)
    ):
        units.setdefault(unit.organization_id, []).append(unit)
    return units


def tasks_by_unit(tasks: list[Task], units: list[Unit]) -> list[tuple[Unit, list[Task]]]:
    """Each of ``units`` with the tasks it is responsible for, in the given orders; the tasks
    of the every-unit group go to every unit, and a unit with none is left out."""
    mine: dict[int, list[Task]] = {unit.id: [] for unit in units}
    for task in tasks:
        if any(u.all_units for u in task.units):
            targets: Iterable[int] = mine
        else:
            targets = [u.id for u in task.units if u.id in mine]
        for unit_id in targets:
            mine[unit_id].append(task)
    return [(unit, mine[unit.id]) for unit in units if mine[unit.id]]


def task_units(task: Task, units_of: dict[int, list[Unit]]) -> list[Unit]:
    """The units a task's messages go to: every unit for the every-unit group."""
    if any(u.all_units for u in task.units):
        return units_of.get(task.measure.plan.organization_id, [])
    return [u for u in task.units if u.merged_into_id is None]


def task_line(task: Task) -> TaskLine:
    """A task as a message lists it."""
    return TaskLine(
        id=task.id,
        ref=f"{task.measure.position}.{task.number}",
        title=task.title,
        start=task.start_date,
        end=task.end_date,
        percent=task.percent,
        status=task.status.value,
    )


@dataclass
class MeetingContext:
    """Everything the meeting dues of one chunk need, each loaded in one query."""

    series: dict[int, MeetingSeries]
    organizations: dict[int, Organization]
    tasks: dict[int, list[Task]]  # series id -> open tasks
    units: dict[int, list[Unit]]  # organization id -> units (not groups, not merged)
    last_update: dict[int, datetime]  # task id -> its last change by a unit

    @classmethod
    def load(cls, session: Session, series_ids: set[int]) -> MeetingContext:
        series = series_with_recipients(session, series_ids)
        organization_ids = {s.organization_id for s in series.values()}
        organizations = {
            o.id: o
            for o in session.scalars(
                select(Organization).where(Organization.id.in_(organization_ids))
            )
        }
        tasks: dict[int, list[Task]] = {}
        for task in session.scalars(
            select(Task)
            .where(Task.series_id.in_(series_ids), Task.status.in_(OPEN_STATUSES))
            .options(selectinload(Task.units), selectinload(Task.measure))
            .order_by(Task.id)
        ):
            assert task.series_id is not None  # selected by its series
            tasks.setdefault(task.series_id, []).append(task)
        units = units_by_organization(session, organization_ids)
        has_tasks = any(tasks.values())
        last_update = _last_updates(session, series_ids) if has_tasks else {}
        return cls(series, organizations, tasks, units, last_update)


def _last_updates(session: Session, series_ids: set[int]) -> dict[int, datetime]:
    """Each open task's last change by a unit, for the series of ``series_ids``."""
    return dict(
        session.execute(
            # A join, not an IN list of task ids: nationally that list would pass
            # PostgreSQL's 65,535 bind-parameter limit.
            select(TaskEvent.task_id, func.max(TaskEvent.at))
            .join(Task, Task.id == TaskEvent.task_id)
            .where(
                Task.series_id.in_(series_ids),
                Task.status.in_(OPEN_STATUSES),
                TaskEvent.actor_unit_id.is_not(None),
            )
            .group_by(TaskEvent.task_id)
        ).all()
    )


MOMENTS_BEYOND = timedelta(days=40)  # a meeting this far after a span can be due within it


def meeting_moments(
    session: Session, kind: str, start: date, end: date, options: Options
) -> set[datetime]:
    """The moments ``kind`` (a message due before meetings) falls for every series' held
    meetings from ``start`` to MOMENTS_BEYOND after ``end``."""
    found: set[datetime] = set()
    for series in session.scalars(select(MeetingSeries)):
        meetings = series_meetings(series, start, end + MOMENTS_BEYOND, calendar=options.calendar)
        lead = lead_time(series, kind)
        zone = ZoneInfo(series.timezone)
        found.update(due for _meeting, due in lead_moments(meetings, lead, options.calendar, zone))
    return found
