"""Retention: learners' data are kept only as long as the law allows, the journal one term.

The arrêté du 30 novembre 2006 (ENT), article 6, as amended in 2017: in school education a
person's data are deleted within three months once they no longer have reason to hold an
account. A learner deactivated before the start of the deactivated table's window
(``ACCESS_RECENT_DEACTIVATION_MONTHS``, the same calendar rule and boundary as
``queries.recently_deactivated``) is *overdue*. ``purge`` deletes, in one transaction:

- overdue learners' rows and their throttle rows, re-checking the condition under lock, so a
  learner reactivated meanwhile (an import, an undone deactivation) is kept;
- in the journal, whatever names them: their events stay (who did what and when, with the
  learner's stable number ``learner_id``) but their details keep only non-identifying keys;
  events of no learner whose details hold their login or names have those values masked;
- journal events older than ``ACCESS_JOURNAL_RETENTION_MONTHS`` and admin sessions ended (or
  dead) before that term;
- previous passwords kept for a reset's undo whose window is over (``undo_store``), and those
  of the purged learners.

It journals the counts, never a name. The learner is worded « Élève supprimé » at the edge.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from access_core.accounts.admins import require_active_admin
from access_core.accounts.scope import Scope, school_in_scope
from access_core.audit import events as audit
from access_core.db.models import AdminSession, AuditEvent, Learner, LoginThrottle, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.roster.folding import search_fold
from access_core.roster.queries import days_left, deactivation_window_start
from access_core.roster.undo_store import erase_expired, erase_for_learners

PURGE_ACTION = "learners_purged"
# A learner crossing the term during the day is deleted by the next night's purge: ``check`` and
# the overview's warning report a missed purge only past the term by this much (the purge itself
# keeps the exact boundary).
PURGE_GRACE = timedelta(hours=24)
# details of a purged learner's events that name nobody (a learner's client address does)
KEPT_DETAIL_KEYS = frozenset({"class", "reason", "line", "until", "via", "os_user", "format"})
MASK = "*"
CHUNK = 200
NAMES_CHUNK = 150  # terms per compiled pattern
EVENTS_PAGE = 1000


@dataclass(frozen=True)
class OverdueLearner:
    id: int
    login: str
    class_name: str | None
    deactivated_at: datetime


@dataclass(frozen=True)
class OverdueSummary:
    count: int
    oldest: datetime | None  # the earliest deactivation among them


@dataclass(frozen=True)
class PurgeResult:
    learners: int
    journal_events: int  # events older than the journal's term, deleted
    sessions: int  # ended admin sessions deleted


@dataclass(frozen=True)
class Terms:
    """The two terms and the clock they are read on."""

    learner_months: int
    journal_months: int
    tz: ZoneInfo


def _overdue_condition(months: int, tz: ZoneInfo, now: datetime) -> Any:
    start = deactivation_window_start(now, months, tz)
    return Learner.deactivated_at.is_not(None) & (Learner.deactivated_at <= start)


def overdue(
    db: Database, actor: str, months: int, tz: ZoneInfo, now: datetime | None = None
) -> list[OverdueLearner]:
    """Who a purge by ``actor`` would delete now (the dry run; learners of the administrator's
    schools): oldest deactivation first."""
    with db.transaction() as session:
        scope = require_active_admin(session, actor)
        query = (
            select(Learner.id, Learner.login, SchoolClass.name, Learner.deactivated_at)
            .outerjoin(SchoolClass, SchoolClass.id == Learner.class_id)
            .where(
                _overdue_condition(months, tz, now or datetime.now(UTC)),
                scope.school_clause(Learner.school_id),
            )
            .order_by(Learner.deactivated_at, Learner.id)
        )
        rows = session.execute(query).all()
    return [OverdueLearner(r[0], r[1], r[2], r[3]) for r in rows if r[3] is not None]


def overdue_summary(
    db: Database, months: int, tz: ZoneInfo, now: datetime | None = None
) -> OverdueSummary:
    """How many learners are overdue and since when (no name: for ``check`` and ``restore``)."""
    condition = _overdue_condition(months, tz, now or datetime.now(UTC))
    with db.transaction() as session:
        count, oldest = session.execute(
            select(func.count(Learner.id), func.min(Learner.deactivated_at)).where(condition)
        ).one()
    if oldest is not None and oldest.tzinfo is None:  # min() loses the column's type
        oldest = datetime.fromisoformat(str(oldest)).replace(tzinfo=UTC)
    return OverdueSummary(int(count or 0), oldest if count else None)


def missed_purge(
    db: Database, months: int, tz: ZoneInfo, now: datetime | None = None
) -> OverdueSummary:
    """The learners past the term by ``PURGE_GRACE`` or more: a daily purge should have
    deleted them (for ``check`` and the overview's warning)."""
    return overdue_summary(db, months, tz, (now or datetime.now(UTC)) - PURGE_GRACE)


def due_within(
    db: Database,
    actor: str,
    months: int,
    tz: ZoneInfo,
    days: int,
    now: datetime | None = None,
    *,
    school_id: int | None = None,
) -> int:
    """Learners of the school's deactivated table whose « Jours restants » is below ``days``:
    deleted by the purge within the next ``days`` days (0: by the end of today)."""
    now = now or datetime.now(UTC)
    start = deactivation_window_start(now, months, tz)
    with db.transaction() as session:
        scope = require_active_admin(session, actor)
        school = school_in_scope(session, scope, school_id)
        query = select(Learner.deactivated_at).where(
            Learner.deactivated_at > start,
            Learner.deactivated_at <= now,
            Learner.school_id == school,
        )
        moments = session.scalars(query).all()
    return sum(1 for m in moments if m is not None and days_left(m, months, tz, now) < days)


def _kept_details(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    kept = {k: v for k, v in data.items() if k in KEPT_DETAIL_KEYS}
    return json.dumps(kept, ensure_ascii=False) if kept else None


def _patterns(terms: Sequence[str]) -> list[re.Pattern[str]]:
    """Whole-word alternations of the folded terms, NAMES_CHUNK terms each."""
    folded = sorted({search_fold(term.strip()) for term in terms if term.strip()}, key=len)
    folded.reverse()  # the longest first, so « jean-pierre » wins over « jean »
    return [
        re.compile(
            r"(?<!\w)(?:" + "|".join(map(re.escape, folded[i : i + NAMES_CHUNK])) + r")(?!\w)"
        )
        for i in range(0, len(folded), NAMES_CHUNK)
    ]


def _masked(value: Any, patterns: Sequence[re.Pattern[str]]) -> Any:
    if isinstance(value, str):
        folded = search_fold(value)
        return MASK if any(p.search(folded) for p in patterns) else value
    if isinstance(value, dict):
        return {k: _masked(v, patterns) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, patterns) for v in value]
    return value


def _mask_mentions(session: Session, people: Sequence[tuple[str, str, str]]) -> None:
    """Events of no learner (a journal export filtered by a name...) whose details hold a
    purged learner's login or names: those values are masked. Compared on the search's fold
    (case, accents and typographic marks ignored, as the journal's filter matched them), in
    Python: every backend decides alike (PostgreSQL's LIKE is case-sensitive). One pass over
    these events for the whole purge, by pages."""
    patterns = _patterns([term for person in people for term in person])
    if not patterns:
        return
    last = 0
    while True:
        rows = session.execute(
            select(AuditEvent.id, AuditEvent.details)
            .where(
                AuditEvent.learner_id.is_(None),
                AuditEvent.details.is_not(None),
                AuditEvent.id > last,
            )
            .order_by(AuditEvent.id)
            .limit(EVENTS_PAGE)
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        for event_id, raw in rows:
            try:
                data = json.loads(raw or "null")
            except ValueError:
                data = None
            if data is None:
                if not any(p.search(search_fold(raw or "")) for p in patterns):
                    continue
                masked = None
            else:
                kept = _masked(data, patterns)
                if kept == data:
                    continue
                masked = json.dumps(kept, ensure_ascii=False, default=str)
            session.execute(
                update(AuditEvent)
                .where(AuditEvent.id == event_id)
                .values(details=masked)
                .execution_options(synchronize_session=False)
            )


def _scrub_events(session: Session, learner_ids: Sequence[int]) -> None:
    rows = session.execute(
        select(AuditEvent.id, AuditEvent.details).where(
            AuditEvent.learner_id.in_(learner_ids), AuditEvent.details.is_not(None)
        )
    ).all()
    for event_id, raw in rows:
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.id == event_id)
            .values(details=_kept_details(raw))
            .execution_options(synchronize_session=False)
        )


def _purge_learners(
    session: Session, scope: Scope, months: int, tz: ZoneInfo, now: datetime
) -> int:
    condition = _overdue_condition(months, tz, now) & scope.school_clause(Learner.school_id)
    # Locked for the transaction (SQLite: the write lock is already held): an import that
    # reactivates one of them waits, then finds it gone; one that committed first is seen.
    rows = session.execute(
        select(Learner.id, Learner.login, Learner.last_name, Learner.first_name)
        .where(condition)
        .order_by(Learner.id)
        .with_for_update()
    ).all()
    purged = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        ids = [row[0] for row in chunk]
        session.execute(
            delete(LoginThrottle)
            .where(LoginThrottle.learner_id.in_(ids))
            .execution_options(synchronize_session=False)
        )
        _scrub_events(session, ids)
        erase_for_learners(session, ids)  # a previous password kept for an undo
        result = session.execute(
            delete(Learner)
            .where(Learner.id.in_(ids), condition)  # the condition again, under the lock
            .execution_options(synchronize_session=False)
        )
        purged += int(result.rowcount)  # type: ignore[attr-defined]
    _mask_mentions(session, [(row[1], row[2], row[3]) for row in rows])
    return purged


def purge(db: Database, actor: str, terms: Terms, now: datetime | None = None) -> PurgeResult:
    """Delete the overdue learners of the actor's schools (every school: a district
    administrator), old journal events of those schools and of no school, and old ended
    sessions: all or nothing."""
    moment = now or datetime.now(UTC)
    journal_start = deactivation_window_start(moment, terms.journal_months, terms.tz)

    def work(session: Session) -> PurgeResult:
        scope = require_active_admin(session, actor)
        learners = _purge_learners(session, scope, terms.learner_months, terms.tz, moment)
        erase_expired(session, moment)  # previous passwords past their undo window
        events = session.execute(
            delete(AuditEvent)
            .where(
                AuditEvent.occurred_at < journal_start,
                or_(AuditEvent.school_id.is_(None), scope.school_clause(AuditEvent.school_id)),
            )
            .execution_options(synchronize_session=False)
        )
        sessions = session.execute(
            delete(AdminSession)
            .where(
                or_(
                    AdminSession.ended_at < journal_start,
                    AdminSession.last_seen_at < journal_start,
                )
            )
            .execution_options(synchronize_session=False)
        )
        result = PurgeResult(
            learners,
            int(events.rowcount),  # type: ignore[attr-defined]
            int(sessions.rowcount),  # type: ignore[attr-defined]
        )
        audit.record(
            session,
            actor,
            PURGE_ACTION,
            occurred_at=moment,
            details={
                "learners": result.learners,
                "journal_events": result.journal_events,
                "sessions": result.sessions,
            },
        )
        return result

    return db.write(work)
