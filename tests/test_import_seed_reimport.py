"""Importing the seed ITA analysis report again: unchanged, corrected, or with a step missing.

A second import of the same report changes nothing; a corrected copy updates the tasks in
place, keeps the units' progress and logs each change; a step missing from the new copy is
reported and kept. The seed report is read from ../shared/seeds and only short substrings of
it appear here, to edit copies. Every test runs on SQLite and (with TRACKER_TEST_DATABASE_URL)
on PostgreSQL.
"""

from __future__ import annotations

import re
from typing import Any

from cli_support import history
from import_support import (
    PERIOD_CELL,
    SECRETARIAT,
    THAI_DIGITS,
    edit_step,
    import_seed,
    seed_text,
    write_copy,
)

# --- helpers ---------------------------------------------------------------------------------


def tasks_by_number(cli) -> dict[int, dict[str, Any]]:
    rows = cli.ok("tasks", "--json").json()
    return {row["number"]: row for row in rows}


def remove_step(text: str, number: int) -> str:
    digit = THAI_DIGITS[number]
    kept = []
    removed = 0
    for line in text.split("\n"):
        cells = line.split("\t")
        is_step = len(cells) >= 3 and (
            cells[0].strip() == digit or re.match(rf"{digit}\s*\.\s*\D", cells[1].strip())
        )
        if is_step:
            removed += 1
        else:
            kept.append(line)
    assert removed == 2, f"step {number} found in {removed} rows, expected 2"
    return "\n".join(kept)


def test_importing_the_seed_twice_changes_nothing(cli):
    first = import_seed(cli, "--merge-similar-units")
    assert first["changed"] is True
    before = tasks_by_number(cli)
    events_before = {n: len(history(cli, row["id"])) for n, row in before.items()}

    second = import_seed(cli, "--merge-similar-units")

    assert second["changed"] is False
    assert second["created"] == {}
    assert second["changes"] == []
    assert second["plan_id"] == first["plan_id"]
    after = tasks_by_number(cli)
    assert after == before
    assert {n: len(history(cli, row["id"])) for n, row in after.items()} == events_before
    assert len(cli.ok("plans", "--json").json()) == 1


def test_a_corrected_report_updates_tasks_in_place_and_keeps_their_progress(cli, tmp_path):
    import_seed(cli, "--merge-similar-units")
    before = tasks_by_number(cli)
    cli.ok("done", str(before[1]["id"]), "--by", SECRETARIAT)
    cli.ok("progress", str(before[2]["id"]), "50", "--by", SECRETARIAT)

    def new_period(cells: list[str], listing: str) -> None:
        if listing == "table":
            assert cells[PERIOD_CELL].strip() == "พ.ย.๒๕๖๕"
            cells[PERIOD_CELL] = "ธ.ค.๒๕๖๕"

    def new_room(cells: list[str], listing: str) -> None:
        assert "ห้องประชุมสภา" in cells[1]
        cells[1] = cells[1].replace("ห้องประชุมสภา", "ห้องประชุมใหญ่")

    text = edit_step(edit_step(seed_text(), 2, new_period), 7, new_room)
    corrected = write_copy(tmp_path, "corrected.txt", text)

    report = import_seed(cli, "--merge-similar-units", path=corrected)

    assert report["changed"] is True
    assert report["created"] == {}
    after = tasks_by_number(cli)
    assert {n: r["id"] for n, r in after.items()} == {n: r["id"] for n, r in before.items()}
    assert after[2]["period_text"] == "ธ.ค.๒๕๖๕"
    assert (after[2]["start"], after[2]["end"]) == ("2022-12-01", "2022-12-31")
    assert "ห้องประชุมใหญ่" in after[7]["title"]
    assert "ห้องประชุมสภา" not in after[7]["title"]
    assert (after[1]["status"], after[1]["percent"]) == ("done", 100)
    assert (after[2]["status"], after[2]["percent"]) == ("in_progress", 50)
    for number in (3, 4, 5, 6):
        assert after[number] == before[number]

    events = history(cli, after[2]["id"])
    unit_events = [i for i, e in enumerate(events) if not e["actor"].startswith("import:")]
    import_changes = [
        (i, e)
        for i, e in enumerate(events)
        if e["actor"].startswith("import:") and e["field"] != "created"
    ]
    assert unit_events, "the unit's progress report is in the history"
    assert import_changes, "the import's changes are in the history"
    assert min(i for i, _ in import_changes) > max(unit_events)
    changed = {(e["before"], e["after"]) for _, e in import_changes}
    assert ("พ.ย.๒๕๖๕", "ธ.ค.๒๕๖๕") in changed
    assert ("2022-11-01", "2022-12-01") in changed
    assert ("2022-11-30", "2022-12-31") in changed
    assert all(e["actor"] == "import: corrected.txt" for _, e in import_changes)

    title_changes = [
        e
        for e in history(cli, after[7]["id"])
        if e["actor"].startswith("import:") and e["field"] == "title"
    ]
    assert len(title_changes) == 1
    assert "ห้องประชุมใหญ่" in title_changes[0]["after"]
    # Task 1 was not changed by the report: no import event after its creation.
    task1 = history(cli, after[1]["id"])
    assert [e["field"] for e in task1 if e["actor"].startswith("import:")] == ["created"]


def test_a_step_missing_from_a_re_imported_report_is_reported_and_kept(cli, tmp_path):
    import_seed(cli, "--merge-similar-units")
    before = tasks_by_number(cli)
    shorter = write_copy(tmp_path, "without-7.txt", remove_step(seed_text(), 7))

    report = import_seed(cli, "--merge-similar-units", path=shorter)

    assert report["found"]["tasks"] == 6
    missing = [n for n in report["notices"] if "1.7" in n or f"id {before[7]['id']}" in n]
    assert len(missing) == 1, report["notices"]
    after = tasks_by_number(cli)
    assert sorted(after) == [1, 2, 3, 4, 5, 6, 7]
    assert after[7] == before[7]
