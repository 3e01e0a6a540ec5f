"""An ITA analysis report read by composing the section recognisers.

The report is what agencies publish after their ITA results: the overall score and grade,
the indicator table, the weak question items with suggestions, and the measure table
(มาตรการ/แนวทาง, วิธีการดำเนินการ, ผู้รับผิดชอบ, ระยะเวลาการดำเนินการ, การติดตามผล). Each part is found
by what it says rather than where it stands, since layouts differ between agencies;
tracker.importers.build then turns what was read into a plan document with the warnings a
careful officer would raise.
"""

from __future__ import annotations

from collections.abc import Sequence

from tracker.errors import InvalidInput
from tracker.frameworks import framework_for
from tracker.importers.model import Finding, Report
from tracker.importers.report.sections import (
    analysis,
    indicators,
    items,
    organization,
    scores,
    steps,
    years,
)
from tracker.importers.text import Line

# What the reader looks for, for the message about a file that holds none of it.
SOUGHT = (
    "an organization name (a line starting with องค์การบริหารส่วน…, เทศบาล…, กรม…, or 'หน่วยงาน: …')",
    "the assessment year (ประจำปีงบประมาณ พ.ศ. …, ITA ประจำปี …)",
    "an overall score or grade (คะแนนภาพรวม …, ได้คะแนน … คะแนน, ระดับ A)",
    "indicator scores (ตัวชี้วัดที่ …)",
    "weak question items (ข้อ I…, E…, O…)",
    "a measure table (a header with มาตรการ/แนวทาง, วิธีการดำเนินการ, ผู้รับผิดชอบ, ระยะเวลา)",
)
WHAT_A_REPORT_HOLDS = "an ITA analysis report holds " + "; ".join(SOUGHT)


def read_report_lines(
    lines: Sequence[Line], file: str, *, fiscal_year: int | None = None
) -> Report:
    """Read every part of a report from its lines, whatever file they came from.

    A report that states results but has no measure table is read with a "no-measure-table"
    finding (the plan can be added later); one without organization or assessment year, or
    with nothing at all, is refused with what was sought.
    """
    report = Report(file=file)
    found_organization = organization.read(lines)
    found_year = years.read_assessment_year(lines)
    report.organization = found_organization.value if found_organization else None
    report.assessment_year = found_year.value if found_year else None
    plan_year = years.read_plan_year(lines, report.assessment_year)
    report.fiscal_year = fiscal_year or (
        plan_year.value
        if plan_year
        else (report.assessment_year + 1 if report.assessment_year else None)
    )
    stated = scores.read(lines)
    if stated.scores:
        report.score, report.score_line = stated.scores[0].value, stated.scores[0].line.number
        report.other_scores = [(s.value, s.line.number) for s in stated.scores[1:]]
    report.grade = stated.grade.value if stated.grade else None
    read_indicators = indicators.read(lines, framework_for(report.assessment_year or 0))
    report.indicators, report.tool_labels = read_indicators.by_number, read_indicators.tool_labels
    report.items = items.read(lines)
    report.analysis = analysis.read(lines)
    table = steps.read(lines, report.fiscal_year)
    report.measures, report.steps = table.measures, table.steps
    _require_report(report)
    return report


def _has_results(report: Report) -> bool:
    return bool(report.score is not None or report.grade or report.indicators or report.items)


def _require_report(report: Report) -> None:
    """Refuse what is not an ITA report, saying what it lacks (all that was sought when it
    holds none of it); note a report of results without a plan."""
    has_plan = bool(report.steps)
    if (
        report.organization is None
        and report.assessment_year is None
        and not (has_plan or _has_results(report))
    ):
        raise InvalidInput(
            f"{report.file}: not an ITA analysis report or plan document: found none of what "
            f"one holds; looked for {'; '.join(SOUGHT)}"
        )
    missing = []
    if report.organization is None:
        missing.append(SOUGHT[0])
    if report.assessment_year is None:
        missing.append(SOUGHT[1])
    if not has_plan and not _has_results(report):
        missing.append("its results (" + SOUGHT[2] + ") or " + SOUGHT[5])
    if missing:
        raise InvalidInput(
            f"{report.file}: not an ITA analysis report or plan document: it lacks "
            + "; ".join(missing)
        )
    if not report.steps:
        report.warnings.append(
            Finding(
                "no-measure-table",
                "measures",
                "the report states its results but has no measure table yet: imported the "
                "assessment alone; add the measures later by importing the plan (a second "
                "import of a report or plan document for the same fiscal year) or in the web "
                "review",
            )
        )
