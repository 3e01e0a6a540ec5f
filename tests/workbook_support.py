"""Shared parts of the workbook tests (test_workbook.py, test_workbook_safety.py)."""

from __future__ import annotations

from pathlib import Path

MEASURE_SHEET = "แผน 2570"  # the demo plan's fiscal year


def export_workbook(cli, path: Path) -> Path:  # type: ignore[no-untyped-def]
    """The demo plan as the CLI exports it to ``path``."""
    cli.ok("export", "--format", "xlsx", "-o", str(path))
    return path


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    """A bad workbook's one stderr line, exit 2 (conftest.Result.error_line)."""
    line: str = result.error_line(2)
    return line
