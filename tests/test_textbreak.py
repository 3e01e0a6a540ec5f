"""tracker.textbreak: Thai line breaks from ICU, and wrapping by terminal cells.

Expected words and widths are written by hand. A width in cells counts the letters that stand
on the line and not the marks above or below one (ั ิ ี ุ ู ็ ่ ้ ๊ ์): "ผู้รับผิดชอบ" is
ผ ร บ ผ ด ช อ บ, 8 cells; "ดำเนินการ" is ด ำ เ น น ก า ร, 8; "ปฏิบัติ" is ป ฏ บ ต, 4; "น้ำ" is
น ำ, 2. The texts are the seed report's unit names and headings, and sentences of our own.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from tracker import textbreak
from tracker.textbreak import break_points, cell_width, graphemes, pieces, wrap

SECRETARIAT_SPACED = "สำนักงานเลขานุการ องค์การบริหารส่วนจังหวัด"
EVERY_UNIT = "ทุกส่วนราชการในสังกัดองค์การบริหารส่วนจังหวัดแพร่"
ITA_MEASURE = "การยกระดับผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ.๒๕๖๕"
OWN_SENTENCE = "หน่วยงานผู้รับผิดชอบดำเนินการตามแผนปฏิบัติการประหยัดน้ำและไฟฟ้า ทุกเดือน"
MIXED = "ส่งรายงาน OIT ข้อ O42 ภายใน 31 มี.ค. 2566 ที่ https://example.go.th/ita"
TEXTS = [SECRETARIAT_SPACED, EVERY_UNIT, ITA_MEASURE, OWN_SENTENCE, MIXED, "ผู้รับผิดชอบ"]

HARD_WORDS = ["ผู้รับผิดชอบ", "ดำเนินการ", "ปฏิบัติ", "น้ำ"]
HARD_WORD_CELLS = {"ผู้รับผิดชอบ": 8, "ดำเนินการ": 8, "ปฏิบัติ": 4, "น้ำ": 2}
LEADING_VOWELS = "เแโใไ"


# --- widths ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "cells"), HARD_WORD_CELLS.items())
def test_marks_above_and_below_the_line_take_no_cell(word, cells):
    assert cell_width(word) == cells


def test_latin_digits_and_wide_characters():
    assert cell_width("ITA 2566") == 8
    assert cell_width("๒๕๖๕") == 4
    assert cell_width("会议") == 4  # East Asian wide: two cells each
    assert cell_width("a\u200bb") == 2  # a zero-width space takes none


# --- where lines may break -------------------------------------------------------------------


def test_a_unit_name_breaks_between_its_words():
    assert pieces(SECRETARIAT_SPACED) == [
        "สำนักงาน",
        "เลขานุการ ",
        "องค์การ",
        "บริหาร",
        "ส่วน",
        "จังหวัด",
    ]


def test_the_every_unit_group_breaks_between_its_words():
    assert pieces(EVERY_UNIT) == [
        "ทุก",
        "ส่วนราชการ",
        "ใน",
        "สังกัด",
        "องค์การ",
        "บริหาร",
        "ส่วน",
        "จังหวัด",
        "แพร่",
    ]


def test_mixed_thai_latin_and_thai_digits_keep_their_words():
    found = pieces(ITA_MEASURE)
    for word in ("การ", "ยก", "ระดับ", "ประเมิน ", "ITA ", "ประจำ", "ปีงบประมาณ "):
        assert word in found
    assert found[-1] == "พ.ศ.๒๕๖๕"  # an abbreviation glued to its year


@pytest.mark.parametrize("word", ["ผู้รับผิดชอบ", "ดำเนินการ", "ปฏิบัติ", "น้ำ", "ประชาสัมพันธ์"])
def test_a_hard_word_alone_has_no_break_inside(word):
    assert break_points(word) == []


def test_offsets_count_characters_even_after_an_emoji():
    # ICU counts UTF-16 units; an emoji is two of them but one Python character.
    assert pieces("ok 😀 ผู้รับผิดชอบ ok") == ["ok ", "😀 ", "ผู้รับผิดชอบ ", "ok"]


def test_break_points_are_grapheme_boundaries_inside_the_text():
    for text in TEXTS:
        boundaries = set()
        offset = 0
        for cluster in graphemes(text):
            offset += len(cluster)
            boundaries.add(offset)
        points = break_points(text)
        assert points == sorted(points)
        assert all(0 < point < len(text) for point in points)
        assert set(points) <= boundaries, text


def test_graphemes_keep_a_letter_with_its_marks():
    assert graphemes("น้ำผู้") == ["น้ำ", "ผู้"]
    assert graphemes("ปฏิบัติ") == ["ป", "ฏิ", "บั", "ติ"]


# --- wrapping --------------------------------------------------------------------------------


def test_the_secretariat_at_16_cells():
    # สำนักงาน 7 + เลขานุการ 8 = 15 fit; + องค์การ 6 would be 21: break at the space.
    # องค์การ 6 + บริหาร 5 + ส่วน 3 = 14; + จังหวัด 5 would be 19.
    assert wrap(SECRETARIAT_SPACED, 16) == ["สำนักงานเลขานุการ", "องค์การบริหารส่วน", "จังหวัด"]


def test_the_every_unit_group_at_10_cells():
    # ทุก 2 + ส่วนราชการ 9 > 10; ส่วนราชการ 9 + ใน 2 > 10; ใน 2 + สังกัด 4 = 6, + องค์การ 6 > 10;
    # องค์การ 6 + บริหาร 5 > 10; บริหาร 5 + ส่วน 3 = 8, + จังหวัด 5 > 10; จังหวัด 5 + แพร่ 3 = 8.
    assert wrap(EVERY_UNIT, 10) == [
        "ทุก",
        "ส่วนราชการ",
        "ในสังกัด",
        "องค์การ",
        "บริหารส่วน",
        "จังหวัดแพร่",
    ]


@pytest.mark.parametrize("word", HARD_WORDS)
def test_hard_words_are_never_split_when_they_fit(word):
    for text in (OWN_SENTENCE, f"หัวข้อ {word} ท้าย", word):
        if word not in text:
            continue
        for width in range(HARD_WORD_CELLS[word], 41):
            lines = wrap(text, width)
            assert any(word in line for line in lines), (width, lines)


def test_a_kept_compound_in_a_narrower_column_breaks_at_icus_own_boundaries():
    # ผู้รับผิดชอบ is kept whole when it fits; in 3 cells it falls back to ICU's parts.
    assert wrap("ผู้รับผิดชอบ", 3) == ["ผู้รับ", "ผิด", "ชอบ"]


@pytest.mark.parametrize("text", TEXTS)
def test_every_line_fits_the_width(text):
    for width in range(1, 60):
        for line in wrap(text, width):
            # ดำ, น้ำ are one grapheme of two cells: in one cell such a grapheme stands alone.
            assert cell_width(line) <= width or len(graphemes(line)) == 1, (width, line)


@pytest.mark.parametrize("text", TEXTS)
def test_joined_lines_give_back_the_text_less_the_spaces_at_breaks(text):
    for width in range(1, 60):
        lines = wrap(text, width)
        assert all(line == line.rstrip() for line in lines)
        # Only whitespace may have been dropped, and only where one line ends.
        between = r"\s*"
        pattern = between.join(re.escape(line) for line in lines) + between
        assert re.fullmatch(pattern, text), (width, lines)


def test_newlines_always_end_a_line():
    assert wrap("สำนักปลัด\nกองคลัง", 40) == ["สำนักปลัด", "กองคลัง"]
    assert wrap("", 10) == [""]


def test_a_word_longer_than_the_width_is_cut_between_graphemes():
    # ประชาสัมพันธ์ has no break inside; its graphemes: ป ร ะ ช า สั ม พั น ธ์.
    assert wrap("ประชาสัมพันธ์", 4) == ["ประช", "าสัมพั", "นธ์"]
    assert wrap("supercalifragilistic", 7) == ["superca", "lifragi", "listic"]


@pytest.mark.parametrize("text", TEXTS)
def test_cuts_never_leave_a_mark_without_its_letter(text):
    for width in range(1, 30):
        for line in wrap(text, width):
            assert line == "" or unicodedata.category(line[0]) != "Mn", (width, line)


@pytest.mark.parametrize("text", TEXTS)
def test_cuts_never_strand_a_leading_vowel_at_a_line_end(text):
    for width in range(2, 30):
        for line in wrap(text, width):
            assert not line.endswith(tuple(LEADING_VOWELS)), (width, line)


def test_a_leading_vowel_moves_to_the_next_line_with_its_consonant():
    # ประเมิน is one word, ป ร ะ เ มิ น: 4 cells would end the first line with its เ.
    assert break_points("ประเมิน") == []
    assert wrap("ประเมิน", 4) == ["ประ", "เมิน"]


def test_a_grapheme_wider_than_the_width_gets_a_line_of_its_own():
    assert wrap("会议", 1) == ["会", "议"]


def test_the_width_must_be_a_cell_at_least():
    with pytest.raises(ValueError, match="at least 1 cell"):
        wrap("กองคลัง", 0)


def test_a_caller_may_measure_with_its_own_cells():
    def doubled(text: str) -> int:
        return 2 * cell_width(text)

    # กองคลัง 6 + space 1 + กองช่าง 6 = 13 cells; doubled, 26.
    assert wrap("กองคลัง กองช่าง", 13) == ["กองคลัง กองช่าง"]
    assert wrap("กองคลัง กองช่าง", 13, doubled) == ["กองคลัง", "กองช่าง"]


def test_without_icu_wrapping_fails_and_says_what_to_install(monkeypatch):
    textbreak._breakers.cache_clear()
    textbreak._break_points.cache_clear()
    monkeypatch.setitem(sys.modules, "icu4py", None)
    monkeypatch.setitem(sys.modules, "icu4py.breakers", None)
    try:
        with pytest.raises(ImportError, match="icu4py"):
            wrap("ทุกส่วนราชการ", 5)
    finally:
        monkeypatch.undo()
        textbreak._breakers.cache_clear()
