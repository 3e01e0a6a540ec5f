"""Terminal tables wrap Thai at word boundaries: the imported seed report's tasks and units,
printed at 80 and 60 columns, on SQLite and PostgreSQL.

Expected values are read by hand from the seed (../shared/seeds): steps ๑, ๒, ๕, ๖ and ๗ are
the secretariat's (สำนักงานเลขานุการองค์การบริหารส่วนจังหวัด), steps ๓ and ๔ belong to every
unit (ทุกส่วนราชการในสังกัดองค์การบริหารส่วนจังหวัดแพร่). Both names are made of the words
below; a cell line of the responsible column must be whole words, never part of one (Rich's own
folding printed "สำนักงานเลขานุการอง" over "ค์การบริหารส่วนจังหวัด").
"""

from __future__ import annotations

import re

import pytest
from import_support import import_seed
from rich.cells import cell_len

from tracker.cli.context import print_table

SECRETARIAT = "สำนักงานเลขานุการองค์การบริหารส่วนจังหวัด"
EVERY_UNIT = "ทุกส่วนราชการในสังกัดองค์การบริหารส่วนจังหวัดแพร่"
UNITS_BY_STEP = {
    "1.1": SECRETARIAT,
    "1.2": SECRETARIAT,
    "1.3": EVERY_UNIT,
    "1.4": EVERY_UNIT,
    "1.5": SECRETARIAT,
    "1.6": SECRETARIAT,
    "1.7": SECRETARIAT,
}
UNIT_WORDS = [
    "สำนักงาน",
    "เลขานุการ",
    "องค์การ",
    "บริหาร",
    "ส่วนราชการ",
    "ส่วน",
    "จังหวัด",
    "ทุก",
    "ใน",
    "สังกัด",
    "แพร่",
]
WHOLE_WORDS = re.compile("(?:" + "|".join(UNIT_WORDS) + r"|\s)+")


def table_rows(output: str) -> list[list[str]]:
    """The body of the first table in ``output``: one list of stripped cell texts per line."""
    return [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in output.splitlines()
        if line.startswith("│")
    ]


def responsible_cells(output: str) -> dict[str, list[str]]:
    """Each step's lines in the tasks table's ผู้รับผิดชอบ column (the fourth), by its #."""
    cells: dict[str, list[str]] = {}
    step = ""
    for row in table_rows(output):
        step = row[1] or step
        if row[3]:
            cells.setdefault(step, []).append(row[3])
    return cells


@pytest.fixture
def seed_cli(cli):
    import_seed(cli)
    return cli


@pytest.mark.parametrize("columns", [80, 60])
def test_unit_names_in_the_tasks_table_wrap_between_words(seed_cli, columns):
    seed_cli.env(COLUMNS=str(columns))
    output = seed_cli.ok("tasks").stdout
    header = next(line for line in output.splitlines() if "┃" in line)
    assert "ผู้รับผิดชอบ" in header
    cells = responsible_cells(output)
    assert sorted(cells) == sorted(UNITS_BY_STEP)
    for step, name in UNITS_BY_STEP.items():
        lines = cells[step]
        assert len(lines) > 1, f"{step}: the unit name should need more than one line here"
        assert "".join(lines).replace(" ", "") == name, step
        for line in lines:
            assert WHOLE_WORDS.fullmatch(line), f"{step}: {line!r} ends or starts inside a word"


@pytest.mark.parametrize("columns", [80, 60])
def test_no_line_is_wider_than_the_terminal(seed_cli, columns):
    seed_cli.env(COLUMNS=str(columns))
    for command in (["tasks"], ["units"], ["overview"]):
        for line in seed_cli.ok(*command).stdout.splitlines():
            assert cell_len(line) <= columns, (command, line)


def test_the_units_table_keeps_the_words_of_every_name(seed_cli):
    # The seed also spells the secretariat เลขาธิการ once (a unit of its own unless merged),
    # and the units list marks the every-unit group "(ทุกหน่วย)": two more words.
    words = re.compile("(?:" + "|".join([*UNIT_WORDS, "เลขาธิการ", "หน่วย"]) + r"|[\s()])+")
    seed_cli.env(COLUMNS="40")
    rows = table_rows(seed_cli.ok("units").stdout)
    name_lines = [row[1] for row in rows if row[1]]
    assert len(name_lines) > 3  # three names, each on more than one line at 40 columns
    for line in name_lines:
        assert words.fullmatch(line), f"{line!r} ends or starts inside a word"


def test_a_title_wider_than_its_table_wraps_between_words(capsys, monkeypatch):
    # The table: ID (2 cells + 2 padding), ชื่อ/กองคลัง (6 + 2), three borders: 15 cells.
    # The title's words: รายงาน 6, ผล 2, การ 3 | ดำเนินงาน 8, ของ 3 | หน่วยงาน 7, ผู้รับผิดชอบ 8.
    monkeypatch.setenv("COLUMNS", "80")
    print_table("รายงานผลการดำเนินงานของหน่วยงานผู้รับผิดชอบ", ["ID", "ชื่อ"], [["1", "กองคลัง"]])
    lines = [line.rstrip() for line in capsys.readouterr().out.splitlines()]
    assert lines[:3] == ["รายงานผลการ", "ดำเนินงานของ", "หน่วยงานผู้รับผิดชอบ"]
    assert cell_len(lines[3]) == 15  # the table's top border follows
