"""What a meeting rule may say: the one check every RRULE passes before it is stored or expanded.

A follow-up meeting recurs by day, week, month or year, at a time kept apart from the rule,
and follows its plan's dates. So a rule is refused, with a message that quotes it and says
why, when it:

- recurs more often than daily (``FREQ=HOURLY|MINUTELY|SECONDLY``) or sets the time itself
  (``BYHOUR``, ``BYMINUTE``, ``BYSECOND``);
- counts its meetings (``COUNT``: meetings end with the plan, by ``UNTIL`` or not at all);
- has an ``INTERVAL`` below 1 or beyond a sensible bound for its frequency (every 366 days,
  52 weeks, 12 months, 4 years);
- names a week of the month that does not exist (``BYDAY`` ordinals are 1 to 5 or -1 to -5,
  and only monthly or yearly rules have them), a day of the month outside 1..31 / -31..-1, a
  month outside 1..12, a part twice, or a part this product does not read;
- never meets (``FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30``): expanding such a rule would search
  every year to 9999.

Rules that pass are safe to expand for any window: each occurrence costs a bounded amount of
work. The check is pure and cached, so calling it on every expansion costs nothing.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import lru_cache

from dateutil.rrule import rrulestr


class RecurrenceError(ValueError):
    """A meeting rule or phrase that cannot be read; the message quotes it and says why."""


# The day rules with an INTERVAL count their cycles from (a Monday, the 1st of a month).
# Naive on purpose: rules are expanded on the series' local calendar.
INTERVAL_ANCHOR = datetime.combine(date(2001, 1, 1), time(0, 0))
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
MAX_INTERVAL = {"DAILY": 366, "WEEKLY": 52, "MONTHLY": 12, "YEARLY": 4}
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A rule must meet at least once in this many years (8 covers leap days under every
# supported interval), searched from a start with the anchor's calendar (19 x 400 years on).
NEVER_MEETS_YEARS = 8
PROBE_START = INTERVAL_ANCHOR.replace(year=INTERVAL_ANCHOR.year + 19 * 400)
MAX_RULE_LENGTH = 500
_PARTS = ("FREQ", "INTERVAL", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST")
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL = re.compile(r"\d{8}(T\d{6}Z?)?")
_INTEGER = re.compile(r"[+-]?\d{1,3}")


def check_rrule(rule: str) -> str:
    """The rule body ("FREQ=…", upper case, no "RRULE:") if it is a rule meetings may follow.

    Raises RecurrenceError naming the rule and the first reason it is refused (see the
    module docstring).
    """
    return _checked(rule.strip())


@lru_cache(maxsize=1024)
def _checked(rule: str) -> str:
    shown = _quoted(rule)
    if len(rule) > MAX_RULE_LENGTH:
        raise RecurrenceError(f"meeting rule {shown} is longer than {MAX_RULE_LENGTH} characters")
    body = re.sub(r"(?i)^RRULE:", "", rule).upper()
    parts = _split(body, shown)
    freq = parts.get("FREQ")
    if freq is None:
        raise RecurrenceError(f"meeting rule {shown} has no FREQ (e.g. FREQ=WEEKLY;BYDAY=WE)")
    if freq not in FREQUENCIES:
        raise RecurrenceError(
            f"meeting rule {shown}: FREQ={freq} is not a meeting rhythm "
            "(use DAILY, WEEKLY, MONTHLY or YEARLY)"
        )
    _check_interval(parts, freq, shown)
    _check_byday(parts, freq, shown)
    _check_numbers(parts, "BYMONTHDAY", 31, shown, "a day of the month")
    _check_numbers(parts, "BYSETPOS", 31, shown, "a position in the period")
    _check_numbers(parts, "BYMONTH", 12, shown, "a month", negative=False)
    _check_until_and_wkst(parts, shown)
    _check_meets(body, parts, shown)
    return body


def _quoted(rule: str) -> str:
    return repr(rule if len(rule) <= 80 else rule[:77] + "…")


def _split(body: str, shown: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for item in body.split(";"):
        name, equals, value = item.partition("=")
        if not equals or not name or not value:
            raise RecurrenceError(
                f"meeting rule {shown}: {item!r} is not NAME=VALUE (rules look like "
                "FREQ=MONTHLY;BYDAY=1WE,3WE)"
            )
        if name in parts:
            raise RecurrenceError(f"meeting rule {shown}: {name} is given twice")
        parts[name] = value
    _refuse_unknown(parts, shown)
    return parts


def _refuse_unknown(parts: dict[str, str], shown: str) -> None:
    if "COUNT" in parts:
        raise RecurrenceError(
            f"meeting rule {shown}: COUNT is not supported (meetings follow a plan's dates; "
            "use UNTIL or no end)"
        )
    timed = [name for name in ("BYHOUR", "BYMINUTE", "BYSECOND") if name in parts]
    if timed:
        raise RecurrenceError(
            f"meeting rule {shown}: {timed[0]} is not supported (the meeting's time is set "
            "apart from its rule)"
        )
    unknown = [name for name in parts if name not in _PARTS]
    if unknown:
        raise RecurrenceError(
            f"meeting rule {shown}: {unknown[0]} is not supported (a rule may use "
            f"{', '.join(_PARTS)})"
        )


def _check_interval(parts: dict[str, str], freq: str, shown: str) -> None:
    text = parts.get("INTERVAL")
    if text is None:
        return
    bound = MAX_INTERVAL[freq]
    if not re.fullmatch(r"\d{1,4}", text) or not 1 <= int(text) <= bound:
        raise RecurrenceError(
            f"meeting rule {shown}: INTERVAL={text} must be a whole number from 1 to {bound} "
            f"for FREQ={freq}"
        )


def _check_byday(parts: dict[str, str], freq: str, shown: str) -> None:
    for item in _items(parts, "BYDAY", shown):
        match = _BYDAY.fullmatch(item)
        if match is None:
            raise RecurrenceError(
                f"meeting rule {shown}: BYDAY {item!r} is not a weekday "
                f"({', '.join(WEEKDAY_CODES)}, optionally after its week: 1WE, -1FR)"
            )
        if match.group(1) is None:
            continue
        week = int(match.group(1))
        if freq not in ("MONTHLY", "YEARLY"):
            raise RecurrenceError(
                f"meeting rule {shown}: BYDAY {item!r} names a week of the month, which only "
                "a MONTHLY or YEARLY rule can"
            )
        if not (1 <= week <= 5 or -5 <= week <= -1):
            raise RecurrenceError(
                f"meeting rule {shown}: BYDAY {item!r}: week {week} of a month does not exist "
                "(1 to 5, or -1 to -5 counting from the end)"
            )


def _items(parts: dict[str, str], name: str, shown: str) -> list[str]:
    text = parts.get(name)
    if text is None:
        return []
    items = text.split(",")
    if any(not item for item in items):
        raise RecurrenceError(f"meeting rule {shown}: {name}={text} has an empty entry")
    return items


def _check_numbers(
    parts: dict[str, str], name: str, bound: int, shown: str, what: str, *, negative: bool = True
) -> None:
    for item in _items(parts, name, shown):
        value = int(item) if _INTEGER.fullmatch(item) else None
        below = negative and value is not None and -bound <= value <= -1
        if not (value is not None and (1 <= value <= bound or below)):
            span = f"1 to {bound}" + (f", or -1 to -{bound} from the end" if negative else "")
            raise RecurrenceError(f"meeting rule {shown}: {name} {item!r} is not {what} ({span})")


def _check_until_and_wkst(parts: dict[str, str], shown: str) -> None:
    until = parts.get("UNTIL")
    if until is not None:
        if not _UNTIL.fullmatch(until):
            raise RecurrenceError(
                f"meeting rule {shown}: UNTIL={until} is not a date (YYYYMMDD or YYYYMMDDTHHMMSSZ)"
            )
        try:
            date(int(until[:4]), int(until[4:6]), int(until[6:8]))
        except ValueError:
            raise RecurrenceError(
                f"meeting rule {shown}: UNTIL={until} is not a real date"
            ) from None
    wkst = parts.get("WKST")
    if wkst is not None and wkst not in WEEKDAY_CODES:
        raise RecurrenceError(f"meeting rule {shown}: WKST={wkst} is not a weekday")


def _check_meets(body: str, parts: dict[str, str], shown: str) -> None:
    """Parse with dateutil, and look for a meeting within NEVER_MEETS_YEARS.

    dateutil searches an empty rule up to year 9999 (seconds for a daily rule from 2001), so
    the search starts at PROBE_START, four centuries before the end: the Gregorian calendar
    repeats every 400 years, so the same weekdays and leap days follow as after the anchor.
    """
    probe = ";".join(f"{name}={value}" for name, value in parts.items() if name != "UNTIL")
    local = re.sub(r"(UNTIL=\d{8}T\d{6})Z", r"\1", body)  # expanded on the local calendar
    try:
        rrulestr(local, dtstart=INTERVAL_ANCHOR, ignoretz=True)  # the rule as it will be read
        first = rrulestr(probe, dtstart=PROBE_START).after(PROBE_START, inc=True)
    except (ValueError, TypeError, IndexError, OverflowError) as error:
        raise RecurrenceError(f"meeting rule {shown}: {error}") from None
    if first is None or first.year >= PROBE_START.year + NEVER_MEETS_YEARS:
        raise RecurrenceError(f"meeting rule {shown} never meets (no day has all it asks for)")
