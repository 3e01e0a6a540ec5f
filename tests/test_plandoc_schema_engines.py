"""The plan schema's two engines: jsonschema-rs passes a valid document quickly, and the reference
validator (jsonschema) words the error of one it refuses. What the quick check lets through is
never checked again, so it must never pass a document the reference validator refuses.

Every leaf and every object of real documents (the demo plan, and the seed report read by the
importer) is replaced in turn by values of the wrong type, out of range, badly formed or
carrying a final newline (where Python's ``$`` and Rust's differ), and unknown keys are added
to every object; for each such document, when the reference validator finds an error, the
quick check must refuse it too.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tracker.plandoc import rules

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_950678517d269ae1.txt"

BAD_VALUES: tuple[Any, ...] = (
    None,
    -1,
    1.5,
    True,
    "",
    "x",
    "x" * 301,
    "2023-13-01",
    "2566-01-01",
    "09:00\n",
    "FREQ=WEEKLY\n",
    "I1\n",
    [],
    {},
)


def _demo() -> dict[str, Any]:
    return _cut(yaml.safe_load((ROOT / "examples" / "demo-plan.yaml").read_text(encoding="utf-8")))


def _seed() -> dict[str, Any]:
    """The seed report as the importer reads it, cut to a few of each list: every kind of
    field is still there, and each variant is checked in milliseconds."""
    from tracker.importers import read_source

    return _cut(read_source(SEED).document)


def _cut(value: Any, keep: int = 2) -> Any:
    if isinstance(value, dict):
        return {key: _cut(item, keep) for key, item in value.items()}
    if isinstance(value, list):
        return [_cut(item, keep) for item in value[:keep]]
    return value


def _places(value: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) in the document, containers included."""
    yield where, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _places(item, (*where, index))


def _replaced(document: dict[str, Any], where: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    parent = changed
    for step in where[:-1]:
        parent = parent[step]
    parent[where[-1]] = value
    return changed


def _with_key(document: dict[str, Any], where: tuple[Any, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target = changed
    for step in where:
        target = target[step]
    target["unexpected_key"] = "x"
    return changed


def _variants(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for where, value in list(_places(document)):
        if isinstance(value, dict):
            yield _with_key(document, where)
        if not where:
            continue
        for bad in BAD_VALUES:
            if bad != value:
                yield _replaced(document, where, bad)


@pytest.mark.parametrize("make", [_demo, _seed], ids=["demo plan", "seed report"])
def test_the_quick_check_refuses_every_document_the_reference_validator_refuses(make) -> None:
    document = make()
    reference, quick = rules._validator(), rules._quick_check()
    assert reference.is_valid(document)
    assert quick.is_valid(document)
    refused = passed_wrongly = 0
    for variant in _variants(document):
        if not reference.is_valid(variant):
            refused += 1
            if quick.is_valid(variant):
                passed_wrongly += 1
    assert refused > 500  # the variants reach every kind of rule, not a handful
    assert passed_wrongly == 0


def test_a_refused_document_is_worded_by_the_reference_validator(tmp_path: Path) -> None:
    from tracker.errors import InvalidInput
    from tracker.plandoc import parse_plan_document

    document = _demo()
    document["meeting_series"][0]["time"] = "25:00"
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    with pytest.raises(InvalidInput) as raised:
        parse_plan_document(text, "plan.yaml", "yaml")
    message = str(raised.value)
    assert "meeting_series[0].time" in message
    assert "'25:00' does not match" in message  # jsonschema's words, not jsonschema-rs's
