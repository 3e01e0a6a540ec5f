"""Thai calendar words: month names, Thai digits, Buddhist-era years, and date formatting.

A span of days is written the way Thai plans write it ("พ.ย. 2565", "ม.ค. – มี.ค. 2566",
"ตั้งแต่ ต.ค. 2565", "ภายใน 30 ก.ย. 2566") or in English; schedules.periods, which reads
periods, writes them back with it (format_period).
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Literal

BE_OFFSET = 543  # BE year = CE year + 543

THAI_MONTHS_FULL = (
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
THAI_MONTHS_ABBR = (
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
ENGLISH_MONTHS_ABBR = tuple(calendar.month_abbr[m] for m in range(1, 13))
ENGLISH_MONTHS_FULL = tuple(calendar.month_name[m] for m in range(1, 13))

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)

Lang = Literal["th", "en"]
RANGE_DASH = "–"  # en dash, as typeset Thai documents use between dates


def to_arabic_digits(text: str) -> str:
    """Replace Thai digits (๐–๙) with Arabic ones; everything else is kept."""
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    """Replace Arabic digits with Thai ones; everything else is kept."""
    return text.translate(_TO_THAI)


def be_year(day: date) -> int:
    """The Buddhist-era year of a date."""
    return day.year + BE_OFFSET


def _month_name(month: int, lang: Lang, full: bool) -> str:
    if lang == "th":
        return (THAI_MONTHS_FULL if full else THAI_MONTHS_ABBR)[month - 1]
    return (ENGLISH_MONTHS_FULL if full else ENGLISH_MONTHS_ABBR)[month - 1]


def _year(year_ce: int, lang: Lang) -> int:
    return year_ce + BE_OFFSET if lang == "th" else year_ce


def _digits(text: str, thai_digits: bool) -> str:
    return to_thai_digits(text) if thai_digits else text


def format_date(
    day: date, lang: Lang = "th", *, full: bool = False, thai_digits: bool = False
) -> str:
    """ "2 พ.ย. 2565" (Thai, BE) or "2 Nov 2022" (English, CE)."""
    text = f"{day.day} {_month_name(day.month, lang, full)} {_year(day.year, lang)}"
    return _digits(text, thai_digits)


def format_month(
    year: int, month: int, lang: Lang = "th", *, full: bool = False, thai_digits: bool = False
) -> str:
    """ "พ.ย. 2565" or "Nov 2022" for a CE year and month."""
    return _digits(f"{_month_name(month, lang, full)} {_year(year, lang)}", thai_digits)


def _is_month_start(day: date) -> bool:
    return day.day == 1


def _is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def format_span(
    start: date | None,
    end: date | None,
    lang: Lang = "th",
    *,
    full: bool = False,
    thai_digits: bool = False,
) -> str:
    """Write the days from ``start`` to ``end`` (either may be None: open) as a period.

    Whole months are written as months ("ม.ค. – มี.ค. 2566"), a shared year is written once,
    an open end reads "ตั้งแต่ …"/"from …", an open start "ภายใน …"/"by …".
    """
    whole_months = (
        start is not None and end is not None and _is_month_start(start) and _is_month_end(end)
    )
    if start is None and end is None:
        text = "ไม่ระบุ" if lang == "th" else "not set"
    elif start is None:
        assert end is not None
        text = f"{'ภายใน' if lang == 'th' else 'by'} {format_date(end, lang, full=full)}"
    elif end is None:
        since = format_month(start.year, start.month, lang, full=full)
        if not _is_month_start(start):
            since = format_date(start, lang, full=full)
        text = f"{'ตั้งแต่' if lang == 'th' else 'from'} {since}"
    elif whole_months:
        text = _format_month_range(start, end, lang, full)
    elif start == end:
        text = format_date(start, lang, full=full)
    else:
        first, last = format_date(start, lang, full=full), format_date(end, lang, full=full)
        text = f"{first} {RANGE_DASH} {last}"
    return _digits(text, thai_digits)


def _format_month_range(start: date, end: date, lang: Lang, full: bool) -> str:
    last = format_month(end.year, end.month, lang, full=full)
    if (start.year, start.month) == (end.year, end.month):
        return last
    if start.year == end.year:
        return f"{_month_name(start.month, lang, full)} {RANGE_DASH} {last}"
    return f"{format_month(start.year, start.month, lang, full=full)} {RANGE_DASH} {last}"
