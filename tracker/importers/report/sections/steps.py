"""The measures and their steps: the measure table (tracker.importers.measure_table, shared
with agency spreadsheets) and the same steps listed a second time."""

from __future__ import annotations

from collections.abc import Sequence

from tracker.importers.measure_table import TableSteps, read_steps
from tracker.importers.text import Line


def read(lines: Sequence[Line]) -> TableSteps:
    return read_steps(list(lines))
