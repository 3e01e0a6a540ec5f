"""`tracker done`, `progress` and `reopen` on the demo plan, through the real CLI: what each
changes, the audit events it writes, who may change a task, and unknown ids and units.

Expected values come from examples/demo-plan.yaml (tasks are ids 1..8 in file order); the
table of the demo's tasks (status and percent of each) is in the docstring of
tests/cli_support.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cli_support import (
    CHANG,
    EDUCATION,
    KLANG,
    ORDINARY_UNITS,
    PALAD,
    PALAD_ALIAS,
    assert_one_line_error,
    history,
    task,
)
from conftest import FROZEN_NOW


def frozen_now_in_utc() -> datetime:
    return datetime.fromisoformat(FROZEN_NOW).astimezone(UTC)


def assert_at_frozen_now_in_utc(event: dict) -> None:
    at = datetime.fromisoformat(event["at"])
    assert at.utcoffset() is not None
    assert at.utcoffset().total_seconds() == 0, event["at"]
    assert at == frozen_now_in_utc()


def changes(events: list[dict]) -> dict[str, tuple[str | None, str | None]]:
    return {e["field"]: (e["before"], e["after"]) for e in events}


# --- done ------------------------------------------------------------------------------------


def test_done_sets_status_done_and_percent_100(demo_cli):
    demo_cli.ok(
        "done", "3", "--by", KLANG, "--note", "เผยแพร่แล้ว", "--evidence", "https://e.go.th/p.pdf"
    )
    row = task(demo_cli, 3)
    assert (row["status"], row["percent"]) == ("done", 100)


def test_done_writes_status_and_percent_events_with_note_evidence_actor_and_time(demo_cli):
    before = history(demo_cli, 3)
    url = "https://example.go.th/procurement-2569-11.pdf"
    demo_cli.ok("done", "3", "--by", KLANG, "--note", "เผยแพร่แล้ว", "--evidence", url)
    new = history(demo_cli, 3)[len(before) :]
    assert changes(new) == {"status": ("not_started", "done"), "percent": ("0", "100")}
    assert len(new) == 2
    for event in new:
        assert event["actor"] == KLANG
        assert_at_frozen_now_in_utc(event)
    # The note and the evidence are recorded, on one event (not repeated).
    with_note = [e for e in new if e["note"] is not None]
    assert [e["note"] for e in with_note] == ["เผยแพร่แล้ว"]
    assert with_note[0]["evidence_url"] == url
    assert [e["evidence_url"] for e in new if e["evidence_url"]] == [url]


def test_the_actor_is_the_units_name_even_when_given_by_alias(demo_cli):
    before = history(demo_cli, 2)
    demo_cli.ok("done", "2", "--by", PALAD_ALIAS)
    new = history(demo_cli, 2)[len(before) :]
    assert new
    assert {e["actor"] for e in new} == {PALAD}


def test_done_twice_changes_nothing_and_writes_no_event(demo_cli):
    demo_cli.ok("done", "3", "--by", KLANG)
    first = history(demo_cli, 3)
    result = demo_cli.ok("--lang", "en", "done", "3", "--by", KLANG)
    assert "nothing changed" in result.stdout
    assert history(demo_cli, 3) == first
    row = task(demo_cli, 3)
    assert (row["status"], row["percent"]) == ("done", 100)


def test_done_on_a_task_imported_as_done_writes_no_event(demo_cli):
    before = history(demo_cli, 1)
    demo_cli.ok("done", "1", "--by", PALAD)
    assert history(demo_cli, 1) == before


def test_user_is_recorded_in_the_actor(demo_cli):
    before = history(demo_cli, 3)
    demo_cli.ok("done", "3", "--by", KLANG, "--user", "นางสาวมาลี ใจดี")
    new = history(demo_cli, 3)[len(before) :]
    assert new
    for event in new:
        assert "นางสาวมาลี ใจดี" in event["actor"]
        assert KLANG in event["actor"]


# --- progress --------------------------------------------------------------------------------


def test_progress_on_a_not_started_task_starts_it(demo_cli):
    before = history(demo_cli, 3)
    demo_cli.ok("progress", "3", "40", "--by", KLANG, "--note", "เผยแพร่เดือน ต.ค. แล้ว")
    row = task(demo_cli, 3)
    assert (row["status"], row["percent"]) == ("in_progress", 40)
    new = history(demo_cli, 3)[len(before) :]
    assert changes(new) == {"percent": ("0", "40"), "status": ("not_started", "in_progress")}
    assert len(new) == 2
    assert [e["note"] for e in new if e["note"]] == ["เผยแพร่เดือน ต.ค. แล้ว"]
    for event in new:
        assert event["actor"] == KLANG
        assert_at_frozen_now_in_utc(event)


def test_progress_on_an_in_progress_task_changes_only_the_percent(demo_cli):
    before = history(demo_cli, 2)
    demo_cli.ok("progress", "2", "80", "--by", PALAD)
    row = task(demo_cli, 2)
    assert (row["status"], row["percent"]) == ("in_progress", 80)
    new = history(demo_cli, 2)[len(before) :]
    assert changes(new) == {"percent": ("60", "80")}
    assert len(new) == 1


def test_progress_100_marks_the_task_done(demo_cli):
    before = history(demo_cli, 2)
    demo_cli.ok("progress", "2", "100", "--by", PALAD)
    row = task(demo_cli, 2)
    assert (row["status"], row["percent"]) == ("done", 100)
    new = history(demo_cli, 2)[len(before) :]
    assert changes(new) == {"percent": ("60", "100"), "status": ("in_progress", "done")}


def test_progress_on_a_done_task_is_refused(demo_cli):
    before = history(demo_cli, 1)
    result = demo_cli("progress", "1", "50", "--by", PALAD)
    assert_one_line_error(result, 1)
    row = task(demo_cli, 1)
    assert (row["status"], row["percent"]) == ("done", 100)
    assert history(demo_cli, 1) == before


@pytest.mark.parametrize(
    "args",
    [
        ["2", "101", "--by", PALAD],
        ["2", "--by", PALAD, "--", "-1"],  # `--` so -1 is a value, not an option
        ["2", "-1", "--by", PALAD],
    ],
    ids=["101", "minus-one-after-double-dash", "minus-one"],
)
def test_a_percent_outside_0_to_100_is_refused_and_nothing_is_written(demo_cli, args):
    before = history(demo_cli, 2)
    result = demo_cli("progress", *args)
    assert_one_line_error(result, 2)
    assert result.stdout == ""
    row = task(demo_cli, 2)
    assert (row["status"], row["percent"]) == ("in_progress", 60)
    assert history(demo_cli, 2) == before


def test_the_out_of_range_message_names_the_percent(demo_cli):
    line = assert_one_line_error(demo_cli("progress", "2", "101", "--by", PALAD), 2)
    assert "101" in line
    line = assert_one_line_error(demo_cli("progress", "2", "--by", PALAD, "--", "-1"), 2)
    assert "-1" in line


# --- reopen ----------------------------------------------------------------------------------


def test_reopen_restores_the_percent_the_task_had_before_done(demo_cli):
    demo_cli.ok("progress", "2", "100", "--by", PALAD)
    before = history(demo_cli, 2)
    demo_cli.ok("reopen", "2", "--by", PALAD, "--note", "รายชื่อผู้รับผิดชอบยังไม่ครบ")
    row = task(demo_cli, 2)
    assert (row["status"], row["percent"]) == ("in_progress", 60)
    new = history(demo_cli, 2)[len(before) :]
    assert changes(new) == {"status": ("done", "in_progress"), "percent": ("100", "60")}
    assert [e["note"] for e in new if e["note"]] == ["รายชื่อผู้รับผิดชอบยังไม่ครบ"]
    for event in new:
        assert event["actor"] == PALAD
        assert_at_frozen_now_in_utc(event)


def test_reopen_after_the_done_command_restores_the_percent_before_it(demo_cli):
    demo_cli.ok("done", "2", "--by", PALAD_ALIAS, "--note", "ออกคำสั่งมอบหมายแล้ว")
    demo_cli.ok("reopen", "2", "--by", PALAD, "--note", "คำสั่งต้องแก้ไขรายชื่อ")
    row = task(demo_cli, 2)
    assert (row["status"], row["percent"]) == ("in_progress", 60)


def test_reopen_after_a_second_done_restores_the_latest_percent(demo_cli):
    demo_cli.ok("progress", "2", "100", "--by", PALAD)
    demo_cli.ok("reopen", "2", "--by", PALAD, "--note", "ยังไม่ครบ")
    demo_cli.ok("progress", "2", "70", "--by", PALAD)
    demo_cli.ok("done", "2", "--by", PALAD)
    demo_cli.ok("reopen", "2", "--by", PALAD, "--note", "ยังไม่ครบอีก")
    row = task(demo_cli, 2)
    assert (row["status"], row["percent"]) == ("in_progress", 70)


def test_reopen_after_done_restores_the_reported_progress(demo_cli):
    demo_cli.ok("progress", "3", "40", "--by", KLANG)
    demo_cli.ok("done", "3", "--by", KLANG)
    demo_cli.ok("reopen", "3", "--by", KLANG, "--note", "ยังไม่ได้เผยแพร่เดือน พ.ย.")
    row = task(demo_cli, 3)
    assert (row["status"], row["percent"]) == ("in_progress", 40)


def test_reopen_of_an_open_task_is_refused(demo_cli):
    before = history(demo_cli, 3)
    result = demo_cli("reopen", "3", "--by", KLANG, "--note", "ทดสอบ")
    assert_one_line_error(result, 1)
    row = task(demo_cli, 3)
    assert (row["status"], row["percent"]) == ("not_started", 0)
    assert history(demo_cli, 3) == before


def test_reopen_without_a_note_is_a_usage_error(demo_cli):
    before = history(demo_cli, 1)
    result = demo_cli("reopen", "1", "--by", PALAD)
    assert result.exit_code == 2
    assert "--note" in result.stderr
    assert task(demo_cli, 1)["status"] == "done"
    assert history(demo_cli, 1) == before


def test_reopen_with_a_blank_note_is_refused(demo_cli):
    before = history(demo_cli, 1)
    result = demo_cli("reopen", "1", "--by", PALAD, "--note", "   ")
    assert_one_line_error(result, 2)
    assert task(demo_cli, 1)["status"] == "done"
    assert history(demo_cli, 1) == before


# --- who may change a task -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "task_id", "unit"),
    [
        (["done", "3", "--by", CHANG], 3, CHANG),
        (["progress", "3", "40", "--by", PALAD], 3, PALAD),
        (["progress", "7", "10", "--by", KLANG], 7, KLANG),
        (["done", "4", "--by", EDUCATION, "--note", "x"], 4, EDUCATION),
        (["reopen", "1", "--by", KLANG, "--note", "ไม่ใช่หน่วยของเรา"], 1, KLANG),
    ],
    ids=["done", "progress", "progress-not-named", "done-with-note", "reopen"],
)
def test_a_unit_not_responsible_for_a_task_is_refused(demo_cli, args, task_id, unit):
    before_task = task(demo_cli, task_id)
    before = history(demo_cli, task_id)
    result = demo_cli(*args)
    line = assert_one_line_error(result, 1)
    assert unit in line
    assert history(demo_cli, task_id) == before
    after_task = task(demo_cli, task_id)
    assert (after_task["status"], after_task["percent"]) == (
        before_task["status"],
        before_task["percent"],
    )


@pytest.mark.parametrize("unit", ORDINARY_UNITS, ids=["palad", "klang", "chang", "education"])
def test_every_unit_may_change_a_task_of_the_every_unit_group(demo_cli, unit):
    before = history(demo_cli, 8)
    demo_cli.ok("progress", "8", "30", "--by", unit, "--note", "รายงานในที่ประชุมแล้ว")
    row = task(demo_cli, 8)
    assert (row["status"], row["percent"]) == ("in_progress", 30)
    new = history(demo_cli, 8)[len(before) :]
    assert changes(new) == {"percent": ("10", "30")}
    assert new[0]["actor"] == unit


def test_a_unit_named_on_a_shared_task_may_change_it(demo_cli):
    demo_cli.ok("progress", "5", "20", "--by", CHANG)
    demo_cli.ok("progress", "5", "50", "--by", KLANG)
    assert task(demo_cli, 5)["percent"] == 50
    actors = [e["actor"] for e in history(demo_cli, 5) if e["field"] == "percent"]
    assert actors == [CHANG, KLANG]


# --- unknown ids and units -------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["tasks", "show", "999"],
        ["tasks", "history", "999"],
        ["done", "999", "--by", PALAD],
        ["progress", "999", "10", "--by", PALAD],
        ["reopen", "999", "--by", PALAD, "--note", "x"],
    ],
    ids=["show", "history", "done", "progress", "reopen"],
)
def test_an_unknown_task_id_is_one_clear_line(demo_cli, args):
    result = demo_cli(*args)
    line = assert_one_line_error(result, 1)
    assert "999" in line
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["tasks", "--unit", "กองสาธารณสุข"],
        ["done", "3", "--by", "กองสาธารณสุข"],
        ["progress", "3", "10", "--by", "กองสาธารณสุข"],
    ],
    ids=["tasks", "done", "progress"],
)
def test_an_unknown_unit_is_one_line_naming_it(demo_cli, args):
    before = history(demo_cli, 3)
    result = demo_cli(*args)
    line = assert_one_line_error(result, 1)
    assert "กองสาธารณสุข" in line
    assert history(demo_cli, 3) == before
