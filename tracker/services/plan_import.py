"""Importing a checked plan document: an upsert keyed on what a person would recognise.

Organization by name, plan by (organization, fiscal year), unit by any of its names, series
by name, measure by its place in the plan, task by (measure, step number). Importing the
same document twice changes nothing. A part the document leaves out (no "title", "source" or
"assessment" key, as in a plan document written by hand, or no measures, as in a report of
results without a plan) keeps what the plan has, so a plan can be completed by a second
import: the assessment from a report, then the measures from a plan document, or the other
way round. A task's progress (status, percent) belongs to the
tracker once the task exists: a re-import never overwrites it, and says so when the document
disagrees. Every change a re-import makes to a task goes into its audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from schedules import DEFAULT_ZONE
from tracker.models import (
    Assessment,
    AssessmentItem,
    HolidayPolicy,
    IndicatorScore,
    Measure,
    Meeting,
    MeetingSeries,
    Organization,
    Plan,
    Task,
    TaskEvent,
    TaskStatus,
    Tool,
    Unit,
    task_units,
)
from tracker.services.plans import load_tree
from tracker.services.series import add_recipient
from tracker.services.units import (
    UnitFinder,
    add_alias,
    add_contact,
    add_unit,
    find_unit,
    list_units,
)
from tracker.textkey import lookup_key, tidy_name

DEFAULT_MEETING_TIME = time(9, 0)


@dataclass
class ImportReport:
    """What an import did: counts of new rows, the fields it changed, and notices."""

    plan_id: int = 0
    created: dict[str, int] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.changes)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


def _assign(obj: Any, name: str, value: Any, report: ImportReport, label: str) -> bool:
    """Set ``obj.name = value`` only if it differs; note the change. True if it changed."""
    old = getattr(obj, name)
    if old == value:
        return False
    setattr(obj, name, value)
    if obj.id is not None:  # a new row is counted as created, not as a change
        report.changes.append(f"{label}: {name} {_show(old)} -> {_show(value)}")
    return True


def _show(value: Any) -> str:
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, TaskStatus | HolidayPolicy | Tool):
        return value.value
    return repr(value)


def import_plan(
    session: Session, document: dict[str, Any], *, now: datetime, actor: str
) -> ImportReport:
    """Write a checked plan document into the database (see the module docstring)."""
    report = ImportReport()
    organization = _organization(session, document["organization"]["name"], report)
    plan = session.scalar(
        select(Plan).where(
            Plan.organization_id == organization.id,
            Plan.fiscal_year == document["fiscal_year"],
        )
    )
    if plan is None:
        plan = Plan(organization=organization, fiscal_year=document["fiscal_year"], warnings=[])
        session.add(plan)
        report.count("plans")
    else:
        load_tree(session, plan)
    label = f"plan {document['fiscal_year']}"
    for part in ("title", "source"):
        if part in document:
            _assign(plan, part, document[part], report, label)
    _assign(plan, "warnings", _warnings(document), report, label)
    if "assessment" in document:
        _link_assessment(session, organization, plan, document["assessment"], report, label)
    session.flush()
    _import_units(session, organization, document.get("units", []), report)
    series = _import_series(session, organization, document.get("meeting_series", []), report)
    context = _TaskContext(session, report, now, actor, series, _unit_index(session, organization))
    for position, measure_doc in enumerate(document["measures"], start=1):
        _import_measure(context, plan, position, measure_doc)
    _notice_missing(plan, document, report)
    session.flush()
    _insert_new_tasks(context)
    report.plan_id = plan.id
    return report


def _link_assessment(
    session: Session,
    organization: Organization,
    plan: Plan,
    doc: dict[str, Any] | None,
    report: ImportReport,
    label: str,
) -> None:
    assessment = _import_assessment(session, organization, doc, report)
    if plan.assessment is not assessment:
        if "plans" not in report.created:
            report.changes.append(f"{label}: assessment -> {assessment and assessment.year}")
        plan.assessment = assessment


def _warnings(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"code": w["code"], "where": w.get("where"), "message": w["message"]}
        for w in document.get("warnings", [])
    ]


def _organization(session: Session, name: str, report: ImportReport) -> Organization:
    organization = session.scalar(select(Organization).where(Organization.key == lookup_key(name)))
    if organization is None:
        organization = Organization(name=tidy_name(name), key=lookup_key(name))
        session.add(organization)
        session.flush()
        report.count("organizations")
    return organization


def _import_assessment(
    session: Session, organization: Organization, doc: dict[str, Any] | None, report: ImportReport
) -> Assessment | None:
    if doc is None:
        return None
    assessment = session.scalar(
        select(Assessment).where(
            Assessment.organization_id == organization.id, Assessment.year == doc["year"]
        )
    )
    if assessment is None:
        assessment = Assessment(organization_id=organization.id, year=doc["year"])
        session.add(assessment)
        report.count("assessments")
    label = f"assessment {doc['year']}"
    _assign(assessment, "score", doc.get("score"), report, label)
    _assign(assessment, "grade", doc.get("grade"), report, label)
    session.flush()
    indicators = {i.number: i for i in assessment.indicators}
    for entry in doc.get("indicators", []):
        indicator = indicators.get(entry["number"])
        if indicator is None:
            indicator = IndicatorScore(assessment=assessment, number=entry["number"])
            session.add(indicator)
            report.count("indicators")
        where = f"{label} indicator {entry['number']}"
        _assign(indicator, "name", tidy_name(entry["name"]), report, where)
        _assign(indicator, "tool", Tool(entry["tool"]), report, where)
        _assign(indicator, "score", entry.get("score"), report, where)
    items = {i.code: i for i in assessment.items}
    for position, entry in enumerate(doc.get("items", []), start=1):
        item = items.get(entry["code"])
        if item is None:
            item = AssessmentItem(assessment=assessment, code=entry["code"])
            session.add(item)
            report.count("assessment items")
        where = f"{label} item {entry['code']}"
        _assign(item, "position", position, report, where)
        _assign(item, "tool", Tool(entry.get("tool") or _tool_of(entry["code"])), report, where)
        for name in ("score", "question", "suggestion"):
            _assign(item, name, entry.get(name), report, where)
    session.flush()
    return assessment


def _tool_of(code: str) -> str:
    return {"I": "IIT", "E": "EIT", "O": "OIT"}[code[0]]


def _import_units(
    session: Session, organization: Organization, docs: list[dict[str, Any]], report: ImportReport
) -> None:
    finder: UnitFinder | None = None  # the stored units, loaded once, if a name needs rules
    for doc in docs:
        unit = find_unit(session, organization, doc["name"])
        if unit is None:
            # The rules of tracker.unitnames: "กองช่างฯ" finds the กองช่างโยธา already stored,
            # and is then kept as its alias, so the tasks' "กองช่างฯ" find it by name below.
            finder = finder or UnitFinder(session, organization)
            unit = finder.find(doc["name"])
        is_new = unit is None
        if unit is None:
            unit = add_unit(
                session, organization, doc["name"], all_units=doc.get("all_units", False)
            )
            report.count("units")
        _assign(unit, "all_units", doc.get("all_units", False), report, f"unit {unit.name}")
        names = [doc["name"], *doc.get("aliases", [])]
        added = [a for a in names if add_alias(session, unit, a) is not None]
        known = {(c.channel, c.address): (c.role, c.fallback) for c in unit.contacts}
        for contact in doc.get("contacts", []):
            key, role = (contact["channel"], contact["address"]), contact.get("role", "unit")
            fallback = contact.get("fallback", False)
            if known.get(key) != (role, fallback):
                add_contact(session, unit, *key, role=role, fallback=fallback)
                notes = [role] if role != "unit" else []
                notes += ["fallback"] if fallback else []
                added.append(contact["address"] + (f" ({', '.join(notes)})" if notes else ""))
        if added and not is_new:
            report.changes.append(f"unit {unit.name}: added {', '.join(map(repr, added))}")


def _import_series(
    session: Session, organization: Organization, docs: list[dict[str, Any]], report: ImportReport
) -> dict[str, MeetingSeries]:
    existing = {
        lookup_key(s.name): s
        for s in session.scalars(
            select(MeetingSeries).where(MeetingSeries.organization_id == organization.id)
        )
    }
    by_key: dict[str, MeetingSeries] = {}
    for doc in docs:
        key = lookup_key(doc["name"])
        series = existing.get(key)
        is_new = series is None
        if series is None:
            series = MeetingSeries(organization_id=organization.id, name=tidy_name(doc["name"]))
            session.add(series)
            report.count("meeting series")
        label = f"series {series.name}"
        before = _change_count(report)
        _assign(series, "rrule", doc["rrule"].removeprefix("RRULE:"), report, label)
        _assign(series, "timezone", doc.get("timezone", DEFAULT_ZONE), report, label)
        _assign(series, "text", doc.get("text"), report, label)
        at = time.fromisoformat(doc["time"]) if "time" in doc else DEFAULT_MEETING_TIME
        _assign(series, "time_of_day", at, report, label)
        _assign(series, "place", doc.get("place"), report, label)
        policy = HolidayPolicy(doc.get("holiday_policy", "flag"))
        _assign(series, "holiday_policy", policy, report, label)
        _import_timing(series, doc, report, label)
        session.flush()
        recipients = doc.get("recipients", [])
        _import_recipients(session, series, recipients, report, None if is_new else label)
        _import_exceptions(session, series, doc.get("exceptions", []), report)
        if _change_count(report) > before:
            series.replan()
        by_key[key] = series
    return by_key


# A series' follow-up timing when the document leaves it out (the model's defaults).
DEFAULT_TIMING = {
    "reminder_days": 2,
    "reminder_time": time(9, 0),
    "report_days": 1,
    "report_time": time(8, 0),
}


def _import_timing(
    series: MeetingSeries, doc: dict[str, Any], report: ImportReport, label: str
) -> None:
    for name, default in DEFAULT_TIMING.items():
        value = doc.get(name)
        if isinstance(default, time):
            value = time.fromisoformat(value) if value else default
        _assign(series, name, default if value is None else value, report, label)


def _import_recipients(
    session: Session,
    series: MeetingSeries,
    docs: list[dict[str, Any]],
    report: ImportReport,
    label: str | None,
) -> None:
    """Add the document's report recipients the series lacks (``label`` None: a new series,
    whose recipients are part of its creation, not changes)."""
    known = {(r.channel, r.address) for r in series.recipients}
    for doc in docs:
        if (doc["channel"], doc["address"]) in known:
            continue
        add_recipient(session, series, doc["channel"], doc["address"], name=doc.get("name"))
        if label is not None:
            report.changes.append(f"{label}: report recipient {doc['address']!r} added")


def _change_count(report: ImportReport) -> int:
    return len(report.changes) + sum(report.created.values())


def _import_exceptions(
    session: Session, series: MeetingSeries, docs: list[dict[str, Any]], report: ImportReport
) -> None:
    meetings = {m.date: m for m in series.meetings}
    for doc in docs:
        day = date.fromisoformat(doc["date"])
        meeting = meetings.get(day)
        if meeting is None:
            meeting = Meeting(series=series, date=day)
            session.add(meeting)
            report.count("meeting exceptions")
        label = f"series {series.name} meeting {day.isoformat()}"
        _assign(meeting, "cancelled", doc.get("cancelled", False), report, label)
        moved = doc.get("moved_to")
        _assign(meeting, "moved_to", date.fromisoformat(moved) if moved else None, report, label)
        _assign(meeting, "note", doc.get("note"), report, label)


@dataclass(frozen=True)
class _NewTask:
    """A task the document adds, written with the others after every measure is read."""

    measure: Measure
    values: dict[str, Any]  # the tasks row's columns but the measure's id
    unit_ids: list[int]


@dataclass(frozen=True)
class _TaskContext:
    """What importing a plan's tasks needs besides the task: looked up once per import."""

    session: Session
    report: ImportReport
    now: datetime
    actor: str
    series: dict[str, MeetingSeries]
    units: dict[str, Unit]  # lookup key of every name and alias -> unit
    new_tasks: list[_NewTask] = field(default_factory=list)


def _unit_index(session: Session, organization: Organization) -> dict[str, Unit]:
    index: dict[str, Unit] = {}
    for unit in list_units(session, organization):
        index[unit.key] = unit
        index.update({alias.key: unit for alias in unit.aliases})
    return index


def _import_measure(ctx: _TaskContext, plan: Plan, position: int, doc: dict[str, Any]) -> None:
    measure = next((m for m in plan.measures if m.position == position), None)
    if measure is None:
        measure = Measure(plan=plan, position=position, title=doc["title"])
        ctx.session.add(measure)
        ctx.report.count("measures")
    _assign(measure, "title", doc["title"], ctx.report, f"measure {position}")
    codes = doc.get("items", [])
    items: list[AssessmentItem] = []
    if codes:
        assert plan.assessment is not None  # a checked document's items are its assessment's
        items = [i for code in codes for i in plan.assessment.items if i.code == code]
    # Items are kept in assessment order, so compare as sets: a document listing them in
    # another order is the same measure.
    if {i.code for i in measure.items} != set(codes):
        if measure.id is not None:
            ctx.report.changes.append(f"measure {position}: items -> {codes}")
        measure.items = items
    tasks = {t.number: t for t in measure.tasks}
    for task_doc in doc["tasks"]:
        _import_task(ctx, measure, tasks.get(task_doc["number"]), task_doc)


def _import_task(
    ctx: _TaskContext, measure: Measure, task: Task | None, doc: dict[str, Any]
) -> None:
    units = sorted({ctx.units[lookup_key(name)] for name in doc.get("units", [])}, key=_by_id)
    follow_up = doc.get("follow_up")
    wanted: dict[str, Any] = {
        "title": doc["title"],
        "period_text": doc.get("period_text"),
        "start_date": _date(doc.get("start")),
        "end_date": _date(doc.get("end")),
        "series": ctx.series[lookup_key(follow_up)] if follow_up else None,
    }
    status = TaskStatus(doc.get("status", "not_started"))
    percent = doc.get("percent", 100 if status is TaskStatus.DONE else 0)
    if task is None:
        series = wanted.pop("series")
        values = {
            "number": doc["number"],
            "status": status,
            "percent": percent,
            "created_at": ctx.now,
            "updated_at": ctx.now,
            "series_id": series and series.id,
            **wanted,
        }
        ctx.new_tasks.append(_NewTask(measure, values, [u.id for u in units]))
        ctx.report.count("tasks")
        return
    _update_task(ctx, task, wanted, units)
    # Only a document that states progress can disagree with the tracker's (a report doesn't).
    states_progress = "status" in doc or "percent" in doc
    if states_progress and (task.status, task.percent) != (status, percent):
        ctx.report.notices.append(
            f"task {measure.position}.{task.number}: the document says {status.value} "
            f"{percent}%, the tracker has {task.status.value} {task.percent}%; "
            "kept the tracker's progress"
        )


def _by_id(unit: Unit) -> int:
    return unit.id


def _insert_new_tasks(ctx: _TaskContext) -> None:
    """Write the new tasks, their units and their "created" events as three multi-row
    inserts (a 1,000-step plan in a few statements, where an object per row cost half a
    second), after the measures are flushed and have ids. The measures' task lists loaded
    in this session are expired, so whoever reads them next sees the new tasks."""
    if not ctx.new_tasks:
        return
    rows = [{**new.values, "measure_id": new.measure.id} for new in ctx.new_tasks]
    ids = ctx.session.scalars(
        insert(Task).returning(Task.id, sort_by_parameter_order=True), rows
    ).all()
    links = [
        {"task_id": task_id, "unit_id": unit_id}
        for task_id, new in zip(ids, ctx.new_tasks, strict=True)
        for unit_id in new.unit_ids
    ]
    if links:
        ctx.session.execute(insert(task_units), links)
    created = [
        {
            "task_id": task_id,
            "at": ctx.now,
            "actor": ctx.actor,
            "field": "created",
            "after": row["title"],
        }
        for task_id, row in zip(ids, rows, strict=True)
    ]
    ctx.session.execute(insert(TaskEvent), created)
    for measure in {id(new.measure): new.measure for new in ctx.new_tasks}.values():
        ctx.session.expire(measure, ["tasks"])


def _update_task(ctx: _TaskContext, task: Task, wanted: dict[str, Any], units: list[Unit]) -> None:
    label = f"task {task.measure.position}.{task.number}"
    for name, value in wanted.items():
        old = getattr(task, name)
        if _assign(task, name, value, ctx.report, label):
            _log_import_change(ctx, task, name, old, value)
            if name == "end_date":
                task.replan_alerts()
    if [u.id for u in task.units] != [u.id for u in units]:
        before = ", ".join(u.name for u in task.units)
        task.units = units
        after = ", ".join(u.name for u in units)
        ctx.report.changes.append(f"{label}: units {before!r} -> {after!r}")
        _log_import_change(ctx, task, "units", before, after)


def _log_import_change(ctx: _TaskContext, task: Task, name: str, old: Any, new: Any) -> None:
    if name == "series":
        name, old, new = "follow_up", old and old.name, new and new.name
    ctx.session.add(
        TaskEvent(
            task=task,
            at=ctx.now,
            actor=ctx.actor,
            field=name,
            before=None if old is None else _plain(old),
            after=None if new is None else _plain(new),
        )
    )
    task.updated_at = ctx.now


def _plain(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _notice_missing(plan: Plan, document: dict[str, Any], report: ImportReport) -> None:
    if not document["measures"]:
        kept = sum(len(measure.tasks) for measure in plan.measures)
        if kept:
            report.notices.append(f"the document has no measures; kept the plan's {kept} tasks")
        return
    in_document = {
        (position, task["number"])
        for position, measure in enumerate(document["measures"], start=1)
        for task in measure["tasks"]
    }
    for measure in plan.measures:
        for task in measure.tasks:
            if (measure.position, task.number) not in in_document:
                report.notices.append(
                    f"task {measure.position}.{task.number} (id {task.id}) is not in the "
                    "document; kept it"
                )
