"""`tracker plans rollover`: next year's plan starts from this one's unfinished steps.

Most tests import the seed ITA analysis report (../shared/seeds, Phrae PAO, plan of fiscal
year 2566; its steps as ../shared/vectors/seed-expected.json lists them), then finish some
steps: step 2 and step 6 done, step 5 at 40%. Steps 1, 3, 4, 5 and 7 are then unfinished and
carried into fiscal year 2567. Their new periods are worked out by hand from the seed's and
the rollover's rules (tracker/services/rollover.py): a period ending within FY2566 moves a
year later month for month, an open-ended one ("… เป็นต้นไป") runs from 1 Oct 2023, the first
day of FY2567. Others use the demo plan (examples/demo-plan.yaml, FY2570).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from conftest import SEED_REPORT
from import_support import demo_document, row_counts, write_yaml
from sqlalchemy import select
from web_support import Site, make_site

from tracker.models import MeetingSeries, Plan, Role, Task, TaskStatus
from tracker.services.plans import get_plan
from tracker.services.rollover import YearShift, rollover_actor, rollover_plan

ORGANIZATION = "องค์การบริหารส่วนจังหวัดแพร่"
SECRETARIAT = "สำนักงานเลขานุการองค์การบริหารส่วนจังหวัด"
EVERY_UNIT = "ทุกส่วนราชการในสังกัดองค์การบริหารส่วนจังหวัดแพร่"  # compared without spaces
SERIES_WORDS = "ประชุมหัวหน้าส่วนราชการ"
ACTOR = "rollover: FY2566 → FY2567"
SEED_NOW = "2023-09-20T10:00:00+07:00"  # late in FY2566, when next year's plan is made

# Step number -> (units, status, percent, start, end, period text) of the carried task.
CARRIED = {
    1: (SECRETARIAT, "not_started", 0, "2023-11-01", "2023-11-30", "พ.ย. ๒๕๖๖"),
    3: (EVERY_UNIT, "not_started", 0, "2023-10-01", None, "ตั้งแต่ ต.ค. ๒๕๖๖"),
    4: (EVERY_UNIT, "not_started", 0, "2023-10-01", None, "ตั้งแต่ ต.ค. ๒๕๖๖"),
    5: (SECRETARIAT, "in_progress", 40, "2024-01-01", "2024-03-31", "ม.ค. – มี.ค. ๒๕๖๗"),
    7: (SECRETARIAT, "not_started", 0, "2023-10-01", None, "ตั้งแต่ ต.ค. ๒๕๖๖"),
}
# Step number -> (start, end, period text) in the seed (FY2566).
SEED_PERIODS = {
    1: ("2022-11-01", "2022-11-30", "พ.ย.๒๕๖๕"),
    3: ("2022-11-01", None, "พ.ย.๒๕๖๕ เป็นต้นไป"),
    4: ("2022-12-01", None, "ธ.ค.๒๕๖๕ เป็นต้นไป"),
    5: ("2023-01-01", "2023-03-31", "ภายในเดือน ม.ค. - มี.ค. ๒๕๖๕"),
    7: ("2022-11-01", None, "พ.ย.๒๕๖๕ เป็นต้นไป"),
}


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def seed_cli(cli):  # type: ignore[no-untyped-def]
    """The seed imported, step 2 and 6 done, step 5 at 40%."""
    cli.env(TRACKER_NOW=SEED_NOW)
    cli.ok("import", "--merge-similar-units", str(SEED_REPORT))
    ids = step_ids(cli, 1)
    cli.ok("done", str(ids[2]), "--by", SECRETARIAT)
    cli.ok("done", str(ids[6]), "--by", SECRETARIAT)
    cli.ok("progress", str(ids[5]), "40", "--by", SECRETARIAT, "--note", "อบรมรุ่นแรกแล้ว")
    return cli


def step_ids(cli, plan_id: int) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """Step number -> task id, for a plan of one measure."""
    return {t["number"]: t["id"] for t in cli.ok("tasks", "--plan", str(plan_id), "--json").json()}


def rollover(cli, *options: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return cli.ok("plans", "rollover", "--to", "2567", "--json", *options).json()


def old_plan_state(cli) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Everything a person can see of plan 1: the document, the tasks and every history."""
    tasks = cli.ok("tasks", "--plan", "1", "--json").json()
    return {
        "export": cli.ok("export", "--plan", "1").json(),
        "tasks": tasks,
        "histories": {
            t["id"]: cli.ok("tasks", "history", str(t["id"]), "--json").json() for t in tasks
        },
    }


# --- the review (dry run) ---------------------------------------------------------------------


def test_the_review_lists_the_unfinished_steps_with_their_new_periods(seed_cli):
    ids = step_ids(seed_cli, 1)

    report = rollover(seed_cli)

    assert (report["dry_run"], report["written"], report["plan_id"]) == (True, False, None)
    assert (report["from_year"], report["to_year"], report["source_plan_id"]) == (2566, 2567, 1)
    assert report["organization"] == ORGANIZATION
    [measure] = report["measures"]
    assert (measure["position"], measure["from_position"]) == (1, 1)
    assert "การยกระดับผลการประเมิน ITA" in measure["title"]
    steps = {step["number"]: step for step in measure["steps"]}
    assert list(steps) == [1, 3, 4, 5, 7]
    for number, (unit, status, percent, start, end, text) in CARRIED.items():
        step = steps[number]
        assert step["from_task_id"] == ids[number]
        assert step["task_id"] is None
        assert [squeeze(u) for u in step["units"]] == [squeeze(unit)]
        assert (step["status"], step["percent"]) == (status, percent)
        assert step["becomes"] == {"start": start, "end": end, "text": text}
        was = SEED_PERIODS[number]
        assert step["was"] == {"start": was[0], "end": was[1], "text": was[2]}
        assert SERIES_WORDS in step["follow_up"]
    left = report["left_behind"]
    assert (left["done"], left["cancelled"]) == (2, 0)
    assert [(s["ref"], s["task_id"], s["status"]) for s in left["steps"]] == [
        ("1.2", ids[2], "done"),
        ("1.6", ids[6], "done"),
    ]
    assert left["measures"] == []
    # The heads' meeting (1st, 3rd and 5th Wednesday) goes on: 28 meetings from 4 Oct 2023.
    [series] = report["series"]
    assert SERIES_WORDS in series["name"]
    assert series["rrule"] == series["rrule_before"] == "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE"
    assert series["extended"] is False
    assert (series["meetings"], series["first_meeting"]) == (28, "2023-10-04")


@pytest.mark.parametrize("options", [(), ("--dry-run",)])
def test_without_yes_nothing_is_written(seed_cli, session_factory, options):
    before = row_counts(session_factory)
    state = old_plan_state(seed_cli)

    seed_cli.ok("plans", "rollover", "--to", "2567", *options)
    report = rollover(seed_cli, *options)

    assert report["dry_run"] is True
    assert row_counts(session_factory) == before
    assert old_plan_state(seed_cli) == state
    assert len(seed_cli.ok("plans", "--json").json()) == 1


def test_the_review_in_words_shows_old_and_new_periods_and_how_to_confirm(seed_cli):
    lines = seed_cli.ok("plans", "rollover", "--to", "2567").stdout.splitlines()

    assert lines[0] == f"แผน 1 {ORGANIZATION} ปีงบประมาณ 2566 → 2567"
    assert lines[1] == "ยกไป 1 มาตรการ 5 ขั้นตอน; ไม่ยกไป: เสร็จแล้ว 2 ขั้นตอน, ยกเลิก 0 ขั้นตอน"
    assert "      พ.ย. 2565 → พ.ย. 2566" in lines
    assert "      ตั้งแต่ พ.ย. 2565 → ตั้งแต่ ต.ค. 2566" in lines
    assert "      ม.ค. – มี.ค. 2566 → ม.ค. – มี.ค. 2567" in lines
    assert any(line.endswith("· กำลังดำเนินการ 40%") for line in lines)
    assert "ไม่ยกไป: 1.2 เสร็จแล้ว, 1.6 เสร็จแล้ว" in lines
    assert any(line.startswith(SERIES_WORDS) and "28 ครั้งในปีงบประมาณ 2567" in line for line in lines)
    assert lines[-1] == "ตรวจแล้ว (ไม่บันทึก): สั่งอีกครั้งพร้อม --yes เพื่อสร้างแผน"

    english = seed_cli.ok("--lang", "en", "plans", "rollover", "--to", "2567").stdout
    assert "      Nov 2022 → Nov 2023" in english.splitlines()
    assert "left behind: 2 done, 0 cancelled" in english
    assert english.splitlines()[-1].startswith("checked (nothing written)")


# --- writing it ----------------------------------------------------------------------------------


def test_yes_writes_the_new_plan_with_the_carried_steps(seed_cli, session_factory):
    ids = step_ids(seed_cli, 1)

    report = rollover(seed_cli, "--yes")

    assert (report["dry_run"], report["written"]) == (False, True)
    new_plan = report["plan_id"]
    plans = {p["id"]: p for p in seed_cli.ok("plans", "--json").json()}
    assert (plans[new_plan]["fiscal_year"], plans[new_plan]["measures"]) == (2567, 1)
    assert plans[new_plan]["tasks"] == 5
    new_ids = step_ids(seed_cli, new_plan)
    assert list(new_ids) == [1, 3, 4, 5, 7]  # the steps keep their numbers
    carried = {s["number"]: s["task_id"] for s in report["measures"][0]["steps"]}
    assert carried == new_ids
    for number, (unit, status, percent, start, end, text) in CARRIED.items():
        shown = seed_cli.ok("tasks", "show", str(new_ids[number]), "--json").json()
        old = seed_cli.ok("tasks", "show", str(ids[number]), "--json").json()
        assert shown["fiscal_year"] == 2567
        assert (shown["start"], shown["end"], shown["period_text"]) == (start, end, text)
        assert (shown["status"], shown["percent"]) == (status, percent)
        assert [squeeze(u) for u in shown["units"]] == [squeeze(unit)]
        assert shown["title"] == old["title"]
        assert shown["follow_up"] == old["follow_up"]
        assert shown["carried_from"] == {
            "id": ids[number],
            "ref": f"1.{number}",
            "plan_id": 1,
            "fiscal_year": 2566,
        }
        assert [link["id"] for link in old["carried_to"]] == [new_ids[number]]
    with session_factory() as session:
        plan = session.get(Plan, new_plan)
        assert plan is not None
        assert (plan.rolled_from_id, plan.assessment_id, plan.warnings) == (1, None, [])
        links = {t.number: t.carried_from_id for m in plan.measures for t in m.tasks}
        assert links == {number: ids[number] for number in CARRIED}
        assert plan.measures[0].items == []  # last year's assessment items stay with it


def test_each_carried_task_starts_with_one_event_naming_the_old_task(seed_cli):
    ids = step_ids(seed_cli, 1)
    report = rollover(seed_cli, "--yes")
    new_ids = step_ids(seed_cli, report["plan_id"])

    for number in CARRIED:
        [event] = seed_cli.ok("tasks", "history", str(new_ids[number]), "--json").json()
        assert (event["field"], event["actor"]) == ("created", ACTOR)
        assert f"(ID {ids[number]})" in event["note"]
        assert "ปีงบประมาณ 2566" in event["note"]
        assert SEED_PERIODS[number][2] in event["note"]  # the period as it was written
    [event] = seed_cli.ok("tasks", "history", str(new_ids[5]), "--json").json()
    assert "กำลังดำเนินการ 40%" in event["note"]


def test_the_history_of_a_carried_step_shows_last_years_events(seed_cli):
    ids = step_ids(seed_cli, 1)
    new_ids = step_ids(seed_cli, rollover(seed_cli, "--yes")["plan_id"])

    text = seed_cli.ok("tasks", "history", str(new_ids[5])).stdout
    heading = f"ยกมาจาก ขั้นตอน 1.5 (ID {ids[5]}) ของแผน 1 ปีงบประมาณ 2566"
    assert heading in text
    own, last_year = text.split(heading)
    assert ACTOR in own  # its own log first, then last year's
    assert "import: 000_950678517d269ae1.txt" in last_year
    assert "อบรมรุ่นแรกแล้ว" in last_year  # the progress note of FY2566
    shown = seed_cli.ok("tasks", "show", str(new_ids[5])).stdout
    assert f"ยกมาจาก: ขั้นตอน 1.5 (ID {ids[5]}) ของแผน 1 ปีงบประมาณ 2566" in shown
    old = seed_cli.ok("tasks", "show", str(ids[5])).stdout
    assert f"ยกไปเป็น: ขั้นตอน 1.5 (ID {new_ids[5]}) ของแผน 2 ปีงบประมาณ 2567" in old
    # A task never carried shows neither line.
    plain = seed_cli.ok("tasks", "show", str(ids[2])).stdout
    assert "ยกมาจาก" not in plain
    assert "ยกไปเป็น" not in plain


def test_the_old_plan_is_left_as_it_was(seed_cli):
    state = old_plan_state(seed_cli)

    rollover(seed_cli, "--yes")

    assert old_plan_state(seed_cli) == state


def test_running_it_again_changes_nothing_and_reports_the_earlier_rollover(
    seed_cli, session_factory
):
    first = rollover(seed_cli, "--yes")
    counts = row_counts(session_factory)

    again = rollover(seed_cli, "--yes")
    review = rollover(seed_cli)

    assert row_counts(session_factory) == counts
    for report in (again, review):
        assert (report["already_rolled_over"], report["written"]) == (True, False)
        assert report["plan_id"] == first["plan_id"]
        assert report["measures"] == first["measures"]  # the same steps, with their new ids
    lines = seed_cli.ok("plans", "rollover", "--to", "2567", "--yes").stdout.splitlines()
    assert lines[-1] == f"ยกไปเป็นแผน {first['plan_id']} แล้ว: ไม่มีอะไรเปลี่ยนแปลง"


def test_running_it_again_after_the_old_steps_changed_is_refused(seed_cli, session_factory):
    ids = step_ids(seed_cli, 1)
    new_plan = rollover(seed_cli, "--yes")["plan_id"]
    seed_cli.ok("done", str(ids[3]), "--by", SECRETARIAT)  # finished late, in the old plan
    seed_cli.ok("reopen", str(ids[2]), "--by", SECRETARIAT, "--note", "ต้องแก้ไข")
    counts = row_counts(session_factory)

    line = seed_cli("plans", "rollover", "--to", "2567", "--yes").error_line(1)

    assert f"plan {new_plan} (fiscal year 2567) is the rollover of plan 1 already" in line
    assert "unfinished but not carried: 1.2" in line
    assert "carried but finished since: 1.3" in line
    assert row_counts(session_factory) == counts


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["2566", "2565"])
def test_a_year_not_after_the_plans_is_refused(seed_cli, session_factory, year):
    counts = row_counts(session_factory)

    line = seed_cli("plans", "rollover", "--plan", "1", "--to", year, "--yes").error_line(2)

    assert "plan 1 is for fiscal year 2566" in line
    assert f"later year, not {year}" in line
    assert row_counts(session_factory) == counts


def plan_document_of_2567(tmp_path):  # type: ignore[no-untyped-def]
    """A small plan of the seed's organization for fiscal year 2567, imported by hand."""
    document = {
        "schema": "ita-tracker/plan@1",
        "organization": {"name": ORGANIZATION},
        "fiscal_year": 2567,
        "measures": [{"title": "มาตรการทดสอบ", "tasks": [{"number": 1, "title": "ขั้นตอนทดสอบ"}]}],
    }
    return write_yaml(tmp_path / "plan-2567.yaml", document)


def test_an_organization_with_a_plan_for_the_year_is_refused(seed_cli, session_factory, tmp_path):
    seed_cli.ok("import", str(plan_document_of_2567(tmp_path)))
    counts = row_counts(session_factory)

    line = seed_cli("plans", "rollover", "--plan", "1", "--to", "2567", "--yes").error_line(1)

    assert f"{ORGANIZATION} already has plan 2 for fiscal year 2567" in line
    assert row_counts(session_factory) == counts


def test_a_plan_between_the_two_years_is_refused(seed_cli, tmp_path):
    seed_cli.ok("import", str(plan_document_of_2567(tmp_path)))

    line = seed_cli("plans", "rollover", "--plan", "1", "--to", "2568").error_line(1)
    assert "plan 2 (fiscal year 2567) lies between fiscal years 2566 and 2568" in line
    # Without --plan, the organization's latest plan before 2568 is the one rolled over.
    report = seed_cli.ok("plans", "rollover", "--to", "2568", "--json").json()
    assert (report["source_plan_id"], report["from_year"]) == (2, 2567)


def test_a_plan_rolled_over_already_does_not_roll_into_another_year(seed_cli):
    rollover(seed_cli, "--yes")

    line = seed_cli("plans", "rollover", "--plan", "1", "--to", "2568").error_line(1)

    assert "plan 1 (fiscal year 2566) was rolled over into plan 2 (fiscal year 2567)" in line
    # The new plan rolls on: its step 5 (Jan-Mar 2567) moves to Jan-Mar 2568.
    report = seed_cli.ok("plans", "rollover", "--to", "2568", "--json").json()
    assert report["source_plan_id"] == 2
    steps = {s["number"]: s for s in report["measures"][0]["steps"]}
    assert steps[5]["becomes"] == {
        "start": "2025-01-01",
        "end": "2025-03-31",
        "text": "ม.ค. – มี.ค. ๒๕๖๘",
    }


def test_a_plan_with_nothing_unfinished_is_refused(demo_cli, session_factory):
    for task, unit in [(2, "สำนักปลัด"), (3, "กองคลัง"), (4, "กองคลัง"), (5, "กองคลัง")]:
        demo_cli.ok("done", str(task), "--by", unit)
    for task, unit in [(6, "สำนักปลัด"), (7, "กองการศึกษา ศาสนาและวัฒนธรรม"), (8, "กองช่าง")]:
        demo_cli.ok("done", str(task), "--by", unit)
    counts = row_counts(session_factory)

    line = demo_cli("plans", "rollover", "--to", "2571").error_line(1)

    assert "plan 1 (fiscal year 2570) has no unfinished step to carry into 2571" in line
    assert row_counts(session_factory) == counts


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--dry-run", "--yes"], "not both"),
        (["--plan", "1", "--org", ORGANIZATION], "not both"),
    ],
)
def test_contradicting_options_are_refused(seed_cli, options, words):
    line = seed_cli("plans", "rollover", "--to", "2567", *options).error_line(2)
    assert words in line


def test_an_unknown_organization_or_plan_is_one_line(seed_cli):
    assert "no organization 'กรมสมมุติ'" in seed_cli(
        "plans", "rollover", "--to", "2567", "--org", "กรมสมมุติ"
    ).error_line(1)
    assert "no plan with id 9" in seed_cli(
        "plans", "rollover", "--to", "2567", "--plan", "9"
    ).error_line(1)


def test_plans_still_lists_the_plans(seed_cli):
    rollover(seed_cli, "--yes")

    rows = seed_cli.ok("plans", "--json").json()
    assert [(r["id"], r["fiscal_year"], r["tasks"]) for r in rows] == [(1, 2566, 7), (2, 2567, 5)]
    assert set(rows[0]) == {"id", "organization", "fiscal_year", "title", "measures", "tasks"}
    table = seed_cli.ok("plans").stdout
    assert "2566" in table
    assert "2567" in table


# --- the demo plan: measures left behind, other periods, a series that ends ----------------------


def test_a_finished_measure_is_left_behind_and_the_rest_renumbered(demo_cli, session_factory):
    demo_cli.ok("done", "2", "--by", "สำนักปลัด")
    demo_cli.ok("done", "3", "--by", "กองคลัง")
    with session_factory.begin() as session:  # 1.4 cancelled (no command cancels a step)
        task = session.get(Task, 4)
        assert task is not None
        task.status = TaskStatus.CANCELLED

    report = demo_cli.ok("plans", "rollover", "--to", "2571", "--json", "--yes").json()

    left = report["left_behind"]
    assert (left["done"], left["cancelled"]) == (3, 1)
    assert [(m["position"], m["steps"]) for m in left["measures"]] == [(1, 4)]
    [measure] = report["measures"]
    assert (measure["position"], measure["from_position"]) == (1, 2)
    becomes = {s["number"]: s["becomes"] for s in measure["steps"]}
    assert becomes == {
        1: {"start": "2027-12-01", "end": "2028-01-31", "text": "ธ.ค. ๒๕๗๐ – ม.ค. ๒๕๗๑"},
        2: {"start": "2027-10-01", "end": None, "text": "ตั้งแต่ ต.ค. ๒๕๗๐"},
        3: {"start": "2028-01-01", "end": "2028-03-31", "text": "ม.ค. – มี.ค. ๒๕๗๑"},
        4: {"start": "2027-10-01", "end": "2028-09-30", "text": "ต.ค. ๒๕๗๐ – ก.ย. ๒๕๗๑"},
    }
    tasks = demo_cli.ok("tasks", "--plan", str(report["plan_id"]), "--json").json()
    assert [(t["measure"], t["number"], t["status"], t["percent"]) for t in tasks] == [
        (1, 1, "not_started", 0),
        (1, 2, "not_started", 0),
        (1, 3, "not_started", 0),
        (1, 4, "in_progress", 10),
    ]


def test_a_period_with_only_an_end_moves_its_end(demo_cli):
    report = demo_cli.ok("plans", "rollover", "--to", "2571", "--json").json()

    first = report["measures"][0]
    assert [s["number"] for s in first["steps"]] == [2, 3, 4]  # 1.1 is done
    step = first["steps"][2]
    assert step["was"] == {"start": None, "end": "2027-04-30", "text": "ภายใน ๓๐ เม.ย. ๒๕๗๐"}
    assert step["becomes"] == {"start": None, "end": "2028-04-30", "text": "ภายใน ๓๐ เม.ย. ๒๕๗๑"}
    assert [s["status"] for s in first["steps"]] == ["in_progress", "not_started", "not_started"]
    assert first["steps"][0]["percent"] == 60


def test_a_series_that_ended_with_the_old_year_meets_in_the_new_one(cli, session_factory, tmp_path):
    document = demo_document()
    document["meeting_series"][0]["rrule"] = "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE;UNTIL=20270930"
    cli.ok("import", str(write_yaml(tmp_path / "plan.yaml", document)))

    review = cli.ok("plans", "rollover", "--to", "2571", "--json").json()
    with session_factory() as session:
        [series] = session.scalars(select(MeetingSeries)).all()
        assert series.rrule.endswith("UNTIL=20270930")  # the review changed nothing
    written = cli.ok("plans", "rollover", "--to", "2571", "--json", "--yes").json()

    for report in (review, written):
        [note] = report["series"]
        assert note["rrule_before"] == "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE;UNTIL=20270930"
        assert note["rrule"] == "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE;UNTIL=20280930"
        assert note["extended"] is True
        # 1st, 3rd and 5th Wednesdays from 6 Oct 2027 to 27 Sep 2028: 28 meetings.
        assert (note["meetings"], note["first_meeting"]) == (28, "2027-10-06")
    with session_factory() as session:
        [series] = session.scalars(select(MeetingSeries)).all()
        assert series.rrule == "FREQ=MONTHLY;BYDAY=1WE,3WE,5WE;UNTIL=20280930"
        assert series.dues_planned_on is None  # the follow-up planner plans it again
    meetings = cli.ok("meetings", "--from", "2027-10-01", "--to", "2027-10-31", "--json").json()
    assert [m["date"] for m in meetings] == ["2027-10-06", "2027-10-20"]


# --- the service ---------------------------------------------------------------------------------


def test_the_service_on_a_dry_run_adds_nothing_to_the_session(seed_cli, session_factory):
    with session_factory() as session:
        plan = get_plan(session, 1)
        now = datetime.fromisoformat(SEED_NOW)
        report = rollover_plan(
            session, plan, 2567, now=now, actor=rollover_actor(2566, 2567), dry_run=True
        )
        assert not session.new
        assert not session.dirty
        assert report.plan_id is None
        assert [s.number for s in report.steps] == [1, 3, 4, 5, 7]
        assert report.steps[0].becomes.start == date(2023, 11, 1)
        assert report.steps[0].becomes.end == date(2023, 11, 30)
        assert session.scalars(select(Plan)).all() == [plan]


def test_the_service_writes_in_the_callers_transaction(seed_cli, session_factory):
    with session_factory() as session:
        plan = get_plan(session, 1)
        now = datetime.fromisoformat(SEED_NOW)
        report = rollover_plan(session, plan, 2567, now=now, actor=ACTOR, dry_run=False)
        assert report.plan_id is not None
        session.rollback()  # the caller decides: nothing of it stays
    with session_factory() as session:
        assert [p.fiscal_year for p in session.scalars(select(Plan))] == [2566]


@pytest.mark.parametrize(
    ("day", "moved"),
    [
        (date(2022, 11, 15), date(2023, 11, 15)),
        (date(2023, 2, 28), date(2024, 2, 29)),  # a month's last day stays its last day
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2024, 2, 28), date(2025, 2, 28)),
        (date(2023, 9, 30), date(2024, 9, 30)),
    ],
)
def test_a_day_moves_a_year_later_month_for_month(day, moved):
    assert YearShift(2566, 2567).move(day) == moved


def test_a_day_moves_as_many_years_as_lie_between_the_plans():
    assert YearShift(2566, 2568).move(date(2022, 11, 30)) == date(2024, 11, 30)


# --- the web task page ---------------------------------------------------------------------------


def test_the_web_task_page_links_the_years(tmp_path, database_url):
    site: Site = make_site(tmp_path, database_url)
    try:
        with site.session() as session:
            plan = get_plan(session, 1)
            rollover_plan(
                session, plan, 2571, now=site.now, actor=rollover_actor(2570, 2571), dry_run=False
            )
        with site.session() as session:
            new = session.scalars(select(Task).where(Task.carried_from_id == 2)).one().id
        client = site.client(Role.VIEWER)
        page = client.get(f"/tasks/{new}")
        assert page.status_code == 200
        assert "ยกมาจาก" in page.text
        assert 'href="/tasks/2"' in page.text
        assert "ปีงบประมาณ 2570" in page.text
        old = client.get("/tasks/2")
        assert "ยกไปเป็น" in old.text
        assert f'href="/tasks/{new}"' in old.text
        assert client.get("/dashboard").status_code == 200  # the dashboard with two plans
    finally:
        site.close()
