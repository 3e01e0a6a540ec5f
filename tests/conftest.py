"""Shared fixtures: throwaway databases on SQLite and PostgreSQL, and a CLI runner.

Every test that takes ``database_url`` runs once per backend: SQLite always, PostgreSQL when
TRACKER_TEST_DATABASE_URL names a server (``.ci/run`` sets it). In CI (CI=true) a missing or
unreachable PostgreSQL fails the run instead of quietly testing less.

Each test gets its own database, copied from a template migrated once per session, so tests
are isolated and fast: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import make_engine, open_database, upgrade

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEMO_PLAN = ROOT / "examples" / "demo-plan.yaml"
PG_ENV = "TRACKER_TEST_DATABASE_URL"
FROZEN_NOW = "2026-11-25T10:00:00+07:00"  # a Wednesday inside the demo plan's FY2570


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CI") == "true" and not os.environ.get(PG_ENV):
        raise pytest.UsageError(f"CI=true but {PG_ENV} is not set: PostgreSQL tests must run")


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_admin_url() -> str:
    return os.environ[PG_ENV]


def _pg_execute(statement: str) -> None:
    engine = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _pg_url_for(database: str) -> str:
    return make_url(_pg_admin_url()).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated PostgreSQL database that per-test databases are copied from."""
    name = f"tracker_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        _pg_execute(f'CREATE DATABASE "{name}"')
    except Exception as error:  # fail, never skip: CI must test PostgreSQL
        pytest.fail(f"PostgreSQL at {PG_ENV} is not usable: {error}")
    engine = make_engine(_pg_url_for(name))
    upgrade(engine)
    engine.dispose()
    yield name
    _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that per-test databases are copied from."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as connection:  # fold the WAL into the file so a copy is complete
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(params=_backends())
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database of the current backend, dropped after the test."""
    if backend == "sqlite":
        path = tmp_path / "tracker.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"tracker_t_{uuid.uuid4().hex[:12]}"
    _pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield _pg_url_for(name)
    _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (for migration tests)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"tracker_e_{uuid.uuid4().hex[:12]}"
    try:
        _pg_execute(f'CREATE DATABASE "{name}"')
    except Exception as error:
        pytest.fail(f"PostgreSQL at {PG_ENV} is not usable: {error}")
    yield _pg_url_for(name)
    _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def session_factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    factory = open_database(database_url)
    yield factory
    factory.kw["bind"].dispose()


# --- the CLI --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):  # type: ignore[no-untyped-def]
        import json

        return json.loads(self.stdout)


class Cli:
    """Runs ``tracker`` through its real entry point (tracker.cli.main) in this process."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def env(self, **values: str | None) -> None:
        for name, value in values.items():
            if value is None:
                self._monkeypatch.delenv(name, raising=False)
            else:
                self._monkeypatch.setenv(name, value)

    def __call__(self, *args: str) -> Result:
        from tracker.cli import main

        self._capsys.readouterr()
        code = 0
        try:
            main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        out, err = self._capsys.readouterr()
        return Result(code, out, err)

    def ok(self, *args: str) -> Result:
        """Run and insist on success, showing stderr if it failed."""
        result = self(*args)
        assert result.exit_code == 0, f"tracker {' '.join(args)} failed: {result.stderr}"
        return result


@pytest.fixture
def cli(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """The CLI on this test's database, with the clock frozen at FROZEN_NOW, Thai by default."""
    runner = Cli(capsys, monkeypatch)
    runner.env(
        TRACKER_DATABASE_URL=database_url,
        TRACKER_NOW=FROZEN_NOW,
        TRACKER_LANG=None,
        TRACKER_TIMEZONE=None,
        COLUMNS="200",
    )
    return runner


@pytest.fixture
def demo_cli(cli: Cli) -> Cli:
    """The CLI with the demo plan imported."""
    cli.ok("import", str(DEMO_PLAN))
    return cli


@pytest.fixture
def tracker_bin() -> str:
    """The installed console script (for tests of the real process: start-up, exit codes)."""
    path = Path(sys.executable).parent / "tracker"
    assert path.exists(), "the tracker console script is not installed (pip install -e .)"
    return str(path)
