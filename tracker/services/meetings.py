"""Meeting occurrences of an organization's series, with cancelled and moved dates applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from schedules import occurrences
from tracker.models import MeetingSeries, Organization

LOOKAHEAD_DAYS = 400  # far enough to find the next few meetings of any monthly rule


@dataclass(frozen=True)
class Occurrence:
    """One meeting: the rule's date, the day it really happens, and its local start."""

    series: MeetingSeries
    rule_date: date
    date: date
    start: datetime  # aware, in the series' timezone
    cancelled: bool = False

    @property
    def moved(self) -> bool:
        return self.date != self.rule_date


def series_occurrences(series: MeetingSeries, start: date, end: date) -> list[Occurrence]:
    """The series' meetings whose real date lies in [start, end], exceptions applied."""
    changes = {m.date: m for m in series.meetings}
    # Look a little wider so a meeting moved into the window from outside is found.
    moments = occurrences(
        series.rrule,
        start - timedelta(days=31),
        end + timedelta(days=31),
        timezone=series.timezone,
        at=series.time_of_day,
    )
    found = []
    for moment in moments:
        rule_date = moment.date()
        change = changes.get(rule_date)
        day = change.moved_to if change and change.moved_to else rule_date
        if not start <= day <= end:
            continue
        found.append(
            Occurrence(
                series=series,
                rule_date=rule_date,
                date=day,
                start=datetime.combine(day, series.time_of_day, tzinfo=moment.tzinfo),
                cancelled=bool(change and change.cancelled),
            )
        )
    return sorted(found, key=lambda o: o.start)


def next_meetings(
    session: Session, organization: Organization, on_or_after: date, count: int = 5
) -> list[Occurrence]:
    """The next ``count`` meetings of every series of the organization, from a Bangkok date."""
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    all_series = session.scalars(
        select(MeetingSeries)
        .where(MeetingSeries.organization_id == organization.id)
        .order_by(MeetingSeries.id)
    )
    upcoming: list[Occurrence] = []
    for series in all_series:
        window_end = on_or_after + timedelta(days=LOOKAHEAD_DAYS)
        upcoming.extend(series_occurrences(series, on_or_after, window_end)[:count])
    return sorted(upcoming, key=lambda o: (o.start, o.series.id))[:count]
