"""Thai calendar words written out by hand for the tests, never taken from the code under test.

The names are those of the Royal Institute dictionary as agencies write them in plans
(domain.md §3); a test that compared the code's output with the code's own tables would pass
whatever the tables said.
"""

from __future__ import annotations

from datetime import date

THAI_FULL_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_ABBREVIATED_MONTHS = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
ENGLISH_ABBREVIATED_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
BE_OFFSET = 543  # Buddhist era = common era + 543


def thai_short_date(day: date) -> str:
    """ "2 ส.ค. 2566": how messages and reports write a date (BE year, abbreviated month)."""
    return f"{day.day} {THAI_ABBREVIATED_MONTHS[day.month - 1]} {day.year + BE_OFFSET}"
