"""ITA assessment frameworks (indicators, tool weights, grade bands, result labels), read
from data.

The NACC changes the framework every few years; each version is an entry of
``tracker/data/ita-frameworks.json`` covering a range of assessment years, so supporting a new
year is a data change, not a code change. What an entry assumes without a checked source is
listed in its ``unconfirmed`` fields, and reports say so beside that year's results.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "ita-frameworks.json"


@dataclass(frozen=True)
class Indicator:
    number: int
    name: str
    tool: str
    name_en: str = ""

    def title(self, lang: str) -> str:
        """The indicator's name in ``lang`` (Thai when it has no English name)."""
        return self.name_en if lang != "th" and self.name_en else self.name


@dataclass(frozen=True)
class Tool:
    """An assessment tool (IIT, EIT, OIT) and its name in both languages."""

    code: str
    name: str
    name_en: str

    def title(self, lang: str) -> str:
        return self.name if lang == "th" else self.name_en


@dataclass(frozen=True)
class Label:
    """A result label (ผ่าน, ผ่านดีเยี่ยม ...) and the scores it needs: the overall at least
    ``min_overall`` and, when ``min_each_tool`` is set, every tool's score at least that."""

    name: str
    name_en: str
    min_overall: float
    min_each_tool: float | None = None

    def title(self, lang: str) -> str:
        return self.name if lang == "th" else self.name_en


@dataclass(frozen=True)
class Unconfirmed:
    """A field of a framework entry that rests on an assumption, and why."""

    field: str
    reason: str


@dataclass(frozen=True)
class Framework:
    first_year: int
    last_year: int
    indicators: tuple[Indicator, ...]
    weights: dict[str, float]
    grades: tuple[tuple[str, float], ...]  # (grade, minimum score), best first
    labels: tuple[Label, ...] = ()  # best first; empty: the years report no label
    unconfirmed: tuple[Unconfirmed, ...] = ()
    basis: str = ""

    @property
    def tools(self) -> tuple[str, ...]:
        """The tool codes, in the order of the weights (IIT, EIT, OIT)."""
        return tuple(self.weights)

    def indicator(self, number: int) -> Indicator | None:
        return next((i for i in self.indicators if i.number == number), None)

    def indicators_of(self, tool: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.tool == tool)

    def overall(self, scores: Mapping[int, float]) -> float | None:
        """The weighted overall score: each tool's mean times its weight, to 2 decimals.

        None unless every indicator has a score.
        """
        if any(i.number not in scores for i in self.indicators):
            return None
        total = 0.0
        for tool, weight in self.weights.items():
            total += weight * self._mean(tool, scores)
        return round(total + 1e-9, 2)

    def tool_scores(self, scores: Mapping[int, float]) -> dict[str, float]:
        """Each tool's score, the mean of its indicators to 2 decimals, for the tools whose
        indicators all have a score (IIT 99.92 for the seed)."""
        return {
            tool: round(self._mean(tool, scores) + 1e-9, 2)
            for tool in self.tools
            if all(i.number in scores for i in self.indicators_of(tool))
        }

    def _mean(self, tool: str, scores: Mapping[int, float]) -> float:
        numbers = [i.number for i in self.indicators_of(tool)]
        return sum(scores[n] for n in numbers) / len(numbers)

    def grade(self, score: float) -> str:
        """The grade band a score falls in."""
        for grade, minimum in self.grades:
            if score >= minimum:
                return grade
        return self.grades[-1][0]

    def rating(self, overall: float, tool_scores: Mapping[str, float]) -> Label | None:
        """The first label whose minimums ``overall`` and ``tool_scores`` (as reported, to 2
        decimals) meet; None for years without labels.

        A ValueError when the answer depends on a tool score that is not given: with an
        overall of 96 and no EIT score, ผ่านดีเยี่ยม can be neither given nor ruled out.
        """
        for label in self.labels:
            if overall < label.min_overall:
                continue
            if label.min_each_tool is None:
                return label
            missing = [tool for tool in self.tools if tool not in tool_scores]
            if missing:
                raise ValueError(
                    f"the {self.first_year}-{self.last_year} label {label.name_en!r} needs "
                    f"every tool's score; missing {', '.join(missing)}"
                )
            if all(tool_scores[tool] >= label.min_each_tool for tool in self.tools):
                return label
        return None

    def label(
        self, overall: float, tool_scores: Mapping[str, float], lang: str = "th"
    ) -> str | None:
        """The result label of these scores in ``lang`` (see :meth:`rating`), or None."""
        found = self.rating(overall, tool_scores)
        return found.title(lang) if found else None


def tool_named(code: str) -> Tool:
    """The tool ``code`` (IIT, EIT, OIT) with its names; an unknown code is named as it is."""
    names = _data()["tools"].get(code)
    if names is None:
        return Tool(code, code, code)
    return Tool(code, names["th"], names["en"])


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


@cache
def _frameworks() -> tuple[Framework, ...]:
    raw = _data()["frameworks"]
    built: list[Framework] = []
    for entry in sorted(raw, key=lambda e: "same_as" in e):  # the ones others copy first
        base = _covering(built, entry["same_as"]) if "same_as" in entry else None
        framework = _framework(entry, base)
        _check(framework)
        built.append(framework)
    return tuple(sorted(built, key=lambda f: f.first_year))


def _covering(frameworks: list[Framework], year: int) -> Framework:
    found = next((f for f in frameworks if f.first_year <= year <= f.last_year), None)
    if found is None:
        raise ValueError(f"{DATA.name}: same_as {year} names no framework without same_as")
    return found


def _framework(entry: dict[str, Any], base: Framework | None) -> Framework:
    """One entry of the file; what it leaves out comes from ``base`` (its ``same_as``)."""
    first, last = entry["years"]
    indicators = (
        tuple(
            Indicator(i["number"], i["name"], i["tool"], i.get("en", ""))
            for i in entry["indicators"]
        )
        if "indicators" in entry or base is None
        else base.indicators
    )
    weights = dict(entry["weights"]) if "weights" in entry or base is None else base.weights
    grades = (
        tuple((g["grade"], float(g["min"])) for g in entry["grades"])
        if "grades" in entry or base is None
        else base.grades
    )
    return Framework(
        first_year=first,
        last_year=last,
        indicators=indicators,
        weights=weights,
        grades=grades,
        labels=tuple(
            Label(
                item["th"],
                item["en"],
                float(item["min_overall"]),
                None if item.get("min_each_tool") is None else float(item["min_each_tool"]),
            )
            for item in entry.get("labels", [])
        ),
        unconfirmed=tuple(
            Unconfirmed(item["field"], item["reason"]) for item in entry.get("unconfirmed", [])
        ),
        basis=entry.get("basis", ""),
    )


def _check(framework: Framework) -> None:
    """Refuse data that would give wrong scores: weights not summing to 1, an indicator of a
    tool without a weight, labels that leave some scores without one."""
    years = f"{DATA.name} {framework.first_year}-{framework.last_year}"
    if abs(sum(framework.weights.values()) - 1.0) > 1e-9:
        raise ValueError(f"{years}: the tool weights do not add up to 1")
    if {i.tool for i in framework.indicators} != set(framework.weights):
        raise ValueError(f"{years}: the indicators' tools and the weighted tools differ")
    if framework.labels and (
        framework.labels[-1].min_overall != 0 or framework.labels[-1].min_each_tool is not None
    ):
        raise ValueError(f"{years}: the last label must take every score (from 0, any tools)")


def framework_for(year: int) -> Framework | None:
    """The framework of an assessment year (BE), or None when the project has no data for it."""
    return next((f for f in _frameworks() if f.first_year <= year <= f.last_year), None)


def frameworks() -> tuple[Framework, ...]:
    """Every framework the data holds, oldest first."""
    return _frameworks()
