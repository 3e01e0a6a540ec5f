"""Reading an agency's ITA analysis report (text or Markdown) into a plan document.

The report is what agencies publish after their ITA results: the overall score and grade,
the indicator table, the weak question items with suggestions, and the measure table
(มาตรการ/แนวทาง, วิธีการดำเนินการ, ผู้รับผิดชอบ, ระยะเวลาการดำเนินการ, การติดตามผล), sometimes
with the same steps listed twice. ``read_report`` finds each part by what it says rather than
where it is, since layouts differ between agencies; tracker.importers.build then turns what it
read into a plan document with the warnings a careful officer would raise.
"""

from __future__ import annotations

import re
from typing import Any

from tracker.errors import InvalidInput
from tracker.frameworks import Framework
from tracker.importers.measure_table import read_steps
from tracker.importers.model import ORGANIZATION_PREFIXES, TOOLS, Report, similar
from tracker.importers.text import Line, arabic, score_in, split_lines, tidy

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
    read_steps(lines, report)
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
