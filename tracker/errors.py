"""Errors that reach the user as one clear line.

Every error the user can cause (bad input, an unknown id, a refused change) is a
:class:`TrackerError`; the CLI prints its message on stderr and exits non-zero.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class TrackerError(Exception):
    """A problem the user can fix; ``str(error)`` is the whole explanation."""

    exit_code = 1


class NotFound(TrackerError):
    """An id, unit, plan or series that does not exist."""


class Refused(TrackerError):
    """A change the rules do not allow (wrong unit, invalid state transition)."""


class InvalidInput(TrackerError):
    """Malformed input: a file, a date, a number out of range."""

    exit_code = 2


class SchemaTooNew(TrackerError):
    """The database was written by a newer version of ITA Tracker."""
