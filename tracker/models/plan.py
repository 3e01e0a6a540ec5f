"""The plan and its people: organizations, assessments, plans, units, measures, tasks,
meeting series and the append-only audit log."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from schedules import DEFAULT_ZONE
from schedules.meetings import HolidayPolicy  # flag, skip or move a meeting on a holiday
from tracker.models.base import Base, TaskStatus, Tool, UTCDateTime, str_enum

if TYPE_CHECKING:
    from tracker.models.access import EvidenceFile


class Organization(Base):
    """An agency, or an office that oversees agencies (a provincial or the national office).

    ``office_id`` names the office that oversees this organization (None: none). An office
    may itself be overseen (a province by the national office), so what an office oversees
    is its whole subtree (tracker.services.offices); the services refuse a cycle.
    """

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    # Whitespace-insensitive key (see tracker.textkey.lookup_key): "อบจ. แพร่" == "อบจ.แพร่".
    key: Mapped[str] = mapped_column(String(300), unique=True)
    # Indexed: an office's subtree is walked downwards, from an office to what it oversees.
    office_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)

    plans: Mapped[list[Plan]] = relationship(back_populates="organization")
    units: Mapped[list[Unit]] = relationship(back_populates="organization")
    office: Mapped[Organization | None] = relationship(remote_side="Organization.id")


class Assessment(Base):
    """One year's ITA result for an organization."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("organization_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    year: Mapped[int] = mapped_column(Integer)  # BE
    score: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(4))

    indicators: Mapped[list[IndicatorScore]] = relationship(
        back_populates="assessment", order_by="IndicatorScore.number"
    )
    items: Mapped[list[AssessmentItem]] = relationship(
        back_populates="assessment", order_by="AssessmentItem.position"
    )


class IndicatorScore(Base):
    __tablename__ = "indicator_scores"
    __table_args__ = (UniqueConstraint("assessment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    tool: Mapped[Tool] = mapped_column(str_enum(Tool, "tool"))
    score: Mapped[float | None] = mapped_column(Float)

    assessment: Mapped[Assessment] = relationship(back_populates="indicators")


class AssessmentItem(Base):
    """A question item (I21, E12, O30 ...) with its score and the suggested improvement."""

    __tablename__ = "assessment_items"
    __table_args__ = (UniqueConstraint("assessment_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(10))
    tool: Mapped[Tool] = mapped_column(str_enum(Tool, "tool"))
    question: Mapped[str | None] = mapped_column(Text)
    score: Mapped[float | None] = mapped_column(Float)
    suggestion: Mapped[str | None] = mapped_column(Text)

    assessment: Mapped[Assessment] = relationship(back_populates="items")


class Plan(Base):
    """An organization's measure plan for one fiscal year (BE)."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("organization_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)  # BE, e.g. 2566
    title: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)  # where the plan came from
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    # What the importer noticed, as plan-document warnings [{code, where, message}].
    warnings: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # The plan this one was rolled over from (``tracker plans rollover``), if any.
    rolled_from_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))

    organization: Mapped[Organization] = relationship(back_populates="plans")
    assessment: Mapped[Assessment | None] = relationship()
    measures: Mapped[list[Measure]] = relationship(
        back_populates="plan", order_by="Measure.position"
    )


class Unit(Base):
    """A responsible unit (ผู้รับผิดชอบ) of an organization.

    ``all_units`` marks a group that means every unit of the organization
    ("ทุกส่วนราชการในสังกัด..."): a task assigned to it is every unit's task.
    """

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("organization_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(300))
    all_units: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when this unit was merged into another: it is then found only as an alias there.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    organization: Mapped[Organization] = relationship(back_populates="units")
    merged_into: Mapped[Unit | None] = relationship(remote_side="Unit.id")
    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", order_by="UnitAlias.id", cascade="all, delete-orphan"
    )
    contacts: Mapped[list[UnitContact]] = relationship(
        back_populates="unit", order_by="UnitContact.id", cascade="all, delete-orphan"
    )

    def contacts_of(self, role: str, *, fallback: bool = False) -> list[UnitContact]:
        """The contacts a message for ``role`` goes to: those of that role, and for a head
        without contacts of its own, the unit's own ("unit") contacts. Fallback contacts
        are left out, unless ``fallback``: then they are the ones wanted."""
        usable = [c for c in self.contacts if c.fallback == fallback]
        found = [c for c in usable if c.role == role]
        if not found and role == "head":
            found = [c for c in usable if c.role == "unit"]
        return found


class UnitAlias(Base):
    """Another name a unit goes by (a merged unit's old name, a spelling variant).

    The key is unique per organization across aliases; services also keep it apart from
    every unit's own key, so a name always resolves to exactly one unit.
    """

    __tablename__ = "unit_aliases"
    __table_args__ = (UniqueConstraint("organization_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(300))

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class UnitContact(Base):
    """Where a unit is reached: a channel (a name in tracker.notify.CHANNELS) and an address.

    ``role`` is "unit" (the unit's own inbox: reminders, deadline alerts) or "head" (its head:
    the weekly overdue digest). A ``fallback`` contact (an e-mail address) gets nothing of its
    own: it receives a message only when another channel of the unit refused it for good
    (LINE's monthly quota used up, a LINE user who blocked the account).
    """

    __tablename__ = "unit_contacts"
    __table_args__ = (UniqueConstraint("unit_id", "channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    channel: Mapped[str] = mapped_column(String(30))
    address: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20), default="unit", server_default="unit")
    fallback: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    unit: Mapped[Unit] = relationship(back_populates="contacts")


measure_items = Table(
    "measure_items",
    Base.metadata,
    Column("measure_id", ForeignKey("measures.id"), primary_key=True),
    Column("assessment_item_id", ForeignKey("assessment_items.id"), primary_key=True),
)

task_units = Table(
    "task_units",
    Base.metadata,
    Column("task_id", ForeignKey("tasks.id"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True),
)


class Measure(Base):
    """A measure (มาตรการ/แนวทาง) of a plan, answering some assessment items."""

    __tablename__ = "measures"
    __table_args__ = (UniqueConstraint("plan_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    position: Mapped[int] = mapped_column(Integer)  # 1-based order in the plan
    title: Mapped[str] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="measures")
    items: Mapped[list[AssessmentItem]] = relationship(
        secondary=measure_items, order_by="AssessmentItem.position"
    )
    tasks: Mapped[list[Task]] = relationship(back_populates="measure", order_by="Task.number")


class MeetingSeries(Base):
    """A recurring follow-up meeting, e.g. the heads' meeting every 1st/3rd/5th Wednesday."""

    __tablename__ = "meeting_series"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(300))
    rrule: Mapped[str] = mapped_column(Text)  # RFC 5545, without DTSTART
    text: Mapped[str | None] = mapped_column(Text)  # the phrase as written
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_ZONE)
    time_of_day: Mapped[time] = mapped_column(Time, default=time(9, 0))
    place: Mapped[str | None] = mapped_column(Text)
    holiday_policy: Mapped[HolidayPolicy] = mapped_column(
        str_enum(HolidayPolicy, "holiday_policy"), default=HolidayPolicy.FLAG
    )
    # Follow-up timing, in working days before each meeting (weekends and holidays skipped).
    reminder_days: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    reminder_time: Mapped[time] = mapped_column(Time, default=time(9, 0), server_default="09:00:00")
    report_days: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    report_time: Mapped[time] = mapped_column(Time, default=time(8, 0), server_default="08:00:00")
    # The local day the follow-up dues of this series were last planned (None: plan again).
    dues_planned_on: Mapped[date | None] = mapped_column(Date)

    meetings: Mapped[list[Meeting]] = relationship(back_populates="series", order_by="Meeting.date")
    recipients: Mapped[list[SeriesRecipient]] = relationship(
        back_populates="series", order_by="SeriesRecipient.id", cascade="all, delete-orphan"
    )

    def replan(self) -> None:
        """Have the follow-up planner plan this series' dues again at its next sweep: call it
        after changing anything its moments depend on (rule, meetings, timing, policy)."""
        self.dues_planned_on = None


class SeriesRecipient(Base):
    """Who receives a series' progress report (the secretariat), on which channel."""

    __tablename__ = "series_recipients"
    __table_args__ = (UniqueConstraint("series_id", "channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id"))
    channel: Mapped[str] = mapped_column(String(30))
    address: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(300))

    series: Mapped[MeetingSeries] = relationship(back_populates="recipients")


class Meeting(Base):
    """An occurrence of a series that differs from its rule: cancelled, or moved to another day.

    ``date`` is the date the rule gives; occurrences without a row happen as the rule says.
    """

    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("series_id", "date"),
        CheckConstraint("NOT (cancelled AND moved_to IS NOT NULL)", name="cancelled_or_moved"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id"))
    date: Mapped[dt.date] = mapped_column(Date)  # the name shadows the type in this class
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    moved_to: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    series: Mapped[MeetingSeries] = relationship(back_populates="meetings")


class Task(Base):
    """A step (วิธีการดำเนินการ) of a measure, with its responsible units and period."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("measure_id", "number"),
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR start_date <= end_date",
            name="period_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    period_text: Mapped[str | None] = mapped_column(Text)  # exactly as written
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)  # None: open-ended
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id"), index=True)
    status: Mapped[TaskStatus] = mapped_column(
        str_enum(TaskStatus, "task_status"), default=TaskStatus.NOT_STARTED
    )
    percent: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The next deadline alert's due moment, kept by the alert job (None: none planned yet,
    # or none left); an indexed column, so a sweep reads only the tasks that are due.
    next_alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The unfinished step of last year's plan this one carries on (a rollover): its history
    # stays on that task, linked from here.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)

    measure: Mapped[Measure] = relationship(back_populates="tasks")
    units: Mapped[list[Unit]] = relationship(secondary=task_units, order_by="Unit.id")
    series: Mapped[MeetingSeries | None] = relationship()
    events: Mapped[list[TaskEvent]] = relationship(
        back_populates="task", order_by="TaskEvent.id", viewonly=True
    )

    def replan_alerts(self) -> None:
        """Have the alert job work out this task's next alert again: call it after its end
        date changes."""
        self.next_alert_at = None

    def is_overdue(self, on: date) -> bool:
        """True when the task is still open after its last day; ``on`` is a Bangkok date."""
        return self.end_date is not None and on > self.end_date and not self.status.is_closed


class TaskEvent(Base):
    """One entry of a task's audit log: who changed which field, when, from what to what.

    ``field`` is a task attribute ("status", "percent", "title", ...) or "created"/"note".
    Rows are never updated or deleted.
    """

    __tablename__ = "task_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(300))  # a unit's name, a user, or "import: FILE"
    actor_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    field: Mapped[str] = mapped_column(String(40))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(Text)

    task: Mapped[Task] = relationship(back_populates="events")
    actor_unit: Mapped[Unit | None] = relationship()
    # The files uploaded with this change (tracker.models.access.EvidenceFile.event_id).
    files: Mapped[list[EvidenceFile]] = relationship(viewonly=True, order_by="EvidenceFile.id")


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove a TaskEvent."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, TaskEvent) and session.is_modified(obj):
            raise AuditLogIsAppendOnly(f"task event {obj.id} cannot be changed")
    for obj in session.deleted:
        if isinstance(obj, TaskEvent):
            raise AuditLogIsAppendOnly(f"task event {obj.id} cannot be deleted")
