"""Helpers shared by the import tests: the seed report's (tests/test_import_seed*.py and
tests/test_import_not_a_report.py) and the plan documents' (tests/test_import_export*.py and
tests/test_import_dry_run_and_refusals.py).

The seed ITA analysis report is read from ../shared/seeds and what it must yield from
../shared/vectors/seed-expected.json, both at test time; only short substrings of the report
appear in the tests, to edit copies of it. The plan documents start from examples/demo-plan.yaml.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from conftest import DEMO_PLAN, SHARED
from sqlalchemy import func, select

from tracker.models import Base

# --- the seed report ---------------------------------------------------------------------------

SEED = SHARED / "seeds" / "000_950678517d269ae1.txt"
EXPECTED: dict[str, Any] = json.loads(
    (SHARED / "vectors" / "seed-expected.json").read_text(encoding="utf-8")
)
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
# The two spellings of the secretariat's name (domain.md §4); the second is the right one.
MISSPELLED_UNIT = "สำนักงานเลขาธิการองค์การบริหารส่วนจังหวัด"
SECRETARIAT = EXPECTED["units"][0]["name"]  # สำนักงานเลขานุการองค์การบริหารส่วนจังหวัด
TASKS = EXPECTED["measures"][0]["tasks"]


def import_seed(cli, *options: str, path: Path = SEED) -> dict[str, Any]:
    return cli.ok("import", "--json", *options, str(path)).json()


def export(cli) -> dict[str, Any]:
    return cli.ok("export", "--format", "json").json()


def warnings_with(code: str, warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [w for w in warnings if w["code"] == code]


def edit_step(
    text: str, number: int, edit: Callable[[list[str], str], None], listings: int = 2
) -> str:
    """Edit the seed's rows for step ``number``: ``edit(cells, listing)`` changes the row's
    tab-separated cells in place ("list" for the numbered list, "table" for the measure table).
    Insists that the step was found in ``listings`` rows, so a changed seed fails loudly."""
    digit = THAI_DIGITS[number]
    lines = text.split("\n")
    edited = 0
    for index, line in enumerate(lines):
        cells = line.split("\t")
        if len(cells) < 3:
            continue
        if cells[0].strip() == digit:
            listing = "list"
        elif re.match(rf"{digit}\s*\.\s*\D", cells[1].strip()):
            listing = "table"
        else:
            continue
        edit(cells, listing)
        lines[index] = "\t".join(cells)
        edited += 1
    assert edited == listings, f"step {number} found in {edited} rows, expected {listings}"
    return "\n".join(lines)


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def write_copy(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


UNIT_CELL = 2  # in both listings: ลำดับที่/รายการ/หน่วยงาน and มาตรการ/วิธีการ/ผู้รับผิดชอบ/ระยะเวลา
PERIOD_CELL = 3  # in the measure table only


# --- plan documents ----------------------------------------------------------------------------


def demo_document() -> dict[str, Any]:
    return yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))


def write_yaml(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def write_json(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def demo_created_counts() -> dict[str, int]:
    """What importing the demo plan into an empty database creates, counted in the demo file."""
    demo = demo_document()
    return {
        "organizations": 1,
        "plans": 1,
        "assessments": 1,
        "indicators": len(demo["assessment"]["indicators"]),  # 10
        "assessment items": len(demo["assessment"]["items"]),  # 3
        "units": len(demo["units"]),  # 5
        "meeting series": len(demo["meeting_series"]),  # 1
        "meeting exceptions": sum(len(s["exceptions"]) for s in demo["meeting_series"]),  # 1
        "measures": len(demo["measures"]),  # 2
        "tasks": sum(len(m["tasks"]) for m in demo["measures"]),  # 8
    }


def row_counts(session_factory) -> dict[str, int]:
    """The number of rows in every table of the data model."""
    with session_factory() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def import_report(cli, path: Path, *options: str) -> dict[str, Any]:
    return cli.ok("import", "--json", *options, str(path)).json()
