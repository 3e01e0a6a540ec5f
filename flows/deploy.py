"""Prefect deployments whose schedules come from the meeting series in the database.

`tracker deploy [--dry-run]` registers two deployments on the Prefect server named by
PREFECT_API_URL, in a process work pool:

- ``ita-tracker-reminders`` runs :func:`flows.flows.meeting_reminders_flow` at the exact
  moment each reminder is due: ``reminder_days`` working days before each meeting held (Thai
  holidays and cancellations applied) at ``reminder_time`` in the series' timezone;
- ``ita-tracker-sweep`` runs :func:`flows.flows.followup_sweep` at each progress report's
  moment (``report_days`` / ``report_time``) and every hour as a safety net: alerts and
  digests are due on the hour's scale, and an hourly sweep catches anything a stale
  schedule, a worker that was down or a meeting moved since the last deploy would miss.
  ``--sweep-every`` changes the hour (from 10 seconds, for tests and demos, to a day); the
  times stay counted from a fixed anchor, 00:05 Bangkok time, so they are the same across
  deploys.

The moments are written as explicit dates, not as a second recurrence rule: "two working
days before the 1st/3rd/5th Wednesday" is no RRULE (holidays move it). Each schedule is an
RRULE set of RDATE lines in Asia/Bangkok wall time with a DTSTART, and a timezone of
Asia/Bangkok. The times are written floating (no "Z", no TZID: dateutil 2.9 rejects TZID on
RDATE) because Prefect relabels every RDATE with the schedule's timezone rather than
converting it; a UTC "Z" time would land seven hours early. The API answers in UTC, where a
moment before 07:00 Bangkok falls on the previous day: compare dates in Bangkok time.

Dates reach ``horizon_days`` ahead (120 by default): deploy again after changing a series or
its meetings, and at least every few months (a daily cron of `tracker deploy` does both).
Running a flow at a moment that is no longer due is harmless: the jobs decide what is due
from the meeting dates and the outbox ledger, never from the schedule.

``--dry-run`` prints the schedules in Bangkok time and never imports or contacts Prefect.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from schedules import DEFAULT_ZONE
from schedules.followup import lead_moments
from schedules.workdays import ThaiCalendar
from tracker.followup.timing import REMINDER, REPORT, lead_time
from tracker.models import MeetingSeries
from tracker.services.meetings import series_meetings

if TYPE_CHECKING:
    from uuid import UUID

SWEEP_DEPLOYMENT = "ita-tracker-sweep"
REMINDERS_DEPLOYMENT = "ita-tracker-reminders"
WORK_POOL = "ita-tracker"
HORIZON_DAYS = 120
SWEEP_EVERY = timedelta(hours=1)
# A sweep run on a process worker starts a Python process of its own (a few seconds of CPU):
# more often than every 10 s runs would pile up. Once a day is the least a safety net does.
MIN_SWEEP_EVERY = timedelta(seconds=10)
MAX_SWEEP_EVERY = timedelta(days=1)
# The sweep's times are counted from 00:05 Bangkok time: hourly, that is hh:05, just after
# anything due on the hour. A fixed anchor keeps the sweep's times the same across deploys.
SWEEP_ANCHOR = datetime(2026, 1, 1, 0, 5, tzinfo=ZoneInfo(DEFAULT_ZONE))
# Prefect refuses RRULE strings over 6,500 characters; one date takes 16.
DATES_PER_RULE = 300
TAGS = ["ita-tracker"]

REMINDER_JOB = "meeting-reminders"
REPORT_JOB = "progress-reports"


@dataclass(frozen=True)
class DueMoment:
    """When one job is due for one meeting: ``at`` is aware, in Asia/Bangkok."""

    job: str
    series_id: int
    series: str
    meeting: date
    at: datetime


@dataclass(frozen=True)
class SchedulePlan:
    """The moments found from ``start`` (excluded) to ``end`` (included), in order."""

    start: datetime
    end: datetime
    reminders: tuple[DueMoment, ...]
    reports: tuple[DueMoment, ...]

    def reminder_rrules(self) -> list[str]:
        """The reminders deployment's RRULE strings (Asia/Bangkok wall time)."""
        return rdate_rrules(m.at for m in self.reminders)

    def report_rrules(self) -> list[str]:
        """The progress reports' RRULE strings, scheduled on the sweep deployment."""
        return rdate_rrules(m.at for m in self.reports)


def build_schedules(
    session: Session,
    now: datetime,
    horizon_days: int = HORIZON_DAYS,
    *,
    calendar: ThaiCalendar | None = None,
) -> SchedulePlan:
    """The reminder and report moments of every meeting series, after ``now`` and at most
    ``horizon_days`` later.

    A moment is ``days`` working days before a meeting that is held (cancelled ones have
    none; moved ones count from the day they are held) at the series' time, in the series'
    timezone (tracker.followup.timing, the planner's own rule); it is returned in Bangkok.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if horizon_days < 1:
        raise ValueError(f"horizon_days must be at least 1, got {horizon_days}")
    calendar = calendar or ThaiCalendar()
    end = now + timedelta(days=horizon_days)
    reminders: list[DueMoment] = []
    reports: list[DueMoment] = []
    for series in session.scalars(select(MeetingSeries).order_by(MeetingSeries.id)):
        zone = ZoneInfo(series.timezone)
        # A meeting after the horizon can still have its moment inside it.
        beyond = timedelta(days=2 * max(series.reminder_days, series.report_days) + 14)
        first, last = now.astimezone(zone).date(), end.astimezone(zone).date() + beyond
        meetings = series_meetings(series, first, last, calendar=calendar)
        for job, kind, found in (
            (REMINDER_JOB, REMINDER, reminders),
            (REPORT_JOB, REPORT, reports),
        ):
            for meeting, due in lead_moments(meetings, lead_time(series, kind), calendar, zone):
                if now < due <= end:
                    moment = due.astimezone(ZoneInfo(DEFAULT_ZONE))
                    found.append(DueMoment(job, series.id, series.name, meeting.date, moment))
    return SchedulePlan(
        start=now,
        end=end,
        reminders=tuple(sorted(reminders, key=_order)),
        reports=tuple(sorted(reports, key=_order)),
    )


def _order(moment: DueMoment) -> tuple[datetime, int, date]:
    return moment.at, moment.series_id, moment.meeting


def rdate_rrules(moments: Iterable[datetime]) -> list[str]:
    """RRULE strings listing ``moments`` as RDATEs in Bangkok wall time, for a Prefect
    RRuleSchedule with ``timezone="Asia/Bangkok"``; several strings when there are many."""
    zone = ZoneInfo(DEFAULT_ZONE)
    local = sorted({m.astimezone(zone).replace(tzinfo=None) for m in moments})
    rules = []
    for index in range(0, len(local), DATES_PER_RULE):
        chunk = local[index : index + DATES_PER_RULE]
        dates = ",".join(f"{m:%Y%m%dT%H%M%S}" for m in chunk)
        rules.append(f"DTSTART:{chunk[0]:%Y%m%dT%H%M%S}\nRDATE:{dates}")
    return rules


_EVERY_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_EVERY = re.compile("".join(rf"(?:(\d{{1,5}}){unit})?" for unit in _EVERY_UNITS))


def parse_every(text: str) -> timedelta:
    """How often the safety sweep runs, written as whole numbers with units, the largest
    first: ``1h``, ``15m``, ``90s``, ``1h30m``, ``1d``. Raises ValueError, with a message for
    a person, for anything else or for a value outside 10 s to 1 day."""
    written = text.strip().lower()
    found = _EVERY.fullmatch(written) if written else None
    if found is None:
        shown = written if len(written) <= 20 else f"{written[:17]}…"
        raise ValueError(
            f"{shown!r} is not a duration: write whole numbers with units (d, h, m, s), "
            "largest first, e.g. 1h, 15m, 90s, 1h30m"
        )
    every = timedelta(
        seconds=sum(
            int(number) * size
            for number, size in zip(found.groups(), _EVERY_UNITS.values(), strict=True)
            if number
        )
    )
    check_every(every)
    return every


def check_every(every: timedelta) -> None:
    """Refuse (ValueError) a sweep interval outside MIN_SWEEP_EVERY..MAX_SWEEP_EVERY."""
    if not MIN_SWEEP_EVERY <= every <= MAX_SWEEP_EVERY:
        raise ValueError(
            f"a sweep every {format_every(every)} is out of range: from "
            f"{format_every(MIN_SWEEP_EVERY)} to {format_every(MAX_SWEEP_EVERY)}"
        )


def format_every(every: timedelta) -> str:
    """``every`` as parse_every reads it: ``1h``, ``15m``, ``1h30m``, ``10s``."""
    left, parts = int(every.total_seconds()), []
    for unit, size in _EVERY_UNITS.items():
        if left >= size:
            parts.append(f"{left // size}{unit}")
            left %= size
    return "".join(parts) or "0s"


# --- Prefect -------------------------------------------------------------------------------


def prefect_schedules(
    plan: SchedulePlan, sweep_every: timedelta = SWEEP_EVERY
) -> dict[str, list[Any]]:
    """The Prefect schedules of each deployment, by deployment name: the sweep every
    ``sweep_every`` from SWEEP_ANCHOR and at each report's moment, the reminders at theirs."""
    from prefect.schedules import Interval, RRule

    check_every(sweep_every)
    sweep = [Interval(sweep_every, anchor_date=SWEEP_ANCHOR, timezone=DEFAULT_ZONE, slug="sweep")]
    sweep += [
        RRule(rule, timezone=DEFAULT_ZONE, slug=f"{REPORT_JOB}-{number}")
        for number, rule in enumerate(plan.report_rrules(), 1)
    ]
    reminders = [
        RRule(rule, timezone=DEFAULT_ZONE, slug=f"{REMINDER_JOB}-{number}")
        for number, rule in enumerate(plan.reminder_rrules(), 1)
    ]
    return {SWEEP_DEPLOYMENT: sweep, REMINDERS_DEPLOYMENT: reminders}


def ensure_work_pool(name: str) -> None:
    """Create the process work pool ``name`` unless it exists (workers: `prefect worker start
    --pool NAME --type process` where this package is installed).

    A worker started first creates the same pool itself; one that does so between our read
    and our create is no error.
    """
    from prefect import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(name)
        except ObjectNotFound:
            template = ProcessWorker.get_default_base_job_template()
            with contextlib.suppress(ObjectAlreadyExists):
                client.create_work_pool(
                    WorkPoolCreate(name=name, type="process", base_job_template=template)
                )


def deploy(
    *,
    now: datetime | None = None,
    horizon_days: int = HORIZON_DAYS,
    work_pool: str = WORK_POOL,
    sweep_every: timedelta = SWEEP_EVERY,
) -> list[UUID]:
    """Register (or update) both deployments with schedules from the database, the safety
    sweep every ``sweep_every``; their ids.

    Without ``now`` the clock is TRACKER_NOW or the real time. Raises TrackerError when no
    Prefect server is configured: without PREFECT_API_URL, Prefect would register into a
    temporary server that vanishes with this process.
    """
    import httpx
    from prefect import deploy as prefect_deploy
    from prefect.deployments.runner import RunnerDeployment
    from prefect.settings import PREFECT_API_URL
    from prefect.types.entrypoint import EntrypointType

    from flows.flows import followup_sweep, meeting_reminders_flow
    from tracker.errors import TrackerError

    if not PREFECT_API_URL.value():
        raise TrackerError(
            "PREFECT_API_URL is not set: point it at the Prefect server, e.g. "
            "PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    plan = load_plan(now, horizon_days)
    schedules = prefect_schedules(plan, sweep_every)
    try:
        ensure_work_pool(work_pool)
    except httpx.TransportError as error:
        raise TrackerError(
            f"cannot reach the Prefect server at {PREFECT_API_URL.value()}: {error}"
        ) from None
    sweep = followup_sweep.to_deployment(
        SWEEP_DEPLOYMENT,
        schedules=schedules[SWEEP_DEPLOYMENT],
        paused=False,
        tags=TAGS,
        description=f"Queue and send every follow-up due: every {format_every(sweep_every)}, "
        "and at each report's moment.",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    # Prefect's calls return a coroutine only when called in an event loop; this is not one.
    assert isinstance(sweep, RunnerDeployment)
    # With no reminder in the horizon the deployment is paused: Prefect keeps a deployment's
    # old schedules when it is given none, and those dates may no longer hold.
    reminders = meeting_reminders_flow.to_deployment(
        REMINDERS_DEPLOYMENT,
        schedules=schedules[REMINDERS_DEPLOYMENT],
        paused=not plan.reminders,
        tags=TAGS,
        description="Remind each unit of its open tasks before each meeting.",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    assert isinstance(reminders, RunnerDeployment)
    ids = prefect_deploy(
        sweep,
        reminders,
        work_pool_name=work_pool,
        print_next_steps_message=False,
        ignore_warnings=True,
    )
    assert isinstance(ids, list)
    return ids


def load_plan(now: datetime | None, horizon_days: int) -> SchedulePlan:
    """build_schedules on the database of TRACKER_DATABASE_URL (or the default file)."""
    from tracker.config import current_time, database_url, load_settings
    from tracker.db import open_database

    settings = load_settings()
    factory = open_database(database_url(settings, None))
    try:
        with factory() as session:
            return build_schedules(session, now or current_time(settings), horizon_days)
    finally:
        factory.kw["bind"].dispose()


# --- command line ----------------------------------------------------------------------------


def describe(plan: SchedulePlan, sweep_every: timedelta = SWEEP_EVERY) -> list[str]:
    """The plan as lines for a person: every moment in Bangkok time, then the rules."""
    zone = ZoneInfo(DEFAULT_ZONE)
    lines = [
        f"Schedules from {_local(plan.start.astimezone(zone))} to "
        f"{_local(plan.end.astimezone(zone))} ({DEFAULT_ZONE})",
        "",
        f"{REMINDERS_DEPLOYMENT}: flows.flows.meeting_reminders_flow",
    ]
    lines += _moment_lines(plan.reminders, "reminder") or ["  (none: the deployment is paused)"]
    lines += _rule_lines(plan.reminder_rrules())
    lines += [
        "",
        f"{SWEEP_DEPLOYMENT}: flows.flows.followup_sweep",
        f"  {_every_line(sweep_every)}",
    ]
    lines += _moment_lines(plan.reports, "progress report")
    lines += _rule_lines(plan.report_rrules())
    return lines


def _every_line(every: timedelta) -> str:
    if timedelta(hours=1) % every:  # the anchor's minute no longer comes back every hour
        return f"every {format_every(every)}, counted from {_local(SWEEP_ANCHOR)}"
    return f"every {format_every(every)} from {SWEEP_ANCHOR:%M} minutes past the hour"


def _local(moment: datetime) -> str:
    return f"{moment:%a %Y-%m-%d %H:%M %z}"


def _moment_lines(moments: Sequence[DueMoment], what: str) -> list[str]:
    return [
        f"  {_local(m.at)}  {what} for {m.series}, meeting {m.meeting:%a %Y-%m-%d}" for m in moments
    ]


def _rule_lines(rules: list[str]) -> list[str]:
    return [f"  RRULE ({DEFAULT_ZONE}): {rule.replace(chr(10), ' | ')}" for rule in rules]


def run(
    *,
    dry_run: bool,
    now: datetime | None,
    horizon_days: int,
    work_pool: str,
    sweep_every: timedelta = SWEEP_EVERY,
) -> list[str]:
    """What `tracker deploy` does: with ``dry_run`` the schedules described for a person
    (nothing contacted); else both deployments registered. Returns the lines to print."""
    if dry_run:
        return describe(load_plan(now, horizon_days), sweep_every)
    ids = deploy(now=now, horizon_days=horizon_days, work_pool=work_pool, sweep_every=sweep_every)
    return [
        f"Registered {len(ids)} deployments in work pool {work_pool!r}. Start a worker "
        f"where ITA Tracker is installed: prefect worker start --pool {work_pool} --type process"
    ]
