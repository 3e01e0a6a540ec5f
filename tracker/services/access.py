"""Who is asking: accounts, passwords, sessions, unit links, API tokens and the login limit.

Every way in ends in a :class:`Principal`: the organization it may see, its role and, for a
unit, the unit it acts as. The web app and the API ask only this module who someone is, and
scope every query by ``principal.organization_id``.

Secrets (session ids, links, tokens) are random, shown once and stored as their SHA-256
(:func:`digest`); a unit link is derived from the server's secret key and the link's row, so
every reminder can carry the unit's current link without the link being stored anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from pwdlib import PasswordHash
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tracker.errors import InvalidInput, NotFound, Refused
from tracker.models import (
    AccessToken,
    LoginAttempt,
    Organization,
    Role,
    TokenKind,
    Unit,
    User,
    WebSession,
)

LINK_DAYS = 60  # a unit link lives this long after the last reminder that carried it
USER_SESSION = timedelta(hours=12)
LINK_SESSION = timedelta(days=30)  # a phone stays signed in to its unit's page
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_FAILURES_PER_USER = 5
LOGIN_FAILURES_PER_ADDRESS = 20
MIN_PASSWORD_LENGTH = 10
LAST_USE_PRECISION = timedelta(minutes=1)

_hasher = PasswordHash.recommended()  # argon2id with pwdlib's current parameters


@cache
def _dummy_hash() -> str:
    """Verified when the username is unknown, so a wrong name costs as long as a wrong
    password. Made at the first sign-in, not at import: an argon2 hash is 0.15 s of CPU
    that every command importing this module (`tracker simulate`, the jobs) would pay."""
    return _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class Principal:
    """Someone signed in: what they may see (one organization) and do (their role)."""

    organization_id: int
    role: Role
    label: str  # who, as the audit log names them ("สมชาย (กองคลัง)", "admin")
    unit_id: int | None = None
    user_id: int | None = None
    officer: str | None = None  # the name a unit officer gave on the unit page
    session_id: int | None = None
    csrf: str | None = None  # the session's form secret; None for a bearer token

    def may(self, *roles: Role) -> bool:
        return self.role in roles


def digest(secret: str) -> str:
    """The SHA-256 (hex) a secret is stored as."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


# ---------------------------------------------------------------- accounts


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def _username(name: str) -> str:
    cleaned = name.strip().lower()
    if not cleaned or len(cleaned) > 100 or any(c.isspace() for c in cleaned):
        raise InvalidInput(f"username {name!r}: use 1 to 100 characters without spaces")
    return cleaned


def add_user(
    session: Session,
    organization: Organization,
    username: str,
    password: str,
    role: Role,
    now: datetime,
    *,
    unit: Unit | None = None,
    name: str | None = None,
) -> User:
    """A new account. A ``unit`` role needs the unit it heads; other roles take none."""
    login = _username(username)
    if (role is Role.UNIT) != (unit is not None):
        raise InvalidInput("a unit account needs its unit, and only a unit account has one")
    if unit is not None and unit.organization_id != organization.id:
        raise InvalidInput(f"unit {unit.name!r} is not a unit of {organization.name!r}")
    if session.scalar(select(User.id).where(User.username == login)) is not None:
        raise Refused(f"there is already a user {login!r}")
    user = User(
        organization=organization,
        username=login,
        name=name,
        password_hash=hash_password(password),
        role=role,
        unit=unit,
        disabled=False,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == _username(username)))
    if user is None:
        raise NotFound(f"no user {username!r}", what="user")
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """A new password; the user's open sessions end (a changed password locks others out)."""
    user.password_hash = hash_password(password)
    _end_sessions(session, user)


def set_disabled(session: Session, user: User, disabled: bool) -> None:
    """Disable (or enable) an account; disabling ends its sessions and API tokens at once."""
    user.disabled = disabled
    if disabled:
        _end_sessions(session, user)


def _end_sessions(session: Session, user: User) -> None:
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))


def list_users(session: Session, organization: Organization) -> list[User]:
    return list(
        session.scalars(
            select(User).where(User.organization_id == organization.id).order_by(User.username)
        )
    )


# ---------------------------------------------------------------- signing in


def login_allowed(session: Session, username: str, address: str, now: datetime) -> bool:
    """False while the username or the client address has had too many failures lately."""
    since = now - LOGIN_WINDOW
    limits = {f"user:{username.strip().lower()}": LOGIN_FAILURES_PER_USER}
    limits[f"ip:{address}"] = LOGIN_FAILURES_PER_ADDRESS
    for key, limit in limits.items():
        count = session.scalar(
            select(func.count()).where(LoginAttempt.key == key, LoginAttempt.at > since)
        )
        if (count or 0) >= limit:
            return False
    return True


def authenticate(
    session: Session, username: str, password: str, address: str, now: datetime
) -> User | None:
    """The enabled user with this username and password, else None (the failure is counted
    against the username and the address). Call :func:`login_allowed` first."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    hashed = user.password_hash if user is not None else _dummy_hash()
    try:
        valid, new_hash = _hasher.verify_and_update(password, hashed)
    except Exception:  # a hash pwdlib cannot read: as good as a wrong password
        valid, new_hash = False, None
    if user is None or not valid or user.disabled:
        session.add(LoginAttempt(key=f"user:{username.strip().lower()}"[:200], at=now))
        session.add(LoginAttempt(key=f"ip:{address}"[:200], at=now))
        return None
    if new_hash is not None:  # pwdlib's parameters grew stronger since this hash was made
        user.password_hash = new_hash
    return user


def open_session(
    session: Session,
    now: datetime,
    *,
    user: User | None = None,
    link: AccessToken | None = None,
    lang: str | None = None,
) -> str:
    """A new browser session for a user or a unit link; returns its secret (the cookie)."""
    secret = new_secret()
    if link is not None:
        ends = now + LINK_SESSION
        if link.expires_at is not None:
            ends = min(ends, link.expires_at)
    else:
        ends = now + USER_SESSION
    session.add(
        WebSession(
            session_hash=digest(secret),
            csrf=new_secret(),
            user=user,
            token=link,
            lang=lang,
            created_at=now,
            expires_at=ends,
        )
    )
    session.flush()
    return secret


def close_session(session: Session, secret: str) -> None:
    session.execute(delete(WebSession).where(WebSession.session_hash == digest(secret)))


def session_principal(session: Session, secret: str, now: datetime) -> Principal | None:
    """Who the session with this secret is, or None (unknown, expired, its user disabled,
    its link revoked or expired)."""
    found = session.scalar(select(WebSession).where(WebSession.session_hash == digest(secret)))
    if found is None or found.expires_at <= now:
        return None
    if found.user is not None:
        user = found.user
        if user.disabled:
            return None
        return Principal(
            organization_id=user.organization_id,
            role=user.role,
            label=user.name or user.username,
            unit_id=user.unit_id,
            user_id=user.id,
            officer=user.name or user.username,
            session_id=found.id,
            csrf=found.csrf,
        )
    link = found.token
    if link is None or not link.usable(now) or link.unit_id is None:
        return None
    return Principal(
        organization_id=link.organization_id,
        role=Role.UNIT,
        label=link.unit.name if link.unit else "unit",
        unit_id=link.unit_id,
        officer=found.officer,
        session_id=found.id,
        csrf=found.csrf,
    )


def set_officer(session: Session, principal: Principal, name: str | None) -> None:
    """Remember the name a unit officer gave, for the audit log of what this session does."""
    from tracker.inputs import TextProblem, clean_name

    if principal.session_id is None:
        return
    try:
        cleaned = clean_name(name) if name and name.strip() else None
    except TextProblem as problem:
        raise InvalidInput(f"the name {problem}") from None
    found = session.get(WebSession, principal.session_id)
    if found is not None:
        found.officer = cleaned


def set_session_language(session: Session, principal: Principal, lang: str) -> None:
    found = session.get(WebSession, principal.session_id) if principal.session_id else None
    if found is not None:
        found.lang = lang


def session_language(session: Session, secret: str) -> str | None:
    return session.scalar(select(WebSession.lang).where(WebSession.session_hash == digest(secret)))


# ---------------------------------------------------------------- unit links


def unit_link_secret(key: bytes, link: AccessToken) -> str:
    """The text of a unit link: derived from the server's secret key and the link's id, so
    the same link can be put in every reminder while only its hash is stored."""
    mac = hmac.new(key, f"unit-link:{link.id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def current_unit_link(
    session: Session, key: bytes, unit: Unit, now: datetime, *, days: int = LINK_DAYS
) -> tuple[AccessToken, str]:
    """The unit's link, renewed: its expiry moves to ``days`` from ``now``. A unit without a
    usable link gets a new one. Returns the row and the link's secret."""
    link = session.scalar(
        select(AccessToken)
        .where(
            AccessToken.kind == TokenKind.UNIT_LINK,
            AccessToken.unit_id == unit.id,
            AccessToken.revoked_at.is_(None),
            AccessToken.expires_at > now,
        )
        .order_by(AccessToken.id.desc())
        .limit(1)
    )
    if link is None:
        link = AccessToken(
            kind=TokenKind.UNIT_LINK,
            token_hash=digest(new_secret()),  # replaced below, once the id is known
            organization_id=unit.organization_id,
            role=Role.UNIT,
            unit_id=unit.id,
            label=unit.name,
            created_at=now,
        )
        session.add(link)
        session.flush()
        link.token_hash = digest(unit_link_secret(key, link))
    link.expires_at = now + timedelta(days=days)
    session.flush()
    return link, unit_link_secret(key, link)


def revoke_unit_links(session: Session, unit: Unit, now: datetime) -> int:
    """Revoke every link of the unit (and so the sessions they opened); returns how many."""
    links = list(
        session.scalars(
            select(AccessToken).where(
                AccessToken.kind == TokenKind.UNIT_LINK,
                AccessToken.unit_id == unit.id,
                AccessToken.revoked_at.is_(None),
            )
        )
    )
    for link in links:
        link.revoked_at = now
    session.flush()
    return len(links)


def find_token(session: Session, secret: str, kind: TokenKind, now: datetime) -> AccessToken | None:
    """The usable token of ``kind`` whose secret this is, else None; notes its use (to the
    minute: a busy API client must not turn every read into a write)."""
    token = session.scalar(
        select(AccessToken).where(
            AccessToken.token_hash == digest(secret), AccessToken.kind == kind
        )
    )
    if token is None or not token.usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        token.last_used_at = now
    return token


# ---------------------------------------------------------------- API tokens and feeds


def add_token(
    session: Session,
    organization: Organization,
    kind: TokenKind,
    role: Role,
    now: datetime,
    *,
    unit: Unit | None = None,
    series_id: int | None = None,
    label: str | None = None,
    days: int | None = None,
) -> tuple[AccessToken, str]:
    """A new API token or feed URL secret; returns the row and the secret (shown once).
    A ``unit`` role needs the unit it acts as, and only it has one; the label (who holds
    it, as the audit log names them) is a clean name."""
    if (role is Role.UNIT) != (unit is not None):
        raise InvalidInput("a unit token needs its unit, and only a unit token has one")
    if unit is not None and unit.organization_id != organization.id:
        raise InvalidInput(f"unit {unit.name!r} is not a unit of {organization.name!r}")
    label = _token_label(label)
    secret = ("tk_" if kind is TokenKind.API else "") + new_secret()
    token = AccessToken(
        kind=kind,
        token_hash=digest(secret),
        organization_id=organization.id,
        role=role,
        unit_id=unit.id if unit else None,
        series_id=series_id,
        label=label,
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    session.add(token)
    session.flush()
    return token, secret


def _token_label(label: str | None) -> str | None:
    from tracker.inputs import TextProblem, clean_name

    if label is None or not label.strip():
        return None
    try:
        return clean_name(label)
    except TextProblem as problem:
        raise InvalidInput(f"the token's label {problem}", what="label") from None


def token_principal(token: AccessToken) -> Principal:
    """Who a bearer token acts as (never with a CSRF secret: it is not a cookie)."""
    return Principal(
        organization_id=token.organization_id,
        role=token.role,
        label=token.label or f"token {token.id}",
        unit_id=token.unit_id,
    )


def add_api_token(
    session: Session,
    organization: Organization,
    role: Role,
    now: datetime,
    *,
    unit: Unit | None = None,
    label: str | None = None,
    days: int | None = None,
) -> tuple[AccessToken, str]:
    """A new bearer token for /api/v1 (:func:`add_token` of kind API)."""
    return add_token(
        session, organization, TokenKind.API, role, now, unit=unit, label=label, days=days
    )


def list_tokens(
    session: Session, organization: Organization, kind: TokenKind = TokenKind.API
) -> list[AccessToken]:
    """The organization's tokens of ``kind``, revoked and expired ones too, oldest first."""
    return list(
        session.scalars(
            select(AccessToken)
            .where(AccessToken.organization_id == organization.id, AccessToken.kind == kind)
            .order_by(AccessToken.id)
        )
    )


def revoke_token(
    session: Session,
    organization: Organization,
    token_id: int,
    now: datetime,
    *,
    kind: TokenKind = TokenKind.API,
) -> AccessToken:
    """Revoke the organization's token of ``kind`` with this id (NotFound otherwise: a unit
    link or a feed has its own way to be revoked). Revoking it again keeps the first time."""
    token = session.get(AccessToken, token_id)
    if token is None or token.organization_id != organization.id or token.kind is not kind:
        raise NotFound(f"no {kind.value} token {token_id}", what="token")
    if token.revoked_at is None:
        token.revoked_at = now
    return token


def parse_role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InvalidInput(f"role {text!r}: choose one of {choices}") from None


def unit_link_path(secret: str) -> str:
    """The path of a unit link (the web app's ``/u/{link}``)."""
    return f"/u/{secret}"
