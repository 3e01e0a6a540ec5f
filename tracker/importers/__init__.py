"""Ways into the tracker: plan documents, ITA analysis reports, spreadsheets.

Every source becomes a plan document (see tracker.plandoc), checked the same way, then
imported by tracker.services.plans.import_plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.errors import InvalidInput

REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SPREADSHEET_SUFFIXES = {".xlsx"}


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
) -> Source:
    """Read any supported file into a checked plan document.

    ``strict`` refuses a report or spreadsheet with steps lacking a unit or a readable
    period instead of importing them with the gap shown.
    """
    from tracker.plandoc import DOCUMENT_SUFFIXES, SourceMap, check_plan_document

    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        from tracker.plandoc import read_plan_document

        return Source("plan", read_plan_document(path))
    if suffix in SPREADSHEET_SUFFIXES:
        from tracker.importers.spreadsheet import read_spreadsheet

        document = read_spreadsheet(
            path, fiscal_year=fiscal_year, organization=organization, strict=strict
        )
        kind = "spreadsheet"
    elif suffix in REPORT_SUFFIXES:
        document = _report_document(path, merge_similar_units, fiscal_year)
        kind = "report"
    else:
        raise InvalidInput(
            f"{path}: unknown file type {suffix or '(none)'!r}: import a plan document (.json, "
            ".yaml), an ITA analysis report (.txt, .md) or a spreadsheet (.xlsx)"
        )
    _refuse_gaps(path, document, strict)
    check_plan_document(document, SourceMap(str(path), None))
    return Source(kind, document)


def _report_document(path: Path, merge: bool, fiscal_year: int | None) -> dict[str, Any]:
    from tracker.importers.build import build_document
    from tracker.importers.report import read_report

    text = read_text(path)
    report = read_report(text, path.name, fiscal_year=fiscal_year)
    return build_document(report, merge_similar_units=merge)


def read_text(path: Path) -> str:
    """A UTF-8 text file, or an InvalidInput that says which line is not UTF-8."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InvalidInput(f"{path}:{line}: not UTF-8 text; save the file as UTF-8") from None


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
