"""The ITA analysis regenerated from data (tracker.reports.analysis, `tracker analysis`).

On the imported seed (Phrae PAO, assessment 2565) every expectation is written by hand from
the seed report and ../shared/design/domain.md (sections 2 and 4): overall 99.76, grade AA;
IIT 99.92, EIT 99.29, OIT 100.00; the highest score 100.00 shared by indicators 1, 2, 3, 9
and 10, the lowest indicator 6 คุณภาพการดำเนินงาน at 98.73; the six weak items I21, I22,
I23 (99.20), E12 (99.48), E14 (98.83), E15 (99.35). The seed itself calls indicator 4
"การเปิดเผยข้อมูล" in its analysis page: that name belongs to indicator 9, and so it does here.

A second assessment year comes from a small fictional plan document written below (same
organization, assessment 2566); its expected scores are worked out by hand in its comment.
Every test runs on SQLite and (with TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from import_support import import_seed
from report_support import page_png, pdf_fonts, pdf_words
from sqlalchemy import select

from tracker.models import Organization, Plan
from tracker.reports.analysis import Analysis, analysis_document, build_analysis
from tracker.reports.document import BarChart, LineChart, Paragraph, Table

ORGANIZATION = "องค์การบริหารส่วนจังหวัดแพร่"
SEED_MEASURE = "การยกระดับผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ.๒๕๖๕"
TITLE = "การวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA)"

# (code, tool, score, words of its suggestion in the seed)
SEED_ITEMS = [
    ("I21", "IIT", 99.20, "คู่มือมาตรฐานการปฏิบัติงาน"),
    ("I22", "IIT", 99.20, "ป้องกันมิให้นำทรัพย์สินราชการไปใช้ประโยชน์"),
    ("I23", "IIT", 99.20, "ข้อมูลทางสถิติเรื่องการร้องเรียนการทุจริต"),
    ("E12", "EIT", 99.48, "แผ่นพับ อินโฟกราฟิก"),
    ("E14", "EIT", 98.83, "การสื่อสารสองทาง"),
    ("E15", "EIT", 99.35, "การพัฒนาคุณภาพ"),
]

# A fictional second year for the same organization. By hand, with the 30/30/40 weights:
# IIT (95 + 92 + 94 + 90 + 89) / 5 = 92.00, EIT (93 + 88 + 86) / 3 = 89.00,
# OIT (90 + 94) / 2 = 92.00; overall 0.3·92 + 0.3·89 + 0.4·92 = 27.6 + 26.7 + 36.8 = 91.10,
# grade A, and in 2566 ผ่าน (85 or more). It repeats the seed's slip: indicator 4 is called
# การเปิดเผยข้อมูล, the name of indicator 9.
SECOND_YEAR = """\
schema: ita-tracker/plan@1
organization:
  name: องค์การบริหารส่วนจังหวัดแพร่
fiscal_year: 2567
title: มาตรการส่งเสริมคุณธรรมและความโปร่งใส ปีงบประมาณ พ.ศ. ๒๕๖๗ (ตัวอย่างสมมติ)
assessment:
  year: 2566
  score: {score}
  grade: A
  indicators:
  - {{number: 1, name: การปฏิบัติหน้าที่, tool: IIT, score: 95.0}}
  - {{number: 2, name: การใช้งบประมาณ, tool: IIT, score: 92.0}}
  - {{number: 3, name: การใช้อำนาจ, tool: IIT, score: 94.0}}
  - {{number: 4, name: การเปิดเผยข้อมูล, tool: IIT, score: 90.0}}
  - {{number: 5, name: การแก้ไขปัญหาการทุจริต, tool: IIT, score: 89.0}}
  - {{number: 6, name: คุณภาพการดำเนินงาน, tool: EIT, score: 93.0}}
  - {{number: 7, name: ประสิทธิภาพการสื่อสาร, tool: EIT, score: 88.0}}
  - {{number: 8, name: การปรับปรุงการทำงาน, tool: EIT, score: 86.0}}
  - {{number: 9, name: การเปิดเผยข้อมูล, tool: OIT, score: 90.0}}
  - {{number: 10, name: การป้องกันการทุจริต, tool: OIT, score: 94.0}}
  items:
  - code: O12
    tool: OIT
    score: 0.0
    question: การเผยแพร่รายงานสรุปผลการจัดซื้อจัดจ้างรายเดือน
    suggestion: ให้กองพัสดุเผยแพร่สรุปผลการจัดซื้อจัดจ้างทุกเดือน
measures:
- title: เผยแพร่ข้อมูลการจัดซื้อจัดจ้างให้ครบทุกเดือน
  items: [O12]
  tasks:
  - number: 1
    title: มอบหมายผู้รับผิดชอบการเผยแพร่ข้อมูล
    period_text: พ.ย.๒๕๖๖
"""


def squash(text: str | None) -> str:
    return "".join((text or "").split())


@pytest.fixture
def seeded(cli):
    import_seed(cli, "--merge-similar-units")
    return cli


def add_second_year(cli, tmp_path: Path, score: str = "91.10") -> None:
    path = tmp_path / "second-year.yaml"
    path.write_text(SECOND_YEAR.format(score=score), encoding="utf-8")
    cli.ok("import", str(path))


def analyse(session_factory, lang: str = "th", **choice) -> Analysis:
    with session_factory() as session:
        organization = session.scalar(select(Organization))
        return build_analysis(session, organization, lang=lang, **choice)


def plan_ids(session_factory) -> dict[int, int]:
    """fiscal year -> plan id"""
    with session_factory() as session:
        return {p.fiscal_year: p.id for p in session.scalars(select(Plan))}


def indicators(found) -> list[tuple[int, str, float]]:
    return [(i.number, i.name, i.score) for i in found]


# --- the seed's analysis ---------------------------------------------------------------------


def test_the_seed_scores_99_76_grade_aa_with_the_tool_means_of_the_report(seeded, session_factory):
    analysis = analyse(session_factory)

    assert analysis.organization == ORGANIZATION
    assert analysis.year == 2565
    assert analysis.overall == 99.76
    assert analysis.computed_overall == 99.76  # 0.3·99.92 + 0.3·99.29 + 0.4·100 = 99.763
    assert analysis.grade == "AA"
    assert analysis.label is None  # 2565 reports no pass label
    got = [(t.code, len(t.indicators), t.mean, t.weight, t.weighted) for t in analysis.tools]
    assert got == [
        ("IIT", 5, 99.92, 0.30, 29.98),  # 0.3 · 99.92 = 29.976
        ("EIT", 3, 99.29, 0.30, 29.79),  # 0.3 · 99.29 = 29.787
        ("OIT", 2, 100.00, 0.40, 40.00),
    ]
    assert analysis.notes == ()  # nothing differs, nothing unconfirmed in 2565


def test_the_seed_indicators_carry_the_framework_names_indicator_9_is_disclosure(
    seeded, session_factory
):
    analysis = analyse(session_factory)
    by_number = {i.number: i for t in analysis.tools for i in t.indicators}

    assert by_number[9].name == "การเปิดเผยข้อมูล"
    assert by_number[9].tool == "OIT"
    assert by_number[4].name == "การใช้ทรัพย์สินของราชการ"  # not the seed's slip
    assert [(n, i.score) for n, i in sorted(by_number.items())] == [
        (1, 100.0),
        (2, 100.0),
        (3, 100.0),
        (4, 99.73),
        (5, 99.87),
        (6, 98.73),
        (7, 99.76),
        (8, 99.38),
        (9, 100.0),
        (10, 100.0),
    ]


def test_the_seed_highest_are_every_indicator_at_100_and_the_lowest_is_indicator_6(
    seeded, session_factory
):
    analysis = analyse(session_factory)

    assert indicators(analysis.highest) == [
        (1, "การปฏิบัติหน้าที่", 100.0),
        (2, "การใช้งบประมาณ", 100.0),
        (3, "การใช้อำนาจ", 100.0),
        (9, "การเปิดเผยข้อมูล", 100.0),
        (10, "การป้องกันการทุจริต", 100.0),
    ]
    assert indicators(analysis.lowest) == [(6, "คุณภาพการดำเนินงาน", 98.73)]
    assert [i.number for i in analysis.ranking] == [1, 2, 3, 9, 10, 5, 7, 4, 8, 6]


def test_the_seed_six_weak_items_with_their_suggestions_and_the_measure_answering_them(
    seeded, session_factory
):
    analysis = analyse(session_factory)

    assert [(i.code, i.tool, i.score) for i in analysis.items] == [
        (code, tool, score) for code, tool, score, _words in SEED_ITEMS
    ]
    for item, (code, _tool, _score, words) in zip(analysis.items, SEED_ITEMS, strict=True):
        assert squash(words) in squash(item.suggestion), code
        assert item.question, code
        assert item.measures == (SEED_MEASURE,), code


def test_the_seed_plan_is_the_one_measure_of_seven_steps_for_2566(seeded, session_factory):
    analysis = analyse(session_factory)

    assert analysis.plan_fiscal_year == 2566
    [measure] = analysis.measures
    assert measure.title == SEED_MEASURE
    assert [s.number for s in measure.steps] == [1, 2, 3, 4, 5, 6, 7]
    assert measure.items == ("I21", "I22", "I23", "E12", "E14", "E15")


def test_the_seed_document_follows_the_analysis_pages(seeded, session_factory):
    document = analysis_document(analyse(session_factory), "th")

    assert document.title == TITLE
    assert document.subtitle == ("ประจำปีงบประมาณ พ.ศ. 2565", ORGANIZATION)
    assert [s.heading for s in document.sections] == [
        "1. ผลการประเมินภาพรวม",
        "2. เกณฑ์การประเมิน",
        "3. ตัวชี้วัดที่มีคะแนนสูงสุดและต่ำสุด",
        "4. ประเด็นข้อบกพร่องหรือจุดอ่อนที่ต้องแก้ไขและการพัฒนาให้ดีขึ้น",
        "5. มาตรการส่งเสริมคุณธรรมและความโปร่งใส ปีงบประมาณ พ.ศ. 2566",
        "6. แนวโน้มผลการประเมิน",
        "7. คะแนนรายตัวชี้วัด",
    ]
    summary, _criteria, extremes, items, _measures, trend, bars = document.sections
    by_tool = summary.blocks[1]
    assert isinstance(by_tool, Table)
    assert [row.cells[2] for row in by_tool.rows] == [99.92, 99.29, 100.0]
    assert by_tool.totals.cells[-1] == 99.76
    texts = [b.text for b in extremes.blocks if isinstance(b, Paragraph)]
    assert texts == [
        "ตัวชี้วัดที่มีคะแนนสูงสุด 100.00 คะแนน",
        "ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่",
        "ตัวชี้วัดที่ 2 การใช้งบประมาณ",
        "ตัวชี้วัดที่ 3 การใช้อำนาจ",
        "ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล",
        "ตัวชี้วัดที่ 10 การป้องกันการทุจริต",
        "ตัวชี้วัดที่มีคะแนนต่ำสุด 98.73 คะแนน",
        "ตัวชี้วัดที่ 6 คุณภาพการดำเนินงาน",
    ]
    item_tables = [b for b in items.blocks if isinstance(b, Table)]
    assert [[row.cells[0] for row in table.rows] for table in item_tables] == [
        ["I21", "I22", "I23"],
        ["E12", "E14", "E15"],
    ]
    assert items.blocks[-1] == Paragraph(
        "ไม่มี เนื่องจากทุกตัวชี้วัดของเครื่องมือนี้ได้ 100.00 คะแนน"
    )  # OIT: both indicators at 100
    chart = trend.blocks[0]
    assert isinstance(chart, LineChart)
    assert chart.labels == ("2565",)
    assert [(s.name, s.values) for s in chart.series] == [
        ("คะแนนภาพรวม", (99.76,)),
        ("IIT", (99.92,)),
        ("EIT", (99.29,)),
        ("OIT", (100.0,)),
    ]
    [bar_chart] = bars.blocks
    assert isinstance(bar_chart, BarChart)
    assert [(b.label, b.value) for b in bar_chart.bars][8] == ("9 การเปิดเผยข้อมูล", 100.0)
    assert [b.tone for b in bar_chart.bars if b.tone == "warn"] == ["warn"]  # indicator 6 only


def test_the_english_analysis_names_tools_and_indicators_in_english(seeded, session_factory):
    analysis = analyse(session_factory, lang="en")
    document = analysis_document(analysis, "en")

    assert analysis.tools[0].name == "Internal Integrity and Transparency Assessment"
    assert indicators(analysis.lowest) == [(6, "Quality of operations", 98.73)]
    assert (9, "Disclosure of information", 100.0) in indicators(analysis.highest)
    assert document.title == "Analysis of the Integrity and Transparency Assessment (ITA) results"
    assert document.lang == "en"
    assert document.sections[2].heading == "3. Highest and lowest indicators"
    assert document.subtitle[0] == "Assessment year 2565 (BE)"


# --- more than one year ------------------------------------------------------------------------


def test_a_second_assessment_year_makes_a_trend_of_two_points(seeded, session_factory, tmp_path):
    add_second_year(seeded, tmp_path)

    latest = analyse(session_factory)  # the latest year by default
    seed_year = analyse(session_factory, year=2565)

    assert (latest.year, latest.overall, latest.grade, latest.label) == (2566, 91.10, "A", "ผ่าน")
    assert [t.mean for t in latest.tools] == [92.0, 89.0, 92.0]
    for analysis in (latest, seed_year):
        assert [(y.year, y.overall, y.grade, y.tools) for y in analysis.trend] == [
            (2565, 99.76, "AA", {"IIT": 99.92, "EIT": 99.29, "OIT": 100.0}),
            (2566, 91.10, "A", {"IIT": 92.0, "EIT": 89.0, "OIT": 92.0}),
        ]
    assert seed_year.overall == 99.76
    # the document's slip is not repeated: indicator 4 has its framework name, and a note
    # says what the document wrote
    assert latest.tools[0].indicators[3].name == "การใช้ทรัพย์สินของราชการ"
    assert (
        "ตัวชี้วัดที่ 4: เอกสารที่นำเข้าใช้ชื่อ “การเปิดเผยข้อมูล” "
        "รายงานนี้ใช้ชื่อตามกรอบการประเมิน “การใช้ทรัพย์สินของราชการ”"
    ) in latest.notes
    chart = analysis_document(latest).sections[5].blocks[0]
    assert isinstance(chart, LineChart)
    assert chart.labels == ("2565", "2566")
    assert chart.series[0].values == (99.76, 91.10)
    # 2566's framework rests on assumptions, and the report says so
    assert "ข้อมูลกรอบการประเมินปี พ.ศ. 2566 ที่ยังไม่ได้รับการยืนยัน: ตัวชี้วัด, น้ำหนักคะแนน" in (latest.notes)


def test_a_plan_picks_the_assessment_it_answers(seeded, session_factory, tmp_path):
    add_second_year(seeded, tmp_path)
    plans = plan_ids(session_factory)
    refused = seeded("analysis", "--plan", str(plans[2566]), "--year", "2566").error_line()
    assert "answers the assessment of 2565, not 2566" in refused

    assert analyse(session_factory, plan_id=plans[2566]).year == 2565
    second = analyse(session_factory, plan_id=plans[2567])
    assert second.year == 2566
    assert [(i.code, i.measures) for i in second.items] == [
        ("O12", ("เผยแพร่ข้อมูลการจัดซื้อจัดจ้างให้ครบทุกเดือน",))
    ]


def test_a_stored_overall_that_the_indicators_do_not_give_is_kept_and_noted(
    seeded, session_factory, tmp_path
):
    add_second_year(seeded, tmp_path, score="91.50")

    analysis = analyse(session_factory, year=2566)

    assert analysis.overall == 91.50
    assert analysis.computed_overall == 91.10
    assert (
        "คะแนนภาพรวมที่บันทึกไว้ (91.50) ต่างจากคะแนนที่คำนวณจากคะแนนรายตัวชี้วัด"
        "ตามน้ำหนักของกรอบการประเมิน (91.10) รายงานนี้แสดงคะแนนที่บันทึกไว้"
    ) in analysis.notes
    assert not any(
        "คะแนนภาพรวมที่บันทึกไว้" in note for note in analyse(session_factory, year=2565).notes
    )


def test_a_year_without_framework_data_uses_the_stored_indicators(demo_cli, session_factory):
    # The demo plan's assessment year 2569 has no framework in the data: tool means are the
    # plain means of the stored indicators (by hand: IIT 443.52 / 5 = 88.704, EIT
    # 254.05 / 3 = 84.683, OIT 169.75 / 2 = 84.875), without weights or a label.
    analysis = analyse(session_factory)

    assert (analysis.year, analysis.overall, analysis.grade, analysis.label) == (
        2569,
        85.97,
        "A",
        None,
    )
    assert [(t.code, t.mean, t.weight) for t in analysis.tools] == [
        ("IIT", 88.70, None),
        ("EIT", 84.68, None),
        ("OIT", 84.88, None),
    ]
    assert indicators(analysis.lowest) == [(9, "การเปิดเผยข้อมูล", 78.5)]
    assert analysis.notes[0].startswith("ไม่มีข้อมูลกรอบการประเมินของปี พ.ศ. 2569")


# --- the command -------------------------------------------------------------------------------


def test_the_command_prints_the_seed_analysis_as_json(seeded):
    data = seeded.ok("analysis", "--format", "json").json()

    assert (data["overall"], data["grade"], data["year"]) == (99.76, "AA", 2565)
    assert [i["number"] for i in data["highest"]] == [1, 2, 3, 9, 10]
    assert [(i["number"], i["name"], i["score"]) for i in data["lowest"]] == [
        (6, "คุณภาพการดำเนินงาน", 98.73)
    ]
    assert [i["code"] for i in data["items"]] == ["I21", "I22", "I23", "E12", "E14", "E15"]


def test_the_command_in_english_and_markdown(seeded):
    text = seeded.ok("--lang", "en", "analysis", "--format", "md").stdout

    assert "# Analysis of the Integrity and Transparency Assessment (ITA) results" in text
    assert "| 9 | Disclosure of information | 100.00 |" in text
    assert "| 6 | Quality of operations | 98.73 |" in text


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--format", "pdf"), "--output/-o"),
        (("--format", "xlsx"), "--output/-o"),
        (("--year", "2560"), "no assessment of 2560"),
        (("--plan", "99"), "no plan with id 99"),
    ],
)
def test_the_command_refuses_in_one_line(seeded, args, words):
    line = seeded("analysis", *args).error_line()

    assert words in line


def test_the_command_on_an_empty_database_says_there_is_nothing_yet(cli):
    assert "no organization yet" in cli("analysis").error_line()


def test_the_seed_analysis_pdf_reads_back_with_its_thai_titles_and_numbers(seeded, tmp_path):
    target = tmp_path / "analysis.pdf"
    seeded.ok("analysis", "--format", "pdf", "-o", str(target))
    data = target.read_bytes()
    words = pdf_words(data)

    assert squash(TITLE) in squash(words)  # the title wraps over two lines
    for phrase in (
        "ประจำปีงบประมาณ พ.ศ. 2565",
        ORGANIZATION,
        "ได้คะแนนภาพรวม 99.76 คะแนน อยู่ในระดับ AA",
        "ตัวชี้วัดที่มีคะแนนสูงสุด 100.00 คะแนน",
        "ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล",
        "ตัวชี้วัดที่มีคะแนนต่ำสุด 98.73 คะแนน",
        "ตัวชี้วัดที่ 6 คุณภาพการดำเนินงาน",
        "แนวโน้มผลการประเมิน",
        "99.92",
        "99.29",
    ):
        assert phrase in words, phrase
    for code, _tool, score, _words in SEED_ITEMS:
        assert code in words, code
        assert f"{score:.2f}" in words, code
    assert all(font["emb"] == "yes" for font in pdf_fonts(data))
    assert page_png(data, "analysis-seed", tmp_path).stat().st_size > 0
