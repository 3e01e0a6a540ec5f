"""Meeting rules: Thai phrases (and raw RRULEs) to RFC 5545 rules, and rules back to words.

Rules are compared by the dates they produce in Asia/Bangkok, never as strings, as
../shared/vectors/recurrence.tsv asks. Expected dates come from that file,
../shared/vectors/seed-expected.json, ../shared/design/domain.md (section 3) or calendar
reasoning written out beside each case, not from this code's output.
"""

from __future__ import annotations

import json
from datetime import date, time

import pytest
from cli_support import assert_json_error
from conftest import SHARED
from hypothesis import given, settings
from hypothesis import strategies as st

from schedules import occurrences
from schedules.recurrence import RecurrenceError, describe_recurrence, parse_recurrence

FY2566 = (date(2022, 10, 1), date(2023, 9, 30))
SEED_RULE = "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE"
SEED_PHRASE = "ทุกวันพุธ สัปดาห์ที่ ๑,๓ และ ๕ ของเดือน"


def _vectors() -> list[tuple[str, str]]:
    rows = []
    for line in (SHARED / "vectors" / "recurrence.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, rule = line.split("\t")
        rows.append((text, rule.strip()))
    return rows


VECTORS = _vectors()
RULE_VECTORS = [(text, rule) for text, rule in VECTORS if rule != "ERROR"]
ERROR_VECTORS = [text for text, rule in VECTORS if rule == "ERROR"]


def _seed_meetings() -> list[str]:
    path = SHARED / "vectors" / "seed-expected.json"
    return json.loads(path.read_text(encoding="utf-8"))["meetings_fy2566"]


def dates(rule: str, start: date = FY2566[0], end: date = FY2566[1]) -> list[str]:
    """The local dates (Asia/Bangkok) a rule gives from ``start`` to ``end``."""
    return [moment.date().isoformat() for moment in occurrences(rule, start, end)]


def test_the_vector_file_has_rules_and_the_weekless_error_case():
    # Guards the tests below against an empty or misread vector file.
    assert len(RULE_VECTORS) >= 6
    assert ERROR_VECTORS == ["ทุกสัปดาห์ที่ 1 และ 3 ของเดือน"]


# --- the vectors, through the library and the CLI --------------------------------------------


@pytest.mark.parametrize(("text", "expected_rule"), RULE_VECTORS)
def test_each_vector_phrase_gives_the_dates_of_its_rule(text, expected_rule):
    rule = parse_recurrence(text)
    expected = dates(expected_rule)
    assert expected, f"the vector rule {expected_rule} gives no date in FY2566"
    assert dates(rule) == expected


@pytest.mark.parametrize(("text", "expected_rule"), RULE_VECTORS)
def test_each_vector_phrase_gives_the_dates_of_its_rule_through_the_cli(cli, text, expected_rule):
    result = cli("recurrence", text, "--json")
    assert result.exit_code == 0, result.stderr
    body = result.json()
    assert set(body) == {"rrule", "description"}
    assert dates(body["rrule"]) == dates(expected_rule)
    assert body["description"] == THAI_DESCRIPTIONS[expected_rule]


def test_the_seed_phrase_gives_the_28_meetings_of_fiscal_year_2566():
    assert dates(parse_recurrence(SEED_PHRASE)) == _seed_meetings()
    assert len(_seed_meetings()) == 28


@pytest.mark.parametrize("text", ERROR_VECTORS)
def test_a_phrase_naming_weeks_but_no_weekday_is_an_error_asking_for_the_weekday(text):
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence(text)
    assert isinstance(caught.value, ValueError)
    message = str(caught.value)
    assert text in message
    assert "weekday" in message


@pytest.mark.parametrize("text", ERROR_VECTORS)
def test_a_phrase_naming_weeks_but_no_weekday_fails_in_the_cli_with_one_line(cli, text):
    result = cli("recurrence", text, "--json")
    assert result.exit_code == 2
    assert_json_error(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert text in lines[0]
    assert "weekday" in lines[0]


# --- more phrases, checked by hand -----------------------------------------------------------
# Calendar facts used below: 2023-01-01 is a Sunday; 2023-02-01 and 2023-03-01 are Wednesdays;
# 2023-01-31 and 2023-02-28 are Tuesdays, 2023-03-31 a Friday; 2024 is a leap year.


def test_two_weekdays_meet_on_both_days_every_week():
    rule = parse_recurrence("ทุกวันอังคารและวันพฤหัสบดี")
    assert dates(rule, date(2023, 1, 1), date(2023, 1, 14)) == [
        "2023-01-03",
        "2023-01-05",
        "2023-01-10",
        "2023-01-12",
    ]


@pytest.mark.parametrize("text", ["ทุก 2 สัปดาห์ วันจันทร์", "ทุก ๒ สัปดาห์ วันจันทร์"])
def test_every_two_weeks_meets_on_every_other_monday(text):
    # Seen from a window that starts on a Monday, that Monday is the first meeting.
    rule = parse_recurrence(text)
    assert dates(rule, date(2023, 1, 2), date(2023, 2, 28)) == [
        "2023-01-02",
        "2023-01-16",
        "2023-01-30",
        "2023-02-13",
        "2023-02-27",
    ]


def test_working_days_are_monday_to_friday():
    rule = parse_recurrence("ทุกวันทำการ")
    assert dates(rule, date(2023, 7, 24), date(2023, 8, 6)) == [
        "2023-07-24",
        "2023-07-25",
        "2023-07-26",
        "2023-07-27",
        "2023-07-28",
        "2023-07-31",
        "2023-08-01",
        "2023-08-02",
        "2023-08-03",
        "2023-08-04",
    ]


def test_the_first_friday_of_the_month():
    rule = parse_recurrence("ทุกวันศุกร์แรกของเดือน")
    assert dates(rule, date(2023, 1, 1), date(2023, 3, 31)) == [
        "2023-01-06",
        "2023-02-03",
        "2023-03-03",
    ]


def test_the_last_friday_of_the_month():
    rule = parse_recurrence("ทุกวันศุกร์สุดท้ายของเดือน")
    assert dates(rule, date(2023, 1, 1), date(2023, 3, 31)) == [
        "2023-01-27",
        "2023-02-24",
        "2023-03-31",
    ]


def test_the_first_and_last_monday_of_the_month():
    rule = parse_recurrence("ทุกวันจันทร์แรกและวันจันทร์สุดท้ายของเดือน")
    assert dates(rule, date(2023, 1, 1), date(2023, 3, 31)) == [
        "2023-01-02",
        "2023-01-30",
        "2023-02-06",
        "2023-02-27",
        "2023-03-06",
        "2023-03-27",
    ]


def test_two_days_of_the_month():
    rule = parse_recurrence("ทุกวันที่ 1 และ 15 ของเดือน")
    assert dates(rule, date(2023, 1, 1), date(2023, 2, 28)) == [
        "2023-01-01",
        "2023-01-15",
        "2023-02-01",
        "2023-02-15",
    ]


@pytest.mark.parametrize("text", ["ทุกวันสุดท้ายของเดือน", "วันสุดท้ายของเดือน ทุกเดือน"])
def test_the_last_day_of_the_month_follows_the_length_of_each_month(text):
    rule = parse_recurrence(text)
    assert dates(rule, date(2023, 12, 1), date(2024, 4, 30)) == [
        "2023-12-31",
        "2024-01-31",
        "2024-02-29",
        "2024-03-31",
        "2024-04-30",
    ]


def test_every_day_is_daily():
    rule = parse_recurrence("ทุกวัน")
    assert dates(rule, date(2023, 2, 27), date(2023, 3, 2)) == [
        "2023-02-27",
        "2023-02-28",
        "2023-03-01",
        "2023-03-02",
    ]


@pytest.mark.parametrize(
    ("thai_digits", "arabic_digits"),
    [
        ("ทุกวันที่ ๑๕ ของเดือน", "ทุกวันที่ 15 ของเดือน"),
        ("ทุกวันพุธที่ ๒ ของเดือน", "ทุกวันพุธที่ 2 ของเดือน"),
        ("ทุกวันพุธ สัปดาห์ที่ ๑,๓ และ ๕ ของเดือน", "ทุกวันพุธ สัปดาห์ที่ 1,3 และ 5 ของเดือน"),
    ],
)
def test_thai_digits_read_like_arabic_digits(thai_digits, arabic_digits):
    expected = dates(parse_recurrence(arabic_digits))
    assert expected
    assert dates(parse_recurrence(thai_digits)) == expected


def test_the_15th_of_the_month_in_thai_digits():
    assert dates(parse_recurrence("ทุกวันที่ ๑๕ ของเดือน"), date(2023, 1, 1), date(2023, 3, 31)) == [
        "2023-01-15",
        "2023-02-15",
        "2023-03-15",
    ]


def test_a_phrase_inside_a_longer_sentence_is_found():
    text = "รายงานผลในการประชุมหัวหน้าส่วนราชการ ทุกวันพุธ สัปดาห์ที่ ๑,๓ และ ๕ ของเดือน"
    assert dates(parse_recurrence(text)) == _seed_meetings()


def test_the_seed_phrase_with_spaces_after_commas_reads_the_same():
    # The demo plan writes it "๑, ๓ และ ๕".
    assert dates(parse_recurrence("ทุกวันพุธ สัปดาห์ที่ ๑, ๓ และ ๕ ของเดือน")) == _seed_meetings()


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE",
        "freq=monthly;byday=1we,3we,5we",
        "RRULE:FREQ=MONTHLY;BYDAY=1WE,3WE,5WE",
        "rrule:Freq=Monthly;ByDay=1we,3we,5we",
        "  RRULE:FREQ=MONTHLY;BYDAY=1WE,3WE,5WE  ",
    ],
)
def test_a_raw_rrule_is_read_case_insensitively_with_or_without_its_prefix(text):
    rule = parse_recurrence(text)
    assert not rule.upper().startswith("RRULE:")
    assert dates(rule) == _seed_meetings()


def test_a_raw_rrule_may_end_with_a_utc_until_as_rfc_5545_requires_for_zoned_rules():
    # UNTIL=20230130T020000Z is 2023-01-30 09:00 in Bangkok, so that Monday meeting is the last.
    rule = parse_recurrence("FREQ=WEEKLY;BYDAY=MO;UNTIL=20230130T020000Z")
    assert dates(rule, date(2023, 1, 1), date(2023, 3, 31)) == [
        "2023-01-02",
        "2023-01-09",
        "2023-01-16",
        "2023-01-23",
        "2023-01-30",
    ]


@pytest.mark.parametrize(
    "text", ["FREQ=SOMETIMES", "FREQ=WEEKLY;BYDAY=XX", "RRULE:FREQ=MONTHLY;BYDAY=1WE;INTERVAL=x"]
)
def test_an_invalid_rrule_is_an_error_quoting_it(text):
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence(text)
    assert text in str(caught.value)


@pytest.mark.parametrize("text", ["FREQ=WEEKLY;BYDAY=MO;COUNT=3", "rrule:freq=daily;count=10"])
def test_an_rrule_with_count_is_refused(text):
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence(text)
    assert text in str(caught.value)
    assert "COUNT" in str(caught.value)


@pytest.mark.parametrize("text", ["ประชุมเมื่อสะดวก", "ทุกเดือน", "ไม่กำหนด", ""])
def test_a_phrase_with_no_rule_is_an_error_quoting_it(text):
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence(text)
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize("text", ["ทุกวันพุธ สัปดาห์ที่ 6 ของเดือน", "ทุกวันที่ 32 ของเดือน"])
def test_a_week_or_day_a_month_cannot_have_is_an_error(text):
    with pytest.raises(RecurrenceError):
        parse_recurrence(text)


def test_an_unreadable_phrase_fails_in_the_cli_with_one_line(cli):
    result = cli("recurrence", "ประชุมเมื่อสะดวก", "--json")
    assert result.exit_code == 2
    assert_json_error(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "ประชุมเมื่อสะดวก" in lines[0]


def test_the_cli_prints_the_rule_and_its_thai_description(cli):
    result = cli("recurrence", SEED_PHRASE, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["description"] == "ทุกวันพุธที่ 1, 3 และ 5 ของเดือน"


# --- rules back to words ---------------------------------------------------------------------
# "ทุกวันพุธที่ 1, 3 และ 5 ของเดือน" is given by the project brief; the others follow its
# pattern: ทุก + วัน<weekday> + ที่ <ordinals> + ของเดือน, last = สุดท้าย, days = วันที่ N.

THAI_DESCRIPTIONS = {
    "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE": "ทุกวันพุธที่ 1, 3 และ 5 ของเดือน",
    "FREQ=MONTHLY;BYDAY=2WE": "ทุกวันพุธที่ 2 ของเดือน",
    "FREQ=WEEKLY;BYDAY=MO": "ทุกวันจันทร์",
    "FREQ=MONTHLY;BYDAY=-1FR": "ทุกวันศุกร์สุดท้ายของเดือน",
    "FREQ=MONTHLY;BYMONTHDAY=5": "ทุกวันที่ 5 ของเดือน",
}

ENGLISH_DESCRIPTIONS = {
    "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE": "every 1st, 3rd and 5th Wednesday of the month",
    "FREQ=MONTHLY;BYDAY=2WE": "every 2nd Wednesday of the month",
    "FREQ=WEEKLY;BYDAY=MO": "every Monday",
    "FREQ=MONTHLY;BYDAY=-1FR": "every last Friday of the month",
    "FREQ=MONTHLY;BYMONTHDAY=5": "the 5th of the month",
}


def test_every_vector_rule_has_an_expected_description():
    assert {rule for _, rule in RULE_VECTORS} == set(THAI_DESCRIPTIONS)


@pytest.mark.parametrize(("rule", "expected"), THAI_DESCRIPTIONS.items())
def test_a_vector_rule_is_said_back_in_thai(rule, expected):
    assert describe_recurrence(rule) == expected
    assert describe_recurrence(rule, "th") == expected


@pytest.mark.parametrize(("rule", "expected"), ENGLISH_DESCRIPTIONS.items())
def test_a_vector_rule_is_said_back_in_english(rule, expected):
    assert describe_recurrence(rule, lang="en") == expected


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("FREQ=WEEKLY;BYDAY=TU,TH", "ทุกวันอังคารและวันพฤหัสบดี"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "ทุก 2 สัปดาห์ วันจันทร์"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "ทุกวันทำการ"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", "ทุกวันที่ 1 และ 15 ของเดือน"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "ทุกวันสุดท้ายของเดือน"),
        ("FREQ=DAILY", "ทุกวัน"),
        ("RRULE:FREQ=MONTHLY;BYDAY=1WE,3WE,5WE", "ทุกวันพุธที่ 1, 3 และ 5 ของเดือน"),
    ],
)
def test_other_phrase_shapes_are_said_back_in_thai(rule, expected):
    assert describe_recurrence(rule) == expected


def test_english_ordinals_use_st_nd_rd_and_th_correctly():
    assert (
        describe_recurrence("FREQ=MONTHLY;BYMONTHDAY=11,12,13,21,22,23,31", lang="en")
        == "the 11th, 12th, 13th, 21st, 22nd, 23rd and 31st of the month"
    )


def test_a_rule_with_no_phrase_is_described_as_the_rule_itself():
    rule = "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1"
    assert rule in describe_recurrence(rule)
    assert rule in describe_recurrence(rule, lang="en")


# --- describe, then parse again: the same dates ----------------------------------------------

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TWO_YEARS = (date(2022, 10, 1), date(2024, 9, 30))


@st.composite
def phrase_shaped_rules(draw) -> str:
    """Rules of the shapes parse_recurrence produces from Thai phrases."""
    shape = draw(st.sampled_from(["weekly", "monthly_weekday", "monthly_day", "daily"]))
    if shape == "weekly":
        days = draw(st.lists(st.sampled_from(WEEKDAY_CODES), min_size=1, max_size=3, unique=True))
        interval = draw(st.integers(1, 3))
        every = f";INTERVAL={interval}" if interval > 1 else ""
        return f"FREQ=WEEKLY{every};BYDAY={','.join(days)}"
    if shape == "monthly_weekday":
        day = draw(st.sampled_from(WEEKDAY_CODES))
        weeks = draw(st.sets(st.sampled_from([1, 2, 3, 4, 5, -1]), min_size=1))
        ordered = sorted(weeks, key=lambda w: (w < 0, w))
        return f"FREQ=MONTHLY;BYDAY={','.join(f'{w}{day}' for w in ordered)}"
    if shape == "monthly_day":
        days = draw(st.sets(st.sampled_from([*range(1, 29), -1]), min_size=1, max_size=4))
        ordered = sorted(days, key=lambda d: (d < 0, d))
        return f"FREQ=MONTHLY;BYMONTHDAY={','.join(map(str, ordered))}"
    return "FREQ=DAILY"


@settings(deadline=None, database=None)
@given(phrase_shaped_rules())
def test_a_description_read_back_gives_the_same_dates_as_the_rule(rule):
    description = describe_recurrence(rule)
    again = parse_recurrence(description)
    assert dates(again, *TWO_YEARS) == dates(rule, *TWO_YEARS), (rule, description, again)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYDAY=1MO,-1MO",
        "FREQ=MONTHLY;BYDAY=2FR,4FR,-1FR",
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU,MO,TU",
        "FREQ=MONTHLY;BYMONTHDAY=1,15,-1",
    ],
)
def test_chosen_descriptions_read_back_to_the_same_dates(rule):
    # Fixed examples of the property above, so a failure names its rule in any run.
    description = describe_recurrence(rule)
    assert dates(parse_recurrence(description), *TWO_YEARS) == dates(rule, *TWO_YEARS), description


def test_occurrences_are_at_nine_in_bangkok_by_default_and_at_the_given_time():
    (first,) = occurrences(SEED_RULE, date(2022, 10, 1), date(2022, 10, 5))
    assert first.isoformat() == "2022-10-05T09:00:00+07:00"
    (later,) = occurrences(SEED_RULE, date(2022, 10, 1), date(2022, 10, 5), at=time(13, 30))
    assert later.isoformat() == "2022-10-05T13:30:00+07:00"
