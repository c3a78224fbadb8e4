"""Login throttling stored in the database, so it holds across restarts and server processes.

After ``max_failures`` failed logins of one subject within ``window``, the subject is refused
for ``lockout``. A subject is ``admin:<username>`` or ``learner:<login>``; unknown usernames are
throttled exactly like known ones, so the answers do not tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access_core import audit
from access_core.config import Settings
from access_core.db import Database
from access_core.models import LoginThrottle

LOCKOUT_ACTION = "login_locked"


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int
    window: timedelta
    lockout: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> ThrottlePolicy:
        return cls(
            max_failures=settings.login_max_failures,
            window=timedelta(minutes=settings.login_window_minutes),
            lockout=timedelta(minutes=settings.lockout_minutes),
        )


def locked_until(session: Session, subject: str, now: datetime) -> datetime | None:
    """When the subject's lockout ends, or None if it is not locked now."""
    until = session.scalar(
        select(LoginThrottle.locked_until).where(LoginThrottle.subject == subject)
    )
    return until if until is not None and until > now else None


def _row_for_update(session: Session, subject: str, now: datetime) -> LoginThrottle:
    row = session.scalars(
        select(LoginThrottle).where(LoginThrottle.subject == subject).with_for_update()
    ).first()
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.add(LoginThrottle(subject=subject, failures=0, window_started_at=now))
    except IntegrityError:  # another process created it meanwhile
        pass
    return session.scalars(
        select(LoginThrottle).where(LoginThrottle.subject == subject).with_for_update()
    ).one()


def record_failure(
    session: Session, subject: str, policy: ThrottlePolicy, now: datetime
) -> datetime | None:
    """Count one failure; returns the lockout end when this failure locks the subject."""
    row = _row_for_update(session, subject, now)
    if row.window_started_at <= now - policy.window:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures < policy.max_failures:
        return None
    row.failures, row.window_started_at = 0, now
    row.locked_until = now + policy.lockout
    audit.record(
        session,
        "system",
        LOCKOUT_ACTION,
        details={"subject": subject, "until": row.locked_until.isoformat()},
        occurred_at=now,
    )
    return row.locked_until


def clear(session: Session, subject: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.subject == subject))


def unlock(db: Database, subject: str, actor: str) -> bool:
    """Lift a lockout; True when there was something to lift."""
    with db.transaction(write=True) as session:
        was_locked = locked_until(session, subject, datetime.now(UTC)) is not None
        clear(session, subject)
        audit.record(session, actor, "login_unlocked", details={"subject": subject})
    return was_locked
