"""Defaults of plan documents: what `tracker export` fills in for what a document left out.

A minimal document, and entries with only their required fields, are exported with every
default written out, and importing such an export again changes nothing. Every test runs on
SQLite and (with TRACKER_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

from import_support import import_report, write_json, write_yaml

# --- defaults ----------------------------------------------------------------------------------


def test_a_minimal_document_is_exported_with_every_default_filled_in(cli, tmp_path):
    minimal = {
        "schema": "ita-tracker/plan@1",
        "organization": {"name": "องค์การบริหารส่วนตำบลทดสอบ"},
        "fiscal_year": 2567,
        "measures": [{"title": "มาตรการที่ ๑", "tasks": [{"number": 1, "title": "แต่งตั้งคณะทำงาน"}]}],
    }
    source = write_json(tmp_path / "minimal.json", minimal)
    cli.ok("import", str(source))

    exported = cli.ok("export").json()

    # Defaults (schema and services/plans.py): absent text -> null, absent lists -> [],
    # no assessment -> null, task status not_started with percent 0, no units, open dates.
    assert exported == {
        "schema": "ita-tracker/plan@1",
        "organization": {"name": "องค์การบริหารส่วนตำบลทดสอบ"},
        "fiscal_year": 2567,
        "title": None,
        "source": None,
        "assessment": None,
        "units": [],
        "meeting_series": [],
        "measures": [
            {
                "title": "มาตรการที่ ๑",
                "items": [],
                "tasks": [
                    {
                        "number": 1,
                        "title": "แต่งตั้งคณะทำงาน",
                        "units": [],
                        "period_text": None,
                        "start": None,
                        "end": None,
                        "follow_up": None,
                        "status": "not_started",
                        "percent": 0,
                    }
                ],
            }
        ],
        "warnings": [],
    }


def test_entries_with_only_their_required_fields_are_exported_with_their_defaults(cli, tmp_path):
    document = {
        "schema": "ita-tracker/plan@1",
        "organization": {"name": "องค์การบริหารส่วนตำบลทดสอบ"},
        "fiscal_year": 2567,
        "assessment": {"year": 2566, "items": [{"code": "E5"}]},
        "units": [{"name": "กองคลัง"}],
        "meeting_series": [
            {
                "name": "ประชุมประจำเดือน",
                "rrule": "FREQ=MONTHLY;BYMONTHDAY=1",
                "exceptions": [{"date": "2024-01-01"}],
            }
        ],
        "measures": [
            {
                "title": "มาตรการที่ ๑",
                "tasks": [
                    {"number": 1, "title": "จัดทำคู่มือ"},
                    {"number": 2, "title": "เผยแพร่คู่มือ", "status": "done"},
                ],
            }
        ],
        "warnings": [{"code": "period-year-mismatch", "message": "ปีไม่ตรงกับปีงบประมาณ"}],
    }
    cli.ok("import", str(write_yaml(tmp_path / "plan.yaml", document)))

    exported = cli.ok("export").json()

    # An item's tool follows its code's letter (E -> EIT); a unit is a plain unit with no
    # names or contacts; a series meets at 09:00 Asia/Bangkok with holiday_policy flag, its
    # units reminded 2 working days before at 09:00 and its report sent 1 day before at
    # 08:00 (README, "The follow-up engine"), to no recipient yet; an exception is a plain
    # note-less, not-cancelled, not-moved row; a done task without a percent is 100 percent
    # done; a warning without "where" has where null.
    assert exported["assessment"] == {
        "year": 2566,
        "score": None,
        "grade": None,
        "indicators": [],
        "items": [
            {"code": "E5", "tool": "EIT", "score": None, "question": None, "suggestion": None}
        ],
    }
    assert exported["units"] == [
        {"name": "กองคลัง", "aliases": [], "all_units": False, "contacts": []}
    ]
    assert exported["meeting_series"] == [
        {
            "name": "ประชุมประจำเดือน",
            "rrule": "FREQ=MONTHLY;BYMONTHDAY=1",
            "text": None,
            "timezone": "Asia/Bangkok",
            "time": "09:00",
            "place": None,
            "holiday_policy": "flag",
            "reminder_days": 2,
            "reminder_time": "09:00",
            "report_days": 1,
            "report_time": "08:00",
            "recipients": [],
            "exceptions": [
                {"date": "2024-01-01", "cancelled": False, "moved_to": None, "note": None}
            ],
        }
    ]
    tasks = exported["measures"][0]["tasks"]
    assert [(t["status"], t["percent"]) for t in tasks] == [("not_started", 0), ("done", 100)]
    assert exported["warnings"] == [
        {"code": "period-year-mismatch", "where": None, "message": "ปีไม่ตรงกับปีงบประมาณ"}
    ]


def test_importing_the_export_of_a_minimal_document_changes_nothing(cli, tmp_path):
    minimal = {
        "schema": "ita-tracker/plan@1",
        "organization": {"name": "องค์การบริหารส่วนตำบลทดสอบ"},
        "fiscal_year": 2567,
        "meeting_series": [{"name": "ประชุมประจำเดือน", "rrule": "FREQ=MONTHLY;BYMONTHDAY=1"}],
        "measures": [{"title": "มาตรการที่ ๑", "tasks": [{"number": 1, "title": "จัดทำคู่มือ"}]}],
    }
    cli.ok("import", str(write_json(tmp_path / "minimal.json", minimal)))
    exported = tmp_path / "exported.yaml"
    cli.ok("export", "--format", "yaml", "-o", str(exported))

    report = import_report(cli, exported)

    assert (report["changed"], report["created"], report["changes"]) == (False, {}, [])
