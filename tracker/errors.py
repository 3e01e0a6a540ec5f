"""Errors that reach a person as one clear line, worded for no front end in particular.

Every error a user can cause (bad input, an unknown id, a refused change) is a
:class:`TrackerError`; its message says what is wrong, never which command-line option or
web page fixes it. ``what`` names the kind of thing it is about ("plan", "organization",
"task", "message") and ``choices`` what there is to choose from, so each front end adds its
own way to find or pick one (the CLI: an option and a listing command; the web: a picker).
Anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Sequence


class TrackerError(Exception):
    """A problem the user can fix; ``str(error)`` is the whole explanation."""

    def __init__(self, message: str, *, what: str | None = None, choices: Sequence[str] = ()):
        super().__init__(message)
        self.what = what
        self.choices = tuple(choices)


class NotFound(TrackerError):
    """An id, unit, plan or series that does not exist."""


class NothingYet(NotFound):
    """Nothing of the kind ``what`` exists yet (no plan imported, say)."""


class Ambiguous(TrackerError):
    """Several of ``what`` would do and none was named: ``choices`` lists them."""


class Refused(TrackerError):
    """A change the rules do not allow (wrong unit, invalid state transition)."""


class InvalidInput(TrackerError):
    """Malformed input: a file, a date, a number out of range."""


class DatabaseUnavailable(TrackerError):
    """The database cannot be reached right now (down, restarting, locked): trying again
    later may work, unlike every other TrackerError."""


class SchemaTooNew(TrackerError):
    """The database was written by a newer version of ITA Tracker."""
