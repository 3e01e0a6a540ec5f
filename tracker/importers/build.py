"""From a read report to a plan document, with the checks a careful officer would make.

Each check adds a warning with a stable code (README, "Import warnings", lists them with what
the import did): period-year-mismatch, period-outside-fiscal-year, unreadable-period,
missing-period, missing-unit, similar-units, unreadable-follow-up, score-mismatch,
score-inconsistent, grade-mismatch, indicator-tool-label, analysis-indicator-mismatch,
framework-unknown, missing-score; the reader itself adds no-measure-table
(tracker.importers.report.reader). Warnings never block an import, except the gaps in
STRICT_CODES under --strict.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from schedules import (
    Period,
    PeriodError,
    find_periods,
    fiscal_year_bounds,
    format_span,
    parse_period,
)
from tracker.importers.model import (
    Finding,
    Report,
    Step,
    all_units_name,
    read_follow_up,
    similar,
)
from tracker.importers.text import arabic
from tracker.plandoc import SCHEMA_ID
from tracker.textkey import lookup_key

STRICT_CODES = {"missing-unit", "missing-period", "unreadable-period"}
SIMILAR_UNIT_RATIO = 0.9


@dataclass
class UnitBook:
    """Every spelling of every unit in the report, grouped into units."""

    spellings: dict[str, Counter[str]] = field(default_factory=dict)  # key -> spelling counts
    merged: dict[str, str] = field(default_factory=dict)  # key -> key of the unit it joined
    written_out: dict[str, str] = field(default_factory=dict)  # key -> full name ("กค.")

    def add(self, name: str) -> None:
        self.spellings.setdefault(lookup_key(name), Counter())[name] += 1

    def count(self, key: str) -> int:
        return sum(self.spellings[key].values())

    def display(self, key: str) -> str:
        """The spelling used most; on a tie the one with fewest spaces (PDF wraps add them)."""
        counts = self.spellings[key]
        return min(counts, key=lambda name: (-counts[name], name.count(" "), name))

    def name(self, key: str) -> str:
        """The unit's name: written out when the report only abbreviates it."""
        return self.written_out.get(key) or self.display(key)

    def canonical(self, name: str) -> str:
        key = lookup_key(name)
        return self.name(self.merged.get(key, key))


def build_document(report: Report, *, merge_similar_units: bool = False) -> dict[str, Any]:
    """The plan document of a read report, its warnings included."""
    warnings = list(report.warnings)
    units = _unit_book(report)
    _join_spellings(units, report.organization)
    warnings += _similar_units(units, merge_similar_units)
    series = _series(report, warnings)
    measures = _measures(report, units, series, warnings)
    assessment = _assessment(report, warnings)
    return {
        "schema": SCHEMA_ID,
        "organization": {"name": report.organization},
        "fiscal_year": report.fiscal_year,
        "title": f"มาตรการตามผลการประเมิน ITA ปี {report.assessment_year} "
        f"(ปีงบประมาณ {report.fiscal_year})",
        "source": report.file,
        "assessment": assessment,
        "units": _units(units),
        "meeting_series": [
            # two spellings of one meeting's cell (a PDF's wraps) are one series
            {"name": s.name, "rrule": s.rrule, "text": s.text}
            for s in {id(s): s for s in series.values() if s}.values()
        ],
        "measures": measures,
        "warnings": [w.as_dict() for w in warnings],
    }


# --- units ----------------------------------------------------------------------


def _unit_book(report: Report) -> UnitBook:
    book = UnitBook()
    for step in report.steps:
        for name in [*step.units, *step.list_units]:
            book.add(name)
    return book


def _join_spellings(book: UnitBook, organization: str | None) -> None:
    """One unit for each unit the report spells several ways: an abbreviation and the full
    name ("กค." and "กองคลัง", "กองสาธารณสุขฯ" and "กองสาธารณสุขและสิ่งแวดล้อม",
    tracker.unitnames), an abbreviation alone written out, and every spelling of the
    every-unit group ("ทุกกอง ทุกสำนัก", "ทุกหน่วยงาน") under the first."""
    from tracker.unitnames import group_name, unit_groups

    displays = [book.display(key) for key in book.spellings if key not in book.merged]
    for group in unit_groups(displays, organization=organization):
        keep = lookup_key(group[0])
        for other in group[1:]:
            book.merged[lookup_key(other)] = keep
        name = group_name(group, organization=organization)
        if lookup_key(name) != keep:
            book.written_out[keep] = name
    every_unit = [k for k in book.spellings if k not in book.merged and all_units_name(k)]
    for key in every_unit[1:]:
        book.merged[key] = every_unit[0]


def _similar_units(book: UnitBook, merge: bool) -> list[Finding]:
    warnings = []
    keys = sorted(book.spellings, key=lambda k: (-book.count(k), k))
    for index, key in enumerate(keys):
        for other in keys[index + 1 :]:
            if other in book.merged or key in book.merged or not _near_identical(key, other):
                continue
            keep, drop = book.display(key), book.display(other)
            if merge:
                book.merged[other] = key
                did = f"merged into {keep!r} (--merge-similar-units)"
            else:
                did = (
                    "kept as two units; run the import with --merge-similar-units, or "
                    f"`tracker units merge {drop!r} {keep!r}`"
                )
            warnings.append(
                Finding(
                    "similar-units",
                    "units",
                    f"units spelled {drop!r} ({book.count(other)}x) and {keep!r} "
                    f"({book.count(key)}x) are probably one unit: {did}",
                )
            )
    return warnings


def _near_identical(key_a: str, key_b: str) -> bool:
    if all_units_name(key_a) or all_units_name(key_b) or min(len(key_a), len(key_b)) < 8:
        return False
    return SequenceMatcher(None, key_a, key_b).ratio() >= SIMILAR_UNIT_RATIO


def _units(book: UnitBook) -> list[dict[str, Any]]:
    units = []
    for key in book.spellings:
        if key in book.merged:
            continue
        name = book.name(key)
        aliases = [book.display(k) for k, into in book.merged.items() if into == key]
        if name != book.display(key):
            aliases.insert(0, book.display(key))  # the abbreviation the report wrote
        units.append({"name": name, "aliases": aliases, "all_units": all_units_name(name)})
    return units


# --- meeting series ----------------------------------------------------------------------


def _series(report: Report, warnings: list[Finding]) -> dict[str, Any]:
    """Follow-up cell text -> its series (None when unreadable), in order of appearance."""
    found: dict[str, Any] = {}
    by_name: dict[str, Any] = {}
    for step in report.steps:
        cell = step.follow_up
        if cell is None or cell in found:
            continue
        follow_up = read_follow_up(cell)
        if follow_up is None:
            warnings.append(
                Finding(
                    "unreadable-follow-up",
                    step.where,
                    f"the follow-up {cell!r} names no meeting rule this importer can read; "
                    "its steps have no follow-up series",
                )
            )
        else:
            follow_up = by_name.setdefault(lookup_key(follow_up.name), follow_up)
        found[cell] = follow_up
    return found


# --- measures and tasks ----------------------------------------------------------------------


def _measures(
    report: Report, units: UnitBook, series: dict[str, Any], warnings: list[Finding]
) -> list[dict[str, Any]]:
    codes = list(report.items)
    measures = []
    for index, title in enumerate(report.measures):
        steps = sorted((s for s in report.steps if s.measure == index), key=lambda s: s.number)
        tasks = [
            _task(report, step, (index, position), units, series, warnings)
            for position, step in enumerate(steps)
        ]
        items = codes if len(report.measures) == 1 else _mentioned(codes, title, steps)
        measures.append({"title": title, "items": items, "tasks": tasks})
    return measures


def _mentioned(codes: list[str], title: str, steps: list[Step]) -> list[str]:
    """The item codes a measure names ("(ข้อ I๑๘)", "E7, O24"), whole codes only."""
    text = arabic(" ".join([title, *(s.title or "" for s in steps)]))
    named = {f"{letter.upper()}{int(number)}" for letter, number in _CODE.findall(text)}
    return [code for code in codes if code in named]


_CODE = re.compile(r"(?<![A-Za-z0-9])([IEOieo])\s*(\d{1,3})(?!\d)")


def _task(
    report: Report,
    step: Step,
    where: tuple[int, int],
    units: UnitBook,
    series: dict[str, Any],
    warnings: list[Finding],
) -> dict[str, Any]:
    path = f"measures[{where[0]}].tasks[{where[1]}]"
    period = _period(report, step, path, warnings)
    names = list(dict.fromkeys(units.canonical(n) for n in step.units))
    if not names:
        warnings.append(
            Finding(
                "missing-unit",
                path,
                f"step {step.number} ({step.where}) names no "
                "responsible unit; imported without one",
            )
        )
    follow_up = series.get(step.follow_up) if step.follow_up else None
    return {
        "number": step.number,
        "title": step.title or f"ขั้นตอนที่ {step.number}",
        "units": names,
        "period_text": step.period_text,
        "start": period.start.isoformat() if period and period.start else None,
        "end": period.end.isoformat() if period and period.end else None,
        "follow_up": follow_up.name if follow_up else None,
    }


def _period(report: Report, step: Step, path: str, warnings: list[Finding]) -> Period | None:
    label = f"step {step.number} ({step.where})"
    if not step.period_text:
        warnings.append(
            Finding("missing-period", path, f"{label} has no period; imported without dates")
        )
        return None
    fiscal_year = report.fiscal_year
    try:
        period = _read_period(step.period_text, fiscal_year)
    except PeriodError as error:
        warnings.append(
            Finding("unreadable-period", path, f"{label}: {error}; imported without dates")
        )
        return None
    if fiscal_year is None or _overlaps_fiscal_year(period, fiscal_year):
        return period
    return _correct_year(step, period, fiscal_year, path, label, warnings)


def _read_period(text: str, fiscal_year: int | None) -> Period:
    """The period a cell gives; a word a PDF cell wrapped ("ต.ค. 2568 เป็นต้น ไป") is read
    whole when the text as written cannot be read."""
    try:
        return parse_period(text, fiscal_year)
    except PeriodError:
        joined = _WRAPPED_THAI.sub("", text)
        if joined == text:
            raise
        try:
            return parse_period(joined, fiscal_year)
        except PeriodError:
            pass
        raise


# A space between two Thai letters inside a period's words is a PDF wrap, not a word break.
_WRAPPED_THAI = re.compile(r"(?<=[ก-๛])\s+(?=[ก-ฮเ-ไ])")


def _overlaps_fiscal_year(period: Period, fiscal_year: int) -> bool:
    first, last = fiscal_year_bounds(fiscal_year)
    return (period.start is None or period.start <= last) and (
        period.end is None or period.end >= first
    )


def _correct_year(
    step: Step, period: Period, fiscal_year: int, path: str, label: str, warnings: list[Finding]
) -> Period:
    written = f"{step.period_text!r} ({_span(period)})"
    candidates = [
        p for p in find_periods(step.title or "") if _overlaps_fiscal_year(p, fiscal_year)
    ]
    if candidates:
        chosen = candidates[0]
        warnings.append(
            Finding(
                "period-year-mismatch",
                path,
                f"{label}: the period column says {written}, outside fiscal year "
                f"{fiscal_year}; the step's own text says {chosen.text!r} ({_span(chosen)}), "
                f"inside it: used {_span(chosen)}",
            )
        )
        return chosen
    warnings.append(
        Finding(
            "period-outside-fiscal-year",
            path,
            f"{label}: the period {written} lies outside fiscal year {fiscal_year} and the step "
            "names no other; kept as written",
        )
    )
    return period


def _span(period: Period) -> str:
    start = period.start.isoformat() if period.start else "…"
    end = period.end.isoformat() if period.end else "…"
    return f"{start}..{end}, {format_span(period.start, period.end)}"


# --- the assessment and its checks ------------------------------------------------------------


def _assessment(report: Report, warnings: list[Finding]) -> dict[str, Any] | None:
    if report.assessment_year is None:
        return None
    indicators = [report.indicators[n].as_dict() for n in sorted(report.indicators)]
    items = [item.as_dict() for item in report.items.values()]
    warnings += _score_checks(report) + _label_checks(report) + _analysis_checks(report)
    return {
        "year": report.assessment_year,
        "score": report.score,
        "grade": report.grade,
        "indicators": indicators,
        "items": items,
    }


def _score_checks(report: Report) -> list[Finding]:
    found = []
    if report.score is None:
        return [Finding("missing-score", "assessment", "no overall score found in the report")]
    for other, line in report.other_scores:
        if abs(other - report.score) > 0.005:
            found.append(
                Finding(
                    "score-inconsistent",
                    f"line {line}",
                    f"the report states the overall "
                    f"score as {report.score:.2f} (line {report.score_line}) and as "
                    f"{other:.2f} here; kept {report.score:.2f}",
                )
            )
    framework = report.framework
    if framework is None:
        found.append(
            Finding(
                "framework-unknown",
                "assessment",
                f"no ITA framework data for "
                f"{report.assessment_year}: the score and grade were not checked",
            )
        )
        return found
    scores = {n: i.score for n, i in report.indicators.items()}
    computed = framework.overall(scores)
    if computed is not None and abs(computed - report.score) > 0.005:
        plain = round(sum(scores.values()) / len(scores), 2)
        hint = " (the plain mean of the indicators)" if abs(plain - report.score) <= 0.005 else ""
        found.append(
            Finding(
                "score-mismatch",
                "assessment.score",
                f"the report's overall score "
                f"{report.score:.2f}{hint} differs from {computed:.2f}, the weighted score "
                f"the indicators give under the {report.assessment_year} framework; kept "
                "the report's",
            )
        )
    if report.grade is not None and framework.grade(report.score) != report.grade:
        found.append(
            Finding(
                "grade-mismatch",
                "assessment.grade",
                f"grade {report.grade} does not match "
                f"the score {report.score:.2f}, which is grade "
                f"{framework.grade(report.score)}; kept the report's",
            )
        )
    return found


def _label_checks(report: Report) -> list[Finding]:
    seen = set()
    found = []
    for label in report.tool_labels:
        line, said, actual = label.line, label.said, label.actual
        if (line, said) in seen:
            continue
        seen.add((line, said))
        found.append(
            Finding(
                "indicator-tool-label",
                f"line {line}",
                f"the heading names {said} but "
                f"its indicators are {actual} indicators; used {actual}",
            )
        )
    return found


def _analysis_checks(report: Report) -> list[Finding]:
    found = []
    for mention in report.analysis:
        line, number, name = mention.line, mention.number, mention.name
        table = report.indicators.get(number)
        if table is None or similar(table.name, name, 0.8):
            continue
        elsewhere = [n for n, i in report.indicators.items() if similar(i.name, name, 0.8)]
        hint = f" ({name!r} is indicator {elsewhere[0]})" if elsewhere else ""
        found.append(
            Finding(
                "analysis-indicator-mismatch",
                f"line {line}",
                f"the analysis names "
                f"indicator {number} {name!r}, but the score table's indicator {number} is "
                f"{table.name!r}{hint}; used the table",
            )
        )
    return found
