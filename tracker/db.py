"""Engines, sessions and the schema version check.

``open_database(url)`` is the one way in: it makes the engine (SQLite gets WAL, a busy timeout
and foreign keys), brings an empty or older database up to the current schema with Alembic,
and refuses a database written by a newer version. Alembic itself is imported only when a
migration actually has to run, so everyday commands start fast.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from tracker.errors import DatabaseUnavailable, InvalidInput, SchemaTooNew
from tracker.redact import mask_url

if TYPE_CHECKING:
    from alembic.config import Config

# The newest migration this version knows. tests/test_migrations.py checks it against the
# Alembic scripts, so it cannot fall behind.
HEAD_REVISION = "0009"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009")

SQLITE_BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def sqlite_url(path: str | Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{Path(path).expanduser()}"


class Create(enum.StrEnum):
    """What opening a SQLite file that does not exist may do."""

    NEVER = "never"  # an error (DatabaseMissing): a typo'd path never becomes a database
    FILE = "file"  # make the file, in a folder that exists
    WITH_FOLDERS = "with-folders"  # make the file and any folders it needs


class DatabaseMissing(InvalidInput):
    """A SQLite file that does not exist where it was asked for, and was not to be created.

    ``folder_missing`` tells a typo'd folder from a file not yet made; front ends say how to
    create one on purpose.
    """

    def __init__(self, path: Path):
        self.path = path
        self.folder_missing = not path.parent.is_dir()
        where = f": the folder {path.parent} does not exist" if self.folder_missing else ""
        super().__init__(f"no database at {path}{where}")


def parse_database_url(url: str) -> URL:
    """``url`` as an SQLAlchemy URL of a database this product runs on, or InvalidInput.

    SQLite (``sqlite:///PATH``) and PostgreSQL through psycopg 3: ``postgresql://`` and
    ``postgres://`` mean ``postgresql+psycopg://`` (the driver installed). The message never
    repeats a password.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput(
            f"{mask_url(url)!r} is not a database URL: use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST:PORT/DATABASE"
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return parsed
    raise InvalidInput(
        f"unsupported database {parsed.drivername!r} in "
        f"{parsed.render_as_string(hide_password=True)!r}: ITA Tracker runs on SQLite "
        "(sqlite:///PATH) or PostgreSQL (postgresql+psycopg://USER@HOST:PORT/DATABASE)"
    )


def make_engine(url: str, *, create: Create = Create.WITH_FOLDERS) -> Engine:
    """Create an engine for ``url``; SQLite files get WAL, a busy timeout and foreign keys.

    A SQLite file that does not exist is made as ``create`` allows, else it is a
    DatabaseMissing error, so a typo'd path never becomes a new empty database. A folder
    where the file should be is InvalidInput.
    """
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            _prepare_sqlite_file(Path(database).expanduser(), create=create)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def _prepare_sqlite_file(path: Path, *, create: Create) -> None:
    try:
        _make_sqlite_file(path, create=create)
    except OSError as error:  # a name too long for the file system, no permission…
        raise InvalidInput(f"cannot use {path} as a database file: {error.strerror}") from None


def _make_sqlite_file(path: Path, *, create: Create) -> None:
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder, not a database file")
    if path.exists():
        return
    if create is Create.NEVER or (create is Create.FILE and not path.parent.is_dir()):
        raise DatabaseMissing(path)
    path.parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the scheduler write while a CLI command reads; the busy timeout makes a second
    # writer wait instead of failing at once; SQLite leaves foreign keys off unless asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision stamped in the database, or None for an empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config(engine: Engine) -> Config:
    """An Alembic Config that runs this package's migrations on ``engine`` (no alembic.ini)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Revert migrations down to ``revision`` ("base" empties the database)."""
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def ensure_schema(engine: Engine) -> str | None:
    """Bring the database to :data:`HEAD_REVISION`; return the revision it had before.

    Raises SchemaTooNew for a revision this version does not know (written by a newer
    tracker): downgrading someone else's data silently would lose it.
    """
    url = engine.url.render_as_string(hide_password=True)
    try:
        found = current_revision(engine)
    except OperationalError as error:  # cannot connect, locked, no permission: exit 1
        raise DatabaseUnavailable(f"cannot open database {url}: {_reason(error)}") from error
    except DatabaseError as error:  # "file is not a database": the path is wrong
        raise InvalidInput(f"cannot open database {url}: {_reason(error)}") from error
    if found == HEAD_REVISION:
        return found
    _refuse_newer(found, url)
    with _migration_lock(engine):
        # Another process may have migrated while this one waited for the lock.
        found = current_revision(engine)
        if found is None:
            _refuse_foreign_tables(engine, url)
        _refuse_newer(found, url)
        if found != HEAD_REVISION:
            upgrade(engine)
    return found


def _refuse_newer(found: str | None, url: str) -> None:
    if found is not None and found not in KNOWN_REVISIONS:
        raise SchemaTooNew(
            f"database {url} has schema revision {found!r}, newer than this ITA Tracker "
            f"knows ({HEAD_REVISION!r}): upgrade ITA Tracker to use it"
        )


# Any fixed number: every ITA Tracker process migrating one PostgreSQL database takes it.
_MIGRATION_LOCK_ID = 0x17A7_0001


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Only one process migrates a database at a time; the others wait, then find it
    migrated (two `tracker run` starting together on a new database, say). PostgreSQL: a
    session advisory lock; SQLite: an exclusive lock on a file beside the database (where
    the platform has ``fcntl``)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:id)"), {"id": _MIGRATION_LOCK_ID}
                )
                connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with _file_lock(Path(database).expanduser().with_name(Path(database).name + ".migrating")):
        yield


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: one process at a time is the user's to keep
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def unreachable(error: BaseException) -> str | None:
    """Why the database could not be used, when ``error`` is that (cannot connect, down or
    restarting, locked, no permission: trying again later may work): one line, the first of
    the driver's reason, any password masked; else None."""
    if isinstance(error, DatabaseUnavailable):
        return str(error)
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return f"the connection was lost: {_reason(error)}"
    if isinstance(error, OperationalError | InterfaceError):
        return _reason(error)
    if isinstance(error, DisconnectionError | PoolTimeout):
        return mask_url(
            str(error).strip().splitlines()[0] if str(error).strip() else "no connection"
        )
    return None


def _reason(error: DBAPIError) -> str:
    return mask_url((str(error.orig).strip().splitlines() or ["unknown error"])[0])


def _refuse_foreign_tables(engine: Engine, url: str) -> None:
    """A database with tables but no schema revision belongs to another program: not ours
    to migrate into."""
    with engine.connect() as connection:
        tables = sorted(set(inspect(connection).get_table_names()) - {"alembic_version"})
    if tables:
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise InvalidInput(
            f"database {url} holds another program's tables ({shown}), not ITA Tracker's: "
            "left untouched; choose another database"
        )


def open_database(url: str, *, create: Create = Create.WITH_FOLDERS) -> sessionmaker[Session]:
    """Open (and if needed migrate) the database at ``url``; return a session factory.

    A SQLite file that does not exist is made as ``create`` allows (see make_engine).
    """
    engine = make_engine(url, create=create)
    ensure_schema(engine)
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session], *, dry_run: bool = False) -> Iterator[Session]:
    """One transaction: commit if the block succeeds, roll back everything if it raises.

    With ``dry_run`` the block runs in full and is then rolled back.
    """
    with factory() as session:
        transaction = session.begin()
        try:
            yield session
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()


def lock_for_update(session: Session) -> None:
    """Make the rows this transaction reads next safe to base its writes on.

    Contract: call it inside the session's transaction *before* reading the rows it will
    change, and read them with ``with_for_update=True`` and ``populate_existing=True``
    (FOR UPDATE; a copy already in the session is refreshed, not trusted). Until the
    transaction ends, a second transaction doing the same waits for it, then reads what it
    committed, so neither can overwrite the other's change unseen (a lost update).

    - PostgreSQL locks the rows that FOR UPDATE returns; nothing to do here.
    - SQLite has no row locks and ignores FOR UPDATE. pysqlite's default (legacy) mode runs
      SELECTs outside any transaction and begins a deferred one only at the first write, so
      two commands could both read the old row. Taking the database's write lock now, with
      BEGIN IMMEDIATE, makes the reads and writes one serialized unit; a second writer waits
      (the busy timeout) instead of reading stale data. In legacy mode an open transaction
      means this connection has already written, so it already holds the write lock.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None  # None only once the connection is closed
    if not dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
