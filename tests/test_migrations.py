"""The Alembic migrations: up and down on both backends, model agreement, version checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from cli_support import assert_json_error
from sqlalchemy import Engine, inspect, text

import tracker.db
from tracker.db import (
    HEAD_REVISION,
    KNOWN_REVISIONS,
    alembic_config,
    current_revision,
    downgrade,
    ensure_schema,
    make_engine,
    upgrade,
)
from tracker.errors import SchemaTooNew
from tracker.models import Base

APP_TABLES = set(Base.metadata.tables)
NEWER = "9999"


@contextmanager
def engine_for(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def audit_triggers(engine: Engine) -> set[str]:
    """The append-only triggers (and, on PostgreSQL, their function) present in the database."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            triggers = connection.execute(
                text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            ).scalars()
            functions = connection.execute(
                text("SELECT proname || '()' FROM pg_proc WHERE proname LIKE 'task_events%'")
            ).scalars()
            return set(triggers) | set(functions)
        return set(
            connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            ).scalars()
        )


EXPECTED_TRIGGERS = {
    "sqlite": {"task_events_no_update", "task_events_no_delete"},
    "postgresql": {
        "task_events_no_change",
        "task_events_no_truncate",
        "task_events_append_only()",
    },
}


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def stamp(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def task_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM tasks")).scalar_one()


# --- upgrade and downgrade ------------------------------------------------------------------


def test_an_empty_database_has_no_revision(empty_database_url):
    with engine_for(empty_database_url) as engine:
        assert current_revision(engine) is None
        assert table_names(engine) == set()


def test_upgrade_creates_every_table_and_stamps_the_head(empty_database_url, backend):
    with engine_for(empty_database_url) as engine:
        upgrade(engine)
        assert current_revision(engine) == HEAD_REVISION
        assert table_names(engine) == APP_TABLES | {"alembic_version"}
        assert audit_triggers(engine) == EXPECTED_TRIGGERS[backend]


def test_ensure_schema_migrates_an_empty_database_and_reports_it_was_empty(empty_database_url):
    with engine_for(empty_database_url) as engine:
        assert ensure_schema(engine) is None
        assert current_revision(engine) == HEAD_REVISION
        assert table_names(engine) >= APP_TABLES


def test_ensure_schema_on_a_current_database_reports_the_head_and_changes_nothing(database_url):
    with engine_for(database_url) as engine:
        tables = table_names(engine)
        assert ensure_schema(engine) == HEAD_REVISION
        assert current_revision(engine) == HEAD_REVISION
        assert table_names(engine) == tables


def test_downgrade_to_base_removes_every_app_table_and_trigger(empty_database_url):
    with engine_for(empty_database_url) as engine:
        upgrade(engine)
        downgrade(engine, "base")
        assert table_names(engine) & APP_TABLES == set()
        assert table_names(engine) <= {"alembic_version"}
        assert audit_triggers(engine) == set()
        assert current_revision(engine) is None


def test_a_database_can_be_upgraded_again_after_a_downgrade_to_base(empty_database_url, backend):
    with engine_for(empty_database_url) as engine:
        upgrade(engine)
        downgrade(engine, "base")
        upgrade(engine)
        assert current_revision(engine) == HEAD_REVISION
        assert table_names(engine) == APP_TABLES | {"alembic_version"}
        assert audit_triggers(engine) == EXPECTED_TRIGGERS[backend]
        assert schema_differences(engine) == []


# --- the revision constants and the scripts -------------------------------------------------


@pytest.fixture
def scripts(tmp_path: Path) -> Iterator[ScriptDirectory]:
    with engine_for(f"sqlite:///{tmp_path / 'unused.db'}") as engine:
        yield ScriptDirectory.from_config(alembic_config(engine))


def test_head_revision_is_the_head_of_the_alembic_scripts(scripts):
    assert scripts.get_heads() == [scripts.get_current_head()]  # one line of history
    assert scripts.get_current_head() == tracker.db.HEAD_REVISION


def test_known_revisions_lists_every_alembic_script_revision(scripts):
    revisions = [script.revision for script in scripts.walk_revisions()]
    assert sorted(KNOWN_REVISIONS) == sorted(revisions)
    assert len(set(KNOWN_REVISIONS)) == len(KNOWN_REVISIONS)
    assert HEAD_REVISION in KNOWN_REVISIONS


def test_the_newest_known_revision_is_the_head(scripts):
    base_first = [script.revision for script in scripts.walk_revisions()][::-1]
    assert list(KNOWN_REVISIONS) == base_first
    assert KNOWN_REVISIONS[-1] == HEAD_REVISION


# --- the models and the migrated schema agree -----------------------------------------------


def test_the_migrated_schema_matches_the_models(empty_database_url):
    with engine_for(empty_database_url) as engine:
        upgrade(engine)
        assert schema_differences(engine) == []


def test_the_test_template_schema_matches_the_models(database_url):
    with engine_for(database_url) as engine:
        assert schema_differences(engine) == []


# --- a database from a newer version --------------------------------------------------------


def test_ensure_schema_refuses_a_database_stamped_with_an_unknown_newer_revision(database_url):
    with engine_for(database_url) as engine:
        stamp(engine, NEWER)
        tables = table_names(engine)
        with pytest.raises(SchemaTooNew, match=f"'{NEWER}'.*newer"):
            ensure_schema(engine)
        assert current_revision(engine) == NEWER
        assert table_names(engine) == tables


@pytest.mark.parametrize(
    "command", [("tasks",), ("plans", "--json"), ("db", "upgrade")], ids=" ".join
)
def test_the_cli_refuses_a_newer_database_with_one_line_and_leaves_it_unchanged(
    demo_cli, database_url, command
):
    with engine_for(database_url) as engine:
        stamp(engine, NEWER)
        tables = table_names(engine)
        tasks = task_count(engine)
    assert tasks == 8

    result = demo_cli(*command)

    assert result.exit_code != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert NEWER in lines[0]
    assert "newer" in lines[0]
    assert "Traceback" not in result.stderr
    if "--json" in command:
        assert_json_error(result)
    else:
        assert result.stdout == ""
    with engine_for(database_url) as engine:
        assert current_revision(engine) == NEWER
        assert table_names(engine) == tables
        assert task_count(engine) == tasks


def test_db_info_shows_a_newer_revision_without_refusing_or_changing_it(cli, database_url):
    with engine_for(database_url) as engine:
        stamp(engine, NEWER)
    info = cli.ok("db", "info", "--json").json()
    assert info["revision"] == NEWER
    assert info["head"] == HEAD_REVISION
    with engine_for(database_url) as engine:
        assert current_revision(engine) == NEWER


# --- tracker db upgrade / db info -----------------------------------------------------------


def test_db_upgrade_migrates_an_empty_database_and_a_second_run_has_nothing_to_do(
    cli, empty_database_url
):
    cli.env(TRACKER_DATABASE_URL=empty_database_url)

    first = cli.ok("db", "upgrade")
    assert "upgraded" in first.stdout
    assert HEAD_REVISION in first.stdout
    with engine_for(empty_database_url) as engine:
        assert current_revision(engine) == HEAD_REVISION
        assert table_names(engine) >= APP_TABLES

    second = cli.ok("db", "upgrade")
    assert "already at schema" in second.stdout
    assert HEAD_REVISION in second.stdout
    assert "upgraded" not in second.stdout


def test_db_info_json_reports_revision_and_head_after_an_upgrade(cli, empty_database_url):
    cli.env(TRACKER_DATABASE_URL=empty_database_url)
    cli.ok("db", "upgrade")
    info = cli.ok("db", "info", "--json").json()
    assert info["revision"] == HEAD_REVISION
    assert info["head"] == HEAD_REVISION


def test_db_info_on_an_empty_database_reports_no_revision_and_creates_nothing(
    cli, empty_database_url
):
    cli.env(TRACKER_DATABASE_URL=empty_database_url)
    info = cli.ok("db", "info", "--json").json()
    assert info["revision"] is None
    assert info["head"] == HEAD_REVISION
    with engine_for(empty_database_url) as engine:
        assert table_names(engine) == set()


# --- migration on first use -----------------------------------------------------------------


def test_the_first_command_on_an_empty_database_migrates_it(cli, empty_database_url):
    cli.env(TRACKER_DATABASE_URL=empty_database_url)
    with engine_for(empty_database_url) as engine:
        assert current_revision(engine) is None

    assert cli.ok("plans", "--json").json() == []

    with engine_for(empty_database_url) as engine:
        assert current_revision(engine) == HEAD_REVISION
        assert table_names(engine) == APP_TABLES | {"alembic_version"}
    assert cli.ok("db", "info", "--json").json()["revision"] == HEAD_REVISION


def test_the_first_import_into_an_empty_database_migrates_it_and_stores_the_plan(
    cli, empty_database_url
):
    cli.env(TRACKER_DATABASE_URL=empty_database_url)
    demo = Path(__file__).resolve().parent.parent / "examples" / "demo-plan.yaml"
    cli.ok("import", str(demo))
    with engine_for(empty_database_url) as engine:
        assert current_revision(engine) == HEAD_REVISION
        assert task_count(engine) == 8
