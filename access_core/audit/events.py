"""Audit events: written inside the caller's transaction, read back for the journal.

Details are stored as JSON, so a value holding a newline cannot forge another line of a log
or a CSV export. Never pass a password, a hash or a cookie here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.accounts import security_log
from access_core.audit import request_context
from access_core.db.models import AuditEvent, Learner
from access_core.db.unit_of_work import Database

FORBIDDEN_DETAIL_KEYS = frozenset({"password", "password_hash", "hash", "cookie", "token"})


@dataclass(frozen=True)
class AuditRecord:
    id: int
    occurred_at: datetime
    actor: str
    action: str
    learner_id: int | None
    details: dict[str, Any]
    batch_id: str | None


_ORIGIN: ContextVar[Mapping[str, Any] | None] = ContextVar("audit_origin", default=None)


@contextmanager
def origin(**details: Any) -> Iterator[None]:
    """Details added to every event recorded within the block (the command line records the
    operating-system user beside ``--actor`` this way)."""
    token = _ORIGIN.set({**(_ORIGIN.get() or {}), **details})
    try:
        yield
    finally:
        _ORIGIN.reset(token)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _one_line(text: str, limit: int) -> str:
    """``text`` with control characters (newlines included) encoded, so it cannot forge a
    line of a log or an export."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)[:limit]


def record(
    session: Session,
    actor: str,
    action: str,
    learner_id: int | None = None,
    details: Mapping[str, Any] | None = None,
    batch_id: str | None = None,
    occurred_at: datetime | None = None,
    class_name: str | None = None,
    school_id: int | None = None,
) -> None:
    """Add one event to the caller's transaction. ``class_name``: the class of the learner (or
    of the export) at this moment, which the journal keeps showing after a move.
    ``school_id``: the school the event concerns (the journal's scope); when not given and the
    event names a learner, the learner's school."""
    if school_id is None and learner_id is not None:
        school_id = session.scalar(select(Learner.school_id).where(Learner.id == learner_id))
    added = _ORIGIN.get()
    if added:
        details = {**added, **(details or {})}
    if details and FORBIDDEN_DETAIL_KEYS.intersection(details):
        raise ValueError("secrets are never written to the audit journal")
    client = request_context.current()
    if client is not None and not (details and "client" in details):
        details = {**(details or {}), "client": client}
    security_log.queue(session, actor, action, details or {}, batch_id, learner_id)
    session.add(
        AuditEvent(
            occurred_at=occurred_at or datetime.now(UTC),
            actor=_one_line(actor, 150),
            action=_one_line(action, 50),
            learner_id=learner_id,
            details=json.dumps(dict(details), ensure_ascii=False, default=str) if details else None,
            batch_id=batch_id,
            class_name=class_name,
            school_id=school_id,
        )
    )


def events(db: Database, action: str | None = None, limit: int = 1000) -> list[AuditRecord]:
    """The latest events, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    with db.transaction() as session:
        rows = session.scalars(query.limit(limit)).all()
        return [
            AuditRecord(
                id=e.id,
                occurred_at=e.occurred_at,
                actor=e.actor,
                action=e.action,
                learner_id=e.learner_id,
                details=json.loads(e.details) if e.details else {},
                batch_id=e.batch_id,
            )
            for e in rows
        ]
