"""The hand-written pipeline of the progress-report morning: the floor `progress_reports` is
held to (issue 15), in the shape of bench/handwritten_rounds.py's (whose helpers it uses).

One SQL query reads every report due at ``now`` with its series, organization, tasks, their
measures, units and changes made by units, and the series' recipients (LEFT JOINs: one row
per task, unit, change and recipient); the report's text and HTML are built by plain string
formatting, as tracker/reports/progress_render.py writes them; the same ledger rows are
written with one multi-row ``INSERT … ON CONFLICT DO NOTHING RETURNING`` per batch, then
rolled back. ``check`` (handwritten_rounds) compares every row with the one the job wrote.

Bench code for the bench's data (Thai, no PDF, no unit links), not a second engine: the rules
live in tracker.reports.progress.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from handwritten_rounds import (
    LOOKBACK,
    Columns,
    Pipeline,
    Row,
    Spans,
    day,
    grouped,
    insert_rolled_back,
    instant,
    ledger_row,
    slug,
)
from sqlalchemy import Integer, String, bindparam, column, text
from sqlalchemy.types import NullType

from tracker.followup.ledger import missed_reason
from tracker.models import UTCDateTime

JOB = "progress-report"
REPORT_SQL = """
SELECT d.id, d.due_at, d.meeting_date, d.meeting_start, d.previous_start, d.next_date,
       s.id, s.name, o.id, o.name, r.channel, r.address,
       t.id, m.id, m.title, m.position, t.number, t.title, t.start_date, t.end_date,
       t.status, t.percent, t.created_at, un.name, e.id, e.at, e.field, e.after, e.note,
       e.evidence_url
FROM meeting_dues AS d
JOIN meeting_series AS s ON s.id = d.series_id
JOIN organizations AS o ON o.id = s.organization_id
JOIN tasks AS t ON t.series_id = d.series_id
JOIN measures AS m ON m.id = t.measure_id
JOIN plans AS p ON p.id = m.plan_id
LEFT JOIN series_recipients AS r ON r.series_id = s.id
LEFT JOIN task_units AS tu ON tu.task_id = t.id
LEFT JOIN units AS un ON un.id = tu.unit_id
LEFT JOIN task_events AS e ON e.task_id = t.id AND e.actor_unit_id IS NOT NULL
WHERE d.done_at IS NULL AND d.job = 'progress-report'
    AND d.due_at <= :now AND d.due_at >= :since
ORDER BY d.due_at, d.id, p.fiscal_year, m.position, t.number, un.id, e.id, r.id
"""
# What repeats on many rows is read as the driver gives it (NullType) and converted once.
REPORT_COLUMNS: Columns = (
    ("due_id", Integer),
    ("due_at", NullType),
    ("meeting_date", NullType),
    ("meeting_start", NullType),
    ("previous_start", NullType),
    ("next_date", NullType),
    ("series_id", Integer),
    ("series", String),
    ("organization_id", Integer),
    ("organization", String),
    ("channel", String),
    ("address", String),
    ("task_id", Integer),
    ("measure_id", Integer),
    ("measure", String),
    ("position", Integer),
    ("number", Integer),
    ("title", String),
    ("start_date", NullType),
    ("end_date", NullType),
    ("status", String),
    ("percent", Integer),
    ("created_at", NullType),
    ("unit", String),
    ("event_id", Integer),
    ("at", NullType),
    ("field", String),
    ("after", String),
    ("note", String),
    ("evidence_url", String),
)
OPEN = ("not_started", "in_progress")
STATUS_TH = {
    "not_started": "ยังไม่เริ่ม",
    "in_progress": "กำลังดำเนินการ",
    "done": "เสร็จแล้ว",
    "cancelled": "ยกเลิก",
}
HTML_HEAD = (
    "<tr><th>#</th><th>ขั้นตอน</th><th>ผู้รับผิดชอบ</th><th>ระยะเวลา</th><th>สถานะ</th>"
    "<th>ล่าสุด</th></tr>\n"
)


def esc(value: str) -> str:
    """As Jinja's autoescape writes HTML (markupsafe: &#34; and &#39;, not html.escape's)."""
    return (
        value.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def cut(title: str) -> str:
    """Jinja's truncate(80)."""
    return title if len(title) <= 85 else title[:77].rsplit(" ", 1)[0] + "..."


def report_round(engine: Any, now: datetime) -> Pipeline:
    """Every progress report due at ``now``, by hand. The query's rows are read as they come
    (a server-side cursor on PostgreSQL), one due's at a time: the national morning is
    310,000 of them, about a gigabyte as one list."""
    statement = (
        text(REPORT_SQL)
        .bindparams(*(bindparam(name, type_=UTCDateTime()) for name in ("now", "since")))
        .columns(*(column(name, kind()) for name, kind in REPORT_COLUMNS))
    )
    rows: list[Row] = []
    spans, dates = Spans(), Dates()
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=2000).execute(
            statement, {"now": now, "since": now - LOOKBACK}
        )
        for group in grouped(result, 0, 0):  # one due
            rows += _report_rows(group, now, spans, dates)
    return Pipeline(rows, insert_rolled_back(engine, rows))


class Dates(dict[Any, Any]):
    """Each stored date read once (SQLite gives text): tasks share a few dozen dates."""

    def __missing__(self, value: Any) -> Any:
        found = self[value] = day(value)
        return found


def _report_rows(group: list[Any], now: datetime, spans: Spans, dates: Dates) -> list[Row]:
    first = group[0]
    due_at, meeting_start, previous = instant(first[1]), instant(first[3]), instant(first[4])
    meeting, following = day(first[2]), day(first[5])
    tasks: dict[int, list[Any]] = {}  # task id -> [row, units, events]
    recipients: dict[tuple[str, str], None] = {}
    for row in group:
        task = tasks.get(row[12])
        if task is None:
            task = tasks[row[12]] = [row, {}, {}]
        if row[23] is not None:
            task[1][row[23]] = None
        if row[24] is not None:
            task[2][row[24]] = row
        if row[10] is not None:
            recipients[(row[10], row[11])] = None
    if min(instant(t[0][22]) for t in tasks.values()) > due_at:
        return []  # every task came in after the report was due
    text, html, counted, done, percents = _body(tasks, meeting, previous, following, spans, dates)
    if not counted:
        return []
    mean = round(percents / counted, 1)
    series, organization = first[7], first[9]
    when = spans.date(meeting)
    head = f"{organization} · {series} {when}"
    overall = f"ภาพรวม: {done}/{counted} ขั้นตอนเสร็จ, ความคืบหน้าเฉลี่ย {mean}%"
    subject = f"[ITA] รายงานผลการดำเนินการ สำหรับ{series} {when}"
    body_text = f"รายงานผลการดำเนินการตามมาตรการ ITA\n{head}\n{overall}\n{text}"
    body_html = (
        '<!doctype html><html lang="th"><meta charset="utf-8">\n'
        f"<title>{esc(series)} {when}</title>\n"
        "<body><h1>รายงานผลการดำเนินการตามมาตรการ ITA</h1>\n"
        f"<p><strong>{esc(organization)}</strong> · {esc(series)} {when}</p>\n"
        f"<p>{overall}</p>\n{html}"
    )
    meeting_iso = meeting.isoformat()
    fallback = f"{slug(organization)}/{meeting_iso}/progress-report"
    missed = now >= meeting_start
    to = [
        (channel, f"{address.rstrip('/')}/{fallback}" if channel == "file" else address)
        for channel, address in recipients
    ] or [("file", fallback)]
    built = []
    for channel, address in to:
        row = ledger_row(
            JOB,
            f"{first[6]}/{meeting_iso}",
            address,
            channel,
            (subject, body_text, body_html),
            due_at,
            first[8],
            0,
            "",
            {},
            missed_reason(JOB) if missed else None,
            now,
        )
        row.update(unit_id=None, role=None, headers=None)
        built.append(row)
    return built


def _body(
    tasks: dict[int, list[Any]],
    meeting: date,
    previous: datetime | None,
    following: date | None,
    spans: Spans,
    dates: Dates,
) -> tuple[str, str, int, int, int]:
    """(text from the first measure on, HTML from the first measure on, tasks counted, done,
    sum of their percents)."""
    text: list[str] = []
    html: list[str] = []
    lists: tuple[list[str], list[str], list[str], list[str]] = ([], [], [], [])
    counted = done = percents = 0
    measure = None
    previous_day = previous.date() if previous else None
    for row, units, events in tasks.values():
        task_id, ref = row[12], f"{row[15]}.{row[16]}"
        title, status, percent = row[17], row[20], row[21]
        start = None if row[18] is None else dates[row[18]]
        end = None if row[19] is None else dates[row[19]]
        if row[13] != measure:
            if measure is not None:
                html.append("</table>")
            measure = row[13]
            text.append(f"\nมาตรการ: {row[14]}\n")
            html.append(f'<h2>{esc(row[14])}</h2><table border="1" cellpadding="4">\n{HTML_HEAD}')
        is_open = status in OPEN
        overdue = is_open and end is not None and meeting > end
        names = ", ".join(units)
        period = spans.span(start, end)
        changes = list(events.values())
        note = evidence = None
        for change in reversed(changes):
            note = note or change[28]
            evidence = evidence or change[29]
        words = STATUS_TH.get(status, status)
        text.append(
            f"  #{task_id} ({ref}) {cut(title)}\n      {words} {percent}%"
            f"{' · เกินกำหนด' if overdue else ''} · {period} · {names}\n"
        )
        if note:
            text.append(f"      ล่าสุด: {note}{f' ({evidence})' if evidence else ''}\n")
        link = f' <a href="{esc(evidence)}">หลักฐาน</a>' if evidence else ""
        html.append(
            f"<tr><td>#{task_id} ({ref})</td><td>{esc(title)}</td><td>{esc(names)}</td>"
            f"<td>{esc(period)}</td><td>{words} {percent}%"
            f"{' <strong>เกินกำหนด</strong>' if overdue else ''}</td>"
            f"<td>{esc(note or '')}{link}</td></tr>\n"
        )
        label = f"#{task_id} ({ref})"
        since = [c for c in changes if previous is None or instant(c[25]) > previous]
        if any(c[26] == "status" and c[27] == "done" for c in since):
            lists[0].append(label)
        if overdue and (previous_day is None or end >= previous_day):
            lists[1].append(label)
        if is_open and (start is None or start <= meeting) and not since:
            lists[2].append(label)
        if is_open and end and following and meeting <= end < following:
            lists[3].append(label)
        if status != "cancelled":
            counted, percents = counted + 1, percents + percent
            done += status == "done"
    if measure is not None:
        html.append("</table>")
    newly_done, newly_overdue, no_update, due_next = (", ".join(x) or "-" for x in lists)
    after = f" ({spans.date(previous_day)})" if previous_day else ""
    before = f" ({spans.date(following)})" if following else ""
    text.append(
        f"\nตั้งแต่การประชุมครั้งก่อน{after}:\n  เสร็จใหม่: {newly_done}\n"
        f"  เกินกำหนดใหม่: {newly_overdue}\n  ไม่มีความคืบหน้า: {no_update}\n"
        f"ครบกำหนดก่อนการประชุมครั้งถัดไป{before}: {due_next}\n"
    )
    html.append(
        "\n<h2>ตั้งแต่การประชุมครั้งก่อน</h2><ul>\n"
        f"<li>เสร็จใหม่: {esc(newly_done)}</li>\n<li>เกินกำหนดใหม่: {esc(newly_overdue)}</li>\n"
        f"<li>ไม่มีความคืบหน้า: {esc(no_update)}</li>\n"
        f"<li>ครบกำหนดก่อนการประชุมครั้งถัดไป: {esc(due_next)}</li>\n</ul></body></html>\n"
    )
    return "".join(text), "".join(html), counted, done, percents
