"""The learners' side of the password, for the learners' portal (integrators: see docs/security.md).

``authenticate`` answers ok, must change, expired, locked or refused; ``change_password``
enforces the learners' password policy and clears ``must_change_password``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from access_core.accounts import throttle
from access_core.accounts.admin_login import dummy_hash
from access_core.accounts.admins import LEARNER_ACTOR
from access_core.accounts.passwords import (
    BCRYPT_MAX_BYTES,
    hash_cost,
    hash_password,
    verify_password,
)
from access_core.audit import events as audit
from access_core.characters import has_control_characters
from access_core.config import Settings
from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from access_core.errors import NotAuthorized, ValidationError
from access_core.roster.logins import fold

LEARNER_PASSWORD_MIN_CHARS = 8


class LearnerStatus(enum.Enum):
    OK = "ok"
    MUST_CHANGE = "must_change"
    EXPIRED = "expired"
    LOCKED = "locked"
    REFUSED = "refused"


@dataclass(frozen=True)
class LearnerAuthResult:
    status: LearnerStatus
    learner_id: int | None = None
    locked_until: datetime | None = None

    @property
    def may_enter(self) -> bool:
        """True when the portal may open a session (after a password change if must_change)."""
        return self.status in (LearnerStatus.OK, LearnerStatus.MUST_CHANGE)


def learner_subject(settings: Settings, login: str) -> str:
    return throttle.subject_key(settings, "learner", login)


def initial_password_expired(
    must_change: bool, changed_at: datetime | None, days: int, now: datetime
) -> bool:
    """An initial password older than ``days`` days (0: never expires)."""
    return bool(must_change and days > 0 and changed_at and now - changed_at > timedelta(days=days))


def _dummy_check(password: str, rounds: int) -> None:
    verify_password(password, dummy_hash(rounds))


def authenticate(db: Database, settings: Settings, login: str, password: str) -> LearnerAuthResult:
    """Check a learner's credentials (throttled like administrators'); every outcome audited.

    A correct password stored at a lower bcrypt cost than configured is rehashed, only if the
    stored hash is still the one verified (a reset committed meanwhile wins). A password whose
    account changed while bcrypt was checking it (a reset, a deactivation) is refused: the
    answer is decided in the transaction that records it, against the hash that was verified."""
    return _authenticate(db, settings, login, password)[0]


def _authenticate(
    db: Database, settings: Settings, login: str, password: str
) -> tuple[LearnerAuthResult, str | None]:
    """``authenticate``, with the hash stored once it answered (the verified one, or its
    rehash): a change of password made on the strength of this check writes only over it."""
    with db.transaction() as session:
        # a login with a control character names no learner (imports refuse them)
        row = (
            None
            if has_control_characters(login)
            else session.execute(
                select(
                    Learner.id,
                    Learner.password_hash,
                    Learner.must_change_password,
                    Learner.password_changed_at,
                    Learner.deactivated_at,
                    Learner.login,
                ).where(Learner.login == login.strip())
            ).first()
        )
    # keyed by the stored login once found: every spelling a collation matches (MariaDB
    # ignores accents and case by default) shares one throttle row
    subject = learner_subject(settings, str(row.login) if row is not None else login)
    learner_id = row.id if row is not None else None
    policy = throttle.ThrottlePolicy.from_settings(settings)
    admission = throttle.admit(db, subject, policy, learner_id)
    if not admission.admitted:

        def record_locked(session: Session) -> None:
            audit.record(
                session, LEARNER_ACTOR, "learner_login_refused_locked", learner_id=learner_id
            )

        db.write(record_locked)
        # no learner id: a locked answer must not tell whether the login exists
        return LearnerAuthResult(LearnerStatus.LOCKED, None, admission.locked_until), None
    if row is None:
        _dummy_check(password, settings.bcrypt_rounds)
        matches = False
    else:
        matches = verify_password(password, row.password_hash)
    usable = bool(row is not None and matches and row.deactivated_at is None)
    verified_hash = str(row.password_hash) if row is not None else ""
    rehash = (
        hash_password(password, settings.bcrypt_rounds)
        if usable and hash_cost(verified_hash) < settings.bcrypt_rounds
        else None
    )
    now = datetime.now(UTC)

    def record(session: Session) -> tuple[LearnerAuthResult, str | None]:
        if not usable or row is None or not _unchanged(session, row.id, verified_hash):
            if admission.locked_until is not None:
                throttle.record_lockout(session, LEARNER_ACTOR, admission, learner_id)
            audit.record(
                session,
                LEARNER_ACTOR,
                "learner_login_failed",
                learner_id=learner_id,
                occurred_at=now,
            )
            status = LearnerStatus.LOCKED if admission.locked_until else LearnerStatus.REFUSED
            return LearnerAuthResult(status, None, admission.locked_until), None
        throttle.settle_success(session, subject, admission)
        stored_hash = verified_hash
        if rehash is not None:
            session.execute(
                update(Learner)
                .where(Learner.id == row.id, Learner.password_hash == verified_hash)
                .values(password_hash=rehash)
                .execution_options(synchronize_session=False)
            )
            stored_hash = rehash
        if initial_password_expired(
            row.must_change_password, row.password_changed_at, settings.initial_password_days, now
        ):
            audit.record(
                session, LEARNER_ACTOR, "learner_login_expired", learner_id=row.id, occurred_at=now
            )
            return LearnerAuthResult(LearnerStatus.EXPIRED, row.id), stored_hash
        audit.record(
            session, LEARNER_ACTOR, "learner_login_succeeded", learner_id=row.id, occurred_at=now
        )
        status = LearnerStatus.MUST_CHANGE if row.must_change_password else LearnerStatus.OK
        return LearnerAuthResult(status, row.id), stored_hash

    return db.write(record)


def _unchanged(session: Session, learner_id: int, verified_hash: str) -> bool:
    """The learner is still active with the hash that was verified."""
    current = session.execute(
        select(Learner.password_hash, Learner.deactivated_at).where(Learner.id == learner_id)
    ).first()
    return current is not None and current[0] == verified_hash and current[1] is None


def _birth_date_forms(birth: date) -> set[str]:
    d, m, y = birth.day, birth.month, birth.year
    forms = {
        f"{d:02d}{m:02d}{y:04d}",
        f"{y:04d}{m:02d}{d:02d}",
        f"{m:02d}{d:02d}{y:04d}",
        f"{d:02d}{m:02d}{y % 100:02d}",
        f"{y % 100:02d}{m:02d}{d:02d}",
        f"{d}{m}{y}",
        f"{y:04d}{d:02d}{m:02d}",
        f"{m:02d}{d:02d}{y % 100:02d}",
    }
    return forms


def check_learner_password(
    password: str, login: str, first_name: str, last_name: str, birth_date: date | None
) -> None:
    """Raise ``ValidationError`` unless ``password`` meets the learners' policy."""
    if len(password) < LEARNER_PASSWORD_MIN_CHARS:
        raise ValidationError(f"at least {LEARNER_PASSWORD_MIN_CHARS} characters are needed")
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        raise ValidationError(f"a password may not exceed {BCRYPT_MAX_BYTES} bytes")
    compact = re.sub(r"[^a-z0-9]", "", fold(password))
    if birth_date is not None and compact in _birth_date_forms(birth_date):
        raise ValidationError("the password may not be the birth date")
    for word in (
        login,
        first_name,
        last_name,
        f"{first_name}{last_name}",
        f"{last_name}{first_name}",
    ):
        if compact and compact == re.sub(r"[^a-z0-9]", "", fold(word)):
            raise ValidationError("the password may not be the login or the learner's name")


def change_password(
    db: Database, settings: Settings, login: str, current_password: str, new_password: str
) -> None:
    """The learner's own change: checks the current password, the policy, then stores it over
    the hash that was verified only (a reset committed meanwhile wins: ``NotAuthorized``)."""
    result, checked_hash = _authenticate(db, settings, login, current_password)
    if not result.may_enter or result.learner_id is None or checked_hash is None:
        raise NotAuthorized(
            f"password change refused ({result.status.value})", status=result.status.value
        )
    with db.transaction() as session:
        learner = session.execute(
            select(Learner.login, Learner.first_name, Learner.last_name, Learner.birth_date).where(
                Learner.id == result.learner_id
            )
        ).one()
    check_learner_password(
        new_password, learner.login, learner.first_name, learner.last_name, learner.birth_date
    )
    if verify_password(new_password, checked_hash):
        raise ValidationError("the new password must differ from the current one")
    new_hash = hash_password(new_password, settings.bcrypt_rounds)
    now = datetime.now(UTC)

    def store(session: Session) -> None:
        stored = session.execute(
            update(Learner)
            .where(
                Learner.id == result.learner_id,
                Learner.password_hash == checked_hash,
                Learner.deactivated_at.is_(None),
            )
            .values(password_hash=new_hash, must_change_password=False, password_changed_at=now)
            .execution_options(synchronize_session=False)
        )
        if stored.rowcount != 1:  # type: ignore[attr-defined]
            # reset or deactivated while the passwords were being checked and hashed
            raise NotAuthorized("password change refused (changed)", status="changed")
        audit.record(
            session,
            LEARNER_ACTOR,
            "learner_password_changed",
            learner_id=result.learner_id,
            occurred_at=now,
        )

    db.write(store)
