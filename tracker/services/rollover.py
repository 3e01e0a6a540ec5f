"""Rolling a plan over into a later fiscal year (``tracker plans rollover``).

Next year's plan starts from this one's unfinished work:

- A step is unfinished while it is open (not done, not cancelled: ``TaskStatus.is_closed``).
  Each unfinished step is carried into a new task of the new plan with the same title, units,
  follow-up series, number, status and percent (work in progress keeps its progress), and
  ``carried_from_id`` naming the old task. Its history stays on the old task; the new one
  starts with a "created" event by the rollover whose note names the old task and its period.
- A measure with at least one unfinished step is carried with those steps only; a measure
  whose steps are all finished is left behind. Carried measures are numbered 1, 2, … in their
  old order (a plan's measures are numbered without gaps: a plan document numbers them by
  their place); steps keep their numbers, so "ขั้นตอนที่ 3" is still step 3 next year. The
  measure's assessment items are not linked: they answer last year's assessment, and the new
  plan has none until the next ITA results are imported.
- Periods move with the year (:class:`YearShift`): a period that ends with or before the old
  fiscal year is moved the years between the two plans later, month for month ("พ.ย. 2565" →
  "พ.ย. 2566", a month's last day stays its last day); an open-ended one ("ตั้งแต่ …") is
  ongoing work and runs on from the new fiscal year's first day; one that already reaches past
  the old year is kept. ``period_text`` is written anew in Thai (``format_span``, Thai digits
  when the old text had them); the old text is kept in the creation event's note.
- Meeting series belong to the organization, not to a plan, so the new plan's steps follow
  the same series, and a rule without an end simply goes on meeting in the new year. A series
  that carried steps follow and whose rule ends (``UNTIL``) with or before the old fiscal year
  has that end moved as periods are, so the new year has its meetings. Its cancelled or moved
  meetings are dated, so none of last year's applies to the new year.
- The new plan has ``rolled_from_id`` = the old plan, no assessment, and no warnings.

A rollover is reviewed before it is written, like an import: ``dry_run`` reports everything
it would do and writes nothing. It is refused (one line, nothing written) for a year not
after the plan's, when the organization already has a plan for that year that is not this
plan's rollover, when the plan was rolled over into another year already or a plan of the
organization lies between the two years, and when nothing is unfinished. Running it again
is harmless: when the year's plan is this plan's rollover and the same steps are unfinished,
it reports that rollover (``already``) and writes nothing; when the unfinished steps have
changed since, it is refused, naming them, and the earlier rollover is left as it is.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from schedules import check_rrule, fiscal_year_bounds, format_span
from schedules.thai import THAI_DIGITS
from tracker.db import lock_for_update
from tracker.errors import InvalidInput, NotFound, Refused
from tracker.i18n import TASK_STATUS, label
from tracker.models import Measure, MeetingSeries, Organization, Plan, Task, TaskEvent
from tracker.services.meetings import series_meetings
from tracker.services.plans import load_tree

# --- what a rollover reports -------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A step's period: its dates (None: open) and its text as written."""

    start: date | None
    end: date | None
    text: str | None


@dataclass
class CarriedStep:
    """An unfinished step and the task it becomes (``task_id`` None until written)."""

    from_task_id: int
    number: int
    title: str
    units: list[str]
    status: str
    percent: int
    follow_up: str | None
    was: Span
    becomes: Span
    task_id: int | None = None


@dataclass
class CarriedMeasure:
    """A measure carried with its unfinished steps: ``position`` in the new plan."""

    position: int
    from_position: int
    title: str
    steps: list[CarriedStep]


@dataclass(frozen=True)
class LeftStep:
    """A finished step, left behind in the old plan."""

    ref: str  # "measure.step" in the old plan
    task_id: int
    status: str


@dataclass(frozen=True)
class LeftMeasure:
    """A measure all of whose steps are finished: not carried."""

    position: int
    title: str
    steps: int


@dataclass(frozen=True)
class SeriesNote:
    """A series the carried steps follow: its rule now and in the new year (``rrule`` differs
    when its end is moved), and how many meetings it holds in the new fiscal year."""

    series_id: int
    name: str
    rrule_before: str
    rrule: str
    meetings: int
    first_meeting: date | None

    @property
    def extended(self) -> bool:
        return self.rrule != self.rrule_before


@dataclass
class RolloverReport:
    """What a rollover carries and leaves behind; ``plan_id`` is the new plan's (None on a dry
    run), ``already`` marks a re-run that found this rollover written before."""

    source_plan_id: int
    organization: str
    from_year: int
    to_year: int
    dry_run: bool
    measures: list[CarriedMeasure] = field(default_factory=list)
    left_steps: list[LeftStep] = field(default_factory=list)
    left_measures: list[LeftMeasure] = field(default_factory=list)
    series: list[SeriesNote] = field(default_factory=list)
    plan_id: int | None = None
    already: bool = False

    @property
    def steps(self) -> list[CarriedStep]:
        return [step for measure in self.measures for step in measure.steps]

    @property
    def written(self) -> bool:
        """Whether this call wrote the new plan."""
        return self.plan_id is not None and not self.already and not self.dry_run

    def left_count(self, status: str) -> int:
        return sum(1 for step in self.left_steps if step.status == status)

    def to_dict(self) -> dict[str, Any]:
        """The report as `tracker plans rollover --json` prints it (dates in ISO)."""
        shape: dict[str, Any] = _plain(
            {
                "source_plan_id": self.source_plan_id,
                "organization": self.organization,
                "from_year": self.from_year,
                "to_year": self.to_year,
                "dry_run": self.dry_run,
                "already_rolled_over": self.already,
                "written": self.written,
                "plan_id": self.plan_id,
                "measures": [asdict(measure) for measure in self.measures],
                "left_behind": {
                    "done": self.left_count("done"),
                    "cancelled": self.left_count("cancelled"),
                    "steps": [asdict(step) for step in self.left_steps],
                    "measures": [asdict(measure) for measure in self.left_measures],
                },
                "series": [asdict(note) | {"extended": note.extended} for note in self.series],
            }
        )
        return shape


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value.isoformat() if isinstance(value, date) else value


def rollover_actor(from_year: int, to_year: int) -> str:
    """Who the audit log says created the carried tasks."""
    return f"rollover: FY{from_year} → FY{to_year}"


# --- how dates move -----------------------------------------------------------------------------


@dataclass(frozen=True)
class YearShift:
    """How a rollover moves dates from one fiscal year to a later one (module docstring)."""

    from_year: int
    to_year: int

    @property
    def years(self) -> int:
        return self.to_year - self.from_year

    @property
    def old_last(self) -> date:
        return fiscal_year_bounds(self.from_year)[1]

    @property
    def new_bounds(self) -> tuple[date, date]:
        return fiscal_year_bounds(self.to_year)

    def moves(self, day: date) -> bool:
        """Whether something ending on ``day`` ended with the old year, and so moves."""
        return day <= self.old_last

    def move(self, day: date) -> date:
        """The same day ``years`` later; a month's last day stays its last day (28 Feb 2023
        → 29 Feb 2024, and back to the 28th a year on)."""
        year = day.year + self.years
        last = calendar.monthrange(year, day.month)[1]
        was_last = day.day == calendar.monthrange(day.year, day.month)[1]
        return date(year, day.month, last if was_last else min(day.day, last))

    def period(self, start: date | None, end: date | None) -> tuple[date | None, date | None]:
        """A step's period (start, end; None: open) in the new year."""
        if end is None:
            if start is None:  # no dates: nothing to move
                return None, None
            return max(start, self.new_bounds[0]), None  # ongoing: from the new year's start
        if not self.moves(end):
            return start, end
        return (self.move(start) if start else None), self.move(end)


def _carried_span(task: Task, shift: YearShift) -> Span:
    start, end = shift.period(task.start_date, task.end_date)
    if (start, end) == (task.start_date, task.end_date):
        return Span(start, end, task.period_text)
    thai_digits = any(digit in THAI_DIGITS for digit in task.period_text or "")
    return Span(start, end, format_span(start, end, "th", thai_digits=thai_digits))


_UNTIL = re.compile(r"UNTIL=(\d{8})(T\d{6})?(Z?)", re.IGNORECASE)


def _rule_in_new_year(series: MeetingSeries, shift: YearShift) -> str:
    """The series' rule with its end moved when it ended with or before the old year."""
    match = _UNTIL.search(series.rrule)
    if match is None:
        return series.rrule
    digits = match.group(1)
    written = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    if not shift.moves(_local_end(match, written, series.timezone)):
        return series.rrule
    moved = f"{shift.move(written):%Y%m%d}"
    return check_rrule(series.rrule[: match.start(1)] + moved + series.rrule[match.end(1) :])


def _local_end(match: re.Match[str], written: date, timezone: str) -> date:
    """The local day a rule's UNTIL falls on (a …Z end is UTC)."""
    if not (match.group(2) and match.group(3)):
        return written
    moment = datetime.strptime(match.group(1) + match.group(2) + "+0000", "%Y%m%dT%H%M%S%z")
    return moment.astimezone(ZoneInfo(timezone)).date()


# --- the rollover -------------------------------------------------------------------------------


def plan_before(session: Session, organization: Organization, to_year: int) -> Plan:
    """The organization's latest plan before fiscal year ``to_year``: what rolls over into it."""
    plan = session.scalar(
        select(Plan)
        .where(Plan.organization_id == organization.id, Plan.fiscal_year < to_year)
        .order_by(Plan.fiscal_year.desc())
        .limit(1)
    )
    if plan is None:
        raise NotFound(
            f"{organization.name} has no plan before fiscal year {to_year} to roll over",
            what="plan",
        )
    return plan


def rollover_plan(
    session: Session, plan: Plan, to_year: int, *, now: datetime, actor: str, dry_run: bool
) -> RolloverReport:
    """Carry ``plan``'s unfinished steps into a new plan for ``to_year`` (module docstring).

    With ``dry_run`` nothing is written: the report says what would be. Otherwise the new
    plan, its measures, tasks and their creation events are added to ``session`` and flushed
    (the caller's transaction commits them); ``now`` stamps them and ``actor`` signs the
    events. Refusals raise InvalidInput or Refused before anything is added.
    """
    if to_year <= plan.fiscal_year:
        raise InvalidInput(
            f"plan {plan.id} is for fiscal year {plan.fiscal_year}: a rollover goes to a later "
            f"year, not {to_year}"
        )
    if not dry_run:  # a second rollover at the same moment waits, then finds this one
        lock_for_update(session)
        session.get(Plan, plan.id, with_for_update=True, populate_existing=True)
    load_tree(session, plan)
    report = _survey(plan, YearShift(plan.fiscal_year, to_year), dry_run)
    earlier = _earlier_rollover(session, plan, to_year)
    if earlier is not None:
        return _rerun(session, report, earlier)
    _refuse_skipping(session, plan, to_year)
    if not report.measures:
        raise Refused(
            f"plan {plan.id} (fiscal year {plan.fiscal_year}) has no unfinished step to carry "
            f"into {to_year}: import next year's plan instead"
        )
    if not dry_run:
        _write(session, plan, report, now=now, actor=actor)
    return report


def _survey(plan: Plan, shift: YearShift, dry_run: bool) -> RolloverReport:
    """What rolling ``plan`` over would carry and leave behind; reads only."""
    report = RolloverReport(
        source_plan_id=plan.id,
        organization=plan.organization.name,
        from_year=shift.from_year,
        to_year=shift.to_year,
        dry_run=dry_run,
    )
    for measure in plan.measures:
        unfinished = [task for task in measure.tasks if not task.status.is_closed]
        report.left_steps += [
            LeftStep(f"{measure.position}.{task.number}", task.id, task.status.value)
            for task in measure.tasks
            if task.status.is_closed
        ]
        if not unfinished:
            report.left_measures.append(
                LeftMeasure(measure.position, measure.title, len(measure.tasks))
            )
            continue
        steps = [_carried_step(task, shift) for task in unfinished]
        position = len(report.measures) + 1
        report.measures.append(CarriedMeasure(position, measure.position, measure.title, steps))
    report.series = _series_notes(plan, report, shift)
    return report


def _carried_step(task: Task, shift: YearShift) -> CarriedStep:
    return CarriedStep(
        from_task_id=task.id,
        number=task.number,
        title=task.title,
        units=[unit.name for unit in task.units],
        status=task.status.value,
        percent=task.percent,
        follow_up=task.series.name if task.series else None,
        was=Span(task.start_date, task.end_date, task.period_text),
        becomes=_carried_span(task, shift),
    )


def _series_notes(plan: Plan, report: RolloverReport, shift: YearShift) -> list[SeriesNote]:
    carried = {step.from_task_id for step in report.steps}
    followed: dict[int, MeetingSeries] = {}
    for measure in plan.measures:
        for task in measure.tasks:
            if task.id in carried and task.series is not None:
                followed.setdefault(task.series.id, task.series)
    first, last = shift.new_bounds
    notes = []
    for series in followed.values():
        rule = _rule_in_new_year(series, shift)
        held = [m for m in series_meetings(series, first, last, rrule=rule) if not m.cancelled]
        notes.append(
            SeriesNote(
                series.id,
                series.name,
                series.rrule,
                rule,
                len(held),
                held[0].date if held else None,
            )
        )
    return notes


def _earlier_rollover(session: Session, plan: Plan, to_year: int) -> Plan | None:
    """The organization's plan for ``to_year`` when it is this plan's rollover; None when
    there is none; Refused when it is another plan."""
    existing = session.scalar(
        select(Plan).where(
            Plan.organization_id == plan.organization_id, Plan.fiscal_year == to_year
        )
    )
    if existing is None or existing.rolled_from_id == plan.id:
        return existing
    raise Refused(
        f"{plan.organization.name} already has plan {existing.id} for fiscal year {to_year}; "
        f"a rollover makes a new plan and never merges into one"
    )


def _rerun(session: Session, report: RolloverReport, earlier: Plan) -> RolloverReport:
    """A rollover run again: harmless when the same steps are unfinished, else Refused."""
    carried: dict[int, Task] = {}
    for task in session.scalars(
        select(Task)
        .join(Task.measure)
        .where(Measure.plan_id == earlier.id, Task.carried_from_id.is_not(None))
    ):
        assert task.carried_from_id is not None  # selected by it
        carried[task.carried_from_id] = task
    wanted = {step.from_task_id: step for step in report.steps}
    if set(carried) != set(wanted):
        raise Refused(_changed_since(report, earlier, set(wanted) - set(carried), set(carried)))
    for task_id, step in wanted.items():
        step.task_id = carried[task_id].id
    report.plan_id, report.already = earlier.id, True
    return report


def _changed_since(
    report: RolloverReport, earlier: Plan, not_carried: set[int], carried: set[int]
) -> str:
    """Why a rollover run again is refused: the old plan's steps it would carry differ."""
    finished = [step.ref for step in report.left_steps if step.task_id in carried]
    unfinished = [
        f"{measure.from_position}.{step.number}"
        for measure in report.measures
        for step in measure.steps
        if step.from_task_id in not_carried
    ]
    changes = []
    if unfinished:
        changes.append(f"unfinished but not carried: {', '.join(unfinished)}")
    if finished:
        changes.append(f"carried but finished since: {', '.join(finished)}")
    if not changes:  # a carried step no longer in the old plan at all
        changes.append("its steps have changed")
    return (
        f"plan {earlier.id} (fiscal year {report.to_year}) is the rollover of plan "
        f"{report.source_plan_id} already, and plan {report.source_plan_id} has changed "
        f"since ({'; '.join(changes)}); nothing written: change plan {earlier.id} itself"
    )


def _refuse_skipping(session: Session, plan: Plan, to_year: int) -> None:
    """A plan rolls over once, into the year after the organization's next plan, if any."""
    elsewhere = session.scalar(
        select(Plan).where(Plan.rolled_from_id == plan.id, Plan.fiscal_year != to_year).limit(1)
    )
    if elsewhere is not None:
        raise Refused(
            f"plan {plan.id} (fiscal year {plan.fiscal_year}) was rolled over into plan "
            f"{elsewhere.id} (fiscal year {elsewhere.fiscal_year}) already: roll plan "
            f"{elsewhere.id} over instead"
        )
    between = session.scalar(
        select(Plan)
        .where(
            Plan.organization_id == plan.organization_id,
            Plan.fiscal_year > plan.fiscal_year,
            Plan.fiscal_year < to_year,
        )
        .order_by(Plan.fiscal_year.desc())
        .limit(1)
    )
    if between is not None:
        raise Refused(
            f"plan {between.id} (fiscal year {between.fiscal_year}) lies between fiscal years "
            f"{plan.fiscal_year} and {to_year}: roll the latest plan over"
        )


def _write(
    session: Session, plan: Plan, report: RolloverReport, *, now: datetime, actor: str
) -> None:
    new_plan = Plan(
        organization_id=plan.organization_id,
        fiscal_year=report.to_year,
        title=f"แผนปีงบประมาณ {report.to_year} ยกมาจากแผนปีงบประมาณ {report.from_year}",
        source=f"rollover of plan {plan.id} (fiscal year {report.from_year})",
        assessment_id=None,
        warnings=[],
        rolled_from_id=plan.id,
    )
    session.add(new_plan)
    old_tasks = {task.id: task for measure in plan.measures for task in measure.tasks}
    new_tasks: list[tuple[CarriedStep, Task]] = []
    for carried in report.measures:
        measure = Measure(plan=new_plan, position=carried.position, title=carried.title)
        session.add(measure)
        for step in carried.steps:
            old = old_tasks[step.from_task_id]
            task = _carry(measure, old, step, now)
            session.add(task)
            note = _carried_note(old, plan.fiscal_year, carried.from_position)
            session.add(
                TaskEvent(
                    task=task, at=now, actor=actor, field="created", after=task.title, note=note
                )
            )
            new_tasks.append((step, task))
    _extend_series(session, report)
    session.flush()
    report.plan_id = new_plan.id
    for step, task in new_tasks:
        step.task_id = task.id


def _carry(measure: Measure, old: Task, step: CarriedStep, now: datetime) -> Task:
    return Task(
        measure=measure,
        number=old.number,
        title=old.title,
        period_text=step.becomes.text,
        start_date=step.becomes.start,
        end_date=step.becomes.end,
        series_id=old.series_id,
        status=old.status,
        percent=old.percent,
        created_at=now,
        updated_at=now,
        units=list(old.units),
        carried_from_id=old.id,
    )


def _carried_note(old: Task, from_year: int, from_position: int) -> str:
    """The creation event's note: the old task, its progress and its period as written."""
    status = label(TASK_STATUS, old.status.value, "th")
    period = old.period_text or format_span(old.start_date, old.end_date)
    return (
        f"ยกมาจากขั้นตอน {from_position}.{old.number} (ID {old.id}) ของแผนปีงบประมาณ "
        f"{from_year}: {status} {old.percent}%, ระยะเวลาเดิม {period}"
    )


def _extend_series(session: Session, report: RolloverReport) -> None:
    for note in report.series:
        series = session.get(MeetingSeries, note.series_id)
        if note.extended and series is not None:
            series.rrule = note.rrule
            series.replan()  # the follow-up planner plans the new meetings' dues


# --- a task's other years -----------------------------------------------------------------------


def carried_from(session: Session, task: Task) -> list[Task]:
    """The earlier steps this task carries on, the latest first (last year's, the year
    before's, …): their histories are this step's history before the rollover."""
    chain: list[Task] = []
    seen = {task.id}
    current = task
    while current.carried_from_id is not None and current.carried_from_id not in seen:
        earlier = session.get(Task, current.carried_from_id)
        if earlier is None:
            break
        chain.append(earlier)
        seen.add(earlier.id)
        current = earlier
    return chain


def carried_to(session: Session, task: Task) -> list[Task]:
    """The tasks of later plans that carry this step on (one, unless plans were edited)."""
    return list(
        session.scalars(select(Task).where(Task.carried_from_id == task.id).order_by(Task.id))
    )
