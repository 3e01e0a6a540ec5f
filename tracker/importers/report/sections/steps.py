"""The measures and their steps: the measure table (tracker.importers.measure_table, shared
with agency spreadsheets) with the same steps listed a second time, or, when the report has
no table with cells, a table flattened into plain lines (tracker.importers.report.sections.
flattened)."""

from __future__ import annotations

from collections.abc import Sequence

from tracker.importers.measure_table import TableSteps, read_steps
from tracker.importers.report.sections import flattened
from tracker.importers.text import Line


def read(lines: Sequence[Line], fiscal_year: int | None = None) -> TableSteps:
    table = read_steps(list(lines))
    return table if table.steps else flattened.read(lines, fiscal_year)
