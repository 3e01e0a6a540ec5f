"""How much an import reads before it asks: the limits, in one place, with their defaults.

A 394-byte YAML file can expand to gigabytes and a 50 MB text file to ten thousand tasks;
neither is a plan anyone meant to import. Each limit has a command-line flag to raise it
(``tracker import --max-size MB --max-tasks N``) for the rare real case.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 20_000_000  # a report or plan file; real ones are well under 1 MB
DEFAULT_MAX_TASKS = 2_000  # a plan's steps; real plans have 5 to 100
MAX_DOCUMENT_DEPTH = 20  # nesting of a plan document; a valid one is 7 deep


@dataclass(frozen=True)
class ImportLimits:
    """The size of file and number of tasks an import takes without being told otherwise."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_tasks: int = DEFAULT_MAX_TASKS


DEFAULT_LIMITS = ImportLimits()
