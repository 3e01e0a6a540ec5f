"""Reading, checking and writing plan documents (ita-tracker/plan@1) as JSON or YAML.

``read_plan_document(path)`` returns a document that is valid against
``tracker/schemas/plan.schema.json`` *and* internally consistent (task units name listed
units, follow-ups name listed series, dates are real dates in order, numbers are unique), or
raises :class:`~tracker.errors.InvalidInput` with one line: file, line, field, problem.

The parts: ``syntax`` (JSON and YAML, guarded against aliases, duplicate keys and deep
nesting), ``source`` (where a value is in the text), ``values`` (text, numbers, names) and
``rules`` (the schema and consistency).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from tracker.errors import InvalidInput
from tracker.inputs import read_input_file
from tracker.limits import DEFAULT_MAX_BYTES
from tracker.plandoc.rules import SCHEMA_ID, SCHEMA_PATH, check_plan_document
from tracker.plandoc.source import PathItems, SourceMap, format_path
from tracker.plandoc.syntax import DocumentProblem, parse_syntax

DOCUMENT_SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}

__all__ = [
    "DOCUMENT_SUFFIXES",
    "SCHEMA_ID",
    "SCHEMA_PATH",
    "PathItems",
    "SourceMap",
    "check_plan_document",
    "document_format",
    "dump_plan_document",
    "format_path",
    "parse_plan_document",
    "read_plan_document",
]


def document_format(path: Path) -> str:
    """ "json" or "yaml" from the file name; anything else is refused."""
    try:
        return DOCUMENT_SUFFIXES[path.suffix.lower()]
    except KeyError:
        raise InvalidInput(
            f"{path}: unknown plan file type {path.suffix or '(none)'!r}: "
            "use a .json, .yaml or .yml plan document"
        ) from None


def read_plan_document(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Read, parse and fully check a plan document file of at most ``max_bytes``."""
    fmt = document_format(path)
    text = read_input_file(path, max_bytes=max_bytes, what="plan document")
    return parse_plan_document(text, str(path), fmt)


def parse_plan_document(text: str, file: str, fmt: str) -> dict[str, Any]:
    """Parse ``text`` (json or yaml) and check it; ``file`` names it in error messages.

    Every check runs before anything is returned (nothing is half read): the syntax, then
    aliases, duplicate keys and nesting (while composing), then every value's text and
    numbers, the names and titles (cleaned of invisible characters, refused when blank),
    the schema, and the consistency of the whole.
    """
    try:
        data, root = parse_syntax(text, file, fmt)
    except DocumentProblem as problem:
        place = f"{file}:{problem.line}" if problem.line else file
        raise InvalidInput(f"{place}: {problem}") from None
    if not isinstance(data, dict):
        raise InvalidInput(f"{file}: a plan document is a mapping, found {type(data).__name__}")
    check_plan_document(data, SourceMap(file, root))
    return data


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a value shared by two places twice: plan documents never hold aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_plan_document(document: dict[str, Any], fmt: str) -> str:
    """Serialise a document as JSON or YAML, Thai text kept readable (not \\u-escaped)."""
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        return yaml.dump(
            document, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, width=100
        )
    raise InvalidInput(f"unknown format {fmt!r}: use json or yaml")
