"""Plan documents in and out of the database: `tracker import` and `tracker export` of the
same document, and importing it again.

Expected data comes from examples/demo-plan.yaml or from the documents written here; every
test runs on SQLite and (with TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from conftest import DEMO_PLAN
from import_support import (
    demo_created_counts,
    demo_document,
    import_report,
    row_counts,
    write_json,
    write_yaml,
)

# --- helpers ---------------------------------------------------------------------------------


def parse(text: str, fmt: str) -> Any:
    return json.loads(text) if fmt == "json" else yaml.safe_load(text)


def task_id(cli, measure: int, number: int, plan_id: int | None = None) -> int:
    args = ["tasks", "--json"] + (["--plan", str(plan_id)] if plan_id else [])
    rows = cli.ok(*args).json()
    [row] = [r for r in rows if (r["measure"], r["number"]) == (measure, number)]
    return row["id"]


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
