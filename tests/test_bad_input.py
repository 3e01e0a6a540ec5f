"""Nothing bad gets in: each class of bad input is one clear line, exit 2 (1 for a refusal),
and a database exactly as it was. This file: meeting rules meetings cannot follow, everyday
mistakes that were tracebacks, and small files that would exhaust the machine; likely
mistakes that were accepted silently and messages that misled are in
test_bad_input_mistakes.py.

The database is compared whole (every row of every table) before and after each refused
command (the ``guarded`` fixture of tests/bad_input_support.py). Expected words come from the
rules the product states (README "Plan documents", schedules.rrules, tracker.inputs,
tracker.notify.addresses), not from its output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bad_input_support import (
    FIRST_TASK,
    demo,
    guarded_fixture,  # noqa: F401  (the `guarded` fixture)
    refusal,
    snapshot,
    with_change,
    write_json,
    write_text,
)
from conftest import DEMO_PLAN
from sqlalchemy import create_engine, text

SERIES_RULE = ("meeting_series", 0, "rrule")

# --- 1. meeting rules -------------------------------------------------------------------------

BAD_RULES = [
    ("FREQ=MONTHLY;BYDAY=9WE", "week 9"),
    ("FREQ=WEEKLY;INTERVAL=-1", "INTERVAL=-1"),
    ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL=0"),
    ("FREQ=SECONDLY", "FREQ=SECONDLY"),
    ("FREQ=MONTHLY;COUNT=3;BYDAY=1WE", "COUNT"),
]


@pytest.mark.parametrize(("rule", "words"), BAD_RULES)
def test_a_plan_with_a_rule_meetings_cannot_follow_is_refused_and_nothing_breaks(
    guarded, tmp_path, rule, words
):
    path = write_json(tmp_path, with_change(SERIES_RULE, rule))

    line = refusal(guarded("import", str(path)))

    assert f"{path}:" in line
    assert "meeting_series[0].rrule" in line
    assert words in line
    for command in (["overview"], ["meetings"], ["remind", "--dry-run"]):
        guarded.ok(*command)


def test_a_rule_meetings_cannot_follow_is_refused_by_meetings_rule_at_once(cli):
    line = refusal(cli("meetings", "--rule", "FREQ=WEEKLY;INTERVAL=0"))
    assert "INTERVAL=0" in line


def test_a_bad_rule_stored_by_an_older_version_is_one_line_and_skipped_by_the_jobs(
    demo_cli, database_url
):
    engine = create_engine(database_url)
    with engine.begin() as connection:  # what a database written before the check may hold
        connection.execute(text("UPDATE meeting_series SET rrule = 'FREQ=WEEKLY;INTERVAL=0'"))
    engine.dispose()

    for command in (["overview"], ["meetings"]):
        line = refusal(demo_cli(*command))
        assert "ประชุมหัวหน้าส่วนราชการ" in line
        assert "INTERVAL=0" in line
    # The jobs plan every other series; this one is logged and gets no reminders.
    result = demo_cli.ok("remind", "--dry-run", "--json")
    assert all(item["job"] != "meeting-reminder" for r in result.json() for item in r["items"])


# --- 4. everyday mistakes that were tracebacks -----------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["export", "-o", "{missing}/plan.json"], ["meetings", "--ics", "-o", "{missing}/x.ics"]],
    ids=["export", "meetings-ics"],
)
def test_writing_into_a_folder_that_does_not_exist_is_one_line(guarded, tmp_path, args):
    missing = tmp_path / "no" / "such"
    line = refusal(guarded(*[a.format(missing=missing) for a in args]))
    assert f"the folder {missing} does not exist" in line
    assert not missing.exists()


def test_a_db_that_is_not_a_database_is_one_line(cli, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not a database\n", encoding="utf-8")
    line = refusal(cli("--db", str(path), "tasks"))
    assert "file is not a database" in line
    assert path.read_text(encoding="utf-8") == "not a database\n"


def test_a_sqlite_file_of_another_program_is_left_untouched(cli, tmp_path):
    path = tmp_path / "other.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    line = refusal(cli("--db", str(path), "import", str(DEMO_PLAN)))
    assert "another program's tables (invoices)" in line
    assert snapshot(f"sqlite:///{path}") == {"invoices": []}


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://tracker:s3cret@db.example/ita", "unsupported database 'mysql'"),
        ("::not a url::", "is not a database URL"),
        ("postgresql+psycopg2://tracker:s3cret@db.example/ita", "unsupported database"),
    ],
)
def test_a_malformed_or_unsupported_database_url_is_one_line_without_its_password(cli, url, words):
    cli.env(TRACKER_DATABASE_URL=url)
    line = refusal(cli("tasks"))
    assert line.startswith("error: TRACKER_DATABASE_URL: ")
    assert words in line
    assert "s3cret" not in line


@pytest.mark.parametrize(
    "args",
    [
        ["tasks", "show", "99999999999999999999999"],
        ["tasks", "history", "9223372036854775808"],
        ["done", "18446744073709551616", "--by", "กองคลัง"],
        ["export", "--plan", "99999999999"],
        ["outbox", "retry", "4294967296"],
    ],
)
def test_an_id_beyond_what_a_database_holds_is_bad_input(guarded, args):
    line = refusal(guarded(*args))
    assert "is not an id (a whole number from 1 to 2,147,483,647)" in line


def test_a_5000_digit_year_is_one_short_line(cli):
    line = refusal(cli("period", "พ.ย. " + "9" * 5000))
    assert "too long for a period" in line
    assert len(line) < 300


DEEP = "[" * 10000 + "]" * 10000


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: write_text(p, _json_with_title('"a\\ud800b"'), "plan.json"), "U+D800"),
        (lambda p: write_json(p, with_change((*FIRST_TASK, "title"), "a\x00b")), "U+0000"),
        (
            lambda p: write_text(p, '{"schema": ' + "[" * 10000 + "]" * 10000 + "}", "p.json"),
            "nested",
        ),
        (
            lambda p: write_text(p, "schema: " + "[" * 10000 + "]" * 10000, "p.yaml"),
            "nesting depth",
        ),
    ],
    ids=["lone-surrogate", "nul", "deep-json", "deep-yaml"],
)
def test_text_no_database_can_hold_and_endless_nesting_are_one_line(guarded, tmp_path, make, words):
    line = refusal(guarded("import", str(make(tmp_path))))
    assert words in line


def _json_with_title(title_json: str) -> str:
    document = demo()
    document["measures"][0]["tasks"][0]["title"] = "@@TITLE@@"
    return json.dumps(document, ensure_ascii=False).replace('"@@TITLE@@"', title_json)


# --- 5. small files that would exhaust the machine ------------------------------------------

ALIAS_BOMB = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]], ids=["import", "dry-run"])
def test_a_yaml_alias_bomb_is_refused_before_it_expands(guarded, tmp_path, dry_run):
    path = write_text(tmp_path, ALIAS_BOMB, "bomb.yaml")
    assert path.stat().st_size < 500
    line = refusal(guarded("import", str(path), *dry_run))
    assert "bomb.yaml:2: YAML aliases (*a) are not allowed" in line


def test_a_report_larger_than_the_limit_is_refused_with_the_flag_to_raise_it(guarded, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # 21 MB of a repeated line, written sparsely fast
        handle.write(("องค์การบริหารส่วนตำบลทุ่งดาวเรือง\n" * 210_000).encode("utf-8"))
    size = path.stat().st_size
    assert size > 20_000_000
    line = refusal(guarded("import", str(path)))
    assert "more than an import reads (20.0 MB)" in line
    assert f"--max-size {size // 1_000_000 + 1}" in line


def cli_database(cli) -> str:  # type: ignore[no-untyped-def]
    import os

    return os.environ["TRACKER_DATABASE_URL"].removeprefix("sqlite:///")


def test_a_plan_of_more_tasks_than_the_limit_is_refused_and_the_flag_raises_it(cli, tmp_path):
    document = demo()
    template = document["measures"][0]["tasks"][0]
    document["measures"][0]["tasks"] = [dict(template, number=n) for n in range(1, 1998)]
    path = write_json(tmp_path, document)  # 1,997 tasks in measure 1, and measure 2's 4

    line = refusal(cli("import", str(path)))

    assert "2,001 tasks, more than an import takes (2,000)" in line
    assert "--max-tasks 2001" in line
    assert not Path(cli_database(cli)).exists() or cli.ok("plans", "--json").json() == []
    cli.ok("import", str(path), "--max-tasks", "2001")
    assert cli.ok("plans", "--json").json()[0]["tasks"] == 2001
