"""Where a value is in the text a plan document was read from, for errors that name a line."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from tracker.errors import InvalidInput

PathItems = tuple[str | int, ...]


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
        found: yaml.Node | None = next(
            (value for key, value in node.value if key.value == step), None
        )
        return found
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        child: yaml.Node = node.value[step]
        return child
    return None


def format_path(where: PathItems) -> str:
    """("measures", 0, "tasks", 2, "start") -> "measures[0].tasks[2].start"."""
    text = ""
    for step in where:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text
