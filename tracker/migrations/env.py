"""Alembic environment: runs this package's migrations on the engine handed in by tracker.db."""

from __future__ import annotations

from alembic import context

from tracker.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # `alembic` run by hand: take the URL from the config
        from tracker.db import make_engine
        from tracker.errors import InvalidInput

        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise InvalidInput(
                "no sqlalchemy.url in the Alembic configuration: set it, or use `tracker db upgrade`"
            )
        engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild tables; with foreign keys on, dropping the old copy of a
            # referenced table would fail or cascade. Off for the migration, checked after.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        if sqlite:
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            if problems:
                raise RuntimeError(f"migration left broken foreign keys: {problems[:5]}")


run_migrations()
