"""Login throttling stored in the database, so it holds across restarts and server processes.

An attempt is *admitted* before its password is checked, in one short write transaction that
locks the subject's row (``SELECT ... FOR UPDATE`` on PostgreSQL and MariaDB, ``BEGIN
IMMEDIATE`` on SQLite) and charges the attempt to the window at once. The ``max_failures``-th
attempt admitted in a window starts the lockout (the counter starts afresh with it) unless its
own password is right, and no attempt is admitted while locked: whatever the parallelism, at
most ``max_failures`` passwords are checked before a lockout. A success gives back its own
charge and the earlier ones of its window, never a lockout another attempt reached nor the
attempts admitted after it.

A subject is ``admin:`` or ``learner:`` followed by an HMAC-SHA256 of the stripped, lower-cased
name under the cookie key: a password typed in the username field never reaches the database.
Unknown names are throttled exactly like known ones, so the answers do not tell them apart.
Expired rows are purged whenever a new subject's row is created.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access_core.audit import events as audit
from access_core.config import Settings, cookie_key
from access_core.db.models import Learner, LoginThrottle
from access_core.db.unit_of_work import Database

LOCKOUT_ACTION = "login_locked"
NAME_MAX_CHARS = 150
CHUNK = 1000  # ids per IN (...) list, far below every backend's parameter limit


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


@dataclass(frozen=True)
class Admission:
    """The throttle's answer before a password is checked.

    ``admitted`` False: refused, locked until ``locked_until``. Admitted with ``locked_until``
    set: this attempt is the last one checked before that lockout."""

    admitted: bool
    locked_until: datetime | None
    ordinal: int = 0
    window_started_at: datetime | None = None


def subject_key(settings: Settings, kind: str, name: str) -> str:
    """``kind:`` and the keyed hash of the folded ``name``: never the typed text itself."""
    folded = name.strip().lower()[:NAME_MAX_CHARS].encode("utf-8")
    digest = hmac.new(cookie_key(settings).encode("utf-8"), folded, hashlib.sha256).hexdigest()
    return f"{kind}:{digest}"


def locked_until(session: Session, subject: str, now: datetime) -> datetime | None:
    """When the subject's lockout ends, or None if it is not locked now."""
    until = session.scalar(
        select(LoginThrottle.locked_until).where(LoginThrottle.subject == subject)
    )
    return until if until is not None and until > now else None


def _locked_row(session: Session, subject: str) -> LoginThrottle | None:
    """The subject's row, locked; None when there is none. The row is found by a plain read,
    then locked by primary key: no range or gap lock (MariaDB) that concurrent creations of
    other subjects' rows would deadlock on."""
    row_id = session.scalar(select(LoginThrottle.id).where(LoginThrottle.subject == subject))
    if row_id is None:
        return None
    return session.scalars(
        select(LoginThrottle).where(LoginThrottle.id == row_id).with_for_update()
    ).first()


def _create_row(db: Database, subject: str, policy: ThrottlePolicy, now: datetime) -> None:
    """The subject's row, in its own transaction (no lock held meanwhile, so concurrent
    creations meet on the unique key instead of deadlocking); expired rows are purged."""
    purge_expired(db, policy, now)

    def create(session: Session) -> None:
        session.add(LoginThrottle(subject=subject, failures=0, window_started_at=now))

    with suppress(IntegrityError):  # another process created it meanwhile
        db.write(create)


def purge_expired(db: Database, policy: ThrottlePolicy, now: datetime) -> int:
    """Delete the rows whose window has expired and that hold no lockout; how many."""
    expired = and_(
        LoginThrottle.window_started_at <= now - policy.window,
        or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now),
    )
    with db.transaction() as session:  # a plain read: no lock on the rows it passes
        ids = list(session.scalars(select(LoginThrottle.id).where(expired)))

    def delete_chunk(chunk: list[int]) -> Callable[[Session], int]:
        def work(session: Session) -> int:  # locks by primary key only
            result = session.execute(
                delete(LoginThrottle)
                .where(LoginThrottle.id.in_(chunk), expired)
                .execution_options(synchronize_session=False)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

        return work

    deleted = 0
    for start in range(0, len(ids), CHUNK):
        deleted += db.write(delete_chunk(ids[start : start + CHUNK]))
    return deleted


def admit(
    db: Database, subject: str, policy: ThrottlePolicy, learner_id: int | None = None
) -> Admission:
    """Admit one attempt (charged at once) or refuse it, in one short write transaction."""

    def work(session: Session) -> Admission | None:
        row = _locked_row(session, subject)
        if row is None:
            return None
        now = datetime.now(UTC)
        if row.locked_until is not None:
            if row.locked_until > now:
                return Admission(False, row.locked_until)
            row.locked_until = None
        if row.window_started_at <= now - policy.window:
            row.failures, row.window_started_at = 0, now
        if learner_id is not None:
            row.learner_id = learner_id
        row.failures += 1
        ordinal, window_started_at = row.failures, row.window_started_at
        if row.failures < policy.max_failures:
            return Admission(True, None, ordinal, window_started_at)
        # the last attempt checked: the lockout starts now, with a fresh counter
        row.failures, row.window_started_at = 0, now
        row.locked_until = now + policy.lockout
        return Admission(True, row.locked_until, ordinal, window_started_at)

    while True:
        admission = db.write(work)
        if admission is not None:
            return admission
        _create_row(db, subject, policy, datetime.now(UTC))


def record_lockout(
    session: Session, actor: str, admission: Admission, learner_id: int | None = None
) -> None:
    """Journal the lockout that a failed attempt started (``actor`` never a typed unknown
    name)."""
    assert admission.locked_until is not None
    audit.record(
        session,
        actor,
        LOCKOUT_ACTION,
        learner_id=learner_id,
        details={"until": admission.locked_until.isoformat()},
    )


def settle_success(session: Session, subject: str, admission: Admission) -> None:
    """After a correct password: give back this attempt's charge and the earlier ones of its
    window, and lift the lockout only if this very attempt started it. A lockout reached by
    another attempt stays, and so do the attempts admitted after this one."""
    row = _locked_row(session, subject)
    if row is None:
        return
    if admission.locked_until is not None:
        if row.locked_until == admission.locked_until:
            row.locked_until = None
    elif row.window_started_at == admission.window_started_at and not (
        row.locked_until is not None and row.locked_until > datetime.now(UTC)
    ):
        row.failures = max(0, row.failures - admission.ordinal)
    if row.failures == 0 and row.locked_until is None:
        session.delete(row)


def clear(session: Session, subject: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.subject == subject))


def lift_learner_lockouts(session: Session, learner_ids: list[int], now: datetime) -> list[int]:
    """Delete the throttle rows of these learners; the ids that were locked out."""
    locked: set[int] = set()
    for start in range(0, len(learner_ids), CHUNK):
        chunk = learner_ids[start : start + CHUNK]
        locked.update(
            i
            for i in session.scalars(
                select(LoginThrottle.learner_id).where(
                    and_(LoginThrottle.learner_id.in_(chunk), LoginThrottle.locked_until > now)
                )
            )
            if i is not None
        )
        session.execute(
            delete(LoginThrottle)
            .where(LoginThrottle.learner_id.in_(chunk))
            .execution_options(synchronize_session=False)
        )
    return sorted(locked)


def unlock(
    db: Database, subject: str, actor: str, name: str, learner_login: str | None = None
) -> bool:
    """Lift a lockout; True when there was something to lift. An administrator's is journaled
    with his name; a learner's (``learner_login``) with the learner's number only (none for a
    login no learner has): the security log never holds a learner's login."""

    def work(session: Session) -> bool:
        was_locked = locked_until(session, subject, datetime.now(UTC)) is not None
        learner_id = None
        if learner_login is not None:  # the tried login's learner, else the typed login's
            learner_id = session.scalar(
                select(LoginThrottle.learner_id).where(LoginThrottle.subject == subject)
            ) or session.scalar(select(Learner.id).where(Learner.login == learner_login.strip()))
        clear(session, subject)
        details = None if learner_login is not None else {"subject": name}
        audit.record(session, actor, "login_unlocked", learner_id=learner_id, details=details)
        return was_locked

    return db.write(work)
