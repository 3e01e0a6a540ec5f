"""Ways into the tracker: plan documents, ITA analysis reports, spreadsheets.

Every source becomes a plan document (see tracker.plandoc), checked the same way, then
imported by tracker.services.plan_import.import_plan. An ITA analysis report may come as text
(.txt, .md), PDF or Word (.docx): a reader per file type (REPORT_READERS) turns the file into
lines — paragraphs, and table rows as lines with cells — which are repaired for what PDF
extraction does to Thai (tracker.importers.repair) and read by the same recognisers
(tracker.importers.report). A new file type is one more reader here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tracker.errors import InvalidInput
from tracker.importers.text import Line
from tracker.inputs import TextProblem, check_file_size, check_text, read_input_file
from tracker.limits import DEFAULT_LIMITS, ImportLimits

# A report reader: the file's lines, within a size limit in bytes.
LineReader = Callable[[Path, int], list[Line]]


def _text_lines(path: Path, max_bytes: int) -> list[Line]:
    from tracker.importers.text import split_lines

    return split_lines(read_report_text(path, max_bytes=max_bytes))


def _pdf_lines(path: Path, max_bytes: int) -> list[Line]:
    from tracker.importers.pdf import read_pdf_lines

    return read_pdf_lines(path, max_bytes=max_bytes)


def _word_lines(path: Path, max_bytes: int) -> list[Line]:
    from tracker.importers.word import read_word_lines

    return read_word_lines(path, max_bytes=max_bytes)


REPORT_READERS: dict[str, LineReader] = {
    ".txt": _text_lines,
    ".text": _text_lines,
    ".md": _text_lines,
    ".markdown": _text_lines,
    ".pdf": _pdf_lines,
    ".docx": _word_lines,
}
REPORT_SUFFIXES = set(REPORT_READERS)
SPREADSHEET_SUFFIXES = {".xlsx"}
# Formats people keep that the readers do not take, and what to do instead.
SAVE_AS = {
    ".doc": "an old Word file (.doc): open it in Word and save it as .docx (or export a PDF), "
    "then import that",
    ".xls": "an old Excel file (.xls): open it in Excel and save it as .xlsx, then import that",
}


@dataclass(frozen=True)
class Source:
    """A plan document and where it came from ("plan", "report" or "spreadsheet")."""

    kind: str
    document: dict[str, Any]


def read_source(
    path: Path,
    *,
    merge_similar_units: bool = False,
    strict: bool = False,
    fiscal_year: int | None = None,
    organization: str | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> Source:
    """Read any supported file into a checked plan document; nothing is written.

    ``strict`` refuses a report or spreadsheet with steps lacking a unit or a readable
    period instead of importing them with the gap shown. A file larger than
    ``limits.max_bytes`` or a plan of more than ``limits.max_tasks`` tasks is refused.
    """
    from tracker.plandoc import DOCUMENT_SUFFIXES, SourceMap, check_plan_document

    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        from tracker.plandoc import read_plan_document

        source = Source("plan", read_plan_document(path, max_bytes=limits.max_bytes))
        _refuse_too_many_tasks(path, source.document, limits)
        return source
    if suffix in SPREADSHEET_SUFFIXES:
        from tracker.importers.spreadsheet import read_spreadsheet

        check_file_size(path, max_bytes=limits.max_bytes, what="workbook")
        document = read_spreadsheet(
            path, fiscal_year=fiscal_year, organization=organization, strict=strict
        )
        kind = "spreadsheet"
    elif suffix in REPORT_SUFFIXES:
        document = _report_document(path, merge_similar_units, fiscal_year, limits)
        kind = "report"
    elif suffix in SAVE_AS:
        raise InvalidInput(f"{path}: {SAVE_AS[suffix]}")
    else:
        raise InvalidInput(
            f"{path}: unknown file type {suffix or '(none)'!r}: import a plan document (.json, "
            ".yaml), an ITA analysis report (.txt, .md, .pdf, .docx) or a spreadsheet (.xlsx)"
        )
    _refuse_too_many_tasks(path, document, limits)
    _refuse_gaps(path, document, strict)
    check_plan_document(document, SourceMap(str(path), None))
    return Source(kind, document)


def _report_document(
    path: Path, merge: bool, fiscal_year: int | None, limits: ImportLimits
) -> dict[str, Any]:
    from tracker.importers.build import build_document
    from tracker.importers.report import read_report_lines

    lines = repaired(REPORT_READERS[path.suffix.lower()](path, limits.max_bytes))
    report = read_report_lines(lines, path.name, fiscal_year=fiscal_year)
    return build_document(report, merge_similar_units=merge)


def repaired(lines: list[Line]) -> list[Line]:
    """Lines with the damage PDF extraction does to Thai undone (tracker.importers.repair),
    whatever file they came from: a text file may be a PDF's text too."""
    from tracker.importers.repair import repair_thai
    from tracker.importers.text import tidy

    fixed = []
    for line in lines:
        cells = tuple(tidy(repair_thai(cell)) for cell in line.cells)
        fixed.append(replace(line, text=tidy(repair_thai(line.text)), cells=cells))
    return fixed


def read_report_text(path: Path, *, max_bytes: int) -> str:
    """A report's text: UTF-8, page breaks (form feeds, as pdftotext writes them) read as
    line breaks, and no other control character (an error naming its line)."""
    text = read_input_file(path, max_bytes=max_bytes, what="report")
    text = text.replace("\f", "\n").replace("\v", "\n")
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            check_text(line)
        except TextProblem as problem:
            raise InvalidInput(f"{path}:{number}: {problem}") from None
    if not text.strip():
        from tracker.importers.report import WHAT_A_REPORT_HOLDS

        raise InvalidInput(f"{path}: the file is empty: nothing to import ({WHAT_A_REPORT_HOLDS})")
    return text


def _refuse_too_many_tasks(path: Path, document: dict[str, Any], limits: ImportLimits) -> None:
    measures = document.get("measures")
    if not isinstance(measures, list):
        return  # the schema check names what is wrong
    count = sum(len(m.get("tasks") or []) for m in measures if isinstance(m, dict))
    if count > limits.max_tasks:
        raise InvalidInput(
            f"{path}: {count:,} tasks, more than an import takes ({limits.max_tasks:,}): "
            f"check that this is the plan you meant, or raise the limit with --max-tasks {count}"
        )


def _refuse_gaps(path: Path, document: dict[str, Any], strict: bool) -> None:
    from tracker.importers.build import STRICT_CODES

    if not strict:
        return
    gaps = [w for w in document.get("warnings", []) if w["code"] in STRICT_CODES]
    if gaps:
        listed = "; ".join(
            f"[{w['code']}] {w['where']}: {w['message'].split('; imported')[0]}" for w in gaps
        )
        raise InvalidInput(
            f"{path}: refused under --strict, nothing written: {len(gaps)} gap(s): {listed}"
        )
