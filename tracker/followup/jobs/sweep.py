"""What every queueing job shares: its options and result, one transaction a sweep, the
recorder that writes messages to the ledger in batches, and the loaders of a sweep's rows.

A sweep reads planned due rows (or due tasks) for every organization at once and works
SWEEP_CHUNK of them at a time, a fixed number of statements per chunk, so its cost does
not grow with a loop over organizations.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
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
    Measure,
    MeetingDue,
    MeetingSeries,
    Organization,
    OutboxMessage,
    Plan,
    Task,
    TaskEvent,
    Unit,
)
from tracker.models import task_units as task_unit_links
from tracker.reports.messages import TaskLine
from tracker.services.meetings import series_meetings

LOOKBACK = timedelta(days=35)  # due moments older than this are not looked at
SWEEP_CHUNK = 500  # dues whose tasks, units and updates are loaded together
RECORD_BATCH = 500  # messages written to the ledger per multi-row INSERT

_T = TypeVar("_T")


@contextmanager
def sweep(factory: sessionmaker[Session], options: Options) -> Iterator[Session]:
    """One transaction for one sweep, with the cyclic garbage collector paused
    (:func:`collector_paused`); a dry run does all the work and keeps none of it."""
    with collector_paused(), factory() as session:
        yield session
        if options.dry_run:
            session.rollback()
        else:
            session.commit()


_paused = 0  # sweeps running in this process with the collector paused
_paused_lock = threading.Lock()
_resume = False  # whether the collector was running when the first of them paused it


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a sweep runs; resumed (if it was
    running) when the last sweep running in the process ends, also on an error.

    A national round allocates millions of objects that stay alive until it ends (rows,
    ORM units, messages), and the collector, triggered by allocation counts, traversed them
    again and again: about 40 % of the round's CPU. Pausing it is safe: reference counting
    still frees every object the moment it is no longer used; only reference cycles wait for
    the collector, and a sweep makes few (ORM units and their contacts), bounded by its one
    transaction, which the collector frees after it. The state is the process's, so
    concurrent sweeps (the embedded scheduler's threads) share one pause.
    """
    global _paused, _resume
    with _paused_lock:
        if _paused == 0:
            _resume = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _resume:
                gc.enable()


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


@dataclass(frozen=True, slots=True)
class OpenTask:
    """An open task as a sweep reads it: a Core row, not an ORM object, since a national round
    reads 180,000 of them. ``units`` are the ids of the units it names that are neither
    merged nor an every-unit group; ``every_unit`` says it names the every-unit group (then
    it is every unit's task)."""

    line: TaskLine  # as messages list it (its id, ref, title, period, percent, status)
    organization_id: int
    series_id: int | None
    created_at: datetime
    units: tuple[int, ...]
    every_unit: bool

    @property
    def id(self) -> int:
        return self.line.id

    @property
    def end_date(self) -> date | None:
        return self.line.end

    def is_overdue(self, today: date) -> bool:
        """Task.is_overdue for a task read open: still open after its last day."""
        return self.line.end is not None and today > self.line.end


def open_tasks(
    session: Session, *where: Any, order_by: Sequence[Any] = (Task.id,)
) -> list[OpenTask]:
    """The open tasks matching ``where`` (conditions on Task, Measure or Plan), with their
    units, in ``order_by``: two Core queries, whatever their number. The units' query joins
    the same conditions rather than listing task ids, which nationally would pass
    PostgreSQL's 65,535 bind parameters."""
    conditions = (Task.status.in_(OPEN_STATUSES), *where)
    named: dict[int, list[int]] = {}
    every: set[int] = set()
    for task_id, unit_id, all_units in session.execute(
        select(task_unit_links.c.task_id, Unit.id, Unit.all_units)
        .join(Unit, Unit.id == task_unit_links.c.unit_id)
        .join(Task, Task.id == task_unit_links.c.task_id)
        .join(Measure, Measure.id == Task.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .where(*conditions, Unit.merged_into_id.is_(None))
        .order_by(task_unit_links.c.task_id, Unit.id)
    ):
        if all_units:
            every.add(task_id)
        else:
            named.setdefault(task_id, []).append(unit_id)
    rows = session.execute(
        select(
            Task.id,
            Measure.position,
            Task.number,
            Task.title,
            Task.start_date,
            Task.end_date,
            Task.percent,
            Task.status,
            Plan.organization_id,
            Task.series_id,
            Task.created_at,
        )
        .join(Measure, Measure.id == Task.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .where(*conditions)
        .order_by(*order_by)
    )
    return [
        OpenTask(
            TaskLine(task_id, f"{position}.{number}", title, start, end, percent, status.value),
            organization_id,
            series_id,
            created_at,
            tuple(named.get(task_id, ())),
            task_id in every,
        )
        for (
            task_id,
            position,
            number,
            title,
            start,
            end,
            percent,
            status,
            organization_id,
            series_id,
            created_at,
        ) in rows
    ]


def tasks_by_unit(tasks: list[OpenTask], units: list[Unit]) -> list[tuple[Unit, list[OpenTask]]]:
    """Each of ``units`` with the tasks it is responsible for, in the given orders; the tasks
    of the every-unit group go to every unit, and a unit with none is left out."""
    mine: dict[int, list[OpenTask]] = {unit.id: [] for unit in units}
    for task in tasks:
        targets: Iterable[int] = mine if task.every_unit else [u for u in task.units if u in mine]
        for unit_id in targets:
            mine[unit_id].append(task)
    return [(unit, mine[unit.id]) for unit in units if mine[unit.id]]


def task_units(task: OpenTask, units_of: dict[int, list[Unit]]) -> list[Unit]:
    """The units a task's messages go to (``units_of``: units_by_organization): every unit
    for the every-unit group, else the units it names, in id order."""
    units = units_of.get(task.organization_id, [])
    if task.every_unit:
        return units
    named = set(task.units)
    return [u for u in units if u.id in named]


@dataclass
class MeetingContext:
    """Everything the meeting dues of one chunk need, each loaded in one query."""

    series: dict[int, MeetingSeries]
    organizations: dict[int, Organization]
    tasks: dict[int, list[OpenTask]]  # series id -> open tasks
    units: dict[int, list[Unit]]  # organization id -> units (not groups, not merged)
    last_update: dict[int, datetime]  # task id -> its last change by a unit

    @classmethod
    def load(cls, session: Session, series_ids: set[int]) -> MeetingContext:
        series = {
            s.id: s
            for s in session.scalars(select(MeetingSeries).where(MeetingSeries.id.in_(series_ids)))
        }
        organization_ids = {s.organization_id for s in series.values()}
        organizations = {
            o.id: o
            for o in session.scalars(
                select(Organization).where(Organization.id.in_(organization_ids))
            )
        }
        tasks: dict[int, list[OpenTask]] = {}
        for task in open_tasks(session, Task.series_id.in_(series_ids)):
            assert task.series_id is not None  # selected by its series
            tasks.setdefault(task.series_id, []).append(task)
        units = units_by_organization(session, organization_ids)
        last_update = _last_updates(session, series_ids) if tasks else {}
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
