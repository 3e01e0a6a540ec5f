"""Reading, checking and writing plan documents (tracker.plandoc), without a database.

Every bad document must give one InvalidInput line: "FILE:LINE: FIELD: PROBLEM". The expected
line is always found in the text the test wrote (by a marker that stands on the problem line),
never taken from the program.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DEMO_PLAN

from tracker.errors import InvalidInput
from tracker.plandoc import dump_plan_document, parse_plan_document, read_plan_document

FORMATS = ["json", "yaml"]


def valid_document() -> dict[str, Any]:
    """A small valid plan: two units, one series, one measure with two tasks.

    The word "number" occurs only in tasks (no indicators), so "the second line with
    'number'" is the second task's number.
    """
    return {
        "schema": "ita-tracker/plan@1",
        "organization": {"name": "องค์การบริหารส่วนจังหวัดแพร่"},
        "fiscal_year": 2566,
        "assessment": {"year": 2565, "items": [{"code": "I21", "tool": "IIT", "score": 99.2}]},
        "units": [{"name": "สำนักปลัด"}, {"name": "กองคลัง"}],
        "meeting_series": [{"name": "ประชุมหัวหน้าส่วนราชการ", "rrule": "FREQ=MONTHLY;BYDAY=1WE,3WE"}],
        "measures": [
            {
                "title": "การยกระดับผลการประเมิน ITA",
                "items": ["I21"],
                "tasks": [
                    {
                        "number": 1,
                        "title": "แต่งตั้งคณะทำงาน",
                        "units": ["สำนักปลัด"],
                        "start": "2022-11-01",
                        "end": "2022-11-30",
                        "follow_up": "ประชุมหัวหน้าส่วนราชการ",
                        "status": "not_started",
                        "percent": 0,
                    },
                    {
                        "number": 2,
                        "title": "เผยแพร่ข้อมูลการจัดซื้อจัดจ้าง",
                        "units": ["กองคลัง"],
                        "start": "2022-12-01",
                        "end": "2023-01-31",
                        "status": "in_progress",
                        "percent": 50,
                    },
                ],
            }
        ],
    }


def as_text(document: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=200)


def write(tmp_path: Path, document: dict[str, Any], fmt: str) -> tuple[Path, str]:
    text = as_text(document, fmt)
    path = tmp_path / f"plan.{fmt}"
    path.write_text(text, encoding="utf-8")
    return path, text


def line_of(text: str, marker: str, occurrence: int = 0) -> int:
    """1-based number of the (occurrence+1)-th line of ``text`` that contains ``marker``."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if marker in line]
    assert len(lines) > occurrence, f"{marker!r} occurs on {len(lines)} lines of the document"
    return lines[occurrence]


def refusal(path: Path) -> str:
    with pytest.raises(InvalidInput) as caught:
        read_plan_document(path)
    message = str(caught.value)
    assert "\n" not in message, f"the message is not one line: {message!r}"
    return message


def problem_after(message: str, prefix: str) -> str:
    """The problem text after "FILE:LINE: FIELD: ", insisting the message starts that way."""
    assert message.startswith(prefix), f"expected {prefix!r} at the start of {message!r}"
    return message[len(prefix) :]


def second_task(document: dict[str, Any]) -> dict[str, Any]:
    return document["measures"][0]["tasks"][1]


# --- one table of bad documents, each written as JSON and as YAML -------------------------------


@dataclass(frozen=True)
class Problem:
    description: str
    change: Callable[[dict[str, Any]], None]
    field: str  # the path the message must name ("" for the document itself)
    marker: str | None  # text on the problem line (None: the document's first line)
    says: tuple[str, ...]  # what the problem text must mention (case-insensitive)
    occurrence: int = 0


def _set(*path: str | int, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _drop_organization(document: dict[str, Any]) -> None:
    del document["organization"]


def _number_twice(document: dict[str, Any]) -> None:
    second_task(document)["number"] = 1


def _unit_twice(document: dict[str, Any]) -> None:
    document["units"].append({"name": "สำนัก ปลัด"})  # "สำนักปลัด" with a space


def _alias_is_another_units_name(document: dict[str, Any]) -> None:
    document["units"][0]["aliases"] = ["กองคลัง"]


def _end_before_start(document: dict[str, Any]) -> None:
    second_task(document)["start"] = "2023-02-01"  # its end stays 2023-01-31


def _done_at_half(document: dict[str, Any]) -> None:
    second_task(document).update(status="done", percent=50)


def _item_twice(document: dict[str, Any]) -> None:
    document["assessment"]["items"].append({"code": "I21", "tool": "IIT", "score": 50.0})


def _indicator_twice(document: dict[str, Any]) -> None:
    # Indicators come before the measures, so these are the 1st and 2nd lines with "number".
    document["assessment"]["indicators"] = [
        {"number": 9, "name": "การเปิดเผยข้อมูล", "tool": "OIT"},
        {"number": 9, "name": "การป้องกันการทุจริต", "tool": "OIT"},
    ]


def _exception_twice(document: dict[str, Any]) -> None:
    document["meeting_series"][0]["exceptions"] = [
        {"date": "2022-12-28", "cancelled": True},
        {"date": "2022-12-28", "note": "งดประชุม"},
    ]


def _cancelled_and_moved(document: dict[str, Any]) -> None:
    document["meeting_series"][0]["exceptions"] = [
        {"date": "2022-12-28", "cancelled": True, "moved_to": "2023-01-04"}
    ]


PROBLEMS = [
    Problem(
        "a wrong schema value",
        _set("schema", value="ita-tracker/plan@2"),
        "schema",
        "plan@2",
        ("ita-tracker/plan@2", "ita-tracker/plan@1"),
    ),
    Problem(
        "a missing organization",
        _drop_organization,
        "",
        None,
        ("organization", "missing"),
    ),
    *[
        Problem(
            f"a start date {bad!r} that is not a real YYYY-MM-DD date",
            _set("measures", 0, "tasks", 1, "start", value=bad),
            "measures[0].tasks[1].start",
            bad,
            (bad, "date"),
        )
        # 2022-W01-1 is an ISO week date: Python 3.11 reads it, the contract (YYYY-MM-DD) not.
        for bad in ["2022-13-01", "2022-02-30", "1/11/2565", "2022-W01-1"]
    ],
    Problem(
        "a percent of 101",
        _set("measures", 0, "tasks", 1, "percent", value=101),
        "measures[0].tasks[1].percent",
        "101",
        ("101", "100"),
    ),
    Problem(
        "an unknown status",
        _set("measures", 0, "tasks", 1, "status", value="finished"),
        "measures[0].tasks[1].status",
        "finished",
        ("finished", "not_started"),
    ),
    Problem(
        "a task unit not listed in units",
        _set("measures", 0, "tasks", 1, "units", value=["กองช่าง"]),
        "measures[0].tasks[1].units[0]",
        "กองช่าง",
        ("กองช่าง", "units"),
    ),
    Problem(
        "a follow-up naming no meeting series",
        _set("measures", 0, "tasks", 1, "follow_up", value="ประชุมสภา"),
        "measures[0].tasks[1].follow_up",
        "ประชุมสภา",
        ("ประชุมสภา", "meeting_series"),
    ),
    Problem(
        "a measure item code not among assessment.items",
        _set("measures", 0, "items", value=["I21", "O99"]),
        "measures[0].items[1]",
        "O99",
        ("O99", "assessment.items"),
    ),
    Problem(
        "a task number used twice in a measure",
        _number_twice,
        "measures[0].tasks[1].number",
        "number",
        ("1", "twice"),
        occurrence=1,
    ),
    Problem(
        "the same unit listed twice with different spacing",
        _unit_twice,
        "units[2].name",
        "สำนัก ปลัด",
        ("สำนัก ปลัด", "twice", "units[0]"),
    ),
    Problem(
        "a unit alias that is another unit's name",
        _alias_is_another_units_name,
        "units[1].name",
        "กองคลัง",
        ("กองคลัง", "twice"),
        occurrence=1,  # the 1st line with it is the alias, the 2nd the other unit's name
    ),
    Problem(
        "an end before the start",
        _end_before_start,
        "measures[0].tasks[1].end",
        "2023-01-31",
        ("2023-01-31", "2023-02-01"),
    ),
    Problem(
        "status done with percent 50",
        _done_at_half,
        "measures[0].tasks[1].percent",
        "percent",
        ("done", "50"),
        occurrence=1,
    ),
    *[
        Problem(
            f"an invalid RRULE {rule!r}",
            _set("meeting_series", 0, "rrule", value=rule),
            "meeting_series[0].rrule",
            rule,
            ("rrule",),
        )
        for rule in ["FREQ=MONTHLY;BYDAY=XX", "FREQ=SOMETIMES"]
    ],
    # What the database would refuse must be refused here, with a line, not as a crash later.
    Problem(
        "an assessment item code listed twice",
        _item_twice,
        "assessment.items[1].code",
        "I21",
        ("I21", "twice"),
        occurrence=1,
    ),
    Problem(
        "an indicator number listed twice",
        _indicator_twice,
        "assessment.indicators[1].number",
        "number",
        ("9", "twice"),
        occurrence=1,
    ),
    Problem(
        "a meeting exception date listed twice",
        _exception_twice,
        "meeting_series[0].exceptions[1].date",
        "2022-12-28",
        ("2022-12-28", "twice"),
        occurrence=1,
    ),
    Problem(
        "a meeting exception both cancelled and moved",
        _cancelled_and_moved,
        "meeting_series[0].exceptions[0].moved_to",
        "2023-01-04",
        ("cancelled",),
    ),
    Problem(
        "an unknown time zone",
        _set("meeting_series", 0, "timezone", value="Mars/Olympus"),
        "meeting_series[0].timezone",
        "Mars/Olympus",
        ("Mars/Olympus",),
    ),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_document_the_bad_ones_are_made_from_is_valid(tmp_path, fmt):
    path, _ = write(tmp_path, valid_document(), fmt)
    assert read_plan_document(path) == valid_document()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("problem", PROBLEMS, ids=[p.description for p in PROBLEMS])
def test_a_bad_document_is_refused_in_one_line_naming_file_line_field_and_problem(
    tmp_path, problem, fmt
):
    document = valid_document()
    problem.change(document)
    path, text = write(tmp_path, document, fmt)
    line = 1 if problem.marker is None else line_of(text, problem.marker, problem.occurrence)

    message = refusal(path)

    prefix = f"{path}:{line}: " + (f"{problem.field}: " if problem.field else "")
    said = problem_after(message, prefix).lower()
    for words in problem.says:
        assert words.lower() in said, f"{words!r} is not in the problem {said!r}"


def test_a_task_missing_its_title_is_reported_at_the_line_where_the_task_starts(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(
        "schema: ita-tracker/plan@1\n"  # 1
        "organization:\n"  # 2
        "  name: องค์การบริหารส่วนตำบลทดสอบ\n"  # 3
        "fiscal_year: 2566\n"  # 4
        "measures:\n"  # 5
        "- title: มาตรการที่ ๑\n"  # 6
        "  tasks:\n"  # 7
        "  - number: 1\n"  # 8
        "    title: แต่งตั้งคณะทำงาน\n"  # 9
        "  - number: 2\n"  # 10: the task without a title
        "    start: 2022-11-01\n",  # 11
        encoding="utf-8",
    )
    said = problem_after(refusal(path), f"{path}:10: measures[0].tasks[1]")
    assert "title" in said
    assert "missing" in said


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


# --- writing ----------------------------------------------------------------------------------


def test_the_demo_plan_reads_as_the_same_data_yaml_gives():
    assert read_plan_document(DEMO_PLAN) == yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_dumped_documents_keep_thai_text_readable(fmt):
    text = dump_plan_document(valid_document(), fmt)
    assert "องค์การบริหารส่วนจังหวัดแพร่" in text
    assert "ประชุมหัวหน้าส่วนราชการ" in text
    assert "\\u0e" not in text.lower()  # no \u0e2d-style escapes of Thai letters


def tricky_document() -> dict[str, Any]:
    """The demo plan plus strings that a careless YAML writer would turn into other types."""
    document = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    document["meeting_series"][0]["time"] = "10:30"  # sexagesimal 630 in YAML 1.1
    task = document["measures"][0]["tasks"][0]
    task["period_text"] = "2022-11-01"
    task["title"] = "yes"
    document["measures"][0]["tasks"][1]["period_text"] = "1_000"
    document["measures"][0]["tasks"][2]["period_text"] = "null"
    document["measures"][0]["tasks"][3]["period_text"] = "09:30"
    document["measures"][1]["tasks"][0]["title"] = "  ขึ้นต้นด้วยช่องว่าง และมี: เครื่องหมาย #"
    document["warnings"] = [
        {"code": "period-year-mismatch", "where": "measures[0].tasks[0]", "message": "ปี: ๒๕๖๙"}
    ]
    return document


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "make",
    [lambda: yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8")), tricky_document],
    ids=["the demo plan", "strings that look like dates, times, numbers and booleans"],
)
def test_a_dumped_document_parses_back_to_the_same_data(make, fmt):
    document = make()
    original = copy.deepcopy(document)
    text = dump_plan_document(document, fmt)
    assert parse_plan_document(text, f"plan.{fmt}", fmt) == original


def test_dumping_to_an_unknown_format_is_refused():
    with pytest.raises(InvalidInput, match="toml"):
        dump_plan_document(valid_document(), "toml")
