"""Reading plan files (tracker.plandoc), without a database: text that is not a document at all
(malformed JSON or YAML, an unknown suffix, a missing file, bytes that are not UTF-8), the
suffix picking the format, and YAML read without surprises (dates and times stay text).

Every refusal must be one InvalidInput line starting "FILE:LINE: ". The expected line is always
found in the text the test wrote (by a marker that stands on the problem line), never taken
from the program.
"""

from __future__ import annotations

import json

import pytest
from plandoc_support import as_text, line_of, problem_after, refusal, second_task, valid_document

from tracker.plandoc import read_plan_document

# --- text that is not a document at all -------------------------------------------------------


def test_malformed_json_is_reported_at_the_line_of_the_syntax_error(tmp_path):
    text = as_text(valid_document(), "json").replace(
        '"fiscal_year": 2566,', '"fiscal_year": 2566,,'
    )
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    message = refusal(path)
    assert message.startswith(f"{path}:{line_of(text, '2566,,')}: ")
    assert "json" in message.lower()


def test_malformed_yaml_is_reported_at_the_line_of_the_syntax_error(tmp_path):
    text = as_text(valid_document(), "yaml").replace(
        "fiscal_year: 2566", "fiscal_year: 2566: ปีงบประมาณ"
    )
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    message = refusal(path)
    assert message.startswith(f"{path}:{line_of(text, '2566: ปีงบประมาณ')}: ")
    assert "yaml" in message.lower()


def test_line_numbers_are_right_in_json_indented_with_tabs(tmp_path):
    document = valid_document()
    second_task(document)["percent"] = 101
    text = json.dumps(document, ensure_ascii=False, indent="\t")
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    message = refusal(path)
    assert message.startswith(f"{path}:{line_of(text, '101')}: measures[0].tasks[1].percent: ")


def test_a_file_with_an_unknown_suffix_is_refused_naming_the_suffix(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(as_text(valid_document(), "yaml"), encoding="utf-8")
    message = refusal(path)
    assert message.startswith(str(path))
    assert ".txt" in message
    assert ".json" in message
    assert ".yaml" in message


@pytest.mark.parametrize("name", ["plan.yml", "plan.YAML", "plan.JSON"])
def test_the_suffix_picks_the_format_whatever_its_case(tmp_path, name):
    fmt = "json" if name.lower().endswith(".json") else "yaml"
    path = tmp_path / name
    path.write_text(as_text(valid_document(), fmt), encoding="utf-8")
    assert read_plan_document(path) == valid_document()


def test_a_missing_file_is_reported_as_missing(tmp_path):
    path = tmp_path / "no-such-plan.yaml"
    message = refusal(path)
    assert message.startswith(str(path))
    assert "no such file" in message.lower()


def test_bytes_that_are_not_utf8_are_reported_with_their_line(tmp_path):
    path = tmp_path / "plan.yaml"
    # Line 3 holds a TIS-620 (Thai Windows code page) name: "สำนัก" is \xca\xc3\xd3\xb9\xd1\xa1.
    path.write_bytes(
        b"schema: ita-tracker/plan@1\n"
        b"organization:\n"
        b"  name: \xca\xc3\xd3\xb9\xd1\xa1\n"
        b"fiscal_year: 2566\n"
    )
    message = refusal(path)
    assert message.startswith(f"{path}:3: ")
    assert "utf-8" in message.lower()


# --- YAML without surprises -------------------------------------------------------------------


def test_yaml_keeps_unquoted_dates_and_times_as_strings(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(
        "schema: ita-tracker/plan@1\n"
        "organization: {name: องค์การบริหารส่วนตำบลทดสอบ}\n"
        "fiscal_year: 2566\n"
        "meeting_series:\n"
        "- name: ประชุมประจำเดือน\n"
        "  rrule: FREQ=MONTHLY;BYDAY=1WE\n"
        "  time: 09:30\n"
        "  exceptions:\n"
        "  - {date: 2022-12-07, moved_to: 2022-12-14}\n"
        "measures:\n"
        "- title: มาตรการที่ ๑\n"
        "  tasks:\n"
        "  - {number: 1, title: แต่งตั้งคณะทำงาน, start: 2022-11-01, end: 2022-11-30}\n",
        encoding="utf-8",
    )
    document = read_plan_document(path)
    series = document["meeting_series"][0]
    task = document["measures"][0]["tasks"][0]
    assert series["time"] == "09:30"
    assert series["exceptions"][0] == {"date": "2022-12-07", "moved_to": "2022-12-14"}
    assert (task["start"], task["end"]) == ("2022-11-01", "2022-11-30")
    assert document["fiscal_year"] == 2566  # plain integers are still integers


def test_a_yaml_time_without_its_leading_zero_is_text_not_a_sexagesimal_number(tmp_path):
    # YAML 1.1 reads 9:30 as 9*60+30 = 570; the plan loader must keep the text the user wrote.
    path = tmp_path / "plan.yaml"
    text = as_text(valid_document(), "yaml").replace(
        "  rrule: FREQ=MONTHLY;BYDAY=1WE,3WE\n",
        "  rrule: FREQ=MONTHLY;BYDAY=1WE,3WE\n  time: 9:30\n",
    )
    path.write_text(text, encoding="utf-8")
    message = refusal(path)
    said = problem_after(message, f"{path}:{line_of(text, 'time: 9:30')}: meeting_series[0].time: ")
    assert "9:30" in said
    assert "570" not in said
