"""The audit journal for administrators: filtered, paginated reads and a CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from access_core.accounts.scope import Scope, require_scope, school_in_scope
from access_core.audit import events as audit
from access_core.db.models import (
    AccountClass,
    AccountSchool,
    Admin,
    AuditEvent,
    Learner,
    SchoolClass,
)
from access_core.db.unit_of_work import Database
from access_core.documents.workbook import csv_cell
from access_core.roster.names import full_name
from access_core.roster.search import learner_matches, search_key
from access_core.text.journal_words import event_text

PAGE_SIZE = 50
EXPORT_ACTION = "journal_exported"


@dataclass(frozen=True)
class JournalFilter:
    start: date | None = None  # inclusive, on the school's calendar
    end: date | None = None  # inclusive
    actions: tuple[str, ...] = ()
    class_name: str | None = None  # the learner's class at the time of the event
    actor: str | None = None
    learner: str | None = None  # part of a login, last or first name


@dataclass(frozen=True)
class JournalEntry:
    id: int
    occurred_at: datetime
    actor: str
    action: str
    learner_id: int | None
    learner_login: str | None
    learner_name: str | None
    class_name: str | None
    details: str
    batch_id: str | None
    # True when the event predates the class being recorded: ``class_name`` is then the
    # learner's current class, which may not be the one of the event
    class_is_current: bool = False
    # the actor's role (``admin`` or ``teacher``), that of their account today; None for an
    # actor that is no account (``system``) or one since deleted
    actor_role: str | None = None


def visible_events(session: Session, scope: Scope, school_id: int | None) -> ColumnElement[bool]:
    """The journal events ``scope`` may read: a teacher, only their own actions; an
    administrator, the events of the school (``school_in_scope``) and the events of no school
    (logins, accounts) whose actor is an account of that school or no account at all (the
    installation's own operations: ``system``, the command line's creations)."""
    if not scope.is_admin:
        if school_id is not None:  # a school outside the teacher's: not found, as unknown
            school_in_scope(session, scope, school_id)
        return AuditEvent.actor == scope.username
    school = school_in_scope(session, scope, school_id)
    accounts = (
        select(Admin.username)
        .where(
            or_(
                Admin.id.in_(
                    select(AccountSchool.admin_id).where(AccountSchool.school_id == school)
                ),
                Admin.id.in_(
                    select(AccountClass.admin_id)
                    .join(SchoolClass, SchoolClass.id == AccountClass.class_id)
                    .where(SchoolClass.school_id == school)
                ),
            )
        )
        .scalar_subquery()
    )
    every_account = select(Admin.username).scalar_subquery()
    return or_(
        AuditEvent.school_id == school,
        and_(
            AuditEvent.school_id.is_(None),
            or_(AuditEvent.actor.in_(accounts), AuditEvent.actor.not_in(every_account)),
        ),
    )


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def _filtered(
    session: Session,
    query: Select[*tuple[Any, ...]],
    flt: JournalFilter,
    tz: ZoneInfo,
) -> Select[*tuple[Any, ...]]:
    if flt.start:
        query = query.where(AuditEvent.occurred_at >= _day_start(flt.start, tz))
    if flt.end:
        query = query.where(AuditEvent.occurred_at < _day_start(flt.end + timedelta(days=1), tz))
    if flt.actions:
        query = query.where(AuditEvent.action.in_(flt.actions))
    if flt.actor:
        query = query.where(func.lower(AuditEvent.actor) == flt.actor.strip().lower())
    if flt.class_name is not None:
        query = query.where(
            or_(
                AuditEvent.class_name == flt.class_name,
                and_(AuditEvent.class_name.is_(None), SchoolClass.name == flt.class_name),
            )
        )
    if flt.learner and flt.learner.strip():
        # the event's learner has the text in their login, last or first name, ignoring case
        # and accents: the learner search's stored folded names (``search.learner_matches``)
        query = query.where(learner_matches(search_key(flt.learner)))
    return query


def _base() -> Select[*tuple[Any, ...]]:
    return (
        select(
            AuditEvent.id,
            AuditEvent.occurred_at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.learner_id,
            Learner.login,
            Learner.last_name,
            Learner.first_name,
            func.coalesce(AuditEvent.class_name, SchoolClass.name),
            AuditEvent.details,
            AuditEvent.batch_id,
            AuditEvent.class_name.is_(None) & SchoolClass.name.is_not(None),
            Admin.role,
        )
        .outerjoin(Learner, Learner.id == AuditEvent.learner_id)
        .outerjoin(SchoolClass, SchoolClass.id == Learner.class_id)
        .outerjoin(Admin, Admin.username == AuditEvent.actor)
    )


def _counted() -> Select[*tuple[Any, ...]]:
    """The events' count, with the joins the filters may read (not the actors' roles)."""
    return (
        select(func.count(AuditEvent.id))
        .select_from(AuditEvent)
        .outerjoin(Learner, Learner.id == AuditEvent.learner_id)
        .outerjoin(SchoolClass, SchoolClass.id == Learner.class_id)
    )


def _entry(r: Sequence[Any]) -> JournalEntry:
    return JournalEntry(
        id=r[0],
        occurred_at=r[1],
        actor=r[2],
        action=r[3],
        learner_id=r[4],
        learner_login=r[5],
        learner_name=full_name(r[6], r[7]) if r[6] is not None else None,
        class_name=r[8],
        details=r[9] or "",
        batch_id=r[10],
        class_is_current=bool(r[11]),
        actor_role=r[12],
    )


def _entries(session: Session, query: Select[*tuple[Any, ...]]) -> list[JournalEntry]:
    return [_entry(r) for r in session.execute(query).all()]


def search(
    db: Database,
    actor: str,
    flt: JournalFilter,
    tz: ZoneInfo,
    page: int = 0,
    page_size: int = PAGE_SIZE,
    *,
    school_id: int | None = None,
) -> tuple[list[JournalEntry], int]:
    """One page of the matching events the actor may read (``visible_events``), newest
    first, and their number."""
    with db.transaction() as session:
        scope = require_scope(session, actor)
        visible = visible_events(session, scope, school_id)
        # the count in the same statement as the page (one round trip, one plan): it joins only
        # what the filters read, the page joins the rest for its 50 rows alone
        counted = (
            _filtered(session, _counted(), flt, tz).where(visible).correlate(None)
        ).scalar_subquery()
        query = (
            _filtered(session, _base(), flt, tz)
            .add_columns(counted.label("total"))
            .where(visible)
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .offset(max(page, 0) * page_size)
            .limit(page_size)
        )
        found = session.execute(query).all()
        if found:
            total = int(found[0][-1])
        elif page > 0:  # past the last page: the count alone says how many there are
            total = int(session.scalar(select(counted)) or 0)
        else:
            total = 0
    return [_entry(row) for row in found], total


def export_csv(
    db: Database,
    actor: str,
    flt: JournalFilter,
    tz: ZoneInfo,
    lang: str = "fr",
    *,
    school_id: int | None = None,
) -> bytes:
    """Every matching event the actor may read as CSV (``to_csv``, its ``text`` column in
    ``lang``); the export is itself audited, in the same transaction, with the filters it
    used."""

    def export(session: Session) -> list[JournalEntry]:
        scope = require_scope(session, actor)
        school = None if not scope.is_admin else school_in_scope(session, scope, school_id)
        query = (
            _filtered(session, _base(), flt, tz)
            .where(visible_events(session, scope, school))
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        )
        entries = _entries(session, query)
        filters = {k: v for k, v in asdict(flt).items() if v not in (None, ())}
        audit.record(
            session,
            actor,
            EXPORT_ACTION,
            details={"events": len(entries), "filters": filters},
            school_id=school,
        )
        return entries

    return to_csv(db.write(export), tz, lang)


def csv_filename(tz: ZoneInfo, now: datetime | None = None) -> str:
    """``journal_<yyyy-mm-dd>.csv``, dated on the school's calendar."""
    return f"journal_{(now or datetime.now(UTC)).astimezone(tz).date().isoformat()}.csv"


def known_actions(db: Database, actor: str, *, school_id: int | None = None) -> list[str]:
    """The actions of the events the actor may read."""
    with db.transaction() as session:
        scope = require_scope(session, actor)
        query = select(AuditEvent.action).where(visible_events(session, scope, school_id))
        return sorted(session.scalars(query.distinct()).all())


def to_csv(entries: Sequence[JournalEntry], tz: ZoneInfo, lang: str = "fr") -> bytes:
    """UTF-8 CSV with BOM (opens correctly in spreadsheets), ``;``-separated: the stable action
    code and JSON details, and the event in words (``text``, in ``lang``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "date",
            "actor",
            "action",
            "learner",
            "login",
            "class",
            "details",
            "batch",
            "class_is",
            "role",
            "text",
        ]
    )
    for e in entries:
        writer.writerow(
            csv_cell(v)
            for v in (
                e.occurred_at.astimezone(tz).strftime("%d/%m/%Y %H:%M:%S"),
                e.actor,
                e.action,
                e.learner_name,
                e.learner_login,
                e.class_name,
                e.details,
                e.batch_id,
                ("current" if e.class_is_current else "at_event") if e.class_name else "",
                e.actor_role or "",
                event_text(e.action, e.details, lang, tz),
            )
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
