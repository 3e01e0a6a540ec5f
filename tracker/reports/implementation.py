"""The implementation report ("รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส
ภายในหน่วยงาน"): what an agency publishes twice a year for the next ITA (OIT item O43 in the
2564–2565 framework, O26 in the 2569 list).

``implementation_period`` picks the report's period: รอบ 6 เดือน (1 Oct – 31 Mar) or the whole
fiscal year. ``build_implementation_report`` reads the plan and its audit log as they stood at
the end of the as-of day (Asia/Bangkok) and returns plain dataclasses (``asdict`` gives JSON);
``implementation_document`` turns them into a printable :class:`Document`. The builder never
writes; the document function reads no database.

The rules the report follows, each decided here once:

- **State as of the day**: a step's status and percent are the task's current ones with every
  change logged after the as-of day undone (read from the audit log, newest first). A step's
  state before the first entry of its log is the state it was imported with.
- **The window**: results, evidence and problems are what units wrote from the period's first
  day to the end of the as-of day; a later as-of day than the period's last is read as the
  last (a half-year report written in May still stops at 31 March).
- **Late**: not done or cancelled on the as-of day and its planned end before that day (a
  step ending on the as-of day is not late yet), as :meth:`Task.is_overdue` judges.
- **Counts**: done, in progress, not started and cancelled split the steps; late counts again
  those in progress or not started that are late. Completion (the mean percent) is
  :func:`tracker.reports.progress.completion_of`'s, so cancelled steps count for nothing.
  By unit, a step counts once for each of its units; the every-unit group is counted under
  its own name.
- **Problems and obstacles**: the notes units wrote on steps not done on the as-of day
  (leaving out a note that came with marking the step done: it reports the work finished),
  and the note given when a step was reopened, whatever became of the step later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Literal
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from schedules import DEFAULT_ZONE, fiscal_year_bounds, format_date, format_span
from tracker.errors import InvalidInput
from tracker.i18n import TASK_STATUS, label, t
from tracker.models import EvidenceFile, Measure, Plan, Task, TaskEvent, TaskStatus
from tracker.reports.document import (
    Bar,
    BarChart,
    Cell,
    Column,
    Document,
    FillIn,
    Link,
    Paragraph,
    Row,
    Section,
    Signatures,
    Signer,
    Table,
    Tone,
    Value,
)
from tracker.reports.progress import completion_of

PeriodKind = Literal["half", "year"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("half", "year")
ZONE = ZoneInfo(DEFAULT_ZONE)
REOPENED_FROM = (TaskStatus.DONE.value, TaskStatus.CANCELLED.value)


# --- the period ------------------------------------------------------------------------------


def implementation_period(
    plan_fiscal_year: int, as_of: date, period: PeriodKind | None = None
) -> tuple[PeriodKind, date, date]:
    """(kind, first day, last day) of the report on ``plan_fiscal_year`` (BE) written on
    ``as_of``: "half" is 1 Oct – 31 Mar, "year" the whole fiscal year (1 Oct – 30 Sep).

    Without ``period`` it is chosen from the date: up to 31 March the half-year report, after
    it the annual one. An as-of day before the fiscal year starts is InvalidInput (nothing
    can have been done yet); one after the period ends is fine (a report written late).
    """
    given = period_kind(period)
    first, last = fiscal_year_bounds(plan_fiscal_year)
    if as_of < first:
        raise InvalidInput(
            f"as of {as_of.isoformat()} is before fiscal year {plan_fiscal_year} starts on "
            f"{first.isoformat()}: there is nothing to report on yet"
        )
    half_end = date(first.year + 1, 3, 31)
    kind: PeriodKind = given or ("half" if as_of <= half_end else "year")
    return kind, first, half_end if kind == "half" else last


def period_kind(value: str | None) -> PeriodKind | None:
    """``value`` as a period kind ("half", "year" or None: choose from the date), else
    InvalidInput."""
    if value is None:
        return None
    for kind in PERIOD_KINDS:
        if value == kind:
            return kind
    raise InvalidInput(f"the report's period is half or year, not {value!r}")


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0), ZONE)


def _local_day(at: datetime) -> date:
    return at.astimezone(ZONE).date()


# --- the report as data ----------------------------------------------------------------------


@dataclass
class NoteEntry:
    """A note a unit wrote on a step (ผลการดำเนินการ), on a Bangkok day."""

    date: str  # ISO date
    unit: str
    text: str
    reopened: bool = False  # the note given when the step was reopened
    marked_done: bool = False  # the note that came with marking the step done


@dataclass
class EvidenceEntry:
    """A link a unit gave, or a file it uploaded (with a link only when one can be made)."""

    date: str  # ISO date
    text: str  # the URL, or the file's name
    url: str | None
    kind: Literal["link", "file"]


@dataclass
class StepReport:
    id: int
    ref: str  # "1.2": measure position, step number
    title: str
    units: list[str]
    period: str  # the planned period, written out (format_span)
    status: str  # a TaskStatus value, as of the report's day
    percent: int
    late: bool
    result: list[NoteEntry]
    evidence: list[EvidenceEntry]
    first_update: str | None  # ISO date of the first change a unit made
    last_update: str | None
    done_on: str | None  # ISO date it was (last) marked done, when done


@dataclass
class MeasureReport:
    position: int
    title: str
    steps: list[StepReport]


@dataclass
class Tally:
    """Steps counted by status (``late`` overlaps in progress and not started; see the
    module's rules) and the completion of those not cancelled."""

    name: str
    steps: int = 0
    done: int = 0
    in_progress: int = 0
    not_started: int = 0
    late: int = 0
    cancelled: int = 0
    completion: float = 0.0


@dataclass
class Problem:
    ref: str
    step: str
    date: str
    unit: str
    text: str
    reopened: bool


@dataclass
class ImplementationReport:
    organization: str
    plan_id: int
    plan_title: str | None
    fiscal_year: int  # BE
    period: PeriodKind
    period_start: str  # ISO dates
    period_end: str
    as_of: str  # the day the data is read to: the given day, or the period's last if sooner
    measures: list[MeasureReport]
    summary: Tally
    by_measure: list[Tally]
    by_unit: list[Tally]
    late: list[str]  # refs of the late steps
    problems: list[Problem]
    suggestions: str | None = None
    reporter: str | None = None
    executive: str | None = None
    executive_position: str | None = None
    lang: str = "th"
    written_on: str = ""  # the as-of day as given


FileUrl = Callable[[EvidenceFile], str]


def build_implementation_report(
    session: Session,
    plan: Plan,
    *,
    as_of: date,
    period: str | None = None,
    lang: str = "th",
    file_url: FileUrl | None = None,
    suggestions: str | None = None,
    reporter: str | None = None,
    executive: str | None = None,
    executive_position: str | None = None,
) -> ImplementationReport:
    """The implementation report of ``plan`` as it stood at the end of ``as_of`` (Bangkok).

    ``period`` is "half", "year" or None (chosen from the date: see implementation_period).
    ``file_url`` gives an uploaded file's public link (None: files are listed by name only).
    ``suggestions`` fills the suggestions section (None: lines left to write on by hand);
    the signers' names and the executive's position are printed when given.
    """
    kind, first, last = implementation_period(plan.fiscal_year, as_of, period_kind(period))
    day = min(as_of, last)
    window = (_start_of_day(first), _start_of_day(day + timedelta(days=1)))
    tasks = _plan_tasks(session, plan)
    events = _events_of(session, plan)
    files = _files_of(session, plan)
    measures: dict[int, MeasureReport] = {}
    for task in tasks:
        step = _step(
            task, events.get(task.id, []), files.get(task.id, []), day, window, lang, file_url
        )
        measure = task.measure
        measures.setdefault(measure.id, MeasureReport(measure.position, measure.title, []))
        measures[measure.id].steps.append(step)
    steps = [step for measure in measures.values() for step in measure.steps]
    return ImplementationReport(
        organization=plan.organization.name,
        plan_id=plan.id,
        plan_title=plan.title,
        fiscal_year=plan.fiscal_year,
        period=kind,
        period_start=first.isoformat(),
        period_end=last.isoformat(),
        as_of=day.isoformat(),
        measures=list(measures.values()),
        summary=_tally(t(lang, "รวม", "All"), steps),
        by_measure=[_tally(m.title, m.steps) for m in measures.values()],
        by_unit=_by_unit(steps),
        late=[step.ref for step in steps if step.late],
        problems=_problems(steps),
        suggestions=(suggestions.strip() or None) if suggestions else None,
        reporter=reporter,
        executive=executive,
        executive_position=executive_position,
        lang=lang,
        written_on=as_of.isoformat(),
    )


def _plan_tasks(session: Session, plan: Plan) -> list[Task]:
    return list(
        session.scalars(
            select(Task)
            .join(Task.measure)
            .where(Measure.plan_id == plan.id)
            .options(selectinload(Task.units), selectinload(Task.measure))
            .order_by(Measure.position, Task.number)
        )
    )


def _events_of(session: Session, plan: Plan) -> dict[int, list[TaskEvent]]:
    """Each task's audit log, in the order it was written."""
    events: dict[int, list[TaskEvent]] = {}
    for event in session.scalars(
        select(TaskEvent)
        .join(Task, Task.id == TaskEvent.task_id)
        .join(Measure, Measure.id == Task.measure_id)
        .where(Measure.plan_id == plan.id)
        .options(selectinload(TaskEvent.actor_unit))
        .order_by(TaskEvent.id)
    ):
        events.setdefault(event.task_id, []).append(event)
    return events


def _files_of(session: Session, plan: Plan) -> dict[int, list[EvidenceFile]]:
    files: dict[int, list[EvidenceFile]] = {}
    for record in session.scalars(
        select(EvidenceFile)
        .join(Task, Task.id == EvidenceFile.task_id)
        .join(Measure, Measure.id == Task.measure_id)
        .where(Measure.plan_id == plan.id)
        .order_by(EvidenceFile.id)
    ):
        files.setdefault(record.task_id, []).append(record)
    return files


def state_as_of(task: Task, events: Sequence[TaskEvent], until: datetime) -> tuple[TaskStatus, int]:
    """The task's status and percent just before ``until``: its current ones with every change
    logged at or after ``until`` undone, newest first (``events`` oldest first)."""
    status, percent = task.status, task.percent
    for event in reversed(events):
        if event.at < until or event.before is None:
            continue
        if event.field == "status":
            status = TaskStatus(event.before)
        elif event.field == "percent":
            percent = int(event.before)
    return status, percent


def _step(
    task: Task,
    events: list[TaskEvent],
    files: list[EvidenceFile],
    day: date,
    window: tuple[datetime, datetime],
    lang: str,
    file_url: FileUrl | None,
) -> StepReport:
    start, until = window
    status, percent = state_as_of(task, events, until)
    by_units = [e for e in events if e.actor_unit_id is not None and e.at < until]
    in_window = [e for e in by_units if e.at >= start]
    done_at = [e.at for e in by_units if e.field == "status" and e.after == TaskStatus.DONE.value]
    late = not status.is_closed and task.end_date is not None and task.end_date < day
    return StepReport(
        id=task.id,
        ref=f"{task.measure.position}.{task.number}",
        title=task.title,
        units=[unit.name for unit in task.units],
        period=format_span(task.start_date, task.end_date, lang),  # type: ignore[arg-type]
        status=status.value,
        percent=percent,
        late=late,
        result=[_note(e, by_units) for e in in_window if e.note],
        evidence=_evidence(
            in_window, [f for f in files if start <= f.uploaded_at < until], file_url
        ),
        first_update=_local_day(by_units[0].at).isoformat() if by_units else None,
        last_update=_local_day(by_units[-1].at).isoformat() if by_units else None,
        done_on=_local_day(max(done_at)).isoformat()
        if status is TaskStatus.DONE and done_at
        else None,
    )


def _note(event: TaskEvent, changes: list[TaskEvent]) -> NoteEntry:
    """The note of ``event``. One change writes one event per field it changed, all at the
    same moment, and its note on the first: ``changes`` (the task's log) tell what the change
    did to the status."""
    statuses = [
        e for e in changes if e.at == event.at and e.actor == event.actor and e.field == "status"
    ]
    reopened = any(
        e.before in REOPENED_FROM and e.after == TaskStatus.IN_PROGRESS.value for e in statuses
    )
    marked_done = any(e.after == TaskStatus.DONE.value for e in statuses)
    unit = event.actor_unit.name if event.actor_unit is not None else event.actor
    day = _local_day(event.at).isoformat()
    return NoteEntry(day, unit, event.note or "", reopened, marked_done)


def _evidence(
    events: list[TaskEvent], files: list[EvidenceFile], file_url: FileUrl | None
) -> list[EvidenceEntry]:
    """Links and files in the order they were given."""
    entries = [
        (e.at, EvidenceEntry(_local_day(e.at).isoformat(), e.evidence_url, e.evidence_url, "link"))
        for e in events
        if e.evidence_url
    ]
    entries += [
        (
            f.uploaded_at,
            EvidenceEntry(
                _local_day(f.uploaded_at).isoformat(),
                f.filename,
                file_url(f) if file_url else None,
                "file",
            ),
        )
        for f in files
    ]
    return [entry for _, entry in sorted(entries, key=lambda pair: pair[0])]


def _tally(name: str, steps: Iterable[StepReport]) -> Tally:
    steps = list(steps)
    counts = {status.value: 0 for status in TaskStatus}
    for step in steps:
        counts[step.status] += 1
    # completion_of reads tasks; these unsaved ones carry each step's state on the day.
    as_tasks = [Task(status=TaskStatus(s.status), percent=s.percent) for s in steps]
    _, _, completion = completion_of(as_tasks)
    return Tally(
        name=name,
        steps=len(steps),
        done=counts[TaskStatus.DONE.value],
        in_progress=counts[TaskStatus.IN_PROGRESS.value],
        not_started=counts[TaskStatus.NOT_STARTED.value],
        late=sum(1 for step in steps if step.late),
        cancelled=counts[TaskStatus.CANCELLED.value],
        completion=completion,
    )


def _by_unit(steps: list[StepReport]) -> list[Tally]:
    """Each unit's steps (a step once per unit of it), units in order of first appearance."""
    grouped: dict[str, list[StepReport]] = {}
    for step in steps:
        for unit in step.units:
            grouped.setdefault(unit, []).append(step)
    return [_tally(unit, own) for unit, own in grouped.items()]


def _problems(steps: list[StepReport]) -> list[Problem]:
    return [
        Problem(step.ref, step.title, note.date, note.unit, note.text, note.reopened)
        for step in steps
        for note in step.result
        if note.reopened or (step.status != TaskStatus.DONE.value and not note.marked_done)
    ]


# --- the report as a document ----------------------------------------------------------------


def implementation_document(report: ImplementationReport, lang: str = "th") -> Document:
    """``report`` as a document to publish: A4 landscape, Thai by default; the measures table,
    the summary with completion by unit as a chart, problems and obstacles, suggestions and
    the signatures."""
    title = t(
        lang,
        "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
        "Report on carrying out the measures to promote integrity and transparency "
        "within the agency",
    )
    period = period_line(report, lang)
    return Document(
        title=title,
        subtitle=(
            report.organization,
            period,
            t(lang, "ข้อมูล ณ วันที่ ", "Data as of ") + _day(report.as_of, lang, full=True),
        ),
        sections=(
            _measures_section(report, lang),
            _summary_section(report, lang),
            _problems_section(report, lang),
            _suggestions_section(report, lang),
        ),
        lang="th" if lang == "th" else "en",
        name=f"implementation-report-{report.fiscal_year}-{report.period}-{report.as_of}",
        # Landscape: seven columns of Thai text read as sentences there, not as one word a
        # line (in portrait the step, result and status columns were a word or two wide).
        landscape=True,
        footer=f"{report.organization} · {period}",
        meta={"author": report.organization, "subject": title},
    )


def period_line(report: ImplementationReport, lang: str) -> str:
    """ "ประจำปีงบประมาณ พ.ศ. 2566 รอบ 6 เดือน (1 ตุลาคม 2565 – 31 มีนาคม 2566)" and its
    English form; the annual report names the fiscal year and its dates."""
    span = (
        f"{_day(report.period_start, lang, full=True)} – {_day(report.period_end, lang, full=True)}"
    )
    year_ce = report.fiscal_year - 543
    if report.period == "half":
        return t(
            lang,
            f"ประจำปีงบประมาณ พ.ศ. {report.fiscal_year} รอบ 6 เดือน ({span})",
            f"Fiscal year {year_ce} (B.E. {report.fiscal_year}), first six months ({span})",
        )
    return t(
        lang,
        f"ประจำปีงบประมาณ พ.ศ. {report.fiscal_year} ({span})",
        f"Fiscal year {year_ce} (B.E. {report.fiscal_year}), the whole year ({span})",
    )


def _measures_section(report: ImplementationReport, lang: str) -> Section:
    columns = (
        Column(t(lang, "ที่", "No."), width=5),
        Column(t(lang, "ขั้นตอน/วิธีการดำเนินการ", "Step"), width=23),
        Column(t(lang, "ผู้รับผิดชอบ", "Responsible"), width=14),
        Column(t(lang, "ระยะเวลา", "Period"), "date", width=12),  # a period never wraps
        Column(t(lang, "ผลการดำเนินการ", "What was done"), width=22),
        Column(t(lang, "สถานะ", "Status"), width=13),
        Column(t(lang, "หลักฐาน", "Evidence"), width=11),
    )
    rows = [
        Row(
            (
                step.ref,
                step.title,
                tuple(step.units),
                step.period,
                _result_cell(step, lang),
                _status_cell(step, lang),
                _evidence_cell(step),
            ),
            tone=_tone(step),
            group=_measure_heading(measure, lang) if index == 0 else None,
        )
        for measure in report.measures
        for index, step in enumerate(measure.steps)
    ]
    return Section(
        t(lang, "1. ผลการดำเนินการตามมาตรการ", "1. The measures and what was done"),
        (Table(columns, tuple(rows), sheet=t(lang, "ผลการดำเนินการ", "Steps")),),
    )


def _measure_heading(measure: MeasureReport, lang: str) -> str:
    return t(lang, f"มาตรการที่ {measure.position} ", f"Measure {measure.position}: ") + (
        measure.title
    )


def _result_cell(step: StepReport, lang: str) -> Cell:
    lines = tuple(
        f"{_day(note.date, lang)}: "
        + (t(lang, "(เปิดดำเนินการใหม่) ", "(reopened) ") if note.reopened else "")
        + note.text
        for note in step.result
    )
    return lines or "-"


def _status_cell(step: StepReport, lang: str) -> Cell:
    lines = [
        label(TASK_STATUS, step.status, lang),
        t(lang, f"ร้อยละ {step.percent}", f"{step.percent} %"),
    ]
    if step.late:
        lines.append(t(lang, "เกินกำหนด", "late"))
    if step.first_update:
        lines.append(t(lang, "รายงานครั้งแรก ", "first update ") + _day(step.first_update, lang))
    if step.done_on:
        lines.append(t(lang, "เสร็จเมื่อ ", "done on ") + _day(step.done_on, lang))
    return tuple(lines)


def _evidence_cell(step: StepReport) -> Cell:
    values: tuple[Value, ...] = tuple(
        Link(_link_text(entry), entry.url) if entry.url else entry.text for entry in step.evidence
    )
    return values or "-"


def _link_text(entry: EvidenceEntry) -> str:
    """What a link shows in the narrow evidence column: a file's name, or the last part of a
    URL's path (its host when it has none). Formats without links still print the URL
    beside it (see cell_text)."""
    if entry.kind == "file":
        return entry.text
    parsed = urlsplit(entry.text)
    return unquote(parsed.path.rstrip("/").rsplit("/", 1)[-1]) or parsed.hostname or entry.text


def _tone(step: StepReport) -> Tone:
    if step.status == TaskStatus.DONE.value:
        return "done"
    if step.late:
        return "late"
    return "muted" if step.status == TaskStatus.CANCELLED.value else ""


def _summary_section(report: ImplementationReport, lang: str) -> Section:
    s = report.summary
    lead = t(
        lang,
        f"ขั้นตอนทั้งหมด {s.steps} ขั้นตอน ดำเนินการแล้วเสร็จ {s.done} ขั้นตอน "
        f"อยู่ระหว่างดำเนินการ {s.in_progress} ขั้นตอน ยังไม่เริ่ม {s.not_started} ขั้นตอน "
        f"เกินกำหนด {s.late} ขั้นตอน ยกเลิก {s.cancelled} ขั้นตอน "
        f"ความคืบหน้าเฉลี่ยร้อยละ {s.completion:g}",
        f"{s.steps} steps: {s.done} done, {s.in_progress} in progress, "
        f"{s.not_started} not started, {s.late} late, {s.cancelled} cancelled; "
        f"mean progress {s.completion:g} %",
    )
    day = _day(report.as_of, lang)
    rule = t(
        lang,
        f"เกินกำหนด คือ ขั้นตอนที่ยังไม่แล้วเสร็จและเลยวันสิ้นสุดตามแผนแล้ว ณ วันที่ {day} "
        "นับรวมอยู่ในจำนวนที่อยู่ระหว่างดำเนินการหรือยังไม่เริ่มด้วย "
        "ความคืบหน้าเฉลี่ยไม่นับขั้นตอนที่ยกเลิก ขั้นตอนที่มีผู้รับผิดชอบหลายหน่วยนับในทุกหน่วย",
        f"Late: not finished and past its planned end on {day}; late steps are also counted "
        "as in progress or not started. Mean progress leaves cancelled steps out. A step with "
        "several responsible units counts for each of them.",
    )
    late_line = t(lang, "ขั้นตอนที่เกินกำหนด: ", "Late steps: ") + (
        ", ".join(report.late) if report.late else t(lang, "ไม่มี", "none")
    )
    chart = BarChart(
        t(lang, "ความคืบหน้าเฉลี่ยตามหน่วยงาน (ร้อยละ)", "Mean progress by unit (percent)"),
        tuple(
            Bar(
                u.name,
                u.completion,
                "done" if u.done and u.done == u.steps - u.cancelled else "",
                f"{u.done}/{u.steps - u.cancelled}",
            )
            for u in report.by_unit
        ),
    )
    measures = [replace(m, name=f"{i}. {m.name}") for i, m in enumerate(report.by_measure, 1)]
    return Section(
        t(lang, "2. สรุปผลการดำเนินการ", "2. Summary"),
        (
            Paragraph(lead, "lead"),
            _tally_table(t(lang, "มาตรการ", "Measure"), measures, lang, "measures", s),
            _tally_table(t(lang, "หน่วยงาน", "Unit"), report.by_unit, lang, "units"),
            chart,
            Paragraph(late_line),
            Paragraph(rule, "note"),
        ),
    )


def _tally_table(
    heading: str, tallies: list[Tally], lang: str, sheet: str, totals: Tally | None = None
) -> Table:
    columns = (
        Column(heading, width=37),
        Column(t(lang, "ขั้นตอน", "Steps"), "number", width=8),
        Column(t(lang, "เสร็จแล้ว", "Done"), "number", width=9),
        Column(t(lang, "กำลังดำเนินการ", "In progress"), "number", width=10),
        Column(t(lang, "ยังไม่เริ่ม", "Not started"), "number", width=9),
        Column(t(lang, "เกินกำหนด", "Late"), "number", width=9),
        Column(t(lang, "ยกเลิก", "Cancelled"), "number", width=8),
        Column(t(lang, "ความคืบหน้าเฉลี่ย", "Mean progress"), "percent", width=10),
    )
    caption = t(lang, f"สรุปตาม{heading}", f"By {heading.lower()}")
    return Table(
        columns,
        tuple(Row(_tally_cells(x), tone="late" if x.late else "") for x in tallies),
        caption=caption,
        sheet=t(lang, f"สรุปตาม{heading}", f"By {sheet}"),
        totals=Row(_tally_cells(totals)) if totals else None,
    )


def _tally_cells(x: Tally) -> tuple[Cell, ...]:
    return (
        x.name,
        x.steps,
        x.done,
        x.in_progress,
        x.not_started,
        x.late,
        x.cancelled,
        x.completion,
    )


def _problems_section(report: ImplementationReport, lang: str) -> Section:
    heading = t(lang, "3. ปัญหาอุปสรรค", "3. Problems and obstacles")
    rule = Paragraph(
        t(
            lang,
            "บันทึกของหน่วยงานในขั้นตอนที่ยังไม่แล้วเสร็จ ณ วันที่รายงาน "
            "และเหตุผลที่ขอเปิดดำเนินการใหม่ในขั้นตอนที่เคยเสร็จหรือยกเลิกแล้ว",
            "What units wrote on steps not done on the report's day, and why steps that "
            "were done or cancelled were reopened.",
        ),
        "note",
    )
    if not report.problems:
        none = t(lang, "ไม่มีบันทึกปัญหาอุปสรรคจากหน่วยงาน", "The units recorded none.")
        return Section(heading, (Paragraph(none), rule))
    columns = (
        Column(t(lang, "ที่", "No."), width=6),
        Column(t(lang, "วันที่", "Date"), "date", width=14),
        Column(t(lang, "หน่วยงาน", "Unit"), width=24),
        Column(t(lang, "ปัญหาอุปสรรค", "Problem or obstacle"), width=56),
    )
    # The step's number names it (its title is in section 1): a long title repeated on
    # every note would take pages.
    rows = tuple(
        Row(
            (
                p.ref,
                _day(p.date, lang),
                p.unit,
                (t(lang, "(เปิดดำเนินการใหม่) ", "(reopened) ") if p.reopened else "") + p.text,
            ),
            tone="warn" if p.reopened else "",
        )
        for p in report.problems
    )
    return Section(heading, (Table(columns, rows, sheet=t(lang, "ปัญหาอุปสรรค", "Problems")), rule))


def _suggestions_section(report: ImplementationReport, lang: str) -> Section:
    signers = (
        Signer(t(lang, "ผู้รายงาน", "Reported by"), report.reporter),
        Signer(t(lang, "ผู้บริหาร", "Executive"), report.executive, report.executive_position),
    )
    return Section(
        t(lang, "4. ข้อเสนอแนะ", "4. Suggestions"),
        (
            FillIn(lines=5, text=report.suggestions),
            Signatures(
                signers,
                sign_word=t(lang, "(ลงชื่อ)", "Signed"),
                date_word=t(lang, "วันที่", "Date"),
            ),
        ),
    )


def _day(iso: str, lang: str, *, full: bool = False) -> str:
    return format_date(date.fromisoformat(iso), lang, full=full)  # type: ignore[arg-type]
