"""ITA assessment frameworks (indicators, tool weights, grade bands), read from data.

The NACC changes the framework every few years; each version is an entry of
``tracker/data/ita-frameworks.json`` covering a range of assessment years, so supporting a new
year is a data change, not a code change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "ita-frameworks.json"


@dataclass(frozen=True)
class Indicator:
    number: int
    name: str
    tool: str


@dataclass(frozen=True)
class Framework:
    first_year: int
    last_year: int
    indicators: tuple[Indicator, ...]
    weights: dict[str, float]
    grades: tuple[tuple[str, float], ...]  # (grade, minimum score), best first

    def indicator(self, number: int) -> Indicator | None:
        return next((i for i in self.indicators if i.number == number), None)

    def overall(self, scores: dict[int, float]) -> float | None:
        """The weighted overall score: each tool's mean times its weight, to 2 decimals.

        None unless every indicator has a score.
        """
        if any(i.number not in scores for i in self.indicators):
            return None
        total = 0.0
        for tool, weight in self.weights.items():
            numbers = [i.number for i in self.indicators if i.tool == tool]
            total += weight * sum(scores[n] for n in numbers) / len(numbers)
        return round(total + 1e-9, 2)

    def grade(self, score: float) -> str:
        """The grade band a score falls in."""
        for grade, minimum in self.grades:
            if score >= minimum:
                return grade
        return self.grades[-1][0]


@cache
def _frameworks() -> tuple[Framework, ...]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))["frameworks"]
    return tuple(
        Framework(
            first_year=entry["years"][0],
            last_year=entry["years"][1],
            indicators=tuple(Indicator(**i) for i in entry["indicators"]),
            weights=dict(entry["weights"]),
            grades=tuple((g["grade"], float(g["min"])) for g in entry["grades"]),
        )
        for entry in raw
    )


def framework_for(year: int) -> Framework | None:
    """The framework of an assessment year (BE), or None when the project has no data for it."""
    return next((f for f in _frameworks() if f.first_year <= year <= f.last_year), None)
