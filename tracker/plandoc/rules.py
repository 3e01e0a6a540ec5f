"""The rules of a plan document: its JSON Schema, then the consistency of the whole."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from tracker.plandoc.source import PathItems, SourceMap, format_path
from tracker.plandoc.values import check_values, clean_names
from tracker.textkey import lookup_key

SCHEMA_ID = "ita-tracker/plan@1"
SCHEMA_PATH = Path(__file__).parent.parent / "schemas" / "plan.schema.json"
BE_YEARS_FROM = 2400  # a four-digit year from here on is Buddhist-era (domain.md §3)
BE_OFFSET = 543
FIRST_PLAN_YEAR = 1900
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@cache
def _validator() -> Any:
    """The schema's reference validator (jsonschema): it finds and words every error."""
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date", raises=ValueError)(_is_iso_date)
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


@cache
def _quick_check() -> Any:
    """The same schema compiled by jsonschema-rs (Rust): 30 to 40 times faster on a large plan,
    so a valid document, the usual case, is passed without the reference validator. It only
    says valid or not; a document it refuses goes to :func:`_validator`, which has the last
    word and the wording. Where the two engines differ (Rust's ``$`` does not match before a
    final newline, as Python's does), jsonschema-rs is the stricter one, so the difference
    costs time, never a wrong document let through (tests/test_plandoc_schema_engines.py)."""
    import jsonschema_rs

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(
        schema, formats={"date": _is_date_text}, validate_formats=True
    )


def _is_date_text(value: str) -> bool:
    try:
        return _is_iso_date(value)
    except ValueError:
        return False


def _is_iso_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _ISO_DATE.fullmatch(value):  # fromisoformat also takes "2022-W01-1" and "20221101"
        raise ValueError(f"{value!r} is not a date in YYYY-MM-DD form")
    year = int(value[:4])
    if year >= BE_YEARS_FROM:
        raise ValueError(
            f"{value!r} has a Buddhist-era year: dates in a plan document are ISO, with CE "
            f"years ({year - BE_OFFSET}{value[4:]})"
        )
    if year < FIRST_PLAN_YEAR:
        raise ValueError(f"{value!r} is before {FIRST_PLAN_YEAR}: not a date of a plan")
    try:
        date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a real date ({error})") from None
    return True


def check_plan_document(data: dict[str, Any], source: SourceMap) -> None:
    """Raise InvalidInput for the first problem found, whatever read the document.

    In order: every value's text and numbers, the names and titles (cleaned in place of
    invisible characters; blank ones refused), the schema, then consistency.
    """
    check_values(data, source)
    clean_names(data, source)
    if not _quick_check().is_valid(data):
        _raise_schema_error(data, source)
    _check_consistency(data, source)


def _raise_schema_error(data: dict[str, Any], source: SourceMap) -> None:
    """The reference validator's first error, with its line, if it finds one."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: (len(e.path), list(e.path)))
    if errors:
        first = _most_specific(errors[0])
        raise source.error(tuple(first.absolute_path), _schema_message(first))


def _most_specific(error: Any) -> Any:
    # oneOf/anyOf failures wrap the real reason; the deepest sub-error names the field.
    # Among equally deep ones, "not null" says less than why the non-null value is wrong.
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
    return error


def _schema_message(error: Any) -> str:
    message: str = error.message  # jsonschema's ValidationError (the package has no types)
    if error.validator == "const" and list(error.absolute_path) == ["schema"]:
        return f"expected {SCHEMA_ID!r}, found {error.instance!r}"
    if error.validator == "required":
        return message.replace("is a required property", "is missing")
    if error.validator == "format":
        return str(error.cause) if error.cause else message
    return message


def _check_consistency(data: dict[str, Any], source: SourceMap) -> None:
    unit_keys = _names_by_key(data.get("units", []), source, "units", with_aliases=True)
    series_keys = _names_by_key(data.get("meeting_series", []), source, "meeting_series")
    assessment = data.get("assessment") or {}
    item_codes = _unique(assessment.get("items", []), "code", ("assessment", "items"), source)
    _unique(assessment.get("indicators", []), "number", ("assessment", "indicators"), source)
    for m, measure in enumerate(data["measures"]):
        for i, code in enumerate(measure.get("items", [])):
            if code not in item_codes:
                raise source.error(
                    ("measures", m, "items", i),
                    f"item {code!r} is not among assessment.items",
                )
        _check_tasks(measure["tasks"], ("measures", m, "tasks"), unit_keys, series_keys, source)
    for s, series in enumerate(data.get("meeting_series", [])):
        _check_series(series, ("meeting_series", s), source)
        _check_addresses(series.get("recipients", []), ("meeting_series", s, "recipients"), source)
    for u, unit in enumerate(data.get("units", [])):
        _check_addresses(unit.get("contacts", []), ("units", u, "contacts"), source)


def _check_addresses(entries: list[dict[str, Any]], where: PathItems, source: SourceMap) -> None:
    """Every contact names a registered channel (the schema only checks the spelling, so that
    a new transport needs no schema edit) and an address that channel can deliver to
    (tracker.notify.addresses)."""
    from tracker.inputs import TextProblem
    from tracker.notify.addresses import check_channel, contact_problem

    for index, entry in enumerate(entries):
        try:
            check_channel(entry["channel"])
        except TextProblem as unknown:
            raise source.error((*where, index, "channel"), str(unknown)) from None
        problem = contact_problem(entry["channel"], entry["address"])
        if problem is not None:
            raise source.error((*where, index, "address"), problem)


def _unique(
    entries: list[dict[str, Any]], field: str, where: PathItems, source: SourceMap
) -> set[object]:
    """The set of ``entry[field]`` values; a value that appears twice is an error."""
    seen: set[object] = set()
    for index, entry in enumerate(entries):
        value = entry[field]
        if value in seen:
            raise source.error((*where, index, field), f"{value!r} is listed twice")
        seen.add(value)
    return seen


def _check_series(series: dict[str, Any], where: PathItems, source: SourceMap) -> None:
    _check_rrule(series["rrule"], (*where, "rrule"), source)
    if "timezone" in series:
        _check_timezone(series["timezone"], (*where, "timezone"), source)
    exceptions = series.get("exceptions", [])
    _unique(exceptions, "date", (*where, "exceptions"), source)
    for e, exception in enumerate(exceptions):
        if exception.get("cancelled") and exception.get("moved_to"):
            raise source.error(
                (*where, "exceptions", e, "moved_to"),
                "a meeting is either cancelled or moved, not both",
            )


def _check_timezone(name: str, where: PathItems, source: SourceMap) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise source.error(where, f"unknown time zone {name!r} (e.g. Asia/Bangkok)") from None


def _names_by_key(
    entries: list[dict[str, Any]], source: SourceMap, field: str, with_aliases: bool = False
) -> set[str]:
    seen: dict[str, PathItems] = {}
    for index, entry in enumerate(entries):
        names: list[tuple[str | tuple[str, int], str]] = [("name", entry["name"])]
        if with_aliases:
            names += [(("aliases", a), alias) for a, alias in enumerate(entry.get("aliases", []))]
        for subpath, name in names:
            where = (field, index, *(subpath if isinstance(subpath, tuple) else (subpath,)))
            key = lookup_key(name)
            if key in seen:
                raise source.error(
                    where, f"{name!r} is listed twice (also at {format_path(seen[key])})"
                )
            seen[key] = where
    return set(seen)


def _check_tasks(
    tasks: list[dict[str, Any]],
    where: PathItems,
    unit_keys: set[str],
    series_keys: set[str],
    source: SourceMap,
) -> None:
    numbers: set[int] = set()
    for t, task in enumerate(tasks):
        here = (*where, t)
        if task["number"] in numbers:
            raise source.error((*here, "number"), f"task number {task['number']} is used twice")
        numbers.add(task["number"])
        for u, unit in enumerate(task.get("units", [])):
            if lookup_key(unit) not in unit_keys:
                raise source.error((*here, "units", u), f"unit {unit!r} is not listed in units")
        follow_up = task.get("follow_up")
        if follow_up is not None and lookup_key(follow_up) not in series_keys:
            raise source.error(
                (*here, "follow_up"), f"meeting series {follow_up!r} is not in meeting_series"
            )
        start, end = task.get("start"), task.get("end")
        if start and end and date.fromisoformat(start) > date.fromisoformat(end):
            raise source.error((*here, "end"), f"ends ({end}) before it starts ({start})")
        _check_status_percent(task, here, source)


def _check_status_percent(task: dict[str, Any], here: PathItems, source: SourceMap) -> None:
    status, percent = task.get("status", "not_started"), task.get("percent")
    if percent is None:
        return
    if status == "done" and percent != 100:
        raise source.error((*here, "percent"), f"a done task is 100 percent done, not {percent}")
    if status != "done" and percent == 100:
        raise source.error((*here, "percent"), f"100 percent done but status is {status!r}")
    if status == "not_started" and percent != 0:
        raise source.error((*here, "percent"), f"{percent} percent done but status is not_started")


def _check_rrule(rule: str, where: PathItems, source: SourceMap) -> None:
    from schedules.rrules import RecurrenceError, check_rrule

    try:
        check_rrule(rule)
    except RecurrenceError as error:
        raise source.error(where, f"not a valid RRULE: {error}") from None
