"""The reset service: validate, hash, then write and audit in one transaction.

A reset sets a learner's password back to the birth date written ``ddmmyyyy`` and asks the
learner to choose a new one. It touches ``password_hash``, ``must_change_password`` and
``password_changed_at`` and nothing else of the learner, and lifts the learner's login lockout
(audited as ``login_unlocked``). A batch applies whole or not at all, and at most
once: its id is the primary key of ``reset_batches``. In the same transaction the columns it
overwrites are kept for ``undo_minutes`` (``undo_store``), so that ``undo.undo_reset`` can put
them back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access_core.accounts import throttle
from access_core.accounts.passwords import Progress, hash_many, initial_password
from access_core.accounts.scope import require_scope
from access_core.audit import events as audit
from access_core.config import DEFAULT_TEACHER_MAX_RESET
from access_core.db.models import Learner, ResetBatch
from access_core.db.unit_of_work import Database
from access_core.errors import (
    BatchAlreadyApplied,
    ConcurrentChange,
    NotFound,
    ResetRefused,
    ResetTooLarge,
    ValidationError,
)
from access_core.roster.names import full_name
from access_core.roster.queries import LearnerRow, learners_by_ids
from access_core.roster.undo_store import keep_previous, lock_current

RESET_ACTION = "password_reset"
UNLOCK_ACTION = "login_unlocked"


@dataclass(frozen=True)
class ResetOutcome:
    batch_id: str
    learners: list[LearnerRow]
    applied_at: datetime
    unlocked_ids: tuple[int, ...] = ()

    @property
    def count(self) -> int:
        return len(self.learners)


def new_batch_id() -> str:
    return str(uuid.uuid4())


def _validated_learners(
    db: Database, actor: str, ids: list[int], batch_id: str, teacher_max: int
) -> list[LearnerRow]:
    with db.transaction() as session:
        scope = require_scope(session, actor)
        if not scope.is_admin and len(ids) > teacher_max:
            raise ResetTooLarge(
                f"a teacher resets at most {teacher_max} learners at once",
                maximum=teacher_max,
                count=len(ids),
            )
        if session.get(ResetBatch, batch_id) is not None:
            raise BatchAlreadyApplied("this reset has already been applied", batch_id=batch_id)
        rows = learners_by_ids(session, ids, scope)  # out of scope: missing, as unknown
    missing = sorted(set(ids) - {row.id for row in rows})
    if missing:
        raise NotFound(f"unknown learner ids: {missing}", ids=missing)
    without_birth_date = [
        full_name(row.last_name, row.first_name) for row in rows if row.birth_date is None
    ]
    if without_birth_date:
        raise ResetRefused(
            "no birth date, so no initial password, for: " + ", ".join(without_birth_date),
            names=without_birth_date,
        )
    return rows


def reset_passwords(
    db: Database,
    actor: str,
    learner_ids: Iterable[int],
    rounds: int,
    batch_id: str | None = None,
    progress: Progress | None = None,
    undo_minutes: int = 15,
    *,
    teacher_max: int = DEFAULT_TEACHER_MAX_RESET,
) -> ResetOutcome:
    """Reset the learners ``learner_ids`` in one batch, on behalf of ``actor``: an
    administrator (learners of their schools) or a teacher (learners of their classes, at most
    ``teacher_max``, ``ACCESS_TEACHER_MAX_RESET``). A learner outside the scope is not found,
    exactly as an unknown one. The overwritten passwords are kept ``undo_minutes`` for an undo
    (0: not kept)."""
    ids = sorted(set(learner_ids))
    if not ids:
        raise ValidationError("no learner is marked for reset")
    batch_id = batch_id or new_batch_id()
    rows = _validated_learners(db, actor, ids, batch_id, teacher_max)
    hashes = hash_many(
        [initial_password(row.birth_date) for row in rows if row.birth_date], rounds, progress
    )
    now = datetime.now(UTC)

    def apply(session: Session) -> list[int]:
        scope = require_scope(session, actor)  # again: a scope may have changed meanwhile
        session.add(ResetBatch(id=batch_id, actor=actor, applied_at=now, learner_count=len(rows)))
        session.flush()
        previous = lock_current(session, [row.id for row in rows])
        for row, password_hash in zip(rows, hashes, strict=True):
            result = session.execute(
                update(Learner)
                .where(
                    Learner.id == row.id,
                    Learner.birth_date == row.birth_date,
                    scope.learner_clause(),
                )
                .values(
                    password_hash=password_hash, must_change_password=True, password_changed_at=now
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                name = full_name(row.last_name, row.first_name)
                raise ConcurrentChange(
                    f"{name} was changed or removed meanwhile; nothing was reset", name=name
                )
            audit.record(
                session,
                actor,
                RESET_ACTION,
                learner_id=row.id,
                batch_id=batch_id,
                occurred_at=now,
                details={"login": row.login, "class": row.class_name},
                class_name=row.class_name,
                school_id=row.school_id,
            )
        keep_previous(
            session,
            batch_id,
            previous,
            {row.id: h for row, h in zip(rows, hashes, strict=True)},
            now,
            undo_minutes,
        )
        unlocked = throttle.lift_learner_lockouts(session, [row.id for row in rows], now)
        for learner_id in unlocked:
            audit.record(
                session,
                actor,
                UNLOCK_ACTION,
                learner_id=learner_id,
                batch_id=batch_id,
                occurred_at=now,
                details={"reason": RESET_ACTION},
            )
        return unlocked

    try:
        unlocked = db.write(apply)
    except IntegrityError:
        raise BatchAlreadyApplied(
            "this reset has already been applied", batch_id=batch_id
        ) from None
    return ResetOutcome(
        batch_id=batch_id, learners=rows, applied_at=now, unlocked_ids=tuple(unlocked)
    )
