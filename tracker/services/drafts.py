"""Import drafts: an uploaded plan under review, corrected, then confirmed or discarded.

An upload is read as ``tracker import`` reads a file (:func:`tracker.importers.read_source`)
into a plan document, kept as an :class:`~tracker.models.ImportDraft` of the uploader's
organization, and nothing of it reaches the plan tables. The secretariat corrects the draft
(units renamed or merged, a task's period or units, a series' meeting rule); every correction
is checked, then the whole document again with the plan-document checker, so a stored draft
is always a valid plan document. :func:`confirm_draft` imports it with
:func:`tracker.services.plan_import.import_plan`, the CLI's importer; a confirmed or
discarded draft changes no more.

A draft's own notes (what kind of file it was, the organization the file named, the
corrections made, what the import did) live under :data:`NOTES` in its document, which the
plan document schema allows, and are left out of what is imported.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PureWindowsPath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from schedules import (
    PeriodError,
    RecurrenceError,
    describe_recurrence,
    fiscal_year_bounds,
    parse_period,
    parse_recurrence,
)
from schedules.meetings import MeetingDay, SeriesRule, meeting_calendar
from tracker.db import lock_for_update
from tracker.errors import InvalidInput, NotFound, Refused, TrackerError
from tracker.importers import REPORT_SUFFIXES, SPREADSHEET_SUFFIXES, read_source
from tracker.importers.text import tidy
from tracker.inputs import TextProblem, check_text, megabytes
from tracker.limits import DEFAULT_MAX_TASKS, ImportLimits
from tracker.models import ImportDraft, Organization
from tracker.plandoc import DOCUMENT_SUFFIXES, SourceMap, check_plan_document
from tracker.services.plan_import import ImportReport, import_plan
from tracker.services.units import unit_name
from tracker.textkey import lookup_key
from tracker.views import found_summary

NOTES = "draft_review"  # the draft's own notes inside its document; never imported
MAX_FILENAME = 120  # an upload's name as kept (the audit log's actor names it too)
FALLBACK_FILENAME = "upload"
FIRST_MEETINGS_SHOWN = 6
MAX_LISTED = 100
# What an upload may be: what tracker import reads (for the upload form's file picker).
UPLOAD_SUFFIXES = sorted({*REPORT_SUFFIXES, *SPREADSHEET_SUFFIXES, *DOCUMENT_SUFFIXES})

# Where a warning or a correction is shown: the whole file, the assessment, the units, or
# one series, measure or task (these are also the ids of the page's sections).
FILE, ASSESSMENT, UNITS = "file", "assessment", "units"
_TASK_PATH = re.compile(r"measures\[(\d+)\]\.tasks\[(\d+)\]")
_MEASURE_PATH = re.compile(r"measures\[(\d+)\]")
_SERIES_PATH = re.compile(r"meeting_series\[(\d+)\]")
# Warnings about the assessment that point at a line of the report, not at a field.
_ASSESSMENT_CODES = frozenset(
    {
        "score-mismatch",
        "score-inconsistent",
        "grade-mismatch",
        "indicator-tool-label",
        "analysis-indicator-mismatch",
        "framework-unknown",
        "missing-score",
    }
)
_LINE = re.compile(r"line (\d+)$")
_RAW_RULE = re.compile(r"(?i)FREQ=")  # what parse_recurrence takes for an RRULE, not a phrase


def series_place(position: int) -> str:
    return f"series-{position}"


def measure_place(position: int) -> str:
    return f"measure-{position}"


def task_place(position: int, number: int) -> str:
    return f"task-{position}-{number}"


# --- reading an upload ------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """An uploaded file: the name the browser gave and its bytes."""

    filename: str
    data: bytes


def upload_name(filename: str | None) -> str:
    """The upload's name as kept and shown: its last part only (no folders of the sender's
    machine), without control or invisible characters, at most MAX_FILENAME characters, its
    suffix kept."""
    name = PureWindowsPath(filename or "").name  # splits on "/" and "\" alike
    name = "".join(c for c in name if c.isprintable()).strip()
    if name in ("", ".", ".."):
        return FALLBACK_FILENAME
    if len(name) > MAX_FILENAME:
        suffix = Path(name).suffix[:20]
        name = name[: MAX_FILENAME - len(suffix) - 1] + "…" + suffix
    return name


def create_draft(
    session: Session,
    organization: Organization,
    upload: Upload,
    *,
    now: datetime,
    created_by: str,
    max_bytes: int,
    fiscal_year: int | None = None,
    max_tasks: int = DEFAULT_MAX_TASKS,
) -> ImportDraft:
    """A draft of ``organization`` from an uploaded file, read as ``tracker import`` reads one.

    The document's organization becomes ``organization`` whatever the file names (the
    file's is kept in the notes, for the page to say so). ``fiscal_year`` is for a report or
    spreadsheet that does not say. A file larger than ``max_bytes``, of an unknown kind or
    that does not read is refused with InvalidInput, and no draft is written.
    """
    name = upload_name(upload.filename)
    if not upload.data:
        raise InvalidInput(f"{name}: the file is empty: nothing to import")
    if len(upload.data) > max_bytes:
        raise InvalidInput(
            f"{name}: {megabytes(len(upload.data))} is more than an upload may be "
            f"({megabytes(max_bytes)})"
        )
    limits = ImportLimits(max_bytes=max_bytes, max_tasks=max_tasks)
    kind, document = _read_upload(name, upload.data, organization.name, fiscal_year, limits)
    named = (document.get("organization") or {}).get("name")
    document["organization"] = {"name": organization.name}
    document.pop(NOTES, None)  # a file cannot bring notes of its own
    document[NOTES] = {"kind": kind, "file_organization": named, "corrections": []}
    _check(document, name)
    draft = ImportDraft(
        organization_id=organization.id,
        filename=name,
        document=document,
        created_at=now,
        created_by=created_by[:300],
    )
    session.add(draft)
    session.flush()
    return draft


def _read_upload(
    name: str, data: bytes, organization: str, fiscal_year: int | None, limits: ImportLimits
) -> tuple[str, dict[str, Any]]:
    """The kind and plan document of the upload, read from a temporary copy under its own
    name (the readers know a file by its suffix, and a report's name becomes its source).
    Errors name the upload, never the server's temporary folder."""
    with tempfile.TemporaryDirectory(prefix="tracker-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            source = read_source(
                path, fiscal_year=fiscal_year, organization=organization, limits=limits
            )
        except TrackerError as error:
            message = str(error).replace(str(path), name).replace(folder, "")
            raise type(error)(message, what=error.what, choices=error.choices) from None
    return source.kind, source.document


def _check(document: dict[str, Any], label: str) -> None:
    """The plan-document checker on the whole draft (InvalidInput naming the field)."""
    check_plan_document(document, SourceMap(label, None))


# --- finding drafts ---------------------------------------------------------------------------


def get_draft(
    session: Session, organization_id: int, draft_id: int, *, for_update: bool = False
) -> ImportDraft:
    """The draft, if ``organization_id`` holds it; another organization's is NotFound.
    ``for_update`` locks it for a change (tracker.db.lock_for_update)."""
    if for_update:
        lock_for_update(session)
    draft = session.get(
        ImportDraft, draft_id, with_for_update=for_update, populate_existing=for_update
    )
    if draft is None or draft.organization_id != organization_id:
        raise NotFound(f"no import draft {draft_id}", what="import draft")
    return draft


def list_drafts(session: Session, organization_id: int) -> list[ImportDraft]:
    """The organization's drafts, newest first (the latest MAX_LISTED)."""
    query = (
        select(ImportDraft)
        .where(ImportDraft.organization_id == organization_id)
        .order_by(ImportDraft.created_at.desc(), ImportDraft.id.desc())
        .limit(MAX_LISTED)
    )
    return list(session.scalars(query))


def state_of(draft: ImportDraft) -> str:
    """ "open", "confirmed" or "discarded"."""
    if draft.confirmed_at is not None:
        return "confirmed"
    return "discarded" if draft.discarded_at is not None else "open"


def _refuse_closed(draft: ImportDraft) -> None:
    state = state_of(draft)
    if state != "open":
        raise Refused(
            f"import draft {draft.id} ({draft.filename}) is {state}: it can no longer change",
            what="import draft",
        )


# --- corrections ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """One change made on the page: where it is shown (the place of the unit list, a task or
    a series), what kind, and from what to what."""

    place: str
    kind: str  # unit_renamed, units_merged, period, task_units, meeting_rule
    before: str
    after: str


def _revise(draft: ImportDraft, change: Callable[[dict[str, Any]], Correction]) -> Correction:
    """Apply ``change`` to a copy of the open draft's document, note it, check the whole
    document, and only then keep it: a refused change leaves the draft as it was."""
    _refuse_closed(draft)
    document = copy.deepcopy(draft.document)
    correction = change(document)
    notes = document.setdefault(NOTES, {})
    notes.setdefault("corrections", []).append(dataclasses.asdict(correction))
    _check(document, f"draft {draft.id}")
    draft.document = document  # a new value: the JSON column notices the change
    return correction


def rename_unit(draft: ImportDraft, unit: str, new_name: str) -> Correction:
    """Give a draft unit a new name; its old name stays as an alias (so a re-import of the
    same file finds it), and the tasks name it by the new one."""
    return _revise(draft, lambda document: _rename_unit(document, unit, new_name))


def _rename_unit(document: dict[str, Any], unit: str, new_name: str) -> Correction:
    entry = document["units"][_unit_index(document, unit)]
    new = unit_name(new_name)
    holder = _find_unit(document, new)
    if holder is not None and document["units"][holder] is not entry:
        other = document["units"][holder]["name"]
        raise Refused(f"the name {new!r} is already used by unit {other!r}")
    old = entry["name"]
    if new == old:
        raise InvalidInput(f"unit {old!r} already has that name")
    names = _names_of(entry)
    aliases = [a for a in entry.get("aliases", []) if lookup_key(a) != lookup_key(new)]
    if lookup_key(old) != lookup_key(new):
        aliases.append(old)
    entry["name"], entry["aliases"] = new, aliases
    _point_tasks(document, {lookup_key(name): new for name in names})
    return Correction(UNITS, "unit_renamed", old, new)


def merge_units(draft: ImportDraft, source: str, target: str) -> Correction:
    """Merge draft unit ``source`` into ``target``: its names become target's aliases, its
    contacts target's, and its tasks target's."""
    return _revise(draft, lambda document: _merge_units(document, source, target))


def _merge_units(document: dict[str, Any], source: str, target: str) -> Correction:
    units = document["units"]
    source_index, target_index = _unit_index(document, source), _unit_index(document, target)
    if source_index == target_index:
        raise InvalidInput(f"cannot merge unit {units[source_index]['name']!r} into itself")
    gone, kept = units[source_index], units[target_index]
    if gone.get("all_units", False) != kept.get("all_units", False):
        raise Refused(
            f"cannot merge {gone['name']!r} into {kept['name']!r}: one is the every-unit group"
        )
    known = {lookup_key(name) for name in _names_of(kept)}
    kept["aliases"] = [*kept.get("aliases", [])] + [
        name for name in _names_of(gone) if lookup_key(name) not in known
    ]
    contacts = {(c["channel"], c["address"]) for c in kept.get("contacts", [])}
    extra = [c for c in gone.get("contacts", []) if (c["channel"], c["address"]) not in contacts]
    if extra:
        kept["contacts"] = [*kept.get("contacts", []), *extra]
    _point_tasks(document, {lookup_key(name): kept["name"] for name in _names_of(gone)})
    del units[source_index]
    return Correction(UNITS, "units_merged", gone["name"], kept["name"])


def _names_of(unit: dict[str, Any]) -> list[str]:
    return [unit["name"], *unit.get("aliases", [])]


def _find_unit(document: dict[str, Any], name: str) -> int | None:
    """The index of the draft unit called ``name`` (by any of its names), or None."""
    key = lookup_key(name)
    for index, unit in enumerate(document.get("units", [])):
        if key in {lookup_key(n) for n in _names_of(unit)}:
            return index
    return None


def _unit_index(document: dict[str, Any], name: str) -> int:
    index = _find_unit(document, name)
    if index is None:
        names = [u["name"] for u in document.get("units", [])]
        raise InvalidInput(f"no unit {name!r} in this draft", what="unit", choices=names)
    return index


def _point_tasks(document: dict[str, Any], renamed: dict[str, str]) -> None:
    """Every task naming a unit by a key of ``renamed`` names it by the new name instead
    (once, however many of its names the task used)."""
    for measure in document["measures"]:
        for task in measure["tasks"]:
            names = [renamed.get(lookup_key(name), name) for name in task.get("units", [])]
            task["units"] = _distinct(names)


def _distinct(names: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for name in names:
        if lookup_key(name) not in seen:
            seen.add(lookup_key(name))
            kept.append(name)
    return kept


def set_period(
    draft: ImportDraft,
    position: int,
    number: int,
    *,
    text: str | None,
    start: str | None,
    end: str | None,
    read_dates: bool = False,
) -> Correction:
    """A task's period: its text as the plan writes it and its dates (ISO, None open).

    With ``read_dates`` the dates are read from the text, as the importer reads a period
    (the plan's fiscal year completes a date without a year); else they are taken as given.
    A text and dates both empty leave the task without a period.
    """
    dates = (start, end)
    return _revise(
        draft, lambda document: _set_period(document, position, number, text, dates, read_dates)
    )


def _set_period(
    document: dict[str, Any],
    position: int,
    number: int,
    text: str | None,
    dates: tuple[str | None, str | None],
    read_dates: bool,
) -> Correction:
    task = _task(document, position, number)
    start, end = dates
    label = f"task {position}.{number}"
    written = tidy(text) if text else None
    if read_dates:
        if not written:
            raise InvalidInput(f"{label}: there is no period text to read the dates from")
        try:
            period = parse_period(written, document["fiscal_year"])
        except PeriodError as error:
            raise InvalidInput(f"{label}: {error}") from None
        start, end = _iso(period.start), _iso(period.end)
    before = _period_words(task)
    task["period_text"] = written or None
    task["start"], task["end"] = (start or "").strip() or None, (end or "").strip() or None
    return Correction(task_place(position, number), "period", before, _period_words(task))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _period_words(task: dict[str, Any]) -> str:
    dates = f"{task.get('start') or '…'} – {task.get('end') or '…'}"
    return f"{task.get('period_text') or '–'} ({dates})"


def set_task_units(draft: ImportDraft, position: int, number: int, units: list[str]) -> Correction:
    """The units responsible for a task: one or more of the draft's units, by any name."""
    return _revise(draft, lambda document: _set_task_units(document, position, number, units))


def _set_task_units(
    document: dict[str, Any], position: int, number: int, units: list[str]
) -> Correction:
    task = _task(document, position, number)
    label = f"task {position}.{number}"
    chosen = [document["units"][_unit_index(document, name)]["name"] for name in units]
    if not chosen:
        raise InvalidInput(f"{label}: choose at least one responsible unit")
    before = ", ".join(task.get("units", [])) or "–"
    task["units"] = _distinct(chosen)
    after = ", ".join(task["units"])
    return Correction(task_place(position, number), "task_units", before, after)


def set_meeting_rule(draft: ImportDraft, position: int, text: str) -> Correction:
    """A series' meeting rule, read from a Thai phrase ("ทุกวันพุธ สัปดาห์ที่ ๑ และ ๓ ของเดือน")
    or an RRULE by the reader the importer uses; the text kept is the phrase (an RRULE is
    kept said back in Thai words)."""
    return _revise(draft, lambda document: _set_meeting_rule(document, position, text))


def _set_meeting_rule(document: dict[str, Any], position: int, text: str) -> Correction:
    series = _series(document, position)
    phrase = tidy(text)
    if not phrase:
        raise InvalidInput(f"series {series['name']!r}: the meeting rule is empty")
    try:
        rrule = parse_recurrence(check_text(phrase))
    except (RecurrenceError, TextProblem) as error:
        raise InvalidInput(f"series {series['name']!r}: {error}") from None
    before = f"{series.get('text') or '–'} ({series['rrule']})"
    series["rrule"] = rrule
    series["text"] = describe_recurrence(rrule, "th") if _RAW_RULE.search(phrase) else phrase
    after = f"{series['text']} ({rrule})"
    return Correction(series_place(position), "meeting_rule", before, after)


def _task(document: dict[str, Any], position: int, number: int) -> dict[str, Any]:
    """Task ``number`` of measure ``position`` (1-based), as a plan shows "1.3"."""
    measures = document["measures"]
    tasks: list[dict[str, Any]] = (
        measures[position - 1]["tasks"] if 1 <= position <= len(measures) else []
    )
    for task in tasks:
        if task["number"] == number:
            return task
    raise NotFound(f"no task {position}.{number} in this draft", what="task")


def _series(document: dict[str, Any], position: int) -> dict[str, Any]:
    series = document.get("meeting_series", [])
    if not 1 <= position <= len(series):
        raise NotFound(f"no meeting series {position} in this draft", what="series")
    found: dict[str, Any] = series[position - 1]
    return found


# --- confirming and discarding ----------------------------------------------------------------


def importable(draft: ImportDraft, organization: Organization) -> dict[str, Any]:
    """The plan document the draft imports: without its notes, for its organization under
    the name the organization has now."""
    document = {k: v for k, v in copy.deepcopy(draft.document).items() if k != NOTES}
    document["organization"] = {"name": organization.name}
    return document


def confirm_draft(
    session: Session, draft: ImportDraft, *, now: datetime, confirmed_by: str
) -> ImportReport:
    """Import the open draft with the CLI's importer, in the caller's transaction, and mark
    it confirmed with its plan. The tasks' audit events name the file and who confirmed."""
    _refuse_closed(draft)
    organization = session.get(Organization, draft.organization_id)
    assert organization is not None  # a foreign key
    actor = f"import: {draft.filename} ({confirmed_by})"[:300]
    report = import_plan(session, importable(draft, organization), now=now, actor=actor)
    document = copy.deepcopy(draft.document)
    document[NOTES]["imported"] = {
        "created": report.created,
        "changes": report.changes,
        "notices": report.notices,
    }
    draft.document = document
    draft.confirmed_at, draft.plan_id = now, report.plan_id
    return report


def discard_draft(draft: ImportDraft, *, now: datetime) -> None:
    """Set the open draft aside for good; nothing of it is imported."""
    _refuse_closed(draft)
    draft.discarded_at = now


# --- the review: what the page shows ---------------------------------------------------------


@dataclass
class Notes:
    """What is shown beside one place: the import's warnings and the corrections made."""

    warnings: list[dict[str, Any]] = field(default_factory=list)
    corrections: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Review:
    """A draft as its page shows it: plain values, every warning at its place."""

    draft: ImportDraft
    state: str
    kind: str
    organization: str
    file_organization: str | None
    summary: dict[str, Any]
    units: list[dict[str, Any]]
    series: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    assessment: dict[str, Any] | None
    notes: dict[str, Notes]
    imported: dict[str, Any] | None = None

    def at(self, place: str) -> Notes:
        return self.notes.get(place) or Notes()


def review(draft: ImportDraft) -> Review:
    """The draft as its page shows it (reads nothing else)."""
    document = draft.document
    notes: dict[str, Notes] = {}
    for warning in document.get("warnings", []):
        place = warning_place(document, warning["code"], warning.get("where"))
        line = _LINE.match(warning.get("where") or "")
        shown = {**warning, "line": int(line.group(1)) if line else None}
        notes.setdefault(place, Notes()).warnings.append(shown)
    draft_notes = document.get(NOTES, {})
    for correction in draft_notes.get("corrections", []):
        notes.setdefault(correction["place"], Notes()).corrections.append(correction)
    return Review(
        draft=draft,
        state=state_of(draft),
        kind=draft_notes.get("kind", "plan"),
        organization=document["organization"]["name"],
        file_organization=draft_notes.get("file_organization"),
        summary=found_summary(document),
        units=_unit_rows(document),
        series=_series_rows(document),
        measures=_measure_rows(document),
        assessment=document.get("assessment"),
        notes=notes,
        imported=draft_notes.get("imported"),
    )


def preview_import(
    session: Session, draft: ImportDraft, *, now: datetime
) -> tuple[ImportReport | None, str | None]:
    """What confirming the open draft would do now: the importer's report, or the one line
    saying why it would fail. It imports: call it only in a transaction that is then rolled
    back (``tracker.db.unit_of_work(..., dry_run=True)``), as ``tracker import --dry-run``."""
    organization = session.get(Organization, draft.organization_id)
    assert organization is not None  # a foreign key
    try:
        report = import_plan(session, importable(draft, organization), now=now, actor="preview")
    except TrackerError as error:
        return None, str(error)
    return report, None


def warning_place(document: dict[str, Any], code: str, where: str | None) -> str:
    """The place a warning's ``where`` points at: "measures[0].tasks[4]" is task 1.5,
    "meeting_series[0]…" series 1, "units…" and "assessment…" their sections; a warning
    about the assessment at a line of the report ("line 137") is the assessment's; anything
    else is about the whole file."""
    text = (where or "").strip()
    measures = document["measures"]
    if found := _TASK_PATH.match(text):
        m, t = int(found.group(1)), int(found.group(2))
        if m < len(measures) and t < len(measures[m]["tasks"]):
            return task_place(m + 1, measures[m]["tasks"][t]["number"])
    if (found := _MEASURE_PATH.match(text)) and int(found.group(1)) < len(measures):
        return measure_place(int(found.group(1)) + 1)
    series = document.get("meeting_series", [])
    if (found := _SERIES_PATH.match(text)) and int(found.group(1)) < len(series):
        return series_place(int(found.group(1)) + 1)
    head = re.split(r"[.\[]", text, maxsplit=1)[0]
    if head in (UNITS, ASSESSMENT):
        return head
    return ASSESSMENT if code in _ASSESSMENT_CODES else FILE


def _unit_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    counts = [0] * len(document.get("units", []))
    for measure in document["measures"]:
        for task in measure["tasks"]:
            for name in task.get("units", []):
                index = _find_unit(document, name)
                if index is not None:
                    counts[index] += 1
    return [
        {
            "name": unit["name"],
            "aliases": unit.get("aliases", []),
            "all_units": unit.get("all_units", False),
            "tasks": counts[index],
        }
        for index, unit in enumerate(document.get("units", []))
    ]


def _series_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    first, last = fiscal_year_bounds(document["fiscal_year"])
    rows = []
    for position, series in enumerate(document.get("meeting_series", []), start=1):
        meetings: list[MeetingDay] = meeting_calendar(SeriesRule(series["rrule"]), first, last)
        rows.append(
            {
                "position": position,
                "place": series_place(position),
                "name": series["name"],
                "text": series.get("text"),
                "rrule": series["rrule"],
                "described": describe_recurrence(series["rrule"], "th"),
                "described_en": describe_recurrence(series["rrule"], "en"),
                "count": len(meetings),
                "first": meetings[:FIRST_MEETINGS_SHOWN],
            }
        )
    return rows


def _measure_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for position, measure in enumerate(document["measures"], start=1):
        tasks = [
            {
                "position": position,
                "number": task["number"],
                "place": task_place(position, task["number"]),
                "title": task["title"],
                "units": [_canonical(document, name) for name in task.get("units", [])],
                "period_text": task.get("period_text"),
                "start": _day(task.get("start")),
                "end": _day(task.get("end")),
                "start_text": task.get("start") or "",
                "end_text": task.get("end") or "",
                "follow_up": task.get("follow_up"),
            }
            for task in measure["tasks"]
        ]
        rows.append(
            {
                "position": position,
                "place": measure_place(position),
                "title": measure["title"],
                "items": measure.get("items", []),
                "tasks": tasks,
            }
        )
    return rows


def _canonical(document: dict[str, Any], name: str) -> str:
    """The name of the unit a task names (perhaps by an alias)."""
    index = _find_unit(document, name)
    return name if index is None else str(document["units"][index]["name"])


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
