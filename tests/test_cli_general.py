"""The `tracker` command as a whole: help, start-up, version, settings, the --db option and the
real console script's exit codes.

`plans`, `overview` and `meetings` (with the calendar of the demo's meeting dates) are tested
in test_cli_overview_and_meetings.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from cli_support import assert_one_line_error
from conftest import DEMO_PLAN

import tracker.cli

ROOT = Path(__file__).resolve().parent.parent
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


def process_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(values)
    return env


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


# What listing tasks has no use for, each a noticeable part of a command's start-up: settings
# are read without pydantic, the Thai period and phrase readers and the holiday tables are
# for importing and scheduling, YAML and the schema checkers for documents.
NOT_FOR_LISTING = {
    "prefect",
    "pydantic",
    "pydantic_settings",
    "yaml",
    "jsonschema",
    "jsonschema_rs",
    "jinja2",
    "holidays",
    "schedules.periods",
    "schedules.recurrence",
    "tracker.importers",
    "tracker.followup",
}


def test_listing_tasks_as_json_loads_only_what_it_uses(tracker_bin, tmp_path):
    env = process_env(TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    subprocess.run(
        [tracker_bin, "import", str(DEMO_PLAN)], env=env, check=True, capture_output=True
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", tracker_bin, "tasks", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)  # the tasks were listed
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "sqlalchemy" in imported  # the import log was read correctly
    unneeded = sorted(
        name
        for name in imported
        if any(name == m or name.startswith(m + ".") for m in NOT_FOR_LISTING)
    )
    assert unneeded == []


def test_version_prints_the_package_version(capsys):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    code, out, _ = run_main(capsys, "--version")
    assert code == 0
    assert "tracker" in out
    assert version in out


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
    if "--json" in command:  # a script asking for JSON reads the error as JSON
        assert result.json() == {"error": line.removeprefix("error: "), "exit_code": 2}
    else:
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
