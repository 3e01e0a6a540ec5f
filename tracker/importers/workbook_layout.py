"""The layout of a plan workbook: its sheets, their columns, and how a value sits in a cell.

Shared by the writer (tracker.importers.workbook) and the reader
(tracker.importers.workbook_reader), so the two cannot drift apart. A :class:`Column` names a
plan-document field, its Thai header and its kind; :func:`to_cell` and :func:`from_cell` turn
a field's value into what a cell holds and back.

Sheets, in workbook order: the measure table (first; named "แผน <fiscal year>"), then
ข้อมูลแผน (plan facts and the assessment, one labelled row each: the marker is its
รูปแบบเอกสาร row holding "ita-tracker/plan@1"), ตัวชี้วัด, ข้อคำถาม, หน่วยงาน, ช่องทางติดต่อ,
การประชุม, ผู้รับรายงานการประชุม, ประชุมงดหรือเลื่อน and คำเตือน (each a header row, then one
row per entry; a contact, recipient or exception row names its unit or meeting).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from tracker.importers.text import arabic, tidy

STATUS_LABELS = {
    "not_started": "ยังไม่เริ่ม",
    "in_progress": "กำลังดำเนินการ",
    "done": "เสร็จแล้ว",
    "cancelled": "ยกเลิก",
}
TOOL_LABELS = {"IIT": "IIT", "EIT": "EIT", "OIT": "OIT"}
POLICY_LABELS = {
    "flag": "ประชุมตามปกติ (แจ้งว่าตรงวันหยุด)",
    "skip": "งดประชุม",
    "move": "เลื่อนไปวันทำการถัดไป",
}
ROLE_LABELS = {
    "unit": "หน่วยงาน (แจ้งเตือนการประชุมและกำหนดเสร็จ)",
    "head": "หัวหน้าหน่วยงาน (สรุปงานค้างรายสัปดาห์)",
}
YES, NO = "ใช่", "ไม่ใช่"
_TRUE = {YES, "true", "yes", "y", "1", "x", "✓"}
_FALSE = {NO, "false", "no", "n", "0", "-"}

MISSING = object()  # a blank cell: the field is left out of the document


@dataclass(frozen=True)
class Column:
    """One column (or, on the facts sheet, one labelled row): a field, its header, its kind.

    Kinds: text, lines (a list, one a line), codes (a list, comma-separated), integer, score,
    boolean, date (ISO text), time (HH:MM), choice (a Thai label from ``labels``).
    """

    key: str
    header: str
    kind: str = "text"
    required: bool = False
    width: int = 18
    labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Table:
    """A sheet of entries: a header row (row 1), then one entry a row."""

    sheet: str
    columns: tuple[Column, ...]


def _choices(labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """A label map as Column.labels."""
    return tuple(labels.items())


FACTS_SHEET = "ข้อมูลแผน"
FACTS_HEADER = ("หัวข้อ", "ค่า")
SCHEMA_LABEL = "รูปแบบเอกสาร"
FACTS = (
    Column("schema", SCHEMA_LABEL, required=True),
    Column("organization", "หน่วยงานเจ้าของแผน", required=True),
    Column("fiscal_year", "ปีงบประมาณ (พ.ศ.)", "integer", required=True),
    Column("title", "ชื่อแผน"),
    Column("source", "ที่มาของแผน"),
    Column("assessment_year", "ปีที่ประเมิน ITA (พ.ศ.)", "integer"),
    Column("assessment_score", "คะแนน ITA", "score"),
    Column("assessment_grade", "ระดับผลการประเมิน ITA"),
)

MEASURE_HEADER_ROW = 4  # where the writer puts it; the reader looks in the first rows
MEASURE_COLUMNS = (
    Column("measure_title", "มาตรการ/แนวทาง", width=40),
    Column("task", "วิธีการดำเนินการ", width=60),
    Column("units", "ผู้รับผิดชอบ", "lines", width=32),
    Column("period_text", "ระยะเวลาการดำเนินการ", width=24),
    Column("follow_up", "การติดตามผล", width=30),
    Column("status", "สถานะ", "choice", width=16, labels=_choices(STATUS_LABELS)),
    Column("percent", "ร้อยละความคืบหน้า", "integer", width=12),
    Column("measure", "มาตรการที่", "integer", width=10),
    Column("start", "วันเริ่มต้น (ค.ศ.)", "date", width=14),
    Column("end", "วันสิ้นสุด (ค.ศ.)", "date", width=14),
    Column("items", "ข้อคำถามที่มาตรการตอบ", "codes", width=16),
)
MEASURE_NOTE = (
    "แก้ไขได้ในแผ่นงานนี้: ชื่อมาตรการและขั้นตอน ผู้รับผิดชอบ (บรรทัดละหน่วยงาน) ระยะเวลา "
    "วันเริ่มต้น/สิ้นสุด (ปี ค.ศ. เช่น 2026-10-01) สถานะ และร้อยละ; ข้อมูลอื่นอยู่ในแผ่นงานถัดไป"
)

INDICATORS = Table(
    "ตัวชี้วัด",
    (
        Column("number", "ตัวชี้วัดที่", "integer", required=True, width=12),
        Column("name", "ชื่อตัวชี้วัด", required=True, width=40),
        Column("tool", "เครื่องมือ", "choice", required=True, labels=_choices(TOOL_LABELS)),
        Column("score", "คะแนน", "score"),
    ),
)
ITEMS = Table(
    "ข้อคำถาม",
    (
        Column("code", "รหัสข้อ", required=True, width=10),
        Column("tool", "เครื่องมือ", "choice", labels=_choices(TOOL_LABELS)),
        Column("score", "คะแนน", "score"),
        Column("question", "ข้อคำถาม", width=60),
        Column("suggestion", "ข้อเสนอแนะ", width=60),
    ),
)
UNITS = Table(
    "หน่วยงาน",
    (
        Column("name", "ชื่อหน่วยงาน", required=True, width=40),
        Column("aliases", "ชื่ออื่นของหน่วยงาน (บรรทัดละชื่อ)", "lines", width=40),
        Column("all_units", "หมายถึงทุกหน่วยงาน", "boolean", width=18),
    ),
)
CONTACTS = Table(
    "ช่องทางติดต่อ",
    (
        Column("unit", "หน่วยงาน", required=True, width=40),
        Column("channel", "ช่องทาง", required=True, width=14),
        Column("address", "ที่อยู่ติดต่อ", required=True, width=50),
        Column("role", "ผู้รับ", "choice", width=30, labels=_choices(ROLE_LABELS)),
    ),
)
SERIES = Table(
    "การประชุม",
    (
        Column("name", "ชื่อการประชุม", required=True, width=36),
        Column("rrule", "กฎการนัดประชุม (RRULE)", required=True, width=36),
        Column("text", "รอบการประชุมตามที่เขียน", width=40),
        Column("timezone", "เขตเวลา", width=16),
        Column("time", "เวลาเริ่มประชุม", "time", width=12),
        Column("place", "สถานที่ประชุม", width=36),
        Column("holiday_policy", "เมื่อตรงวันหยุด", "choice", labels=_choices(POLICY_LABELS)),
        Column("reminder_days", "เตือนล่วงหน้า (วันทำการ)", "integer", width=14),
        Column("reminder_time", "เวลาเตือน", "time", width=10),
        Column("report_days", "ส่งรายงานล่วงหน้า (วันทำการ)", "integer", width=14),
        Column("report_time", "เวลาส่งรายงาน", "time", width=10),
    ),
)
RECIPIENTS = Table(
    "ผู้รับรายงานการประชุม",
    (
        Column("series", "ชื่อการประชุม", required=True, width=36),
        Column("channel", "ช่องทาง", required=True, width=14),
        Column("address", "ที่อยู่ติดต่อ", required=True, width=50),
        Column("name", "ชื่อผู้รับ", width=30),
    ),
)
EXCEPTIONS = Table(
    "ประชุมงดหรือเลื่อน",
    (
        Column("series", "ชื่อการประชุม", required=True, width=36),
        Column("date", "วันประชุมตามรอบ (ค.ศ.)", "date", required=True, width=16),
        Column("cancelled", "งดประชุม", "boolean", width=12),
        Column("moved_to", "เลื่อนไปวันที่ (ค.ศ.)", "date", width=16),
        Column("note", "หมายเหตุ", width=40),
    ),
)
WARNINGS = Table(
    "คำเตือน",
    (
        Column("code", "รหัสคำเตือน", required=True, width=24),
        Column("where", "ตำแหน่งในแผน", width=28),
        Column("message", "ข้อความ", required=True, width=80),
    ),
)
TABLES = (INDICATORS, ITEMS, UNITS, CONTACTS, SERIES, RECIPIENTS, EXCEPTIONS, WARNINGS)
NAMED_SHEETS = {FACTS_SHEET, *(table.sheet for table in TABLES)}


# --- values to cells ---------------------------------------------------------------------


def to_cell(column: Column, value: Any) -> Any:
    """What a cell holds for a field's value (None: leave the cell empty)."""
    if value is None:
        return None
    if column.kind == "lines":
        return "\n".join(value) or None
    if column.kind == "codes":
        return ", ".join(value) or None
    if column.kind == "boolean":
        return YES if value else NO
    if column.kind == "choice":
        return dict(column.labels).get(value, value)
    if column.kind == "score":
        return float(value)
    return value


# --- cells to values ---------------------------------------------------------------------


def from_cell(column: Column, raw: Any) -> Any:
    """A field's value from a cell, or MISSING for a blank cell.

    Raises ValueError with the problem (the caller names the sheet, row and column).
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return MISSING
    return _READERS[column.kind](column, raw)


# Each reader takes a non-blank cell and returns the field's value or raises ValueError.


def _text(_column: Column, raw: Any) -> str:
    if isinstance(raw, bool | datetime | date | time):
        raise ValueError(f"{raw!r} is not text: format the cell as text and type it again")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _lines(column: Column, raw: Any) -> list[str]:
    return [line.strip() for line in _text(column, raw).splitlines() if line.strip()]


def _codes(column: Column, raw: Any) -> list[str]:
    return [code for code in re.split(r"[\s,;]+", _text(column, raw)) if code]


def _integer(_column: Column, raw: Any) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = arabic(str(raw)).strip().removesuffix("%").strip()
    if isinstance(raw, str) and re.fullmatch(r"-?\d{1,9}", text):
        return int(text)
    raise ValueError(f"{raw!r} is not a whole number")


def _score(_column: Column, raw: Any) -> float:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    text = arabic(str(raw)).strip()
    if isinstance(raw, str) and re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", text):
        return float(text)
    raise ValueError(f"{raw!r} is not a number")


def _boolean(_column: Column, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{raw!r} is neither {YES!r} nor {NO!r}")


def _date(_column: Column, raw: Any) -> str:
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, str):
        return raw.strip()
    raise ValueError(f"{raw!r} is not a date: type it as YYYY-MM-DD (e.g. 2026-10-01)")


_CLOCK = re.compile(r"(\d{1,2})\s*[:.]\s*(\d{2})(?:\s*น\.?)?")


def _time(_column: Column, raw: Any) -> str:
    if isinstance(raw, datetime):
        raw = raw.time()
    if isinstance(raw, time):
        return raw.strftime("%H:%M")
    if not isinstance(raw, str):
        raise ValueError(f"{raw!r} is not a time: type it as HH:MM (e.g. 09:30)")
    match = _CLOCK.fullmatch(arabic(raw).strip())
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else raw.strip()


def _choice(column: Column, raw: Any) -> str:
    text = tidy(str(raw))
    for value, label in column.labels:
        if text in (tidy(label), value) or text.casefold() == value.casefold():
            return value
    known = ", ".join(label for _value, label in column.labels)
    raise ValueError(f"unknown {column.header} {text!r} (use {known})")


_READERS = {
    "text": _text,
    "lines": _lines,
    "codes": _codes,
    "integer": _integer,
    "score": _score,
    "boolean": _boolean,
    "date": _date,
    "time": _time,
    "choice": _choice,
}


# --- the title lines above the measure table -----------------------------------------------


def organization_line(name: str) -> str:
    """The line naming the organization above the measure table."""
    return f"หน่วยงาน: {name}"


def fiscal_year_line(year: int) -> str:
    """The line giving the fiscal year above the measure table."""
    return f"ปีงบประมาณ พ.ศ. {year}"


def organization_above(rows: list[list[str]]) -> str | None:
    """The organization a "หน่วยงาน: …" cell above a measure table names, if any."""
    for cells in rows:
        for cell in cells:
            match = re.match(r"^(?:หน่วยงาน|ชื่อหน่วยงาน)\s*[:：]\s*(.+)$", cell)
            if match:
                return tidy(match.group(1))
    return None


def fiscal_year_above(rows: list[list[str]]) -> int | None:
    """The fiscal year a "ปีงบประมาณ พ.ศ. …" cell above a measure table gives, if any."""
    for cells in rows:
        for cell in cells:
            match = re.search(r"ปีงบประมาณ\s*(?:พ\.?\s*ศ\.?)?\s*[:：]?\s*(\d{4})", arabic(cell))
            if match:
                return int(match.group(1))
    return None
