"""The `tracker` command as a whole: help, start-up, version, plans, overview, meetings,
settings, the --db option and the real console script's exit codes.

Meeting dates are worked out from a calendar, not from the program. The demo series is
FREQ=MONTHLY;BYDAY=1WE,3WE,5WE at 09:30 Asia/Bangkok, with 2026-12-30 cancelled:

- Nov 2026 (1 Nov is a Sunday): Wednesdays 4, 11, 18, 25 -> meetings 4 and 18; the 25th
  (FROZEN_NOW) is the fourth Wednesday, so no meeting that day.
- Dec 2026 (1 Dec is a Tuesday): Wednesdays 2, 9, 16, 23, 30 -> 2, 16, 30 (30 cancelled).
- Jan 2027 (1 Jan is a Friday): Wednesdays 6, 13, 20, 27 -> 6, 20.
- Feb 2027 (1 Feb is a Monday): Wednesdays 3, 10, 17, 24 -> 3, 17.
- Mar 2027 (1 Mar is a Monday): Wednesdays 3, 10, 17, 24, 31 -> 3, 17, 31.
- Apr 2027 (1 Apr is a Thursday): Wednesdays 7, 14, 21, 28 -> 7, 21.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import click
import pytest
import yaml
from conftest import DEMO_PLAN

import tracker.cli

ROOT = Path(__file__).resolve().parent.parent
BANGKOK = timezone(timedelta(hours=7))
SERIES = "ประชุมหัวหน้าส่วนราชการ"
PLACE = "ห้องประชุมสภา อบต.ทุ่งดาวเรือง ชั้น ๒"
HEAVY_MODULES = {"prefect", "sqlalchemy", "rich"}


def _command_tree(command: click.Command, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _command_tree(command.commands[name], (*path, name))


COMMANDS = list(_command_tree(tracker.cli.cli))
COMMAND_IDS = [" ".join(("tracker", *path)) for path, _ in COMMANDS]


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    """Run tracker.cli.main in this process (for commands that need no database)."""
    capsys.readouterr()
    code = 0
    try:
        tracker.cli.main(list(args))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(result, code: int | None = None) -> str:
    """A failure: non-zero exit (README: 2 for bad input, 1 for refused changes and unknown
    ids and units), nothing on stdout, exactly one line on stderr."""
    assert result.exit_code != 0, result.stdout
    if code is not None:
        assert result.exit_code == code, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def process_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(values)
    return env


def meeting_dates(rows: list[dict]) -> list[date]:
    return [date.fromisoformat(row["date"]) for row in rows]


def assert_starts_at_0930_bangkok(rows: list[dict]) -> None:
    for row in rows:
        assert row["start"].endswith("+07:00"), row["start"]
        start = datetime.fromisoformat(row["start"])
        expected = datetime.combine(date.fromisoformat(row["date"]), time(9, 30), BANGKOK)
        assert start == expected
        assert start.utcoffset() == timedelta(hours=7)


# --- help ------------------------------------------------------------------------------------


def test_the_command_tree_has_every_documented_command():
    paths = {path for path, _ in COMMANDS}
    expected = {
        (),
        ("plans",),
        ("import",),
        ("export",),
        ("overview",),
        ("units",),
        ("units", "add"),
        ("units", "rename"),
        ("units", "merge"),
        ("tasks",),
        ("tasks", "show"),
        ("tasks", "history"),
        ("done",),
        ("progress",),
        ("reopen",),
        ("meetings",),
        ("db",),
        ("db", "info"),
        ("db", "upgrade"),
    }
    assert expected <= paths


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=COMMAND_IDS)
def test_every_command_has_help_with_an_example_of_itself(path, command):
    text = command.help or ""
    assert "Example:" in text
    examples = text.split("Example:", 1)[1]
    assert "tracker" in examples
    for word in path:
        assert word in examples


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=COMMAND_IDS)
def test_every_command_answers_help_with_exit_code_0(capsys, path, command):
    code, out, err = run_main(capsys, *path, "--help")
    assert code == 0, err
    assert "Example:" in out
    assert f"Usage: {' '.join(('tracker', *path))}" in out
    assert err == ""


def test_the_real_tracker_help_exits_0(tracker_bin, tmp_path):
    env = process_env(TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    done = subprocess.run(
        [tracker_bin, "--help"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Example:" in done.stdout
    assert "Usage: tracker" in done.stdout
    assert not (tmp_path / "x.db").exists()  # help opens no database


def test_the_real_tracker_help_imports_neither_prefect_nor_sqlalchemy_nor_rich(
    tracker_bin, tmp_path
):
    env = process_env(TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", tracker_bin, "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "click" in imported  # the import log was read correctly
    assert "tracker.cli" in imported
    heavy = sorted(name for name in imported if name.split(".")[0] in HEAVY_MODULES)
    assert heavy == []


def test_help_from_main_leaves_the_heavy_modules_unimported_in_a_fresh_interpreter(tmp_path):
    heavy = sorted(HEAVY_MODULES)
    code = "\n".join(
        [
            "import sys, json",
            "from tracker.cli import main",
            "try:",
            "    main(['--help'])",
            "except SystemExit as e:",
            "    assert e.code in (0, None), e.code",
            f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})))",
        ]
    )
    env = process_env(TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_version_prints_the_package_version(capsys):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    code, out, _ = run_main(capsys, "--version")
    assert code == 0
    assert "tracker" in out
    assert version in out


# --- plans and overview ----------------------------------------------------------------------


def demo_document() -> dict:
    return yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))


def test_plans_lists_the_demo_plan(demo_cli):
    document = demo_document()
    assert demo_cli.ok("plans", "--json").json() == [
        {
            "id": 1,
            "organization": document["organization"]["name"],
            "fiscal_year": document["fiscal_year"],
            "title": document["title"],
            "measures": len(document["measures"]),
            "tasks": sum(len(m["tasks"]) for m in document["measures"]),
        }
    ]


def test_plans_on_the_demo_counts_two_measures_and_eight_tasks(demo_cli):
    [row] = demo_cli.ok("plans", "--json").json()
    assert (row["fiscal_year"], row["measures"], row["tasks"]) == (2570, 2, 8)
    assert row["organization"] == "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"


def test_plans_is_empty_before_anything_is_imported(cli):
    assert cli.ok("plans", "--json").json() == []


def test_overview_shows_the_plan_its_tasks_and_the_next_five_meetings(demo_cli):
    document = demo_document()
    overview = demo_cli.ok("overview", "--json", "--as-of", "2026-11-25").json()
    assert overview["plan_id"] == 1
    assert overview["organization"] == document["organization"]["name"]
    assert overview["fiscal_year"] == 2570
    assert overview["title"] == document["title"]
    assert overview["as_of"] == "2026-11-25"
    assert [t["id"] for t in overview["tasks"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [t["overdue"] for t in overview["tasks"]] == [False] * 8
    meetings = overview["next_meetings"]
    assert meeting_dates(meetings) == [
        date(2026, 12, 2),
        date(2026, 12, 16),
        date(2026, 12, 30),
        date(2027, 1, 6),
        date(2027, 1, 20),
    ]
    assert [m["cancelled"] for m in meetings] == [False, False, True, False, False]
    assert {m["series"] for m in meetings} == {SERIES}
    assert {m["place"] for m in meetings} == {PLACE}
    assert [m["moved_from"] for m in meetings] == [None] * 5
    assert_starts_at_0930_bangkok(meetings)


def test_overview_later_in_the_year_shows_overdue_tasks_and_a_fifth_wednesday(demo_cli):
    overview = demo_cli.ok("overview", "--json", "--as-of", "2027-02-10").json()
    assert [t["id"] for t in overview["tasks"] if t["overdue"]] == [2, 5]
    meetings = overview["next_meetings"]
    # 10 Feb 2027 is the second Wednesday: no meeting that day.
    assert meeting_dates(meetings) == [
        date(2027, 2, 17),
        date(2027, 3, 3),
        date(2027, 3, 17),
        date(2027, 3, 31),
        date(2027, 4, 7),
    ]
    assert not any(m["cancelled"] for m in meetings)
    assert_starts_at_0930_bangkok(meetings)


def test_a_meeting_on_the_as_of_day_is_among_the_next_meetings(demo_cli):
    overview = demo_cli.ok("overview", "--json", "--as-of", "2026-12-02").json()
    assert meeting_dates(overview["next_meetings"])[:2] == [date(2026, 12, 2), date(2026, 12, 16)]


def test_overview_meetings_option_sets_how_many_meetings_are_shown(demo_cli):
    overview = demo_cli.ok("overview", "--json", "--as-of", "2026-11-25", "--meetings", "2").json()
    assert meeting_dates(overview["next_meetings"]) == [date(2026, 12, 2), date(2026, 12, 16)]


def test_overview_refuses_a_negative_number_of_meetings(demo_cli):
    result = demo_cli("overview", "--json", "--as-of", "2026-11-25", "--meetings", "-1")
    shown = result.stdout.count('"series"')
    assert result.exit_code == 2, f"--meetings -1 accepted, {shown} meetings shown"
    assert result.stdout == ""


def test_overview_without_as_of_uses_the_frozen_day(demo_cli):
    assert demo_cli.ok("overview", "--json").json()["as_of"] == "2026-11-25"


def test_the_overview_for_people_counts_tasks_done_and_overdue(demo_cli):
    out = demo_cli.ok("--lang", "en", "overview", "--as-of", "2027-02-10").stdout
    assert "8 tasks, 1 done, 2 overdue" in out
    assert "17 Feb 2027" in out


# --- meetings --------------------------------------------------------------------------------


def test_meetings_lists_the_first_third_and_fifth_wednesdays_with_the_cancelled_one(demo_cli):
    rows = demo_cli.ok("meetings", "--from", "2026-12-01", "--to", "2027-01-31", "--json").json()
    assert meeting_dates(rows) == [
        date(2026, 12, 2),
        date(2026, 12, 16),
        date(2026, 12, 30),
        date(2027, 1, 6),
        date(2027, 1, 20),
    ]
    cancelled = [row["date"] for row in rows if row["cancelled"]]
    assert cancelled == ["2026-12-30"]
    assert {row["series"] for row in rows} == {SERIES}
    assert_starts_at_0930_bangkok(rows)


def test_meetings_without_dates_lists_the_next_90_days_from_today(demo_cli):
    # From 2026-11-25 (FROZEN_NOW) to 2027-02-23.
    rows = demo_cli.ok("meetings", "--json").json()
    assert meeting_dates(rows) == [
        date(2026, 12, 2),
        date(2026, 12, 16),
        date(2026, 12, 30),
        date(2027, 1, 6),
        date(2027, 1, 20),
        date(2027, 2, 3),
        date(2027, 2, 17),
    ]


def test_meetings_includes_both_ends_of_the_range(demo_cli):
    rows = demo_cli.ok("meetings", "--from", "2026-12-02", "--to", "2026-12-16", "--json").json()
    assert meeting_dates(rows) == [date(2026, 12, 2), date(2026, 12, 16)]
    rows = demo_cli.ok("meetings", "--from", "2026-12-02", "--to", "2026-12-02", "--json").json()
    assert meeting_dates(rows) == [date(2026, 12, 2)]


def test_a_month_with_five_wednesdays_has_three_meetings(demo_cli):
    rows = demo_cli.ok("meetings", "--from", "2027-03-01", "--to", "2027-03-31", "--json").json()
    assert meeting_dates(rows) == [date(2027, 3, 3), date(2027, 3, 17), date(2027, 3, 31)]
    assert not any(row["cancelled"] for row in rows)


def test_a_range_without_meetings_is_empty(demo_cli):
    # 19 Nov .. 1 Dec 2026: the 25th is a fourth Wednesday; 2 Dec is outside.
    assert (
        demo_cli.ok("meetings", "--from", "2026-11-19", "--to", "2026-12-01", "--json").json() == []
    )


def test_the_meeting_table_marks_the_cancelled_meeting(demo_cli):
    out = demo_cli.ok("meetings", "--from", "2026-12-01", "--to", "2027-01-31").stdout
    [line] = [line for line in out.splitlines() if "30 ธ.ค. 2569" in line]
    assert "ยกเลิก" in line
    [line] = [line for line in out.splitlines() if "16 ธ.ค. 2569" in line]
    assert "ยกเลิก" not in line
    out = demo_cli.ok(
        "--lang", "en", "meetings", "--from", "2026-12-01", "--to", "2027-01-31"
    ).stdout
    [line] = [line for line in out.splitlines() if "30 Dec 2026" in line]
    assert "cancelled" in line
    assert "09:30" in line


def test_meetings_with_to_before_from_is_refused(demo_cli):
    result = demo_cli("meetings", "--from", "2027-01-31", "--to", "2026-12-01", "--json")
    assert_one_line_error(result, 2)
    assert result.stdout == ""


# --- settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value"), [("TRACKER_LANG", "xx"), ("TRACKER_TIMEZONE", "Mars/Base")]
)
@pytest.mark.parametrize("command", [["tasks", "--json"], ["plans"], ["overview"]])
def test_a_bad_setting_is_one_stderr_line_naming_the_variable(demo_cli, variable, value, command):
    demo_cli.env(**{variable: value})
    result = demo_cli(*command)
    line = assert_one_line_error(result, 2)
    assert variable in line
    assert result.stdout == ""


# --- the database file -----------------------------------------------------------------------


def test_the_db_option_creates_and_uses_that_sqlite_file(cli, tmp_path):
    path = tmp_path / "own.db"
    assert not path.exists()
    cli.ok("--db", str(path), "import", str(DEMO_PLAN))  # an import makes the file it names
    assert path.exists()
    info = cli.ok("--db", str(path), "db", "info", "--json").json()
    assert info["url"].startswith("sqlite")
    assert info["url"].endswith(str(path))
    assert info["head"]
    assert info["revision"] == info["head"]
    assert len(cli.ok("--db", str(path), "tasks", "--json").json()) == 8
    # The database named by TRACKER_DATABASE_URL was not touched.
    assert cli.ok("plans", "--json").json() == []


def test_db_info_on_a_new_file_shows_no_schema_until_upgrade(cli, tmp_path):
    path = tmp_path / "nested" / "fresh.db"
    info = cli.ok("--db", str(path), "db", "info", "--json").json()
    assert info["revision"] is None
    assert info["exists"] is False
    assert info["head"]
    assert not path.parent.exists()  # looking never makes a database
    cli.ok("--db", str(path), "db", "upgrade")  # making one on purpose makes its folder too
    after = cli.ok("--db", str(path), "db", "info", "--json").json()
    assert (after["revision"], after["exists"]) == (info["head"], True)


# --- the real console script -----------------------------------------------------------------


def test_the_real_script_exits_non_zero_with_one_line_for_an_unknown_task(tracker_bin, tmp_path):
    env = process_env(TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    subprocess.run([tracker_bin, "db", "upgrade"], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [tracker_bin, "tasks", "show", "999"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "999" in lines[0]
    assert done.stdout == ""


def test_the_real_script_prints_thai_json_and_exits_2_for_a_bad_date(tracker_bin, tmp_path):
    env = process_env(
        TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
        TRACKER_NOW="2026-11-25T10:00:00+07:00",
    )

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([tracker_bin, *args], capture_output=True, env=env, check=False)

    assert run("import", str(DEMO_PLAN)).returncode == 0
    listed = run("tasks", "--json")
    assert listed.returncode == 0, listed.stderr.decode("utf-8", "replace")
    rows = json.loads(listed.stdout.decode("utf-8"))
    assert rows[0]["units"] == ["สำนักปลัด"]
    assert rows[1]["period"] == "พ.ย. 2569"
    assert run("tasks", "--as-of", "not-a-date").returncode == 2
