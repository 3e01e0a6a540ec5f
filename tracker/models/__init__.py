"""The data model: organizations, plans, units, measures, tasks, meetings, assessments, audit,
web access (accounts, sessions, tokens, evidence, import drafts) and the follow-up engine's
ledger and dues.

SQLAlchemy 2 typed declarative. The schema itself is owned by the Alembic migrations in
``tracker/migrations``; a test checks that these classes and the migrated schema agree.

Conventions:
- every datetime is stored as UTC and comes back timezone-aware (:class:`UTCDateTime`);
- calendar dates (periods, meetings) are plain ``date`` values in the organization's zone;
- "overdue" is never stored: :meth:`Task.is_overdue` derives it from ``end_date`` and a date;
- :class:`TaskEvent` is append-only: the ORM refuses updates and deletes, and database
  triggers (created by the migration) refuse them for any other client too.

The classes live in ``base`` (shared), ``plan`` (the plan and its people), ``ledger``
(the follow-up engine's tables) and ``access`` (who may use the web app and the API);
import them from here.
"""

from schedules.meetings import HolidayPolicy  # flag, skip or move a meeting on a holiday
from tracker.models.access import (
    AccessToken,
    EvidenceFile,
    ImportDraft,
    LineLinkCode,
    LoginAttempt,
    Role,
    TokenKind,
    User,
    WebSession,
)
from tracker.models.base import (
    NAMING_CONVENTION,
    OPEN_STATUSES,
    Base,
    TaskStatus,
    Tool,
    UTCDateTime,
)
from tracker.models.ledger import (
    AttemptOutcome,
    MeetingDue,
    MessageFile,
    OutboxAttempt,
    OutboxMessage,
    OutboxStatus,
)
from tracker.models.plan import (
    Assessment,
    AssessmentItem,
    AuditLogIsAppendOnly,
    IndicatorScore,
    Measure,
    Meeting,
    MeetingSeries,
    Organization,
    Plan,
    SeriesRecipient,
    Task,
    TaskEvent,
    Unit,
    UnitAlias,
    UnitContact,
    measure_items,
    task_units,
)

__all__ = [
    "NAMING_CONVENTION",
    "OPEN_STATUSES",
    "AccessToken",
    "Assessment",
    "AssessmentItem",
    "AttemptOutcome",
    "AuditLogIsAppendOnly",
    "Base",
    "EvidenceFile",
    "HolidayPolicy",
    "ImportDraft",
    "IndicatorScore",
    "LineLinkCode",
    "LoginAttempt",
    "Measure",
    "Meeting",
    "MeetingDue",
    "MeetingSeries",
    "MessageFile",
    "Organization",
    "OutboxAttempt",
    "OutboxMessage",
    "OutboxStatus",
    "Plan",
    "Role",
    "SeriesRecipient",
    "Task",
    "TaskEvent",
    "TaskStatus",
    "TokenKind",
    "Tool",
    "UTCDateTime",
    "Unit",
    "UnitAlias",
    "UnitContact",
    "User",
    "WebSession",
    "measure_items",
    "task_units",
]
