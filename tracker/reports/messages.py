"""The words of reminders, alerts and digests: short enough for a phone, Thai by default, BE
dates, rendered by the templates reminder/alert/digest.txt.j2 and message.html.j2.

Builders return (subject, text, html); they read nothing and send nothing. Every message lists
task ids, because that is what a unit answers with; how it answers is a parameter (``answer``):
the CLI's commands by default. Given ``link`` (the address of the unit's page, when
TRACKER_PUBLIC_URL is set), a message says to open it instead (:func:`link_line`), a real link
in the HTML part; without it every message is byte for byte what it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from schedules import format_date, format_span
from tracker.i18n import t
from tracker.reports.render import render

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
        period = _span(self.start, self.end, lang)
        return f"#{self.id} ({self.ref}) {title} [{period}, {self.percent}%]"


@lru_cache(maxsize=4096)
def _span(start: date | None, end: date | None, lang: str) -> str:
    """format_span, once per distinct period: a national round lists 300,000 task lines
    over a few hundred periods."""
    return format_span(start, end, lang)  # type: ignore[arg-type]


def format_moment(moment: datetime, lang: str) -> str:
    """A moment as a message shows it: the date in ``lang`` (BE in Thai) and the clock time."""
    return f"{format_date(moment.date(), lang)} {moment:%H:%M}"  # type: ignore[arg-type]


def html_part(
    title: str,
    paragraphs: list[str],
    sections: list[tuple[str, list[str]]],
    lang: str,
    link: str | None = None,
) -> str:
    """The HTML alternative of a message (message.html.j2): a heading, paragraphs, titled
    lists, then the link to the unit's page when given (its words and an anchor), as the text
    ends with it; every value is escaped. A new job's builder uses it as the others do."""
    return render(
        "message.html.j2",
        escape=False,
        lang=lang,
        title=title,
        paragraphs=paragraphs,
        link=(link_words(lang), link) if link else None,
        sections=sections,
    )


def link_words(lang: str) -> str:
    """What the link to a unit's page is called: tapping it is how the unit reports."""
    return t(lang, "เปิดหน้างานของหน่วยงาน (กดเพื่อรายงานผล)", "Open your unit's page (tap to report)")


def link_line(lang: str, link: str) -> str:
    """The text line that carries the link to a unit's page."""
    return f"{link_words(lang)}: {link}"


def cli_answer(lang: str, unit: str, task_id: int) -> list[str]:
    """How a unit answers from the command line (the default): the two commands to type."""
    return [
        t(lang, "ตอบกลับความคืบหน้าได้ด้วยคำสั่ง:", "Report progress with:"),
        f'  tracker progress {task_id} 50 --by "{unit}" --note "…"',
        f'  tracker done {task_id} --by "{unit}" --evidence https://…',
    ]


# How a message tells its unit to answer: (lang, unit, first task id) -> lines. The CLI's
# commands by default; a web front end passes its own (a link to the unit's page).
Answer = Callable[[str, str, int], list[str]]


def reminder(
    lang: str,
    unit: str,
    series: str,
    meeting_start: datetime,
    groups: list[tuple[str, list[TaskLine]]],
    answer: Answer = cli_answer,
    link: str | None = None,
) -> tuple[str, str, str]:
    """The digest a unit gets before a meeting: its open tasks, by what needs attention; it
    ends with how to answer, or with ``link``, the unit's page, when given."""
    when = format_moment(meeting_start, lang)
    subject = t(
        lang,
        f"[ITA] ขอรายงานความคืบหน้าก่อน{series} {when} น.",
        f"[ITA] Progress update due before {series}, {when}",
    )
    opening = [
        t(lang, f"เรียน {unit}", f"To: {unit}"),
        t(
            lang,
            f"ขอให้รายงานความคืบหน้าของงานต่อไปนี้ก่อน{series} วันที่ {when} น.",
            f"Please report progress on these tasks before {series} on {when}.",
        ),
    ]
    sections = [
        (heading, [task.text(lang) for task in tasks]) for heading, tasks in groups if tasks
    ]
    first = next(task for _, tasks in groups for task in tasks)
    hint = answer(lang, unit, first.id) if link is None else []
    text = render(
        "reminder.txt.j2",
        escape=False,
        lang=lang,
        opening=opening,
        sections=sections,
        answer=hint if link is None else [link_line(lang, link)],
    )
    return subject, text, html_part(subject, [*opening, *hint], sections, lang, link)


def reminder_groups(
    lang: str,
    overdue: list[TaskLine],
    due_soon: list[TaskLine],
    stale: list[TaskLine],
    other: list[TaskLine],
) -> list[tuple[str, list[TaskLine]]]:
    """A reminder's sections under their headings, in the order a unit should read them."""
    return [
        (t(lang, "เกินกำหนด", "Overdue"), overdue),
        (t(lang, "ครบกำหนดก่อนการประชุมครั้งถัดไป", "Due before the next meeting"), due_soon),
        (
            t(lang, "ยังไม่มีความคืบหน้าตั้งแต่การประชุมครั้งก่อน", "No update since the last meeting"),
            stale,
        ),
        (t(lang, "งานอื่นที่ยังดำเนินการอยู่", "Other open tasks"), other),
    ]


def deadline_alert(
    lang: str,
    unit: str,
    task: TaskLine,
    kind: str,
    answer: Answer = cli_answer,
    link: str | None = None,
) -> tuple[str, str, str]:
    """ "7 days left", "1 day left" or "overdue since …" for one task, then how to answer, or
    ``link`` (the unit's page) when given."""
    assert task.end is not None
    end = format_date(task.end, lang)  # type: ignore[arg-type]
    if kind == "overdue":
        subject = t(
            lang,
            f"[ITA] เกินกำหนด: #{task.id} ({task.ref}) ครบกำหนด {end}",
            f"[ITA] Overdue: #{task.id} ({task.ref}) was due {end}",
        )
    else:
        days = int(kind.rstrip("d"))
        subject = t(
            lang,
            f"[ITA] อีก {days} วันครบกำหนด: #{task.id} ({task.ref}) {end}",
            f"[ITA] {days} day(s) left: #{task.id} ({task.ref}) due {end}",
        )
    hint = answer(lang, unit, task.id) if link is None else []
    line = task.text(lang)
    shown = hint if link is None else [link_line(lang, link)]
    text = render("alert.txt.j2", escape=False, lang=lang, unit=unit, task=line, answer=shown)
    paragraphs = [t(lang, f"เรียน {unit}", f"To: {unit}"), line, "", *hint]
    return subject, text, html_part(subject, paragraphs, [], lang, link)


def overdue_digest(
    lang: str, unit: str, tasks: list[TaskLine], week: str, link: str | None = None
) -> tuple[str, str, str]:
    """The weekly list of a unit's overdue tasks, for its head; ``link`` (the unit's page)
    after it when given."""
    subject = t(
        lang,
        f"[ITA] งานเกินกำหนดของ{unit} ({len(tasks)} รายการ) สัปดาห์ {week}",
        f"[ITA] {unit}: {len(tasks)} overdue task(s), week {week}",
    )
    lines = [task.text(lang) for task in tasks]
    heading = t(lang, "งานที่เกินกำหนด", "Overdue tasks")
    text = render(
        "digest.txt.j2",
        escape=False,
        lang=lang,
        unit=unit,
        heading=heading,
        lines=lines,
        link=link_line(lang, link) if link else None,
    )
    return subject, text, html_part(subject, [], [(heading, lines)], lang, link)
