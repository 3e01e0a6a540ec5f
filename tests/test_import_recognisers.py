"""The report reader's recognisers, one fact at a time, on the phrasings agencies use.

Each case is a line or a few lines written the way the issue quotes real reports (scores and
grades in prose, the organization inside a sentence, plan years beside the assessment year,
flattened table rows, the every-unit group in its spellings); the expected value is read off
the text by hand. No database: these are pure functions over lines.
"""

from __future__ import annotations

import pytest

from tracker.frameworks import framework_for
from tracker.importers.model import split_units
from tracker.importers.report.sections import (
    flattened,
    indicators,
    items,
    organization,
    scores,
    years,
)
from tracker.importers.text import split_lines


def value_of(found):  # type: ignore[no-untyped-def]
    """What a recogniser found, or None."""
    return None if found is None else found.value


def lines(*text: str):  # type: ignore[no-untyped-def]
    return split_lines("\n".join(text))


# --- the overall score and grade -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "score", "grade"),
    [
        ("เทศบาลตำบลบ้านใหม่ได้คะแนน 91.30 คะแนน อยู่ในระดับ A", 91.30, "A"),
        ("ผลการประเมินของหน่วยงาน โดยได้ผล ๙๗.๐๔ คะแนน", 97.04, None),
        ("หน่วยงานได้คะแนน เท่ากับร้อยละ 88.10", 88.10, None),
        ("ปีนี้หน่วยงานคว้าระดับ AA ด้วยคะแนน 96.25 คะแนน", 96.25, "AA"),
        ("โดยมีผลการประเมินระดับ B", None, "B"),
        ("คะแนนภาพรวม ๘๙.๖๑ ระดับผลการประเมิน A", 89.61, "A"),
    ],
)
def test_the_overall_score_and_grade_are_read_from_prose(line, score, grade):
    found = scores.read(lines(line))
    assert (found.scores[0].value if found.scores else None) == score
    assert (found.grade.value if found.grade else None) == grade


@pytest.mark.parametrize(
    "line",
    [
        "ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่ ได้ 95.12 คะแนน",
        "ข้อ I7 ได้คะแนน 79.40",
        "แบบวัด EIT ได้คะแนน 90.15",
    ],
)
def test_a_part_s_score_in_prose_is_not_the_overall_score(line):
    assert scores.read(lines(line)).scores == []


def test_a_grade_word_inside_another_word_is_no_grade():
    # "ระดับ A" must be a whole letter: "อยู่ในระดับ Aplus" is not grade A.
    assert scores.read(lines("อยู่ในระดับ Aplus")).grade is None


# --- the organization ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            ["รายงานผล", "ผลการประเมินของเทศบาลเมืองท่าน้ำใส ได้คะแนน 90.00 คะแนน"],
            "เทศบาลเมืองท่าน้ำใส",
        ),
        (
            ["หน่วยงาน อบต.หนองบัว เข้ารับการประเมิน ITA ประจำปี 2566"],
            "องค์การบริหารส่วนตำบลหนองบัว",
        ),
        (["หน่วยงาน: ทต.บ้านใหม่"], "เทศบาลตำบลบ้านใหม่"),
        (
            [
                "สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ ได้กำหนดกรอบการประเมิน",
                "ผลการประเมินของกรมส่งเสริมหัตถศิลป์ ได้คะแนน 92.00",
            ],
            "กรมส่งเสริมหัตถศิลป์",
        ),
    ],
)
def test_the_organization_is_found_in_prose_and_written_out_in_full(text, name):
    found = organization.read(lines(*text))
    assert value_of(found) == name


# --- years ---------------------------------------------------------------------------------------


def test_a_plan_year_before_the_assessment_year_is_not_taken_for_it():
    text = lines(
        "มาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ 2568",
        "ตามผลการประเมิน ITA ประจำปี 2567 ของเทศบาลตำบลบ้านใหม่",
    )
    assessment = years.read_assessment_year(text)
    assert value_of(assessment) == 2567
    assert assessment.line.number == 2
    plan = years.read_plan_year(text, 2567)
    assert value_of(plan) == 2568


def test_an_ita_year_without_the_word_budget_is_the_assessment_year():
    found = years.read_assessment_year(lines("ผลการประเมิน ITA ประจำปี 2566"))
    assert value_of(found) == 2566


def test_a_plan_carried_out_in_a_year_after_a_plan_word_is_the_plan_s_year():
    text = lines(
        "ประจำปีงบประมาณ พ.ศ. ๒๕๖๓",
        "มาตรการและแนวทางการยกระดับผลการประเมินในปีงบประมาณ พ.ศ. ๒๕๖๔",
    )
    assert value_of(years.read_assessment_year(text)) == 2563
    assert value_of(years.read_plan_year(text, 2563)) == 2564


# --- indicators and items ------------------------------------------------------------------------


def test_flattened_and_prose_indicators_are_read_when_the_framework_knows_them():
    framework = framework_for(2567)
    found = indicators.read(
        lines(
            "1 การปฏิบัติหน้าที่ IIT 90.15",
            "ตัวชี้วัดที่ 2 การใช้งบประมาณ ได้ 86.40 คะแนน",
            "3 การใช้งบประมาณ IIT 88.75",  # indicator 3 is การใช้อำนาจ: a ranking row, not it
        ),
        framework,
    )
    assert {n: (i.name, i.tool, i.score) for n, i in found.by_number.items()} == {
        1: ("การปฏิบัติหน้าที่", "IIT", 90.15),
        2: ("การใช้งบประมาณ", "IIT", 86.40),
    }


def test_prose_items_take_their_score_from_the_next_line_or_the_end_of_their_own():
    found = items.read(
        lines(
            "ข้อ I7 ท่านเห็นว่าผู้บริหารมอบหมายงานอย่างเป็นธรรม มากน้อยเพียงใด",
            "คะแนน 79.40",
            "",
            "E4 ท่านได้รับบริการตามขั้นตอนที่ประกาศไว้ มากน้อยเพียงใด 78.40",
            "ข้อเสนอแนะ",
            "I7 ประกาศหลักเกณฑ์การมอบหมายงานให้บุคลากรทราบ",
        )
    )
    assert {code: (i.tool, i.score) for code, i in found.items()} == {
        "I7": ("IIT", 79.40),
        "E4": ("EIT", 78.40),
    }
    assert found["I7"].question == "ท่านเห็นว่าผู้บริหารมอบหมายงานอย่างเป็นธรรม มากน้อยเพียงใด"
    assert found["I7"].suggestion == "ประกาศหลักเกณฑ์การมอบหมายงานให้บุคลากรทราบ"
    assert found["E4"].question == "ท่านได้รับบริการตามขั้นตอนที่ประกาศไว้ มากน้อยเพียงใด"


# --- units and flattened steps -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "units"),
    [
        ("ทุกกอง/สำนัก", ["ทุกกอง/สำนัก"]),
        ("ทุกกอง ทุกสำนัก", ["ทุกกอง ทุกสำนัก"]),
        ("ทุกกอง และทุกสำนัก", ["ทุกกอง และทุกสำนัก"]),
        ("ทุกหน่วยงาน", ["ทุกหน่วยงาน"]),
        ("กองคลัง/ทุกหน่วยงาน", ["กองคลัง", "ทุกหน่วยงาน"]),
        ("สป. กค. กช.", ["สป.", "กค.", "กช."]),
        ("กองการศึกษา ศาสนาและวัฒนธรรม", ["กองการศึกษา ศาสนาและวัฒนธรรม"]),
    ],
)
def test_units_in_a_cell(cell, units):
    assert split_units(cell) == units


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "จัดทำประกาศ ณ ที่ทำการ อบต. กองคลัง ต.ค. 2567 - ธ.ค. 2567",
            ("จัดทำประกาศ ณ ที่ทำการ อบต.", ["กองคลัง"], "ต.ค. 2567 - ธ.ค. 2567", None),
        ),
        (
            "อบรมเจ้าหน้าที่ กองคลัง กองช่าง ม.ค. 2568 รายงานผลในการประชุมพนักงาน ทุกวันพุธ",
            ("อบรมเจ้าหน้าที่", ["กองคลัง", "กองช่าง"], "ม.ค. 2568", "รายงานผลในการประชุมพนักงาน ทุกวันพุธ"),
        ),
        (
            "จัดกิจกรรม กองการศึกษา ศาสนาและวัฒนธรรม ตลอดปีงบประมาณ",
            ("จัดกิจกรรม", ["กองการศึกษา ศาสนาและวัฒนธรรม"], "ตลอดปีงบประมาณ", None),
        ),
        (
            "ชี้แจงบุคลากร ทุกกอง/สำนัก พ.ย. 2567",
            ("ชี้แจงบุคลากร", ["ทุกกอง/สำนัก"], "พ.ย. 2567", None),
        ),
    ],
)
def test_a_flattened_step_line_is_read_from_its_end(text, expected):
    assert flattened.split_step_line(text, 2568) == expected


def test_a_flattened_table_ends_at_a_numbered_heading_that_is_no_step():
    found = flattened.read(
        lines(
            "มาตรการ/แนวทาง ขั้นตอนการดำเนินการ ผู้รับผิดชอบ ระยะเวลา",
            "มาตรการที่ 1 เปิดเผยข้อมูล",
            "1. ปรับปรุงเว็บไซต์ สำนักปลัด ต.ค. 2567",
            "ให้ครบทุกหัวข้อ",
            "5. การติดตามผล",
            "1. สำนักปลัดรวบรวมผลเสนอนายก",
        ),
        2568,
    )
    assert found.measures == ["เปิดเผยข้อมูล"]
    assert [(s.number, s.title, s.units, s.period_text) for s in found.steps] == [
        (1, "ปรับปรุงเว็บไซต์ ให้ครบทุกหัวข้อ", ["สำนักปลัด"], "ต.ค. 2567")
    ]


def test_an_item_table_row_gives_question_score_and_suggestion():
    found = items.read(
        lines(
            "ข้อ\tประเด็นคำถาม\tคะแนน\tข้อเสนอแนะ",
            "I21\tบุคลากรขออนุญาตก่อนนำทรัพย์สินไปใช้ มากน้อยเพียงใด\t84.60\tจัดทำคู่มือการยืมพัสดุ",
            "O30\tรายงานผลการดำเนินการตามแผนป้องกันการทุจริต\t0.00\t",
        )
    )
    assert {code: (i.question, i.score, i.suggestion) for code, i in found.items()} == {
        "I21": ("บุคลากรขออนุญาตก่อนนำทรัพย์สินไปใช้ มากน้อยเพียงใด", 84.60, "จัดทำคู่มือการยืมพัสดุ"),
        "O30": ("รายงานผลการดำเนินการตามแผนป้องกันการทุจริต", 0.0, None),
    }


def test_a_name_written_without_a_space_after_it_is_what_its_mentions_share():
    found = organization.read(
        lines(
            "ได้ศึกษาผลคะแนนของเทศบาลเมืองท่าน้ำใสรายตัวชี้วัดและรายข้อคำถาม",
            "เทศบาลเมืองท่าน้ำใสได้คะแนน 91.30 คะแนน",
            "เผยแพร่บนเว็บไซต์ของเทศบาลภายในเวลาที่กำหนด",
        )
    )
    assert value_of(found) == "เทศบาลเมืองท่าน้ำใส"
