"""The meetings command: a series' calendar with holidays, as a table, JSON or an ICS feed."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from tracker.cli.context import AppContext, pass_app, print_table
from tracker.cli.output import write_output
from tracker.cli.params import DATE, HOLIDAY_POLICY_CHOICE

DEFAULT_SPAN_DAYS = 90
MAX_SPAN_DAYS = 10 * 366  # a plan is a year; ten is plenty and bounds the work


def register(cli: click.Group) -> None:
    cli.add_command(meetings_command)


def meeting_note(app: AppContext, row: dict[str, Any]) -> str:
    """What a person should know about a meeting: holiday, move, cancellation."""
    notes = []
    if row["cancelled"]:
        notes.append(app.t("ยกเลิก", "cancelled"))
    if row["holiday"]:
        notes.append(app.t(f"ตรงกับ{row['holiday']}", f"on {row['holiday']}"))
    if row["moved_from"]:
        moved = app.format_date(date.fromisoformat(row["moved_from"]))
        because = f" ({row['moved_because']})" if row["moved_because"] else ""
        notes.append(app.t(f"เลื่อนจาก {moved}", f"moved from {moved}") + because)
    if row["added"]:
        notes.append(app.t("นัดเพิ่ม", "added"))
    return "; ".join(notes)


def print_meetings(app: AppContext, title: str, rows: list[dict[str, Any]]) -> None:
    print_table(
        title,
        [
            app.t("วันที่", "Date"),
            app.t("เวลา", "Time"),
            app.t("การประชุม", "Meeting"),
            app.t("หมายเหตุ", "Note"),
        ],
        [
            [
                app.format_date(date.fromisoformat(r["date"])),
                r["start"][11:16],
                r["series"],
                meeting_note(app, r),
            ]
            for r in rows
        ],
    )


@click.command("meetings")
@click.option("--series", "series_name", metavar="NAME", help="A stored series (default: all).")
@click.option(
    "--rule",
    metavar="RRULE_OR_PHRASE",
    help="A rule or Thai phrase instead of a stored series (no database).",
)
@click.option("--from", "start", type=DATE, help="First day, ISO or Thai (default: today).")
@click.option(
    "--to", "end", type=DATE, help=f"Last day (default: {DEFAULT_SPAN_DAYS} days after --from)."
)
@click.option(
    "--holidays",
    "policy",
    type=HOLIDAY_POLICY_CHOICE,
    help="On a public holiday: flag it, skip the meeting, or move it to the next working day "
    "(default: the series' policy; flag for --rule).",
)
@click.option(
    "--time",
    "at",
    metavar="HH:MM",
    default="09:00",
    show_default=True,
    help="Meeting time, for --rule.",
)
@click.option(
    "--timezone", metavar="ZONE", help="Timezone, for --rule (default: TRACKER_TIMEZONE)."
)
@click.option("--org", "org_name", metavar="NAME", help="Organization (default: the only one).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option(
    "--ics", "as_ics", is_flag=True, help="Print an iCalendar feed (one event per meeting)."
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write to a file."
)
@pass_app
def meetings_command(
    app: AppContext,
    series_name: str | None,
    rule: str | None,
    start: date | None,
    end: date | None,
    policy: str | None,
    at: str,
    timezone: str | None,
    org_name: str | None,
    as_json: bool,
    as_ics: bool,
    output: Path | None,
) -> None:
    """List follow-up meetings between two dates, with holidays, moves and cancellations.

    \b
    Example:
      tracker meetings --from "1 ต.ค. 2565" --to "30 ก.ย. 2566" --holidays move --json
      tracker meetings --rule "ทุกวันพุธ สัปดาห์ที่ 1,3 และ 5 ของเดือน" \\
        --from 2022-10-01 --to 2023-09-30 --ics -o heads.ics
    """
    from tracker.errors import InvalidInput

    if series_name and rule:
        raise InvalidInput("use either --series or --rule, not both")
    if as_json and as_ics:
        raise InvalidInput("use either --json or --ics, not both")
    start = start or app.today()
    end = end or start + timedelta(days=DEFAULT_SPAN_DAYS)
    if end < start:
        raise InvalidInput(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    if (end - start).days > MAX_SPAN_DAYS:
        raise InvalidInput(
            f"--from {start.isoformat()} --to {end.isoformat()} spans more than "
            f"{MAX_SPAN_DAYS // 366} years: ask for at most that at a time"
        )
    if rule is not None:
        groups = [_rule_meetings(app, rule, start, end, policy, at, timezone)]
    else:
        groups = _stored_meetings(app, series_name, org_name, start, end, policy)
    if as_ics:
        _write(output, _ics(app, groups))
        return
    from tracker.views import meeting_row

    rows = sorted(
        (meeting_row(name, m, place) for name, _key, place, ms in groups for m in ms),
        key=lambda r: r["start"],
    )
    if as_json:
        _write(output, (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    else:
        print_meetings(app, app.t("การประชุม", "Meetings"), rows)


Group = tuple[str, str, "str | None", list[Any]]  # name, key for UIDs, place, meetings


def _rule_meetings(
    app: AppContext,
    rule: str,
    start: date,
    end: date,
    policy: str | None,
    at: str,
    timezone: str | None,
) -> Group:
    from datetime import time
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from schedules.meetings import HolidayPolicy, SeriesRule, meeting_calendar
    from schedules.recurrence import describe_recurrence, parse_recurrence
    from schedules.rrules import RecurrenceError
    from tracker.errors import InvalidInput

    try:
        rrule = parse_recurrence(rule)
        moment = time.fromisoformat(at)
        zone = timezone or app.settings.timezone
        ZoneInfo(zone)
    except RecurrenceError as error:
        raise InvalidInput(str(error)) from None
    except ValueError:
        raise InvalidInput(f"--time {at!r} is not a time: write HH:MM, e.g. 09:30") from None
    except ZoneInfoNotFoundError:
        raise InvalidInput(f"--timezone {timezone!r} is not a known timezone") from None
    series_rule = SeriesRule(rrule, zone, moment, HolidayPolicy(policy or "flag"))
    name = describe_recurrence(rrule, app.lang)
    return (
        name,
        rrule,
        None,
        meeting_calendar(series_rule, start, end, calendar=app.holiday_calendar()),
    )


def _stored_meetings(
    app: AppContext,
    series_name: str | None,
    org_name: str | None,
    start: date,
    end: date,
    policy: str | None,
) -> list[Group]:
    from schedules.meetings import HolidayPolicy
    from tracker.services.meetings import get_series, organization_series, series_meetings
    from tracker.services.organizations import get_organization

    with app.transaction() as session:
        organization = get_organization(session, org_name)
        chosen = (
            [get_series(session, organization, series_name)]
            if series_name
            else organization_series(session, organization)
        )
        override = HolidayPolicy(policy) if policy else None
        return [
            (
                s.name,
                f"{organization.key}/{s.name}",
                s.place,
                series_meetings(s, start, end, policy=override, calendar=app.holiday_calendar()),
            )
            for s in chosen
        ]


def _ics(app: AppContext, groups: list[Group]) -> bytes:
    from schedules.ics import meetings_to_ics
    from tracker.errors import InvalidInput

    if len(groups) != 1:
        raise InvalidInput(
            f"--ics needs one series; choose one with --series ({len(groups)} found)"
        )
    name, key, place, meetings = groups[0]
    stamp: datetime = app.now
    return meetings_to_ics(meetings, series_name=name, series_key=key, stamp=stamp, place=place)


def _write(output: Path | None, data: bytes) -> None:
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_output(output, data)
