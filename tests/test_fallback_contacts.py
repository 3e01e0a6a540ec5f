"""Fallback contacts: an e-mail address a unit is reached at only when another channel
refused a message for good. Set from the CLI or a plan document, kept by an export, refused
for any channel but e-mail, and never a recipient of its own (tests/test_followup_line_delivery.py
has the delivery)."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import DEMO_PLAN

LINE_ID = "U" + "0a" * 16


def test_a_fallback_contact_is_set_shown_and_refused_for_other_channels(demo_cli) -> None:
    demo_cli.env(TRACKER_LANG="en")
    shown = demo_cli.ok(
        "units", "contact", "กองคลัง", "email", "finance@example.go.th", "--fallback"
    )
    assert "email: finance@example.go.th (unit, fallback)" in shown.stdout

    line = demo_cli("units", "contact", "กองคลัง", "line", LINE_ID, "--fallback").error_line(2)
    assert "only an email contact can be a fallback, not a line one" in line


def test_a_plan_documents_fallback_survives_an_export_and_import(cli, tmp_path: Path) -> None:
    plan = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    finance = next(u for u in plan["units"] if u["name"] == "กองคลัง")
    finance["contacts"] = [
        {"channel": "line", "address": LINE_ID, "role": "unit"},
        {"channel": "email", "address": "finance@example.go.th", "role": "unit", "fallback": True},
    ]
    source = tmp_path / "plan.yaml"
    source.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    cli.ok("import", str(source))

    exported = cli.ok("export", "--format", "json").json()

    contacts = next(u for u in exported["units"] if u["name"] == "กองคลัง")["contacts"]
    assert contacts == finance["contacts"]
    others = [c for u in exported["units"] if u["name"] != "กองคลัง" for c in u["contacts"]]
    assert all("fallback" not in c for c in others)
