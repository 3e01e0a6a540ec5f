"""Partial documents: a report of ITA results with no measure table imports the assessment
alone and says so; the plan is completed by a second import, in either order; a file with
none of a report's facts is refused listing what was sought, and --json still prints JSON.

The documents are written here (a fictional agency); what they must yield is read off their
text by hand. Every test runs on SQLite and (with TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from cli_support import assert_json_error

ORGANIZATION = "องค์การบริหารส่วนตำบลโคกสำราญ"
# Results stated in prose, as agencies write them; no measure table. Assessment 2567, so the
# plan is for fiscal year 2568.
RESULTS_ONLY = f"""\
รายงานผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงาน
{ORGANIZATION}
ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๗
{ORGANIZATION} ได้คะแนน ๙๑.๓๐ คะแนน อยู่ในระดับ A
(ตัวอย่างสมมติเพื่อทดสอบโปรแกรม)
"""
PLAN: dict[str, Any] = {
    "schema": "ita-tracker/plan@1",
    "organization": {"name": ORGANIZATION},
    "fiscal_year": 2568,
    "units": [{"name": "สำนักปลัด"}],
    "measures": [
        {
            "title": "เปิดเผยข้อมูลบนเว็บไซต์ให้ครบทุกข้อ",
            "tasks": [
                {
                    "number": 1,
                    "title": "ปรับปรุงหน้าเว็บไซต์ตามแบบตรวจ OIT",
                    "units": ["สำนักปลัด"],
                    "period_text": "ต.ค. - ธ.ค. 2567",
                }
            ],
        }
    ],
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def exported(cli) -> dict[str, Any]:
    return cli.ok("export", "--format", "json").json()


def test_a_report_of_results_without_a_measure_table_imports_the_assessment_and_says_so(
    cli, tmp_path
):
    path = write(tmp_path, "results.txt", RESULTS_ONLY)

    summary = cli.ok("import", str(path), "--json").json()

    assert [w["code"] for w in summary["warnings"]] == ["no-measure-table"]
    assert "no measure table" in summary["warnings"][0]["message"]
    plan = exported(cli)
    assert plan["organization"]["name"] == ORGANIZATION
    assert plan["fiscal_year"] == 2568
    assert plan["assessment"]["year"] == 2567
    assert plan["assessment"]["score"] == 91.30
    assert plan["assessment"]["grade"] == "A"
    assert plan["measures"] == []


def test_the_plan_added_by_a_second_import_keeps_the_assessment(cli, tmp_path):
    cli.ok("import", str(write(tmp_path, "results.txt", RESULTS_ONLY)))
    plan_file = write(tmp_path, "plan.yaml", yaml.safe_dump(PLAN, allow_unicode=True))

    summary = cli.ok("import", str(plan_file), "--json").json()

    assert summary["created"] == {"units": 1, "measures": 1, "tasks": 1}  # into the same plan
    plan = exported(cli)
    assert plan["assessment"]["score"] == 91.30  # left out of the plan document: kept
    assert [m["title"] for m in plan["measures"]] == ["เปิดเผยข้อมูลบนเว็บไซต์ให้ครบทุกข้อ"]
    [plans] = cli.ok("plans", "--json").json()
    assert (plans["measures"], plans["tasks"]) == (1, 1)


def test_results_imported_after_the_plan_keep_its_tasks_and_say_so(cli, tmp_path):
    cli.ok("import", str(write(tmp_path, "plan.yaml", yaml.safe_dump(PLAN, allow_unicode=True))))

    summary = cli.ok("import", str(write(tmp_path, "results.txt", RESULTS_ONLY)), "--json").json()

    assert "the document has no measures; kept the plan's 1 tasks" in summary["notices"]
    plan = exported(cli)
    assert plan["assessment"]["year"] == 2567
    assert len(plan["measures"][0]["tasks"]) == 1


def test_a_file_with_none_of_the_facts_is_refused_listing_what_was_sought(cli, tmp_path):
    path = write(tmp_path, "minutes.txt", "บันทึกการประชุมประจำสัปดาห์\nเริ่มประชุมเวลา ๙.๐๐ น.\n")

    result = cli("import", str(path), "--json")

    said = assert_json_error(result)
    assert result.exit_code == 2
    message = said["error"]
    assert message.startswith("minutes.txt: not an ITA analysis report")
    for sought in ("organization", "assessment year", "overall score", "indicator", "items"):
        assert sought in message
    assert "measure table" in message
    assert cli.ok("plans", "--json").json() == []


def test_a_report_naming_no_organization_says_what_it_lacks_and_writes_nothing(cli, tmp_path):
    text = RESULTS_ONLY.replace(f"{ORGANIZATION}\n", "").replace(f"{ORGANIZATION} ", "")
    path = write(tmp_path, "results.txt", text)

    result = cli("import", str(path))

    line = result.error_line(2)
    assert "it lacks an organization name" in line
    assert "assessment year" not in line  # it has one
    assert cli.ok("plans", "--json").json() == []


def test_a_unit_a_later_document_writes_short_joins_the_stored_unit(cli, tmp_path):
    # The first plan names กองช่างโยธา; a second document for the same year writes it
    # "กองช่างฯ" (a name cut short by ฯ that only that unit begins with): one unit, which
    # keeps the short spelling as another name; no second unit.
    first = {**PLAN, "units": [{"name": "กองช่างโยธา"}]}
    first["measures"] = [
        {
            **PLAN["measures"][0],
            "tasks": [{**PLAN["measures"][0]["tasks"][0], "units": ["กองช่างโยธา"]}],
        }
    ]
    second = {**first, "units": [{"name": "กองช่างฯ"}]}
    second["measures"] = [
        {
            **first["measures"][0],
            "tasks": [{**first["measures"][0]["tasks"][0], "units": ["กองช่างฯ"]}],
        }
    ]
    cli.ok("import", str(write(tmp_path, "first.yaml", yaml.safe_dump(first, allow_unicode=True))))

    cli.ok(
        "import", str(write(tmp_path, "second.yaml", yaml.safe_dump(second, allow_unicode=True)))
    )

    units = cli.ok("units", "--json").json()
    assert [(u["name"], u["aliases"]) for u in units] == [("กองช่างโยธา", ["กองช่างฯ"])]
    [task] = cli.ok("tasks", "--json").json()
    assert task["units"] == ["กองช่างโยธา"]
