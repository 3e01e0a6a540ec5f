"""Where the database lives and how SQLite is configured."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DEMO_PLAN
from sqlalchemy import text

from tracker.config import Settings, database_url, default_database_path
from tracker.db import SQLITE_BUSY_TIMEOUT_MS, make_engine, sqlite_url


def test_the_default_database_is_a_file_in_the_users_data_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_database_path() == tmp_path / ".local/share/ita-tracker/tracker.db"


def test_xdg_data_home_moves_the_default_database(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_database_path() == tmp_path / "data/ita-tracker/tracker.db"


def test_db_option_wins_over_the_environment_which_wins_over_the_default(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    from_env = Settings(database_url="postgresql+psycopg://db.example/tracker")
    assert database_url(from_env, str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert database_url(from_env, None) == "postgresql+psycopg://db.example/tracker"
    assert database_url(Settings(), None) == sqlite_url(default_database_path())


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_engine(sqlite_url(tmp_path / "nested" / "dir" / "t.db"))
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / "nested" / "dir" / "t.db").exists()


def test_the_first_import_creates_the_default_database(cli, monkeypatch, tmp_path):
    cli.env(TRACKER_DATABASE_URL=None, XDG_DATA_HOME=str(tmp_path))
    default = tmp_path / "ita-tracker" / "tracker.db"

    before = cli("plans", "--json")  # a listing never makes a database

    assert before.exit_code == 2
    assert (
        before.stderr == f"error: no database yet at {default}: import a plan first "
        "(`tracker import FILE`)\n"
    )
    assert not default.parent.exists()
    cli.ok("import", str(DEMO_PLAN))
    assert default.exists()
    assert [p["fiscal_year"] for p in cli.ok("plans", "--json").json()] == [2570]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TRACKER_LANG", "xx"),
        ("TRACKER_TIMEZONE", "Mars/Olympus"),
        ("TRACKER_NOW", "yesterday"),
        ("TRACKER_DISPATCH_THREADS", "0"),
        ("TRACKER_DISPATCH_THREADS", "many"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(cli, variable, value):
    cli.env(**{variable: value})
    result = cli("plans")
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1
    assert variable in result.stderr


def test_a_setting_can_be_read_from_a_file(cli, tmp_path: Path):
    secret = tmp_path / "lang"
    secret.write_text("en\n", encoding="utf-8")
    cli.env(TRACKER_LANG_FILE=str(secret))
    cli.ok("import", str(Path(__file__).parent.parent / "examples" / "demo-plan.yaml"))
    assert "Tasks" in cli.ok("tasks").stdout
