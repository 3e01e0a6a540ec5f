"""Helpers shared by the bad-input tests (test_bad_input.py, test_bad_input_mistakes.py).

The ``guarded`` fixture (defined as ``guarded_fixture``; import that name into a test module
that uses it) imports the demo plan and, after the test, compares the database whole (every
row of every table, see ``snapshot``) with how it was before. ``refusal`` checks that a
refused command is one line on stderr, with no traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DEMO_PLAN
from sqlalchemy import MetaData, create_engine, select

# --- helpers ---------------------------------------------------------------------------------


def snapshot(url: str) -> dict[str, list[str]]:
    """Every row of every table of the database, as sorted text, to compare whole."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                table.name: sorted(repr(tuple(row)) for row in connection.execute(select(table)))
                for table in metadata.sorted_tables
            }
    finally:
        engine.dispose()


def refusal(result, code: int = 2) -> str:  # type: ignore[no-untyped-def]
    """The one stderr line of a refused command (conftest.Result.error_line)."""
    line: str = result.error_line(code)
    return line


def demo() -> dict[str, Any]:
    return yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))


def with_change(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """The demo plan with the value at ``path`` replaced."""
    document = demo()
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


def write_json(tmp_path: Path, document: Any, name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def write_text(tmp_path: Path, content: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    return path


@pytest.fixture(name="guarded")
def guarded_fixture(demo_cli, database_url):  # type: ignore[no-untyped-def]
    """The demo plan imported; yields the CLI, and after the test checks nothing changed."""
    before = snapshot(database_url)
    yield demo_cli
    assert snapshot(database_url) == before


FIRST_TASK = ("measures", 0, "tasks", 0)
