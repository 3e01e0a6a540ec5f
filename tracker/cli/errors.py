"""How the command line words the domain's errors: its exit codes, and the option or
command that finds or chooses what an error is about (the domain's own messages name none).
"""

from __future__ import annotations

from tracker.errors import Ambiguous, InvalidInput, NotFound, NothingYet, TrackerError

# Exit codes: 0 done; 1 refused, not found, or the database unreachable; 2 bad input (an
# option, a file, a value); 70 a bug (EX_SOFTWARE: the last-resort handler); 130 interrupted.
EXIT_REFUSED, EXIT_BAD_INPUT, EXIT_BUG, EXIT_INTERRUPTED = 1, 2, 70, 130

# What lists the things of a kind, and the option that names one.
LISTING = {
    "plan": "tracker plans",
    "organization": "tracker organizations",
    "task": "tracker tasks",
    "message": "tracker outbox",
    "series": "tracker series",
}
OPTION = {
    "plan": "--plan ID",
    "organization": "--org",
    "series": "--series",
    "note": "--note",
}


def explain(error: TrackerError) -> tuple[str, int]:
    """The one line the CLI prints for ``error``, and the exit code it ends with."""
    return _words(error), EXIT_BAD_INPUT if isinstance(error, InvalidInput) else EXIT_REFUSED


def _words(error: TrackerError) -> str:
    message, what = str(error), error.what
    if isinstance(error, NothingYet):
        return f"{message}: import a plan with `tracker import FILE`"
    if isinstance(error, Ambiguous) and what in OPTION:
        return f"{message}; choose one with {OPTION[what]}: {', '.join(error.choices)}"
    if isinstance(error, NotFound) and what in LISTING:
        return f"{message} (see `{LISTING[what]}`)"
    if isinstance(error, InvalidInput) and what in OPTION:
        return f"{message} ({OPTION[what]})"
    return message
