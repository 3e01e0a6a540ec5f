"""repair_thai: mending what PDF extraction does to Thai, and leaving correct Thai alone.

The damaged forms are written out by hand (what pdftotext and old Thai fonts give); the
correct forms are the words as the Royal Institute dictionary spells them. The real seed
report, correct Thai throughout, must come back unchanged.
"""

from __future__ import annotations

import unicodedata

import pytest
from conftest import SEED_REPORT
from hypothesis import given
from hypothesis import strategies as st

from tracker.importers.repair import LOST_SARA_AM, THAI_PUA, repair_thai, thai_mark_order

NIKHAHIT, SARA_AA, SARA_AM = "\u0e4d", "\u0e32", "\u0e33"
MAI_EK, MAI_THO = "\u0e48", "\u0e49"


@pytest.mark.parametrize(
    ("damaged", "correct"),
    [
        ("ต\uf70aอ", "ต่อ"),  # mai ek set low (no upper vowel under it)
        ("ได\uf70b", "ได้"),  # mai tho set low
        ("ก\uf70c", "ก๊"),
        ("ก\uf70d", "ก๋"),
        ("เกณฑ\uf70e", "เกณฑ์"),  # thanthakhat set low
        ("ป\uf701ด", "ปิด"),  # sara i moved left, clear of ป's tail
        ("ป\uf702", "ปี"),
        ("ป\uf703ก", "ปึก"),
        ("ป\uf704น", "ปืน"),
        ("ป\uf705า", "ป่า"),  # mai ek low and left
        ("ป\uf706องกัน", "ป้องกัน"),
        ("ป\uf710ญหา", "ปัญหา"),  # mai han-akat moved left
        ("เป\uf712น", "เป็น"),  # mai taikhu moved left
        ("ปี\uf713", "ปี่"),  # mai ek moved left, over an upper vowel
        ("ปี\uf714", "ปี้"),
        ("ฎ\uf718", "ฎุ"),  # sara u set low, under ฎ's tail
        ("ฎ\uf719", "ฎู"),
        ("\uf700าน", "ฐาน"),  # ฐ drawn without its tail
        ("กตั\uf70fญู", "กตัญญู"),  # ญ drawn without its tail
    ],
)
def test_private_use_glyphs_of_old_thai_fonts_become_the_thai_they_draw(
    damaged: str, correct: str
) -> None:
    assert repair_thai(damaged) == correct


def test_every_private_use_glyph_from_f700_to_f71a_has_a_thai_character() -> None:
    assert sorted(THAI_PUA) == [chr(code) for code in range(0xF700, 0xF71B)]
    for glyph, thai in THAI_PUA.items():
        assert "\u0e01" <= thai <= "\u0e4e", f"U+{ord(glyph):04X}"
    tone_marks_low = [THAI_PUA[chr(code)] for code in range(0xF70A, 0xF70F)]
    assert tone_marks_low == ["่", "้", "๊", "๋", "์"]


@pytest.mark.parametrize(
    ("damaged", "correct"),
    [
        ("ส" + NIKHAHIT + SARA_AA + "นักงาน", "สำนักงาน"),
        ("ก" + MAI_EK + NIKHAHIT + SARA_AA, "ก่ำ"),  # tone, nikhahit, sara aa
        ("ก" + NIKHAHIT + MAI_EK + SARA_AA, "ก่ำ"),  # nikhahit, tone, sara aa
        ("น" + NIKHAHIT + MAI_THO + SARA_AA, "น้ำ"),
        ("น" + SARA_AM + MAI_THO, "น้ำ"),  # the tone typed after sara am
        ("น้ำ", "น้ำ"),
    ],
)
def test_sara_am_in_two_parts_or_with_its_tone_after_it_is_made_whole(
    damaged: str, correct: str
) -> None:
    assert repair_thai(damaged) == correct
    assert repair_thai(damaged) == unicodedata.normalize("NFC", correct)


@pytest.mark.parametrize(
    ("damaged", "correct"),
    [
        ("สานักงาน", "สำนักงาน"),
        ("ดาเนินการ", "ดำเนินการ"),
        ("กาหนด", "กำหนด"),
        ("จานวน", "จำนวน"),
        ("ทาให้", "ทำให้"),
        ("คาสั่ง", "คำสั่ง"),
        ("สาคัญ", "สำคัญ"),
        ("ตาบล", "ตำบล"),
        ("อาเภอ", "อำเภอ"),
        ("ประจาปี", "ประจำปี"),
        ("คาถาม", "คำถาม"),
        ("นาไป", "นำไป"),
        ("ผู้นา", "ผู้นำ"),
        ("น้าใจ", "น้ำใจ"),
        ("สาหรับ", "สำหรับ"),
        ("คานาม", "คำนาม"),  # before "คานา": not "คำนำม"
        ("คานา", "คำนำ"),
        # Inside longer text, Thai words run together.
        ("องค์การบริหารส่วนตาบลแม่ทา อาเภอเมือง", "องค์การบริหารส่วนตำบลแม่ทา อำเภอเมือง"),
        ("คณะทางานจัดทาคาสั่ง", "คณะทำงานจัดทำคำสั่ง"),
        ("ข้อคาถามที่ได้คะแนนต่ากว่าเกณฑ์", "ข้อคำถามที่ได้คะแนนต่ำกว่าเกณฑ์"),
        ("คาแนะนาของผู้นาชุมชน", "คำแนะนำของผู้นำชุมชน"),
    ],
)
def test_words_that_lost_their_sara_am_get_it_back(damaged: str, correct: str) -> None:
    assert repair_thai(damaged) == correct


@pytest.mark.parametrize(
    "correct",
    [
        "ทาง",  # way
        "นา",  # rice field
        "สา",
        "ทำนา",  # to farm
        "ค่า",  # value
        "ค่าใช้จ่าย",
        "ประจาน",  # to shame in public
        "น้า",  # aunt
        "ต่าง ๆ",  # the space before mai yamok is written
        "ซ้าย",  # left, begins like the damaged "ซ้า…"
        "ย้าย",
        "ผู้ใช้ บริการ",  # a space before a consonant is the writer's
        "คะแนน\tหน้า",  # a tab separates cells
    ],
)
def test_real_words_and_spacing_are_left_alone(correct: str) -> None:
    assert repair_thai(correct) == correct


@pytest.mark.parametrize(
    ("damaged", "correct"),
    [
        ("ก ่อน", "ก่อน"),  # a space before a tone mark
        ("ผู ้รับผิดชอบ", "ผู้รับผิดชอบ"),
        ("ปฏิบ ัติ", "ปฏิบัติ"),  # before mai han-akat
        ("ส ำนัก", "สำนัก"),  # before sara am
        ("เ ป็น", "เป็น"),  # after a leading vowel
        ("ไ ป แ ละ", "ไป และ"),  # the space before แ may be the writer's: kept
        ("ที ่  นี ่", "ที่  นี่"),  # only the spaces before the marks go
        ("บ\u00a0ุคลากร", "บุคลากร"),  # a no-break space too
    ],
)
def test_spaces_no_thai_writer_types_are_removed(damaged: str, correct: str) -> None:
    assert repair_thai(damaged) == correct


@pytest.mark.parametrize(
    ("damaged", "correct"),
    [
        ("สำนัก\u200bงาน", "สำนักงาน"),  # zero-width space
        ("\ufeffรายงาน", "รายงาน"),  # a BOM
        ("ผู้\u200dรับ\u200cผิดชอบ\u2060", "ผู้รับผิดชอบ"),  # joiners
        ("ประ\u00adจำ", "ประจำ"),  # a soft hyphen
    ],
)
def test_zero_width_characters_are_removed(damaged: str, correct: str) -> None:
    assert repair_thai(damaged) == correct


def test_marks_over_a_letter_are_put_in_the_standard_order() -> None:
    assert thai_mark_order("ก" + MAI_EK + "\u0e34") == "กิ่"  # tone first: vowel goes first
    assert repair_thai("ท" + MAI_EK + "\u0e35") == "ที่"
    assert thai_mark_order("กิ่") == "กิ่"
    assert thai_mark_order("ก" + MAI_EK + NIKHAHIT + SARA_AA) == "ก" + MAI_EK + NIKHAHIT + SARA_AA


def test_damage_of_every_kind_in_one_line() -> None:
    damaged = (
        "ส\uf70aวนที่ ๑ ผลการ ดาเนินงาน\u200b ประจาป\uf702 ของ ส" + NIKHAHIT + SARA_AA + "นัก เ ป็น"
    )
    assert repair_thai(damaged) == "ส่วนที่ ๑ ผลการ ดำเนินงาน ประจำปี ของ สำนัก เป็น"


def test_the_seed_report_comes_back_unchanged() -> None:
    # The seed is correct Thai (checked: it holds no private-use glyph, no nikhahit, no
    # zero-width character, no space before a mark, none of the damaged words).
    seed = SEED_REPORT.read_text(encoding="utf-8")
    assert repair_thai(seed) == seed
    for line in seed.splitlines():
        assert repair_thai(line) == line


def test_no_damaged_form_is_repaired_into_another() -> None:
    for damaged, repaired in LOST_SARA_AM.items():
        assert SARA_AM not in damaged
        assert SARA_AM in repaired
        assert repair_thai(repaired) == repaired, damaged


# Text made of what damaged Thai is made of: damaged words, private-use glyphs, marks,
# nikhahit and sara aa, spaces, leading vowels, zero-width characters.
_LETTERS = ["ก", "ป", "น", "า", "เ", "ไ", "ๆ", "ทาง", "ค่า", " ", "\t", "\u200b", "\u00a0"]
_MARKS = [NIKHAHIT, SARA_AA, SARA_AM, MAI_EK, MAI_THO, "\u0e34", "\u0e38", "\u0e4c"]
_PIECES = st.sampled_from([*LOST_SARA_AM, *THAI_PUA, *_LETTERS, *_MARKS])


@given(st.lists(_PIECES, max_size=20).map("".join))
def test_repairing_twice_changes_nothing_more(text: str) -> None:
    once = repair_thai(text)
    assert repair_thai(once) == once


@given(st.text(alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B), max_size=30))
def test_repairing_any_thai_text_twice_changes_nothing_more(text: str) -> None:
    once = repair_thai(text)
    assert repair_thai(once) == once
