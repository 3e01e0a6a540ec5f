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

from sqlalchemy import CTE, Select, and_, case, exists, func, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from schedules import fiscal_year_of
from schedules.followup import held
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
from tracker.services.meetings import LOOKAHEAD_DAYS, series_meetings

PASS_SCORE = 85.0  # the ITA score an agency is to reach
TARGET_SHARE = 0.80  # the national target: this share of agencies at PASS_SCORE or more
LOOKBACK = timedelta(days=LOOKAHEAD_DAYS)  # far enough back for any rule's last meeting
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


@dataclass(frozen=True)
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
                units_followed=len(followed.get(org_id, ())),
                units_not_updated=len(silent.get(org_id, ())),
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


def _current_plans(scope: CTE | None, fiscal_year: int) -> object:
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


def _overdue_on(as_of: date) -> object:
    """Task.is_overdue in SQL: open, and its last day before ``as_of``."""
    return and_(Task.end_date < as_of, Task.status.in_(OPEN_STATUSES))


def _task_counts(
    session: Session, current: object, as_of: date
) -> dict[int, tuple[int, int, int, int, int, int]]:
    """Per organization: (plan id, fiscal year, steps counted, done, sum of their percents,
    overdue) of its current plan, in one grouped query."""
    plan = current  # a subquery: columns id, organization_id, fiscal_year
    counted = Task.status != TaskStatus.CANCELLED
    statement = (
        select(
            plan.c.organization_id,  # type: ignore[attr-defined]
            plan.c.id,  # type: ignore[attr-defined]
            plan.c.fiscal_year,  # type: ignore[attr-defined]
            func.sum(case((counted, 1), else_=0)),
            func.sum(case((Task.status == TaskStatus.DONE, 1), else_=0)),
            func.sum(case((counted, Task.percent), else_=0)),
            func.sum(case((_overdue_on(as_of), 1), else_=0)),  # type: ignore[arg-type]
        )
        .select_from(plan)  # type: ignore[arg-type]
        .outerjoin(Measure, Measure.plan_id == plan.c.id)  # type: ignore[attr-defined]
        .outerjoin(Task, Task.measure_id == Measure.id)
        .group_by(plan.c.organization_id, plan.c.id, plan.c.fiscal_year)  # type: ignore[attr-defined]
    )
    return {
        int(org): (int(plan_id), int(year), int(n or 0), int(d or 0), int(p or 0), int(o or 0))
        for org, plan_id, year, n, d, p, o in session.execute(statement)
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
    current: object,
    as_of: date,
    calendar: ThaiCalendar | None,
) -> tuple[dict[int, set[int]], dict[int, set[int]], dict[int, date]]:
    """(units followed, units not updated, the last meeting held) per organization, by the
    rule of the module docstring: one grouped query of the latest change each responsible
    unit made to its followed steps of each series, compared in Python with each series'
    last meeting."""
    last = _last_meetings(session, scope, as_of, calendar or ThaiCalendar())
    merged = _merged_units(session, scope)
    latest: dict[tuple[int, int, int], datetime | None] = {}
    for org, series_id, unit_id, actor, at in session.execute(_latest_changes(current, as_of)):
        key = (org, series_id, unit_id)
        known = latest.setdefault(key, None)
        if actor is not None and at is not None and _current(actor, merged) == unit_id:
            latest[key] = at if known is None else max(known, at)
    followed: dict[int, set[int]] = defaultdict(set)
    silent: dict[int, set[int]] = defaultdict(set)
    for (org, series_id, unit_id), at in latest.items():
        followed[org].add(unit_id)
        meeting = last.get(series_id)
        since = meeting[2] if meeting is not None else None
        if at is None or (since is not None and at <= since):
            silent[org].add(unit_id)
    last_held: dict[int, date] = {}
    for org, held_on, _start in last.values():
        if org not in last_held or held_on > last_held[org]:
            last_held[org] = held_on
    return followed, silent, last_held


def _latest_changes(current: object, as_of: date) -> Select:  # type: ignore[type-arg]
    """(organization, series, unit, actor unit, latest change) for every unit responsible for
    an open, started, followed-up step of a current plan: the actor is the unit itself or a
    merged unit (sorted out by the caller), None when no such change was made."""
    plan = current
    followed = (
        select(
            Task.id.label("task_id"),
            plan.c.organization_id.label("organization_id"),  # type: ignore[attr-defined]
            Task.series_id.label("series_id"),
        )
        .join(Measure, Measure.plan_id == plan.c.id)  # type: ignore[attr-defined]
        .join(Task, Task.measure_id == Measure.id)
        .where(
            Task.status.in_(OPEN_STATUSES),
            Task.series_id.is_not(None),
            or_(Task.start_date.is_(None), Task.start_date <= as_of),
        )
        .cte("followed")
    )
    named_unit = aliased(Unit, name="named_unit")
    named = (
        select(followed.c.task_id, followed.c.organization_id, followed.c.series_id, named_unit.id)
        .join(task_units, task_units.c.task_id == followed.c.task_id)
        .join(named_unit, named_unit.id == task_units.c.unit_id)
        .where(named_unit.all_units.is_(False), named_unit.merged_into_id.is_(None))
    )
    group, member = aliased(Unit, name="group_unit"), aliased(Unit, name="member")
    via_group = (
        select(followed.c.task_id, followed.c.organization_id, followed.c.series_id, member.id)
        .join(task_units, task_units.c.task_id == followed.c.task_id)
        .join(group, and_(group.id == task_units.c.unit_id, group.all_units.is_(True)))
        .join(
            member,
            and_(
                member.organization_id == group.organization_id,
                member.all_units.is_(False),
                member.merged_into_id.is_(None),
            ),
        )
    )
    responsible = union_all(named, via_group).subquery("responsible")
    task_id, org, series_id, unit_id = responsible.c
    actor = aliased(Unit, name="actor")
    changes = (
        select(TaskEvent.task_id, TaskEvent.actor_unit_id, TaskEvent.at)
        .join(actor, actor.id == TaskEvent.actor_unit_id)
        .add_columns(actor.merged_into_id)
        .subquery("changes")
    )
    return (
        select(org, series_id, unit_id, changes.c.actor_unit_id, func.max(changes.c.at))
        .select_from(responsible)
        .outerjoin(
            changes,
            and_(
                changes.c.task_id == task_id,
                or_(
                    changes.c.actor_unit_id == unit_id,
                    changes.c.merged_into_id.is_not(None),
                ),
            ),
        )
        .group_by(org, series_id, unit_id, changes.c.actor_unit_id)
    )


def _merged_units(session: Session, scope: CTE | None) -> dict[int, int]:
    """Each merged unit's id and the unit it was merged into (few rows: merges are rare)."""
    statement = select(Unit.id, Unit.merged_into_id).where(Unit.merged_into_id.is_not(None))
    rows = session.execute(_scoped(statement, Unit.organization_id, scope)).all()
    return {int(unit_id): int(into) for unit_id, into in rows}


def _current(unit_id: int, merged: dict[int, int]) -> int:
    """The unit ``unit_id`` is part of now (itself unless merged, following merges on)."""
    seen = {unit_id}
    while unit_id in merged and merged[unit_id] not in seen:
        unit_id = merged[unit_id]
        seen.add(unit_id)
    return unit_id


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
    with this rule and these exceptions (as the dashboard's ``last_meeting_before``), or None.

    The series is a transient one, never added to a session: the calendar is worked out by
    the one function that turns a stored series into meetings
    (:func:`tracker.services.meetings.series_meetings`)."""
    rrule, zone, at, policy, rows = key
    series = MeetingSeries(
        rrule=rrule, timezone=zone, time_of_day=at, holiday_policy=HolidayPolicy(policy)
    )
    series.meetings = [Meeting(date=d, cancelled=c, moved_to=m) for d, c, m in rows]
    past = series_meetings(series, as_of - LOOKBACK, as_of - timedelta(days=1), calendar=calendar)
    taking_place = held(past)
    if not taking_place:
        return None
    last = taking_place[-1]
    return last.date, last.start, last.rule_date
