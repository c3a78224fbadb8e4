"""The previous passwords a reset keeps for its undo window (table ``reset_undo``).

Written in the reset's own transaction (``keep_previous``), read only by the undo
(``roster/undo.py``), and erased once the window is over (``erase_expired``) by every write that
touches the table (a reset, an undo) and by the purge. Nothing here returns a hash to a caller
outside the undo: the previous hashes never leave the database (no export, log or message).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from access_core.db.models import Learner, ResetUndo


def erase_expired(session: Session, now: datetime) -> int:
    """Delete every kept password whose window is over; returns how many rows went."""
    result = session.execute(
        delete(ResetUndo)
        .where(ResetUndo.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def erase_for_learners(session: Session, learner_ids: Sequence[int]) -> None:
    """Delete what is kept for these learners (the purge deletes them)."""
    if learner_ids:
        session.execute(
            delete(ResetUndo)
            .where(ResetUndo.learner_id.in_(list(learner_ids)))
            .execution_options(synchronize_session=False)
        )


def lock_current(
    session: Session, learner_ids: Sequence[int]
) -> dict[int, tuple[str | None, bool, datetime | None]]:
    """The learners' password columns as they are now, their rows locked until the commit
    (so the values kept are exactly those the reset overwrites)."""
    rows = session.execute(
        select(
            Learner.id,
            Learner.password_hash,
            Learner.must_change_password,
            Learner.password_changed_at,
        )
        .where(Learner.id.in_(sorted(learner_ids)))
        .order_by(Learner.id)
        .with_for_update()
    ).all()
    return {int(r[0]): (r[1], bool(r[2]), r[3]) for r in rows}


def keep_previous(
    session: Session,
    batch_id: str,
    previous: dict[int, tuple[str | None, bool, datetime | None]],
    reset_hashes: dict[int, str],
    now: datetime,
    minutes: int,
) -> None:
    """Keep each learner's ``previous`` password columns for ``minutes`` (none when 0)."""
    erase_expired(session, now)
    if minutes <= 0:
        return
    expires_at = now + timedelta(minutes=minutes)
    for learner_id, reset_hash in sorted(reset_hashes.items()):
        old_hash, must_change, changed_at = previous[learner_id]
        session.add(
            ResetUndo(
                batch_id=batch_id,
                learner_id=learner_id,
                previous_hash=old_hash,
                previous_must_change=must_change,
                previous_changed_at=changed_at,
                reset_hash=reset_hash,
                expires_at=expires_at,
            )
        )
