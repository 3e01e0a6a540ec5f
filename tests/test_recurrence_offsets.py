"""`schedules.recurrence_words.clean_with_offsets` takes a short cut for a text with nothing to
compose, drop or collapse; it must give what reading it one character at a time gives."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from schedules.recurrence_words import _clean_each_character, _source, clean_with_offsets

PIECES = ["ทุกวันพุธ", "สัปดาห์ที่", "๑", "3", ",", "และ", " ", "  ", "\t", "\n", "\u00a0"]
PIECES += ["\u200b", "\u0e4d", "\u0e32", "วันท\u0e4d\u0e32การ", "ต้นเดือน", "x"]


@settings(deadline=None, max_examples=300)
@given(text=st.lists(st.sampled_from(PIECES), max_size=10).map("".join) | st.text(max_size=20))
@example(text="ทุกวันพุธ สัปดาห์ที่ ๑,๓ และ ๕ ของเดือน")  # the short cut
@example(text=" ทุกวันพุธ")  # a blank first: the long way
@example(text="")
def test_the_short_cut_gives_what_reading_each_character_gives(text):
    assert clean_with_offsets(text) == _clean_each_character(_source(text))


def test_a_clean_cell_keeps_every_position():
    # Worked out by hand: Thai digits become Arabic, one character each, nothing moves.
    assert clean_with_offsets("ทุก ๕") == ("ทุก 5", [0, 1, 2, 3, 4], [1, 2, 3, 4, 5])
