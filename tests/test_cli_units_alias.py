"""`tracker units alias` and `tracker units aliases`, and the common abbreviations finding
units in other commands, on the demo plan through the real CLI (SQLite, and PostgreSQL when
TRACKER_TEST_DATABASE_URL names one).

From examples/demo-plan.yaml (องค์การบริหารส่วนตำบลทุ่งดาวเรือง; tasks 1..8 in file order):

- 1 สำนักปลัด (alias "สำนักงานปลัด อบต."): tasks 1, 2, 4, 6
- 2 กองคลัง: tasks 3, 4, 5
- 3 กองช่าง: task 5
- 4 กองการศึกษา ศาสนาและวัฒนธรรม: task 7
- 5 ทุกส่วนราชการในสังกัด… (the every-unit group): task 8, which every unit also sees

Task 4's units are "สำนักปลัด, กองคลัง", task 5's "กองคลัง, กองช่าง" (in unit order).
The common abbreviations (tracker/data/unit-abbreviations.json) of a local organization:
สป. สำนักปลัด, กค. กองคลัง, กช. กองช่าง, กศ. and กองการศึกษาฯ กองการศึกษา ศาสนาและวัฒนธรรม.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cli_support import (
    CHANG,
    EDUCATION,
    EVERY_UNIT,
    KLANG,
    PALAD,
    PALAD_ALIAS,
    assert_one_line_error,
    history,
    task,
)
from conftest import FROZEN_NOW

FINANCE_WORK = "งานการเงินและบัญชี"
ACTOR = "tracker units alias"
KLANG_TASKS = {3: KLANG, 4: f"{PALAD}, {KLANG}", 5: f"{KLANG}, {CHANG}"}  # task -> its units


def units(cli) -> dict[str, dict]:
    return {row["name"]: row for row in cli.ok("units", "--json").json()}


def task_ids(cli, unit: str) -> list[int]:
    return [row["id"] for row in cli.ok("tasks", "--unit", unit, "--json").json()]


def histories(cli) -> dict[int, list[dict]]:
    return {task_id: history(cli, task_id) for task_id in range(1, 9)}


def new_events(before: dict[int, list[dict]], after: dict[int, list[dict]]) -> dict[int, list]:
    return {
        task_id: events[len(before[task_id]) :]
        for task_id, events in after.items()
        if len(events) > len(before[task_id])
    }


# --- adding ----------------------------------------------------------------------------------


def test_an_alias_is_added_listed_and_finds_the_unit(demo_cli):
    result = demo_cli.ok("units", "alias", KLANG, FINANCE_WORK)
    assert result.stdout == f"{KLANG}: เพิ่มชื่อเรียกอื่น {FINANCE_WORK}\n"
    assert units(demo_cli)[KLANG]["aliases"] == [FINANCE_WORK]
    assert task_ids(demo_cli, FINANCE_WORK) == [3, 4, 5, 8]
    assert task_ids(demo_cli, "งานการเงิน และบัญชี") == [3, 4, 5, 8]


def test_adding_an_alias_is_audited_on_each_task_of_the_unit_at_the_apps_now(demo_cli):
    before = histories(demo_cli)
    demo_cli.ok("units", "alias", KLANG, FINANCE_WORK)
    added = new_events(before, histories(demo_cli))
    assert added.keys() == KLANG_TASKS.keys()
    for task_id, names in KLANG_TASKS.items():
        [event] = added[task_id]
        assert event["actor"] == ACTOR
        assert event["field"] == "units"
        assert (event["before"], event["after"]) == (names, names)
        assert event["note"] == f"unit '{KLANG}' also known as '{FINANCE_WORK}'"
        assert datetime.fromisoformat(event["at"]) == datetime.fromisoformat(FROZEN_NOW).astimezone(
            UTC
        )
    assert task(demo_cli, 4)["units"] == [PALAD, KLANG]  # the units themselves stay


def test_the_unit_may_be_named_by_a_common_abbreviation(demo_cli):
    result = demo_cli.ok("units", "alias", "กค.", FINANCE_WORK)
    assert result.stdout == f"{KLANG}: เพิ่มชื่อเรียกอื่น {FINANCE_WORK}\n"
    assert units(demo_cli)[KLANG]["aliases"] == [FINANCE_WORK]


@pytest.mark.parametrize(
    "again", [FINANCE_WORK, " งานการเงิน และ บัญชี "], ids=["same", "other-spacing"]
)
def test_adding_an_alias_it_already_has_is_harmless_and_says_so(demo_cli, again):
    demo_cli.ok("units", "alias", KLANG, FINANCE_WORK)
    before, listed = histories(demo_cli), units(demo_cli)
    result = demo_cli.ok("units", "alias", KLANG, again)
    shown = " ".join(again.split())
    assert result.stdout == f"{KLANG}: มีชื่อเรียก {shown} อยู่แล้ว ไม่มีการเปลี่ยนแปลง\n"
    assert units(demo_cli) == listed
    assert histories(demo_cli) == before


def test_its_own_name_as_alias_is_harmless_too_in_english(demo_cli):
    before = histories(demo_cli)
    result = demo_cli.ok("--lang", "en", "units", "alias", KLANG, "กอง คลัง")
    assert result.stdout == f"{KLANG}: already goes by กอง คลัง; nothing changed\n"
    assert units(demo_cli)[KLANG]["aliases"] == []
    assert histories(demo_cli) == before


def test_an_alias_may_claim_a_common_abbreviation_and_says_whom_it_took_it_from(demo_cli):
    assert task_ids(demo_cli, "กช.") == [5, 8]  # กองช่าง's, by the common abbreviation
    result = demo_cli.ok("--lang", "en", "units", "alias", KLANG, "กช.")
    assert result.stdout == (
        f"{KLANG}: added alias กช.\n"
        f"note: กช. used to find {CHANG} (a common abbreviation); now it finds {KLANG}\n"
    )
    assert task_ids(demo_cli, "กช.") == [3, 4, 5, 8]
    assert task_ids(demo_cli, CHANG) == [5, 8]


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "holder"),
    [
        (CHANG, CHANG),
        (" กอง ช่าง ", CHANG),
        (PALAD_ALIAS, PALAD),
        ("สำนักงานปลัดอบต.", PALAD),
        (EVERY_UNIT, EVERY_UNIT),
    ],
    ids=["a-unit", "a-unit-other-spacing", "an-alias", "an-alias-without-spaces", "every-unit"],
)
def test_an_alias_held_by_another_unit_is_refused_in_one_line(demo_cli, alias, holder):
    before, listed = histories(demo_cli), units(demo_cli)
    line = assert_one_line_error(demo_cli("units", "alias", KLANG, alias), 1)
    shown = " ".join(alias.split())
    assert line == f"error: the name '{shown}' is already used by unit '{holder}'"
    assert units(demo_cli) == listed
    assert histories(demo_cli) == before


def test_a_merged_units_name_is_held_by_the_target(demo_cli):
    demo_cli.ok("units", "merge", EDUCATION, PALAD)
    line = assert_one_line_error(demo_cli("units", "alias", KLANG, EDUCATION), 1)
    assert line == f"error: the name '{EDUCATION}' is already used by unit '{PALAD}'"


@pytest.mark.parametrize("blank", ["", "   ", "\u200b"])
def test_a_blank_alias_is_bad_input(demo_cli, blank):
    before = units(demo_cli)
    line = assert_one_line_error(demo_cli("units", "alias", KLANG, blank), 2)
    assert line.startswith("error: unit name ")
    assert units(demo_cli) == before


def test_an_alias_for_an_unknown_unit_names_it(demo_cli):
    line = assert_one_line_error(demo_cli("units", "alias", "กองไม่มีจริง", FINANCE_WORK), 1)
    assert line.startswith("error: no unit 'กองไม่มีจริง' in องค์การบริหารส่วนตำบลทุ่งดาวเรือง")


def test_an_unknown_organization_is_refused(demo_cli):
    result = demo_cli("units", "alias", KLANG, FINANCE_WORK, "--org", "อบต.ไม่มีจริง")
    assert "อบต.ไม่มีจริง" in assert_one_line_error(result, 1)
    assert units(demo_cli)[KLANG]["aliases"] == []


# --- removing --------------------------------------------------------------------------------


def test_a_removed_alias_no_longer_finds_the_unit_and_the_removal_is_audited(demo_cli):
    demo_cli.ok("units", "alias", KLANG, FINANCE_WORK)
    before = histories(demo_cli)
    result = demo_cli.ok("units", "alias", KLANG, "งานการเงิน และบัญชี", "--remove")
    assert result.stdout == f"{KLANG}: ลบชื่อเรียกอื่น {FINANCE_WORK}\n"
    assert units(demo_cli)[KLANG]["aliases"] == []
    assert_one_line_error(demo_cli("tasks", "--unit", FINANCE_WORK), 1)
    removed = new_events(before, histories(demo_cli))
    assert removed.keys() == KLANG_TASKS.keys()
    for task_id, names in KLANG_TASKS.items():
        [event] = removed[task_id]
        assert (event["actor"], event["field"]) == (ACTOR, "units")
        assert (event["before"], event["after"]) == (names, names)
        assert event["note"] == f"unit '{KLANG}' no longer known as '{FINANCE_WORK}'"


def test_a_renamed_units_old_name_can_be_removed(demo_cli):
    demo_cli.ok("units", "rename", CHANG, "กองช่างโยธา")
    demo_cli.ok("units", "alias", "กองช่างโยธา", CHANG, "--remove")
    assert units(demo_cli)["กองช่างโยธา"]["aliases"] == []
    assert_one_line_error(demo_cli("tasks", "--unit", CHANG), 1)


@pytest.mark.parametrize(
    ("unit", "alias", "words"),
    [
        (KLANG, "งานพัสดุ", f"unit '{KLANG}' has no alias 'งานพัสดุ' (its aliases: none)"),
        (
            PALAD,
            "งานพัสดุ",
            f"unit '{PALAD}' has no alias 'งานพัสดุ' (its aliases: '{PALAD_ALIAS}')",
        ),
        (
            KLANG,
            KLANG,
            f"'{KLANG}' is the name of unit '{KLANG}', not an alias (rename it instead)",
        ),
        (KLANG, PALAD_ALIAS, f"'{PALAD_ALIAS}' is an alias of unit '{PALAD}', not of '{KLANG}'"),
        (KLANG, CHANG, f"'{CHANG}' is the name of unit '{CHANG}', not an alias of '{KLANG}'"),
    ],
    ids=["unknown", "unknown-listing-aliases", "own-name", "another-units-alias", "another-unit"],
)
def test_removing_what_is_not_its_alias_is_refused_in_one_line(demo_cli, unit, alias, words):
    before, listed = histories(demo_cli), units(demo_cli)
    line = assert_one_line_error(demo_cli("units", "alias", unit, alias, "--remove"), 1)
    assert line == f"error: {words}"
    assert units(demo_cli) == listed
    assert histories(demo_cli) == before


# --- listing ---------------------------------------------------------------------------------

DEMO_NAMES = [
    {"id": 1, "name": PALAD, "aliases": [PALAD_ALIAS], "abbreviations": ["สป."]},
    {"id": 2, "name": KLANG, "aliases": [], "abbreviations": ["กค."]},
    {"id": 3, "name": CHANG, "aliases": [], "abbreviations": ["กช."]},
    {"id": 4, "name": EDUCATION, "aliases": [], "abbreviations": ["กศ.", "กองการศึกษาฯ"]},
    {"id": 5, "name": EVERY_UNIT, "aliases": [], "abbreviations": []},
]


def test_aliases_lists_each_units_aliases_and_common_abbreviations(demo_cli):
    assert demo_cli.ok("units", "aliases", "--json").json() == DEMO_NAMES


def test_aliases_of_one_unit_named_any_way(demo_cli):
    for name in (KLANG, "กค.", "กองคลัง อบต.ทุ่งดาวเรือง"):
        assert demo_cli.ok("units", "aliases", name, "--json").json() == [DEMO_NAMES[1]]


def test_an_alias_claiming_an_abbreviation_moves_it_in_the_listing(demo_cli):
    demo_cli.ok("units", "alias", KLANG, "กช.")
    rows = {row["name"]: row for row in demo_cli.ok("units", "aliases", "--json").json()}
    assert (rows[KLANG]["aliases"], rows[KLANG]["abbreviations"]) == (["กช."], ["กค."])
    assert (rows[CHANG]["aliases"], rows[CHANG]["abbreviations"]) == ([], [])


def test_the_aliases_table_shows_every_name(demo_cli):
    out = demo_cli.ok("units", "aliases").stdout
    for name in (PALAD, PALAD_ALIAS, KLANG, CHANG, "สป.", "กค.", "กช.", "กศ."):
        assert name in out


# --- the common abbreviations in other commands ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "tasks"),
    [
        ("กค.", [3, 4, 5, 8]),
        ("สป.", [1, 2, 4, 6, 8]),
        ("สป.อบต.", [1, 2, 4, 6, 8]),
        ("กศ.", [7, 8]),
        ("กองการศึกษาฯ", [7, 8]),
        ("กองคลัง อบต.ทุ่งดาวเรือง", [3, 4, 5, 8]),
        ("กองคลังองค์การบริหารส่วนตำบลทุ่งดาวเรือง", [3, 4, 5, 8]),
    ],
)
def test_tasks_of_a_unit_named_by_a_common_abbreviation(demo_cli, name, tasks):
    assert task_ids(demo_cli, name) == tasks


@pytest.mark.parametrize(
    "name",
    ["กองการศึกษา", "กองฯ", "กองคลัง อบต.หนองบัว", "กสธ."],
    ids=["no-cut-short-mark", "bare-kind", "another-organization", "no-such-unit"],
)
def test_names_the_rules_do_not_give_find_no_unit(demo_cli, name):
    line = assert_one_line_error(demo_cli("tasks", "--unit", name), 1)
    assert f"no unit '{name}'" in line


def test_a_unit_renamed_and_acting_by_its_abbreviation(demo_cli):
    assert demo_cli.ok("units", "rename", "กค.", "สำนักการคลัง").stdout == f"{KLANG} -> สำนักการคลัง\n"
    assert units(demo_cli)["สำนักการคลัง"]["aliases"] == [KLANG]
    # กค. written out is กองคลัง: no unit's name now, but the old name kept as an alias.
    assert task_ids(demo_cli, "กค.") == [3, 4, 5, 8]
    demo_cli.ok("done", "3", "--by", "กค.")
    assert task(demo_cli, 3)["status"] == "done"
    assert history(demo_cli, 3)[-1]["actor"] == "สำนักการคลัง"
