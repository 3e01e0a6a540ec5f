"""The implementation report (รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส
ภายในหน่วยงาน): its period, every field of the seed's after a scripted half-year of updates,
the demo plan's annual report, and the document it prints as.

The half-year is written below as the secretariat of Phrae PAO might have lived it, through
the services (with explicit moments, Asia/Bangkok), including changes after 31 March 2023 that
a report as of that day must not show. Every expected value is worked out by hand from that
script, the seed's periods (../shared/vectors/seed-expected.json) and the report's rules
(tracker/reports/implementation.py's docstring); none is copied from the code's output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import DEMO_PLAN, SEED_EXPECTED
from followup_support import Seed, seed_fixture, squash  # noqa: F401
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import unit_of_work
from tracker.errors import InvalidInput
from tracker.models import Plan, Task, Unit
from tracker.reports.document import BarChart, FillIn, Link, Paragraph, Signatures, Table
from tracker.reports.implementation import (
    ImplementationReport,
    build_implementation_report,
    implementation_document,
    implementation_period,
)
from tracker.services.evidence import add_evidence_file
from tracker.services.plan_import import import_plan
from tracker.services.tasks import Actor, add_note, get_task, mark_done, reopen, set_progress

BKK = ZoneInfo("Asia/Bangkok")
PDF_BYTES = b"%PDF-1.4\n% a stand-in for a scanned order\n%%EOF\n"

ORGANIZATION = SEED_EXPECTED["organization"]["name"]  # องค์การบริหารส่วนจังหวัดแพร่
SECRETARIAT = "สำนักงานเลขานุการองค์การบริหารส่วนจังหวัด"
# The every-unit group keeps the spelling the seed first gives it (its list of steps, with a
# space that seed-expected.json leaves out): a report prints a unit's name as it is stored.
EVERY_UNIT = "ทุกส่วนราชการในสังกัด องค์การบริหารส่วนจังหวัดแพร่"
SEED_STEPS = SEED_EXPECTED["measures"][0]["tasks"]
TITLE = "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"

# What the units wrote (the script's notes and links), named so the expectations can say
# which of them a report shows.
N1A = "ร่างคำสั่งแต่งตั้งคณะทำงานขับเคลื่อน ITA ประจำปี ๒๕๖๖ แล้ว รอนายก อบจ. ลงนาม"
N1B = "นายก อบจ.แพร่ ลงนามคำสั่งแต่งตั้งคณะทำงานแล้ว และเวียนแจ้งทุกส่วนราชการ"
URL1 = "https://www.pprao.example.go.th/ita/2566/working-group-order.pdf"
FILE1 = "คำสั่งแต่งตั้งคณะทำงาน ITA 2566.pdf"
N2A = "แบ่งงานตัวชี้วัดที่ ๙ แล้ว ตัวชี้วัดที่ ๑๐ ยังรอข้อมูลจากกองคลัง"
N2B = "กองคลังส่งข้อมูลครบ แบ่งงานตัวชี้วัดที่ ๑๐ เรียบร้อย"
N3A = "รายงานผล IIT EIT OIT ในที่ประชุมหัวหน้าส่วนราชการ ครั้งที่ ๑/๒๕๖๖"
N3B = "ติดตามครั้งที่ ๒/๒๕๖๖ ข้อมูล OIT ขึ้นเว็บไซต์แล้ว ๓๐ ข้อ จาก ๓๓ ข้อ"
URL3 = "https://www.pprao.example.go.th/ita/2566/heads-meeting-2.pdf"
N4A = "เผยแพร่ผลการดำเนินงานทางเว็บไซต์และเพจของ อบจ. แล้ว"
URL4 = "https://www.pprao.example.go.th/news/ita-2566"
N4B = "เพจของ อบจ. ถูกระงับชั่วคราว ต้องเผยแพร่ซ้ำเมื่อได้เพจคืน"
N5A = "ขออนุมัติโครงการฝึกอบรมธรรมาภิบาลแล้ว รอจัดสรรงบประมาณ"
N5B = "งบประมาณยังไม่ได้รับจัดสรร จึงยังจัดอบรมไม่ได้"  # 31 Mar 2023, 23:30 in Bangkok
N5C = "เลื่อนการอบรมเป็นต้นเดือนเมษายน ๒๕๖๖"  # 1 Apr 2023, 00:10 in Bangkok: 31 Mar in UTC
N5D = "จัดอบรมธรรมาภิบาลแก่บุคลากรแล้ว ๑๒๐ คน"
URL5 = "https://www.pprao.example.go.th/ita/2566/training-photos"
FILE5 = "รายชื่อผู้เข้าอบรม.pdf"
N6 = "เข้าร่วมประชุมเชิงปฏิบัติการออนไลน์ของจังหวัดแพร่"
URL6 = "https://www.pprao.example.go.th/ita/2566/workshop.jpg"


def at(moment: str) -> datetime:
    """A wall-clock moment in Bangkok."""
    return datetime.fromisoformat(moment).replace(tzinfo=BKK)


class Secretariat:
    """The secretariat of the seed changing its steps through the services, one transaction
    per change, as the CLI and the web app do."""

    def __init__(self, factory: sessionmaker[Session], seed: Seed, files: Path):
        self.factory, self.seed, self.files = factory, seed, files

    def _run(self, number: int, change: Callable[[Session, Task, Actor], object]) -> None:
        with unit_of_work(self.factory) as session:
            task = get_task(session, self.seed.task_ids[number], for_update=True)
            unit = session.get(Unit, self.seed.unit_id)
            assert unit is not None
            change(session, task, Actor(unit))

    def progress(self, number: int, percent: int, when: str, **extra: str) -> None:
        self._run(number, lambda s, t, a: set_progress(s, t, a, percent, at(when), **extra))

    def done(self, number: int, when: str, **extra: str) -> None:
        self._run(number, lambda s, t, a: mark_done(s, t, a, at(when), **extra))

    def note(self, number: int, when: str, note: str) -> None:
        self._run(number, lambda s, t, a: add_note(s, t, a, at(when), note=note))

    def reopen(self, number: int, when: str, note: str) -> None:
        self._run(number, lambda s, t, a: reopen(s, t, a, at(when), note=note))

    def upload(self, number: int, when: str, filename: str) -> None:
        self._run(
            number,
            lambda s, t, a: add_evidence_file(
                s,
                t,
                a,
                at(when),
                filename=filename,
                data=PDF_BYTES,
                root=self.files,
                max_bytes=1_000_000,
            ),
        )


@pytest.fixture
def half_year(
    session_factory: sessionmaker[Session], seed: Seed, tmp_path: Path
) -> sessionmaker[Session]:
    """The seed after its first half-year (Oct 2022 – Mar 2023), and a few days of April."""
    unit = Secretariat(session_factory, seed, tmp_path)
    unit.done(6, "2022-10-20T15:00", note=N6, evidence_url=URL6)
    unit.progress(1, 50, "2022-11-02T10:00", note=N1A)
    unit.done(1, "2022-11-15T14:00", note=N1B, evidence_url=URL1)
    unit.upload(1, "2022-11-15T14:05", FILE1)
    unit.progress(2, 30, "2022-11-21T09:00", note=N2A)
    unit.progress(3, 40, "2022-12-07T11:00", note=N3A)
    unit.done(4, "2023-01-10T16:00", note=N4A, evidence_url=URL4)
    unit.reopen(4, "2023-01-20T09:30", N4B)
    unit.progress(3, 60, "2023-02-01T11:00", note=N3B, evidence_url=URL3)
    unit.progress(4, 80, "2023-02-15T10:00")
    unit.progress(5, 20, "2023-02-20T13:00", note=N5A)
    unit.note(5, "2023-03-31T23:30", N5B)
    # After the end of 31 March 2023 in Bangkok: no report as of that day shows these.
    unit.note(5, "2023-04-01T00:10", N5C)
    unit.done(2, "2023-04-03T10:00", note=N2B)
    unit.done(5, "2023-04-05T15:00", note=N5D, evidence_url=URL5)
    unit.upload(5, "2023-04-05T15:10", FILE5)
    return session_factory


def report_of(factory: sessionmaker[Session], as_of: date, **options: Any) -> ImplementationReport:
    with factory() as session:
        plan = session.scalars(select(Plan)).one()
        return build_implementation_report(session, plan, as_of=as_of, **options)


def steps_of(report: ImplementationReport) -> dict[str, dict[str, Any]]:
    return {step.ref: asdict(step) for m in report.measures for step in m.steps}


def notes(
    *entries: tuple[str, str], reopened: str | None = None, done: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Result entries, all by the secretariat: (ISO day, text)."""
    return [
        {
            "date": day,
            "unit": SECRETARIAT,
            "text": text,
            "reopened": text == reopened,
            "marked_done": text in done,
        }
        for day, text in entries
    ]


def link(day: str, url: str) -> dict[str, str | None]:
    return {"date": day, "text": url, "url": url, "kind": "link"}


def file(day: str, name: str, url: str | None = None) -> dict[str, str | None]:
    return {"date": day, "text": name, "url": url, "kind": "file"}


# The seed's steps on 31 March 2023 (end of day, Bangkok), worked out from the script above.
ON_31_MARCH = {
    "1.1": {
        "status": "done",
        "percent": 100,
        "late": False,
        "result": notes(("2022-11-02", N1A), ("2022-11-15", N1B), done=(N1B,)),
        "evidence": [link("2022-11-15", URL1), file("2022-11-15", FILE1)],
        "first_update": "2022-11-02",
        "last_update": "2022-11-15",
        "done_on": "2022-11-15",
    },
    # Done on 3 April: on 31 March still at 30 %, and late (its end was 30 Nov 2022).
    "1.2": {
        "status": "in_progress",
        "percent": 30,
        "late": True,
        "result": notes(("2022-11-21", N2A)),
        "evidence": [],
        "first_update": "2022-11-21",
        "last_update": "2022-11-21",
        "done_on": None,
    },
    "1.3": {
        "status": "in_progress",
        "percent": 60,
        "late": False,  # open-ended
        "result": notes(("2022-12-07", N3A), ("2023-02-01", N3B)),
        "evidence": [link("2023-02-01", URL3)],
        "first_update": "2022-12-07",
        "last_update": "2023-02-01",
        "done_on": None,
    },
    # Done, reopened, then 80 %: its percent before "done" was 0, so reopening restarted it.
    "1.4": {
        "status": "in_progress",
        "percent": 80,
        "late": False,
        "result": notes(("2023-01-10", N4A), ("2023-01-20", N4B), reopened=N4B, done=(N4A,)),
        "evidence": [link("2023-01-10", URL4)],
        "first_update": "2023-01-10",
        "last_update": "2023-02-15",
        "done_on": None,
    },
    # Ends on 31 March 2023, the report's day: not late yet. The note at 23:30 that night is
    # in, the one ten minutes after midnight (still 31 March in UTC) and the April work not.
    "1.5": {
        "status": "in_progress",
        "percent": 20,
        "late": False,
        "result": notes(("2023-02-20", N5A), ("2023-03-31", N5B)),
        "evidence": [],
        "first_update": "2023-02-20",
        "last_update": "2023-03-31",
        "done_on": None,
    },
    "1.6": {
        "status": "done",
        "percent": 100,
        "late": False,
        "result": notes(("2022-10-20", N6), done=(N6,)),
        "evidence": [link("2022-10-20", URL6)],
        "first_update": "2022-10-20",
        "last_update": "2022-10-20",
        "done_on": "2022-10-20",
    },
    "1.7": {
        "status": "not_started",
        "percent": 0,
        "late": False,
        "result": [],
        "evidence": [],
        "first_update": None,
        "last_update": None,
        "done_on": None,
    },
}

PERIODS = {  # the seed's periods (seed-expected.json) written the Thai way
    "1.1": "พ.ย. 2565",
    "1.2": "พ.ย. 2565",
    "1.3": "ตั้งแต่ พ.ย. 2565",
    "1.4": "ตั้งแต่ ธ.ค. 2565",
    "1.5": "ม.ค. – มี.ค. 2566",
    "1.6": "ตั้งแต่ ต.ค. 2565",
    "1.7": "ตั้งแต่ พ.ย. 2565",
}


def tally(
    name: str, steps: int, done: int, going: int, waiting: int, late: int, mean: float
) -> dict[str, Any]:
    return {
        "name": name,
        "steps": steps,
        "done": done,
        "in_progress": going,
        "not_started": waiting,
        "late": late,
        "cancelled": 0,
        "completion": mean,
    }


# --- the period ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "given", "expected"),
    [
        (date(2022, 10, 1), None, ("half", date(2022, 10, 1), date(2023, 3, 31))),
        (date(2023, 3, 31), None, ("half", date(2022, 10, 1), date(2023, 3, 31))),
        (date(2023, 4, 1), None, ("year", date(2022, 10, 1), date(2023, 9, 30))),
        (date(2023, 9, 30), None, ("year", date(2022, 10, 1), date(2023, 9, 30))),
        (date(2023, 11, 15), None, ("year", date(2022, 10, 1), date(2023, 9, 30))),
        (date(2023, 5, 10), "half", ("half", date(2022, 10, 1), date(2023, 3, 31))),
        (date(2023, 1, 10), "year", ("year", date(2022, 10, 1), date(2023, 9, 30))),
    ],
)
def test_the_period_is_the_half_year_until_31_march_and_the_whole_year_after(
    as_of: date, given: str | None, expected: tuple[str, date, date]
) -> None:
    assert implementation_period(2566, as_of, given) == expected  # type: ignore[arg-type]


def test_a_day_before_the_fiscal_year_starts_is_refused_in_one_line() -> None:
    with pytest.raises(InvalidInput) as refused:
        implementation_period(2566, date(2022, 9, 30), None)
    message = str(refused.value)
    assert "2022-09-30" in message
    assert "2566" in message
    assert "2022-10-01" in message
    assert "\n" not in message
    with pytest.raises(InvalidInput, match="half or year"):
        implementation_period(2566, date(2023, 1, 1), "quarter")  # type: ignore[arg-type]


def test_the_report_refuses_an_as_of_day_before_the_plan_s_year(
    seed: Seed, session_factory: sessionmaker[Session]
) -> None:
    with pytest.raises(InvalidInput, match="before fiscal year 2566"):
        report_of(session_factory, date(2022, 9, 30))


# --- the seed after a half-year ----------------------------------------------------------------


def test_the_six_month_report_of_the_seed_shows_each_step_as_it_stood_on_31_march(
    half_year: sessionmaker[Session],
) -> None:
    report = report_of(half_year, date(2023, 3, 31))

    assert report.organization == ORGANIZATION
    assert report.fiscal_year == 2566
    assert (report.period, report.period_start, report.period_end) == (
        "half",
        "2022-10-01",
        "2023-03-31",
    )
    assert report.as_of == report.written_on == "2023-03-31"
    assert len(report.measures) == 1
    assert report.measures[0].title.startswith(SEED_EXPECTED["measures"][0]["title_contains"])
    steps = steps_of(report)
    assert list(steps) == [f"1.{n}" for n in range(1, 8)]
    for ref, wanted in ON_31_MARCH.items():
        step = steps[ref]
        seed_step = SEED_STEPS[int(ref[2:]) - 1]
        assert seed_step["title_contains"] in step["title"], ref
        assert [squash(u) for u in step["units"]] == seed_step["units"], ref
        assert step["period"] == PERIODS[ref], ref
        for name, value in wanted.items():
            assert step[name] == value, (ref, name)
    assert [s["units"] for s in steps.values()] == [
        [SECRETARIAT],
        [SECRETARIAT],
        [EVERY_UNIT],
        [EVERY_UNIT],
        [SECRETARIAT],
        [SECRETARIAT],
        [SECRETARIAT],
    ]


def test_the_six_month_summary_counts_steps_by_status_measure_and_unit(
    half_year: sessionmaker[Session],
) -> None:
    report = report_of(half_year, date(2023, 3, 31))

    # Done: 1.1, 1.6. In progress: 1.2 (late), 1.3, 1.4, 1.5. Not started: 1.7.
    # Mean percent: (100 + 30 + 60 + 80 + 20 + 100 + 0) / 7 = 55.71...
    everything = tally("รวม", 7, 2, 4, 1, 1, 55.7)
    assert asdict(report.summary) == everything
    measure = report.measures[0].title
    assert [asdict(t) for t in report.by_measure] == [{**everything, "name": measure}]
    # The secretariat: 1.1, 1.2, 1.5, 1.6, 1.7 -> (100 + 30 + 20 + 100 + 0) / 5.
    # The every-unit group, under its own name: 1.3, 1.4 -> (60 + 80) / 2.
    assert [asdict(t) for t in report.by_unit] == [
        tally(SECRETARIAT, 5, 2, 2, 1, 1, 50.0),
        tally(EVERY_UNIT, 2, 0, 2, 0, 0, 70.0),
    ]
    assert report.late == ["1.2"]


def test_problems_are_the_notes_on_unfinished_steps_and_the_reasons_for_reopening(
    half_year: sessionmaker[Session],
) -> None:
    report = report_of(half_year, date(2023, 3, 31))

    found = [(p.ref, p.date, p.unit, p.text, p.reopened) for p in report.problems]
    assert found == [
        ("1.2", "2022-11-21", SECRETARIAT, N2A, False),
        ("1.3", "2022-12-07", SECRETARIAT, N3A, False),
        ("1.3", "2023-02-01", SECRETARIAT, N3B, False),
        # 1.4's note of 10 January came with marking it done: not an obstacle.
        ("1.4", "2023-01-20", SECRETARIAT, N4B, True),
        ("1.5", "2023-02-20", SECRETARIAT, N5A, False),
        ("1.5", "2023-03-31", SECRETARIAT, N5B, False),
    ]
    assert report.problems[0].step == steps_of(report)["1.2"]["title"]


def test_a_half_year_report_written_in_april_still_stops_at_31_march(
    half_year: sessionmaker[Session],
) -> None:
    on_time = asdict(report_of(half_year, date(2023, 3, 31)))
    late = asdict(report_of(half_year, date(2023, 4, 3), period="half"))

    assert late.pop("written_on") == "2023-04-03"
    on_time.pop("written_on")
    assert late == on_time


def test_the_report_as_of_3_april_is_annual_and_sees_the_april_changes_made_by_then(
    half_year: sessionmaker[Session],
) -> None:
    report = report_of(half_year, date(2023, 4, 3))

    assert (report.period, report.period_start, report.period_end, report.as_of) == (
        "year",
        "2022-10-01",
        "2023-09-30",
        "2023-04-03",
    )
    steps = steps_of(report)
    assert (steps["1.2"]["status"], steps["1.2"]["percent"]) == ("done", 100)
    assert steps["1.2"]["done_on"] == "2023-04-03"
    assert steps["1.2"]["late"] is False
    # 1.5 ended on 31 March, is not done by 3 April: late now; 5 April's work is still ahead.
    assert (steps["1.5"]["status"], steps["1.5"]["percent"], steps["1.5"]["late"]) == (
        "in_progress",
        20,
        True,
    )
    assert [n["text"] for n in steps["1.5"]["result"]] == [N5A, N5B, N5C]
    assert steps["1.5"]["evidence"] == []
    assert report.late == ["1.5"]
    # Done: 1.1, 1.2, 1.6; mean (100 + 100 + 60 + 80 + 20 + 100 + 0) / 7 = 65.71...
    assert asdict(report.summary) == tally("รวม", 7, 3, 3, 1, 1, 65.7)


def test_uploaded_files_are_linked_when_the_report_is_given_their_address(
    half_year: sessionmaker[Session],
) -> None:
    report = report_of(
        half_year,
        date(2023, 3, 31),
        file_url=lambda record: f"https://ita.example.go.th/files/{record.filename}",
    )
    assert steps_of(report)["1.1"]["evidence"] == [
        link("2022-11-15", URL1),
        file("2022-11-15", FILE1, f"https://ita.example.go.th/files/{FILE1}"),
    ]


def test_the_report_is_json_as_the_cli_prints_it(half_year: sessionmaker[Session]) -> None:
    import json

    data = json.loads(json.dumps(asdict(report_of(half_year, date(2023, 3, 31)))))
    assert data["summary"]["late"] == 1
    assert data["measures"][0]["steps"][0]["evidence"][1]["text"] == FILE1


# --- the demo plan: the annual report ---------------------------------------------------------


def test_the_demo_plan_s_annual_report(session_factory: sessionmaker[Session]) -> None:
    """The demo plan as `make demo` imports it (on 25 Nov 2569), a few updates by its units,
    and the annual report as of 15 May 2570 (2027): after 31 March, so the whole year."""
    document = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    with unit_of_work(session_factory) as session:
        import_plan(session, document, now=at("2026-11-25T10:00"), actor="test")

    def change(ref: str, unit_name: str, action: Callable[[Session, Task, Actor], object]) -> None:
        with unit_of_work(session_factory) as session:
            plan = session.scalars(select(Plan)).one()
            measure = plan.measures[int(ref[0]) - 1]
            task = get_task(session, measure.tasks[int(ref[2]) - 1].id, for_update=True)
            unit = session.scalars(select(Unit).where(Unit.name == unit_name)).one()
            action(session, task, Actor(unit))

    change(
        "1.2",
        "สำนักปลัด",
        lambda s, t, a: mark_done(s, t, a, at("2026-12-10T10:00"), note="มอบหมายครบทุกข้อ"),
    )
    change(
        "1.3",
        "กองคลัง",
        lambda s, t, a: set_progress(
            s, t, a, 50, at("2027-01-12T14:00"), note="เผยแพร่ ต.ค.–ธ.ค. แล้ว"
        ),
    )
    change(
        "2.3",
        "กองการศึกษา ศาสนาและวัฒนธรรม",
        lambda s, t, a: mark_done(s, t, a, at("2027-03-20T16:00")),
    )
    change(
        "2.4",
        "กองช่าง",
        lambda s, t, a: set_progress(s, t, a, 30, at("2027-04-20T09:00"), note="รายงานแล้ว ๘ ครั้ง"),
    )
    # After the report's day:
    change("1.3", "กองคลัง", lambda s, t, a: mark_done(s, t, a, at("2027-06-01T09:00")))

    report = report_of(session_factory, date(2027, 5, 15))

    assert report.organization == "องค์การบริหารส่วนตำบลทุ่งดาวเรือง"
    assert (report.fiscal_year, report.period, report.period_start, report.period_end) == (
        2570,
        "year",
        "2026-10-01",
        "2027-09-30",
    )
    steps = steps_of(report)
    states = {ref: (s["status"], s["percent"], s["late"]) for ref, s in steps.items()}
    assert states == {
        "1.1": ("done", 100, False),  # imported done: no unit ever changed it
        "1.2": ("done", 100, False),
        "1.3": ("in_progress", 50, False),  # done on 1 June, after the report's day
        "1.4": ("not_started", 0, True),  # by 30 Apr 2570
        "2.1": ("not_started", 0, True),  # Dec 2569 – Jan 2570
        "2.2": ("not_started", 0, False),
        "2.3": ("done", 100, False),
        "2.4": ("in_progress", 30, False),  # until 30 Sep 2570
    }
    assert steps["1.1"]["done_on"] is None
    assert steps["1.1"]["first_update"] is None
    assert steps["1.2"]["done_on"] == "2026-12-10"
    assert steps["2.3"]["done_on"] == "2027-03-20"
    assert steps["2.4"]["result"] == [
        {
            "date": "2027-04-20",
            "unit": "กองช่าง",
            "text": "รายงานแล้ว ๘ ครั้ง",
            "reopened": False,
            "marked_done": False,
        }
    ]
    assert steps["1.4"]["units"] == ["สำนักปลัด", "กองคลัง"]
    assert steps["1.4"]["period"] == "ภายใน 30 เม.ย. 2570"
    assert report.late == ["1.4", "2.1"]
    # (100 + 100 + 50 + 0 + 0 + 0 + 100 + 30) / 8 = 47.5
    assert asdict(report.summary) == tally("รวม", 8, 3, 2, 3, 2, 47.5)
    assert [
        (t.done, t.in_progress, t.not_started, t.late, t.completion) for t in report.by_measure
    ] == [
        (2, 1, 1, 1, 62.5),  # (100 + 100 + 50 + 0) / 4
        (1, 1, 2, 1, 32.5),  # (0 + 0 + 100 + 30) / 4
    ]
    assert [(t.name, t.steps, t.done, t.late, t.completion) for t in report.by_unit] == [
        ("สำนักปลัด", 4, 2, 1, 50.0),  # 1.1, 1.2, 1.4, 2.2
        ("กองคลัง", 3, 0, 2, 16.7),  # 1.3, 1.4, 2.1: 50 / 3
        ("กองช่าง", 1, 0, 1, 0.0),  # 2.1
        ("กองการศึกษา ศาสนาและวัฒนธรรม", 1, 1, 0, 100.0),  # 2.3
        ("ทุกส่วนราชการในสังกัดองค์การบริหารส่วนตำบลทุ่งดาวเรือง", 1, 0, 0, 30.0),  # 2.4
    ]
    # Notes on unfinished steps: 1.3's and 2.4's; 1.2's came with marking it done.
    assert [(p.ref, p.text) for p in report.problems] == [
        ("1.3", "เผยแพร่ ต.ค.–ธ.ค. แล้ว"),
        ("2.4", "รายงานแล้ว ๘ ครั้ง"),
    ]
    document = implementation_document(report, "th")
    assert document.subtitle[1] == "ประจำปีงบประมาณ พ.ศ. 2570 (1 ตุลาคม 2569 – 30 กันยายน 2570)"
    assert document.subtitle[2] == "ข้อมูล ณ วันที่ 15 พฤษภาคม 2570"


# --- the document ------------------------------------------------------------------------------


def test_the_document_has_the_title_period_measures_summary_problems_and_signatures(
    half_year: sessionmaker[Session],
) -> None:
    report = report_of(
        half_year,
        date(2023, 3, 31),
        reporter="นางสาวพิมพ์ใจ ใจดี",
        executive="นายสมชาย รักษ์แพร่",
        executive_position="นายกองค์การบริหารส่วนจังหวัดแพร่",
    )
    document = implementation_document(report, "th")

    assert document.title == TITLE
    assert document.subtitle == (
        ORGANIZATION,
        "ประจำปีงบประมาณ พ.ศ. 2566 รอบ 6 เดือน (1 ตุลาคม 2565 – 31 มีนาคม 2566)",
        "ข้อมูล ณ วันที่ 31 มีนาคม 2566",
    )
    assert document.landscape is True  # seven columns of Thai text
    assert [s.heading for s in document.sections] == [
        "1. ผลการดำเนินการตามมาตรการ",
        "2. สรุปผลการดำเนินการ",
        "3. ปัญหาอุปสรรค",
        "4. ข้อเสนอแนะ",
    ]
    steps = document.sections[0].blocks[0]
    assert isinstance(steps, Table)
    assert [c.heading for c in steps.columns] == [
        "ที่",
        "ขั้นตอน/วิธีการดำเนินการ",
        "ผู้รับผิดชอบ",
        "ระยะเวลา",
        "ผลการดำเนินการ",
        "สถานะ",
        "หลักฐาน",
    ]
    assert [r.cells[0] for r in steps.rows] == [f"1.{n}" for n in range(1, 8)]
    assert [r.group for r in steps.rows] == [f"มาตรการที่ 1 {report.measures[0].title}"] + [None] * 6
    assert [r.tone for r in steps.rows] == ["done", "late", "", "", "", "done", ""]
    first, second, _, fourth, fifth, _, seventh = steps.rows
    assert first.cells[2] == (SECRETARIAT,)
    assert first.cells[3] == "พ.ย. 2565"
    assert first.cells[4] == (f"2 พ.ย. 2565: {N1A}", f"15 พ.ย. 2565: {N1B}")
    assert first.cells[5] == (
        "เสร็จแล้ว",
        "ร้อยละ 100",
        "รายงานครั้งแรก 2 พ.ย. 2565",
        "เสร็จเมื่อ 15 พ.ย. 2565",
    )
    # A link shows the last part of its address (the column is narrow); a file its name.
    assert first.cells[6] == (Link("working-group-order.pdf", URL1), FILE1)
    assert second.cells[5] == (
        "กำลังดำเนินการ",
        "ร้อยละ 30",
        "เกินกำหนด",
        "รายงานครั้งแรก 21 พ.ย. 2565",
    )
    assert fourth.cells[4] == (
        f"10 ม.ค. 2566: {N4A}",
        f"20 ม.ค. 2566: (เปิดดำเนินการใหม่) {N4B}",
    )
    assert fifth.cells[3] == "ม.ค. – มี.ค. 2566"
    assert seventh.cells[4:] == ("-", ("ยังไม่เริ่ม", "ร้อยละ 0"), "-")

    summary = document.sections[1].blocks
    assert summary[0] == Paragraph(
        "ขั้นตอนทั้งหมด 7 ขั้นตอน ดำเนินการแล้วเสร็จ 2 ขั้นตอน อยู่ระหว่างดำเนินการ 4 ขั้นตอน "
        "ยังไม่เริ่ม 1 ขั้นตอน เกินกำหนด 1 ขั้นตอน ยกเลิก 0 ขั้นตอน ความคืบหน้าเฉลี่ยร้อยละ 55.7",
        "lead",
    )
    by_measure, by_unit, chart = summary[1], summary[2], summary[3]
    assert isinstance(by_measure, Table)
    assert isinstance(by_unit, Table)
    assert [c.heading for c in by_unit.columns] == [
        "หน่วยงาน",
        "ขั้นตอน",
        "เสร็จแล้ว",
        "กำลังดำเนินการ",
        "ยังไม่เริ่ม",
        "เกินกำหนด",
        "ยกเลิก",
        "ความคืบหน้าเฉลี่ย",
    ]
    assert [r.cells for r in by_unit.rows] == [
        (SECRETARIAT, 5, 2, 2, 1, 1, 0, 50.0),
        (EVERY_UNIT, 2, 0, 2, 0, 0, 0, 70.0),
    ]
    assert by_measure.rows[0].cells[0] == f"1. {report.measures[0].title}"
    assert by_measure.totals is not None
    assert by_measure.totals.cells == ("รวม", 7, 2, 4, 1, 1, 0, 55.7)
    assert isinstance(chart, BarChart)
    assert [(b.label, b.value, b.note) for b in chart.bars] == [
        (SECRETARIAT, 50.0, "2/5"),
        (EVERY_UNIT, 70.0, "0/2"),
    ]
    assert Paragraph("ขั้นตอนที่เกินกำหนด: 1.2") in summary

    problems = document.sections[2].blocks[0]
    assert isinstance(problems, Table)
    assert [r.cells[0] for r in problems.rows] == ["1.2", "1.3", "1.3", "1.4", "1.5", "1.5"]
    assert problems.rows[3].cells[1:] == (
        "20 ม.ค. 2566",
        SECRETARIAT,
        f"(เปิดดำเนินการใหม่) {N4B}",
    )

    fill_in, signatures = document.sections[3].blocks
    assert fill_in == FillIn(lines=5, text=None)
    assert isinstance(signatures, Signatures)
    assert [(s.role, s.name, s.position) for s in signatures.signers] == [
        ("ผู้รายงาน", "นางสาวพิมพ์ใจ ใจดี", None),
        ("ผู้บริหาร", "นายสมชาย รักษ์แพร่", "นายกองค์การบริหารส่วนจังหวัดแพร่"),
    ]


def test_given_suggestions_are_printed_and_unknown_signers_left_to_sign(
    half_year: sessionmaker[Session],
) -> None:
    report = report_of(half_year, date(2023, 3, 31), suggestions="  ควรจัดสรรงบอบรมตั้งแต่ต้นปี  ")
    fill_in, signatures = implementation_document(report, "th").sections[3].blocks
    assert fill_in == FillIn(lines=5, text="ควรจัดสรรงบอบรมตั้งแต่ต้นปี")
    assert isinstance(signatures, Signatures)
    assert [(s.name, s.position) for s in signatures.signers] == [(None, None), (None, None)]


def test_the_english_document(half_year: sessionmaker[Session]) -> None:
    report = report_of(half_year, date(2023, 3, 31), lang="en")
    document = implementation_document(report, "en")

    assert document.lang == "en"
    assert document.title == (
        "Report on carrying out the measures to promote integrity and transparency "
        "within the agency"
    )
    assert document.subtitle[1:] == (
        "Fiscal year 2023 (B.E. 2566), first six months (1 October 2022 – 31 March 2023)",
        "Data as of 31 March 2023",
    )
    assert [s.heading for s in document.sections] == [
        "1. The measures and what was done",
        "2. Summary",
        "3. Problems and obstacles",
        "4. Suggestions",
    ]
    steps = document.sections[0].blocks[0]
    assert isinstance(steps, Table)
    assert steps.rows[0].cells[3] == "Nov 2022"
    assert steps.rows[1].cells[5] == ("in progress", "30 %", "late", "first update 21 Nov 2022")
    assert document.sections[1].blocks[0] == Paragraph(
        "7 steps: 2 done, 4 in progress, 1 not started, 1 late, 0 cancelled; mean progress 55.7 %",
        "lead",
    )
    signatures = document.sections[3].blocks[1]
    assert isinstance(signatures, Signatures)
    assert [s.role for s in signatures.signers] == ["Reported by", "Executive"]


def test_a_report_without_problems_says_so(
    seed: Seed, session_factory: sessionmaker[Session]
) -> None:
    report = report_of(session_factory, date(2022, 12, 1))
    assert report.problems == []
    section = implementation_document(report, "th").sections[2]
    assert section.blocks[0] == Paragraph("ไม่มีบันทึกปัญหาอุปสรรคจากหน่วยงาน")
    # Nothing was updated by 1 Dec 2565; 1.1 and 1.2 ended on 30 Nov 2565.
    assert report.late == ["1.1", "1.2"]
    assert asdict(report.summary) == tally("รวม", 7, 0, 0, 7, 2, 0.0)


# --- printed ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_pdf_reads_back_the_title_period_units_and_be_dates(
    half_year: sessionmaker[Session], tmp_path: Path
) -> None:
    from report_support import page_png, pdf_fonts, pdf_text

    from tracker.reports.formats import write

    report = report_of(half_year, date(2023, 3, 31), executive="นายสมชาย รักษ์แพร่")
    data = write(implementation_document(report, "th"), "pdf")
    assert data.startswith(b"%PDF-")
    assert page_png(data, "implementation-report-page-1", tmp_path).exists()

    text = pdf_text(data)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == TITLE  # on one line, exactly (A4 landscape)
    assert ORGANIZATION in lines
    assert "ประจำปีงบประมาณ พ.ศ. 2566 รอบ 6 เดือน (1 ตุลาคม 2565 – 31 มีนาคม 2566)" in lines
    assert "ข้อมูล ณ วันที่ 31 มีนาคม 2566" in lines
    flat = squash(text)
    for unit in (SECRETARIAT, EVERY_UNIT):
        assert squash(unit) in flat
    for note in (N1A, N2A, N4B, N5B):
        assert squash(note) in flat
    assert squash(N5C) not in flat  # written after the report's day
    for period in ("พ.ย. 2565", "ตั้งแต่ ธ.ค. 2565", "ม.ค. – มี.ค. 2566"):  # never wrapped
        assert period in text
    assert squash("เสร็จเมื่อ 15 พ.ย. 2565") in flat  # a status cell's lines may wrap
    assert "ขั้นตอนที่เกินกำหนด: 1.2" in text
    for heading in ("ปัญหาอุปสรรค", "ข้อเสนอแนะ", "ผู้รายงาน", "ผู้บริหาร", "นายสมชาย รักษ์แพร่"):
        assert heading in text
    for word in ("การ", "ดำเนินการ", "ผู้รับผิดชอบ"):
        assert word in text
    assert "กำร" not in text
    fonts = pdf_fonts(data)
    assert fonts
    assert all(font["emb"] == "yes" for font in fonts)
