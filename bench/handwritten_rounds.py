"""Hand-written pipelines of the national rounds: the floor each follow-up job is held to.

Each pipeline does by hand what one round of a job does for the bench's national database:
one SQL query for the rows the round reads, the messages' text and HTML built with plain
string formatting (Thai, as the bench's options say; dates through schedules' formatting,
each distinct value formatted once), and the same ledger rows written with one multi-row
``INSERT … ON CONFLICT DO NOTHING RETURNING`` per batch (SQLAlchemy's insertmanyvalues, as
the ledger does), in a transaction that is then rolled back. Run before the job, on the
same database: ``check`` then compares every row the pipeline built with the row the job
wrote, so the floor is known to do the same work (issue 15).

These are bench code for the bench's data (every contact of role "unit", no unit links, no
fallback contacts, one language), not a second engine: the rules live in tracker.followup.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Engine, Integer, String, bindparam, column, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import NullType

from schedules import followup, format_date, format_span
from tracker.models import OutboxMessage, UTCDateTime

OUTBOX = OutboxMessage.__table__
KEY_NAMESPACE = uuid.UUID("6f1c9a52-3c1e-4f0b-9a57-1d1b3b6c2e40")  # the ledger's, fixed
LOOKBACK = timedelta(days=35)
TITLE_LIMIT = 70
ANSWER_TH = "ตอบกลับความคืบหน้าได้ด้วยคำสั่ง:"
RETURNED = (OUTBOX.c.job, OUTBOX.c.occurrence, OUTBOX.c.recipient, OUTBOX.c.channel)
COMPARED = (
    "idempotency_key",
    "organization_id",
    "unit_id",
    "role",
    "subject",
    "body_text",
    "body_html",
    "headers",
    "status",
    "last_error",
    "due_at",
)

Row = dict[str, Any]
Columns = tuple[tuple[str, Any], ...]


@dataclass
class Pipeline:
    """What a pipeline built: its ledger rows (in order) and how many the INSERT found new."""

    rows: list[Row]
    inserted: int


class Spans:
    """format_span and format_date of each distinct value, once."""

    def __init__(self) -> None:
        self.spans: dict[tuple[date | None, date | None], str] = {}
        self.dates: dict[date, str] = {}

    def span(self, start: date | None, end: date | None) -> str:
        key = (start, end)
        found = self.spans.get(key)
        if found is None:
            found = self.spans[key] = format_span(start, end, "th")
        return found

    def date(self, day: date) -> str:
        found = self.dates.get(day)
        if found is None:
            found = self.dates[day] = format_date(day, "th")
        return found


def task_text(
    spans: Spans, task_id: int, ref: str, title: str, start: Any, end: Any, pct: int
) -> str:
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1] + "…"
    return f"#{task_id} ({ref}) {title} [{spans.span(start, end)}, {pct}%]"


def page(subject: str, paragraphs: list[str], sections: list[tuple[str, list[str]]]) -> str:
    """The HTML part, as message.html.j2 writes it."""
    esc = html.escape
    parts = [
        f'<!doctype html><html lang="th"><meta charset="utf-8"><title>{esc(subject)}</title><body>'
    ]
    parts += [f"<p>{esc(p)}</p>" for p in paragraphs]
    for heading, lines in sections:
        parts.append(f"<h3>{esc(heading)}</h3><ul>")
        parts += [f"<li>{esc(line)}</li>" for line in lines]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "".join(parts)


def answer(unit: str, task_id: int) -> list[str]:
    return [
        ANSWER_TH,
        f'  tracker progress {task_id} 50 --by "{unit}" --note "…"',
        f'  tracker done {task_id} --by "{unit}" --evidence https://…',
    ]


def slug(name: str) -> str:
    return re.sub(r"[^\w\u0e00-\u0e7f]+", "-", name).strip("-")[:60]


def ledger_row(
    job: str,
    occurrence: str,
    recipient: str,
    channel: str,
    message: tuple[str, str, str],
    due_at: datetime,
    organization_id: int,
    unit_id: int,
    role: str,
    headers: dict[str, str],
    missed: str | None,
    now: datetime,
) -> Row:
    key = "\x1f".join((job, occurrence, recipient, channel))
    return {
        "idempotency_key": str(uuid.uuid5(KEY_NAMESPACE, key)),
        "role": role,
        "fallback_of": None,
        "interruptions": 0,
        "job": job,
        "occurrence": occurrence,
        "recipient": recipient,
        "channel": channel,
        "organization_id": organization_id,
        "unit_id": unit_id,
        "subject": message[0],
        "body_text": message[1],
        "body_html": message[2],
        "headers": headers,
        "attachments": None,
        "status": "missed" if missed else "pending",
        "last_error": missed,
        "attempts": 0,
        "due_at": due_at,
        "next_attempt_at": now,
        "created_at": now,
    }


def insert_rolled_back(engine: Engine, rows: list[Row]) -> int:
    """Insert ``rows`` into the outbox as the ledger does, then roll back; how many were new."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(OUTBOX).on_conflict_do_nothing().returning(*RETURNED)
    with engine.connect() as connection:
        transaction = connection.begin()
        inserted = len(connection.execute(statement, rows).all()) if rows else 0
        transaction.rollback()
    return inserted


# --- (c) the reminder round ------------------------------------------------------------------

REMINDER_SQL = """
SELECT d.id, d.due_at, d.meeting_date, d.meeting_start, d.previous_start, d.next_date,
       s.id, s.name, s.timezone, o.id, o.name, u.id, u.name, c.channel, c.address,
       t.id, m.position, t.number, t.title, t.start_date, t.end_date, t.percent, t.status,
       lu.last_at
FROM meeting_dues AS d
JOIN meeting_series AS s ON s.id = d.series_id
JOIN organizations AS o ON o.id = s.organization_id
JOIN tasks AS t ON t.series_id = d.series_id
JOIN measures AS m ON m.id = t.measure_id
JOIN task_units AS tu ON tu.task_id = t.id
JOIN units AS g ON g.id = tu.unit_id AND g.merged_into_id IS NULL
JOIN units AS u ON u.organization_id = o.id
    AND u.merged_into_id IS NULL AND u.all_units = false
    AND (u.id = g.id OR g.all_units = true)
LEFT JOIN unit_contacts AS c ON c.unit_id = u.id AND c.role = 'unit' AND c.fallback = false
LEFT JOIN (
    SELECT e.task_id AS task_id, max(e.at) AS last_at FROM task_events AS e
    WHERE e.actor_unit_id IS NOT NULL GROUP BY e.task_id
) AS lu ON lu.task_id = t.id
WHERE d.done_at IS NULL AND d.job = 'meeting-reminder'
    AND d.due_at <= :now AND d.due_at >= :since
    AND t.status IN ('not_started', 'in_progress')
    AND t.created_at <= d.due_at
    AND (t.start_date IS NULL OR t.start_date <= d.meeting_date)
ORDER BY d.due_at, d.id, u.id, t.id, c.id
"""
# The due's own columns repeat on each of its rows: read as the driver gives them (NullType:
# SQLite's text, PostgreSQL's datetime and date), and
# converted once per digest (instant, day), not once per row.
REMINDER_COLUMNS: Columns = (
    ("due_id", Integer),
    ("due_at", NullType),
    ("meeting_date", NullType),
    ("meeting_start", NullType),
    ("previous_start", NullType),
    ("next_date", NullType),
    ("series_id", Integer),
    ("series_name", String),
    ("zone", String),
    ("organization_id", Integer),
    ("organization", String),
    ("unit_id", Integer),
    ("unit", String),
    ("channel", String),
    ("address", String),
    ("task_id", Integer),
    ("position", Integer),
    ("number", Integer),
    ("title", String),
    ("start_date", Date),
    ("end_date", Date),
    ("percent", Integer),
    ("status", String),
    ("last_at", UTCDateTime),
)
HEADINGS = (
    "เกินกำหนด",
    "ครบกำหนดก่อนการประชุมครั้งถัดไป",
    "ยังไม่มีความคืบหน้าตั้งแต่การประชุมครั้งก่อน",
    "งานอื่นที่ยังดำเนินการอยู่",
)


def instant(value: Any) -> Any:
    """A stored UTC moment, aware (UTCDateTime's reading, done once per value)."""
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.astimezone(UTC)


def day(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def query(engine: Engine, sql: str, columns: Columns, **binds: datetime) -> list[Any]:
    """The one query of a pipeline, its moments bound as UTCDateTime, its columns typed."""
    statement = (
        text(sql)
        .bindparams(*(bindparam(name, type_=UTCDateTime()) for name in binds))
        .columns(*(column(name, kind()) for name, kind in columns))
    )
    with engine.connect() as connection:
        return list(connection.execute(statement, binds).all())


def grouped(rows: list[Any], first: int, second: int) -> Iterator[list[Any]]:
    """Consecutive runs of ``rows`` with the same values at ``first`` and ``second``."""
    group: list[Any] = []
    for row in rows:
        if group and (row[first], row[second]) != (group[0][first], group[0][second]):
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def reminder_round(engine: Engine, now: datetime) -> Pipeline:
    """The reminder round at ``now``, by hand: one query, f-strings, one INSERT per batch."""
    result = query(engine, REMINDER_SQL, REMINDER_COLUMNS, now=now, since=now - LOOKBACK)
    rows: list[Row] = []
    spans = Spans()
    zones: dict[str, ZoneInfo] = {}
    for group in grouped(result, 0, 11):  # (due, unit)
        rows += _reminder_rows(group, now, spans, zones)
    return Pipeline(rows, insert_rolled_back(engine, rows))


def _reminder_rows(
    group: list[Any], now: datetime, spans: Spans, zones: dict[str, ZoneInfo]
) -> list[Row]:
    """One unit's digest for one due: its rows are (due, unit, task, contact), in that order."""
    (
        _due_id,
        due_at,
        meeting_date,
        meeting_start,
        previous,
        next_date,
        series_id,
        series,
        zone_name,
        organization_id,
        organization,
        unit_id,
        unit,
    ) = group[0][:13]
    due_at, meeting_start = instant(due_at), instant(meeting_start)
    previous, meeting_date, next_date = instant(previous), day(meeting_date), day(next_date)
    zone = zones.get(zone_name) or zones.setdefault(zone_name, ZoneInfo(zone_name))
    today = now.astimezone(zone).date()
    start = meeting_start.astimezone(zone)
    when = f"{spans.date(start.date())} {start:%H:%M}"
    sections: tuple[list[str], list[str], list[str], list[str]] = ([], [], [], [])
    ids: tuple[list[int], list[int], list[int], list[int]] = ([], [], [], [])
    contacts: dict[tuple[str, str], None] = {}
    last_task = None
    for row in group:
        if row[13] is not None:
            contacts[(row[13], row[14])] = None
        task_id = row[15]
        if task_id == last_task:
            continue  # the same task again: another contact, or named twice
        last_task = task_id
        end, status, last_at = row[20], row[22], row[23]
        if end is not None and today > end:
            which = 0
        elif end and next_date and end < next_date:
            which = 1
        elif status == "in_progress" and not (
            last_at is not None and (previous is None or last_at > previous)
        ):
            which = 2
        else:
            which = 3
        sections[which].append(
            task_text(spans, task_id, f"{row[16]}.{row[17]}", row[18], row[19], end, row[21])
        )
        ids[which].append(task_id)
    listed = [(HEADINGS[k], sections[k]) for k in range(4) if sections[k]]
    first = next(i for k in range(4) for i in ids[k])
    subject = f"[ITA] ขอรายงานความคืบหน้าก่อน{series} {when} น."
    opening = [f"เรียน {unit}", f"ขอให้รายงานความคืบหน้าของงานต่อไปนี้ก่อน{series} วันที่ {when} น."]
    hint = answer(unit, first)
    body = "".join(f"{line}\n" for line in opening) + "\n"
    for heading, lines in listed:
        body += heading + "\n" + "".join(f" • {line}\n" for line in lines) + "\n"
    body += "".join(f"{line}\n" for line in hint)
    message = (subject, body, page(subject, [*opening, *hint], listed))
    task_ids = ",".join(str(i) for i in dict.fromkeys(i for k in range(4) for i in ids[k]))
    headers = {"X-Tracker-Tasks": task_ids}
    missed = "due while nothing ran; the meeting had passed" if now >= meeting_start else None
    occurrence = f"{series_id}/{meeting_date}/{unit_id}"
    if not contacts:
        contacts = {("file", f"{slug(organization)}/{meeting_date}/reminder-{slug(unit)}"): None}
    return [
        ledger_row(
            "meeting-reminder",
            occurrence,
            address,
            channel,
            message,
            due_at,
            organization_id,
            unit_id,
            "unit",
            headers,
            missed,
            now,
        )
        for channel, address in contacts
    ]


# --- (e) the alert round ------------------------------------------------------------------

ALERT_SQL = """
SELECT t.id, t.end_date, t.created_at, m.position, t.number, t.title, t.start_date,
       t.percent, p.organization_id, u.id, u.name, c.channel, c.address
FROM tasks AS t
JOIN measures AS m ON m.id = t.measure_id
JOIN plans AS p ON p.id = m.plan_id
JOIN task_units AS tu ON tu.task_id = t.id
JOIN units AS g ON g.id = tu.unit_id AND g.merged_into_id IS NULL
JOIN units AS u ON u.organization_id = p.organization_id
    AND u.merged_into_id IS NULL AND u.all_units = false
    AND (u.id = g.id OR g.all_units = true)
LEFT JOIN unit_contacts AS c ON c.unit_id = u.id AND c.role = 'unit' AND c.fallback = false
WHERE t.next_alert_at <= :now AND t.status IN ('not_started', 'in_progress')
ORDER BY t.next_alert_at, t.id, u.id, c.id
"""
ALERT_COLUMNS: Columns = (
    ("task_id", Integer),
    ("end_date", Date),
    ("created_at", UTCDateTime),
    ("position", Integer),
    ("number", Integer),
    ("title", String),
    ("start_date", Date),
    ("percent", Integer),
    ("organization_id", Integer),
    ("unit_id", Integer),
    ("unit", String),
    ("channel", String),
    ("address", String),
)


def alert_round(
    engine: Engine, now: datetime, alert_days: tuple[int, ...], zone: ZoneInfo
) -> Pipeline:
    """The deadline-alert round at ``now``, by hand (the alert days and moments from
    schedules.followup, as the job's calendar)."""
    result = query(engine, ALERT_SQL, ALERT_COLUMNS, now=now)
    rows: list[Row] = []
    spans = Spans()
    for group in grouped(result, 0, 9):  # (task, unit)
        rows += _alert_rows(group, now, alert_days, zone, spans)
    return Pipeline(rows, insert_rolled_back(engine, rows))


def _alert_rows(
    group: list[Any], now: datetime, alert_days: tuple[int, ...], zone: ZoneInfo, spans: Spans
) -> list[Row]:
    task_id, end, created_at, position, number, title, start, percent = group[0][:8]
    organization_id, unit_id, unit = group[0][8:11]
    ref = f"{position}.{number}"
    line = task_text(spans, task_id, ref, title, start, end, percent)
    over = datetime.combine(end + timedelta(days=1), clock(0, 0), zone)
    hint = answer(unit, task_id)
    built: list[Row] = []
    for kind, alert_day in followup.alert_days(end, alert_days):
        due = followup.alert_moment(alert_day, zone)
        if due > now or due < now - LOOKBACK or due < created_at:
            continue
        if kind == "overdue":
            subject = f"[ITA] เกินกำหนด: #{task_id} ({ref}) ครบกำหนด {spans.date(end)}"
        else:
            days = kind.rstrip("d")
            subject = f"[ITA] อีก {days} วันครบกำหนด: #{task_id} ({ref}) {spans.date(end)}"
        body = f"เรียน {unit}\n{line}\n\n" + "".join(f"{h}\n" for h in hint)
        message = (subject, body, page(subject, [f"เรียน {unit}", line, "", *hint], []))
        missed = (
            "due while nothing ran; the deadline had passed"
            if kind != "overdue" and now >= over
            else None
        )
        contacts = {(row[11], row[12]): None for row in group if row[11] is not None}
        if not contacts:
            contacts = {("file", f"alerts/{alert_day}/{kind}-{task_id}-{slug(unit)}"): None}
        built += [
            ledger_row(
                "deadline-alert",
                f"{task_id}/{end}/{kind}",
                address,
                channel,
                message,
                due,
                organization_id,
                unit_id,
                "unit",
                {"X-Tracker-Tasks": str(task_id)},
                missed,
                now,
            )
            for channel, address in contacts
        ]
    return built


# --- (g) the weekly overdue digests ---------------------------------------------------------

DIGEST_SQL = """
SELECT u.id, u.name, p.organization_id, c.channel, c.address, c.role,
       t.id, m.position, t.number, t.title, t.start_date, t.end_date, t.percent
FROM tasks AS t
JOIN measures AS m ON m.id = t.measure_id
JOIN plans AS p ON p.id = m.plan_id
JOIN task_units AS tu ON tu.task_id = t.id
JOIN units AS g ON g.id = tu.unit_id AND g.merged_into_id IS NULL
JOIN units AS u ON u.organization_id = p.organization_id
    AND u.merged_into_id IS NULL AND u.all_units = false
    AND (u.id = g.id OR g.all_units = true)
LEFT JOIN unit_contacts AS c ON c.unit_id = u.id AND c.fallback = false
    AND c.role IN ('head', 'unit')
WHERE t.end_date < :day AND t.created_at <= :due
    AND t.status IN ('not_started', 'in_progress')
ORDER BY u.id, t.id, c.id
"""
DIGEST_COLUMNS: Columns = (
    ("unit_id", Integer),
    ("unit", String),
    ("organization_id", Integer),
    ("channel", String),
    ("address", String),
    ("role", String),
    ("task_id", Integer),
    ("position", Integer),
    ("number", Integer),
    ("title", String),
    ("start_date", Date),
    ("end_date", Date),
    ("percent", Integer),
)


def digest_round(engine: Engine, due: datetime, now: datetime) -> Pipeline:
    """The week's overdue digests (Monday ``due``, swept at ``now``), by hand."""
    statement = (
        text(DIGEST_SQL)
        .bindparams(bindparam("due", type_=UTCDateTime()), bindparam("day", type_=Date()))
        .columns(*(column(name, kind()) for name, kind in DIGEST_COLUMNS))
    )
    with engine.connect() as connection:
        result = connection.execute(statement, {"due": due, "day": due.date()}).all()
    year, week_number, _ = due.isocalendar()
    week = f"{year}-W{week_number:02d}"
    rows: list[Row] = []
    spans = Spans()
    for group in grouped(list(result), 0, 0):  # one unit
        rows += _digest_rows(group, due, week, now, spans)
    return Pipeline(rows, insert_rolled_back(engine, rows))


def _digest_rows(
    group: list[Any], due: datetime, week: str, now: datetime, spans: Spans
) -> list[Row]:
    unit_id, unit, organization_id = group[0][:3]
    heads: dict[tuple[str, str], None] = {}
    own: dict[tuple[str, str], None] = {}
    lines: list[str] = []
    ids: list[int] = []
    for row in group:
        if row[3] is not None:
            (heads if row[5] == "head" else own)[(row[3], row[4])] = None
        if not ids or ids[-1] != row[6]:
            ids.append(row[6])
            ref = f"{row[7]}.{row[8]}"
            lines.append(task_text(spans, row[6], ref, row[9], row[10], row[11], row[12]))
    subject = f"[ITA] งานเกินกำหนดของ{unit} ({len(lines)} รายการ) สัปดาห์ {week}"
    heading = "งานที่เกินกำหนด"
    body = f"เรียน หัวหน้า{unit}\n\n{heading}\n" + "".join(f" • {line}\n" for line in lines)
    message = (subject, body, page(subject, [], [(heading, lines)]))
    contacts = heads or own or {("file", f"digests/{week}/overdue-{slug(unit)}"): None}
    return [
        ledger_row(
            "overdue-digest",
            f"{unit_id}/{week}",
            address,
            channel,
            message,
            due,
            organization_id,
            unit_id,
            "head",
            {"X-Tracker-Tasks": ",".join(map(str, ids))},
            None,
            now,
        )
        for channel, address in contacts
    ]


# --- checking a pipeline against the job --------------------------------------------------


def check(engine: Engine, job: str, now: datetime, built: list[Row]) -> str:
    """Compare every row a pipeline built with the row the job wrote at ``now``: "" when all
    are the same, else what differs first (and how many differ)."""
    written: dict[tuple[str, str, str, str], Row] = {}
    columns = [OUTBOX.c[name] for name in ("job", "occurrence", "recipient", "channel", *COMPARED)]
    with engine.connect() as connection:
        for row in connection.execute(
            select(*columns).where(OUTBOX.c.job == job, OUTBOX.c.created_at == now)
        ).mappings():
            written[(row["job"], row["occurrence"], row["recipient"], row["channel"])] = dict(row)
    problems: list[str] = []
    if len(written) != len(built):
        problems.append(f"the job wrote {len(written):,} rows, the pipeline built {len(built):,}")
    for row in built:
        key = (row["job"], row["occurrence"], row["recipient"], row["channel"])
        found = written.get(key)
        if found is None:
            problems.append(f"{key}: not written by the job")
            continue
        for name in COMPARED:
            mine, theirs = row[name], found[name]
            if isinstance(mine, datetime):
                mine = mine.astimezone(UTC)
            if mine != theirs:
                problems.append(f"{key} {name}: pipeline {mine!r:.300} job {theirs!r:.300}")
                break
    if not problems:
        return ""
    return f"{len(problems):,} differences; first: {problems[0]}"
