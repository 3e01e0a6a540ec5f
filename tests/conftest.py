"""Shared fixtures: throwaway databases on SQLite and PostgreSQL, and a CLI runner.

Every test that takes ``database_url`` runs once per backend: SQLite always, PostgreSQL when
TRACKER_TEST_DATABASE_URL names a server (``.ci/run`` sets it). In CI (CI=true) a missing or
unreachable PostgreSQL fails the run instead of quietly testing less.

Each test gets its own database: on SQLite a copy of a file migrated once per session, on
PostgreSQL a schema of its own in one scratch database, migrated when the test starts.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import make_engine, open_database, upgrade

# The support modules hold assertions of their own (refusal(), snapshot(), ...): have pytest
# rewrite them as it does the test files, so a failure there shows the values compared.
pytest.register_assert_rewrite(
    *sorted(path.stem for path in Path(__file__).parent.glob("*_support.py")),
    "line_fake",  # the fake LINE API: a support module by another name
)

ROOT = Path(__file__).resolve().parent.parent
# The shared design folder lies beside the clone (CI puts it there); override for odd layouts.
# Every local server the tests start (webhook sinks, the fake LINE API, SMTP) listens on
# 127.0.0.1, which the product refuses as a contact's destination unless allowed
# (tracker.notify.guard). The tests that check the refusal turn it off themselves.
os.environ.setdefault("TRACKER_ALLOW_PRIVATE_DESTINATIONS", "true")
SHARED = Path(os.environ.get("ITA_TRACKER_SHARED", ROOT.parent / "shared"))
DEMO_PLAN = ROOT / "examples" / "demo-plan.yaml"
SEED_REPORT = SHARED / "seeds" / "000_950678517d269ae1.txt"  # Phrae PAO's ITA analysis
# What the seed must yield (organization, units, tasks, meetings of FY2566, ...).
SEED_EXPECTED: dict[str, Any] = json.loads(
    (SHARED / "vectors" / "seed-expected.json").read_text(encoding="utf-8")
)
PG_ENV = "TRACKER_TEST_DATABASE_URL"
FROZEN_NOW = "2026-11-25T10:00:00+07:00"  # a Wednesday inside the demo plan's FY2570


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CI") == "true" and not os.environ.get(PG_ENV):
        raise pytest.UsageError(f"CI=true but {PG_ENV} is not set: PostgreSQL tests must run")


_NOT_ON_POSTGRESQL = (
    "PostgreSQL was NOT tested: every database test ran on SQLite only. To test PostgreSQL "
    f"too: {PG_ENV}=postgresql+psycopg://postgres@127.0.0.1:5432/postgres make test"
)


def pytest_report_header(config: pytest.Config) -> str:
    if os.environ.get(PG_ENV):
        url = make_url(os.environ[PG_ENV]).render_as_string(hide_password=True)
        return f"databases: SQLite and PostgreSQL ({url})"
    return f"databases: SQLite only. {_NOT_ON_POSTGRESQL}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say at the end, where it is read, when the PostgreSQL half of the suite did not run."""
    if not os.environ.get(PG_ENV):
        terminalreporter.write_sep("=", "PostgreSQL not tested", yellow=True)
        terminalreporter.write_line(_NOT_ON_POSTGRESQL)


# --- PostgreSQL -----------------------------------------------------------------------------
# One scratch database per test session; each test gets its own schema in it (search_path set
# on the connection URL), migrated by the real Alembic scripts. A schema is far cheaper than a
# database: CREATE DATABASE costs ~0.7 s of fsync per test on this machine.


def _pg_admin_url() -> str:
    return os.environ[PG_ENV]


def _pg_execute(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _pg_url_for(database: str, schema: str | None = None) -> str:
    url = make_url(_pg_admin_url()).set(database=database)
    if schema is not None:
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """The name of this session's scratch PostgreSQL database."""
    name = f"tracker_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        _pg_execute(_pg_admin_url(), f'CREATE DATABASE "{name}"')
    except Exception as error:  # fail, never skip: CI must test PostgreSQL
        pytest.fail(f"PostgreSQL at {PG_ENV} is not usable: {error}")
    yield name
    _pg_execute(_pg_admin_url(), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_schema_url(database: str, migrate: bool) -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _pg_execute(_pg_url_for(database), f'CREATE SCHEMA "{schema}"')
    url = _pg_url_for(database, schema)
    if migrate:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
    yield url
    _pg_execute(_pg_url_for(database), f'DROP SCHEMA "{schema}" CASCADE')


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


def fresh_database_url(backend: str, request: pytest.FixtureRequest, path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database of ``backend`` (a SQLite file at ``path``, or a
    PostgreSQL schema of its own), dropped after the test."""
    if backend == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    yield from _pg_schema_url(request.getfixturevalue("pg_database"), migrate=True)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database of the current backend, dropped after the test."""
    yield from fresh_database_url(backend, request, tmp_path / "tracker.db")


@pytest.fixture
def second_database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[str]:
    """Another fresh, migrated database of the same backend as ``database_url`` (to import
    what one database exported, or to compare two sizes of the same work)."""
    yield from fresh_database_url(backend, request, tmp_path / "second.db")


@pytest.fixture
def empty_database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[str]:
    """A database with no tables at all (for migration tests)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    yield from _pg_schema_url(request.getfixturevalue("pg_database"), migrate=False)


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

    def error_line(self, code: int | None = None) -> str:
        """The one line of a refused command (README: exit 2 for bad input, 1 for a refused
        change or an unknown id): non-zero exit (``code`` when given), no traceback, exactly one
        ``error: …`` line on stderr, and on stdout nothing — or, for a command run with
        --json, that same error as JSON (README, "Errors")."""
        assert self.exit_code != 0, self.stdout
        if code is not None:
            assert self.exit_code == code, (self.exit_code, self.stdout, self.stderr)
        assert "Traceback" not in self.stderr, self.stderr
        lines = self.stderr.strip().splitlines()
        assert len(lines) == 1, self.stderr
        assert lines[0].startswith("error: "), lines[0]
        if self.stdout:
            said = {"error": lines[0].removeprefix("error: "), "exit_code": self.exit_code}
            assert self.json() == said, self.stdout
        return lines[0]


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


# --- the browser ----------------------------------------------------------------------------

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright, once per test session (never a downloaded
    browser build: .ci/run installs the chromium package). Defined here, not in
    browser_support.py, so that every module shares this one instance."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium "
        "fonts-thai-tlwg); .ci/run does"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()
