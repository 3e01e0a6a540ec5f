"""Plan documents in and out of the database: `tracker import`, `tracker export`, `tracker plans`.

Expected data comes from examples/demo-plan.yaml or from the documents written here; every
test runs on SQLite and (with TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DEMO_PLAN
from sqlalchemy import func, select

from tracker.models import Base
from tracker.plandoc import read_plan_document

ORGANIZATION = "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"  # the demo plan's organization


def demo_document() -> dict[str, Any]:
    return yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))


def write_yaml(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def write_json(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def parse(text: str, fmt: str) -> Any:
    return json.loads(text) if fmt == "json" else yaml.safe_load(text)


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


def task_id(cli, measure: int, number: int, plan_id: int | None = None) -> int:
    args = ["tasks", "--json"] + (["--plan", str(plan_id)] if plan_id else [])
    rows = cli.ok(*args).json()
    [row] = [r for r in rows if (r["measure"], r["number"]) == (measure, number)]
    return row["id"]


def import_report(cli, path: Path, *options: str) -> dict[str, Any]:
    return cli.ok("import", "--json", *options, str(path)).json()


def second_plan_document() -> dict[str, Any]:
    """A plan of the demo organization for the next fiscal year, with one task."""
    return {
        "schema": "ita-tracker/plan@1",
        "organization": {"name": ORGANIZATION},
        "fiscal_year": 2571,
        "units": [{"name": "สำนักปลัด"}],
        "measures": [
            {
                "title": "มาตรการปีถัดไป",
                "tasks": [{"number": 1, "title": "ทบทวนแผน", "units": ["สำนักปลัด"]}],
            }
        ],
    }


# --- export gives the imported document back ----------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_export_of_the_imported_demo_plan_is_the_demo_document(demo_cli, fmt):
    exported = demo_cli.ok("export", "--format", fmt).stdout
    assert parse(exported, fmt) == demo_document()


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_export_to_a_file_writes_the_demo_document_there_and_nothing_on_stdout(
    demo_cli, tmp_path, fmt
):
    target = tmp_path / f"exported.{fmt}"
    result = demo_cli.ok("export", "--format", fmt, "-o", str(target))
    assert result.stdout == ""
    assert parse(target.read_text(encoding="utf-8"), fmt) == demo_document()


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_a_json_plan_document_round_trips_like_the_yaml_one(cli, tmp_path, fmt):
    source = write_json(tmp_path / "demo-plan.json", demo_document())
    cli.ok("import", str(source))
    assert parse(cli.ok("export", "--format", fmt).stdout, fmt) == demo_document()


def test_the_first_import_reports_every_row_it_created(cli, session_factory):
    report = import_report(cli, DEMO_PLAN)
    assert report["dry_run"] is False
    assert report["changed"] is True
    assert report["created"] == demo_created_counts()
    assert report["changes"] == []
    assert report["notices"] == []
    counts = row_counts(session_factory)
    assert counts["tasks"] == 8
    assert counts["task_events"] == 8  # one "created" event per task
    assert counts["units"] == 5


# --- importing again ---------------------------------------------------------------------------


def test_importing_the_same_document_twice_changes_nothing(demo_cli, session_factory):
    before = row_counts(session_factory)
    exported_before = demo_cli.ok("export").stdout

    report = import_report(demo_cli, DEMO_PLAN)

    assert report["changed"] is False
    assert report["created"] == {}
    assert report["changes"] == []
    assert report["notices"] == []
    after = row_counts(session_factory)
    assert after == before
    assert after["task_events"] == before["task_events"] == 8
    assert demo_cli.ok("export").stdout == exported_before


def test_importing_twice_a_measure_listing_its_items_out_of_assessment_order_changes_nothing(
    cli, tmp_path, session_factory
):
    document = demo_document()
    document["measures"][1]["items"] = ["E11", "I17"]  # the assessment lists I17 before E11
    source = write_yaml(tmp_path / "plan.yaml", document)
    cli.ok("import", str(source))
    before = row_counts(session_factory)

    report = import_report(cli, source)

    assert report["changes"] == []
    assert report["changed"] is False
    assert row_counts(session_factory) == before


def test_a_corrected_document_updates_the_task_in_place_and_logs_each_change(demo_cli, tmp_path):
    task = task_id(demo_cli, 1, 3)  # กองคลัง's monthly procurement report, open-ended
    demo_cli.ok("done", str(task), "--by", "กองคลัง")
    old_title = demo_document()["measures"][0]["tasks"][2]["title"]
    corrected = demo_document()
    step = corrected["measures"][0]["tasks"][2]
    step["title"] = "เผยแพร่สรุปผลการจัดซื้อจัดจ้างรายเดือนบนเว็บไซต์และเพจของหน่วยงาน"
    step["end"] = "2027-09-30"  # was open (null)
    step["units"] = ["กองคลัง", "สำนักปลัด"]  # สำนักปลัด added
    source = write_yaml(tmp_path / "demo-plan-corrected.yaml", corrected)

    report = import_report(demo_cli, source)

    assert report["changed"] is True
    assert report["created"] == {}
    # The document still says not_started 0%; the tracker's "done" wins and is reported.
    [notice] = report["notices"]
    assert "1.3" in notice
    assert "not_started" in notice
    assert "done" in notice
    shown = demo_cli.ok("tasks", "show", str(task), "--json").json()
    assert shown["id"] == task
    assert (shown["measure"], shown["number"]) == (1, 3)
    assert shown["title"] == step["title"]
    assert shown["end"] == "2027-09-30"
    assert sorted(shown["units"]) == sorted(["กองคลัง", "สำนักปลัด"])
    assert (shown["status"], shown["percent"]) == ("done", 100)
    assert len(demo_cli.ok("tasks", "--json").json()) == 8

    history = demo_cli.ok("tasks", "history", str(task), "--json").json()
    by_import = [e for e in history if e["actor"].startswith("import:")]
    changes = {e["field"]: e for e in by_import if e["field"] != "created"}
    assert set(changes) == {"title", "end_date", "units"}
    assert (changes["title"]["before"], changes["title"]["after"]) == (old_title, step["title"])
    assert (changes["end_date"]["before"], changes["end_date"]["after"]) == (None, "2027-09-30")
    assert changes["units"]["before"] == "กองคลัง"
    assert set(changes["units"]["after"].split(", ")) == {"กองคลัง", "สำนักปลัด"}
    assert changes["title"]["actor"] == "import: demo-plan-corrected.yaml"
    # The progress events are the unit's own, and the import added none.
    progress = [
        (e["actor"], e["field"], e["after"]) for e in history if e["field"] in ("status", "percent")
    ]
    assert progress == [("กองคลัง", "status", "done"), ("กองคลัง", "percent", "100")]


def test_a_document_claiming_other_progress_gives_a_notice_and_keeps_the_trackers(
    demo_cli, tmp_path
):
    task = task_id(demo_cli, 2, 1)  # not_started 0% in the demo
    document = demo_document()
    document["measures"][1]["tasks"][0].update(status="done", percent=100)
    source = write_yaml(tmp_path / "plan.yaml", document)

    report = import_report(demo_cli, source)

    assert report["changed"] is False
    [notice] = report["notices"]
    assert "2.1" in notice
    assert "done" in notice
    assert "not_started" in notice
    shown = demo_cli.ok("tasks", "show", str(task), "--json").json()
    assert (shown["status"], shown["percent"]) == ("not_started", 0)
    history = demo_cli.ok("tasks", "history", str(task), "--json").json()
    assert [e["field"] for e in history] == ["created"]


def test_a_task_missing_from_the_document_is_reported_and_kept(demo_cli, tmp_path):
    task = task_id(demo_cli, 1, 4)
    document = demo_document()
    removed = document["measures"][0]["tasks"].pop(3)
    source = write_yaml(tmp_path / "plan.yaml", document)

    report = import_report(demo_cli, source)

    assert report["created"] == {}
    assert report["changes"] == []
    [notice] = report["notices"]
    assert "1.4" in notice
    assert str(task) in notice
    shown = demo_cli.ok("tasks", "show", str(task), "--json").json()
    assert shown["title"] == removed["title"]
    assert len(demo_cli.ok("tasks", "--json").json()) == 8


# --- defaults ----------------------------------------------------------------------------------


def test_a_minimal_document_is_exported_with_every_default_filled_in(cli, tmp_path):
    minimal = {
        "schema": "ita-tracker/plan@1",
        "organization": {"name": "องค์การบริหารส่วนตำบลทดสอบ"},
        "fiscal_year": 2567,
        "measures": [{"title": "มาตรการที่ ๑", "tasks": [{"number": 1, "title": "แต่งตั้งคณะทำงาน"}]}],
    }
    source = write_json(tmp_path / "minimal.json", minimal)
    cli.ok("import", str(source))

    exported = cli.ok("export").json()

    # Defaults (schema and services/plans.py): absent text -> null, absent lists -> [],
    # no assessment -> null, task status not_started with percent 0, no units, open dates.
    assert exported == {
        "schema": "ita-tracker/plan@1",
        "organization": {"name": "องค์การบริหารส่วนตำบลทดสอบ"},
        "fiscal_year": 2567,
        "title": None,
        "source": None,
        "assessment": None,
        "units": [],
        "meeting_series": [],
        "measures": [
            {
                "title": "มาตรการที่ ๑",
                "items": [],
                "tasks": [
                    {
                        "number": 1,
                        "title": "แต่งตั้งคณะทำงาน",
                        "units": [],
                        "period_text": None,
                        "start": None,
                        "end": None,
                        "follow_up": None,
                        "status": "not_started",
                        "percent": 0,
                    }
                ],
            }
        ],
        "warnings": [],
    }


def test_entries_with_only_their_required_fields_are_exported_with_their_defaults(cli, tmp_path):
    document = {
        "schema": "ita-tracker/plan@1",
        "organization": {"name": "องค์การบริหารส่วนตำบลทดสอบ"},
        "fiscal_year": 2567,
        "assessment": {"year": 2566, "items": [{"code": "E5"}]},
        "units": [{"name": "กองคลัง"}],
        "meeting_series": [
            {
                "name": "ประชุมประจำเดือน",
                "rrule": "FREQ=MONTHLY;BYMONTHDAY=1",
                "exceptions": [{"date": "2024-01-01"}],
            }
        ],
        "measures": [
            {
                "title": "มาตรการที่ ๑",
                "tasks": [
                    {"number": 1, "title": "จัดทำคู่มือ"},
                    {"number": 2, "title": "เผยแพร่คู่มือ", "status": "done"},
                ],
            }
        ],
        "warnings": [{"code": "period-year-mismatch", "message": "ปีไม่ตรงกับปีงบประมาณ"}],
    }
    cli.ok("import", str(write_yaml(tmp_path / "plan.yaml", document)))

    exported = cli.ok("export").json()

    # An item's tool follows its code's letter (E -> EIT); a unit is a plain unit with no
    # names or contacts; a series meets at 09:00 Asia/Bangkok with holiday_policy flag, its
    # units reminded 2 working days before at 09:00 and its report sent 1 day before at
    # 08:00 (README, "The follow-up engine"), to no recipient yet; an exception is a plain
    # note-less, not-cancelled, not-moved row; a done task without a percent is 100 percent
    # done; a warning without "where" has where null.
    assert exported["assessment"] == {
        "year": 2566,
        "score": None,
        "grade": None,
        "indicators": [],
        "items": [
            {"code": "E5", "tool": "EIT", "score": None, "question": None, "suggestion": None}
        ],
    }
    assert exported["units"] == [
        {"name": "กองคลัง", "aliases": [], "all_units": False, "contacts": []}
    ]
    assert exported["meeting_series"] == [
        {
            "name": "ประชุมประจำเดือน",
            "rrule": "FREQ=MONTHLY;BYMONTHDAY=1",
            "text": None,
            "timezone": "Asia/Bangkok",
            "time": "09:00",
            "place": None,
            "holiday_policy": "flag",
            "reminder_days": 2,
            "reminder_time": "09:00",
            "report_days": 1,
            "report_time": "08:00",
            "recipients": [],
            "exceptions": [
                {"date": "2024-01-01", "cancelled": False, "moved_to": None, "note": None}
            ],
        }
    ]
    tasks = exported["measures"][0]["tasks"]
    assert [(t["status"], t["percent"]) for t in tasks] == [("not_started", 0), ("done", 100)]
    assert exported["warnings"] == [
        {"code": "period-year-mismatch", "where": None, "message": "ปีไม่ตรงกับปีงบประมาณ"}
    ]


def test_importing_the_export_of_a_minimal_document_changes_nothing(cli, tmp_path):
    minimal = {
        "schema": "ita-tracker/plan@1",
        "organization": {"name": "องค์การบริหารส่วนตำบลทดสอบ"},
        "fiscal_year": 2567,
        "meeting_series": [{"name": "ประชุมประจำเดือน", "rrule": "FREQ=MONTHLY;BYMONTHDAY=1"}],
        "measures": [{"title": "มาตรการที่ ๑", "tasks": [{"number": 1, "title": "จัดทำคู่มือ"}]}],
    }
    cli.ok("import", str(write_json(tmp_path / "minimal.json", minimal)))
    exported = tmp_path / "exported.yaml"
    cli.ok("export", "--format", "yaml", "-o", str(exported))

    report = import_report(cli, exported)

    assert (report["changed"], report["created"], report["changes"]) == (False, {}, [])


# --- dry runs and refusals ---------------------------------------------------------------------


def test_a_dry_run_reports_what_it_would_create_and_writes_nothing(cli, session_factory):
    report = import_report(cli, DEMO_PLAN, "--dry-run")

    assert report["dry_run"] is True
    assert report["created"] == demo_created_counts()
    assert cli.ok("plans", "--json").json() == []
    assert set(row_counts(session_factory).values()) == {0}


def test_a_document_that_fails_validation_exits_with_one_line_and_writes_nothing(
    cli, tmp_path, session_factory
):
    document = demo_document()
    document["measures"][0]["tasks"][1]["percent"] = 101
    source = write_yaml(tmp_path / "plan.yaml", document)
    bad_line = next(
        n
        for n, line in enumerate(source.read_text("utf-8").splitlines(), start=1)
        if "percent: 101" in line
    )

    result = cli("import", str(source))

    assert result.exit_code != 0
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message
    assert "\n" not in message
    assert f"{source}:{bad_line}: measures[0].tasks[1].percent" in message
    assert cli.ok("plans", "--json").json() == []
    assert set(row_counts(session_factory).values()) == {0}


def test_a_valid_document_that_fails_during_import_leaves_the_database_as_it_was(
    demo_cli, tmp_path, session_factory
):
    # Valid on its own: "กองคลัง" is the new unit กองยุทธศาสตร์'s alias and tasks may name it.
    # But the database already has a unit called กองคลัง, so the import must stop there, after
    # it has changed the plan's title and created a unit.
    document = demo_document()
    document["title"] = "ชื่อแผนที่แก้ไขแล้ว"
    document["units"] = [u for u in document["units"] if u["name"] != "กองคลัง"] + [
        {"name": "กองสาธารณสุขและสิ่งแวดล้อม"},
        {"name": "กองยุทธศาสตร์และงบประมาณ", "aliases": ["กองคลัง"]},
    ]
    source = write_yaml(tmp_path / "plan.yaml", document)
    read_plan_document(source)  # passes every check of the document itself
    before = row_counts(session_factory)
    exported_before = demo_cli.ok("export").stdout

    result = demo_cli("import", str(source))

    assert result.exit_code != 0
    assert "กองคลัง" in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert row_counts(session_factory) == before
    assert demo_cli.ok("export").stdout == exported_before


# --- units and plans ---------------------------------------------------------------------------


def test_units_in_a_document_are_found_whatever_their_spacing(demo_cli, tmp_path):
    units_before = demo_cli.ok("units", "--json").json()
    document = second_plan_document()
    document["organization"]["name"] = "องค์การบริหารส่วนตำบล ทุ่งดาวเรือง"
    document["units"] = [{"name": "สำนัก ปลัด"}]
    document["measures"][0]["tasks"][0]["units"] = ["สำนัก ปลัด"]
    source = write_yaml(tmp_path / "next-year.yaml", document)

    report = import_report(demo_cli, source)

    assert "units" not in report["created"]
    assert "organizations" not in report["created"]
    assert report["created"] == {"plans": 1, "measures": 1, "tasks": 1}
    assert [u["name"] for u in demo_cli.ok("units", "--json").json()] == [
        u["name"] for u in units_before
    ]
    [row] = demo_cli.ok("tasks", "--plan", str(report["plan_id"]), "--json").json()
    assert row["units"] == ["สำนักปลัด"]


def test_export_with_several_plans_asks_for_one_and_lists_them(demo_cli, tmp_path):
    demo_cli.ok("import", str(write_yaml(tmp_path / "next.yaml", second_plan_document())))
    plans = demo_cli.ok("plans", "--json").json()
    assert sorted(p["fiscal_year"] for p in plans) == [2570, 2571]

    result = demo_cli("export")

    assert result.exit_code != 0
    assert result.stdout == ""
    assert "--plan" in result.stderr
    for plan in plans:
        assert str(plan["id"]) in result.stderr
        assert str(plan["fiscal_year"]) in result.stderr
    [next_year] = [p for p in plans if p["fiscal_year"] == 2571]
    exported = demo_cli.ok("export", "--plan", str(next_year["id"])).json()
    assert exported["fiscal_year"] == 2571
    assert exported["measures"][0]["tasks"][0]["title"] == "ทบทวนแผน"


def test_export_of_an_unknown_plan_id_fails_naming_it(demo_cli):
    [plan] = demo_cli.ok("plans", "--json").json()
    missing = plan["id"] + 100

    result = demo_cli("export", "--plan", str(missing))

    assert result.exit_code != 0
    assert result.stdout == ""
    message = result.stderr.strip()
    assert "\n" not in message
    assert str(missing) in message
    assert "plan" in message.lower()
