"""Follow-up engine at national scale: planning meeting dues, sweeping reminders and alerts.

Run: .venv/bin/python bench/bench_followup.py [--orgs 8300] [--alert-orgs N]
     [--pg postgresql+psycopg://...] [--prefect] [--dispatch-threads N] [--send-latency-ms MS]
Builds N organizations (each: one FY2566 plan, one measure, 25 tasks, 5 units and an
every-unit group, one 1st/3rd/5th-Wednesday meeting series) with SQLAlchemy Core, on a
temporary SQLite file and, with --pg, on a scratch PostgreSQL database made and dropped here;
then times each follow-up step once. Prints a Markdown table; copy the numbers into
bench/README.md with the machine they ran on. Not a test: nothing here asserts a speed.

The moments, all Asia/Bangkok, FY2566:
- the peak reminder sweep is the moment every organization's reminder for the meeting of
  Wed 2 Aug 2023 is due: 2 working days before it. 1 Aug (Asalha Bucha), 31 Jul (a bridge
  holiday), the weekend and 28 Jul (the King's birthday) are not working days, so it is
  Wed 26 Jul 09:00; the sweep runs at 09:30. Earlier dues are marked done, as the sweeps
  of earlier days would have left them;
- meeting dues are first planned on Tue 25 Jul 06:00 (meeting_dues empty), then again on
  the 26th at 06:00, as the first sweep of each day does; the idle sweep runs at 08:45;
- the ledger holds the earlier rounds' reminders (one sent message per unit and meeting),
  since the sweeps count what earlier sweeps queued;
- the reminders of that round are then dispatched through the ledger to a sender that
  discards them, which times the ledger's part of sending (a claim and an outcome commit per
  message) without any transport;
- the progress reports for 2 Aug are due 1 working day before it, Thu 27 Jul 08:00; the
  day's planning runs at 06:00 and the report sweep at 08:30;
- the weekly overdue digests are due on Mon 31 Jul 08:00 and swept at 08:30, then again an
  hour later, as an hourly Prefect sweep would;
- deadline alerts peak on Sat 23 Sep 2023 09:30, when every open task ending with the fiscal
  year (30 Sep) gets its 7-days-left alert; each task's next alert moment is stored as the
  sweep of 08:30 would have left it, and the idle alert sweep runs at 08:45. --alert-orgs N
  makes only the first N organizations' tasks due in that round (default: all).

The steps are in groups, each also runnable alone (on a database of its own, with the options
that concern it): bench_followup_reminders.py (a), (b), (d), (c), (h);
bench_followup_reports.py (f), (g), after (a); bench_followup_alerts.py (e);
bench_followup_prefect.py the Prefect rows. The national database and the moments are in
followup_bench_data.py, measuring, the table and the runner in followup_bench_support.py.
"""

from __future__ import annotations

from bench_followup_alerts import ALERTS
from bench_followup_prefect import bench_prefect
from bench_followup_reminders import PLANNING, REMINDERS
from bench_followup_reports import DIGESTS, REPORTS
from followup_bench_support import main

GROUPS = [PLANNING, REMINDERS, REPORTS, DIGESTS, ALERTS]  # in this order, on one database


if __name__ == "__main__":
    main(__doc__.splitlines()[0], GROUPS, dispatch=True, prefect=bench_prefect)
