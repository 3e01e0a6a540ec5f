"""Meeting commands: the occurrences of the organization's follow-up meeting series."""

from __future__ import annotations

from datetime import date, timedelta

import click

from tracker.cli.context import AppContext, echo_json, pass_app, print_table
from tracker.cli.params import DATE


def register(cli: click.Group) -> None:
    cli.add_command(meetings_command)


@click.command("meetings")
@click.option("--series", "series_name", metavar="NAME", help="Only this series.")
@click.option("--from", "start", type=DATE, help="First day (default: today).")
@click.option("--to", "end", type=DATE, help="Last day (default: 90 days after --from).")
@click.option("--org", "org_name", metavar="NAME", help="Organization (default: the only one).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def meetings_command(
    app: AppContext,
    series_name: str | None,
    start: date | None,
    end: date | None,
    org_name: str | None,
    as_json: bool,
) -> None:
    """List follow-up meetings between two dates, cancelled and moved ones marked.

    \b
    Example:
      tracker meetings --from 2022-10-01 --to 2023-09-30 --json
    """
    from sqlalchemy import select

    from tracker.cli.plans import meeting_row
    from tracker.errors import InvalidInput, NotFound
    from tracker.models import MeetingSeries
    from tracker.services.meetings import series_occurrences
    from tracker.services.organizations import get_organization
    from tracker.textkey import lookup_key

    start = start or app.today()
    end = end or start + timedelta(days=90)
    if end < start:
        raise InvalidInput(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    with app.transaction() as session:
        organization = get_organization(session, org_name)
        all_series = list(
            session.scalars(
                select(MeetingSeries)
                .where(MeetingSeries.organization_id == organization.id)
                .order_by(MeetingSeries.id)
            )
        )
        if series_name is not None:
            all_series = [s for s in all_series if lookup_key(s.name) == lookup_key(series_name)]
            if not all_series:
                raise NotFound(f"no meeting series {series_name!r} in {organization.name}")
        found = sorted(
            (o for s in all_series for o in series_occurrences(s, start, end)),
            key=lambda o: o.start,
        )
        rows = [meeting_row(app, o) for o in found]
    if as_json:
        echo_json(rows)
        return
    print_table(
        app.t("การประชุม", "Meetings"),
        [app.t("วันที่", "Date"), app.t("เวลา", "Time"), app.t("การประชุม", "Meeting"), ""],
        [
            [
                app.format_date(date.fromisoformat(r["date"])),
                r["start"][11:16],
                r["series"],
                app.t("ยกเลิก", "cancelled") if r["cancelled"] else "",
            ]
            for r in rows
        ],
    )
