"""Reading an agency's ITA analysis report (text or Markdown) into a plan document.

The report is what agencies publish after their ITA results: the overall score and grade,
the indicator table, the weak question items with suggestions, and the measure table
(มาตรการ/แนวทาง, วิธีการดำเนินการ, ผู้รับผิดชอบ, ระยะเวลาการดำเนินการ, การติดตามผล), sometimes
with the same steps listed twice. ``read_report`` finds each part by what it says rather than
where it is, since layouts differ between agencies, and returns the plan document plus the
warnings a careful officer would raise (see ``tracker.importers.checks``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from schedules.recurrence import RecurrenceError, parse_recurrence
from tracker.errors import InvalidInput
from tracker.frameworks import Framework, framework_for
from tracker.importers.text import Line, arabic, score_in, split_lines, tidy
from tracker.textkey import lookup_key

ORGANIZATION_PREFIXES = (
    "องค์การบริหารส่วน",
    "เทศบาล",
    "กรุงเทพมหานคร",
    "เมืองพัทยา",
    "กรม",
    "กระทรวง",
    "สำนักงาน",
    "มหาวิทยาลัย",
    "โรงพยาบาล",
    "สถาบัน",
    "การไฟฟ้า",
    "การประปา",
    "ศาล",
)
ALL_UNITS_PREFIXES = ("ทุกส่วนราชการ", "ทุกกอง", "ทุกหน่วยงาน", "ทุกสำนัก", "ทุกฝ่าย", "ทุกส่วน")
UNIT_START = r"(?:กอง|สำนัก|ฝ่าย|งาน|ส่วน|ศูนย์|กลุ่ม|ทุก|หน่วย)"
TOOLS = ("IIT", "EIT", "OIT")


@dataclass
class Finding:
    """A warning about the report: a stable code, where, and what the import did."""

    code: str
    where: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "where": self.where, "message": self.message}


@dataclass
class Step:
    """A step as the report lists it (possibly twice), before it becomes a plan task."""

    measure: int  # 0-based index of its measure
    number: int
    title: str | None = None
    units: list[str] = field(default_factory=list)
    list_units: list[str] = field(default_factory=list)  # from the other listing, if any
    period_text: str | None = None
    follow_up: str | None = None
    line: int = 0


@dataclass
class Report:
    """Everything read from a report, before checks turn it into a document."""

    file: str
    organization: str | None = None
    assessment_year: int | None = None
    fiscal_year: int | None = None
    score: float | None = None
    score_line: int | None = None
    other_scores: list[tuple[float, int]] = field(default_factory=list)
    grade: str | None = None
    indicators: dict[int, dict[str, Any]] = field(default_factory=dict)
    tool_labels: list[tuple[int, str, str]] = field(default_factory=list)  # line, said, is
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    measures: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    analysis: list[tuple[int, int, str]] = field(default_factory=list)  # line, number, name
    warnings: list[Finding] = field(default_factory=list)

    @property
    def framework(self) -> Framework | None:
        return framework_for(self.assessment_year) if self.assessment_year else None


# --- the whole report ----------------------------------------------------------------------


def read_report(text: str, file: str, *, fiscal_year: int | None = None) -> Report:
    """Read every part of a report. Raises InvalidInput when it is not an ITA report."""
    lines = split_lines(text)
    report = Report(file=file)
    report.organization = _organization(lines)
    report.assessment_year = _assessment_year(lines)
    report.fiscal_year = fiscal_year or _plan_fiscal_year(lines, report.assessment_year)
    _scores(lines, report)
    _indicators(lines, report)
    _items(lines, report)
    _analysis(lines, report)
    _steps(lines, report)
    _require_report(report)
    return report


# What a report must hold to be imported, for the message about a file that holds nothing.
WHAT_A_REPORT_HOLDS = (
    "an ITA analysis report names its organization, its assessment year and a measure table "
    "(a header with มาตรการ/แนวทาง, วิธีการดำเนินการ, ผู้รับผิดชอบ, ระยะเวลา)"
)


def _require_report(report: Report) -> None:
    missing = []
    if report.organization is None:
        missing.append(
            "an organization name (a line starting with องค์การบริหารส่วน…, เทศบาล…, กรม… "
            "or 'หน่วยงาน: …')"
        )
    if report.assessment_year is None:
        missing.append("the assessment year (ประจำปีงบประมาณ พ.ศ. …)")
    if not report.steps:
        missing.append(
            "a measure table (a header with มาตรการ/แนวทาง, วิธีการดำเนินการ, ผู้รับผิดชอบ, ระยะเวลา)"
        )
    if missing:
        raise InvalidInput(
            f"{report.file}: not an ITA analysis report or plan document: it lacks "
            + "; ".join(missing)
        )


# --- organization and years -------------------------------------------------------------------


def _organization(lines: list[Line]) -> str | None:
    for line in lines:
        match = re.match(r"^(?:หน่วยงาน|ชื่อหน่วยงาน|organization)\s*[:：]\s*(.+)$", line.plain, re.I)
        if match:
            return tidy(match.group(1))
    for line in lines[:40]:
        text = line.plain
        if not line.is_row and text.startswith(ORGANIZATION_PREFIXES) and len(text) <= 80:
            return _strip_address(text)
    for line in lines:
        match = re.search(r"คะแนนภาพรวมหน่วยงาน\s*(.+?)\s*:?\s*$", line.plain)
        if match:
            return tidy(match.group(1))
    return None


def _strip_address(text: str) -> str:
    # "องค์การบริหารส่วนจังหวัดแพร่ อำเภอเมืองแพร่ จังหวัดแพร่" -> the organization alone
    return tidy(re.split(r"\s(?:อำเภอ|ตำบล|เลขที่|ที่อยู่)", text, maxsplit=1)[0])


_YEAR_PHRASE = re.compile(r"(?:ประจำ)?ปีงบประมาณ\s*(?:พ\.?\s*ศ\.?)?\s*(\d{4})")


def _assessment_year(lines: list[Line]) -> int | None:
    for line in lines[:30]:
        match = re.search(r"(?:การประเมิน|ITA)[^\n]*?" + _YEAR_PHRASE.pattern, line.plain)
        match = match or (_YEAR_PHRASE.search(line.plain) if not line.is_row else None)
        if match:
            return int(match.group(1))
    years = [int(m.group(1)) for line in lines for m in _YEAR_PHRASE.finditer(line.plain)]
    return max(set(years), key=years.count) if years else None


def _plan_fiscal_year(lines: list[Line], assessment_year: int | None) -> int | None:
    if assessment_year is None:
        return None
    for line in lines:
        match = re.search(r"(?:ข้อเสนอแนะ|แผน|มาตรการ)\S*.*?ใน" + _YEAR_PHRASE.pattern, line.plain)
        if match and int(match.group(1)) > assessment_year:
            return int(match.group(1))
    return assessment_year + 1


# --- scores ----------------------------------------------------------------------

_SCORE_PATTERNS = (
    re.compile(r"ในภาพรวม\S*\s*(?:มี)?ระดับคะแนน\s*(\d{1,3}\.\d{1,2})"),
    re.compile(r"คะแนน(?:ภาพรวม|เฉลี่ย|รวม)(?:หน่วยงาน)?\s*[:：]?\s*(\d{1,3}\.\d{1,2})"),
    re.compile(r"(?:overall score|ITA score)\s*[:：]?\s*(\d{1,3}\.\d{1,2})", re.I),
)
_GRADE_PATTERNS = (
    re.compile(r"ระดับผลการประเมิน\s*[:：]?\s*(AA|A|B|C|D|E|F)\b"),
    re.compile(r"(?:จัดอยู่ใน|ผ่านเกณฑ์(?:การ)?ประเมิน)\s*(?:ระดับ)?\s*(AA|A|B|C|D|E|F)\b"),
    re.compile(r"(?:grade|ระดับ)\s*[:：]\s*(AA|A|B|C|D|E|F)\b", re.I),
)


def _scores(lines: list[Line], report: Report) -> None:
    found: list[tuple[float, int]] = []
    for index, line in enumerate(lines):
        text = line.plain
        if "คะแนนภาพรวม" in text and not re.search(r"\d\.\d", text):
            found += _score_below(lines, index)
        for pattern in _SCORE_PATTERNS:
            match = pattern.search(text)
            if match:
                found.append((float(match.group(1)), line.number))
        if report.grade is None:
            for pattern in _GRADE_PATTERNS:
                match = pattern.search(text)
                if match:
                    report.grade = match.group(1)
                    break
    if found:
        report.score, report.score_line = found[0]
        report.other_scores = found[1:]


def _score_below(lines: list[Line], index: int) -> list[tuple[float, int]]:
    for line in lines[index + 1 : index + 4]:
        match = re.fullmatch(r"(\d{1,3}\.\d{1,2})\s*คะแนน", line.plain)
        if match:
            return [(float(match.group(1)), line.number)]
    return []


# --- indicators ----------------------------------------------------------------------


def _indicators(lines: list[Line], report: Report) -> None:
    framework = report.framework
    heading_tool: tuple[int, str] | None = None
    for line in lines:
        if not line.text:
            heading_tool = None  # a heading labels the table block right under it, no further
            continue
        said = _tool_named(line.plain)
        if said and not _indicator_row(line):
            heading_tool = (line.number, said)
            continue
        row = _indicator_row(line)
        if row is None:
            continue
        number, name, tool_cell, score = row
        if number in report.indicators or not _plausible(framework, number, name, tool_cell):
            continue
        known = framework.indicator(number) if framework else None
        tool = known.tool if known else tool_cell or (heading_tool[1] if heading_tool else None)
        if tool is None:
            continue
        if heading_tool and known and heading_tool[1] != known.tool:
            report.tool_labels.append((heading_tool[0], heading_tool[1], known.tool))
        report.indicators[number] = {"number": number, "name": name, "tool": tool, "score": score}


def _tool_named(text: str) -> str | None:
    """The tool a heading names: its acronym if it has one, else its Thai words."""
    acronym = re.search(r"\b(IIT|EIT|OIT)\b", text)
    if acronym:
        return acronym.group(1)
    if "ผู้มีส่วนได้ส่วนเสียภายใน" in text.replace(" ", ""):
        return "IIT"
    if "ผู้มีส่วนได้ส่วนเสียภายนอก" in text.replace(" ", ""):
        return "EIT"
    if "เปิดเผยข้อมูลสาธารณะ" in text.replace(" ", ""):
        return "OIT"
    return None


def _indicator_row(line: Line) -> tuple[int, str, str | None, float] | None:
    """(number, name, tool or None, score) from "๑. การปฏิบัติหน้าที่<TAB>๑๐๐.๐๐" or a pipe row."""
    if not line.is_row:
        return None
    cells = [arabic(c).replace("*", "").strip() for c in line.cells]
    cells = [c for c in cells if c]
    if len(cells) < 2:
        return None
    combined = re.fullmatch(r"(?:ตัวชี้วัดที่\s*)?(\d{1,2})\s*[.)]\s*(\D.+)", cells[0])
    if combined:
        number, name, rest = int(combined.group(1)), combined.group(2), cells[1:]
    elif re.fullmatch(r"\d{1,2}\.?", cells[0]) and len(cells) >= 3:
        number, name, rest = int(cells[0].rstrip(".")), cells[1], cells[2:]
    else:
        return None
    tool = next((c for c in rest if c in TOOLS), None)
    score = score_in(rest[-1])
    if score is None or not re.search(r"[ก-๙]", name):
        return None
    return number, tidy(name), tool, score


def _plausible(framework: Framework | None, number: int, name: str, tool: str | None) -> bool:
    """Is this row the indicator it claims to be (not a ranking that lists rank, name, score)?"""
    if framework is None:
        return tool is not None or number <= 20
    known = framework.indicator(number)
    return known is not None and similar(known.name, name, 0.75)


def similar(a: str, b: str, threshold: float) -> bool:
    """Whitespace-insensitive similarity of two names (1.0 = the same)."""
    from difflib import SequenceMatcher

    key_a, key_b = lookup_key(a), lookup_key(b)
    if key_a == key_b or key_a in key_b or key_b in key_a:
        return True
    return SequenceMatcher(None, key_a, key_b).ratio() >= threshold


# --- weak items ----------------------------------------------------------------------


def _items(lines: list[Line], report: Report) -> None:
    tool: str | None = None
    mode: str | None = None  # "question" or "suggestion"
    current: dict[str, Any] | None = None
    for line in lines:
        text = line.plain
        if "ประเด็นข้อบกพร่องหรือจุดอ่อน" in text or "จุดอ่อนที่ต้องแก้ไข" in text:
            tool = _item_section_tool(text) or tool
            mode, current = "question", None
            continue
        if re.match(r"^ประเด็นข้อบกพร่อง\s*$", text):
            mode, current = "question", None
            continue
        if re.match(r"^ประเด็นการพัฒนา", text) or re.match(r"^ข้อเสนอแนะ(?:ในการพัฒนา)?\s*$", text):
            mode, current = "suggestion", None
            continue
        if mode is None or tool is None:
            continue
        if _ends_item_sections(text):
            tool = mode = current = None
            continue
        current = _item_line(line, report, tool, mode, current)


def _item_section_tool(text: str) -> str | None:
    compact = text.replace(" ", "")
    for acronym, tool in (
        ("(IIT)", "IIT"),
        ("(EIT)", "EIT"),
        ("(OIT)", "OIT"),
        ("(IT)", "IIT"),
        ("(ET)", "EIT"),
    ):
        if acronym in compact:
            return tool
    return _tool_named(text)


def _ends_item_sections(text: str) -> bool:
    return text.startswith(("มาตรการ", "ลำดับที่", "แนวทาง")) or "มาตรการ/แนวทาง" in text


_ITEM = re.compile(r"^ข้อ\s*([A-Za-z1l|]?)\s*([0-9๐-๙]{1,3})\s*(.*)$")


def _item_line(
    line: Line, report: Report, tool: str, mode: str, current: dict[str, Any] | None
) -> dict[str, Any] | None:
    text = line.text.replace("*", "").strip()
    match = _ITEM.match(text)
    if match:
        code = item_code(match.group(1), match.group(2), tool)
        item = report.items.setdefault(code, {"code": code, "tool": _tool_of(code)})
        item.setdefault("line", line.number)
        field = "question" if mode == "question" else "suggestion"
        item[field] = tidy(match.group(3)) or None
        return {"item": item, "field": field}
    if current is None:
        return None
    if not text:
        return current if current["field"] in ("question", "scored") else None
    item, field = current["item"], current["field"]
    labelled = _LABELLED_SUGGESTION.match(text)
    if labelled:  # "ข้อเสนอแนะ: …" right under its item (a layout without a separate section)
        item["suggestion"] = tidy(labelled.group(1))
        return {"item": item, "field": "suggestion"}
    if field == "question" and re.match(r"^คะแนน", arabic(text)):
        item["score"] = score_in(text)
        return {"item": item, "field": "scored"}
    if field == "scored" or text.startswith("ไม่มี"):
        return None
    item[field] = tidy(f"{item.get(field) or ''} {text}")
    return current


_LABELLED_SUGGESTION = re.compile(
    r"^(?:ข้อเสนอแนะ|แนวทาง(?:การ)?(?:พัฒนา|แก้ไข)|ประเด็นการพัฒนา)\s*[:：]\s*(.+)$"
)


def item_code(prefix: str, digits: str, section_tool: str) -> str:
    """The item code as the NACC writes it, repairing PDF slips.

    "ข้อ 1๒๑" is I21: the "I" came out as the digit 1, and the number in Thai digits; "ข้อ E๑๒"
    is E12; a bare number takes the letter of the section it is in.
    """
    letter = {"IIT": "I", "EIT": "E", "OIT": "O"}[section_tool]
    number = arabic(digits)
    if prefix in ("1", "l", "|"):
        if re.fullmatch(r"[๐-๙]+", digits) or section_tool == "IIT":
            return f"I{int(number)}"
        number = prefix + number
    elif prefix:
        return f"{prefix.upper()}{int(number)}"
    return f"{letter}{int(number)}"


def _tool_of(code: str) -> str:
    return {"I": "IIT", "E": "EIT", "O": "OIT"}[code[0]]


# --- the analysis paragraphs ------------------------------------------------------------------


def _analysis(lines: list[Line], report: Report) -> None:
    for line in lines:
        match = re.search(r"ตัวชี้วัดที่\s*(\d{1,2})\s+(\S.*?)\s+(?:มี)?ระดับคะแนน", line.plain)
        if match:
            report.analysis.append((line.number, int(match.group(1)), tidy(match.group(2))))


# --- measures and steps ----------------------------------------------------------------------

_COLUMN_WORDS = {
    "measure": ("มาตรการ", "แนวทาง", "measure"),
    "step": ("วิธีการ", "กิจกรรม", "ขั้นตอน", "รายการ", "step", "activity"),
    "units": ("ผู้รับผิดชอบ", "หน่วยงาน", "responsible"),
    "period": ("ระยะเวลา", "ช่วงเวลา", "กำหนดเวลา", "ห้วงเวลา", "period"),
    "follow_up": ("ติดตาม", "follow"),
    "number": ("ลำดับ", "no."),
}


def header_columns(line: Line, *, minimum: int = 0) -> dict[str, int] | None:
    """Which column holds what, if ``line`` is a measure-table header.

    A report's header must name the step and unit columns; with ``minimum`` any row naming
    that many roles counts (a spreadsheet's header, so a missing column can be named).
    """
    if not line.is_row:
        return None
    columns: dict[str, int] = {}
    for index, cell in enumerate(line.cells):
        compact = cell.replace(" ", "").lower()
        for role, words in _COLUMN_WORDS.items():
            if role not in columns and any(w in compact for w in words) and len(compact) < 40:
                columns[role] = index
                break
    if "step" in columns and "units" in columns:
        return columns
    if minimum and len(columns) >= minimum:
        return columns
    return None


def _steps(lines: list[Line], report: Report) -> None:
    table_steps: list[Step] = []
    list_steps: list[Step] = []
    columns: dict[str, int] | None = None
    for line in lines:
        header = header_columns(line)
        if header is not None:
            columns = header
            continue
        if columns is None:
            continue
        if not line.is_row:
            if line.text:
                columns = None  # prose ends the table; a repeated header resumes it
            continue
        if "period" in columns:
            table_row(line, columns, report, table_steps)
        else:
            _list_row(line, columns, list_steps)
    report.steps = _merge_listings(table_steps, list_steps, report)


def _cell(line: Line, columns: dict[str, int], role: str) -> str:
    index = columns.get(role)
    if index is None or index >= len(line.cells):
        return ""
    return line.cells[index]


_STEP_NUMBER = re.compile(r"^([0-9๐-๙]{1,2})\s*[.)]\s*(.*)$")


def table_row(line: Line, columns: dict[str, int], report: Report, steps: list[Step]) -> None:
    measure_title = _cell(line, columns, "measure")
    step_text = _cell(line, columns, "step")
    if measure_title:
        report.measures.append(measure_title)
    if not step_text:
        return
    if not report.measures:
        report.measures.append(step_text)  # a table without a measure column: one measure
    measure = len(report.measures) - 1
    match = _STEP_NUMBER.match(step_text)
    previous = [s for s in steps if s.measure == measure]
    if match is None and previous and not _cell(line, columns, "units"):
        previous[-1].title = tidy(f"{previous[-1].title} {step_text}")  # a wrapped row
        return
    number = int(arabic(match.group(1))) if match else len(previous) + 1
    follow_up = _cell(line, columns, "follow_up") or (previous[-1].follow_up if previous else None)
    steps.append(
        Step(
            measure=measure,
            number=number,
            title=tidy(match.group(2) if match else step_text),
            units=split_units(_cell(line, columns, "units")),
            period_text=_cell(line, columns, "period") or None,
            follow_up=follow_up or None,
            line=line.number,
        )
    )


def _list_row(line: Line, columns: dict[str, int], steps: list[Step]) -> None:
    number_text = _cell(line, columns, "number") if "number" in columns else ""
    title = _cell(line, columns, "step")
    match = re.fullmatch(r"[0-9๐-๙]{1,2}", arabic(number_text).strip(". ")) if number_text else None
    inline = _STEP_NUMBER.match(title)
    if match is None and inline is None:
        return
    number = int(arabic(number_text).strip(". ")) if match else int(arabic(inline.group(1)))
    steps.append(
        Step(
            measure=0,
            number=number,
            title=tidy(inline.group(2) if inline and not match else title),
            units=split_units(_cell(line, columns, "units")),
            line=line.number,
        )
    )


def split_units(cell: str) -> list[str]:
    """Unit names in a cell: split on commas, semicolons, slashes and "และ" before a unit.

    "กองคลัง, กองช่าง" and "กองคลัง และกองช่าง" are two units; "กองการศึกษา ศาสนาและวัฒนธรรม"
    is one, because what follows its "และ" does not start like a unit's name.
    """
    cell = tidy(cell)
    if not cell or cell in ("-", "–"):
        return []
    parts = re.split(rf"\s*[,;/]\s*|\s+และ\s*(?={UNIT_START})|(?<=\S)และ(?={UNIT_START})", cell)
    return [tidy(part) for part in parts if tidy(part)]


def _merge_listings(table: list[Step], listed: list[Step], report: Report) -> list[Step]:
    """One step per step: a list and a table of the same steps become one set of tasks.

    The table (which has periods) leads; the list adds what the table leaves empty, and its
    unit spellings are kept for the similar-name check.
    """
    if not table:
        if listed:
            report.measures = report.measures or ["มาตรการ"]
        return listed
    if not listed:
        return table
    single_measure = len({s.measure for s in table}) == 1
    by_number = {s.number: s for s in table} if single_measure else {}
    for item in listed:
        match = by_number.get(item.number) or _by_title(table, item.title)
        if match is None:
            item.measure = len(report.measures) - 1
            table.append(item)
            continue
        match.title = match.title or item.title
        match.list_units = item.units
        if not match.units:
            match.units = list(item.units)
    return table


def _by_title(steps: list[Step], title: str | None) -> Step | None:
    if not title:
        return None
    return next((s for s in steps if s.title and similar(s.title, title, 0.85)), None)


# --- follow-up meetings -----------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    name: str
    rrule: str
    text: str


def read_follow_up(cell: str) -> FollowUp | None:
    """The meeting series a follow-up cell names: "รายงานผล...ในการประชุมหัวหน้าส่วนราชการ ทุกวันพุธ…".

    None when the cell names no readable meeting rule.
    """
    text = tidy(cell)
    try:
        rrule = parse_recurrence(text)
    except RecurrenceError:
        return None
    phrase_at = text.find("ทุก")
    before, phrase = text[:phrase_at].strip(), text[phrase_at:].strip()
    meeting = re.search(r"(ประชุม.+)$", before)
    name = meeting.group(1) if meeting else before or "การประชุมติดตามผล"
    return FollowUp(name=tidy(name), rrule=rrule, text=phrase)


def all_units_name(name: str) -> bool:
    """Whether a unit name means every unit of the organization ("ทุกส่วนราชการในสังกัด…")."""
    return lookup_key(name).startswith(tuple(lookup_key(p) for p in ALL_UNITS_PREFIXES))
