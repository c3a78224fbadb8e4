"""Undoing a reset: each learner of the batch gets back exactly the password they had.

For the undo window (``ACCESS_RESET_UNDO_MINUTES`` after the reset) ``undo_reset`` puts back
the password hash, ``must_change_password`` and ``password_changed_at`` that the reset
overwrote (kept by ``undo_store``), in one transaction. A learner who has logged in on the
portal since the reset (a ``learner_login_succeeded`` event after the batch's), or whose
password is no longer the one the reset wrote (changed by the learner, reset again), is kept
as they are and named. The batch's kept passwords are erased by the undo: a batch is undone at
most once, and of two undos at once (or an undo and a reset of the same learners) the second
sees the first's result under the rows' locks, never half of it. The actor check is the
reset's: an active account whose scope holds every learner of the batch; a teacher may undo
only their own batch. An unknown batch and one outside the scope are the same ``NotFound``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from access_core.accounts.scope import Scope, require_scope
from access_core.audit import events as audit
from access_core.db.models import AuditEvent, Learner, ResetBatch, ResetUndo
from access_core.db.unit_of_work import Database
from access_core.errors import ConcurrentChange, NotFound, UndoRefused
from access_core.roster.names import full_name
from access_core.roster.queries import LearnerRow, learners_by_ids
from access_core.roster.resets import RESET_ACTION
from access_core.roster.undo_store import erase_expired

UNDO_ACTION = "reset_undone"
KEPT_ACTION = "reset_undo_kept"
LOGIN_ACTION = "learner_login_succeeded"
KEPT_LOGGED_IN = "logged_in"  # logged in on the portal since the reset
KEPT_CHANGED = "changed"  # password changed (or reset again, or learner gone) since
EXPIRED = "error_undo_expired"
ALREADY_UNDONE = "error_undo_already_done"

# The clock of the window; tests replace it (never sleep).
clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


@dataclass(frozen=True)
class KeptLearner:
    learner_id: int
    name: str  # « Nom Prénom »
    reason: str  # KEPT_LOGGED_IN or KEPT_CHANGED


@dataclass(frozen=True)
class UndoOutcome:
    batch_id: str
    restored: tuple[str, ...]  # « Nom Prénom » of the learners given their password back
    kept: tuple[KeptLearner, ...]

    @property
    def count(self) -> int:
        return len(self.restored)


def _batch_in_scope(session: Session, scope: Scope, batch_id: str) -> ResetBatch:
    batch = session.get(ResetBatch, batch_id)
    if batch is None or (not scope.is_admin and batch.actor != scope.username):
        raise NotFound("no such reset", batch_id=batch_id, key="error_undo_not_found")
    ids = select(AuditEvent.learner_id).where(
        AuditEvent.batch_id == batch_id, AuditEvent.action == RESET_ACTION
    )
    outside = session.scalar(select(exists().where(Learner.id.in_(ids), ~scope.learner_clause())))
    if outside:
        raise NotFound("no such reset", batch_id=batch_id, key="error_undo_not_found")
    return batch


def _undone_already(session: Session, batch_id: str) -> bool:
    found = session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.batch_id == batch_id,
            AuditEvent.action.in_((UNDO_ACTION, KEPT_ACTION)),
        )
        .limit(1)
        .with_for_update(read=True)  # a locking read sees the latest commit (MariaDB)
    )
    return found is not None


def _logged_in_since(session: Session, batch_id: str, learner_ids: list[int]) -> set[int]:
    """Learners with a portal login recorded after the batch's reset events (ids, not clocks:
    the portal's host may keep another time)."""
    first = session.scalar(
        select(func.min(AuditEvent.id)).where(
            AuditEvent.batch_id == batch_id, AuditEvent.action == RESET_ACTION
        )
    )
    if first is None:
        return set()
    found = session.scalars(
        select(AuditEvent.learner_id)
        .where(
            AuditEvent.action == LOGIN_ACTION,
            AuditEvent.learner_id.in_(learner_ids),
            AuditEvent.id > first,
        )
        .with_for_update(read=True)  # the latest logins, also on MariaDB's snapshot
    ).all()
    return {int(i) for i in found if i is not None}


def undo_deadline(
    db: Database, actor: str, batch_id: str, now: datetime | None = None
) -> datetime | None:
    """Until when ``actor`` may undo ``batch_id``; None when they may not (window over, undone
    already, unknown or outside their scope)."""
    now = now or clock()
    with db.transaction() as session:
        scope = require_scope(session, actor)
        try:
            _batch_in_scope(session, scope, batch_id)
        except NotFound:
            return None
        return session.scalar(
            select(func.min(ResetUndo.expires_at)).where(
                ResetUndo.batch_id == batch_id, ResetUndo.expires_at > now
            )
        )


def _restore(session: Session, actor: str, batch_id: str, now: datetime) -> UndoOutcome | str:
    scope = require_scope(session, actor)
    _batch_in_scope(session, scope, batch_id)
    erase_expired(session, now)  # this batch's too, when its window is over
    kept_rows = session.scalars(
        select(ResetUndo)
        .where(ResetUndo.batch_id == batch_id)
        .order_by(ResetUndo.learner_id)
        .with_for_update()
    ).all()
    if not kept_rows:
        return ALREADY_UNDONE if _undone_already(session, batch_id) else EXPIRED
    ids = [row.learner_id for row in kept_rows]
    current = dict(
        session.execute(
            select(Learner.id, Learner.password_hash)
            .where(Learner.id.in_(ids))
            .order_by(Learner.id)
            .with_for_update()
        ).all()
    )
    learners = {row.id: row for row in learners_by_ids(session, ids, scope)}
    logged_in = _logged_in_since(session, batch_id, ids)
    restored: list[LearnerRow] = []
    kept: list[KeptLearner] = []
    for row in kept_rows:
        learner = learners.get(row.learner_id)
        name = full_name(learner.last_name, learner.first_name) if learner else ""
        if learner is not None and row.learner_id in logged_in:  # (a login may rehash too)
            kept.append(KeptLearner(row.learner_id, name, KEPT_LOGGED_IN))
        elif learner is None or current.get(row.learner_id) != row.reset_hash:
            kept.append(KeptLearner(row.learner_id, name, KEPT_CHANGED))
        else:
            result = session.execute(
                update(Learner)
                .where(Learner.id == row.learner_id, Learner.password_hash == row.reset_hash)
                .values(
                    password_hash=row.previous_hash,
                    must_change_password=row.previous_must_change,
                    password_changed_at=row.previous_changed_at,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise ConcurrentChange(f"{name} changed meanwhile; nothing was undone", name=name)
            restored.append(learner)
        session.delete(row)
    for learner in restored:
        audit.record(
            session,
            actor,
            UNDO_ACTION,
            learner_id=learner.id,
            batch_id=batch_id,
            occurred_at=now,
            details={"login": learner.login, "class": learner.class_name},
            class_name=learner.class_name,
        )
    for person in kept:
        audit.record(
            session,
            actor,
            KEPT_ACTION,
            learner_id=person.learner_id,
            batch_id=batch_id,
            occurred_at=now,
            details={"reason": person.reason},
        )
    return UndoOutcome(
        batch_id,
        tuple(full_name(r.last_name, r.first_name) for r in restored),
        tuple(kept),
    )


def undo_reset(db: Database, actor: str, batch_id: str, now: datetime | None = None) -> UndoOutcome:
    """Undo the reset ``batch_id`` on behalf of ``actor`` (see the module's docstring).
    ``UndoRefused`` once its window is over or when it was undone already."""
    when = now or clock()
    result = db.write(lambda session: _restore(session, actor, batch_id, when))
    if isinstance(result, str):  # refused after the expired rows' erasure was committed
        message = (
            "this reset was undone already"
            if result == ALREADY_UNDONE
            else ("this reset can no longer be undone")
        )
        raise UndoRefused(message, batch_id=batch_id, key=result)
    return result
