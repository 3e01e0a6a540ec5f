"""The meeting's progress report as a printable document (PDF, HTML, Word, Excel).

The agenda item a secretariat prints for the meeting: an overview, every step with its
status, percent, latest note and evidence (grouped by measure), what changed since the
previous meeting, what falls due before the next, and completion by unit as a chart. Built
from a :class:`~tracker.reports.progress.ProgressReport`; reads no database.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from schedules import format_date
from tracker.i18n import TASK_STATUS, label, t
from tracker.reports.document import (
    Bar,
    BarChart,
    Column,
    Document,
    Link,
    Paragraph,
    Row,
    Section,
    Table,
    Tone,
)
from tracker.reports.progress import ProgressReport, StepState, step_label


def progress_document(report: ProgressReport, lang: str = "th") -> Document:
    """``report`` as a document: A4 landscape (the step table is wide), Thai by default."""
    steps = {step_label(step): step for measure in report.measures for step in measure.steps}
    meeting = _day(report.meeting, lang, full=True)
    return Document(
        title=t(
            lang,
            "รายงานความก้าวหน้าการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส",
            "Progress report on the integrity and transparency measures",
        ),
        subtitle=(
            report.organization,
            t(lang, f"{report.series} วันที่ {meeting}", f"{report.series}, {meeting}"),
        ),
        sections=(
            _overview(report, steps, lang),
            _steps(report, lang, ZoneInfo(report.timezone)),
            _changes(report, steps, lang),
            _due(report, steps, lang),
            _units(report, lang),
        ),
        lang="th" if lang == "th" else "en",
        name=f"progress-report-{report.meeting}",
        footer=f"{report.organization} · {report.series} {_day(report.meeting, lang)}",
        landscape=True,
        meta={"author": report.organization, "subject": report.series},
    )


def _overview(report: ProgressReport, steps: dict[str, StepState], lang: str) -> Section:
    counts = dict.fromkeys(TASK_STATUS, 0)
    for step in steps.values():
        counts[step.status] += 1
    overdue = sum(1 for step in steps.values() if step.overdue)
    lines = t(
        lang,
        f"ขั้นตอนทั้งหมด {report.total} ขั้นตอน ดำเนินการเสร็จแล้ว {report.done} ขั้นตอน "
        f"ความคืบหน้าเฉลี่ยร้อยละ {report.completion:g}",
        f"{report.total} steps, {report.done} done, mean progress {report.completion:g} %",
    )
    around = []
    if report.previous_meeting:
        around.append(
            t(lang, "การประชุมครั้งก่อน", "Previous meeting")
            + f" {_day(report.previous_meeting, lang)}"
        )
    if report.next_meeting:
        around.append(
            t(lang, "การประชุมครั้งถัดไป", "Next meeting") + f" {_day(report.next_meeting, lang)}"
        )
    table = Table(
        columns=(Column(t(lang, "สถานะ", "Status")), Column(t(lang, "จำนวน", "Steps"), "number")),
        rows=(
            *(
                Row((label(TASK_STATUS, value, lang), count), tone=_status_tone(value))
                for value, count in counts.items()
            ),
            Row((t(lang, "เกินกำหนด", "overdue"), overdue), tone="late" if overdue else ""),
        ),
        sheet=t(lang, "ภาพรวม", "Overview"),
        width=50,
    )
    blocks: tuple[Paragraph | Table, ...] = (Paragraph(lines, "lead"),)
    if around:
        blocks += (Paragraph(" · ".join(around), "note"),)
    return Section(t(lang, "1. ภาพรวม", "1. Overview"), (*blocks, table))


def _status_tone(status: str) -> Tone:
    return "done" if status == "done" else "muted" if status == "cancelled" else ""


def _steps(report: ProgressReport, lang: str, zone: ZoneInfo) -> Section:
    columns = (
        Column(t(lang, "ที่", "No."), width=5),
        Column(t(lang, "ขั้นตอน/วิธีการดำเนินการ", "Step"), width=27),
        Column(t(lang, "ผู้รับผิดชอบ", "Responsible"), width=16),
        Column(t(lang, "ระยะเวลา", "Period"), "date", width=11),
        Column(t(lang, "สถานะ", "Status"), width=10),
        Column(t(lang, "ร้อยละ", "Percent"), "percent", width=7),
        Column(t(lang, "ความคืบหน้าล่าสุด", "Latest progress"), width=16),
        Column(t(lang, "หลักฐาน", "Evidence"), width=8),
    )
    rows = []
    for measure in report.measures:
        for index, step in enumerate(measure.steps):
            rows.append(
                Row(
                    (
                        step.ref,
                        step.title,
                        tuple(step.units),
                        step.period,
                        _status_words(step, lang),
                        step.percent,
                        _latest(step, lang, zone),
                        Link(t(lang, "หลักฐาน", "evidence"), step.evidence_url)
                        if step.evidence_url
                        else None,
                    ),
                    tone=_step_tone(step),
                    group=measure.title if index == 0 else None,
                )
            )
    table = Table(columns, tuple(rows), sheet=t(lang, "ขั้นตอน", "Steps"))
    return Section(t(lang, "2. ผลการดำเนินการรายขั้นตอน", "2. Each step"), (table,))


def _status_words(step: StepState, lang: str) -> str:
    words = label(TASK_STATUS, step.status, lang)
    return f"{words} ({t(lang, 'เกินกำหนด', 'overdue')})" if step.overdue else words


def _step_tone(step: StepState) -> Tone:
    if step.status == "done":
        return "done"
    if step.overdue:
        return "late"
    return "muted" if step.status == "cancelled" else ""


def _latest(step: StepState, lang: str, zone: ZoneInfo) -> str | tuple[str, ...] | None:
    """The unit's last note, and the day of its last change (in the series' zone)."""
    lines = []
    if step.last_note:
        lines.append(step.last_note)
    if step.last_update:
        at = datetime.fromisoformat(step.last_update).astimezone(zone)
        lines.append(t(lang, "ปรับปรุงเมื่อ ", "updated ") + format_date(at.date(), lang))  # type: ignore[arg-type]
    return tuple(lines) if lines else None


def _changes(report: ProgressReport, steps: dict[str, StepState], lang: str) -> Section:
    since = (
        t(
            lang,
            f"ตั้งแต่การประชุมครั้งก่อน ({_day(report.previous_meeting, lang)})",
            f"Since the previous meeting ({_day(report.previous_meeting, lang)})",
        )
        if report.previous_meeting
        else t(lang, "ตั้งแต่เริ่มติดตาม", "Since follow-up began")
    )
    groups = (
        (t(lang, "เสร็จใหม่", "Newly done"), report.newly_done, "done"),
        (t(lang, "เกินกำหนดใหม่", "Newly overdue"), report.newly_overdue, "late"),
        (t(lang, "ยังไม่มีการรายงานความคืบหน้า", "No update"), report.no_update, "warn"),
    )
    rows = []
    for heading, labels, tone in groups:
        listed = _listed(labels, steps)
        if not listed:
            rows.append(Row(("", t(lang, "ไม่มี", "none"), None), group=heading))
        for index, step in enumerate(listed):
            rows.append(
                Row(
                    (step.ref, step.title, tuple(step.units)),
                    tone=tone,  # type: ignore[arg-type]
                    group=heading if index == 0 else None,
                )
            )
    return Section(
        t(lang, "3. ความเปลี่ยนแปลง", "3. What changed") + f" {since}",
        (Table(_brief_columns(lang), tuple(rows), sheet=t(lang, "ความเปลี่ยนแปลง", "Changes")),),
    )


def _due(report: ProgressReport, steps: dict[str, StepState], lang: str) -> Section:
    heading = t(lang, "4. ครบกำหนดก่อนการประชุมครั้งถัดไป", "4. Due before the next meeting")
    if report.next_meeting:
        heading += f" ({_day(report.next_meeting, lang)})"
    listed = _listed(report.due_before_next, steps)
    if not listed:
        return Section(heading, (Paragraph(t(lang, "ไม่มีขั้นตอนที่ครบกำหนด", "Nothing falls due.")),))
    columns = (*_brief_columns(lang), Column(t(lang, "ระยะเวลา", "Period"), "date", width=18))
    rows = tuple(Row((s.ref, s.title, tuple(s.units), s.period), tone="warn") for s in listed)
    return Section(heading, (Table(columns, rows, sheet=t(lang, "ครบกำหนด", "Due")),))


def _units(report: ProgressReport, lang: str) -> Section:
    chart = BarChart(
        t(lang, "ความคืบหน้าเฉลี่ยตามหน่วยงาน (ร้อยละ)", "Mean progress by unit (percent)"),
        tuple(
            Bar(u.unit, u.completion, "done" if u.done == u.total else "", f"{u.done}/{u.total}")
            for u in report.by_unit
        ),
    )
    table = Table(
        columns=(
            Column(t(lang, "หน่วยงาน", "Unit"), width=52),
            Column(t(lang, "ขั้นตอน", "Steps"), "number", width=16),
            Column(t(lang, "เสร็จแล้ว", "Done"), "number", width=16),
            Column(t(lang, "ความคืบหน้าเฉลี่ย", "Mean progress"), "percent", width=16),
        ),
        rows=tuple(Row((u.unit, u.total, u.done, u.completion)) for u in report.by_unit),
        sheet=t(lang, "หน่วยงาน", "Units"),
        totals=Row((t(lang, "รวม", "All"), report.total, report.done, report.completion)),
    )
    return Section(t(lang, "5. ความคืบหน้าตามหน่วยงาน", "5. Progress by unit"), (chart, table))


def _brief_columns(lang: str) -> tuple[Column, ...]:
    return (
        Column(t(lang, "ที่", "No."), width=7),
        Column(t(lang, "ขั้นตอน", "Step"), width=50),
        Column(t(lang, "ผู้รับผิดชอบ", "Responsible"), width=25),
    )


def _listed(labels: list[str], steps: dict[str, StepState]) -> list[StepState]:
    """The steps a report list names (by :func:`~tracker.reports.progress.step_label`)."""
    return [steps[text] for text in labels]


def _day(iso: str | None, lang: str, *, full: bool = False) -> str:
    if iso is None:
        return "-"
    return format_date(date.fromisoformat(iso), lang, full=full)  # type: ignore[arg-type]
