"""A small valid plan document and helpers shared by the plan-document tests
(test_plandoc_problems.py, test_plandoc_reading.py, test_plandoc_writing.py).

`refusal` insists that a refused document gives one InvalidInput line; `line_of` finds the
expected line in the text the test wrote (by a marker that stands on the problem line), never
in the program's output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tracker.errors import InvalidInput
from tracker.plandoc import read_plan_document

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
