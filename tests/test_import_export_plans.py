"""Units and plans across plan documents: `tracker import` of a second plan, `tracker plans`
and `tracker export --plan`.

A unit or organization named with other spacing is found, not created again; with several
plans, export asks which and lists them; an unknown plan id is named. Expected data comes from
examples/demo-plan.yaml or from the documents written here; every test runs on SQLite and (with
TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from import_support import import_report, write_yaml

# --- helpers ---------------------------------------------------------------------------------


ORGANIZATION = "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"  # the demo plan's organization


def second_plan_document() -> dict[str, Any]:
    """A plan of the demo organization for the next fiscal year, with one task."""
    return {
        "schema": "ita-tracker/plan@1",
        "organization": {"name": ORGANIZATION},
        "fiscal_year": 2571,
        "units": [{"name": "สำนักปลัด"}],
        "measures": [
            {
                "title": "มาตรการปีถัดไป",
                "tasks": [{"number": 1, "title": "ทบทวนแผน", "units": ["สำนักปลัด"]}],
            }
        ],
    }


# --- units and plans ---------------------------------------------------------------------------


def test_units_in_a_document_are_found_whatever_their_spacing(demo_cli, tmp_path):
    units_before = demo_cli.ok("units", "--json").json()
    document = second_plan_document()
    document["organization"]["name"] = "องค์การบริหารส่วนตำบล ทุ่งดาวเรือง"
    document["units"] = [{"name": "สำนัก ปลัด"}]
    document["measures"][0]["tasks"][0]["units"] = ["สำนัก ปลัด"]
    source = write_yaml(tmp_path / "next-year.yaml", document)

    report = import_report(demo_cli, source)

    assert "units" not in report["created"]
    assert "organizations" not in report["created"]
    assert report["created"] == {"plans": 1, "measures": 1, "tasks": 1}
    assert [u["name"] for u in demo_cli.ok("units", "--json").json()] == [
        u["name"] for u in units_before
    ]
    [row] = demo_cli.ok("tasks", "--plan", str(report["plan_id"]), "--json").json()
    assert row["units"] == ["สำนักปลัด"]


def test_export_with_several_plans_asks_for_one_and_lists_them(demo_cli, tmp_path):
    demo_cli.ok("import", str(write_yaml(tmp_path / "next.yaml", second_plan_document())))
    plans = demo_cli.ok("plans", "--json").json()
    assert sorted(p["fiscal_year"] for p in plans) == [2570, 2571]

    result = demo_cli("export")

    assert result.exit_code != 0
    assert result.stdout == ""
    assert "--plan" in result.stderr
    for plan in plans:
        assert str(plan["id"]) in result.stderr
        assert str(plan["fiscal_year"]) in result.stderr
    [next_year] = [p for p in plans if p["fiscal_year"] == 2571]
    exported = demo_cli.ok("export", "--plan", str(next_year["id"])).json()
    assert exported["fiscal_year"] == 2571
    assert exported["measures"][0]["tasks"][0]["title"] == "ทบทวนแผน"


def test_export_of_an_unknown_plan_id_fails_naming_it(demo_cli):
    [plan] = demo_cli.ok("plans", "--json").json()
    missing = plan["id"] + 100

    result = demo_cli("export", "--plan", str(missing))

    assert result.exit_code != 0
    assert result.stdout == ""
    message = result.stderr.strip()
    assert "\n" not in message
    assert str(missing) in message
    assert "plan" in message.lower()
