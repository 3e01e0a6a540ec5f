"""Reports and messages: built as data from the database, rendered by templates, never sent.

- ``progress``: the meeting's progress report (รายงานผลการดำเนินการ), for the secretariat;
- ``messages``: the reminders, deadline alerts and weekly digests units receive;
- ``render``: the one Jinja environment every template is rendered in.

Jobs and front ends import reports; reports import neither.
"""
