"""Writing plan documents (tracker.plandoc.dump_plan_document), without a database: Thai text
stays readable, and a dumped document parses back to the same data, even strings a careless
YAML writer would turn into dates, times, numbers or booleans.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from conftest import DEMO_PLAN
from plandoc_support import FORMATS, valid_document

from tracker.errors import InvalidInput
from tracker.plandoc import dump_plan_document, parse_plan_document, read_plan_document

# --- writing ----------------------------------------------------------------------------------


def test_the_demo_plan_reads_as_the_same_data_yaml_gives():
    assert read_plan_document(DEMO_PLAN) == yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_dumped_documents_keep_thai_text_readable(fmt):
    text = dump_plan_document(valid_document(), fmt)
    assert "องค์การบริหารส่วนจังหวัดแพร่" in text
    assert "ประชุมหัวหน้าส่วนราชการ" in text
    assert "\\u0e" not in text.lower()  # no \u0e2d-style escapes of Thai letters


def tricky_document() -> dict[str, Any]:
    """The demo plan plus strings that a careless YAML writer would turn into other types."""
    document = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    document["meeting_series"][0]["time"] = "10:30"  # sexagesimal 630 in YAML 1.1
    task = document["measures"][0]["tasks"][0]
    task["period_text"] = "2022-11-01"
    task["title"] = "yes"
    document["measures"][0]["tasks"][1]["period_text"] = "1_000"
    document["measures"][0]["tasks"][2]["period_text"] = "null"
    document["measures"][0]["tasks"][3]["period_text"] = "09:30"
    document["measures"][1]["tasks"][0]["title"] = "  ขึ้นต้นด้วยช่องว่าง และมี: เครื่องหมาย #"
    document["warnings"] = [
        {"code": "period-year-mismatch", "where": "measures[0].tasks[0]", "message": "ปี: ๒๕๖๙"}
    ]
    return document


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "make",
    [lambda: yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8")), tricky_document],
    ids=["the demo plan", "strings that look like dates, times, numbers and booleans"],
)
def test_a_dumped_document_parses_back_to_the_same_data(make, fmt):
    document = make()
    original = copy.deepcopy(document)
    text = dump_plan_document(document, fmt)
    assert parse_plan_document(text, f"plan.{fmt}", fmt) == original


def test_dumping_to_an_unknown_format_is_refused():
    with pytest.raises(InvalidInput, match="toml"):
        dump_plan_document(valid_document(), "toml")
