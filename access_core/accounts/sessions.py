"""Administrator sessions held by the server: one rule for every page run, dialog and download.

A login creates a row in ``admin_sessions`` and gives the browser a random session id (inside
the signed login cookie); only its SHA-256 is stored. ``check`` decides, from the database alone,
whether a session id is still live:

- it exists and has not ended (logout, idle or lifetime end recorded earlier);
- its administrator is active and the session carries the account's current
  ``admins.session_generation``: logout, a password change, ``disable-admin`` and
  ``enable-admin`` raise it, so every session opened before stops. Revocation compares no
  times: the CLI, another dashboard host and this one may disagree on the time;
- its last activity is at most ``idle`` ago (``ACCESS_IDLE_TIMEOUT_MINUTES``);
- it started at most ``lifetime`` ago (``ACCESS_SESSION_HOURS``).

A live check records the activity, at most once per ``touch_interval`` (a minute, or a tenth of
the idle timeout if shorter): the recorded activity is then at most that much older than the
real one, so a session may end that much *before* the idle timeout, never after it. A reload,
a new tab or a reopened browser reads the same row: the idle clock does not restart.

Every function takes the clock as ``now`` (default: the current UTC time) so the rules are
tested without waiting. Idle and lifetime compare ``now`` with times the dashboard itself wrote
(``created_at``, ``last_seen_at``): they use the dashboard hosts' clocks only.
"""

from __future__ import annotations

import enum
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from access_core.accounts.admins import normalize_username
from access_core.audit import events as audit
from access_core.audit import request_context
from access_core.config import Settings
from access_core.db.models import Admin, AdminSession
from access_core.db.unit_of_work import Database

SESSION_ENDED_ACTION = "session_ended"
MAX_TOUCH_INTERVAL = timedelta(minutes=1)
PURGE_AFTER = timedelta(days=1)  # ended or dead rows are kept this long past their lifetime


class SessionStatus(enum.Enum):
    LIVE = "live"
    IDLE = "idle"  # no activity within the idle timeout
    EXPIRED = "expired"  # older than the absolute lifetime
    ENDED = "ended"  # logged out, or ended earlier for one of the reasons above
    REVOKED = "revoked"  # administrator disabled, or sessions revoked since it started
    UNKNOWN = "unknown"  # no such session id


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    lifetime: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionPolicy:
        return cls(
            idle=timedelta(minutes=settings.idle_timeout_minutes),
            lifetime=timedelta(hours=settings.session_hours),
        )

    @property
    def touch_interval(self) -> timedelta:
        return min(MAX_TOUCH_INTERVAL, self.idle / 10)


@dataclass(frozen=True)
class SessionCheck:
    status: SessionStatus
    username: str | None = None
    created_at: datetime | None = None
    # the account must choose its own password before anything else (first login, or reset)
    must_change_password: bool = False

    @property
    def live(self) -> bool:
        return self.status is SessionStatus.LIVE


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else now


def start(
    db: Database,
    username: str,
    policy: SessionPolicy,
    now: datetime | None = None,
    generation: int | None = None,
) -> str | None:
    """Open a session for ``username`` (already authenticated); returns its session id, the
    secret the browser keeps. Rows dead for more than a day are purged on the way.

    ``generation`` is ``LoginResult.generation``, read with the password hash the login
    verified: the session is opened only if the administrator is still active with that
    generation, checked in the transaction that inserts it (``None`` otherwise: the password
    changed, or the account was disabled or revoked, while the login was checking it). Without
    it (tests, tools) the session takes the account's current generation."""
    now = _now(now)
    name = normalize_username(username)
    session_id = secrets.token_urlsafe(32)

    def work(session: Session) -> str | None:
        current = session.execute(
            select(Admin.is_active, Admin.session_generation).where(Admin.username == name)
        ).first()
        if generation is not None and (
            current is None or not current[0] or current[1] != generation
        ):
            return None
        held = generation if generation is not None else (int(current[1]) if current else 0)
        insert(session, session_id, name, held, policy, now)
        return session_id

    return db.write(work)


def insert(
    session: Session,
    session_id: str,
    username: str,
    generation: int,
    policy: SessionPolicy,
    now: datetime,
    provider_token_hash: str | None = None,
) -> None:
    """Add the row of a new session in the caller's transaction (rows dead for more than a day
    are purged on the way): ``start`` for a password login, ``oidc_login.sign_in`` for a
    provider's, so both open exactly the same kind of session."""
    session.execute(
        delete(AdminSession).where(AdminSession.last_seen_at < now - policy.lifetime - PURGE_AFTER)
    )
    session.add(
        AdminSession(
            token_hash=_digest(session_id),
            username=username,
            created_at=now,
            last_seen_at=now,
            generation=generation,
            provider_token_hash=provider_token_hash,
        )
    )
    session.flush()


def _verdict(
    row: Any,  # the check's row: created_at, last_seen_at, ended_at, generation
    admin: tuple[bool, int] | None,
    policy: SessionPolicy,
    now: datetime,
) -> SessionStatus:
    if row.ended_at is not None:
        return SessionStatus.ENDED
    if admin is None or not admin[0] or row.generation != admin[1]:
        return SessionStatus.REVOKED
    if now - row.created_at > policy.lifetime:
        return SessionStatus.EXPIRED
    if now - row.last_seen_at > policy.idle:
        return SessionStatus.IDLE
    return SessionStatus.LIVE


def check(
    db: Database,
    policy: SessionPolicy,
    session_id: str | None,
    now: datetime | None = None,
    touch: bool = True,
) -> SessionCheck:
    """Whether ``session_id`` is live at ``now``; a live session's activity is recorded
    (``touch``), an idle or expired one is ended (once, audited)."""
    if not session_id:
        return SessionCheck(SessionStatus.UNKNOWN)
    now = _now(now)
    digest = _digest(session_id)
    with db.transaction() as session:
        # one statement, plain columns (no ORM object to build): every run of every page
        # asks this, a class switch included
        found = session.execute(
            select(
                AdminSession.username,
                AdminSession.created_at,
                AdminSession.last_seen_at,
                AdminSession.ended_at,
                AdminSession.generation,
                Admin.is_active,
                Admin.session_generation,
                Admin.must_change_password,
            )
            .outerjoin(Admin, Admin.username == AdminSession.username)
            .where(AdminSession.token_hash == digest)
        ).first()
        if found is None:
            return SessionCheck(SessionStatus.UNKNOWN)
    username, created_at, last_seen = found.username, found.created_at, found.last_seen_at
    generation = int(found.generation)
    known = found.is_active is not None  # the account still exists
    admin = (bool(found.is_active), int(found.session_generation)) if known else None
    status = _verdict(found, admin, policy, now)
    must_change = bool(found.must_change_password) if known else False
    result = SessionCheck(status, username, created_at, must_change)
    if status is SessionStatus.LIVE:
        # what this run does on the strength of the session stops at its next write if the
        # credential changes meanwhile (``admins.require_active_admin`` compares)
        request_context.acting_session.set((username, generation, digest))
    if status is SessionStatus.LIVE and touch and now - last_seen >= policy.touch_interval:

        def touch_it(session: Session) -> None:
            session.execute(
                update(AdminSession)
                .where(AdminSession.token_hash == digest, AdminSession.ended_at.is_(None))
                .values(last_seen_at=now)
            )

        db.write(touch_it)
    elif status in (SessionStatus.IDLE, SessionStatus.EXPIRED):
        _end(db, digest, status.value, now)
    return result


def _end(db: Database, digest: str, reason: str, now: datetime) -> None:
    def work(session: Session) -> None:
        row = session.execute(
            select(AdminSession.username).where(
                AdminSession.token_hash == digest, AdminSession.ended_at.is_(None)
            )
        ).first()
        if row is None:
            return
        ended = session.execute(
            update(AdminSession)
            .where(AdminSession.token_hash == digest, AdminSession.ended_at.is_(None))
            .values(ended_at=now, end_reason=reason)
        )
        if ended.rowcount == 1:  # type: ignore[attr-defined]
            audit.record(
                session,
                row[0],
                SESSION_ENDED_ACTION,
                details={"reason": reason},
                occurred_at=now,
            )

    db.write(work)


def end(db: Database, session_id: str | None, reason: str, now: datetime | None = None) -> None:
    """End a session (``reason``: "logout"...); its id is refused from then on."""
    if session_id:
        _end(db, _digest(session_id), reason, _now(now))


# --- the login cookie's ``Secure`` attribute ---------------------------------------------------


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost`` (and ``*.localhost``) and loopback addresses, with or without a
    port (``127.0.0.1:8501``, ``[::1]:8501``)."""
    if not host:
        return False
    name = host.strip().lower()
    if name.startswith("["):  # [IPv6]:port
        name = name[1 : name.find("]")] if "]" in name else name[1:]
    elif name.count(":") == 1:  # name:port or IPv4:port
        name = name.split(":", 1)[0]
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def cookie_is_secure(mode: str, host: str | None) -> bool:
    """The login cookie's ``Secure`` flag: always (``true``), never (``false``), or, for
    ``auto``, unless the dashboard is reached on a loopback address (the only place where a
    plain-HTTP dashboard is expected: anywhere else HTTPS is assumed, at the reverse proxy)."""
    if mode == "true":
        return True
    if mode == "false":
        return False
    return not is_loopback_host(host)
