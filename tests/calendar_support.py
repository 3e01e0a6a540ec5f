"""The seed meeting series and helpers shared by the meeting-calendar tests
(test_meeting_calendar.py, test_workdays.py, test_meeting_ics.py).

The seed series meets on the 1st, 3rd and 5th Wednesdays of the month; its 28 meetings of
FY2566 come from ../shared/vectors/seed-expected.json (meetings_fy2566, holiday_meetings_fy2566).
"""

from __future__ import annotations

import json
from datetime import date

from conftest import SHARED

from schedules import fiscal_year_bounds
from schedules.meetings import HolidayPolicy, SeriesRule, meeting_calendar

SEED_RULE = "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE"
SEED_PHRASE = "ทุกวันพุธ สัปดาห์ที่ ๑,๓ และ ๕ ของเดือน"
SERIES_NAME = "ประชุมหัวหน้าส่วนราชการ"
LENT_DAY = date(2023, 8, 2)


def seed_expected() -> dict:
    return json.loads((SHARED / "vectors" / "seed-expected.json").read_text(encoding="utf-8"))


MEETINGS_FY2566 = seed_expected()["meetings_fy2566"]


def fy2566(policy: HolidayPolicy = HolidayPolicy.FLAG, **changes):
    start, end = fiscal_year_bounds(2566)
    return meeting_calendar(SeriesRule(SEED_RULE, policy=policy), start, end, **changes)


def seed_meetings(start: date, end: date, **changes):
    return meeting_calendar(SeriesRule(SEED_RULE), start, end, **changes)


def held(meetings) -> list[str]:
    return [m.date.isoformat() for m in meetings]
