"""Meeting phrases that name a part of the month ("ต้นเดือน", "กลางเดือน", "สิ้นเดือน"), alone,
with a weekday or inside a longer follow-up cell, read by `schedules.parse_recurrence` and
located by `schedules.recurrence.find_recurrence`.

The meaning of each part is the project's (see the docstring of parse_recurrence): a meeting is
on a working day (Mon-Fri), so ต้นเดือน is the first weekday of the month, สิ้นเดือน/ปลายเดือน
the last, กลางเดือน the first weekday on or after the 15th; with a weekday, its first or last
one in the month, or for กลางเดือน the one from the 12th to the 18th.

Expected dates are read off a printed calendar of October 2024 - June 2025 (Monday first):

    Oct 2024  1 Tue .. 31 Thu     Jan 2025  1 Wed .. 31 Fri     Apr 2025  1 Tue .. 30 Wed
    Nov 2024  1 Fri .. 30 Sat     Feb 2025  1 Sat .. 28 Fri     May 2025  1 Thu .. 31 Sat
    Dec 2024  1 Sun .. 31 Tue     Mar 2025  1 Sat .. 31 Mon     Jun 2025  1 Sun .. 30 Mon

and each list is checked twice: against the rule parse_recurrence gives, and against the rule
the project chose for the phrase, expanded by dateutil itself. None of them was copied from
the program's output.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from schedules import occurrences
from schedules.recurrence import (
    RecurrenceError,
    describe_recurrence,
    find_recurrence,
    parse_recurrence,
)

WINDOW = (date(2024, 10, 1), date(2025, 6, 30))

# The first weekday: 1 Oct is a Tuesday; 1 Dec, 1 Feb, 1 Mar and 1 Jun fall on a weekend,
# so the Monday after (2 Dec, 3 Feb, 3 Mar, 2 Jun).
FIRST_WEEKDAYS = [
    "2024-10-01",
    "2024-11-01",
    "2024-12-02",
    "2025-01-01",
    "2025-02-03",
    "2025-03-03",
    "2025-04-01",
    "2025-05-01",
    "2025-06-02",
]
# The last weekday: 30 Nov and 31 May are Saturdays, so the Friday before (29 Nov, 30 May).
LAST_WEEKDAYS = [
    "2024-10-31",
    "2024-11-29",
    "2024-12-31",
    "2025-01-31",
    "2025-02-28",
    "2025-03-31",
    "2025-04-30",
    "2025-05-30",
    "2025-06-30",
]
# The first weekday on or after the 15th: the 15th is a Sunday in Dec and Jun (-> 16th), a
# Saturday in Feb and Mar (-> Monday 17th).
MID_MONTH_WEEKDAYS = [
    "2024-10-15",
    "2024-11-15",
    "2024-12-16",
    "2025-01-15",
    "2025-02-17",
    "2025-03-17",
    "2025-04-15",
    "2025-05-15",
    "2025-06-16",
]
# The first Wednesday: Wednesdays begin on 2 Oct, 6 Nov, 4 Dec, 1 Jan, 5 Feb, 5 Mar, 2 Apr,
# 7 May, 4 Jun.
FIRST_WEDNESDAYS = [
    "2024-10-02",
    "2024-11-06",
    "2024-12-04",
    "2025-01-01",
    "2025-02-05",
    "2025-03-05",
    "2025-04-02",
    "2025-05-07",
    "2025-06-04",
]
# The last Friday.
LAST_FRIDAYS = [
    "2024-10-25",
    "2024-11-29",
    "2024-12-27",
    "2025-01-31",
    "2025-02-28",
    "2025-03-28",
    "2025-04-25",
    "2025-05-30",
    "2025-06-27",
]
# The Wednesday from the 12th to the 18th. Wednesdays: 2/9/16 Oct, 6/13 Nov, 4/11/18 Dec,
# 1/8/15 Jan, 5/12 Feb, 5/12 Mar, 2/9/16 Apr, 7/14 May, 4/11/18 Jun.
MID_MONTH_WEDNESDAYS = [
    "2024-10-16",
    "2024-11-13",
    "2024-12-18",
    "2025-01-15",
    "2025-02-12",
    "2025-03-12",
    "2025-04-16",
    "2025-05-14",
    "2025-06-18",
]
FIFTHS = [
    "2024-10-05",
    "2024-11-05",
    "2024-12-05",
    "2025-01-05",
    "2025-02-05",
    "2025-03-05",
    "2025-04-05",
    "2025-05-05",
    "2025-06-05",
]

FIRST_WEEKDAY_RULE = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1"
LAST_WEEKDAY_RULE = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
MID_MONTH_RULE = "FREQ=MONTHLY;BYMONTHDAY=15,16,17;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1"
MID_MONTH_WEDNESDAY_RULE = "FREQ=MONTHLY;BYMONTHDAY=12,13,14,15,16,17,18;BYDAY=WE"

# (phrase, the rule the project chose for it, the dates it must give in WINDOW)
PHRASES = [
    ("ทุกต้นเดือน", FIRST_WEEKDAY_RULE, FIRST_WEEKDAYS),
    ("ต้นเดือน", FIRST_WEEKDAY_RULE, FIRST_WEEKDAYS),
    ("ประชุมประจำเดือน ทุกต้นเดือน", FIRST_WEEKDAY_RULE, FIRST_WEEKDAYS),
    ("ทุกวันทำการแรกของเดือน", FIRST_WEEKDAY_RULE, FIRST_WEEKDAYS),
    ("ทุกสิ้นเดือน", LAST_WEEKDAY_RULE, LAST_WEEKDAYS),
    ("สิ้นเดือน", LAST_WEEKDAY_RULE, LAST_WEEKDAYS),
    ("ทุกปลายเดือน", LAST_WEEKDAY_RULE, LAST_WEEKDAYS),
    ("ปลายเดือน", LAST_WEEKDAY_RULE, LAST_WEEKDAYS),
    ("ทุกวันทำการสุดท้ายของเดือน", LAST_WEEKDAY_RULE, LAST_WEEKDAYS),
    ("ทุกกลางเดือน", MID_MONTH_RULE, MID_MONTH_WEEKDAYS),
    ("กลางเดือน", MID_MONTH_RULE, MID_MONTH_WEEKDAYS),
    ("ทุกวันพุธต้นเดือน", "FREQ=MONTHLY;BYDAY=1WE", FIRST_WEDNESDAYS),
    ("วันพุธแรกของเดือน", "FREQ=MONTHLY;BYDAY=1WE", FIRST_WEDNESDAYS),
    ("ทุกวันศุกร์สิ้นเดือน", "FREQ=MONTHLY;BYDAY=-1FR", LAST_FRIDAYS),
    ("วันศุกร์สุดท้ายของเดือน", "FREQ=MONTHLY;BYDAY=-1FR", LAST_FRIDAYS),
    ("ทุกวันศุกร์ปลายเดือน", "FREQ=MONTHLY;BYDAY=-1FR", LAST_FRIDAYS),
    ("ทุกวันพุธกลางเดือน", MID_MONTH_WEDNESDAY_RULE, MID_MONTH_WEDNESDAYS),
    ("ทุกวันที่ 5 ของเดือน", "FREQ=MONTHLY;BYMONTHDAY=5", FIFTHS),
    ("ทุกวันที่ ๕", "FREQ=MONTHLY;BYMONTHDAY=5", FIFTHS),
]


def dates(rule: str, start: date = WINDOW[0], end: date = WINDOW[1]) -> list[str]:
    """The local dates (Asia/Bangkok) the library gives for a rule."""
    return [moment.date().isoformat() for moment in occurrences(rule, start, end)]


def dateutil_dates(rule: str, start: date = WINDOW[0], end: date = WINDOW[1]) -> list[str]:
    """The dates dateutil alone gives for a rule, as a second opinion on the library."""
    first, last = (
        datetime.combine(start, datetime.min.time()),
        datetime(end.year, end.month, end.day, 23),
    )
    return [
        moment.date().isoformat()
        for moment in rrulestr(rule, dtstart=first).between(first, last, inc=True)
    ]


@pytest.mark.parametrize(("phrase", "rule", "expected"), PHRASES, ids=[p for p, _, _ in PHRASES])
def test_a_part_of_the_month_gives_the_days_read_off_the_calendar(phrase, rule, expected):
    assert dates(parse_recurrence(phrase)) == expected


@pytest.mark.parametrize(("phrase", "rule", "expected"), PHRASES, ids=[p for p, _, _ in PHRASES])
def test_the_chosen_rule_of_each_phrase_gives_those_days_in_dateutil_too(phrase, rule, expected):
    assert dateutil_dates(rule) == expected
    assert parse_recurrence(phrase) == rule


def test_the_start_and_the_end_of_the_month_together_meet_twice_a_month():
    # "ต้นเดือนและสิ้นเดือน": the first and the last weekday, BYSETPOS=1,-1.
    rule = parse_recurrence("ทุกต้นเดือนและสิ้นเดือน")
    assert dates(rule, date(2024, 11, 1), date(2024, 12, 31)) == [
        "2024-11-01",
        "2024-11-29",
        "2024-12-02",
        "2024-12-31",
    ]


def test_every_two_months_at_the_start_counts_its_months_from_january_2001():
    # Rules with an INTERVAL count from the anchor month, January 2001: every other month
    # from there is an odd month (Jan, Mar, May, ...; Nov 2024 is month 286 from the anchor,
    # even, so in). First weekdays: 1 Nov (Fri), 1 Jan (Wed), 3 Mar (Mon), 1 May (Thu).
    rule = parse_recurrence("ทุก 2 เดือน ต้นเดือน")
    assert dates(rule) == ["2024-11-01", "2025-01-01", "2025-03-03", "2025-05-01"]


def test_a_working_day_counted_from_a_day_of_the_month():
    # The first weekday on or after the 10th: 10 Nov 2024 is a Sunday -> Monday 11 Nov;
    # 10 Dec 2024 is a Tuesday.
    rule = parse_recurrence("ทุกวันทำการแรกตั้งแต่วันที่ 10 ของเดือน")
    assert dates(rule, date(2024, 11, 1), date(2024, 12, 31)) == ["2024-11-11", "2024-12-10"]


def test_an_explicit_week_or_day_wins_over_a_part_of_the_month():
    # The second Wednesday of Nov 2024 is 13 Nov; the 5th is the 5th.
    assert dates(parse_recurrence("ทุกวันพุธที่ 2 ต้นเดือน"), date(2024, 11, 1), date(2024, 11, 30)) == [
        "2024-11-13"
    ]
    assert dates(parse_recurrence("ทุกวันที่ 5 ต้นเดือน"), date(2024, 11, 1), date(2024, 11, 30)) == [
        "2024-11-05"
    ]


# --- not rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["เดือนละ 1 ครั้ง", "เดือนละครั้ง", "ประชุม 2 ครั้ง/เดือน"])
def test_how_often_without_a_day_is_refused_asking_for_the_day(text):
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence(text)
    message = str(caught.value)
    assert repr(text) in message
    assert "which day" in message
    assert find_recurrence(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "เผยแพร่บนเว็บไซต์ของเทศบาลก่อนสิ้นเดือนเมษายน",  # the end of April: once
        "ภายในต้นเดือนหน้า",  # early next month: once
        "สิ้นเดือนนี้",  # the end of this month: once
        "ต้นเดือน ม.ค. 2568",  # early January 2568: once
    ],
)
def test_a_part_of_one_named_month_is_one_time_not_a_rule(text):
    assert find_recurrence(text) is None
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence(text)
    assert repr(text) in str(caught.value)


def test_a_day_of_one_named_month_is_not_a_day_of_every_month():
    # "ทุกวันที่ 5 พ.ค." is every 5 May, once a year: not the 5th of each month.
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence("ทุกวันที่ 5 พ.ค.")
    assert "no weekday or day" in str(caught.value)


def test_every_month_alone_still_names_no_day():
    with pytest.raises(RecurrenceError, match="no weekday or day"):
        parse_recurrence("ทุกเดือน")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("ทุกกลางเดือนและสิ้นเดือน", "middle"),
        ("ทุกวันทำการแรกตั้งแต่วันที่ 27 ของเดือน", "27"),  # 27..29: not in February
        ("ทุกวันพุธแรกตั้งแต่วันที่ 23 ของเดือน", "23"),  # 23..29: not in February
    ],
)
def test_parts_that_make_no_monthly_rule_are_refused(text, problem):
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence(text)
    assert repr(text) in str(caught.value)
    assert problem in str(caught.value)


# --- inside a longer cell -------------------------------------------------------------------

# (cell, the phrase as written in it, the dates of its rule in November 2024)
CELLS = [
    ("รายงานผลในที่ประชุมประจำเดือนของ อบต. ทุกสิ้นเดือน", "ทุกสิ้นเดือน", ["2024-11-29"]),
    ("ติดตามในการประชุมพนักงาน ต้นเดือน", "ต้นเดือน", ["2024-11-01"]),
    ("ประชุมประจำเดือน ทุกต้นเดือน", "ทุกต้นเดือน", ["2024-11-01"]),
    ("รายงานผลต่อที่ประชุมหัวหน้าส่วนราชการ ทุกวันพุธต้นเดือน", "ทุกวันพุธต้นเดือน", ["2024-11-06"]),
    (
        "รายงานความก้าวหน้าต่อที่ประชุมผู้บริหารกรม ทุกวันศุกร์สิ้นเดือน",
        "ทุกวันศุกร์สิ้นเดือน",
        ["2024-11-29"],
    ),
    # the words after the phrase are not part of it; the Wednesdays of Nov 2024 are 6, 13,
    # 20 and 27, so the 1st and 3rd are 6 and 20, and there is no 5th.
    (
        "รายงานผลในการประชุมหัวหน้าส่วนราชการ ทุกวันพุธ สัปดาห์ที่ ๑,๓ และ ๕ ของเดือน ณ ห้องประชุมใหญ่",
        "ทุกวันพุธ สัปดาห์ที่ ๑,๓ และ ๕ ของเดือน",
        ["2024-11-06", "2024-11-20"],
    ),
    # "ทุกส่วนราชการ" is every unit, not the rule
    ("ติดตามผลทุกส่วนราชการ ทุกวันพุธกลางเดือน", "ทุกวันพุธกลางเดือน", ["2024-11-13"]),
    # a start date after a weekly rule is not a day of the month: every Wednesday
    (
        "ประชุมคณะทำงาน ทุกวันพุธ ตั้งแต่วันที่ 1 ต.ค. 2567",
        "ทุกวันพุธ",
        ["2024-11-06", "2024-11-13", "2024-11-20", "2024-11-27"],
    ),
]


@pytest.mark.parametrize(("cell", "phrase", "expected"), CELLS, ids=[c for _, c, _ in CELLS])
def test_the_phrase_is_found_inside_a_follow_up_cell_with_its_place(cell, phrase, expected):
    found = find_recurrence(cell)
    assert found is not None
    rule, start, end = found
    assert cell[start:end] == phrase
    assert rule == parse_recurrence(cell)
    assert dates(rule, date(2024, 11, 1), date(2024, 11, 30)) == expected


def test_the_place_is_in_the_text_as_written_with_pdf_damage_and_thai_digits():
    # Sara am written as nikhahit + sara aa (two characters), and a doubled space.
    cell = "รายงานผลในการประชุม  ทุกวันท\u0e4d\u0e32การแรกของเดือน ณ ศาลา"
    rule, start, end = find_recurrence(cell) or ("", 0, 0)
    assert cell[start:end] == "ทุกวันท\u0e4d\u0e32การแรกของเดือน"
    assert rule == FIRST_WEEKDAY_RULE


def test_a_raw_rrule_in_a_text_is_found_with_its_place():
    text = "ตามกฎ FREQ=MONTHLY;BYDAY=1WE ของคณะ"
    rule, start, end = find_recurrence(text) or ("", 0, 0)
    assert text[start:end] == "FREQ=MONTHLY;BYDAY=1WE"
    assert rule == "FREQ=MONTHLY;BYDAY=1WE"


def test_a_text_with_no_phrase_is_not_found():
    assert find_recurrence("รายงานผลต่อผู้บริหาร") is None


# --- said back, and read again --------------------------------------------------------------

DESCRIPTIONS = [
    (FIRST_WEEKDAY_RULE, "ทุกต้นเดือน (วันทำการแรกของเดือน)", "the first weekday of the month"),
    (LAST_WEEKDAY_RULE, "ทุกสิ้นเดือน (วันทำการสุดท้ายของเดือน)", "the last weekday of the month"),
    (
        MID_MONTH_RULE,
        "ทุกกลางเดือน (วันทำการแรกตั้งแต่วันที่ 15)",
        "the first weekday on or after the 15th of the month",
    ),
    (
        MID_MONTH_WEDNESDAY_RULE,
        "ทุกวันพุธกลางเดือน (วันพุธแรกตั้งแต่วันที่ 12)",
        "the first Wednesday on or after the 12th of the month",
    ),
    (
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-1",
        "ทุกต้นเดือนและสิ้นเดือน (วันทำการแรกและวันทำการสุดท้ายของเดือน)",
        "the first and the last weekday of the month",
    ),
]


@pytest.mark.parametrize(("rule", "thai", "english"), DESCRIPTIONS)
def test_a_part_of_the_month_is_said_back_in_words(rule, thai, english):
    assert describe_recurrence(rule) == thai
    assert describe_recurrence(rule, lang="en") == english


@pytest.mark.parametrize(
    "rule",
    [
        *(rule for rule, _, _ in DESCRIPTIONS),
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1",
        "FREQ=MONTHLY;BYMONTHDAY=10,11,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1",
        "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=20,21,22,23,24,25,26;BYDAY=FR",
        "FREQ=MONTHLY;BYMONTHDAY=12,13,14,15,16,17,18;BYDAY=MO,WE",  # said as the rule itself
    ],
)
def test_a_description_read_back_gives_the_same_dates(rule):
    two_years = (date(2024, 10, 1), date(2026, 9, 30))
    again = parse_recurrence(describe_recurrence(rule))
    assert dates(again, *two_years) == dates(rule, *two_years)
    assert dates(rule, *two_years)


def test_the_cli_reads_the_start_of_the_month_and_says_what_it_means(cli):
    result = cli("recurrence", "ทุกต้นเดือน", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json() == {
        "rrule": FIRST_WEEKDAY_RULE,
        "description": "ทุกต้นเดือน (วันทำการแรกของเดือน)",
    }


RULE_WORDS = [
    "ทุก",
    "วัน",
    "พุธ",
    "วันทำการ",
    "วันท\u0e4d\u0e32การ",  # sara am as two characters
    "ต้นเดือน",
    "กลางเดือน",
    "สิ้นเดือน",
    "แรก",
    "สุดท้าย",
    "ที่",
    "ของ",
    "เดือน",
    "และ",
    "ตั้งแต่",
    "วันที่",
    "สัปดาห์",
    " ",
    "  ",
    "1",
    "๒",
    "15",
    "40",
    "(",
    ")",
    "ม.ค.",
    "นี้",
    "ทุกข์",
    "\u200b",
]


@settings(deadline=None, max_examples=300)
@given(st.lists(st.sampled_from(RULE_WORDS), max_size=10).map("".join))
def test_any_text_of_rule_words_is_a_rule_with_its_place_or_an_error_quoting_it(text):
    try:
        found = find_recurrence(text)
    except RecurrenceError as error:
        message = str(error)
    else:
        message = None
    if message is not None:
        assert repr(text) in message, message
        return
    if found is not None:
        rule, start, end = found
        assert 0 <= start < end <= len(text)
        assert rule == parse_recurrence(text[start:end])
