"""Helpers shared by the tests of Thai periods (test_period_*.py and test_periods.py)."""

from __future__ import annotations

from datetime import date

D = date


def _quotes(text: str, message: str) -> bool:
    """Whether ``message`` quotes ``text`` (in any usual quotation marks)."""
    return any(
        quoted in message
        for quoted in (repr(text), f"'{text}'", f'"{text}"', f"“{text}”", f"«{text}»")
    )


def _reason(text: str, message: str) -> str:
    """The part of an error message after the quoted text: what it says is wrong."""
    for quoted in (repr(text), f"'{text}'", f'"{text}"', f"“{text}”", f"«{text}»"):
        if quoted in message:
            return message.split(quoted, 1)[1]
    return message


def _cli_args(text: str, fiscal_year: int | None) -> list[str]:
    args = ["period", text, "--json"]
    if fiscal_year is not None:
        args += ["--fiscal-year", str(fiscal_year)]
    return args
