"""Benchmarks of the `schedules` library: reading periods, expanding meeting calendars.

Run: .venv/bin/python bench/bench_schedules.py
Prints a Markdown table; copy it into bench/README.md with the machine it ran on.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta

from schedules import Period, format_period, parse_period
from schedules.ics import meetings_to_ics
from schedules.meetings import HolidayPolicy, SeriesRule, meeting_calendar
from schedules.recurrence import occurrences, parse_recurrence
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


def rate(label: str, count: int, func) -> tuple[str, str]:
    started = time.perf_counter()
    func()
    elapsed = time.perf_counter() - started
    return label, f"{count / elapsed:,.0f} /s ({elapsed:.3f} s for {count:,})"


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
    rows.append(
        rate(
            "parse_period, formatted periods (th/en, full/abbr, digits)",
            len(texts),
            lambda: [parse_period(t) for t in texts],
        )
    )
    seed_like = ["พ.ย.๒๕๖๕", "ภายในเดือน ม.ค. - มี.ค. ๒๕๖๖", "ต.ค.๒๕๖๕ เป็นต้นไป", "ไตรมาสที่ ๒"] * 5_000
    rows.append(
        rate(
            "parse_period, the seed's own forms",
            len(seed_like),
            lambda: [parse_period(t, 2566) for t in seed_like],
        )
    )
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
