"""The values of a plan document: text people can have meant, finite numbers, clean names."""

from __future__ import annotations

import math
from typing import Any

from tracker.inputs import TextProblem, check_text, clean_name, clean_title
from tracker.plandoc.source import PathItems, SourceMap

_PLAIN_TYPES = (str, int, float, bool, type(None))


def check_values(data: Any, source: SourceMap) -> None:
    """Every value is JSON-shaped: text without control characters or lone surrogates,
    finite numbers, text keys. Iterative, so no depth can overflow the stack."""
    stack: list[tuple[Any, PathItems]] = [(data, ())]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise source.error(where, f"key {key!r} is not text")
                _check_string(key, where, source)
                stack.append((item, (*where, key)))
        elif isinstance(value, list):
            stack.extend((item, (*where, index)) for index, item in enumerate(value))
        elif isinstance(value, str):
            _check_string(value, where, source)
        elif isinstance(value, float) and not math.isfinite(value):
            raise source.error(where, f"{value} is not a number a plan document can hold")
        elif not isinstance(value, _PLAIN_TYPES):
            raise source.error(where, f"a {type(value).__name__} value is not allowed here")


def _check_string(text: str, where: PathItems, source: SourceMap) -> None:
    try:
        check_text(text)
    except TextProblem as problem:
        raise source.error(where, str(problem)) from None


# Where names and titles are, as paths with "*" for every entry of a list.
_NAMES: tuple[PathItems, ...] = (
    ("organization", "name"),
    ("units", "*", "name"),
    ("units", "*", "aliases", "*"),
    ("meeting_series", "*", "name"),
    ("assessment", "indicators", "*", "name"),
    ("measures", "*", "tasks", "*", "units", "*"),
    ("measures", "*", "tasks", "*", "follow_up"),
)
_TITLES: tuple[PathItems, ...] = (
    ("title",),
    ("measures", "*", "title"),
    ("measures", "*", "tasks", "*", "title"),
)


def clean_names(data: dict[str, Any], source: SourceMap) -> None:
    """Names and titles as stored: invisible characters and outer spaces gone (names also
    single-spaced); a blank one is an error at its line. Values of the wrong type are left
    for the schema to name."""
    for pattern, clean in [(p, clean_name) for p in _NAMES] + [(p, clean_title) for p in _TITLES]:
        for where, parent, key in _places(data, pattern):
            try:
                parent[key] = clean(parent[key])
            except TextProblem as problem:
                raise source.error(where, str(problem)) from None


def _places(data: Any, pattern: PathItems) -> list[tuple[PathItems, Any, str | int]]:
    """(path, container, key) of every string ``pattern`` reaches in ``data``."""
    found: list[tuple[PathItems, Any, str | int]] = []
    frontier: list[tuple[PathItems, Any]] = [((), data)]
    for position, step in enumerate(pattern):
        last = position == len(pattern) - 1
        following: list[tuple[PathItems, Any]] = []
        for where, value in frontier:
            keys: list[str | int] = []
            if step == "*" and isinstance(value, list):
                keys = list(range(len(value)))
            elif step != "*" and isinstance(value, dict) and step in value:
                keys = [step]
            for key in keys:
                child = value[key]
                if last and isinstance(child, str):
                    found.append(((*where, key), value, key))
                elif not last:
                    following.append(((*where, key), child))
        frontier = following
    return found
