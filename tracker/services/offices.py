"""Offices and what they oversee: which office watches which organizations, and every
organization of an office's subtree at a glance (the provincial and national overview).

An office is an organization like any other; ``organizations.office_id`` names the office
that oversees an organization. An office may be overseen in turn (a province by the national
office), so an office's view covers its whole subtree: itself, what it oversees, what those
oversee, and so on (a recursive CTE, the same SQL on SQLite and PostgreSQL). The services
refuse a cycle; the CTE's UNION (not UNION ALL) ends even on one written by another client.

The overview reads a national database (8,300 organizations, 200,000 steps) in a handful of
grouped queries whatever the number of organizations: no query per organization, no ORM
object per task. Its rules, per organization, on a local date ``as_of``:

- **current plan**: the plan of the latest fiscal year up to ``as_of``'s; an organization
  whose plans all lie later has the earliest of them;
- **completion**: that plan's steps by the rule every completion figure follows
  (:func:`tracker.reports.progress.completion_of`): cancelled steps count for nothing,
  ``done`` of ``counted`` are done, ``percent`` is the mean percent rounded to one decimal;
- **overdue**: its open steps (not started, in progress) whose last day is before ``as_of``
  (:meth:`tracker.models.Task.is_overdue`);
- **units not updated**: the dashboard's rule (tracker/web/dashboard.py ``silent_units``),
  counted once per unit: a unit (not an every-unit group, not merged away) is *not updated*
  when, for some meeting series following up open steps of the current plan that have
  started by ``as_of``, the unit is responsible for some of those steps (named on them, or
  through the every-unit group) and made no change to any of them (a task event by the unit,
  or by a unit since merged into it) after the start of the series' last meeting held
  before ``as_of`` (cancelled meetings do not count; with no meeting yet, any change
  counts). ``units_followed`` counts the units responsible for such steps;
- **latest ITA score**: the score of its latest assessment (the greatest BE year) that has
  one, with that year and grade; assessments come from imported plans and reports;
- the **summary**: how many organizations, how many have a score, how many of those score
  at least :data:`PASS_SCORE`, and whether that share reaches the national target
  :data:`TARGET_SHARE` (80 % of agencies at 85 or more).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import groupby
from operator import itemgetter

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    exists,
    func,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from schedules import fiscal_year_of
from schedules.workdays import ThaiCalendar
from tracker.db import lock_for_update
from tracker.errors import Refused
from tracker.models import (
    OPEN_STATUSES,
    Assessment,
    HolidayPolicy,
    Measure,
    Meeting,
    MeetingSeries,
    Organization,
    Plan,
    Task,
    TaskEvent,
    TaskStatus,
    Unit,
    task_units,
)
from tracker.services.meetings import last_meeting_before

PASS_SCORE = 85.0  # the ITA score an agency is to reach
TARGET_SHARE = 0.80  # the national target: this share of agencies at PASS_SCORE or more
# An exception (a cancelled, moved or added meeting) this far before a series' last meeting
# by its rule cannot change which meeting was the last one held (see _last_meetings).
EXCEPTION_MARGIN = timedelta(days=14)

# --- which office oversees which organizations ----------------------------------------------


def subtree(office_id: int) -> CTE:
    """The ids (column ``id``) of the office and of every organization under it, at any depth.

    UNION, not UNION ALL: a cycle (refused by :func:`set_office`, but writable by another
    client) ends the recursion instead of looping."""
    tree = (
        select(Organization.id).where(Organization.id == office_id).cte("subtree", recursive=True)
    )
    child = aliased(Organization, name="child")
    return tree.union(select(child.id).join(tree, child.office_id == tree.c.id))


def oversees(session: Session, organization_id: int) -> bool:
    """Whether the organization is an office: at least one organization names it as theirs."""
    return bool(session.scalar(select(exists().where(Organization.office_id == organization_id))))


def in_subtree(session: Session, office_id: int, organization_id: int) -> bool:
    """Whether ``organization_id`` is the office or under it."""
    tree = subtree(office_id)
    return session.scalar(select(tree.c.id).where(tree.c.id == organization_id)) is not None


def set_office(session: Session, organization: Organization, office: Organization | None) -> None:
    """Make ``office`` the office overseeing ``organization`` (None: no office).

    Refused when it would make a cycle: an organization cannot oversee itself, nor be
    overseen by an office it oversees (at any depth). The organization and every office above
    ``office`` are read afresh under a lock (:func:`tracker.db.lock_for_update`: the write
    lock on SQLite, row locks on PostgreSQL), so that two changes at once that would close a
    cycle between them run one after the other, and the second sees the first."""
    if office is None:
        organization.office_id = None
        session.flush()
        return
    if office.id == organization.id:
        raise Refused(f"{organization.name!r} cannot oversee itself", what="office")
    lock_for_update(session)
    _locked(session, organization.id)
    above: list[Organization] = []
    current: Organization | None = _locked(session, office.id)
    while current is not None and current not in above:
        above.append(current)
        if current.id == organization.id:
            chain = " → ".join(repr(o.name) for o in above)
            raise Refused(
                f"{organization.name!r} cannot be overseen by {office.name!r}, which it "
                f"oversees already ({chain}, each overseen by the next): that would be a cycle",
                what="office",
            )
        current = _locked(session, current.office_id) if current.office_id else None
    organization.office_id = office.id
    session.flush()


def _locked(session: Session, organization_id: int) -> Organization | None:
    return session.get(Organization, organization_id, with_for_update=True, populate_existing=True)


@dataclass(frozen=True)
class OrganizationEntry:
    """An organization as ``tracker organizations`` lists it."""

    id: int
    name: str
    office_id: int | None
    office: str | None
    overseen: int  # how many organizations name it as their office


def list_organizations(session: Session) -> list[OrganizationEntry]:
    """Every organization with its office and how many it oversees directly, by name."""
    office = aliased(Organization, name="office")
    counts = (
        select(Organization.office_id.label("id"), func.count().label("n"))
        .where(Organization.office_id.is_not(None))
        .group_by(Organization.office_id)
        .subquery("overseen")
    )
    rows = session.execute(
        select(
            Organization.id,
            Organization.name,
            Organization.office_id,
            office.name,
            func.coalesce(counts.c.n, 0),
        )
        .outerjoin(office, office.id == Organization.office_id)
        .outerjoin(counts, counts.c.id == Organization.id)
    ).all()
    entries = [OrganizationEntry(r[0], r[1], r[2], r[3], int(r[4])) for r in rows]
    return sorted(entries, key=lambda e: (e.name, e.id))


# --- the overview -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganizationState:
    """One organization of the overview (the module docstring gives each figure's rule)."""

    id: int
    name: str
    office_id: int | None
    plan_id: int | None
    fiscal_year: int | None
    counted: int
    done: int
    percent: float
    overdue: int
    units_followed: int
    units_not_updated: int
    last_meeting: date | None  # the latest meeting held before as_of, of any of its series
    score: float | None
    score_year: int | None
    grade: str | None


@dataclass(frozen=True)
class Summary:
    organizations: int
    scored: int
    passing: int  # scored PASS_SCORE or more

    @property
    def share(self) -> float | None:
        """The share of scored organizations at PASS_SCORE or more (None: none scored)."""
        return self.passing / self.scored if self.scored else None

    @property
    def target_met(self) -> bool:
        return self.share is not None and self.share >= TARGET_SHARE


@dataclass(frozen=True)
class Overview:
    as_of: date
    office_id: int | None  # None: every organization of the database
    organizations: list[OrganizationState]
    summary: Summary


def overview(
    session: Session,
    as_of: date,
    *,
    office_id: int | None = None,
    calendar: ThaiCalendar | None = None,
) -> Overview:
    """Every organization of the database (``office_id`` None), or of the office's subtree,
    on the local date ``as_of``, ordered by name; see the module docstring for the rules."""
    scope = subtree(office_id) if office_id is not None else None
    current = _current_plans(scope, fiscal_year_of(as_of))
    names = _organizations(session, scope)
    tasks = _task_counts(session, current, as_of)
    scores = _latest_scores(session, scope)
    followed, silent, last_held = _unit_silence(session, scope, current, as_of, calendar)
    states = []
    for org_id, name, office in names:
        plan_id, year, counted, done, percent_sum, overdue = tasks.get(
            org_id, (None, None, 0, 0, 0, 0)
        )
        score, score_year, grade = scores.get(org_id, (None, None, None))
        states.append(
            OrganizationState(
                id=org_id,
                name=name,
                office_id=office,
                plan_id=plan_id,
                fiscal_year=year,
                counted=counted,
                done=done,
                percent=round(percent_sum / counted, 1) if counted else 0.0,
                overdue=overdue,
                units_followed=followed.get(org_id, 0),
                units_not_updated=silent.get(org_id, 0),
                last_meeting=last_held.get(org_id),
                score=score,
                score_year=score_year,
                grade=grade,
            )
        )
    states.sort(key=lambda s: (s.name, s.id))
    return Overview(as_of, office_id, states, summarize(states))


def summarize(states: Sequence[OrganizationState]) -> Summary:
    """How many organizations, how many scored, how many of those at PASS_SCORE or more."""
    scored = [s.score for s in states if s.score is not None]
    return Summary(len(states), len(scored), sum(1 for score in scored if score >= PASS_SCORE))


def _scoped(statement: Select, column: object, scope: CTE | None) -> Select:  # type: ignore[type-arg]
    """``statement`` limited to the organizations of ``scope`` (by ``column``), if any."""
    if scope is None:
        return statement
    return statement.where(column.in_(select(scope.c.id)))  # type: ignore[attr-defined]


def _organizations(session: Session, scope: CTE | None) -> list[tuple[int, str, int | None]]:
    statement = select(Organization.id, Organization.name, Organization.office_id)
    rows = session.execute(_scoped(statement, Organization.id, scope)).all()
    return [(int(r[0]), str(r[1]), r[2]) for r in rows]


def _current_plans(scope: CTE | None, fiscal_year: int) -> Subquery:
    """A subquery of each organization's current plan: (id, organization_id, fiscal_year)."""
    reached = Plan.fiscal_year <= fiscal_year
    rank = func.row_number().over(
        partition_by=Plan.organization_id,
        order_by=(
            case((reached, 0), else_=1),
            case((reached, -Plan.fiscal_year), else_=Plan.fiscal_year),
            Plan.id.desc(),
        ),
    )
    ranked = _scoped(
        select(Plan.id, Plan.organization_id, Plan.fiscal_year, rank.label("rank")),
        Plan.organization_id,
        scope,
    ).subquery("ranked_plans")
    return (
        select(ranked.c.id, ranked.c.organization_id, ranked.c.fiscal_year)
        .where(ranked.c.rank == 1)
        .subquery("current_plans")
    )


def _overdue_on(as_of: date) -> ColumnElement[bool]:
    """Task.is_overdue in SQL: open, and its last day before ``as_of``."""
    return and_(Task.end_date < as_of, Task.status.in_(OPEN_STATUSES))


def _task_counts(
    session: Session, current: Subquery, as_of: date
) -> dict[int, tuple[int, int, int, int, int, int]]:
    """Per organization: (plan id, fiscal year, steps counted, done, sum of their percents,
    overdue) of its current plan.

    Two statements, joined here by plan: the current plans, and their steps summed per
    plan in the order of the measures' (plan_id, position) index, so that SQLite sums as it
    reads instead of sorting every step first. One statement joining the two let SQLite's
    planner, misled by the office's recursive CTE, compare every plan with every sum
    (3 s for 8,300 organizations instead of 0.1 s)."""
    counted = Task.status != TaskStatus.CANCELLED
    sums = (
        select(
            Measure.plan_id,
            func.sum(case((counted, 1), else_=0)),
            func.sum(case((Task.status == TaskStatus.DONE, 1), else_=0)),
            func.sum(case((counted, Task.percent), else_=0)),
            func.sum(case((_overdue_on(as_of), 1), else_=0)),
        )
        .join(Task, Task.measure_id == Measure.id)
        .where(Measure.plan_id.in_(select(current.c.id)))
        .group_by(Measure.plan_id)
    )
    by_plan = {
        int(plan_id): (int(n or 0), int(d or 0), int(p or 0), int(o or 0))
        for plan_id, n, d, p, o in session.execute(sums)
    }
    plans = select(current.c.organization_id, current.c.id, current.c.fiscal_year)
    return {
        int(org): (int(plan_id), int(year), *by_plan.get(int(plan_id), (0, 0, 0, 0)))
        for org, plan_id, year in session.execute(plans)
    }


def _latest_scores(session: Session, scope: CTE | None) -> dict[int, tuple[float, int, str | None]]:
    """Per organization: (score, BE year, grade) of its latest assessment with a score."""
    rank = func.row_number().over(
        partition_by=Assessment.organization_id,
        order_by=(Assessment.year.desc(), Assessment.id.desc()),
    )
    ranked = _scoped(
        select(
            Assessment.organization_id,
            Assessment.score,
            Assessment.year,
            Assessment.grade,
            rank.label("rank"),
        ).where(Assessment.score.is_not(None)),
        Assessment.organization_id,
        scope,
    ).subquery("ranked_scores")
    rows = session.execute(
        select(ranked.c.organization_id, ranked.c.score, ranked.c.year, ranked.c.grade).where(
            ranked.c.rank == 1
        )
    )
    return {int(org): (float(score), int(year), grade) for org, score, year, grade in rows}


# --- units that have not updated since their last meeting -------------------------------------


def _unit_silence(
    session: Session,
    scope: CTE | None,
    current: Subquery,
    as_of: date,
    calendar: ThaiCalendar | None,
) -> tuple[dict[int, int], dict[int, int], dict[int, date]]:
    """(how many units followed, how many not updated, the last meeting held) per
    organization, by the rule of the module docstring: one grouped query of the latest
    change each responsible unit made to its followed steps of each series (one row per
    organization, series and unit, by organization), compared in Python with each series'
    last meeting. A unit counts once however many of its series it is silent in.

    The rows are counted as they pass, one organization's units at a time: nothing of a
    row outlives its organization (8,300 organizations' sets of units, kept to the end,
    made the cyclic garbage collector walk them again and again)."""
    last = _last_meetings(session, scope, as_of, calendar or ThaiCalendar())
    followed: dict[int, int] = {}
    silent: dict[int, int] = {}
    rows = session.execute(_latest_changes(current, as_of))
    for org, of_org in groupby(rows, key=itemgetter(0)):
        units: set[int] = set()
        quiet: set[int] = set()
        for _org, series_id, unit_id, at in of_org:
            units.add(unit_id)
            meeting = last.get(series_id)
            since = meeting[2] if meeting is not None else None
            if at is None or (since is not None and at <= since):
                quiet.add(unit_id)
        followed[org], silent[org] = len(units), len(quiet)
    last_held: dict[int, date] = {}
    for org, held_on, _start in last.values():
        if org not in last_held or held_on > last_held[org]:
            last_held[org] = held_on
    return followed, silent, last_held


def _real(unit: type[Unit]) -> ColumnElement[bool]:
    """A unit that is asked for updates: not an every-unit group, not merged away."""
    return and_(unit.all_units.is_(False), unit.merged_into_id.is_(None))


def _latest_changes(current: Subquery, as_of: date) -> Select:  # type: ignore[type-arg]
    """(organization, series, unit, latest change or None) for every unit responsible for
    an open, started, followed-up step of a current plan, once per (organization, series,
    unit), by organization.

    One GROUP BY over three kinds of rows, no join between them: each change that counts
    (:func:`_counted_changes`), with its moment, and each responsible unit with none: the
    units named on the series' followed steps, and every real unit of the organization of
    an every-unit group named on them, each unit or group taken once per series rather than
    once per step. A change counts only for a unit responsible for the changed step, so it
    never adds a unit that is not followed; a unit with no change that counts gets None.
    (Joining the responsible units with their grouped changes instead left SQLite's planner
    free to compare every row of one with every row of the other.)"""
    followed = (
        select(
            Task.id.label("task_id"),
            current.c.organization_id.label("organization_id"),
            Task.series_id.label("series_id"),
        )
        .join(Measure, Measure.plan_id == current.c.id)
        .join(Task, Task.measure_id == Measure.id)
        .where(
            Task.status.in_(OPEN_STATUSES),
            Task.series_id.is_not(None),
            or_(Task.start_date.is_(None), Task.start_date <= as_of),
        )
        .cte("followed")
    )
    # Each unit or group named on some followed step of a series, once per series: the
    # steps' many links to the same units collapse before any unit is looked at.
    links = (
        select(followed.c.organization_id, followed.c.series_id, task_units.c.unit_id)
        .join(task_units, task_units.c.task_id == followed.c.task_id)
        .distinct()
        .cte("series_links")
    )
    named_unit = aliased(Unit, name="named_unit")
    named = select(links.c.organization_id, links.c.series_id, named_unit.id, null()).join(
        named_unit, and_(named_unit.id == links.c.unit_id, _real(named_unit))
    )
    group, member = aliased(Unit, name="group_unit"), aliased(Unit, name="member")
    via_group = (
        select(links.c.organization_id, links.c.series_id, member.id, null())
        .join(group, and_(group.id == links.c.unit_id, group.all_units.is_(True)))
        .join(member, and_(member.organization_id == group.organization_id, _real(member)))
    )
    # The changes first: a compound select's columns take their names and types from its
    # first select (``at`` read back as an aware datetime).
    rows = union_all(_counted_changes(followed), named, via_group).subquery("responsible")
    return (
        select(rows.c.organization_id, rows.c.series_id, rows.c.unit_id, func.max(rows.c.at))
        .group_by(rows.c.organization_id, rows.c.series_id, rows.c.unit_id)
        .order_by(rows.c.organization_id)
    )


def _counted_changes(followed: CTE) -> Select:  # type: ignore[type-arg]
    """(organization_id, series_id, unit_id, at) of each change to a followed step that
    counts for a unit: made by the unit, or by a unit since merged into it
    (:func:`_merge_ends`), when that unit is responsible for the step (named on it, or a real
    unit of the organization of an every-unit group named on it)."""
    ends = _merge_ends()
    acting = aliased(Unit, name="acting")
    named_on = exists().where(
        task_units.c.task_id == followed.c.task_id, task_units.c.unit_id == acting.id
    )
    group = aliased(Unit, name="acting_group")
    group_link = task_units.alias("group_link")
    via_group = exists().where(
        group_link.c.task_id == followed.c.task_id,
        group.id == group_link.c.unit_id,
        group.all_units.is_(True),
        group.organization_id == acting.organization_id,
    )
    unit_now = func.coalesce(ends.c.unit_id, TaskEvent.actor_unit_id)
    return (
        select(
            followed.c.organization_id,
            followed.c.series_id,
            acting.id.label("unit_id"),
            TaskEvent.at.label("at"),
        )
        .select_from(followed)
        .join(TaskEvent, TaskEvent.task_id == followed.c.task_id)
        .outerjoin(ends, ends.c.id == TaskEvent.actor_unit_id)
        .join(acting, and_(acting.id == unit_now, _real(acting)))
        .where(or_(named_on, via_group))
    )


def _merge_ends() -> CTE:
    """(id, unit_id): every merged unit and the unit it is part of now, following merges
    on to a unit not merged. Merges are few: the recursion starts from the merged units only.
    A cycle of merges (never written by merge_units) reaches no such unit: its units have no
    row, their changes count for no real unit. UNION, not UNION ALL, ends such a cycle."""
    chain = (
        select(Unit.id.label("id"), Unit.merged_into_id.label("unit_id"))
        .where(Unit.merged_into_id.is_not(None))
        .cte("merge_chain", recursive=True)
    )
    step = aliased(Unit, name="merge_step")
    chain = chain.union(
        select(chain.c.id, step.merged_into_id)
        .join(step, step.id == chain.c.unit_id)
        .where(step.merged_into_id.is_not(None))
    )
    end = aliased(Unit, name="merge_end")
    return (
        select(chain.c.id, chain.c.unit_id)
        .join(end, and_(end.id == chain.c.unit_id, end.merged_into_id.is_(None)))
        .cte("merge_ends")
    )


SeriesKey = tuple[str, str, time, str, tuple[tuple[date, bool, date | None], ...]]


def _last_meetings(
    session: Session, scope: CTE | None, as_of: date, calendar: ThaiCalendar
) -> dict[int, tuple[int, date, datetime]]:
    """Per series: (organization, day, start) of its last meeting held before ``as_of``.

    Series are many and their rules few: the calendar is worked out once per rule (rule,
    zone, time, holiday policy) and the exceptions near its last meeting, so 8,300 series
    of one rule cost one calendar. An exception long before the rule's last meeting cannot
    change the answer unless every later meeting was called off; then the series is worked
    out again with all its exceptions."""
    series_rows = session.execute(
        _scoped(
            select(
                MeetingSeries.id,
                MeetingSeries.organization_id,
                MeetingSeries.rrule,
                MeetingSeries.timezone,
                MeetingSeries.time_of_day,
                MeetingSeries.holiday_policy,
            ),
            MeetingSeries.organization_id,
            scope,
        )
    ).all()
    exceptions = _exceptions(session, scope)
    found: dict[int, tuple[int, date, datetime]] = {}
    cache: dict[SeriesKey, tuple[date, datetime, date] | None] = {}
    for series_id, org, rrule, zone, at, policy in series_rows:
        rule = (rrule, zone, at, str(policy))
        base = _cached(cache, (*rule, ()), as_of, calendar)
        rows = exceptions.get(series_id, ())
        if rows and base is not None:
            cutoff = base[2] - EXCEPTION_MARGIN  # the rule date of its last meeting, less
            near = tuple(r for r in rows if max(r[0], r[2] or r[0]) >= cutoff)
            result = _cached(cache, (*rule, near), as_of, calendar) if near else base
            if result is None or result[0] < cutoff:
                result = _cached(cache, (*rule, tuple(rows)), as_of, calendar)
        elif rows:
            result = _cached(cache, (*rule, tuple(rows)), as_of, calendar)
        else:
            result = base
        if result is not None:
            found[int(series_id)] = (int(org), result[0], result[1])
    return found


def _exceptions(
    session: Session, scope: CTE | None
) -> dict[int, tuple[tuple[date, bool, date | None], ...]]:
    """Each series' exception rows (date, cancelled, moved_to), by date."""
    statement = (
        select(Meeting.series_id, Meeting.date, Meeting.cancelled, Meeting.moved_to)
        .join(MeetingSeries, MeetingSeries.id == Meeting.series_id)
        .order_by(Meeting.series_id, Meeting.date)
    )
    found: dict[int, list[tuple[date, bool, date | None]]] = defaultdict(list)
    for series_id, day, cancelled, moved_to in session.execute(
        _scoped(statement, MeetingSeries.organization_id, scope)
    ):
        found[int(series_id)].append((day, bool(cancelled), moved_to))
    return {key: tuple(rows) for key, rows in found.items()}


def _cached(
    cache: dict[SeriesKey, tuple[date, datetime, date] | None],
    key: SeriesKey,
    as_of: date,
    calendar: ThaiCalendar,
) -> tuple[date, datetime, date] | None:
    if key not in cache:
        cache[key] = _last_held(key, as_of, calendar)
    return cache[key]


def _last_held(
    key: SeriesKey, as_of: date, calendar: ThaiCalendar
) -> tuple[date, datetime, date] | None:
    """(day, start, rule date) of the last meeting held on a day before ``as_of`` of a series
    with this rule and these exceptions, or None, by the one rule of the last meeting
    (:func:`tracker.services.meetings.last_meeting_before`, the dashboard's too).

    The series is a transient one, never added to a session."""
    rrule, zone, at, policy, rows = key
    series = MeetingSeries(
        rrule=rrule, timezone=zone, time_of_day=at, holiday_policy=HolidayPolicy(policy)
    )
    series.meetings = [Meeting(date=d, cancelled=c, moved_to=m) for d, c, m in rows]
    last = last_meeting_before(series, as_of, calendar)
    if last is None:
        return None
    return last.date, last.start, last.rule_date
