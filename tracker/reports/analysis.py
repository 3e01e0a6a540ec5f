"""The ITA analysis, regenerated from data: what an agency's analysis of its ITA results says
(การวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส), computed instead of typed.

:func:`build_analysis` reads one assessment of an organization (and the plan answering it)
and works out the overall score, grade and label, each tool's indicators and mean, the
highest and lowest indicators, the weak items with their suggestions and the measures that
answer them, and the trend over every assessment year the organization has.
:func:`analysis_document` turns it into a printable document, in the order of a typical
analysis report: the score summary by tool, the framework's criteria, the highest and
lowest indicators, the weak items tool by tool, the plan's measures, then the charts.

Indicator names come from the year's framework (tracker.frameworks), never from the
document the assessment was imported from: the seed report, for one, calls indicator 4
"การเปิดเผยข้อมูล", which is indicator 9.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import InvalidInput, NotFound, NothingYet
from tracker.frameworks import Framework, framework_for, tool_named
from tracker.i18n import t
from tracker.models import Assessment, Organization, Plan
from tracker.reports.document import (
    Bar,
    BarChart,
    Block,
    Column,
    Document,
    LineChart,
    LineSeries,
    Paragraph,
    Row,
    Section,
    Table,
)
from tracker.textkey import lookup_key

TOOLS = ("IIT", "EIT", "OIT")  # the order tools are shown in when no framework says
# A stored overall this far from the one computed from the indicators is a difference worth
# a note; anything closer is the rounding of the published indicator scores.
OVERALL_TOLERANCE = 0.005


@dataclass(frozen=True)
class IndicatorResult:
    number: int
    name: str  # the framework's name in the report's language
    tool: str
    score: float | None


@dataclass(frozen=True)
class ToolResult:
    code: str  # IIT, EIT, OIT
    name: str
    weight: float | None  # share of the overall (0.3); None without a framework
    indicators: tuple[IndicatorResult, ...]
    mean: float | None  # the mean of its indicators, to 2 decimals (None: some missing)
    weighted: float | None  # weight x mean, to 2 decimals: its part of the overall


@dataclass(frozen=True)
class WeakItem:
    code: str  # I21, E12, O30
    tool: str
    question: str | None
    score: float | None
    suggestion: str | None
    measures: tuple[str, ...]  # titles of the plan's measures answering it


@dataclass(frozen=True)
class StepLine:
    number: int
    title: str
    units: tuple[str, ...]
    period: str | None


@dataclass(frozen=True)
class MeasureLine:
    position: int
    title: str
    items: tuple[str, ...]  # codes of the items it answers
    steps: tuple[StepLine, ...]


@dataclass(frozen=True)
class YearResult:
    year: int
    overall: float | None
    grade: str | None
    tools: dict[str, float | None]  # tool code -> mean


@dataclass(frozen=True)
class GradeBand:
    grade: str
    minimum: float
    maximum: float


@dataclass(frozen=True)
class LabelRule:
    label: str
    min_overall: float
    min_each_tool: float | None


@dataclass(frozen=True)
class Analysis:
    organization: str
    year: int  # the assessment year (BE)
    plan_id: int | None
    plan_fiscal_year: int | None
    overall: float | None  # as stored (published); computed when nothing was stored
    computed_overall: float | None  # from the indicators with the framework's weights
    grade: str | None
    label: str | None  # the year's result label (ผ่าน ...), None for years without labels
    tools: tuple[ToolResult, ...]
    ranking: tuple[IndicatorResult, ...]  # every scored indicator, best first
    highest: tuple[IndicatorResult, ...]  # every indicator sharing the highest score
    lowest: tuple[IndicatorResult, ...]  # every indicator sharing the lowest score
    items: tuple[WeakItem, ...]
    measures: tuple[MeasureLine, ...]
    trend: tuple[YearResult, ...]  # every assessment year of the organization, oldest first
    grade_bands: tuple[GradeBand, ...]
    label_rules: tuple[LabelRule, ...]
    notes: tuple[str, ...]  # what a reader should know: differences, unconfirmed data
    lang: str


# --- building the analysis --------------------------------------------------------------------


def build_analysis(
    session: Session,
    organization: Organization,
    *,
    plan_id: int | None = None,
    year: int | None = None,
    lang: str = "th",
) -> Analysis:
    """The analysis of ``organization``'s assessment: the one ``plan_id`` answers, else that
    of ``year`` (BE), else its latest. The plan shown is ``plan_id``, else a plan made from
    that assessment, if any.

    NotFound for an unknown plan or year, NothingYet when the organization has no
    assessment, InvalidInput when the plan belongs elsewhere or answers another year.
    """
    assessment, plan = _choose(session, organization, plan_id, year)
    framework = framework_for(assessment.year)
    notes: list[str] = []
    tools = _tools(assessment, framework, lang, notes)
    overall, computed = _overall(assessment, framework)
    if overall is not None and computed is not None and abs(overall - computed) > OVERALL_TOLERANCE:
        notes.append(_overall_note(overall, computed, lang))
    grade = _grade(assessment, framework, overall, lang, notes)
    scored = [i for tool in tools for i in tool.indicators if i.score is not None]
    ranking = tuple(sorted(scored, key=lambda i: (-(i.score or 0.0), i.number)))
    if framework is not None:
        notes.extend(_unconfirmed_notes(framework, lang))
    return Analysis(
        organization=organization.name,
        year=assessment.year,
        plan_id=plan.id if plan else None,
        plan_fiscal_year=plan.fiscal_year if plan else None,
        overall=overall,
        computed_overall=computed,
        grade=grade,
        label=_label(framework, overall, tools, lang, notes),
        tools=tools,
        ranking=ranking,
        highest=_sharing(ranking, highest=True),
        lowest=_sharing(ranking, highest=False),
        items=_items(assessment, plan),
        measures=_measures(plan),
        trend=_trend(session, organization),
        grade_bands=_bands(framework),
        label_rules=tuple(
            LabelRule(rule.title(lang), rule.min_overall, rule.min_each_tool)
            for rule in (framework.labels if framework else ())
        ),
        notes=tuple(notes),
        lang=lang,
    )


def _choose(
    session: Session, organization: Organization, plan_id: int | None, year: int | None
) -> tuple[Assessment, Plan | None]:
    if plan_id is not None:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise NotFound(f"no plan with id {plan_id}", what="plan")
        if plan.organization_id != organization.id:
            raise InvalidInput(f"plan {plan_id} is not a plan of {organization.name!r}")
        if plan.assessment is None:
            raise InvalidInput(f"plan {plan_id} has no assessment to analyse")
        if year is not None and plan.assessment.year != year:
            raise InvalidInput(
                f"plan {plan_id} answers the assessment of {plan.assessment.year}, not {year}"
            )
        return plan.assessment, plan
    assessments = _assessments(session, organization)
    if not assessments:
        raise NothingYet(f"no assessment yet for {organization.name!r}", what="assessment")
    if year is None:
        assessment = assessments[-1]
    else:
        found = next((a for a in assessments if a.year == year), None)
        if found is None:
            raise NotFound(
                f"{organization.name!r} has no assessment of {year}",
                what="assessment",
                choices=[str(a.year) for a in assessments],
            )
        assessment = found
    plan = session.scalar(
        select(Plan).where(Plan.assessment_id == assessment.id).order_by(Plan.id).limit(1)
    )
    return assessment, plan


def _assessments(session: Session, organization: Organization) -> list[Assessment]:
    return list(
        session.scalars(
            select(Assessment)
            .where(Assessment.organization_id == organization.id)
            .order_by(Assessment.year)
        )
    )


def _scores(assessment: Assessment) -> dict[int, float]:
    return {i.number: i.score for i in assessment.indicators if i.score is not None}


def _tools(
    assessment: Assessment, framework: Framework | None, lang: str, notes: list[str]
) -> tuple[ToolResult, ...]:
    """Each tool with its indicators: the framework's list, named as the framework names
    them; without a framework, the indicators as stored."""
    if framework is None:
        notes.append(
            t(
                lang,
                f"ไม่มีข้อมูลกรอบการประเมินของปี พ.ศ. {assessment.year} ในระบบ: "
                "ชื่อตัวชี้วัดเป็นไปตามเอกสารที่นำเข้า และไม่มีน้ำหนักคะแนนรายเครื่องมือ",
                f"No framework data for {assessment.year}: indicator names are those of the "
                "imported document, and tools have no weights",
            )
        )
        return _stored_tools(assessment, lang)
    scores = _scores(assessment)
    means = framework.tool_scores(scores)
    _name_notes(assessment, framework, lang, notes)
    return tuple(
        ToolResult(
            code=code,
            name=tool_named(code).title(lang),
            weight=weight,
            indicators=tuple(
                IndicatorResult(i.number, i.title(lang), code, scores.get(i.number))
                for i in framework.indicators_of(code)
            ),
            mean=means.get(code),
            weighted=_times(weight, means.get(code)),
        )
        for code, weight in framework.weights.items()
    )


def _stored_tools(assessment: Assessment, lang: str) -> tuple[ToolResult, ...]:
    results = []
    for code in TOOLS:
        indicators = tuple(
            IndicatorResult(i.number, i.name, code, i.score)
            for i in assessment.indicators
            if i.tool.value == code
        )
        if not indicators:
            continue
        scores = [i.score for i in indicators]
        mean = None if None in scores else _round(sum(s or 0.0 for s in scores) / len(scores))
        results.append(ToolResult(code, tool_named(code).title(lang), None, indicators, mean, None))
    return tuple(results)


def _name_notes(assessment: Assessment, framework: Framework, lang: str, notes: list[str]) -> None:
    """Say where the imported document named or placed an indicator differently from the
    framework (the report shows the framework's names)."""
    for stored in assessment.indicators:
        known = framework.indicator(stored.number)
        if known is None:
            notes.append(
                t(
                    lang,
                    f"ตัวชี้วัดที่ {stored.number} ({stored.name}) ไม่อยู่ในกรอบการประเมินของปี "
                    f"พ.ศ. {assessment.year} จึงไม่นำมาคิดคะแนน",
                    f"Indicator {stored.number} ({stored.name}) is not in the {assessment.year} "
                    "framework and is left out of the scores",
                )
            )
        elif lookup_key(stored.name) != lookup_key(known.name):
            notes.append(
                t(
                    lang,
                    f"ตัวชี้วัดที่ {stored.number}: เอกสารที่นำเข้าใช้ชื่อ “{stored.name}” "
                    f"รายงานนี้ใช้ชื่อตามกรอบการประเมิน “{known.name}”",
                    f"Indicator {stored.number}: the imported document calls it "
                    f"“{stored.name}”; this report uses the framework's name",
                )
            )


def _overall(
    assessment: Assessment, framework: Framework | None
) -> tuple[float | None, float | None]:
    """(the overall to report, the overall computed from the indicators).

    The stored score is what the NACC published, so it is the one reported; the computed
    one stands in when nothing was stored, and is otherwise shown beside it only when the
    two differ.
    """
    computed = framework.overall(_scores(assessment)) if framework else None
    stored = assessment.score
    return (stored if stored is not None else computed), computed


def _overall_note(overall: float, computed: float, lang: str) -> str:
    return t(
        lang,
        f"คะแนนภาพรวมที่บันทึกไว้ ({overall:.2f}) ต่างจากคะแนนที่คำนวณจากคะแนนรายตัวชี้วัด"
        f"ตามน้ำหนักของกรอบการประเมิน ({computed:.2f}) รายงานนี้แสดงคะแนนที่บันทึกไว้",
        f"The stored overall score ({overall:.2f}) differs from the one computed from the "
        f"indicator scores with the framework's weights ({computed:.2f}); this report shows "
        "the stored score",
    )


def _grade(
    assessment: Assessment,
    framework: Framework | None,
    overall: float | None,
    lang: str,
    notes: list[str],
) -> str | None:
    """The stored grade (what was published), else the framework's band of the overall;
    a stored grade the overall does not fall in is kept and noted."""
    banded = framework.grade(overall) if framework and overall is not None else None
    if assessment.grade and banded and assessment.grade != banded:
        notes.append(
            t(
                lang,
                f"ระดับที่บันทึกไว้ ({assessment.grade}) ไม่ตรงกับเกณฑ์ของคะแนน {overall:.2f} ({banded})",
                f"The stored grade ({assessment.grade}) is not the band of {overall:.2f} "
                f"({banded})",
            )
        )
    return assessment.grade or banded


def _label(
    framework: Framework | None,
    overall: float | None,
    tools: Sequence[ToolResult],
    lang: str,
    notes: list[str],
) -> str | None:
    if framework is None or overall is None or not framework.labels:
        return None
    means = {tool.code: tool.mean for tool in tools if tool.mean is not None}
    try:
        return framework.label(overall, means, lang)
    except ValueError:
        notes.append(
            t(
                lang,
                "ระบุผลการประเมิน (ผ่าน/ไม่ผ่าน) ไม่ได้ เพราะคะแนนรายเครื่องมือไม่ครบ",
                "The result label cannot be given: some tool scores are missing",
            )
        )
        return None


FIELD_NAMES = {
    "indicators": ("ตัวชี้วัด", "indicators"),
    "weights": ("น้ำหนักคะแนน", "weights"),
    "grades": ("ระดับผลการประเมิน", "grade bands"),
    "labels": ("เกณฑ์ผ่าน", "result labels"),
}


def _unconfirmed_notes(framework: Framework, lang: str) -> list[str]:
    if not framework.unconfirmed:
        return []
    years = _years(framework)
    if lang == "th":
        fields = ", ".join(FIELD_NAMES.get(u.field, (u.field,))[0] for u in framework.unconfirmed)
        return [f"ข้อมูลกรอบการประเมินปี พ.ศ. {years} ที่ยังไม่ได้รับการยืนยัน: {fields}"]
    return [
        f"The {years} framework data is not confirmed for "
        + "; ".join(f"{u.field} ({u.reason})" for u in framework.unconfirmed)
    ]


def _years(framework: Framework) -> str:
    if framework.first_year == framework.last_year:
        return str(framework.first_year)
    return f"{framework.first_year}–{framework.last_year}"


def _sharing(ranking: Sequence[IndicatorResult], *, highest: bool) -> tuple[IndicatorResult, ...]:
    """Every indicator whose score is the highest (or the lowest): ties are all listed, in
    indicator order."""
    if not ranking:
        return ()
    scores = [i.score for i in ranking if i.score is not None]
    extreme = max(scores) if highest else min(scores)
    return tuple(sorted((i for i in ranking if i.score == extreme), key=lambda i: i.number))


def _items(assessment: Assessment, plan: Plan | None) -> tuple[WeakItem, ...]:
    answering: dict[int, list[str]] = {}
    for measure in plan.measures if plan else ():
        for item in measure.items:
            answering.setdefault(item.id, []).append(measure.title)
    return tuple(
        WeakItem(
            code=item.code,
            tool=item.tool.value,
            question=item.question,
            score=item.score,
            suggestion=item.suggestion,
            measures=tuple(answering.get(item.id, ())),
        )
        for item in assessment.items
    )


def _measures(plan: Plan | None) -> tuple[MeasureLine, ...]:
    if plan is None:
        return ()
    return tuple(
        MeasureLine(
            position=measure.position,
            title=measure.title,
            items=tuple(item.code for item in measure.items),
            steps=tuple(
                StepLine(
                    task.number, task.title, tuple(u.name for u in task.units), task.period_text
                )
                for task in measure.tasks
            ),
        )
        for measure in plan.measures
    )


def _trend(session: Session, organization: Organization) -> tuple[YearResult, ...]:
    """Every assessment year of the organization: overall, grade and tool means, each worked
    out as for the year analysed."""
    results = []
    for assessment in _assessments(session, organization):
        framework = framework_for(assessment.year)
        overall, _computed = _overall(assessment, framework)
        if framework is not None:
            means: dict[str, float | None] = dict(framework.tool_scores(_scores(assessment)))
        else:
            means = {tool.code: tool.mean for tool in _stored_tools(assessment, "en")}
        grade = assessment.grade or (
            framework.grade(overall) if framework and overall is not None else None
        )
        results.append(
            YearResult(
                year=assessment.year,
                overall=overall,
                grade=grade,
                tools={code: means.get(code) for code in TOOLS},
            )
        )
    return tuple(results)


def _bands(framework: Framework | None) -> tuple[GradeBand, ...]:
    """The grade bands with their ranges: each ends 0.01 below the band above it."""
    if framework is None:
        return ()
    bands = []
    top = 100.0
    for grade, minimum in framework.grades:
        bands.append(GradeBand(grade, minimum, top))
        top = _round(minimum - 0.01)
    return tuple(bands)


def _times(weight: float, mean: float | None) -> float | None:
    return None if mean is None else _round(weight * mean)


def _round(value: float) -> float:
    return round(value + 1e-9, 2)


# --- the document -----------------------------------------------------------------------------


def analysis_document(analysis: Analysis, lang: str = "th") -> Document:
    """``analysis`` as a printable document (A4 portrait), Thai by default."""
    sections = [
        _summary_section(analysis, lang),
        _criteria_section(analysis, lang),
        _extremes_section(analysis, lang),
        _items_section(analysis, lang),
    ]
    if analysis.measures:
        sections.append(_measures_section(analysis, lang))
    sections += [_trend_section(analysis, lang), _indicator_chart_section(analysis, lang)]
    if analysis.notes:
        sections.append(
            Section(
                t(lang, "หมายเหตุ", "Notes"),
                tuple(Paragraph(note, "note") for note in analysis.notes),
            )
        )
    numbered = tuple(
        Section(f"{n}. {s.heading}", s.blocks, s.level, s.page_break)
        for n, s in enumerate(sections, start=1)
    )
    title = t(
        lang,
        "การวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA)",
        "Analysis of the Integrity and Transparency Assessment (ITA) results",
    )
    year_line = t(
        lang,
        f"ประจำปีงบประมาณ พ.ศ. {analysis.year}",
        f"Assessment year {analysis.year} (BE)",
    )
    return Document(
        title=title,
        subtitle=(year_line, analysis.organization),
        sections=numbered,
        lang="th" if lang == "th" else "en",
        name=f"ita-analysis-{analysis.year}",
        footer=f"{analysis.organization} · "
        + t(lang, f"การวิเคราะห์ผลการประเมิน ITA {analysis.year}", f"ITA analysis {analysis.year}"),
        meta={"author": analysis.organization, "subject": f"ITA {analysis.year}"},
    )


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _summary_section(analysis: Analysis, lang: str) -> Section:
    blocks: list[Block] = [Paragraph(_summary_sentence(analysis, lang), "lead")]
    blocks.append(
        Table(
            columns=(
                Column(t(lang, "เครื่องมือการประเมิน", "Tool"), width=46),
                Column(t(lang, "ตัวชี้วัด", "Indicators"), "number", width=12),
                Column(t(lang, "คะแนนเฉลี่ย", "Mean"), "number", width=14),
                Column(t(lang, "น้ำหนัก (ร้อยละ)", "Weight (%)"), "number", width=14),
                Column(t(lang, "คะแนนถ่วงน้ำหนัก", "Weighted"), "number", width=14),
            ),
            rows=tuple(
                Row(
                    (
                        f"{tool.code} {tool.name}",
                        len(tool.indicators),
                        tool.mean,
                        None if tool.weight is None else round(tool.weight * 100),
                        tool.weighted,
                    )
                )
                for tool in analysis.tools
            ),
            caption=t(lang, "ผลคะแนนรายเครื่องมือ", "Scores by tool"),
            sheet=t(lang, "รายเครื่องมือ", "By tool"),
            totals=Row(
                (
                    t(lang, "คะแนนภาพรวม", "Overall"),
                    sum(len(tool.indicators) for tool in analysis.tools),
                    None,
                    100 if all(tool.weight is not None for tool in analysis.tools) else None,
                    analysis.overall,
                )
            ),
        )
    )
    blocks.append(
        Table(
            columns=(
                Column(t(lang, "ตัวชี้วัดที่", "No."), "number", width=12),
                Column(t(lang, "ตัวชี้วัด", "Indicator"), width=68),
                Column(t(lang, "คะแนน", "Score"), "number", width=20),
            ),
            rows=tuple(
                Row((i.number, i.name, i.score), group=_tool_heading(tool) if n == 0 else None)
                for tool in analysis.tools
                for n, i in enumerate(tool.indicators)
            ),
            caption=t(lang, "ผลคะแนนรายตัวชี้วัด", "Scores by indicator"),
            sheet=t(lang, "รายตัวชี้วัด", "By indicator"),
            totals=Row((None, t(lang, "คะแนนภาพรวม", "Overall"), analysis.overall)),
        )
    )
    return Section(t(lang, "ผลการประเมินภาพรวม", "Overall result"), tuple(blocks))


def _tool_heading(tool: ToolResult) -> str:
    return f"{tool.code} {tool.name}"


def _summary_sentence(analysis: Analysis, lang: str) -> str:
    score, grade = _score(analysis.overall), analysis.grade or "–"
    sentence = t(
        lang,
        f"ผลการประเมินคุณธรรมและความโปร่งใสของ{analysis.organization} ประจำปีงบประมาณ "
        f"พ.ศ. {analysis.year} ได้คะแนนภาพรวม {score} คะแนน อยู่ในระดับ {grade}",
        f"{analysis.organization} scored {score} overall in the {analysis.year} assessment: "
        f"grade {grade}",
    )
    if analysis.label:
        sentence += t(lang, f" ผลการประเมิน: {analysis.label}", f", result: {analysis.label}")
    return sentence


def _criteria_section(analysis: Analysis, lang: str) -> Section:
    blocks: list[Block] = []
    if analysis.grade_bands:
        blocks.append(
            Table(
                columns=(
                    Column(t(lang, "คะแนน", "Score"), width=60),
                    Column(t(lang, "ระดับ", "Grade"), width=40),
                ),
                rows=tuple(
                    Row((f"{band.minimum:.2f} – {band.maximum:.2f}", band.grade))
                    for band in analysis.grade_bands
                ),
                caption=t(lang, "ระดับผลการประเมิน", "Grade bands"),
                sheet=t(lang, "ระดับผลการประเมิน", "Grades"),
                width=60,
            )
        )
    if analysis.label_rules:
        blocks.append(
            Table(
                columns=(
                    Column(t(lang, "ผลการประเมิน", "Result"), width=30),
                    Column(t(lang, "เงื่อนไข", "Condition"), width=70),
                ),
                rows=tuple(
                    Row((rule.label, _condition(rule, analysis.label_rules, lang)))
                    for rule in analysis.label_rules
                ),
                caption=t(lang, "เกณฑ์ผลการประเมิน", "Result labels"),
                sheet=t(lang, "เกณฑ์ผ่าน", "Labels"),
            )
        )
    if not blocks:
        blocks.append(
            Paragraph(
                t(
                    lang,
                    f"ไม่มีข้อมูลเกณฑ์การประเมินของปี พ.ศ. {analysis.year}",
                    f"No criteria on record for {analysis.year}",
                ),
                "note",
            )
        )
    return Section(t(lang, "เกณฑ์การประเมิน", "Criteria"), tuple(blocks))


def _condition(rule: LabelRule, rules: Sequence[LabelRule], lang: str) -> str:
    """A label's rule in words: its minimums, and the upper end when it is a band below
    another label with no tool condition."""
    above = [r.min_overall for r in rules if r.min_overall > rule.min_overall]
    upper = f" – {min(above) - 0.01:.2f}" if above else ""
    if rule.min_each_tool is not None:
        return t(
            lang,
            f"คะแนนภาพรวมตั้งแต่ {rule.min_overall:.2f} และคะแนน IIT, EIT และ OIT "
            f"แต่ละเครื่องมือตั้งแต่ {rule.min_each_tool:.2f}",
            f"overall at least {rule.min_overall:.2f} and IIT, EIT and OIT each at least "
            f"{rule.min_each_tool:.2f}",
        )
    if any(r.min_overall == rule.min_overall and r.min_each_tool for r in rules):
        return t(
            lang,
            f"คะแนนภาพรวมตั้งแต่ {rule.min_overall:.2f} ในกรณีอื่น",
            f"overall at least {rule.min_overall:.2f}, otherwise",
        )
    if not upper:
        return t(
            lang,
            f"คะแนนภาพรวมตั้งแต่ {rule.min_overall:.2f}",
            f"overall at least {rule.min_overall:.2f}",
        )
    return t(
        lang,
        f"คะแนนภาพรวม {rule.min_overall:.2f}{upper}",
        f"overall {rule.min_overall:.2f}{upper}",
    )


def _extremes_section(analysis: Analysis, lang: str) -> Section:
    ranks = _competition_ranks(analysis.ranking)
    blocks: list[Block] = [
        Table(
            columns=(
                Column(t(lang, "อันดับ", "Rank"), "number", width=12),
                Column(t(lang, "ตัวชี้วัด", "Indicator"), width=68),
                Column(t(lang, "คะแนน", "Score"), "number", width=20),
            ),
            rows=tuple(
                Row((rank, _indicator_words(i, lang), i.score))
                for rank, i in zip(ranks, analysis.ranking, strict=True)
            ),
            caption=t(lang, "อันดับคะแนนรายตัวชี้วัด", "Indicators by score"),
            sheet=t(lang, "อันดับ", "Ranking"),
        )
    ]
    for heading, indicators in (
        (t(lang, "ตัวชี้วัดที่มีคะแนนสูงสุด", "Highest"), analysis.highest),
        (t(lang, "ตัวชี้วัดที่มีคะแนนต่ำสุด", "Lowest"), analysis.lowest),
    ):
        if not indicators:
            continue
        score = _score(indicators[0].score)
        blocks.append(Paragraph(f"{heading} {score} " + t(lang, "คะแนน", "points"), "lead"))
        blocks += [Paragraph(_indicator_words(i, lang)) for i in indicators]
    return Section(
        t(lang, "ตัวชี้วัดที่มีคะแนนสูงสุดและต่ำสุด", "Highest and lowest indicators"),
        tuple(blocks),
    )


def _indicator_words(indicator: IndicatorResult, lang: str) -> str:
    return t(lang, "ตัวชี้วัดที่ ", "Indicator ") + f"{indicator.number} {indicator.name}"


def _competition_ranks(ranking: Sequence[IndicatorResult]) -> list[int]:
    """1, 1, 1, 4 ...: indicators with the same score share a rank."""
    ranks: list[int] = []
    for position, indicator in enumerate(ranking, start=1):
        tied = position > 1 and indicator.score == ranking[position - 2].score
        ranks.append(ranks[-1] if tied else position)
    return ranks


def _items_section(analysis: Analysis, lang: str) -> Section:
    with_plan = analysis.plan_id is not None
    blocks: list[Block] = []
    for tool in analysis.tools or _tools_of_items(analysis, lang):
        items = [item for item in analysis.items if item.tool == tool.code]
        blocks.append(Paragraph(_tool_heading(tool), "lead"))
        if not items:
            blocks.append(Paragraph(_no_items(tool, lang)))
            continue
        columns = [
            Column(t(lang, "ข้อ", "Item"), width=8),
            Column(t(lang, "ประเด็นข้อบกพร่องหรือจุดอ่อน", "Weakness (question)"), width=30),
            Column(t(lang, "คะแนน", "Score"), "number", width=10),
            Column(t(lang, "ประเด็นการพัฒนาให้ดีขึ้น", "Suggested improvement"), width=36),
        ]
        if with_plan:
            columns.append(Column(t(lang, "มาตรการ", "Measures"), width=16))
        rows = tuple(
            Row(
                (
                    item.code,
                    item.question,
                    item.score,
                    item.suggestion,
                    *((item.measures or None,) if with_plan else ()),
                )
            )
            for item in items
        )
        blocks.append(
            Table(tuple(columns), rows, sheet=t(lang, f"ข้อ {tool.code}", f"{tool.code} items"))
        )
    return Section(
        t(
            lang,
            "ประเด็นข้อบกพร่องหรือจุดอ่อนที่ต้องแก้ไขและการพัฒนาให้ดีขึ้น",
            "Weaknesses to correct and how to improve",
        ),
        tuple(blocks),
    )


def _tools_of_items(analysis: Analysis, lang: str) -> tuple[ToolResult, ...]:
    """Tools to group items by when the assessment has no indicator scores at all."""
    codes = [code for code in TOOLS if any(item.tool == code for item in analysis.items)]
    return tuple(ToolResult(c, tool_named(c).title(lang), None, (), None, None) for c in codes)


def _no_items(tool: ToolResult, lang: str) -> str:
    perfect = bool(tool.indicators) and all(i.score == 100 for i in tool.indicators)
    if perfect:
        return t(
            lang,
            "ไม่มี เนื่องจากทุกตัวชี้วัดของเครื่องมือนี้ได้ 100.00 คะแนน",
            "None: every indicator of this tool scored 100.00",
        )
    return t(lang, "ไม่มีประเด็นที่บันทึกไว้", "None recorded")


def _measures_section(analysis: Analysis, lang: str) -> Section:
    rows = []
    for measure in analysis.measures:
        heading = f"{measure.position}. {measure.title}"
        if measure.items:
            heading += t(lang, " (ข้อ ", " (items ") + ", ".join(measure.items) + ")"
        for n, step in enumerate(measure.steps):
            rows.append(
                Row(
                    (step.number, step.title, step.units or None, step.period),
                    group=heading if n == 0 else None,
                )
            )
        if not measure.steps:
            rows.append(
                Row((None, t(lang, "ยังไม่มีขั้นตอน", "no steps yet"), None, None), group=heading)
            )
    table = Table(
        columns=(
            Column(t(lang, "ที่", "No."), "number", width=6),
            Column(t(lang, "วิธีการดำเนินการ", "Step"), width=50),
            Column(t(lang, "ผู้รับผิดชอบ", "Responsible"), width=26),
            Column(t(lang, "ระยะเวลา", "Period"), width=18),
        ),
        rows=tuple(rows),
        sheet=t(lang, "มาตรการ", "Measures"),
    )
    return Section(
        t(
            lang,
            f"มาตรการส่งเสริมคุณธรรมและความโปร่งใส ปีงบประมาณ พ.ศ. {analysis.plan_fiscal_year}",
            f"Measures for fiscal year {analysis.plan_fiscal_year}",
        ),
        (table,),
    )


def _trend_section(analysis: Analysis, lang: str) -> Section:
    years = analysis.trend
    series = (
        LineSeries(t(lang, "คะแนนภาพรวม", "Overall"), tuple(y.overall for y in years)),
        *(LineSeries(code, tuple(y.tools.get(code) for y in years)) for code in TOOLS),
    )
    values = [v for s in series for v in s.values if v is not None]
    chart = LineChart(
        title=t(lang, "แนวโน้มผลการประเมิน", "Scores over the years"),
        labels=tuple(str(y.year) for y in years),
        series=series,
        minimum=_axis_start(values),
    )
    table = Table(
        columns=(
            Column(t(lang, "ปี พ.ศ.", "Year (BE)"), width=16),
            Column(t(lang, "คะแนนภาพรวม", "Overall"), "number", width=18),
            Column(t(lang, "ระดับ", "Grade"), width=12),
            *(Column(code, "number", width=18) for code in TOOLS),
        ),
        rows=tuple(
            Row((str(y.year), y.overall, y.grade, *(y.tools.get(code) for code in TOOLS)))
            for y in years
        ),
        sheet=t(lang, "แนวโน้ม", "Trend"),
    )
    return Section(t(lang, "แนวโน้มผลการประเมิน", "Trend"), (chart, table))


def _indicator_chart_section(analysis: Analysis, lang: str) -> Section:
    lowest = {i.number for i in analysis.lowest}
    highest = {i.number for i in analysis.highest}
    indicators = [i for tool in analysis.tools for i in tool.indicators if i.score is not None]
    chart = BarChart(
        title=t(lang, "คะแนนรายตัวชี้วัด", "Score by indicator"),
        bars=tuple(
            Bar(
                f"{i.number} {i.name}",
                i.score or 0.0,
                tone="done" if i.number in highest else "warn" if i.number in lowest else "",
            )
            for i in indicators
        ),
        unit="",
        minimum=_axis_start([i.score or 0.0 for i in indicators]),
    )
    return Section(t(lang, "คะแนนรายตัวชี้วัด", "Indicator scores"), (chart,))


def _axis_start(values: Sequence[float]) -> float:
    """Where a score axis starts: a multiple of 10 at least 5 below the lowest value (scores
    of 98-100 read better from 90 than from 0), never below 0."""
    if not values:
        return 0.0
    return float(max(0, math.floor((min(values) - 5) / 10) * 10))
