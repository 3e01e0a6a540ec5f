"""The syntax of a plan document: JSON or YAML, read into data and a node tree for lines.

YAML is composed under a guard that refuses what no plan document needs and what can
exhaust a machine: aliases (a few hundred bytes of them expand to gigabytes), nesting beyond
MAX_DOCUMENT_DEPTH, and a mapping key written twice (YAML would keep the last silently).
libyaml's C parser does the scanning when PyYAML has it.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Protocol

import yaml
from yaml.constructor import SafeConstructor

from tracker.errors import InvalidInput
from tracker.limits import MAX_DOCUMENT_DEPTH


class _PlanResolver(yaml.resolver.Resolver):
    """YAML 1.1 without its surprises: dates stay strings, "9:00" is not the number 540."""


_PlanResolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":timestamp", ":int"))]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_PlanResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^[-+]?(0|[1-9][0-9_]*)$"),
    list("-+0123456789"),
)


class DocumentProblem(ValueError):
    """A document that is not read at all: an alias, a key twice, nesting too deep."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line


class _GuardedComposer(yaml.composer.Composer):
    """Composes a node tree, refusing aliases, deep nesting and keys written twice."""

    _depth = 0

    if TYPE_CHECKING:  # the parser this composer is mixed with provides it

        def peek_event(self) -> yaml.Event | None: ...

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise DocumentProblem(
                _line(event.start_mark),
                f"YAML aliases (*{event.anchor}) are not allowed in a plan document: "
                "write the value out",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DOCUMENT_DEPTH:
                raise DocumentProblem(
                    _line(event.start_mark if event is not None else None),
                    f"nested more than {MAX_DOCUMENT_DEPTH} levels deep; a plan document is not",
                )
            # PyYAML's stub says the index is an int; a mapping passes the key's node.
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self._depth -= 1

    # PyYAML's stub types the anchor as a dict; it is the event's anchor name, or None.
    def compose_mapping_node(self, anchor: str | None) -> yaml.MappingNode:  # type: ignore[override]
        node = super().compose_mapping_node(anchor)  # type: ignore[arg-type]
        seen: dict[str, int | None] = {}
        for key, _value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            if key.value in seen:
                raise DocumentProblem(
                    _line(key.start_mark),
                    f"key {key.value!r} is written twice in one mapping (also on line "
                    f"{seen[key.value]}); keep one",
                )
            seen[key.value] = _line(key.start_mark)
        return node


class _Mark(Protocol):
    """A place in the text: PyYAML's Mark, or libyaml's."""

    line: int  # 0-based


def _line(mark: _Mark | None) -> int | None:
    return mark.line + 1 if mark is not None else None


if yaml.__with_libyaml__:  # libyaml's parser (C, ~7x faster) under the guarded composer
    from yaml._yaml import CParser  # what yaml.cyaml's loaders are made of

    class _PlanLoader(_GuardedComposer, CParser, SafeConstructor, _PlanResolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _GuardedComposer.__init__(self)
            SafeConstructor.__init__(self)
            _PlanResolver.__init__(self)

else:  # pragma: no cover - PyYAML without libyaml

    class _PlanLoader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        _GuardedComposer,
        SafeConstructor,
        _PlanResolver,
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            _GuardedComposer.__init__(self)
            SafeConstructor.__init__(self)
            _PlanResolver.__init__(self)


def parse_syntax(text: str, file: str, fmt: str) -> tuple[Any, yaml.Node | None]:
    """The data and its node tree (for line numbers); JSON is read by the JSON parser, and
    composed as YAML only to find lines (a JSON text YAML cannot compose has no lines)."""
    if fmt == "json":
        # YAML refuses tab indentation, JSON allows it; a raw tab can't be inside a JSON
        # string, so replacing tabs keeps every line number and lets the composer find lines.
        root = _compose(text.replace("\t", " "), file, quietly=True)
        return _parse_json(text, file), root
    root = _compose(text, file, quietly=False)
    if root is None:
        return None, None
    return _PlanLoader("").construct_document(root), root


def _parse_json(text: str, file: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{file}:{error.lineno}: not valid JSON: {error.msg}") from None
    except RecursionError:
        raise DocumentProblem(None, f"nested more than {MAX_DOCUMENT_DEPTH} levels deep") from None


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise DocumentProblem(None, f"key {key!r} is written twice in one object; keep one")
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise DocumentProblem(None, f"{name} is not a number a plan document can hold")


def _compose(text: str, file: str, *, quietly: bool) -> yaml.Node | None:
    """The node tree of ``text`` under the guarded composer; with ``quietly``, a text YAML
    cannot read gives None (its lines are unknown) instead of an error."""
    try:
        return _PlanLoader(text).get_single_node()
    except yaml.YAMLError as error:
        if quietly:
            return None
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise InvalidInput(f"{file}{line}: not valid YAML: {problem}") from None
    except RecursionError:
        raise DocumentProblem(None, f"nested more than {MAX_DOCUMENT_DEPTH} levels deep") from None
