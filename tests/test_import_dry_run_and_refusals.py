"""Plan document imports that write nothing: `tracker import --dry-run`, and documents that
are refused, before or during the import, leaving the database as it was.

Expected data comes from examples/demo-plan.yaml or from the documents written here; every
test runs on SQLite and (with TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

from conftest import DEMO_PLAN
from import_support import (
    demo_created_counts,
    demo_document,
    import_report,
    row_counts,
    write_yaml,
)

from tracker.plandoc import read_plan_document

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
