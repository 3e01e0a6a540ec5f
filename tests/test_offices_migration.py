"""Migration 0009 on a database that holds organizations: each keeps its rows and gets no
office; an office can then be named (an unknown one is refused by the foreign key); down again, the
column goes and the organizations stay. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tracker.db import downgrade, make_engine, upgrade


def _columns(connection, table: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {column["name"] for column in inspect(connection).get_columns(table)}


def test_0009_gives_every_organization_no_office_and_goes_down_again(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0008")
        with engine.begin() as connection:
            for number, name in enumerate(("สำนักงานจังหวัด", "อบต.หนึ่ง", "อบต.สอง"), start=1):
                connection.execute(
                    text("INSERT INTO organizations (id, name, key) VALUES (:id, :name, :name)"),
                    {"id": number, "name": name},
                )

        upgrade(engine)

        with engine.begin() as connection:
            rows = connection.execute(text("SELECT id, office_id FROM organizations")).all()
            assert sorted(rows) == [(1, None), (2, None), (3, None)]
            connection.execute(text("UPDATE organizations SET office_id = 1 WHERE id > 1"))
            indexes = {i["name"] for i in inspect(connection).get_indexes("organizations")}
            assert "ix_organizations_office_id" in indexes
        with pytest.raises(IntegrityError), engine.begin() as connection:  # no such office
            connection.execute(text("UPDATE organizations SET office_id = 99 WHERE id = 2"))

        downgrade(engine, "0008")

        with engine.connect() as connection:
            assert "office_id" not in _columns(connection, "organizations")
            names = connection.execute(text("SELECT name FROM organizations ORDER BY id"))
            assert names.scalars().all() == ["สำนักงานจังหวัด", "อบต.หนึ่ง", "อบต.สอง"]
    finally:
        engine.dispose()
