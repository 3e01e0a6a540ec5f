"""Import review in the browser: an upload becomes a draft, shown with every warning beside
the part it is about, corrected on the page, then confirmed into a live plan (or discarded).

What the seed report must yield comes from ../shared/vectors/seed-expected.json
(``SEED_EXPECTED``), read at test time; the report itself from ../shared/seeds. The demo site
(tests/web_support.py) is the uploader's organization. Every test runs on SQLite and, with
TRACKER_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import copy
import io
import re
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import DEMO_PLAN, SEED_EXPECTED, SEED_REPORT
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_support import PASSWORD, Site, csrf_of, login, make_site, site_fixture  # noqa: F401

from tracker.models import (
    ImportDraft,
    MeetingSeries,
    Organization,
    Plan,
    Role,
    Task,
    TaskEvent,
    Unit,
)
from tracker.plandoc import read_plan_document
from tracker.services import access
from tracker.services.organizations import get_organization
from tracker.services.plan_import import import_plan
from tracker.services.units import find_unit

SEED_NAME = SEED_REPORT.name
SEED_BYTES = SEED_REPORT.read_bytes()
EXPECTED_TASKS = SEED_EXPECTED["measures"][0]["tasks"]
FISCAL_YEAR = SEED_EXPECTED["fiscal_year"]
SECRETARIAT = SEED_EXPECTED["units"][0]["name"]  # สำนักงานเลขานุการองค์การบริหารส่วนจังหวัด
EVERY_UNIT = SEED_EXPECTED["units"][1]["name"]
# The report's other spelling of the secretariat (domain.md §4): the unit to merge.
MISSPELLED = "สำนักงานเลขาธิการองค์การบริหารส่วนจังหวัด"
SERIES = SEED_EXPECTED["meeting_series"][0]["name_contains"]  # ประชุมหัวหน้าส่วนราชการ
RENAMED = "สำนักงานเลขานุการ อบจ.แพร่"
OTHER_ORGANIZATION = "เทศบาลตำบลหนองบัวแดง"  # a second, fictional organization
STAFF_FORM_PATHS = ("units/rename", "units/merge", "confirm", "discard")


# --- helpers ---------------------------------------------------------------------------------


def squash(text: str | None) -> str:
    """Text without any whitespace: seed-expected.json compares names this way."""
    return "".join((text or "").split())


class _ElementText(HTMLParser):
    """The text inside the element with a given id (tags dropped, entities read)."""

    VOID = frozenset({"input", "br", "meta", "link", "img", "hr", "source"})

    def __init__(self, wanted: str) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted, self.depth, self.found, self.parts = wanted, 0, False, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.wanted:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def text_of(html: str, element_id: str) -> str:
    """The visible text of the page's element ``element_id``, single-spaced."""
    parser = _ElementText(element_id)
    parser.feed(html)
    assert parser.found, f"the page has no element with id {element_id!r}"
    return " ".join(" ".join(parser.parts).split())


def error_lines(html: str) -> list[str]:
    """The texts of the page's error lines (class "error")."""

    class Lines(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.lines: list[str] = []
            self.inside = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if "error" in (dict(attrs).get("class") or "").split():
                self.inside = 1
                self.lines.append("")
            elif self.inside:
                self.inside += 1

        def handle_endtag(self, tag: str) -> None:
            if self.inside:
                self.inside -= 1

        def handle_data(self, data: str) -> None:
            if self.inside:
                self.lines[-1] += data

    parser = Lines()
    parser.feed(html)
    return [" ".join(line.split()) for line in parser.lines]


def upload(client: TestClient, name: str, data: bytes, **fields: str) -> Any:
    csrf = csrf_of(client.get("/imports").text)
    return client.post(
        "/imports",
        data={"csrf": csrf, **fields},
        files={"file": (name, data, "application/octet-stream")},
    )


def upload_seed(client: TestClient) -> int:
    response = upload(client, SEED_NAME, SEED_BYTES)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/imports/")
    return int(location.rsplit("/", 1)[1])


def post(client: TestClient, path: str, **data: Any) -> Any:
    """A form POST carrying the session's form secret (from the draft list page)."""
    csrf = csrf_of(client.get("/imports").text)
    return client.post(path, data={"csrf": csrf, **data})


def counts(site: Site) -> dict[str, int]:
    with site.session() as session:
        return {
            "plans": session.scalar(select(func.count(Plan.id))) or 0,
            "tasks": session.scalar(select(func.count(Task.id))) or 0,
            "units": session.scalar(select(func.count(Unit.id))) or 0,
            "drafts": session.scalar(select(func.count(ImportDraft.id))) or 0,
        }


def live_series(site: Site) -> tuple[str, str | None, str | None, Any]:
    """The demo organization's one series: rule, text, place, time."""
    with site.session() as session:
        series = session.scalars(select(MeetingSeries)).one()
        return series.rrule, series.text, series.place, series.time_of_day


# --- the draft and its warnings ----------------------------------------------------------------


def test_an_uploaded_report_becomes_a_draft_with_each_warning_beside_its_field(
    site: Site,
) -> None:
    client = site.client(Role.SECRETARIAT)
    before = counts(site)
    demo_series = live_series(site)
    draft_id = upload_seed(client)
    page = client.get(f"/imports/{draft_id}")
    assert page.status_code == 200
    html = page.text

    # The file, read as seed-expected.json says, for the uploader's organization.
    head = text_of(html, "file")
    assert f"ปีงบประมาณ {FISCAL_YEAR}" in head
    assert f"ขั้นตอน {len(EXPECTED_TASKS)}" in head
    assert "องค์การบริหารส่วนตำบลทุ่งดาวเรือง" in head  # the demo site's organization
    assert SEED_EXPECTED["organization"]["name"] in head  # the file's, said to differ
    assessment = SEED_EXPECTED["assessment"]
    assert f"{assessment['score']:.2f} ({assessment['grade']})" in text_of(html, "assessment")
    units = text_of(html, "units")
    for name in (SECRETARIAT, MISSPELLED, EVERY_UNIT):
        assert squash(name) in squash(units)
    series = text_of(html, "series-1")
    assert SERIES in series
    assert SEED_EXPECTED["meeting_series"][0]["rrule"] in series
    assert f"{len(SEED_EXPECTED['meetings_fy2566'])} ครั้งในปีงบประมาณ" in series

    # Each warning beside what it is about: the two spellings at the units, the year of
    # step 5's period at task 1.5 (with the dates used), the indicators at the assessment.
    assert "similar-units" in units
    task5 = EXPECTED_TASKS[4]
    beside_task5 = text_of(html, "task-1-5")
    assert "period-year-mismatch" in beside_task5
    assert f"{task5['start']}..{task5['end']}" in beside_task5
    for other in ("task-1-1", "task-1-4", "units", "series-1"):
        assert "period-year-mismatch" not in text_of(html, other)
    assert "similar-units" not in text_of(html, "task-1-5")
    assert "indicator-tool-label" in text_of(html, "assessment")

    # What confirming would do, from the importer itself: a new plan of 7 tasks, and the
    # demo's series of the same name losing the place the report does not state.
    preview = text_of(html, "preview")
    assert f"+ {len(EXPECTED_TASKS)} ขั้นตอน" in preview
    assert "+ 1 แผน" in preview
    demo_place = read_plan_document(DEMO_PLAN)["meeting_series"][0]["place"]
    assert f"~ series {SERIES}: place {demo_place!r} -> None" in preview

    # Nothing of the draft is in the plan tables: the preview was rolled back.
    after = counts(site)
    assert after == {**before, "drafts": before["drafts"] + 1}
    assert live_series(site) == demo_series
    with site.session() as session:
        assert session.scalars(select(Plan).where(Plan.fiscal_year == FISCAL_YEAR)).all() == []
        organization = get_organization(session, None)
        assert find_unit(session, organization, SECRETARIAT) is None
        draft = session.get(ImportDraft, draft_id)
        assert draft is not None
        assert (draft.organization_id, draft.filename, draft.created_by) == (
            organization.id,
            SEED_NAME,
            "secretary",
        )
        assert draft.confirmed_at is None
        assert draft.plan_id is None

    listing = client.get("/imports").text
    assert f'<a href="/imports/{draft_id}">{SEED_NAME}</a>' in listing
    assert "ร่าง รอตรวจ" in listing


def _correct_the_seed_draft(client: TestClient, draft_id: int) -> None:
    base = f"/imports/{draft_id}"
    steps = [
        (f"{base}/units/rename", {"unit": SECRETARIAT, "name": RENAMED}),
        # The misspelling, named by its key (spacing does not matter), merged into the unit.
        (f"{base}/units/merge", {"source": MISSPELLED, "target": RENAMED}),
        (
            f"{base}/tasks/1/5/period",
            {"period_text": "ม.ค. - เม.ย. ๒๕๖๖", "start": "", "end": "", "dates": "from_text"},
        ),
        (
            f"{base}/tasks/1/1/period",
            {
                "period_text": "๗ - ๒๕ พ.ย. ๒๕๖๕",
                "start": "2022-11-07",
                "end": "2022-11-25",
                "dates": "as_given",
            },
        ),
        (f"{base}/tasks/1/3/units", {"units": [RENAMED]}),
        (f"{base}/series/1/rule", {"text": "ทุกวันพฤหัสบดี สัปดาห์ที่ ๒ และ ๔ ของเดือน"}),
    ]
    for path, data in steps:
        response = post(client, path, **data)
        assert response.status_code == 303, (path, response.text)
        assert response.headers["location"].startswith(f"{base}?saved=")


def test_the_confirmed_plan_holds_exactly_the_corrections_made_on_the_draft(site: Site) -> None:
    client = site.client(Role.SECRETARIAT)
    draft_id = upload_seed(client)
    before = counts(site)
    _correct_the_seed_draft(client, draft_id)

    page = client.get(f"/imports/{draft_id}").text
    units = text_of(page, "units")
    assert "เปลี่ยนชื่อแล้ว" in units
    assert "รวมหน่วยงานแล้ว" in units
    choices = {squash(name) for name in re.findall(r"<option[^>]*>([^<]*)</option>", page)}
    assert choices == {squash(RENAMED), squash(EVERY_UNIT)}  # the misspelling merged away
    task5 = text_of(page, "task-1-5")
    assert "แก้ระยะเวลาแล้ว" in task5
    assert "2023-01-01 – 2023-04-30" in task5
    # Every month has a second and a fourth Thursday: 24 meetings in the fiscal year.
    assert "24 ครั้งในปีงบประมาณ" in text_of(page, "series-1")
    assert counts(site) == before  # corrections are the draft's only

    confirmed = post(client, f"/imports/{draft_id}/confirm")
    assert confirmed.status_code == 303

    with site.session() as session:
        organization = get_organization(session, None)
        plan = session.scalars(
            select(Plan).where(
                Plan.organization_id == organization.id, Plan.fiscal_year == FISCAL_YEAR
            )
        ).one()
        tasks = {t.number: t for m in plan.measures for t in m.tasks}
        assert sorted(tasks) == [t["number"] for t in EXPECTED_TASKS]

        unit = find_unit(session, organization, RENAMED)
        assert unit is not None
        assert unit.name == RENAMED
        assert sorted(squash(a.name) for a in unit.aliases) == sorted(
            [squash(SECRETARIAT), squash(MISSPELLED)]
        )
        assert find_unit(session, organization, MISSPELLED) is unit
        assert find_unit(session, organization, SECRETARIAT) is unit
        every_unit = find_unit(session, organization, EVERY_UNIT)
        assert every_unit is not None
        assert every_unit.all_units

        for expected in EXPECTED_TASKS:
            task = tasks[expected["number"]]
            assert squash(expected["title_contains"]) in squash(task.title)
            want_units = [
                RENAMED if squash(u) == squash(SECRETARIAT) else u for u in expected["units"]
            ]
            if expected["number"] == 3:
                want_units = [RENAMED]
            assert [squash(u.name) for u in task.units] == [squash(u) for u in want_units]
            period = (task.period_text, task.start_date, task.end_date)
            if expected["number"] == 5:  # read from the corrected text: January to April 2566
                assert period == ("ม.ค. - เม.ย. ๒๕๖๖", _d("2023-01-01"), _d("2023-04-30"))
            elif expected["number"] == 1:  # as typed
                assert period == ("๗ - ๒๕ พ.ย. ๒๕๖๕", _d("2022-11-07"), _d("2022-11-25"))
            else:
                assert period == (
                    expected["period_text"],
                    _d(expected["start"]),
                    _d(expected["end"]),
                )
            assert task.status.value == expected["status"]
            assert task.series is not None
            assert task.series.rrule == "FREQ=MONTHLY;BYDAY=2TH,4TH"
            assert task.series.text == "ทุกวันพฤหัสบดี สัปดาห์ที่ ๒ และ ๔ ของเดือน"

        # The importer's audit events, naming the file and who confirmed.
        events = session.scalars(
            select(TaskEvent).where(TaskEvent.task_id.in_([t.id for t in tasks.values()]))
        ).all()
        assert sorted((e.task_id, e.field, e.actor) for e in events) == sorted(
            (t.id, "created", f"import: {SEED_NAME} (secretary)") for t in tasks.values()
        )
        assert {w["code"] for w in plan.warnings} >= {"similar-units", "period-year-mismatch"}

        draft = session.get(ImportDraft, draft_id)
        assert draft is not None
        assert draft.confirmed_at == site.now
        assert draft.plan_id == plan.id

    after = counts(site)
    assert after["plans"] == before["plans"] + 1
    assert after["tasks"] == before["tasks"] + len(EXPECTED_TASKS)
    assert after["units"] == before["units"] + 2  # the renamed secretariat and the group

    page = client.get(f"/imports/{draft_id}").text
    assert "ยืนยันและนำเข้าแล้ว" in text_of(page, "state")
    assert f"+ {len(EXPECTED_TASKS)} ขั้นตอน" in text_of(page, "preview")
    assert f'action="/imports/{draft_id}/confirm"' not in page  # nothing left to do

    # A confirmed draft changes no more.
    for path, data in [
        ("units/rename", {"unit": RENAMED, "name": "อีกชื่อหนึ่ง"}),
        ("tasks/1/2/period", {"period_text": "ธ.ค.๒๕๖๕", "dates": "from_text"}),
        ("series/1/rule", {"text": "ทุกวันจันทร์"}),
        ("confirm", {}),
        ("discard", {}),
    ]:
        refused = post(client, f"/imports/{draft_id}/{path}", **data)
        assert refused.status_code == 409, path
        assert "confirmed" in " ".join(error_lines(refused.text))
    assert counts(site) == after


def _d(text: str | None) -> Any:
    from datetime import date

    return date.fromisoformat(text) if text else None


def test_a_refused_correction_says_why_and_leaves_the_draft_as_it_was(site: Site) -> None:
    client = site.client(Role.SECRETARIAT)
    draft_id = upload_seed(client)
    base = f"/imports/{draft_id}"
    with site.session() as session:
        original = copy.deepcopy(session.get(ImportDraft, draft_id).document)  # type: ignore[union-attr]
    refusals = [
        (
            "tasks/1/2/period",
            {"period_text": "x", "start": "2023-05-01", "end": "2023-01-01"},
            422,
            "ends (2023-01-01) before it starts (2023-05-01)",
        ),
        ("tasks/1/2/period", {"period_text": "บางที", "dates": "from_text"}, 422, "บางที"),
        ("tasks/1/2/units", {}, 422, "choose at least one responsible unit"),
        ("tasks/1/2/units", {"units": ["กองที่ไม่มี"]}, 422, "no unit 'กองที่ไม่มี'"),
        ("tasks/9/1/units", {"units": [SECRETARIAT]}, 404, "no task 9.1"),
        ("units/merge", {"source": SECRETARIAT, "target": SECRETARIAT}, 422, "into itself"),
        ("units/merge", {"source": EVERY_UNIT, "target": SECRETARIAT}, 409, "every-unit group"),
        ("units/rename", {"unit": MISSPELLED, "name": SECRETARIAT}, 409, "already used"),
        ("series/1/rule", {"text": "ทุกสัปดาห์ที่ 2"}, 422, "no weekday"),
        ("series/2/rule", {"text": "ทุกวันจันทร์"}, 404, "no meeting series 2"),
    ]
    for path, data, status, reason in refusals:
        response = post(client, f"{base}/{path}", **data)
        assert response.status_code == status, (path, response.text)
        lines = error_lines(response.text)
        assert len(lines) == 1, (path, lines)
        assert reason in lines[0], (path, lines)
    with site.session() as session:
        assert session.get(ImportDraft, draft_id).document == original  # type: ignore[union-attr]

    # With htmx the line comes alone, for the page to put beside the form.
    csrf = csrf_of(client.get(base).text)
    fragment = client.post(
        f"{base}/series/1/rule",
        data={"text": "ทุกสัปดาห์ที่ 2"},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf},
    )
    assert fragment.status_code == 422
    assert "<html" not in fragment.text
    assert "no weekday" in fragment.text


def test_with_htmx_a_correction_answers_the_draft_body_alone(site: Site) -> None:
    client = site.client(Role.SECRETARIAT)
    draft_id = upload_seed(client)
    csrf = csrf_of(client.get(f"/imports/{draft_id}").text)
    response = client.post(
        f"/imports/{draft_id}/tasks/1/4/units",
        data={"units": [SECRETARIAT, EVERY_UNIT]},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="draft"')
    task = text_of(response.text, "task-1-4")
    assert "แก้ผู้รับผิดชอบแล้ว" in task
    assert "บันทึกแล้ว" in task


# --- discarding ------------------------------------------------------------------------------


def test_a_discarded_draft_is_never_imported_and_no_longer_changes(site: Site) -> None:
    client = site.client(Role.SECRETARIAT)
    draft_id = upload_seed(client)
    before = counts(site)
    response = post(client, f"/imports/{draft_id}/discard")
    assert response.status_code == 303
    with site.session() as session:
        draft = session.get(ImportDraft, draft_id)
        assert draft is not None
        assert draft.discarded_at == site.now
        assert draft.confirmed_at is None
        assert draft.plan_id is None
    page = client.get(f"/imports/{draft_id}").text
    assert "ยกเลิกแล้ว" in text_of(page, "state")
    assert f'action="/imports/{draft_id}/units/rename"' not in page
    for path, data in [
        ("units/merge", {"source": MISSPELLED, "target": SECRETARIAT}),
        ("tasks/1/3/units", {"units": [SECRETARIAT]}),
        ("confirm", {}),
        ("discard", {}),
    ]:
        refused = post(client, f"/imports/{draft_id}/{path}", **data)
        assert refused.status_code == 409, path
        assert "discarded" in " ".join(error_lines(refused.text))
    assert counts(site) == before
    with site.session() as session:
        assert session.scalars(select(Plan).where(Plan.fiscal_year == FISCAL_YEAR)).all() == []


# --- who may do what -------------------------------------------------------------------------


def _every_change(draft_id: int) -> list[tuple[str, dict[str, Any]]]:
    """Every POST of the import review, with data it would accept from staff."""
    base = f"/imports/{draft_id}"
    return [
        (f"{base}/units/rename", {"unit": SECRETARIAT, "name": RENAMED}),
        (f"{base}/units/merge", {"source": MISSPELLED, "target": SECRETARIAT}),
        (f"{base}/tasks/1/5/period", {"period_text": "ม.ค.๒๕๖๖", "dates": "from_text"}),
        (f"{base}/tasks/1/5/units", {"units": [SECRETARIAT]}),
        (f"{base}/series/1/rule", {"text": "ทุกวันจันทร์"}),
        (f"{base}/confirm", {}),
        (f"{base}/discard", {}),
    ]


def test_a_viewer_reads_a_draft_but_every_change_is_refused(site: Site) -> None:
    draft_id = upload_seed(site.client(Role.SECRETARIAT))
    with site.session() as session:
        original = copy.deepcopy(session.get(ImportDraft, draft_id).document)  # type: ignore[union-attr]
    viewer = site.client(Role.VIEWER)
    page = viewer.get(f"/imports/{draft_id}")
    assert page.status_code == 200
    assert "period-year-mismatch" in text_of(page.text, "task-1-5")
    assert f"/imports/{draft_id}/" not in page.text  # no form to change anything
    csrf = csrf_of(page.text)  # the logout form's
    for path, data in _every_change(draft_id):
        refused = viewer.post(path, data=data, headers={"X-CSRF-Token": csrf})
        assert refused.status_code == 403, path
    refused = viewer.post(
        "/imports",
        files={"file": (SEED_NAME, SEED_BYTES, "text/plain")},
        headers={"X-CSRF-Token": csrf},
    )
    assert refused.status_code == 403
    assert viewer.get("/imports").status_code == 403
    with site.session() as session:
        draft = session.get(ImportDraft, draft_id)
        assert draft is not None
        assert draft.document == original
        assert draft.confirmed_at is None
        assert draft.discarded_at is None
        assert session.scalar(select(func.count(ImportDraft.id))) == 1


def _second_organization(site: Site) -> TestClient:
    """A second organization (the demo plan under another name) and its secretary, signed in."""
    document = read_plan_document(DEMO_PLAN)
    document["organization"]["name"] = OTHER_ORGANIZATION
    with site.session() as session:
        import_plan(session, document, now=site.now, actor="import: other organization")
        organization = get_organization(session, OTHER_ORGANIZATION)
        access.add_user(
            session, organization, "other-secretary", PASSWORD, Role.SECRETARIAT, site.now
        )
    client = site.anonymous()
    assert login(client, "other-secretary", PASSWORD).status_code == 303
    return client


def test_another_organizations_draft_is_not_found(site: Site) -> None:
    other = _second_organization(site)
    draft_id = upload_seed(other)
    with site.session() as session:
        draft = session.get(ImportDraft, draft_id)
        organization = get_organization(session, OTHER_ORGANIZATION)
        assert draft is not None
        assert draft.organization_id == organization.id
        assert draft.document["organization"]["name"] == OTHER_ORGANIZATION
        original = copy.deepcopy(draft.document)

    ours = site.client(Role.SECRETARIAT)
    assert ours.get(f"/imports/{draft_id}").status_code == 404
    assert f"/imports/{draft_id}" not in ours.get("/imports").text
    for path, data in _every_change(draft_id):
        assert post(ours, path, **data).status_code == 404, path
    assert site.client(Role.VIEWER).get(f"/imports/{draft_id}").status_code == 404
    with site.session() as session:
        draft = session.get(ImportDraft, draft_id)
        assert draft is not None
        assert draft.document == original
        assert draft.confirmed_at is None
        assert draft.discarded_at is None
    assert other.get(f"/imports/{draft_id}").status_code == 200


def test_a_plan_document_upload_is_imported_for_the_uploaders_organization(site: Site) -> None:
    """The demo plan under another organization's name: the draft is still the uploader's,
    the page says so, and confirming re-imports the demo plan (nothing changes) instead of
    creating an organization."""
    document = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    document["organization"]["name"] = OTHER_ORGANIZATION
    data = yaml.safe_dump(document, allow_unicode=True).encode()
    client = site.client(Role.SECRETARIAT)
    response = upload(client, "แผน-2570.yaml", data)
    assert response.status_code == 303, response.text
    draft_id = int(response.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/imports/{draft_id}").text
    head = text_of(page, "file")
    assert "องค์การบริหารส่วนตำบลทุ่งดาวเรือง" in head
    assert OTHER_ORGANIZATION in head
    assert "ไม่มีอะไรเปลี่ยนแปลง" in text_of(page, "preview")
    before = counts(site)
    assert post(client, f"/imports/{draft_id}/confirm").status_code == 303
    assert counts(site) == before
    with site.session() as session:
        assert session.scalar(select(func.count(Organization.id))) == 1
        draft = session.get(ImportDraft, draft_id)
        assert draft is not None
        assert draft.filename == "แผน-2570.yaml"
        assert draft.plan_id == session.scalars(select(Plan.id)).one()


def _agency_sheet() -> bytes:
    """An agency's own measure sheet naming neither its organization nor its fiscal year:
    the measure and the follow-up merged over the two step rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [
        ["แผนปฏิบัติการส่งเสริมคุณธรรมและความโปร่งใส"],
        [],
        ["มาตรการ/แนวทาง", "วิธีการดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลาการดำเนินการ", "การติดตามผล"],
        [
            "เปิดเผยข้อมูลการจัดซื้อจัดจ้าง",
            "1. แต่งตั้งคณะทำงาน",
            "กองคลัง",
            "ต.ค. 2567",
            "รายงานผลในการประชุมพนักงาน ทุกวันจันทร์",
        ],
        [None, "2. อบรมเจ้าหน้าที่", "กองช่าง", "ไตรมาสที่ 2", None],
    ]:
        sheet.append(row)
    sheet.merge_cells("A4:A5")
    sheet.merge_cells("E4:E5")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_spreadsheet_is_read_for_the_uploaders_organization_and_the_year_given(
    site: Site,
) -> None:
    client = site.client(Role.SECRETARIAT)
    sheet = _agency_sheet()
    refused = upload(client, "แผน.xlsx", sheet)
    assert refused.status_code == 422
    [line] = error_lines(refused.text)
    assert line.startswith("แผน.xlsx: the sheet does not give the fiscal year")

    before = counts(site)
    response = upload(client, "แผน.xlsx", sheet, fiscal_year="2568")
    assert response.status_code == 303, response.text
    draft_id = int(response.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/imports/{draft_id}").text
    assert "ตารางแผน" in text_of(page, "state")
    assert "ปีงบประมาณ 2568" in text_of(page, "file")
    assert post(client, f"/imports/{draft_id}/confirm").status_code == 303
    with site.session() as session:
        plan = session.scalars(select(Plan).where(Plan.fiscal_year == 2568)).one()
        assert plan.organization.name == "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"
        tasks = sorted((t for m in plan.measures for t in m.tasks), key=lambda t: t.number)
        # October 2567 BE is October 2024; quarter 2 of fiscal year 2568 is January-March 2025.
        assert [(t.start_date, t.end_date) for t in tasks] == [
            (_d("2024-10-01"), _d("2024-10-31")),
            (_d("2025-01-01"), _d("2025-03-31")),
        ]
        assert [[u.name for u in t.units] for t in tasks] == [["กองคลัง"], ["กองช่าง"]]
        assert tasks[0].series is not None
        assert tasks[0].series.rrule == "FREQ=WEEKLY;BYDAY=MO"
    assert counts(site)["units"] == before["units"]  # the demo's own units, found by name


# --- bad files -------------------------------------------------------------------------------


BAD_FILES = [
    ("plan.pdf", b"%PDF-1.4\n%%EOF\n", "plan.pdf: not a readable PDF"),
    ("plan.odt", b"PK\x03\x04", "plan.odt: unknown file type '.odt'"),
    ("plan.docx", b"%PDF-1.4\n", "plan.docx: not a Word document (.docx): it is a PDF"),
    ("noname", b"plain", "noname: unknown file type '(none)'"),
    ("report.txt", b"\xff\xfe not utf-8", "report.txt:1: not UTF-8 text"),
    ("empty.txt", b"", "empty.txt: the file is empty"),
    ("notes.md", "บันทึกการประชุม\n".encode(), "notes.md: not an ITA analysis report"),
    ("plan.yaml", b"schema: [unclosed\n", "plan.yaml:2: not valid YAML"),
    ("plan.json", b'{"schema": "ita-tracker/plan@1"}', "plan.json:1: 'organization' is missing"),
    ("plan.xlsx", b"PK\x03\x04 not a workbook", "plan.xlsx: not an Excel workbook"),
    # Only the name's last part is kept: no folder of the sender's machine, none of ours.
    ("../../etc/report.txt", b"\x00", "report.txt:1: "),
]


def test_a_bad_file_gives_one_line_above_the_form_and_no_draft(site: Site) -> None:
    client = site.client(Role.SECRETARIAT)
    before = counts(site)
    for name, data, reason in BAD_FILES:
        response = upload(client, name, data)
        assert 400 <= response.status_code < 500, name
        lines = error_lines(response.text)
        assert len(lines) == 1, (name, lines)
        assert lines[0].startswith(reason), (name, lines[0])
        assert tempfile.gettempdir() not in response.text  # the server's copy is never named
        assert 'action="/imports"' in response.text  # said above the form, to try again
    assert counts(site) == before


@pytest.fixture(name="small_site")
def small_site_fixture(tmp_path: Path, database_url: str) -> Iterator[Site]:
    """The demo site taking uploads of at most 20 kB (the seed report is larger)."""
    made = make_site(tmp_path, database_url, upload_max_mb=0.02)
    yield made
    made.close()


def test_a_file_over_the_upload_limit_gives_one_line_and_no_draft(small_site: Site) -> None:
    assert len(SEED_BYTES) > 0.02 * 1024 * 1024
    client = small_site.client(Role.SECRETARIAT)
    response = upload(client, SEED_NAME, SEED_BYTES)
    assert response.status_code == 422
    lines = error_lines(response.text)
    assert len(lines) == 1
    assert lines[0].startswith(f"{SEED_NAME}: ")
    assert "more than an upload may be" in lines[0]
    assert counts(small_site)["drafts"] == 0


# --- PDF and Word files, and a report of results alone ------------------------------------------

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "reports"


@pytest.mark.parametrize("name", ["report-e.docx", "report-g.pdf"])
def test_a_word_or_pdf_report_uploads_as_a_draft_and_confirms_into_its_plan(
    site: Site, name: str
) -> None:
    # report-e (Word) holds 6 steps for fiscal year 2568; report-g (PDF from LibreOffice) 7
    # steps for 2569: counted by hand in examples/reports/report-e.txt and report-g.txt.
    fiscal_year, steps = {"report-e.docx": (2568, 6), "report-g.pdf": (2569, 7)}[name]
    client = site.client(Role.SECRETARIAT)
    before = counts(site)
    response = upload(client, name, (EXAMPLES / name).read_bytes())
    assert response.status_code == 303, response.text
    draft_id = int(response.headers["location"].rsplit("/", 1)[1])

    head = text_of(client.get(f"/imports/{draft_id}").text, "file")
    assert f"ปีงบประมาณ {fiscal_year}" in head
    assert f"ขั้นตอน {steps}" in head

    assert post(client, f"/imports/{draft_id}/confirm").status_code == 303
    assert counts(site)["tasks"] == before["tasks"] + steps


def test_a_report_of_results_alone_shows_it_has_no_measure_table_yet(site: Site) -> None:
    client = site.client(Role.SECRETARIAT)
    response = upload(client, "report-k.txt", (EXAMPLES / "report-k.txt").read_bytes())
    assert response.status_code == 303, response.text
    draft_id = int(response.headers["location"].rsplit("/", 1)[1])

    html = client.get(f"/imports/{draft_id}").text
    assert "no-measure-table" in html
    assert "93.18 (A)" in text_of(html, "assessment")  # its overall score and grade
