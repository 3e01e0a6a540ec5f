"""Helpers and names shared by the CLI tests: test_cli_tasks.py and test_cli_task_changes.py
(the demo plan's units and tasks), and test_cli_general.py and
test_cli_overview_and_meetings.py (the one-line error check).

Expected values come from examples/demo-plan.yaml (tasks are ids 1..8 in file order):

| id | # | units                         | period                  | status      | %   |
|----|---|-------------------------------|-------------------------|-------------|-----|
| 1  | 1.1 | สำนักปลัด                    | 2026-10-01 .. 2026-10-31 | done        | 100 |
| 2  | 1.2 | สำนักปลัด                    | 2026-11-01 .. 2026-11-30 | in_progress | 60  |
| 3  | 1.3 | กองคลัง                      | 2026-11-01 .. (open)     | not_started | 0   |
| 4  | 1.4 | สำนักปลัด, กองคลัง           | (none) .. 2027-04-30     | not_started | 0   |
| 5  | 2.1 | กองคลัง, กองช่าง             | 2026-12-01 .. 2027-01-31 | not_started | 0   |
| 6  | 2.2 | สำนักปลัด                    | 2026-12-01 .. (open)     | not_started | 0   |
| 7  | 2.3 | กองการศึกษา ศาสนาและวัฒนธรรม | 2027-01-01 .. 2027-03-31 | not_started | 0   |
| 8  | 2.4 | ทุกส่วนราชการ... (every unit) | 2026-10-01 .. 2027-09-30 | in_progress | 10  |
"""

from __future__ import annotations

import yaml
from conftest import DEMO_PLAN

PALAD = "สำนักปลัด"
PALAD_ALIAS = "สำนักงานปลัด อบต."
KLANG = "กองคลัง"
CHANG = "กองช่าง"
EDUCATION = "กองการศึกษา ศาสนาและวัฒนธรรม"
EVERY_UNIT = "ทุกส่วนราชการในสังกัดองค์การบริหารส่วนตำบลทุ่งดาวเรือง"
ORDINARY_UNITS = [PALAD, KLANG, CHANG, EDUCATION]


def _demo_tasks_from_yaml() -> list[dict]:
    """The demo plan's tasks as `tracker tasks --json` should show them, read from the file."""
    document = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    rows = []
    for position, measure in enumerate(document["measures"], start=1):
        for task in measure["tasks"]:
            rows.append(
                {
                    "id": len(rows) + 1,
                    "measure": position,
                    "number": task["number"],
                    "title": task["title"],
                    "units": task["units"],
                    "period_text": task["period_text"],
                    "start": task["start"],
                    "end": task["end"],
                    "status": task["status"],
                    "percent": task["percent"],
                    "follow_up": task["follow_up"],
                }
            )
    return rows


DEMO_TASKS = _demo_tasks_from_yaml()


def task(cli, task_id: int) -> dict:
    return cli.ok("tasks", "show", str(task_id), "--json").json()


def history(cli, task_id: int) -> list[dict]:
    return cli.ok("tasks", "history", str(task_id), "--json").json()


def assert_one_line_error(result, code: int | None = None) -> str:
    """A failure's one stderr line (conftest.Result.error_line)."""
    line: str = result.error_line(code)
    return line


def assert_json_error(result) -> dict:  # type: ignore[no-untyped-def]
    """A command run with --json that failed printed its error as JSON on stdout: the same
    words as the stderr line, and the exit code."""
    line = assert_one_line_error(result)
    said = result.json()
    assert said == {"error": line.removeprefix("error: "), "exit_code": result.exit_code}
    return said
