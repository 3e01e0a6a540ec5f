"""The words of reminders and alerts: short enough for a phone, Thai by default, BE dates.

Builders return (subject, text, html); they read nothing and send nothing. Every message lists
task ids, because that is what a unit answers with: `tracker done ID --by UNIT`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime

from schedules import format_date, format_span

TITLE_LIMIT = 70


@dataclass(frozen=True)
class TaskLine:
    """A task as a message shows it."""

    id: int
    ref: str  # measure.step, e.g. "1.5"
    title: str
    start: date | None
    end: date | None
    percent: int
    status: str

    def text(self, lang: str) -> str:
        title = (
            self.title if len(self.title) <= TITLE_LIMIT else self.title[: TITLE_LIMIT - 1] + "…"
        )
        period = format_span(self.start, self.end, lang)  # type: ignore[arg-type]
        return f"#{self.id} ({self.ref}) {title} [{period}, {self.percent}%]"


def _t(lang: str, thai: str, english: str) -> str:
    return thai if lang == "th" else english


def _when(moment: datetime, lang: str) -> str:
    return f"{format_date(moment.date(), lang)} {moment:%H:%M}"  # type: ignore[arg-type]


def _html(
    title: str, paragraphs: list[str], sections: list[tuple[str, list[str]]], lang: str = "th"
) -> str:
    parts = [f"<p>{html.escape(p)}</p>" for p in paragraphs]
    for heading, lines in sections:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        parts.append(f"<h3>{html.escape(heading)}</h3><ul>{items}</ul>")
    body = "".join(parts)
    return (
        f'<!doctype html><html lang="{lang}"><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><body>{body}</body></html>"
    )


def _answer_hint(lang: str, unit: str, task_id: int) -> list[str]:
    return [
        _t(lang, "ตอบกลับความคืบหน้าได้ด้วยคำสั่ง:", "Report progress with:"),
        f'  tracker progress {task_id} 50 --by "{unit}" --note "…"',
        f'  tracker done {task_id} --by "{unit}" --evidence https://…',
    ]


def reminder(
    lang: str,
    unit: str,
    series: str,
    meeting_start: datetime,
    groups: list[tuple[str, list[TaskLine]]],
) -> tuple[str, str, str]:
    """The digest a unit gets before a meeting: its open tasks, by what needs attention."""
    when = _when(meeting_start, lang)
    subject = _t(
        lang,
        f"[ITA] ขอรายงานความคืบหน้าก่อน{series} {when} น.",
        f"[ITA] Progress update due before {series}, {when}",
    )
    opening = [
        _t(lang, f"เรียน {unit}", f"To: {unit}"),
        _t(
            lang,
            f"ขอให้รายงานความคืบหน้าของงานต่อไปนี้ก่อน{series} วันที่ {when} น.",
            f"Please report progress on these tasks before {series} on {when}.",
        ),
    ]
    sections = [(heading, [t.text(lang) for t in tasks]) for heading, tasks in groups if tasks]
    first = next(t for _, tasks in groups for t in tasks)
    hint = _answer_hint(lang, unit, first.id)
    text = "\n".join(
        [*opening, ""]
        + [
            line
            for heading, lines in sections
            for line in (heading, *(f" • {x}" for x in lines), "")
        ]
        + hint
    )
    return subject, text + "\n", _html(subject, [*opening, *hint], sections, lang)


def reminder_groups(
    lang: str,
    overdue: list[TaskLine],
    due_soon: list[TaskLine],
    stale: list[TaskLine],
    other: list[TaskLine],
) -> list[tuple[str, list[TaskLine]]]:
    """A reminder's sections under their headings, in the order a unit should read them."""
    return [
        (_t(lang, "เกินกำหนด", "Overdue"), overdue),
        (_t(lang, "ครบกำหนดก่อนการประชุมครั้งถัดไป", "Due before the next meeting"), due_soon),
        (_t(lang, "ยังไม่มีความคืบหน้าตั้งแต่การประชุมครั้งก่อน", "No update since the last meeting"), stale),
        (_t(lang, "งานอื่นที่ยังดำเนินการอยู่", "Other open tasks"), other),
    ]


def deadline_alert(lang: str, unit: str, task: TaskLine, kind: str) -> tuple[str, str, str]:
    """ "7 days left", "1 day left" or "overdue since …" for one task."""
    assert task.end is not None
    end = format_date(task.end, lang)  # type: ignore[arg-type]
    if kind == "overdue":
        subject = _t(
            lang,
            f"[ITA] เกินกำหนด: #{task.id} ({task.ref}) ครบกำหนด {end}",
            f"[ITA] Overdue: #{task.id} ({task.ref}) was due {end}",
        )
    else:
        days = int(kind.rstrip("d"))
        subject = _t(
            lang,
            f"[ITA] อีก {days} วันครบกำหนด: #{task.id} ({task.ref}) {end}",
            f"[ITA] {days} day(s) left: #{task.id} ({task.ref}) due {end}",
        )
    lines = [
        _t(lang, f"เรียน {unit}", f"To: {unit}"),
        task.text(lang),
        "",
        *_answer_hint(lang, unit, task.id),
    ]
    return subject, "\n".join(lines) + "\n", _html(subject, lines, [], lang)


def overdue_digest(lang: str, unit: str, tasks: list[TaskLine], week: str) -> tuple[str, str, str]:
    """The weekly list of a unit's overdue tasks, for its head."""
    subject = _t(
        lang,
        f"[ITA] งานเกินกำหนดของ{unit} ({len(tasks)} รายการ) สัปดาห์ {week}",
        f"[ITA] {unit}: {len(tasks)} overdue task(s), week {week}",
    )
    lines = [t.text(lang) for t in tasks]
    heading = _t(lang, "งานที่เกินกำหนด", "Overdue tasks")
    text = "\n".join(
        [
            _t(lang, f"เรียน หัวหน้า{unit}", f"To the head of {unit}"),
            "",
            heading,
            *(f" • {x}" for x in lines),
        ]
    )
    return subject, text + "\n", _html(subject, [], [(heading, lines)], lang)
