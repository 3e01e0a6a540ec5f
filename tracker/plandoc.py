"""Reading, checking and writing plan documents (ita-tracker/plan@1) as JSON or YAML.

``read_plan_document(path)`` returns a document that is valid against
``tracker/schemas/plan.schema.json`` *and* internally consistent (task units name listed
units, follow-ups name listed series, dates are real dates in order, numbers are unique), or
raises :class:`~tracker.errors.InvalidInput` with one line: file, line, field, problem.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tracker.errors import InvalidInput
from tracker.textkey import lookup_key

SCHEMA_ID = "ita-tracker/plan@1"
SCHEMA_PATH = Path(__file__).parent / "schemas" / "plan.schema.json"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DOCUMENT_SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}

PathItems = tuple[str | int, ...]


class _PlanYamlLoader(yaml.SafeLoader):
    """YAML 1.1 without its surprises: dates stay strings, "9:00" is not the number 540."""


_PlanYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":timestamp", ":int"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PlanYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^[-+]?(0|[1-9][0-9_]*)$"),
    list("-+0123456789"),
)


@dataclass(frozen=True)
class SourceMap:
    """Finds the line of a value in the text a document was read from."""

    file: str
    root: yaml.Node | None

    def line_of(self, where: PathItems) -> int | None:
        """1-based line of the value at ``where``, or of its nearest ancestor that exists."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for step in where:
            node = _child(node, step)
            if node is None:
                break
            line = node.start_mark.line + 1
        return line

    def error(self, where: PathItems, problem: str) -> InvalidInput:
        """An InvalidInput saying file, line and field: "plan.yaml:34: measures[0]...: ..."."""
        line = self.line_of(where)
        place = f"{self.file}:{line}" if line else self.file
        field = format_path(where)
        return InvalidInput(f"{place}: {field + ': ' if field else ''}{problem}")


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        return next((value for key, value in node.value if key.value == step), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step]
    return None


def format_path(where: PathItems) -> str:
    """("measures", 0, "tasks", 2, "start") -> "measures[0].tasks[2].start"."""
    text = ""
    for step in where:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def document_format(path: Path) -> str:
    """ "json" or "yaml" from the file name; anything else is refused."""
    try:
        return DOCUMENT_SUFFIXES[path.suffix.lower()]
    except KeyError:
        raise InvalidInput(
            f"{path}: unknown plan file type {path.suffix or '(none)'!r}: "
            "use a .json, .yaml or .yml plan document"
        ) from None


def read_plan_document(path: Path) -> dict[str, Any]:
    """Read, parse and fully check a plan document file."""
    fmt = document_format(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InvalidInput(
            f"{path}:{line}: not UTF-8 text (byte {error.start}); save the file as UTF-8"
        ) from None
    return parse_plan_document(text, str(path), fmt)


def parse_plan_document(text: str, file: str, fmt: str) -> dict[str, Any]:
    """Parse ``text`` (json or yaml) and check it; ``file`` names it in error messages."""
    data = _parse(text, file, fmt)
    # YAML refuses tab indentation, JSON allows it; a raw tab can't be inside a JSON string,
    # so replacing tabs keeps every line number and lets the YAML composer find lines.
    source = SourceMap(file, _compose_quietly(text.replace("\t", " ") if fmt == "json" else text))
    if not isinstance(data, dict):
        raise InvalidInput(f"{file}: a plan document is a mapping, found {type(data).__name__}")
    check_plan_document(data, source)
    return data


def _parse(text: str, file: str, fmt: str) -> Any:
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidInput(f"{file}:{error.lineno}: not valid JSON: {error.msg}") from None
    try:
        return yaml.load(text, Loader=_PlanYamlLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise InvalidInput(f"{file}{line}: not valid YAML: {problem}") from None


def _compose_quietly(text: str) -> yaml.Node | None:
    """The YAML node tree (JSON is YAML too), used only to find line numbers."""
    try:
        return yaml.compose(text, Loader=_PlanYamlLoader)
    except yaml.YAMLError:
        return None


@cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date", raises=ValueError)(_is_iso_date)
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


def _is_iso_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _ISO_DATE.fullmatch(value):  # fromisoformat also takes "2022-W01-1" and "20221101"
        raise ValueError(f"{value!r} is not a date in YYYY-MM-DD form")
    try:
        date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a real date ({error})") from None
    return True


def check_plan_document(data: dict[str, Any], source: SourceMap) -> None:
    """Raise InvalidInput for the first problem found: schema first, then consistency."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: (len(e.path), list(e.path)))
    if errors:
        first = _most_specific(errors[0])
        raise source.error(tuple(first.absolute_path), _schema_message(first))
    _check_consistency(data, source)


def _most_specific(error: Any) -> Any:
    # oneOf/anyOf failures wrap the real reason; the deepest sub-error names the field.
    # Among equally deep ones, "not null" says less than why the non-null value is wrong.
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
    return error


def _schema_message(error: Any) -> str:
    if error.validator == "const" and list(error.absolute_path) == ["schema"]:
        return f"expected {SCHEMA_ID!r}, found {error.instance!r}"
    if error.validator == "required":
        return error.message.replace("is a required property", "is missing")
    if error.validator == "format":
        return str(error.cause) if error.cause else error.message
    return error.message


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


def _unique(entries: list[dict[str, Any]], field: str, where: PathItems, source: SourceMap) -> set:
    """The set of ``entry[field]`` values; a value that appears twice is an error."""
    seen: set = set()
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
        names = [("name", entry["name"])]
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
    from dateutil.rrule import rrulestr

    try:
        rrulestr(rule.removeprefix("RRULE:"), dtstart=None)
    except (ValueError, TypeError) as error:
        raise source.error(where, f"not a valid RRULE: {error}") from None


def dump_plan_document(document: dict[str, Any], fmt: str) -> str:
    """Serialise a document as JSON or YAML, Thai text kept readable (not \\u-escaped)."""
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    raise InvalidInput(f"unknown format {fmt!r}: use json or yaml")
