"""Services: plain functions over a session. They never commit and do no I/O.

The caller (a CLI command, a job run) owns the transaction; see tracker.db.unit_of_work.
"""
