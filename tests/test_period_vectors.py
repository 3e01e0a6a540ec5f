"""The shared period vectors: every line of ../shared/vectors/thai-periods.tsv (read at test
time) read by `schedules.parse_period` and by the `tracker period` command.

The vector file gives each text, an optional fiscal-year context, and the start and end it
means (or ERROR); none of them were copied from the program's output.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from cli_support import assert_json_error
from conftest import SHARED
from periods_support import _cli_args, _quotes, _reason

from schedules import Period, PeriodError, parse_period

VECTORS = SHARED / "vectors" / "thai-periods.tsv"


# --- the shared vectors ---------------------------------------------------------------------


@dataclass(frozen=True)
class Vector:
    line: int
    text: str
    fiscal_year: int | None
    start: date | None
    end: date | None
    error: bool

    @property
    def id(self) -> str:
        context = f" (fiscal year {self.fiscal_year})" if self.fiscal_year else ""
        return f"line {self.line}: {self.text!r}{context}"


def _iso(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _read_vectors() -> list[Vector]:
    vectors = []
    lines = VECTORS.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        assert len(fields) == 4, f"{VECTORS}:{number} does not have 4 tab-separated fields"
        text, fiscal_year, start, end = fields
        error = end == "ERROR"
        vectors.append(
            Vector(
                line=number,
                text=text,
                fiscal_year=int(fiscal_year) if fiscal_year else None,
                start=None if error else _iso(start),
                end=None if error else _iso(end),
                error=error,
            )
        )
    return vectors


ALL_VECTORS = _read_vectors()
READABLE = [pytest.param(v, id=v.id) for v in ALL_VECTORS if not v.error]
REJECTED = [pytest.param(v, id=v.id) for v in ALL_VECTORS if v.error]


def test_the_vector_file_holds_readable_cases_and_errors():
    assert len(READABLE) >= 20
    assert len(REJECTED) >= 3
    assert any(v.fiscal_year is not None for v in ALL_VECTORS)
    assert any(v.start is None and not v.error for v in ALL_VECTORS)
    assert any(v.end is None and not v.error for v in ALL_VECTORS)


@pytest.mark.parametrize("vector", READABLE)
def test_every_readable_vector_parses_to_its_start_and_end(vector: Vector):
    period = parse_period(vector.text, vector.fiscal_year)
    assert isinstance(period, Period)
    assert (period.start, period.end) == (vector.start, vector.end)
    assert period.text == vector.text


@pytest.mark.parametrize("vector", REJECTED)
def test_every_error_vector_raises_a_period_error_quoting_the_text(vector: Vector):
    with pytest.raises(PeriodError) as caught:
        parse_period(vector.text, vector.fiscal_year)
    assert isinstance(caught.value, ValueError)
    assert _quotes(vector.text, str(caught.value)), str(caught.value)
    assert _reason(vector.text, str(caught.value)).strip(" :.")


@pytest.mark.parametrize("vector", READABLE)
def test_every_readable_vector_reads_the_same_through_the_cli(cli, vector: Vector):
    result = cli(*_cli_args(vector.text, vector.fiscal_year))
    assert result.exit_code == 0, result.stderr
    assert result.json() == {
        "start": vector.start.isoformat() if vector.start else None,
        "end": vector.end.isoformat() if vector.end else None,
        "text": vector.text,
    }


@pytest.mark.parametrize("vector", REJECTED)
def test_every_error_vector_makes_the_cli_exit_2_with_one_line_on_stderr(cli, vector: Vector):
    args = _cli_args(vector.text, vector.fiscal_year)
    result = cli(*args)
    assert result.exit_code == 2
    if "--json" in args:
        assert_json_error(result)
    else:
        assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert _quotes(vector.text, lines[0]), lines[0]
