"""The follow-up jobs, one module each, written once and run by anything (the CLI,
APScheduler, Prefect, a test) through tracker.followup.catalogue.

Each job is one public function taking keyword arguments (the session factory, ``now``,
its Options) and returning a JobResult. The queueing jobs decide what is due from meeting
dates and deadlines, never from the clock's hour (tracker.followup.timing), and record each
message in the outbox ledger, which makes running a job twice, or in two processes at once,
harmless; ``dispatch`` then sends what is queued.

After downtime, an item found late is still sent once while it is useful (before its
meeting, before its deadline); one whose moment has passed is recorded as ``missed``, with
the reason, and never sent. Items older than LOOKBACK are not looked at.
"""

from tracker.followup.jobs.base import JobResult, Options

__all__ = ["JobResult", "Options"]
