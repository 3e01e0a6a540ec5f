"""Offices and the overview of many organizations: who oversees whom (and no cycle), an
office's subtree at any depth, and each organization's figures, on SQLite and PostgreSQL.

Expected figures are worked out from examples/demo-plan.yaml by hand (the comments say how),
and checked against the dashboard's own rules (tracker/web/dashboard.py, which reads the same
data through the ORM task by task) after changes that move them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from conftest import DEMO_PLAN
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import open_database, unit_of_work
from tracker.errors import Refused
from tracker.models import Organization, Task
from tracker.plandoc import read_plan_document
from tracker.services import offices
from tracker.services.meetings import cancel_meeting, get_series
from tracker.services.organizations import get_organization
from tracker.services.plan_import import import_plan
from tracker.services.tasks import Actor, is_responsible, set_progress
from tracker.services.units import get_unit, list_units, merge_units
from tracker.textkey import lookup_key
from tracker.web import dashboard

DEMO = "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"
NOW = datetime.fromisoformat("2026-12-14T09:30:00+07:00")  # a Monday; last meeting 2 Dec
SERIES = "ประชุมหัวหน้าส่วนราชการ"


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    made = open_database(database_url)
    yield made
    made.kw["bind"].dispose()


def demo_document(
    name: str = DEMO, score: float | None = 85.97, year: int = 2570
) -> dict[str, Any]:
    """The demo plan as another organization's (its name in the unit group's name too)."""
    text = json.dumps(read_plan_document(DEMO_PLAN), ensure_ascii=False)
    document: dict[str, Any] = json.loads(text.replace(DEMO, name))
    document["fiscal_year"] = year
    document["assessment"]["score"] = score
    return document


def add_org(session: Session, name: str, office: Organization | None = None) -> Organization:
    organization = Organization(name=name, key=lookup_key(name), office=office)
    session.add(organization)
    session.flush()
    return organization


def row_of(found: offices.Overview, name: str) -> offices.OrganizationState:
    return next(s for s in found.organizations if s.name == name)


def task_by_ref(session: Session, measure: int, number: int) -> Task:
    return next(
        t
        for t in session.query(Task)
        if t.measure.position == measure
        and t.number == number
        and t.measure.plan.organization.name == DEMO
    )


# --- who oversees whom ------------------------------------------------------------------------


def test_an_office_sees_its_whole_subtree_at_any_depth_and_nothing_beside_it(factory):
    with unit_of_work(factory) as session:
        nation = add_org(session, "สำนักงานส่วนกลาง")
        north, south = add_org(session, "จังหวัดเหนือ", nation), add_org(session, "จังหวัดใต้", nation)
        a = add_org(session, "อบต.ก", north)
        b = add_org(session, "อบต.ข", south)
        ids = {o.name: o.id for o in (nation, north, south, a, b)}
    with unit_of_work(factory) as session:
        seen = {
            s.name
            for s in offices.overview(
                session, date(2026, 12, 14), office_id=ids["จังหวัดเหนือ"]
            ).organizations
        }
        assert seen == {"จังหวัดเหนือ", "อบต.ก"}
        everything = offices.overview(session, date(2026, 12, 14), office_id=ids["สำนักงานส่วนกลาง"])
        assert {s.name for s in everything.organizations} == set(ids)
        assert offices.oversees(session, ids["จังหวัดใต้"])
        assert not offices.oversees(session, ids["อบต.ข"])
        assert offices.in_subtree(session, ids["สำนักงานส่วนกลาง"], ids["อบต.ข"])
        assert not offices.in_subtree(session, ids["จังหวัดเหนือ"], ids["อบต.ข"])


def test_a_cycle_written_by_another_client_does_not_make_the_subtree_loop(factory):
    with unit_of_work(factory) as session:
        one, two = add_org(session, "หนึ่ง"), add_org(session, "สอง")
        session.execute(
            text("UPDATE organizations SET office_id = :b WHERE id = :a"),
            {"a": one.id, "b": two.id},
        )
        session.execute(
            text("UPDATE organizations SET office_id = :a WHERE id = :b"),
            {"a": one.id, "b": two.id},
        )
        found = offices.overview(session, date(2026, 12, 14), office_id=one.id)
        assert sorted(s.name for s in found.organizations) == sorted(["หนึ่ง", "สอง"])


def test_set_office_refuses_every_cycle_and_clears_with_none(factory):
    with unit_of_work(factory) as session:
        nation = add_org(session, "ส่วนกลาง")
        province = add_org(session, "จังหวัด", nation)
        agency = add_org(session, "อบต.", province)
        for organization, office in ((nation, nation), (nation, agency), (province, agency)):
            with pytest.raises(Refused, match=r"cycle|itself"):
                offices.set_office(session, organization, office)
        assert nation.office_id is None
        offices.set_office(session, agency, nation)  # moving up a level is no cycle
        assert agency.office_id == nation.id
        offices.set_office(session, agency, None)
        assert agency.office_id is None


def test_the_cli_sets_lists_and_refuses_in_one_line(demo_cli, database_url):
    made = open_database(database_url)
    with unit_of_work(made) as session:
        add_org(session, "สำนักงานจังหวัดทดสอบ")
        add_org(session, "สำนักงานส่วนกลางทดสอบ")
    made.kw["bind"].dispose()
    said = demo_cli.ok("organizations", "office", DEMO, "--office", "สำนักงานจังหวัดทดสอบ")
    assert said.stdout == f"{DEMO}: กำกับดูแลโดย สำนักงานจังหวัดทดสอบ\n"
    demo_cli.ok("organizations", "office", "สำนักงานจังหวัดทดสอบ", "--office", "สำนักงานส่วนกลางทดสอบ")
    listed = {r["name"]: r for r in demo_cli.ok("organizations", "--json").json()}
    assert listed[DEMO]["office"] == "สำนักงานจังหวัดทดสอบ"
    assert listed["สำนักงานจังหวัดทดสอบ"]["oversees"] == 1
    assert listed["สำนักงานส่วนกลางทดสอบ"]["oversees"] == 1
    assert listed[DEMO]["oversees"] == 0

    cycle = demo_cli("organizations", "office", "สำนักงานส่วนกลางทดสอบ", "--office", DEMO)
    line = cycle.error_line(1)
    assert "cycle" in line
    assert "'สำนักงานส่วนกลางทดสอบ'" in line
    both = demo_cli("organizations", "office", DEMO, "--office", "สำนักงานส่วนกลางทดสอบ", "--none")
    assert "--none" in both.error_line(2)
    assert "--office" in demo_cli("organizations", "office", DEMO).error_line(2)
    unknown = demo_cli("organizations", "office", "ไม่มี", "--none").error_line(1)
    assert "no organization 'ไม่มี'" in unknown
    assert unknown.endswith("(see `tracker organizations`)")  # the command that lists them
    cleared = demo_cli.ok("--lang", "en", "organizations", "office", DEMO, "--none")
    assert cleared.stdout == f"{DEMO}: no office\n"


# --- the figures ------------------------------------------------------------------------------


def test_the_demo_plans_figures_worked_out_by_hand(factory):
    with unit_of_work(factory) as session:
        import_plan(session, read_plan_document(DEMO_PLAN), now=NOW, actor="import: demo")
    with unit_of_work(factory) as session:
        row = row_of(offices.overview(session, NOW.date()), DEMO)
    # 8 steps, none cancelled; 1.1 done; percents 100 + 60 (1.2) + 10 (2.4) = 170, / 8 = 21.25.
    assert (row.counted, row.done, row.percent) == (8, 1, round(170 / 8, 1))
    assert row.overdue == 1  # 1.2 ended 30 Nov 2569, in progress; 1.1 ended earlier but is done
    # Started, open, followed steps on 14 Dec: 1.2-1.4, 2.1, 2.2 and 2.4 (every unit's): the
    # four real units; none has changed anything (the import is no unit).
    assert (row.units_followed, row.units_not_updated) == (4, 4)
    assert row.last_meeting == date(2026, 12, 2)  # 1st Wednesday; 16 Dec is still to come
    assert (row.score, row.score_year, row.grade) == (85.97, 2569, "A")
    assert row.fiscal_year == 2570
    assert row.plan_id is not None


def _same_as_dashboard(session: Session, day: date) -> offices.OrganizationState:
    """The overview's row of the demo organization, asserted equal to the dashboard's figures."""
    row = row_of(offices.overview(session, day), DEMO)
    board = dashboard.dashboard(session, get_organization(session, DEMO), day)
    assert (row.done, row.counted, row.percent) == (
        board.overall.done,
        board.overall.total,
        board.overall.mean,
    )
    assert row.overdue == len(board.overdue)
    silent = {u.unit.id for s in board.silence for u in s.units}
    organization = get_organization(session, DEMO)
    followed = {
        unit.id
        for task in dashboard.organization_tasks(session, organization.id, day, plan=board.plan)
        if task.series_id is not None
        and not task.status.is_closed
        and (task.start_date is None or task.start_date <= day)
        for unit in list_units(session, organization)
        if not unit.all_units and is_responsible(task, unit)
    }
    assert (row.units_not_updated, row.units_followed) == (len(silent), len(followed))
    return row


def test_updates_merges_and_a_cancelled_meeting_move_the_figures_as_the_dashboard_says(factory):
    with unit_of_work(factory) as session:
        import_plan(session, read_plan_document(DEMO_PLAN), now=NOW, actor="import: demo")
    with unit_of_work(factory) as session:
        organization = get_organization(session, DEMO)
        finance = get_unit(session, organization, "กองคลัง")
        education = get_unit(session, organization, "กองการศึกษา ศาสนาและวัฒนธรรม")
        # After the 2 Dec meeting: กองคลัง on its own step 1.3, กองการศึกษา on 2.4 (every
        # unit's, so its own through the group).
        set_progress(session, task_by_ref(session, 1, 3), Actor(finance), 20, NOW)
        set_progress(session, task_by_ref(session, 2, 4), Actor(education), 30, NOW)
    with unit_of_work(factory) as session:
        row = _same_as_dashboard(session, NOW.date())
        assert (row.units_followed, row.units_not_updated) == (4, 2)  # สำนักปลัด, กองช่าง

    with unit_of_work(factory) as session:  # กองช่าง reports on 2.1, then joins กองคลัง
        organization = get_organization(session, DEMO)
        works = get_unit(session, organization, "กองช่าง")
        set_progress(session, task_by_ref(session, 2, 1), Actor(works), 10, NOW)
        merge_units(
            session, works, get_unit(session, organization, "กองคลัง"), actor="test", now=NOW
        )
    with unit_of_work(factory) as session:
        row = _same_as_dashboard(session, NOW.date())
        assert (row.units_followed, row.units_not_updated) == (3, 1)  # only สำนักปลัด

    # On 21 Dec the 16 Dec meeting is the last: every change above (14 Dec) is before it.
    later = date(2026, 12, 21)
    with unit_of_work(factory) as session:
        row = _same_as_dashboard(session, later)
        assert row.last_meeting == date(2026, 12, 16)
        assert row.units_not_updated == 3
        cancel_meeting(
            session,
            get_series(session, get_organization(session, DEMO), SERIES),
            date(2026, 12, 16),
        )
    with unit_of_work(factory) as session:  # called off: 2 Dec is the last again
        row = _same_as_dashboard(session, later)
        assert row.last_meeting == date(2026, 12, 2)
        assert row.units_not_updated == 1


def test_a_change_counts_for_the_unit_at_the_end_of_a_chain_of_merges(factory):
    with unit_of_work(factory) as session:
        import_plan(session, read_plan_document(DEMO_PLAN), now=NOW, actor="import: demo")
    with unit_of_work(factory) as session:
        organization = get_organization(session, DEMO)
        works = get_unit(session, organization, "กองช่าง")
        finance = get_unit(session, organization, "กองคลัง")
        # กองช่าง reports on its step 2.1 after the 2 Dec meeting, then joins กองคลัง, which
        # then joins สำนักปลัด: 2.1 is สำนักปลัด's now, and so is the change (two merges on).
        set_progress(session, task_by_ref(session, 2, 1), Actor(works), 10, NOW)
        merge_units(session, works, finance, actor="test", now=NOW)
        merge_units(
            session, finance, get_unit(session, organization, "สำนักปลัด"), actor="test", now=NOW
        )
    with unit_of_work(factory) as session:
        row = _same_as_dashboard(session, NOW.date())
    # Left: สำนักปลัด (updated through the chain) and กองการศึกษา (nothing since 2 Dec).
    assert (row.units_followed, row.units_not_updated) == (2, 1)


def test_the_current_plan_is_the_latest_up_to_the_day_else_the_earliest_after(factory):
    with unit_of_work(factory) as session:
        import_plan(session, demo_document(year=2570), now=NOW, actor="import: demo")
        import_plan(session, demo_document(year=2571), now=NOW, actor="import: demo")
    with unit_of_work(factory) as session:
        years = {
            day: row_of(offices.overview(session, day), DEMO).fiscal_year
            for day in (date(2026, 12, 14), date(2027, 10, 1), date(2030, 1, 1), date(2025, 1, 1))
        }
    # FY2570 runs Oct 2026 - Sep 2027; in 2030 the latest (2571); in 2025 both lie later.
    assert years == {
        date(2026, 12, 14): 2570,
        date(2027, 10, 1): 2571,
        date(2030, 1, 1): 2571,
        date(2025, 1, 1): 2570,
    }


def test_the_latest_score_and_the_summary_against_the_national_target(factory):
    scores = {"อบต.หนึ่ง": 90.0, "อบต.สอง": 86.5, "อบต.สาม": 85.0, "อบต.สี่": 70.25}
    with unit_of_work(factory) as session:
        for name, score in scores.items():
            import_plan(session, demo_document(name, score), now=NOW, actor="import")
        # อบต.หนึ่ง's later assessment has no score yet: its 2569 score stays the latest.
        later = demo_document("อบต.หนึ่ง", None, year=2571)
        later["assessment"]["year"] = 2570
        import_plan(session, later, now=NOW, actor="import")
        add_org(session, "สำนักงานไม่มีคะแนน")
    with unit_of_work(factory) as session:
        found = offices.overview(session, NOW.date())
    assert row_of(found, "อบต.หนึ่ง").score_year == 2569
    assert {s.name: s.score for s in found.organizations} == {**scores, "สำนักงานไม่มีคะแนน": None}
    # 5 organizations, 4 scored, 3 of them at 85 or more (85.00 counts): 75 % < 80 %.
    assert (found.summary.organizations, found.summary.scored, found.summary.passing) == (5, 4, 3)
    assert found.summary.share == 0.75
    assert not found.summary.target_met
    assert offices.summarize(found.organizations[:0]).share is None
    met = offices.Summary(organizations=5, scored=5, passing=4)
    assert met.share == 0.8
    assert met.target_met


def test_the_overview_of_every_organization_through_the_cli(demo_cli, database_url):
    made = open_database(database_url)
    with unit_of_work(made) as session:
        import_plan(session, demo_document("อบต.คะแนนต่ำ", 70.0), now=NOW, actor="import")
    made.kw["bind"].dispose()
    document = demo_cli.ok("overview", "--all", "--as-of", "2026-12-14", "--json").json()
    assert document["as_of"] == "2026-12-14"
    assert [r["name"] for r in document["organizations"]] == sorted([DEMO, "อบต.คะแนนต่ำ"])
    demo = next(r for r in document["organizations"] if r["name"] == DEMO)
    assert demo["completion"] == {"done": 1, "total": 8, "percent": 21.2}
    assert demo["overdue"] == 1
    assert demo["last_meeting"] == "2026-12-02"
    assert document["summary"] == {
        "organizations": 2,
        "scored": 2,
        "pass_score": 85.0,
        "passing": 1,
        "share": 0.5,
        "target_share": 0.8,
        "target_met": False,
    }
    table = demo_cli.ok("overview", "--all", "--as-of", "2026-12-14").stdout
    assert DEMO in table
    assert "อบต.คะแนนต่ำ" in table
    assert table.rstrip().splitlines()[-1] == (
        "2 หน่วยงาน · มีคะแนน ITA 2 · ได้ 85 ขึ้นไป 1 (50.0%) · เป้าหมายระดับประเทศ 80% ของหน่วยงาน: ยังไม่ถึง"
    )
    both = demo_cli("overview", "--all", "--plan", "1")
    assert "not both" in both.error_line(2)


def cells_at(line: str, starts: list[int]) -> list[str]:
    """The line cut at these terminal-cell offsets (Thai marks take no cell), each stripped."""
    from rich.cells import cell_len

    cut, at, k = [""] * len(starts), 0, 0
    for char in line:
        while k + 1 < len(starts) and at >= starts[k + 1]:
            k += 1
        cut[k] += char
        at += cell_len(char)
    return [c.strip() for c in cut]


def test_past_plain_rows_the_overview_prints_one_aligned_line_per_organization(
    demo_cli, database_url, monkeypatch
):
    from tracker.cli import plans

    made = open_database(database_url)
    with unit_of_work(made) as session:
        import_plan(session, demo_document("อบต.คะแนนต่ำ", 70.0), now=NOW, actor="import")
    made.kw["bind"].dispose()
    monkeypatch.setattr(plans, "PLAIN_ROWS", 2)  # two organizations: still the Rich table
    assert "│" in demo_cli.ok("overview", "--all", "--as-of", "2026-12-14").stdout
    monkeypatch.setattr(plans, "PLAIN_ROWS", 1)
    lines = demo_cli.ok("--lang", "en", "overview", "--all", "--as-of", "2026-12-14").stdout
    title, heading, rule, *rows, summary = lines.rstrip("\n").split("\n")
    assert "│" not in lines  # no Rich table
    assert title == "All organizations, as of 14 Dec 2026"
    columns = [
        "Organization",
        "Fiscal year",
        "Completion",
        "Overdue",
        "Not updated since the last meeting",
        "ITA score",
    ]
    starts = [heading.index(c) for c in columns]  # the heading is ASCII: index = cell
    assert cells_at(heading, starts) == columns
    assert cells_at(rule, starts) == ["-" * len(c) for c in columns]
    # Both plans are the demo plan (see test_the_demo_plans_figures_worked_out_by_hand), the
    # 2569 scores 85.97 and 70.00; rows by name (องค์การ before อบต.: ง U+0E07 < บ U+0E1A).
    assert [cells_at(row, starts) for row in rows] == [
        [DEMO, "2570", "21.2% · done 1/8", "1", "4 of 4 units", "85.97 (2569)"],
        ["อบต.คะแนนต่ำ", "2570", "21.2% · done 1/8", "1", "4 of 4 units", "70.00 (2569)"],
    ]
    assert all(line == line.rstrip() for line in (heading, rule, *rows))
    assert summary.startswith("2 organizations · 2 with an ITA score · 1 at 85 or more (50.0%)")
