"""Who may use the web app and the API: accounts, sessions, access tokens (unit links and API
tokens), login attempts, LINE link codes, uploaded evidence and import drafts.

Secrets are never stored: a session id, a unit link, an API token or a LINE link code is
kept as the SHA-256 of its text (:func:`tracker.services.access.digest`), so a copy of the
database lets nobody in. Passwords are argon2 hashes.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, UTCDateTime, str_enum
from tracker.models.plan import Organization, Task, TaskEvent, Unit


class Role(enum.StrEnum):
    """What a person may do. Ordered from most to least: admin > secretariat > viewer; a unit
    acts only on its own tasks."""

    ADMIN = "admin"  # everything, users and the outbox included
    SECRETARIAT = "secretariat"  # runs the plan: imports, units, series, meetings
    VIEWER = "viewer"  # the executive: reads everything of the organization, changes nothing
    UNIT = "unit"  # a unit's officer or head: its own open tasks


class TokenKind(enum.StrEnum):
    UNIT_LINK = "unit_link"  # the one-tap link in a reminder: a unit's page
    API = "api"  # a bearer token for /api/v1
    FEED = "feed"  # the secret URL of an ICS feed


class User(Base):
    """An account. ``unit_id`` is set for a unit's head (role ``unit``)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    username: Mapped[str] = mapped_column(String(100), unique=True)  # stored lower case
    name: Mapped[str | None] = mapped_column(String(300))
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    unit: Mapped[Unit | None] = relationship()


class AccessToken(Base):
    """A secret that lets its holder in without a password: a unit link, an API token or an
    ICS feed URL. Scoped to one organization, and for a unit link to one unit; expires and
    can be revoked."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TokenKind] = mapped_column(str_enum(TokenKind, "token_kind"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id"))
    label: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    unit: Mapped[Unit | None] = relationship()

    def usable(self, now: datetime) -> bool:
        """Not revoked and not expired at ``now``."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class WebSession(Base):
    """A signed-in browser: by password (``user_id``) or by a unit link (``token_id``).

    A session opened by a link ends when the link is revoked or expires; one of a user ends
    when the account is disabled. ``csrf`` is the secret every form of the session echoes.
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("access_tokens.id"), index=True)
    officer: Mapped[str | None] = mapped_column(String(300))  # the name a unit officer gave
    lang: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship()
    token: Mapped[AccessToken | None] = relationship()


class LoginAttempt(Base):
    """A failed sign-in, kept for the rate limit (per username and per client address)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)  # "user:NAME" or "ip:ADDRESS"
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LineLinkCode(Base):
    """A short code an officer sends to the LINE account to link a LINE user or group to a
    unit; single use, expiring."""

    __tablename__ = "line_link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by: Mapped[str | None] = mapped_column(String(100))  # the LINE user or group id

    unit: Mapped[Unit] = relationship()


class EvidenceFile(Base):
    """An uploaded file of evidence for a task, stored under the data directory by SHA-256.

    The same content uploaded twice is stored once; each upload is its own row (and audit
    event), so who gave what for which task stays known.
    """

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("task_events.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by: Mapped[str] = mapped_column(String(300))

    task: Mapped[Task] = relationship()
    event: Mapped[TaskEvent | None] = relationship()


class ImportDraft(Base):
    """An uploaded plan under review: the plan document it became, and the warnings of the
    import, until the secretariat confirms it (then it is imported and ``confirmed_at`` set)
    or discards it."""

    __tablename__ = "import_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(300))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    discarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
