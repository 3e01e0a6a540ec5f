"""Calendar feed commands: `tracker series feed NAME` and `tracker units feed UNIT` show the
secret address of a series' or a unit's ICS feed (made the first time), or revoke it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import click

from tracker.cli.context import AppContext, echo_json, pass_app
from tracker.cli.series import series_group
from tracker.cli.units import ORG_OPTION, units_group

if TYPE_CHECKING:
    from tracker.models import MeetingSeries, Unit

REVOKE = click.option(
    "--revoke", is_flag=True, help="Revoke the feed: its address stops working at once."
)
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def register(cli: click.Group) -> None:
    """Add `feed` to the series and units groups (the groups themselves are registered by
    their own modules)."""
    del cli
    series_group.add_command(series_feed_command)
    units_group.add_command(unit_feed_command)


@click.command("feed")
@click.argument("name")
@REVOKE
@JSON
@ORG_OPTION
@pass_app
def series_feed_command(
    app: AppContext, name: str, revoke: bool, as_json: bool, org_name: str | None
) -> None:
    """Show the address of the series' meeting calendar (ICS) to subscribe to, or revoke it.

    Whoever has the address sees the meetings: give it to those who attend. A revoked feed
    answers 404; the next `tracker series feed NAME` makes a new address.

    \b
    Example:
      tracker series feed "ประชุมหัวหน้าส่วนราชการ"
      tracker series feed "ประชุมหัวหน้าส่วนราชการ" --revoke
    """
    _feed(app, "series", name, revoke=revoke, as_json=as_json, org_name=org_name)


@click.command("feed")
@click.argument("unit_name", metavar="UNIT")
@REVOKE
@JSON
@ORG_OPTION
@pass_app
def unit_feed_command(
    app: AppContext, unit_name: str, revoke: bool, as_json: bool, org_name: str | None
) -> None:
    """Show the address of the unit's calendar (ICS: its open tasks' deadlines and the
    meetings that follow them up) to subscribe to, or revoke it.

    \b
    Example:
      tracker units feed "กองคลัง"
      tracker units feed "กองคลัง" --revoke
    """
    _feed(app, "unit", unit_name, revoke=revoke, as_json=as_json, org_name=org_name)


def _feed(
    app: AppContext,
    kind: Literal["series", "unit"],
    name: str,
    *,
    revoke: bool,
    as_json: bool,
    org_name: str | None,
) -> None:
    """Show (or revoke) the feed of the series or the unit called ``name``."""
    from tracker.services import feeds
    from tracker.services.meetings import get_series
    from tracker.services.organizations import get_organization
    from tracker.services.units import get_unit

    with app.transaction() as session:
        organization = get_organization(session, org_name)
        series: MeetingSeries | None = None
        unit: Unit | None = None
        if kind == "series":
            series = get_series(session, organization, name)
            shown = series.name
        else:
            unit = get_unit(session, organization, name)
            shown = unit.name
        if revoke:
            count = feeds.revoke_feeds(session, organization, series=series, unit=unit, now=app.now)
        else:
            secret = feeds.feed_secret(
                session,
                app.settings.secret_key_bytes(),
                organization,
                series=series,
                unit=unit,
                now=app.now,
            )
    if revoke:
        if as_json:
            echo_json({"name": shown, "revoked": count})
        else:
            click.echo(
                app.t(f"{shown}: ยกเลิกปฏิทิน {count} รายการ", f"{shown}: {count} feed(s) revoked")
            )
        return
    path = feeds.feed_path(secret)
    url = app.settings.public_link(path)
    if as_json:
        echo_json({"name": shown, "url": url, "path": path})
        return
    click.echo(f"{shown}: {url or path}")
    if url is None:
        click.echo(
            app.t(
                "(ตั้ง TRACKER_PUBLIC_URL เพื่อให้ได้ลิงก์เต็ม)", "(set TRACKER_PUBLIC_URL for a full link)"
            )
        )
