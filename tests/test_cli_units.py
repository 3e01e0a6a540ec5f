"""`tracker units` (list, add, rename, merge) on the demo plan, through the real CLI.

From examples/demo-plan.yaml: five units, in this order, with the tasks naming them
(task ids 1..8 in file order):

- สำนักปลัด (alias "สำนักงานปลัด อบต."): tasks 1, 2, 4, 6
- กองคลัง: tasks 3, 4, 5
- กองช่าง: task 5
- กองการศึกษา ศาสนาและวัฒนธรรม: task 7
- ทุกส่วนราชการในสังกัด... (the every-unit group): task 8
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml
from cli_support import assert_one_line_error, history, task
from conftest import DEMO_PLAN, FROZEN_NOW

PALAD = "สำนักปลัด"
PALAD_ALIAS = "สำนักงานปลัด อบต."
KLANG = "กองคลัง"
CHANG = "กองช่าง"
EDUCATION = "กองการศึกษา ศาสนาและวัฒนธรรม"
EVERY_UNIT = "ทุกส่วนราชการในสังกัดองค์การบริหารส่วนตำบลทุ่งดาวเรือง"
NEW_UNIT = "กองสาธารณสุขและสิ่งแวดล้อม"


def _units_from_yaml() -> list[dict]:
    document = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    tasks = [task for measure in document["measures"] for task in measure["tasks"]]
    return [
        {
            "name": unit["name"],
            "aliases": unit["aliases"],
            "all_units": unit["all_units"],
            "tasks": sum(1 for task in tasks if unit["name"] in task["units"]),
        }
        for unit in document["units"]
    ]


def units(cli) -> list[dict]:
    return cli.ok("units", "--json").json()


def by_name(cli) -> dict[str, dict]:
    return {row["name"]: row for row in units(cli)}


def task_ids(cli, *args: str) -> list[int]:
    return [row["id"] for row in cli.ok("tasks", *args, "--json").json()]


def all_histories(cli) -> dict[int, list[dict]]:
    return {task_id: history(cli, task_id) for task_id in range(1, 9)}


# --- listing ---------------------------------------------------------------------------------


def test_units_lists_the_five_demo_units_with_aliases_and_task_counts(demo_cli):
    rows = units(demo_cli)
    shown = [{key: row[key] for key in ("name", "aliases", "all_units", "tasks")} for row in rows]
    assert shown == _units_from_yaml()


def test_the_demo_unit_task_counts_are_as_counted_by_hand(demo_cli):
    counts = {row["name"]: row["tasks"] for row in units(demo_cli)}
    assert counts == {PALAD: 4, KLANG: 3, CHANG: 1, EDUCATION: 1, EVERY_UNIT: 1}


def test_only_the_every_unit_group_is_marked_all_units(demo_cli):
    assert [row["name"] for row in units(demo_cli) if row["all_units"]] == [EVERY_UNIT]


def test_the_unit_table_shows_names_aliases_and_counts(demo_cli):
    out = demo_cli.ok("units").stdout
    for name in (PALAD, PALAD_ALIAS, KLANG, CHANG, EDUCATION, EVERY_UNIT):
        assert name in out


# --- add -------------------------------------------------------------------------------------


def test_an_added_unit_is_listed_with_no_tasks(demo_cli):
    demo_cli.ok("units", "add", NEW_UNIT)
    rows = units(demo_cli)
    assert [row["name"] for row in rows] == [PALAD, KLANG, CHANG, EDUCATION, EVERY_UNIT, NEW_UNIT]
    added = rows[-1]
    assert (added["aliases"], added["all_units"], added["tasks"]) == ([], False, 0)


def test_an_added_unit_sees_the_every_unit_tasks_and_may_change_them(demo_cli):
    demo_cli.ok("units", "add", NEW_UNIT)
    assert task_ids(demo_cli, "--unit", NEW_UNIT) == [8]
    demo_cli.ok("progress", "8", "25", "--by", NEW_UNIT)
    assert task(demo_cli, 8)["percent"] == 25
    assert history(demo_cli, 8)[-1]["actor"] == NEW_UNIT


def test_an_added_name_is_tidied_to_single_spaces(demo_cli):
    demo_cli.ok("units", "add", "  กองสาธารณสุข   และสิ่งแวดล้อม ")
    assert units(demo_cli)[-1]["name"] == "กองสาธารณสุข และสิ่งแวดล้อม"


@pytest.mark.parametrize(
    "name",
    [
        KLANG,
        " กอง  คลัง ",
        "กองการศึกษาศาสนาและวัฒนธรรม",
        EVERY_UNIT,
        PALAD_ALIAS,
        "สำนักงานปลัดอบต.",
        " สำนักงาน ปลัด อบต. ",
    ],
    ids=[
        "same-name",
        "same-name-other-spacing",
        "same-name-without-spaces",
        "the-every-unit-group",
        "an-alias",
        "an-alias-without-spaces",
        "an-alias-other-spacing",
    ],
)
def test_adding_a_name_already_in_use_is_refused(demo_cli, name):
    before = units(demo_cli)
    assert_one_line_error(demo_cli("units", "add", name), 1)
    assert units(demo_cli) == before


# --- rename ----------------------------------------------------------------------------------


def test_a_renamed_unit_shows_its_new_name_and_keeps_the_old_one_as_alias(demo_cli):
    demo_cli.ok("units", "rename", KLANG, "สำนักการคลัง")
    rows = by_name(demo_cli)
    assert KLANG not in rows
    assert rows["สำนักการคลัง"]["aliases"] == [KLANG]
    assert rows["สำนักการคลัง"]["tasks"] == 3
    assert [row["name"] for row in units(demo_cli)] == [
        PALAD,
        "สำนักการคลัง",
        CHANG,
        EDUCATION,
        EVERY_UNIT,
    ]


def test_the_old_name_still_finds_a_renamed_unit(demo_cli):
    demo_cli.ok("units", "rename", KLANG, "สำนักการคลัง")
    assert task_ids(demo_cli, "--unit", KLANG) == [3, 4, 5, 8]
    assert task_ids(demo_cli, "--unit", "สำนักการคลัง") == [3, 4, 5, 8]
    assert task_ids(demo_cli, "--unit", " กอง คลัง") == [3, 4, 5, 8]


def test_tasks_show_the_new_name_of_a_renamed_unit(demo_cli):
    demo_cli.ok("units", "rename", KLANG, "สำนักการคลัง")
    assert task(demo_cli, 3)["units"] == ["สำนักการคลัง"]
    assert task(demo_cli, 5)["units"] == ["สำนักการคลัง", CHANG]


def test_a_renamed_unit_can_act_under_its_old_name(demo_cli):
    demo_cli.ok("units", "rename", KLANG, "สำนักการคลัง")
    demo_cli.ok("done", "3", "--by", KLANG)
    assert task(demo_cli, 3)["status"] == "done"
    assert history(demo_cli, 3)[-1]["actor"] == "สำนักการคลัง"


def test_a_unit_can_be_renamed_by_its_alias(demo_cli):
    demo_cli.ok("units", "rename", PALAD_ALIAS, "สำนักงานปลัด")
    rows = by_name(demo_cli)
    assert PALAD not in rows
    assert set(rows["สำนักงานปลัด"]["aliases"]) == {PALAD_ALIAS, PALAD}
    assert task_ids(demo_cli, "--unit", PALAD) == [1, 2, 4, 6, 8]


def test_renaming_back_restores_the_name_and_keeps_both_findable(demo_cli):
    demo_cli.ok("units", "rename", KLANG, "สำนักการคลัง")
    demo_cli.ok("units", "rename", "สำนักการคลัง", KLANG)
    rows = by_name(demo_cli)
    assert "สำนักการคลัง" not in rows
    assert rows[KLANG]["aliases"] == ["สำนักการคลัง"]
    assert task_ids(demo_cli, "--unit", "สำนักการคลัง") == [3, 4, 5, 8]


def test_renaming_a_unit_to_one_of_its_aliases_swaps_name_and_alias(demo_cli):
    demo_cli.ok("units", "rename", PALAD, PALAD_ALIAS)
    rows = by_name(demo_cli)
    assert PALAD not in rows
    assert rows[PALAD_ALIAS]["aliases"] == [PALAD]
    assert rows[PALAD_ALIAS]["tasks"] == 4
    assert task_ids(demo_cli, "--unit", PALAD) == [1, 2, 4, 6, 8]


def test_renaming_to_a_blank_name_is_refused(demo_cli):
    before = units(demo_cli)
    for blank in ("", "   "):
        result = demo_cli("units", "rename", CHANG, blank)
        assert_one_line_error(result)
    assert units(demo_cli) == before


def test_adding_a_blank_name_is_refused(demo_cli):
    before = units(demo_cli)
    for blank in ("", "   "):
        assert_one_line_error(demo_cli("units", "add", blank))
    assert units(demo_cli) == before


@pytest.mark.parametrize(
    "new_name", [CHANG, PALAD_ALIAS, "กอง ช่าง"], ids=["a-unit", "an-alias", "other-spacing"]
)
def test_renaming_to_a_name_in_use_is_refused(demo_cli, new_name):
    before = units(demo_cli)
    assert_one_line_error(demo_cli("units", "rename", KLANG, new_name), 1)
    assert units(demo_cli) == before


def test_renaming_an_unknown_unit_names_it(demo_cli):
    line = assert_one_line_error(demo_cli("units", "rename", "กองไม่มีจริง", "กองใหม่"), 1)
    assert "กองไม่มีจริง" in line


# --- merge -----------------------------------------------------------------------------------


def test_merge_moves_the_sources_tasks_to_the_target(demo_cli):
    demo_cli.ok("units", "merge", EDUCATION, PALAD)
    assert task_ids(demo_cli, "--unit", PALAD) == [1, 2, 4, 6, 7, 8]
    assert task(demo_cli, 7)["units"] == [PALAD]


def test_a_merged_unit_disappears_from_the_list_and_its_name_becomes_an_alias(demo_cli):
    demo_cli.ok("units", "merge", EDUCATION, PALAD)
    rows = units(demo_cli)
    assert [row["name"] for row in rows] == [PALAD, KLANG, CHANG, EVERY_UNIT]
    palad = rows[0]
    assert palad["aliases"] == [PALAD_ALIAS, EDUCATION]
    assert palad["tasks"] == 5


def test_the_old_name_of_a_merged_unit_finds_the_target(demo_cli):
    demo_cli.ok("units", "merge", EDUCATION, PALAD)
    assert task_ids(demo_cli, "--unit", EDUCATION) == [1, 2, 4, 6, 7, 8]


def test_the_aliases_of_a_merged_unit_find_the_target(demo_cli):
    demo_cli.ok("units", "merge", PALAD, KLANG)
    # สำนักปลัด had tasks 1, 2, 4, 6; กองคลัง had 3, 4, 5; task 8 is everyone's.
    expected = [1, 2, 3, 4, 5, 6, 8]
    assert task_ids(demo_cli, "--unit", PALAD_ALIAS) == expected
    assert task_ids(demo_cli, "--unit", PALAD) == expected
    klang = by_name(demo_cli)[KLANG]
    assert set(klang["aliases"]) == {PALAD, PALAD_ALIAS}
    assert klang["tasks"] == 6


def test_after_two_merges_every_old_name_finds_the_last_target(demo_cli):
    demo_cli.ok("units", "merge", CHANG, KLANG)
    demo_cli.ok("units", "merge", KLANG, PALAD)
    assert [row["name"] for row in units(demo_cli)] == [PALAD, EDUCATION, EVERY_UNIT]
    for name in (CHANG, KLANG, PALAD_ALIAS, PALAD):
        assert task_ids(demo_cli, "--unit", name) == [1, 2, 3, 4, 5, 6, 8], name
    assert task(demo_cli, 5)["units"] == [PALAD]
    demo_cli.ok("progress", "5", "20", "--by", CHANG)
    assert history(demo_cli, 5)[-1]["actor"] == PALAD


def test_each_moved_task_gets_a_units_event(demo_cli):
    before = all_histories(demo_cli)
    demo_cli.ok("units", "merge", EDUCATION, PALAD)
    after = all_histories(demo_cli)
    new = {task_id: after[task_id][len(before[task_id]) :] for task_id in after}
    assert {task_id: events for task_id, events in new.items() if events}.keys() == {7}
    [event] = new[7]
    assert event["field"] == "units"
    assert (event["before"], event["after"]) == (EDUCATION, PALAD)
    at = datetime.fromisoformat(event["at"])
    assert at == datetime.fromisoformat(FROZEN_NOW).astimezone(UTC)


def test_merging_into_a_unit_already_on_the_task_does_not_list_it_twice(demo_cli):
    # Task 5 belongs to both กองคลัง and กองช่าง.
    before = all_histories(demo_cli)
    demo_cli.ok("units", "merge", CHANG, KLANG)
    assert task(demo_cli, 5)["units"] == [KLANG]
    assert by_name(demo_cli)[KLANG]["tasks"] == 3
    assert task_ids(demo_cli, "--unit", KLANG) == [3, 4, 5, 8]
    after = all_histories(demo_cli)
    changed = [task_id for task_id in after if after[task_id] != before[task_id]]
    assert changed == [5]
    [event] = after[5][len(before[5]) :]
    assert event["field"] == "units"
    assert CHANG in event["before"]
    assert KLANG in event["before"]
    assert event["after"] == KLANG


def test_after_a_merge_the_old_name_can_mark_moved_tasks_done(demo_cli):
    demo_cli.ok("units", "merge", EDUCATION, PALAD)
    demo_cli.ok("done", "7", "--by", EDUCATION, "--note", "อบรมแล้ว")
    row = task(demo_cli, 7)
    assert (row["status"], row["percent"]) == ("done", 100)
    last = history(demo_cli, 7)[-2:]
    assert {e["field"] for e in last} == {"status", "percent"}
    assert {e["actor"] for e in last} == {PALAD}


def test_after_a_merge_the_old_name_can_report_progress_on_moved_tasks(demo_cli):
    demo_cli.ok("units", "merge", CHANG, KLANG)
    demo_cli.ok("progress", "5", "30", "--by", CHANG)
    assert task(demo_cli, 5)["percent"] == 30


def test_a_merge_target_can_be_renamed_to_the_merged_units_name(demo_cli):
    # The merged name is already the target's alias, so it is free for the target to take.
    demo_cli.ok("units", "merge", EDUCATION, PALAD)
    result = demo_cli("units", "rename", PALAD, EDUCATION)
    assert result.exit_code == 0, result.stderr[-300:]
    rows = by_name(demo_cli)
    assert PALAD not in rows
    assert set(rows[EDUCATION]["aliases"]) == {PALAD_ALIAS, PALAD}
    assert task_ids(demo_cli, "--unit", PALAD) == [1, 2, 4, 6, 7, 8]
    assert task(demo_cli, 7)["units"] == [EDUCATION]


def test_the_name_of_a_merged_unit_cannot_be_added_again(demo_cli):
    demo_cli.ok("units", "merge", EDUCATION, PALAD)
    before = units(demo_cli)
    assert_one_line_error(demo_cli("units", "add", EDUCATION), 1)
    assert units(demo_cli) == before


@pytest.mark.parametrize(
    ("source", "target"),
    [(KLANG, KLANG), (PALAD_ALIAS, PALAD), (" กอง คลัง ", KLANG), (EVERY_UNIT, EVERY_UNIT)],
    ids=["same-name", "by-alias", "other-spacing", "the-every-unit-group"],
)
def test_merging_a_unit_into_itself_is_refused(demo_cli, source, target):
    before_units = units(demo_cli)
    before = all_histories(demo_cli)
    assert_one_line_error(demo_cli("units", "merge", source, target), 1)
    assert units(demo_cli) == before_units
    assert all_histories(demo_cli) == before


@pytest.mark.parametrize(
    ("source", "target"),
    [(EVERY_UNIT, KLANG), (KLANG, EVERY_UNIT)],
    ids=["group-into-unit", "unit-into-group"],
)
def test_the_every_unit_group_and_a_normal_unit_cannot_be_merged(demo_cli, source, target):
    before_units = units(demo_cli)
    before = all_histories(demo_cli)
    assert_one_line_error(demo_cli("units", "merge", source, target), 1)
    assert units(demo_cli) == before_units
    assert all_histories(demo_cli) == before
    assert task_ids(demo_cli, "--unit", CHANG) == [5, 8]


def test_merging_an_unknown_unit_names_it(demo_cli):
    before = units(demo_cli)
    line = assert_one_line_error(demo_cli("units", "merge", "กองไม่มีจริง", KLANG), 1)
    assert "กองไม่มีจริง" in line
    assert units(demo_cli) == before
