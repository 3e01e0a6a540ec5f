"""Benchmarks of the `schedules` library: reading periods, expanding meeting calendars.

Run: .venv/bin/python bench/bench_schedules.py
Prints a Markdown table; copy it into bench/README.md with the machine it ran on.

parse_period is measured against a floor in the same run: one month+year regular expression
searched over the same strings (what any reading of "พ.ย. 2565" must at least do). Its rows
say whether the cache or the fast path did the work: "cache emptied before every call" reads
every text afresh; "full grammar alone" is the reading without the fast path and the cache
(what parse_period did before them).
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from schedules import Period, format_period, parse_period
from schedules.expansion import occurrences
from schedules.ics import meetings_to_ics
from schedules.meetings import HolidayPolicy, SeriesRule, meeting_calendar
from schedules.periods import _read_by_full_grammar, _read_period
from schedules.recurrence import parse_recurrence
from schedules.thai import (
    ENGLISH_MONTHS_ABBR,
    ENGLISH_MONTHS_FULL,
    THAI_MONTHS_ABBR,
    THAI_MONTHS_FULL,
)
from schedules.workdays import ThaiCalendar

SEED_RULE = "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE"
TEN_YEARS = (date(2022, 10, 1), date(2032, 9, 30))


def sample_texts(count: int) -> list[str]:
    """Periods as plans write them: formatted from random periods in several styles."""
    rng = random.Random(2566)
    texts = []
    for _ in range(count):
        start = date(2020, 1, 1) + timedelta(days=rng.randrange(3650))
        end = start + timedelta(days=rng.randrange(400))
        shape = rng.randrange(3)
        period = (
            Period(start, end)
            if shape == 0
            else Period(start, None)
            if shape == 1
            else Period(None, end)
        )
        texts.append(
            format_period(
                period,
                rng.choice(["th", "en"]),
                full=rng.random() < 0.5,
                thai_digits=rng.random() < 0.5,
            )
        )
    return texts


SEED_PERIODS = ["พ.ย.๒๕๖๕", "ภายในเดือน ม.ค. - มี.ค. ๒๕๖๖", "ต.ค.๒๕๖๕ เป็นต้นไป", "ไตรมาสที่ ๒"]
ROUNDS = 5  # rates are the median of this many rounds of CPU time

# The floor: a month name (any spelling the tables hold) and a 2- or 4-digit year, searched.
_MONTH_NAMES = sorted(
    [*THAI_MONTHS_FULL, *THAI_MONTHS_ABBR, *ENGLISH_MONTHS_FULL, *ENGLISH_MONTHS_ABBR],
    key=len,
    reverse=True,
)
FLOOR = re.compile(
    "(" + "|".join(map(re.escape, _MONTH_NAMES)) + r")\s*(\d{4}|\d{2})(?!\d)", re.IGNORECASE
)


def cpu_rate(count: int, func: Callable[[], object], before: Callable[[], object] = lambda: None):
    """Items per CPU second of ``func`` (``before`` runs first each round, untimed)."""
    seconds = []
    for _ in range(ROUNDS):
        before()
        started = time.process_time()
        func()
        seconds.append(time.process_time() - started)
    return count / statistics.median(seconds)


def rate(label: str, count: int, func) -> tuple[str, str]:
    per_second = cpu_rate(count, func)
    return label, f"{per_second:,.0f} /s ({count / per_second:.3f} s CPU for {count:,})"


def period_rows(texts: list[str], fiscal_year: int | None, what: str) -> list[tuple[str, str]]:
    """parse_period over ``texts`` (repeats hit the cache), the same with the cache emptied
    before every call, the full grammar alone, and the floor; each with its ratio to the floor."""
    floor = cpu_rate(len(texts), lambda: [FLOOR.search(t) for t in texts])

    def uncached() -> None:
        for text in texts:
            _read_period.cache_clear()
            parse_period(text, fiscal_year)

    cases = [
        ("parse_period", lambda: [parse_period(t, fiscal_year) for t in texts]),
        ("parse_period, cache emptied before every call", uncached),
        (
            "full grammar alone (no fast path, no cache: parse_period before)",
            lambda: [_read_by_full_grammar(t, fiscal_year) for t in texts],
        ),
    ]
    rows = []
    for label, func in cases:
        per_second = cpu_rate(len(texts), func, _read_period.cache_clear)
        rows.append(
            (f"{label}, {what}", f"{per_second:,.0f} /s ({per_second / floor:.2f} × floor)")
        )
    rows.append((f"floor: a month+year regex search, {what}", f"{floor:,.0f} /s"))
    return rows


def timed(label: str, func) -> tuple[str, str]:
    started = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - started
    unit = "bytes" if isinstance(result, bytes) else "items"
    size = f", {len(result):,} {unit}" if hasattr(result, "__len__") else ""
    return label, f"{elapsed * 1000:.1f} ms{size}"


def main() -> None:
    rows = []
    texts = sample_texts(20_000)
    distinct = len(set(texts))
    rows += period_rows(texts, None, f"20,000 formatted periods ({distinct:,} distinct)")
    rows += period_rows(SEED_PERIODS * 5_000, 2566, "the seed's 4 forms ×5,000")
    phrases = ["ทุกวันพุธ สัปดาห์ที่ ๑,๓ และ ๕ ของเดือน"] * 2_000
    rows.append(
        rate(
            "parse_recurrence, the seed's phrase",
            len(phrases),
            lambda: [parse_recurrence(p) for p in phrases],
        )
    )
    start, end = TEN_YEARS
    rows.append(
        timed(
            "occurrences: 10 fiscal years of 1st/3rd/5th Wednesdays",
            lambda: occurrences(SEED_RULE, start, end),
        )
    )
    ThaiCalendar().holidays_between(start, end)  # warm the holiday cache, measured below too
    cold = ThaiCalendar(language="en_US")
    rows.append(
        timed(
            "holidays for 11 calendar years (cold, en_US)",
            lambda: cold.holidays_between(start, end),
        )
    )
    for policy in HolidayPolicy:
        rule = SeriesRule(SEED_RULE, policy=policy)
        rows.append(
            timed(
                f"meeting_calendar: 10 years, policy {policy.value}",
                lambda rule=rule: meeting_calendar(rule, start, end),
            )
        )
    meetings = meeting_calendar(SeriesRule(SEED_RULE, policy=HolidayPolicy.MOVE), start, end)
    rows.append(
        timed(
            "ICS feed of those 10 years",
            lambda: meetings_to_ics(
                meetings, series_name="ประชุมหัวหน้าส่วนราชการ", stamp=datetime(2022, 9, 1, tzinfo=UTC)
            ),
        )
    )
    print("| measurement | result |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
