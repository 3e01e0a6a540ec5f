"""Plans kept in Excel: `tracker import plan.xlsx` and `tracker export --format xlsx -o F`.

Workbooks are built here with openpyxl, so every expected value is written in the test (the
periods' dates follow domain.md §3); the export round trip uses examples/demo-plan.yaml. Every
test runs on SQLite and (with TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import DEMO_PLAN

COLUMNS = ["มาตรการ/แนวทาง", "วิธีการดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลาการดำเนินการ", "การติดตามผล"]
ORGANIZATION = "เทศบาลตำบลบ้านตัวอย่าง"
MEASURE = "ส่งเสริมการเปิดเผยข้อมูลสาธารณะ"
FOLLOW_UP = "รายงานผลในการประชุมพนักงานเทศบาล ทุกวันพุธ สัปดาห์ที่ 1 และ 3 ของเดือน"
# (step cell, units cell, period cell) and what each step must become in FY2567.
STEPS = [
    ("1. แต่งตั้งคณะทำงานจัดทำข้อมูลเผยแพร่", "กองคลัง\nกองช่าง", "ต.ค. 2566"),
    ("2. เผยแพร่ข้อมูลการจัดซื้อจัดจ้างทุกเดือน", "กองคลัง", "พ.ย. 2566 - ม.ค. 2567"),
    ("3. อบรมเจ้าหน้าที่เรื่องการเปิดเผยข้อมูล", "สำนักปลัดเทศบาล", "ไตรมาสที่ 2"),
]
EXPECTED_TASKS = [
    {
        "number": 1,
        "title": "แต่งตั้งคณะทำงานจัดทำข้อมูลเผยแพร่",
        "units": ["กองคลัง", "กองช่าง"],
        "period_text": "ต.ค. 2566",
        "start": "2023-10-01",
        "end": "2023-10-31",
    },
    {
        "number": 2,
        "title": "เผยแพร่ข้อมูลการจัดซื้อจัดจ้างทุกเดือน",
        "units": ["กองคลัง"],
        "period_text": "พ.ย. 2566 - ม.ค. 2567",
        "start": "2023-11-01",
        "end": "2024-01-31",
    },
    {
        "number": 3,
        "title": "อบรมเจ้าหน้าที่เรื่องการเปิดเผยข้อมูล",
        "units": ["สำนักปลัดเทศบาล"],
        "period_text": "ไตรมาสที่ 2",  # Q2 of FY2567: ม.ค.–มี.ค. 2567
        "start": "2024-01-01",
        "end": "2024-03-31",
    },
]
STATUS_LABELS = {
    "not_started": "ยังไม่เริ่ม",
    "in_progress": "กำลังดำเนินการ",
    "done": "เสร็จแล้ว",
}


# --- helpers ---------------------------------------------------------------------------------


def write_workbook(path: Path, rows: list[list[Any]], merges: tuple[str, ...] = ()) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def plan_rows(*, organization: bool = True, fiscal_year: bool = True) -> list[list[Any]]:
    """The measure sheet: title cells, header on row 4, three steps on rows 5-7."""
    rows: list[list[Any]] = [
        [f"หน่วยงาน: {ORGANIZATION}"] if organization else ["แผนปฏิบัติการส่งเสริมคุณธรรม"],
        ["ปีงบประมาณ พ.ศ. 2567"] if fiscal_year else [],
        [],
        list(COLUMNS),
    ]
    for index, (step, units, period) in enumerate(STEPS):
        first = index == 0
        rows.append([MEASURE if first else None, step, units, period, FOLLOW_UP if first else None])
    return rows


def write_plan(path: Path, **options: bool) -> Path:
    # The measure and the follow-up each span the three step rows, as agencies lay them out.
    return write_workbook(path, plan_rows(**options), merges=("A5:A7", "E5:E7"))


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    line: str = result.error_line(2)  # bad input (conftest.Result.error_line)
    return line


def task_facts(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            r["measure"],
            r["number"],
            r["title"],
            sorted(r["units"]),
            r["period_text"],
            r["start"],
            r["end"],
            r["follow_up"],
            r["status"],
            r["percent"],
        )
        for r in rows
    ]


# --- importing a workbook ----------------------------------------------------------------------


def test_a_measure_sheet_with_merged_cells_imports_to_the_expected_plan(cli, tmp_path):
    path = write_plan(tmp_path / "plan.xlsx")

    report = cli.ok("import", "--json", str(path)).json()

    assert report["kind"] == "spreadsheet"
    found = report["found"]
    assert (found["organization"], found["fiscal_year"]) == (ORGANIZATION, 2567)
    assert (found["measures"], found["tasks"], found["units"]) == (1, 3, 3)
    # 1st and 3rd Wednesday of each month of FY2567: 24 meetings.
    assert found["meetings_in_fiscal_year"] == {"ประชุมพนักงานเทศบาล": 24}
    assert report["created"]["tasks"] == 3

    document = cli.ok("export", "--format", "json").json()
    assert document["organization"]["name"] == ORGANIZATION
    assert document["fiscal_year"] == 2567
    assert sorted(u["name"] for u in document["units"]) == sorted(
        ["กองคลัง", "กองช่าง", "สำนักปลัดเทศบาล"]
    )
    assert not any(u["all_units"] for u in document["units"])
    [series] = document["meeting_series"]
    assert "ประชุมพนักงานเทศบาล" in series["name"]
    assert series["rrule"] == "FREQ=MONTHLY;BYDAY=1WE,3WE"
    [measure] = document["measures"]
    assert measure["title"] == MEASURE
    assert len(measure["tasks"]) == len(EXPECTED_TASKS)
    for task, expected in zip(measure["tasks"], EXPECTED_TASKS, strict=True):
        assert task["number"] == expected["number"]
        assert task["title"] == expected["title"]
        assert sorted(task["units"]) == sorted(expected["units"])
        assert task["period_text"] == expected["period_text"]
        assert (task["start"], task["end"]) == (expected["start"], expected["end"])
        assert task["follow_up"] == series["name"]  # the merged cell covers every step
        assert (task["status"], task["percent"]) == ("not_started", 0)


def test_a_sheet_that_does_not_name_the_organization_asks_for_org(cli, tmp_path):
    path = write_plan(tmp_path / "no-org.xlsx", organization=False)

    message = one_line_error(cli("import", str(path)))

    assert "--org" in message
    assert cli.ok("plans", "--json").json() == []


def test_a_sheet_that_does_not_give_the_fiscal_year_asks_for_fiscal_year(cli, tmp_path):
    path = write_plan(tmp_path / "no-year.xlsx", fiscal_year=False)

    message = one_line_error(cli("import", str(path)))

    assert "--fiscal-year" in message
    assert cli.ok("plans", "--json").json() == []


def test_a_sheet_without_organization_and_year_imports_with_org_and_fiscal_year(cli, tmp_path):
    path = write_plan(tmp_path / "bare.xlsx", organization=False, fiscal_year=False)
    other = "เทศบาลตำบลอีกแห่ง"

    cli.ok("import", "--org", other, "--fiscal-year", "2567", str(path))

    [plan] = cli.ok("plans", "--json").json()
    assert (plan["organization"], plan["fiscal_year"], plan["tasks"]) == (other, 2567, 3)
    rows = cli.ok("tasks", "--json").json()
    assert [(r["start"], r["end"]) for r in rows] == [
        (t["start"], t["end"]) for t in EXPECTED_TASKS
    ]


@pytest.mark.parametrize(
    "missing",
    [
        ["การติดตามผล"],
        ["ระยะเวลาการดำเนินการ", "การติดตามผล"],
        ["มาตรการ/แนวทาง"],
        ["ผู้รับผิดชอบ"],
        ["วิธีการดำเนินการ"],
    ],
    ids=["follow-up", "period-and-follow-up", "measure", "units", "step"],
)
def test_a_header_missing_columns_is_refused_naming_exactly_those_columns(cli, tmp_path, missing):
    header = [c for c in COLUMNS if c not in missing]
    rows = [[f"หน่วยงาน: {ORGANIZATION}"], ["ปีงบประมาณ พ.ศ. 2567"], header]
    path = write_workbook(tmp_path / "partial.xlsx", rows)

    message = one_line_error(cli("import", str(path)))

    for column in COLUMNS:
        if column in missing:
            assert column in message
        else:
            assert column not in message, f"{column} is not missing"
    assert cli.ok("plans", "--json").json() == []


def test_a_sheet_without_a_header_is_refused_naming_the_five_columns(cli, tmp_path):
    rows = [
        [f"หน่วยงาน: {ORGANIZATION}"],
        ["ปีงบประมาณ พ.ศ. 2567"],
        ["แต่งตั้งคณะทำงาน", "กองคลัง", "ต.ค. 2566"],
    ]
    path = write_workbook(tmp_path / "headless.xlsx", rows)

    message = one_line_error(cli("import", str(path)))

    for column in COLUMNS:
        assert column in message


def test_a_file_that_is_not_a_workbook_is_refused(cli, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("มาตรการ/แนวทาง,วิธีการดำเนินการ\n", encoding="utf-8")

    message = one_line_error(cli("import", str(path)))

    assert "fake.xlsx" in message
    assert cli.ok("plans", "--json").json() == []


@pytest.mark.parametrize(
    ("status", "percent", "wrong"),
    [("จบแล้วจ้า", 100, "จบแล้วจ้า"), ("กำลังดำเนินการ", 150, "150")],
    ids=["unknown-status-label", "percent-over-100"],
)
def test_a_bad_status_or_percent_is_refused_with_its_row(cli, tmp_path, status, percent, wrong):
    rows = [
        [f"หน่วยงาน: {ORGANIZATION}"],
        ["ปีงบประมาณ พ.ศ. 2567"],
        [*COLUMNS, "สถานะ", "ร้อยละความคืบหน้า"],
        [MEASURE, "1. แต่งตั้งคณะทำงาน", "กองคลัง", "ต.ค. 2566", FOLLOW_UP, "ยังไม่เริ่ม", 0],
        [None, "2. เผยแพร่ข้อมูล", "กองคลัง", "พ.ย. 2566", None, status, percent],
    ]
    path = write_workbook(tmp_path / "states.xlsx", rows)

    message = one_line_error(cli("import", str(path)))

    assert "row 5" in message  # the second step is on sheet row 5
    assert wrong in message
    assert cli.ok("plans", "--json").json() == []


# --- exporting a workbook and importing it back ------------------------------------------------


def demo_task_id(cli, measure: int, number: int) -> int:
    [row] = [
        r
        for r in cli.ok("tasks", "--json").json()
        if (r["measure"], r["number"]) == (measure, number)
    ]
    return row["id"]


def sheet_rows(path: Path) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(path)
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return rows


def test_an_exported_workbook_holds_the_plan_with_each_tasks_status_and_percent(demo_cli, tmp_path):
    demo = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    demo_cli.ok("done", str(demo_task_id(demo_cli, 1, 2)), "--by", "สำนักปลัด")
    path = tmp_path / "plan.xlsx"

    demo_cli.ok("export", "--format", "xlsx", "-o", str(path))

    rows = sheet_rows(path)
    [header_at] = [i for i, row in enumerate(rows) if "วิธีการดำเนินการ" in row]
    above = " ".join(str(c) for row in rows[:header_at] for c in row if c is not None)
    assert demo["organization"]["name"] in above
    assert str(demo["fiscal_year"]) in above
    header = [c for c in rows[header_at] if c is not None]
    assert header[:5] == COLUMNS
    assert "สถานะ" in header
    status_at = header.index("สถานะ")
    percent_at = next(i for i, c in enumerate(header) if "ร้อยละ" in c)

    data = [row for row in rows[header_at + 1 :] if any(c is not None for c in row)]
    tasks = [(m, t) for m in demo["measures"] for t in m["tasks"]]
    assert len(data) == len(tasks)
    for row, (measure, task) in zip(data, tasks, strict=True):
        status, percent = task["status"], task["percent"]
        if (measure["title"], task["number"]) == (demo["measures"][0]["title"], 2):
            status, percent = "done", 100  # marked done above
        assert task["title"] in row[1]
        assert str(row[1]).startswith(f"{task['number']}")
        assert str(row[2]).splitlines() == task["units"]
        assert row[3] == task["period_text"]
        assert row[status_at] == STATUS_LABELS[status]
        assert int(row[percent_at]) == percent
    measure_cells = [row[0] for row in data if row[0]]
    assert measure_cells == [m["title"] for m in demo["measures"]]


def test_an_exported_workbook_imports_into_a_fresh_database_as_the_same_tasks(demo_cli, tmp_path):
    demo_cli.ok("done", str(demo_task_id(demo_cli, 1, 2)), "--by", "สำนักปลัด")
    original = task_facts(demo_cli.ok("tasks", "--json").json())
    measures = [m["title"] for m in demo_cli.ok("export").json()["measures"]]
    path = tmp_path / "plan.xlsx"
    demo_cli.ok("export", "--format", "xlsx", "-o", str(path))

    demo_cli.env(TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}")
    first = demo_cli.ok("import", "--json", str(path)).json()  # makes the fresh database

    assert first["kind"] == "spreadsheet"
    copied = task_facts(demo_cli.ok("tasks", "--json").json())
    assert copied == original
    assert [m["title"] for m in demo_cli.ok("export").json()["measures"]] == measures
    statuses = {(f[0], f[1]): (f[8], f[9]) for f in copied}
    assert statuses[(1, 1)] == ("done", 100)
    assert statuses[(1, 2)] == ("done", 100)
    assert statuses[(2, 4)] == ("in_progress", 10)

    second = demo_cli.ok("import", "--json", str(path)).json()
    assert second["changed"] is False
    assert second["created"] == {}
    assert second["changes"] == []
    assert second["notices"] == []
    assert task_facts(demo_cli.ok("tasks", "--json").json()) == original


def test_exporting_xlsx_without_an_output_file_is_refused(demo_cli):
    message = one_line_error(demo_cli("export", "--format", "xlsx"))

    assert "-o" in message or "--output" in message
