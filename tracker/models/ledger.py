"""The follow-up engine's tables: the outbox ledger and the planned meeting dues."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, UTCDateTime, str_enum
from tracker.models.plan import MeetingSeries


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # to send (again, once next_attempt_at has passed)
    SENDING = "sending"  # claimed by one dispatcher, until its lease ends
    SENT = "sent"
    FAILED = "failed"  # permanent failure, or out of retries: shown by `tracker outbox --failed`
    MISSED = "missed"  # its moment passed while nothing ran (a meeting already held)


class OutboxMessage(Base):
    """A message the follow-up engine decided to send, recorded before it is sent.

    The ledger: one row per (job, occurrence, recipient, channel), unique, so a second run,
    a restart, a retried flow or a second process can never send a message twice. A
    dispatcher claims a row with a conditional UPDATE (pending -> sending) committed before the
    send, and records the outcome after it.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("job", "occurrence", "recipient", "channel"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # Sweeps count what earlier sweeps queued for a job in a window of due moments.
        Index("ix_outbox_job_due", "job", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))  # "meeting-reminder", "progress-report", ...
    occurrence: Mapped[str] = mapped_column(String(120))  # what it is about: "3/2023-08-02"
    recipient: Mapped[str] = mapped_column(String(500))  # the address it goes to
    channel: Mapped[str] = mapped_column(String(30))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the job meant it to go
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The ledger gives every row it queues a key derived from its ledger key
    # (tracker.followup.ledger.idempotency_key); a row made any other way gets a random one.
    idempotency_key: Mapped[str] = mapped_column(
        String(36), unique=True, default=lambda: str(uuid.uuid4())
    )
    claim_token: Mapped[str | None] = mapped_column(String(36))  # the current claim's
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the claim ends then
    interruptions: Mapped[int] = mapped_column(Integer, default=0)  # leases that ran out
    role: Mapped[str | None] = mapped_column(String(20))  # the unit contact role it went to
    # A message sent by e-mail because its first channel refused (LINE's quota): the row
    # it stands in for.
    fallback_of: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    # Its headers, rendered when it was queued (the Link to the unit's page, the
    # X-Tracker-Tasks ids): None when it has none.
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON(none_as_null=True))
    # The files it carries, rendered when it was queued (a progress report's PDF), as
    # [{"sha256", "filename", "media_type"}] naming rows of message_files: None when none.
    attachments: Mapped[list[dict[str, str]] | None] = mapped_column(JSON(none_as_null=True))


class MessageFile(Base):
    """A file a message carries, stored once by the SHA-256 of its content (the same report
    sent to five recipients is one row); never changed once written."""

    __tablename__ = "message_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AttemptOutcome(enum.StrEnum):
    SENDING = "sending"  # the current claim, as views show it (never stored)
    SENT = "sent"
    RETRYING = "retrying"  # a temporary failure: tried again after a backoff
    FAILED = "failed"  # a permanent failure, or the last of the retries
    INTERRUPTED = "interrupted"  # its lease ran out first: the process died or stalled
    SUPERSEDED = "superseded"  # its outcome came after the lease had passed to another


class OutboxAttempt(Base):
    """One try at sending one outbox message, written with its outcome once there is one
    (the claim itself is on the message's row: its token, worker, time and lease), so
    `tracker outbox show ID` can tell every attempt, its worker, its times and its reason. A
    claim whose lease ended is written as interrupted by the dispatch that finds it."""

    __tablename__ = "outbox_attempts"
    __table_args__ = (Index("ix_outbox_attempts_message", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    claim_token: Mapped[str] = mapped_column(String(36), unique=True)
    worker: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[AttemptOutcome] = mapped_column(str_enum(AttemptOutcome, "attempt_outcome"))
    error: Mapped[str | None] = mapped_column(Text)


class MeetingDue(Base):
    """A moment a series' meeting needs something: its reminder round or its progress report.

    Planned ahead from the series' calendar (holidays, moves and cancellations applied) once
    a day, so that a sweep is one indexed query over due rows for every organization at once,
    not a calendar computation per organization. ``done_at`` is set when a sweep has queued
    its messages in the ledger.
    """

    __tablename__ = "meeting_dues"
    __table_args__ = (
        UniqueConstraint("series_id", "job", "rule_date"),
        Index("ix_meeting_dues_due", "done_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id"))
    job: Mapped[str] = mapped_column(String(40))  # "meeting-reminder" or "progress-report"
    rule_date: Mapped[date] = mapped_column(Date)
    meeting_date: Mapped[date] = mapped_column(Date)
    meeting_start: Mapped[datetime] = mapped_column(UTCDateTime)
    previous_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_date: Mapped[date | None] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    series: Mapped[MeetingSeries] = relationship()
