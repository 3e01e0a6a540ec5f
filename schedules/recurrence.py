"""Meeting rules: Thai meeting phrases to RFC 5545 RRULEs, and RRULEs back to Thai.

Expanding a rule into dates is :mod:`schedules.expansion` (re-exported here): the calendars
need only that, not the phrase reader.

"ทุกวันพุธ สัปดาห์ที่ ๑,๓ และ ๕ ของเดือน" -> "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE" -> "ทุกวันพุธที่ 1, 3
และ 5 ของเดือน". Rules are evaluated on the local calendar of the series' timezone, so a
meeting is always on the day and at the local time the rule says, across DST changes too.
"""

from __future__ import annotations

import re

from schedules.period_words import normalize, quoted
from schedules.recurrence_words import FROM_DAY, clean_with_offsets, find_phrase
from schedules.rrules import RecurrenceError, check_rrule

MAX_PHRASE_LENGTH = 1000  # a follow-up cell, never a page

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
THAI_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
ENGLISH_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_THAI_WEEKDAY_PATTERN = re.compile(r"(?:วัน)?(จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)")
_THAI_WEEKDAY_CODES = dict(zip(THAI_WEEKDAYS, WEEKDAYS, strict=True)) | {"พฤหัส": "TH"}
_NUMBER_LIST = r"\d+(?:\s*(?:,|และ|หรือ|&)\s*\d+)*"
_RAW_RULE = re.compile(r"(?i)(RRULE:)?FREQ=\S+")
_WORKING_DAYS = ",".join(WEEKDAYS[:5])
# "ทุก 2 อาทิตย์" is every 2 weeks; "ทุกวันอาทิตย์" is every Sunday.
_WEEKS_WORD = re.compile(r"(?<=ทุก)\s*\d*\s*อาทิตย์")
_PART_WORDS = {
    "ต้นเดือน": "first",
    "สิ้นเดือน": "last",
    "ปลายเดือน": "last",
    "กลางเดือน": "middle",
    "วันทำการแรก": "first",
    "วันทำการสุดท้าย": "last",
}
_PART_PATTERN = re.compile(r"ต้นเดือน|สิ้นเดือน|ปลายเดือน|กลางเดือน|วันทำการ\s*(?:แรก|สุดท้าย)")
_PART_POSITION = {"first": 1, "last": -1}
_FIRST_FROM_DAY = re.compile(rf"(?:แรก\s*)?{FROM_DAY.pattern}")
MIDDLE_WORKING_DAY_FROM = 15  # "กลางเดือน": the first working day on or after the 15th
MIDDLE_WEEKDAY_FROM = 12  # "วันพุธกลางเดือน": the Wednesday from the 12th to the 18th
# "เดือนละ 1 ครั้ง", "เดือนละครั้ง", "2 ครั้ง/เดือน": how often, with no day.
_HOW_OFTEN = re.compile(r"เดือนละ|ครั้ง\s*(?:/|ต่อ)\s*เดือน|สัปดาห์ละ|ปีละ")


# --- phrase -> RRULE ------------------------------------------------------------------------


def parse_recurrence(text: str) -> str:
    """Turn a Thai meeting phrase, or a raw RRULE, into an RRULE body ("FREQ=...").

    Understood: weekly days ("ทุกวันจันทร์", "ทุกวันอังคารและวันพฤหัสบดี", "ทุก 2 สัปดาห์
    วันจันทร์", "ทุกวันทำการ"), nth weekdays of the month ("ทุกวันพุธ สัปดาห์ที่ 1,3 และ 5 ของ
    เดือน", "ทุกวันพุธที่ 2 ของเดือน", "ทุกวันศุกร์แรก/สุดท้ายของเดือน"), days of the month
    ("ทุกวันที่ 5 ของเดือน", "ทุกวันที่ ๕", "ทุกวันสุดท้ายของเดือน"), "ทุกวัน" and "ทุก 2 วัน".

    Parts of the month (the project's reading; a meeting is on a working day):

    - "(ทุก)ต้นเดือน" = the first weekday (Mon-Fri) of each month,
      FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1; "(ทุก)วันทำการแรกของเดือน" says the same;
    - "(ทุก)สิ้นเดือน", "(ทุก)ปลายเดือน" = the last weekday, ...;BYSETPOS=-1
      ("วันทำการสุดท้ายของเดือน"); "ต้นเดือนและสิ้นเดือน" = both (BYSETPOS=1,-1);
    - "(ทุก)กลางเดือน" = the first weekday on or after the 15th,
      FREQ=MONTHLY;BYMONTHDAY=15,16,17;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;
      "วันทำการแรกตั้งแต่วันที่ N" the same from day N (N up to 26, so every month has it);
    - with a weekday: "ทุกวันพุธต้นเดือน" = "วันพุธแรกของเดือน" = BYDAY=1WE, "ทุกวันศุกร์สิ้นเดือน"
      = "วันศุกร์สุดท้ายของเดือน" = BYDAY=-1FR, "ทุกวันพุธกลางเดือน" = the Wednesday from the 12th
      to the 18th, FREQ=MONTHLY;BYMONTHDAY=12,13,14,15,16,17,18;BYDAY=WE ("วันพุธแรกตั้งแต่
      วันที่ N": from day N, N up to 22);
    - an explicit day or week wins over a part: "ทุกวันที่ 5 ต้นเดือน" is the 5th,
      "ทุกวันพุธที่ 2 ต้นเดือน" the second Wednesday.

    Without "ทุก" a phrase is read only when it says it is monthly: a part of the month
    ("ต้นเดือน"), or "ของเดือน" ("วันพุธแรกของเดือน"). A part or day before a month name or
    "นี้/หน้า" ("สิ้นเดือนเมษายน", "ต้นเดือนนี้") is one time, not a rule. The phrase may sit in a
    longer text (see :func:`find_recurrence`). A phrase that names weeks but no weekday, says
    how often but not when ("เดือนละ 1 ครั้ง", "ทุกเดือน"), or no rule at all, raises
    RecurrenceError.
    """
    found = find_recurrence(text)
    if found is None:
        raise RecurrenceError(f"cannot read meeting rule {quoted(text)}: {_missing_rule(text)}")
    return found[0]


def find_recurrence(text: str) -> tuple[str, int, int] | None:
    """The meeting rule a longer text names, and where its phrase is: (rrule, start, end).

    ``text[start:end]`` is the phrase (or raw RRULE) as written, in ``text``'s own positions:
    "รายงานผลในที่ประชุมประจำเดือนของ อบต. ทุกสิ้นเดือน" -> the span of "ทุกสิ้นเดือน"; what
    is before it names the meeting, what is after it ("ณ ห้องประชุม") is not part of the rule.
    None when the text has no phrase that says it recurs; RecurrenceError when its phrase is no
    rule meetings can follow ("ทุกเดือน", "ทุกวันพุธ สัปดาห์ที่ 6"). parse_recurrence(text)
    is the rule of find_recurrence(text), or the error that there is none.
    """
    if len(text) > MAX_PHRASE_LENGTH:
        raise RecurrenceError(
            f"cannot read meeting rule {quoted(text, 80)}: {len(text):,} characters is too "
            f"long for a meeting phrase ({MAX_PHRASE_LENGTH} at most)"
        )
    clean, starts, ends = clean_with_offsets(text)
    raw_rule = _RAW_RULE.search(clean)
    if raw_rule:  # "FREQ=…", or described back as "ตามกฎ FREQ=…" / "by the rule FREQ=…"
        rule = _validated_rrule(raw_rule.group(), text)
        return rule, starts[raw_rule.start()], ends[raw_rule.end() - 1]
    phrase = find_phrase(text)
    if phrase is None:
        return None
    return _validated_rrule(_phrase_to_rrule(phrase.clean, text), text), phrase.start, phrase.end


def _missing_rule(text: str) -> str:
    """Why a text with no phrase is not a rule, and what to write instead."""
    if _HOW_OFTEN.search(normalize(text)):
        return (
            "it says how often but not on which day: write the day, e.g. ทุกต้นเดือน, "
            "ทุกวันพุธแรกของเดือน or ทุกวันที่ 5 ของเดือน"
        )
    return (
        "expected a phrase starting with 'ทุก' (e.g. ทุกวันพุธ สัปดาห์ที่ 1 และ 3 ของเดือน, "
        "ทุกต้นเดือน) or an RRULE (FREQ=...)"
    )


def _validated_rrule(rule: str, original: str) -> str:
    """The rule body if meetings may follow it; a refusal quotes what the user wrote."""
    try:
        return check_rrule(rule)
    except RecurrenceError as error:
        if rule.strip() == original.strip():
            raise
        raise RecurrenceError(f"meeting phrase {quoted(original)} gives {error}") from None


def _phrase_to_rrule(phrase: str, original: str) -> str:
    """The rule of a phrase (rule words only, normalised), in the order of the docstring of
    parse_recurrence: weeks, a day to count from, days of the month, parts, weekdays, days."""
    named = _named_weekdays(phrase)
    working = "วันทำการ" in phrase
    # "(วันทำการแรก) ตั้งแต่วันที่ 15" is a bound, not a meeting day, week or month part.
    rest = _FIRST_FROM_DAY.sub(" ", phrase)
    parts = _month_parts(rest, original)
    from_day = _from_day(phrase, parts, bool(named) and not working, original)
    weekdays = list(WEEKDAYS[:5]) if working else named
    weeks = _week_ordinals(rest, original)
    if named and not working and not weeks:
        weeks = [_PART_POSITION[part] for part in sorted(parts) if part in _PART_POSITION]
    if weeks and not weekdays:
        raise RecurrenceError(
            f"meeting phrase {quoted(original)} names weeks ({', '.join(map(str, weeks))}) but no "
            "weekday: say which day, e.g. ทุกวันพุธ สัปดาห์ที่ 1 และ 3 ของเดือน"
        )
    interval = _interval(phrase)
    if from_day is not None:
        if weeks:
            raise RecurrenceError(
                f"meeting phrase {quoted(original)} names both weeks of the month and a day "
                "to count from: say one"
            )
        return _on_or_after(from_day, None if working or not named else named, interval)
    if weeks:
        by_day = ",".join(f"{week}{day}" for week in weeks for day in weekdays)
        return f"FREQ=MONTHLY{interval};BYDAY={by_day}"
    month_days = _month_days(rest, original)
    if month_days:
        return f"FREQ=MONTHLY{interval};BYMONTHDAY={','.join(map(str, month_days))}"
    if parts:
        positions = ",".join(str(_PART_POSITION[p]) for p in ("first", "last") if p in parts)
        return f"FREQ=MONTHLY{interval};BYDAY={_WORKING_DAYS};BYSETPOS={positions}"
    if weekdays:
        return f"FREQ=WEEKLY{interval};BYDAY={','.join(weekdays)}"
    if re.match(r"ทุก\s*(?:\d+\s*)?วัน(?!ที่|ทำการ)", phrase):
        return f"FREQ=DAILY{interval}"
    raise RecurrenceError(
        f"cannot read meeting rule {quoted(original)}: it names no weekday or day of the month"
    )


def _named_weekdays(phrase: str) -> list[str]:
    """The weekdays a phrase names, in order, without repeats; the อาทิตย์ of "ทุก 2 อาทิตย์"
    is a week, not Sunday."""
    phrase = _WEEKS_WORD.sub(" ", phrase)
    codes = [_THAI_WEEKDAY_CODES[name] for name in _THAI_WEEKDAY_PATTERN.findall(phrase)]
    return list(dict.fromkeys(codes))


def _month_parts(phrase: str, original: str) -> set[str]:
    """ "first", "last" and/or "middle": the parts of the month a phrase names."""
    parts = {_PART_WORDS[word.replace(" ", "")] for word in _PART_PATTERN.findall(phrase)}
    if "middle" in parts and len(parts) > 1:
        raise RecurrenceError(
            f"meeting phrase {quoted(original)} names the middle of the month and another "
            "part: a rule has one, or the start and the end (ต้นเดือนและสิ้นเดือน)"
        )
    return parts


def _from_day(phrase: str, parts: set[str], by_weekday: bool, original: str) -> int | None:
    """The day of the month a meeting is on or after: "ตั้งแต่วันที่ 15", or the middle of the
    month (the 15th for a working day, the 12th for a named weekday, so 12-18 holds one)."""
    found = {int(day) for day in FROM_DAY.findall(phrase)}
    middle = MIDDLE_WEEKDAY_FROM if by_weekday else MIDDLE_WORKING_DAY_FROM
    if "middle" in parts:
        found.add(middle)
    if not found:
        return None
    if len(found) > 1:
        days = " and ".join(str(day) for day in sorted(found))
        raise RecurrenceError(
            f"meeting phrase {quoted(original)} counts from two days of the month ({days})"
        )
    (day,) = found
    latest = 28 - (6 if by_weekday else 2)  # every month has the days the rule looks at
    if not 1 <= day <= latest:
        raise RecurrenceError(
            f"meeting phrase {quoted(original)}: counting from day {day} of the month, some "
            f"months have no meeting (1 to {latest})"
        )
    return day


def _on_or_after(day: int, weekdays: list[str] | None, interval: str) -> str:
    """The first working day on or after ``day`` (``weekdays`` None), or the ``weekdays`` in
    the seven days from ``day``."""
    if weekdays is None:
        days = ",".join(str(d) for d in range(day, day + 3))  # a weekday is within 3 days
        return f"FREQ=MONTHLY{interval};BYMONTHDAY={days};BYDAY={_WORKING_DAYS};BYSETPOS=1"
    days = ",".join(str(d) for d in range(day, day + 7))
    return f"FREQ=MONTHLY{interval};BYMONTHDAY={days};BYDAY={','.join(weekdays)}"


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def _week_ordinals(phrase: str, original: str) -> list[int]:
    """Which weeks of the month: "สัปดาห์ที่ 1,3 และ 5", "วันพุธที่ 2", "แรก", "สุดท้าย"."""
    weeks: list[int] = []
    for match in re.finditer(rf"สัปดาห์\s*ที่\s*({_NUMBER_LIST})", phrase):
        weeks += _numbers(match.group(1))
    for match in re.finditer(rf"{_THAI_WEEKDAY_PATTERN.pattern}\s*ที่\s*({_NUMBER_LIST})", phrase):
        weeks += _numbers(match.group(2))
    if re.search(rf"{_THAI_WEEKDAY_PATTERN.pattern}\s*แรก", phrase) or re.search(
        r"สัปดาห์\s*แรก", phrase
    ):
        weeks.append(1)
    if re.search(rf"{_THAI_WEEKDAY_PATTERN.pattern}\s*สุดท้าย", phrase) or re.search(
        r"สัปดาห์\s*สุดท้าย", phrase
    ):
        weeks.append(-1)
    for week in weeks:
        if week == 0 or not -5 <= week <= 5:
            raise RecurrenceError(
                f"meeting phrase {quoted(original)}: week {week} of a month does not exist "
                "(1 to 5, or last)"
            )
    return sorted(set(weeks), key=lambda w: (w < 0, w))


def _month_days(phrase: str, original: str) -> list[int]:
    days: list[int] = []
    for match in re.finditer(rf"วันที่\s*({_NUMBER_LIST})", phrase):
        days += _numbers(match.group(1))
    if re.search(r"วันสุดท้ายของ(?:ทุก)?เดือน", phrase):
        days.append(-1)
    for day in days:
        if day == 0 or not -31 <= day <= 31:
            raise RecurrenceError(
                f"meeting phrase {quoted(original)}: day {day} of a month does not exist "
                "(1 to 31, or last)"
            )
    return sorted(set(days), key=lambda d: (d < 0, d))


def _interval(phrase: str) -> str:
    match = re.search(r"ทุก\s*(\d+)\s*(?:สัปดาห์|อาทิตย์|เดือน|วัน)", phrase)
    if match and int(match.group(1)) > 1:
        return f";INTERVAL={int(match.group(1))}"
    return ""


# --- RRULE -> words ---------------------------------------------------------------------------


def _rule_parts(rrule: str) -> dict[str, str]:
    parts = {}
    for item in re.sub(r"(?i)^RRULE:", "", rrule).upper().split(";"):
        if "=" in item:
            key, value = item.split("=", 1)
            parts[key] = value
    return parts


def _join(items: list[str], lang: str, *, thai_words: bool = False) -> str:
    """ "1, 3 และ 5" / "1, 3 and 5"; Thai words join without spaces: "วันอังคารและวันพุธ"."""
    if len(items) == 1:
        return items[0]
    if lang == "th" and thai_words:
        return (
            "".join(items[:-1]) + "และ" + items[-1]
            if len(items) == 2
            else (", ".join(items[:-1]) + " และ" + items[-1])
        )
    word = "และ" if lang == "th" else "and"
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _ordinal(number: int) -> str:
    if number == -1:
        return "last"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number if number < 20 else number % 10, "th")
    return f"{number}{suffix}"


def describe_recurrence(rrule: str, lang: str = "th") -> str:
    """Say an RRULE back in words: "ทุกวันพุธที่ 1, 3 และ 5 ของเดือน".

    parse_recurrence(describe_recurrence(rule)) gives the same dates as ``rule`` for every
    rule parse_recurrence can produce; other rules are described as the RRULE itself.
    """
    parts = _rule_parts(rrule)
    freq, interval = parts.get("FREQ"), int(parts.get("INTERVAL", "1"))
    extra = set(parts) - {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "WKST"}
    described = None if extra else _describe(freq, interval, parts, lang)
    if described is None:
        prefix = "ตามกฎ" if lang == "th" else "by the rule"
        return f"{prefix} {re.sub(r'(?i)^RRULE:', '', rrule).upper()}"
    return described


def _describe(freq: str | None, interval: int, parts: dict[str, str], lang: str) -> str | None:
    by_day = [d for d in parts.get("BYDAY", "").split(",") if d]
    month_days = [int(d) for d in parts.get("BYMONTHDAY", "").split(",") if d]
    if freq == "MONTHLY" and ("BYSETPOS" in parts or (by_day and month_days)):
        return _describe_month_part(by_day, month_days, parts.get("BYSETPOS"), interval, lang)
    if "BYSETPOS" in parts:
        return None
    if freq == "MONTHLY" and by_day and not month_days:
        return _describe_monthly_weekdays(by_day, interval, lang)
    if freq == "MONTHLY" and month_days and not by_day:
        return _describe_month_days(month_days, interval, lang)
    if freq == "WEEKLY" and by_day and all(d in WEEKDAYS for d in by_day) and not month_days:
        return _describe_weekly(by_day, interval, lang)
    if freq == "DAILY" and not by_day and not month_days:
        if lang == "th":
            return "ทุกวัน" if interval == 1 else f"ทุก {interval} วัน"
        return "every day" if interval == 1 else f"every {interval} days"
    return None


def _describe_month_part(
    by_day: list[str], month_days: list[int], positions: str | None, interval: int, lang: str
) -> str | None:
    """The rules of the parts of the month (see parse_recurrence), said so they read back."""
    said = _month_part_words(by_day, month_days, positions)
    if said is None:
        return None
    thai, english = said
    if interval == 1:
        return thai if lang == "th" else english
    if lang == "th":
        return f"{thai} ทุก {interval} เดือน"
    return english.replace("of the month", f"of every {interval} months")


def _month_part_words(
    by_day: list[str], month_days: list[int], positions: str | None
) -> tuple[str, str] | None:
    """(Thai, English) for a working-day part or a weekday counted from a day; None else."""
    runs_on = bool(month_days) and month_days == list(
        range(month_days[0], month_days[0] + len(month_days))
    )
    if by_day == list(WEEKDAYS[:5]) and positions is not None:
        if not month_days:
            return _WORKING_DAY_PARTS.get(positions)
        if positions == "1" and runs_on and len(month_days) == 3:
            return _working_day_from(month_days[0])
        return None
    single_weekday = len(by_day) == 1 and by_day[0] in WEEKDAYS
    if positions is None and single_weekday and runs_on and len(month_days) == 7:
        return _weekday_from(by_day[0], month_days[0])
    return None


_WORKING_DAY_PARTS = {
    "1": ("ทุกต้นเดือน (วันทำการแรกของเดือน)", "the first weekday of the month"),
    "-1": ("ทุกสิ้นเดือน (วันทำการสุดท้ายของเดือน)", "the last weekday of the month"),
    "1,-1": (
        "ทุกต้นเดือนและสิ้นเดือน (วันทำการแรกและวันทำการสุดท้ายของเดือน)",
        "the first and the last weekday of the month",
    ),
}


def _working_day_from(day: int) -> tuple[str, str]:
    english = f"the first weekday on or after the {_ordinal(day)} of the month"
    if day == MIDDLE_WORKING_DAY_FROM:
        return f"ทุกกลางเดือน (วันทำการแรกตั้งแต่วันที่ {day})", english
    return f"ทุกวันทำการแรกตั้งแต่วันที่ {day} ของเดือน", english


def _weekday_from(code: str, day: int) -> tuple[str, str]:
    name = f"วัน{_weekday_name(code, 'th')}"
    english = f"the first {_weekday_name(code, 'en')} on or after the {_ordinal(day)} of the month"
    if day == MIDDLE_WEEKDAY_FROM:
        return f"ทุก{name}กลางเดือน ({name}แรกตั้งแต่วันที่ {day})", english
    return f"ทุก{name}แรกตั้งแต่วันที่ {day} ของเดือน", english


def _weekday_name(code: str, lang: str) -> str:
    index = WEEKDAYS.index(code)
    return THAI_WEEKDAYS[index] if lang == "th" else ENGLISH_WEEKDAYS[index]


def _describe_weekly(days: list[str], interval: int, lang: str) -> str:
    if lang == "th":
        if days == list(WEEKDAYS[:5]) and interval == 1:
            return "ทุกวันทำการ"
        names = _join([f"วัน{_weekday_name(d, lang)}" for d in days], lang, thai_words=True)
        return f"ทุก{names}" if interval == 1 else f"ทุก {interval} สัปดาห์ {names}"
    names = _join([_weekday_name(d, lang) for d in days], lang)
    return f"every {names}" if interval == 1 else f"every {interval} weeks on {names}"


def _describe_monthly_weekdays(by_day: list[str], interval: int, lang: str) -> str | None:
    grouped: dict[str, list[int]] = {}
    for item in by_day:
        match = re.fullmatch(r"([+-]?\d+)([A-Z]{2})", item)
        if match is None or match.group(2) not in WEEKDAYS:
            return None
        grouped.setdefault(match.group(2), []).append(int(match.group(1)))
    if len(grouped) != 1:
        return None  # "1st Monday and 3rd Wednesday" has no phrase parse_recurrence reads back
    ((day, weeks),) = grouped.items()
    every = "" if interval == 1 else (f" ทุก {interval} เดือน" if lang == "th" else "")
    if lang == "th":
        name = f"วัน{_weekday_name(day, lang)}"
        positive = sorted(w for w in weeks if w > 0)
        if any(w < -1 for w in weeks):
            return None
        if not positive:
            return f"ทุก{name}สุดท้ายของเดือน{every}"
        numbered = f"ทุก{name}ที่ {_join([str(w) for w in positive], lang)}"
        if -1 in weeks:
            return f"{numbered} และ{name}สุดท้ายของเดือน{every}"
        return f"{numbered} ของเดือน{every}"
    if any(w < -1 for w in weeks):
        return None
    ordinals = _join([_ordinal(w) for w in sorted(weeks, key=lambda w: (w < 0, w))], lang)
    months = "the month" if interval == 1 else f"every {interval} months"
    return f"every {ordinals} {_weekday_name(day, lang)} of {months}"


def _describe_month_days(days: list[int], interval: int, lang: str) -> str | None:
    if any(d < -1 for d in days):
        return None
    every = "" if interval == 1 else f" ทุก {interval} เดือน"
    positive = [d for d in days if d > 0]
    if lang == "th":
        text = f"ทุกวันที่ {_join([str(d) for d in positive], lang)} ของเดือน" if positive else ""
        if -1 in days:
            text = f"{text} และวันสุดท้ายของเดือน" if text else "ทุกวันสุดท้ายของเดือน"
        return text + every
    items = [_ordinal(d) for d in positive] + (["last day"] if -1 in days else [])
    months = "the month" if interval == 1 else f"every {interval} months"
    return f"the {_join(items, lang)} of {months}"
