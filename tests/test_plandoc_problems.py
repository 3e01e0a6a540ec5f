"""Bad plan documents (tracker.plandoc), without a database: one table of problems, each written
as JSON and as YAML, and a task missing its title.

Every bad document must give one InvalidInput line: "FILE:LINE: FIELD: PROBLEM". The expected
line is always found in the text the test wrote (by a marker that stands on the problem line),
never taken from the program.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from plandoc_support import (
    FORMATS,
    as_text,
    line_of,
    problem_after,
    refusal,
    second_task,
    valid_document,
)

from tracker.plandoc import read_plan_document


def write(tmp_path: Path, document: dict[str, Any], fmt: str) -> tuple[Path, str]:
    text = as_text(document, fmt)
    path = tmp_path / f"plan.{fmt}"
    path.write_text(text, encoding="utf-8")
    return path, text


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
