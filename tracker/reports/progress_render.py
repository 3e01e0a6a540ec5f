"""The progress report as text, Markdown and HTML: plain string formatting, no template engine.

A national report morning renders 8,300 reports of 25 steps in text and HTML; through Jinja
that was most of a report's cost (an attribute lookup, a filter call or an escape for every
value of every step), so these formats are written here, each a function over one
:class:`~tracker.reports.progress.ProgressReport`, byte for byte what the templates
``progress.{txt,md,html}.j2`` gave (tests/test_progress_unchanged.py holds their SHA-256).
The words of each language are looked up once per process (:class:`_Words`); HTML escapes
every value as Jinja's autoescape did (:func:`escape`). Reads no database.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from schedules import format_date
from tracker.i18n import TASK_STATUS, t
from tracker.reports.render import markdown_cell

if TYPE_CHECKING:
    from tracker.reports.progress import ProgressReport, StepState

TRUNCATE_AT, TRUNCATE_LEEWAY, ELLIPSIS = 80, 5, "..."  # Jinja's truncate(80) and its defaults


def render_text(report: ProgressReport, lang: str) -> str:
    """The plain-text report (what the e-mail's text part and the file channel carry)."""
    w, r = _words(lang), report
    out = [
        f"{w.title}\n",
        f"{r.organization} · {r.series} {_day(r.meeting, lang)}\n",
        f"{w.overall}: {r.done}/{r.total} {w.tasks_done}, {w.mean} {r.completion}%\n",
    ]
    for m in r.measures:
        out.append(f"\n{w.measure}: {m.title}\n")
        for s in m.steps:
            overdue = f" · {w.overdue}" if s.overdue else ""
            out.append(
                f"  #{s.id} ({s.ref}) {truncate(s.title)}\n"
                f"      {w.status(s.status)} {s.percent}%{overdue} · {s.period} · "
                f"{', '.join(s.units)}\n"
            )
            if s.last_note:
                evidence = f" ({s.evidence_url})" if s.evidence_url else ""
                out.append(f"      {w.latest}: {s.last_note}{evidence}\n")
    previous = f" ({_day(r.previous_meeting, lang)})" if r.previous_meeting else ""
    following = f" ({_day(r.next_meeting, lang)})" if r.next_meeting else ""
    out.append(
        f"\n{w.since}{previous}:\n"
        f"  {w.newly_done}: {_listed(r.newly_done)}\n"
        f"  {w.newly_overdue}: {_listed(r.newly_overdue)}\n"
        f"  {w.no_update}: {_listed(r.no_update)}\n"
        f"{w.due_next}{following}: {_listed(r.due_before_next)}\n"
    )
    return "".join(out)


def render_markdown(report: ProgressReport, lang: str) -> str:
    """The report in Markdown, each step a row of its measure's table."""
    w, r = _words(lang), report
    out = [
        f"# {w.title}\n\n",
        f"**{r.organization}** · {r.series} {_day(r.meeting, lang)}\n\n",
        f"{w.overall}: {r.done}/{r.total} {w.tasks_done}, {w.mean} {r.completion}%\n",
    ]
    for m in r.measures:
        out.append(
            f"\n## {markdown_cell(m.title)}\n\n"
            f"| # | {w.task} | {w.responsible} | {w.period} | {w.status_heading} | "
            f"{w.latest_heading} |\n"
            "|---|---|---|---|---|---|\n"
        )
        for s in m.steps:
            overdue = f" ⚠ {w.overdue}" if s.overdue else ""
            evidence = f" [{w.evidence}]({s.evidence_url})" if s.evidence_url else ""
            out.append(
                f"| #{s.id} ({s.ref}) | {markdown_cell(truncate(s.title))} | "
                f"{markdown_cell(', '.join(s.units))} | {markdown_cell(s.period)} | "
                f"{w.status(s.status)} {s.percent}%{overdue} | "
                f"{markdown_cell(s.last_note)}{evidence} |\n"
            )
    out.append(
        f"\n## {w.since}\n\n"
        f"- {w.newly_done}: {_listed(r.newly_done)}\n"
        f"- {w.newly_overdue}: {_listed(r.newly_overdue)}\n"
        f"- {w.no_update}: {_listed(r.no_update)}\n"
        f"- {w.due_next}: {_listed(r.due_before_next)}\n"
    )
    return "".join(out)


def render_html(report: ProgressReport, lang: str) -> str:
    """The report as an HTML page (the e-mail's HTML part), every value escaped."""
    w, r = _words(lang, html=True), report
    series, meeting = escape(r.series), escape(_day(r.meeting, lang))
    out = [
        f'<!doctype html><html lang="{escape(lang)}"><meta charset="utf-8">\n'
        f"<title>{series} {meeting}</title>\n"
        f"<body><h1>{w.title}</h1>\n"
        f"<p><strong>{escape(r.organization)}</strong> · {series} {meeting}</p>\n"
        f"<p>{w.overall}: {r.done}/{r.total} {w.tasks_done}, {w.mean} "
        f"{escape(r.completion)}%</p>\n"
    ]
    for m in r.measures:
        out.append(
            f'<h2>{escape(m.title)}</h2><table border="1" cellpadding="4">\n'
            f"<tr><th>#</th><th>{w.task}</th><th>{w.responsible}</th><th>{w.period}</th>"
            f"<th>{w.status_heading}</th><th>{w.latest_heading}</th></tr>\n"
        )
        for s in m.steps:
            out.append(_html_step(s, w))
        out.append("</table>")
    out.append(
        f"\n<h2>{w.since}</h2><ul>\n"
        f"<li>{w.newly_done}: {escape(_listed(r.newly_done))}</li>\n"
        f"<li>{w.newly_overdue}: {escape(_listed(r.newly_overdue))}</li>\n"
        f"<li>{w.no_update}: {escape(_listed(r.no_update))}</li>\n"
        f"<li>{w.due_next}: {escape(_listed(r.due_before_next))}</li>\n"
        "</ul></body></html>\n"
    )
    return "".join(out)


def _html_step(s: StepState, w: _Words) -> str:
    overdue = f" <strong>{w.overdue}</strong>" if s.overdue else ""
    evidence = f' <a href="{escape(s.evidence_url)}">{w.evidence}</a>' if s.evidence_url else ""
    return (
        # The id, ref ("1.3") and percent are numbers: nothing in them to escape.
        f"<tr><td>#{s.id} ({s.ref})</td><td>{escape(s.title)}</td>"
        f"<td>{escape(', '.join(s.units))}</td><td>{escape(s.period)}</td>"
        f"<td>{w.status(s.status)} {s.percent}%{overdue}</td>"
        f"<td>{escape(s.last_note or '')}{evidence}</td></tr>\n"
    )


def escape(value: object) -> str:
    """``value`` as HTML text, as Jinja's autoescape (markupsafe) writes it: ``& < > ' "``
    as ``&amp; &lt; &gt; &#39; &#34;``. A plain ``str.replace`` chain: markupsafe's own
    builds a Markup object for every value, twice the cost of the rest of a step's row."""
    return (
        str(value)
        .replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def truncate(text: str) -> str:
    """Jinja's ``truncate(80)``: a text longer than 85 characters is cut at the last space
    before the 77th, or at the 77th (Thai has no spaces between words), and ends with "..."."""
    if len(text) <= TRUNCATE_AT + TRUNCATE_LEEWAY:
        return text
    return text[: TRUNCATE_AT - len(ELLIPSIS)].rsplit(" ", 1)[0] + ELLIPSIS


def _listed(labels: list[str]) -> str:
    return ", ".join(labels) or "-"


@cache
def _day(iso: str, lang: str) -> str:
    return format_date(date.fromisoformat(iso), lang)  # type: ignore[arg-type]


class _Words:
    """The report's fixed words in one language (HTML-escaped for the HTML page)."""

    def __init__(self, lang: str, html: bool) -> None:
        def say(thai: str, english: str) -> str:
            words = t(lang, thai, english)
            return escape(words) if html else words

        self.title = say("รายงานผลการดำเนินการตามมาตรการ ITA", "ITA measures: progress report")
        self.overall = say("ภาพรวม", "Overall")
        self.tasks_done = say("ขั้นตอนเสร็จ", "tasks done")
        self.mean = say("ความคืบหน้าเฉลี่ย", "mean progress")
        self.measure = say("มาตรการ", "Measure")
        self.overdue = say("เกินกำหนด", "overdue")
        self.latest = say("ล่าสุด", "latest")
        self.latest_heading = say("ล่าสุด", "Latest")
        self.task = say("ขั้นตอน", "Task")
        self.responsible = say("ผู้รับผิดชอบ", "Responsible")
        self.period = say("ระยะเวลา", "Period")
        self.status_heading = say("สถานะ", "Status")
        self.evidence = say("หลักฐาน", "evidence")
        self.since = say("ตั้งแต่การประชุมครั้งก่อน", "Since the previous meeting")
        self.newly_done = say("เสร็จใหม่", "newly done")
        self.newly_overdue = say("เกินกำหนดใหม่", "newly overdue")
        self.no_update = say("ไม่มีความคืบหน้า", "no update")
        self.due_next = say("ครบกำหนดก่อนการประชุมครั้งถัดไป", "Due before the next meeting")
        self._html = html
        self._statuses = {value: say(*words) for value, words in TASK_STATUS.items()}

    def status(self, value: str) -> str:
        """A task status in words; one the table lacks as it is (tracker.i18n.label)."""
        found = self._statuses.get(value)
        if found is not None:
            return found
        return escape(value) if self._html else value


@cache
def _words(lang: str, html: bool = False) -> _Words:
    return _Words(lang, html)
