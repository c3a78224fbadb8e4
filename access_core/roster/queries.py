"""Read queries: classes, the active learners of a class, recently deactivated learners.

Services return plain frozen dataclasses, never ORM objects, so callers may cache them.
"""

from __future__ import annotations

import calendar
import enum
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from access_core.accounts.admins import require_active_admin
from access_core.accounts.learner_login import initial_password_expired
from access_core.accounts.scope import Scope, require_scope, school_in_scope
from access_core.db.models import Learner, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.errors import NotFound
from access_core.roster.logins import fold


@dataclass(frozen=True)
class ClassInfo:
    id: int
    name: str


@dataclass(frozen=True)
class LearnerRow:
    id: int
    last_name: str
    first_name: str
    login: str
    birth_date: date | None
    class_name: str | None
    must_change_password: bool
    password_changed_at: datetime | None
    deactivated_at: datetime | None
    school_id: int | None = None


class PasswordState(enum.Enum):
    """Where a learner's password stands; the interface words it."""

    INITIAL = "initial"  # the birth date, to be changed at the next login
    INITIAL_EXPIRED = "initial_expired"  # the birth date, too old to be accepted
    CUSTOM = "custom"  # chosen by the learner


def password_state(row: LearnerRow, initial_days: int, now: datetime) -> PasswordState:
    if not row.must_change_password:
        return PasswordState.CUSTOM
    expired = initial_password_expired(True, row.password_changed_at, initial_days, now)
    return PasswordState.INITIAL_EXPIRED if expired else PasswordState.INITIAL


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key putting « 6e A » before « 6e B » and « 2 » before « 10 », ignoring case."""
    parts = re.split(r"(\d+)", text.casefold())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p != "")


def scoped_school(session: Session, actor: str, school_id: int | None) -> tuple[Scope, int]:
    """The actor's scope and the school a request is about (``school_in_scope``: None = the
    actor's only school)."""
    scope = require_scope(session, actor)
    return scope, school_in_scope(session, scope, school_id)


def list_classes(db: Database, actor: str, *, school_id: int | None = None) -> list[ClassInfo]:
    """The classes of the school the actor may see (a teacher: theirs), in natural order."""
    with db.transaction() as session:
        scope, school = scoped_school(session, actor, school_id)
        rows = session.execute(
            select(SchoolClass.id, SchoolClass.name).where(
                SchoolClass.school_id == school, scope.class_clause()
            )
        ).all()
    classes = [ClassInfo(id=r[0], name=r[1]) for r in rows]
    return sorted(classes, key=lambda c: natural_key(c.name))


def active_counts(db: Database, actor: str, *, school_id: int | None = None) -> dict[int, int]:
    """Active learners per class id of the school (classes without any are absent)."""
    with db.transaction() as session:
        scope, school = scoped_school(session, actor, school_id)
        rows = session.execute(
            select(Learner.class_id, func.count(Learner.id))
            .where(
                Learner.deactivated_at.is_(None),
                Learner.class_id.is_not(None),
                Learner.school_id == school,
                scope.learner_clause(),
            )
            .group_by(Learner.class_id)
        ).all()
    return {int(class_id or 0): int(count) for class_id, count in rows}


def classes_version(db: Database, actor: str, *, school_id: int | None = None) -> tuple[int, int]:
    """Changes whenever a class of the school is added or removed: a cache key for the list."""
    with db.transaction() as session:
        scope, school = scoped_school(session, actor, school_id)
        count, highest = session.execute(
            select(func.count(SchoolClass.id), func.coalesce(func.max(SchoolClass.id), 0)).where(
                SchoolClass.school_id == school, scope.class_clause()
            )
        ).one()
    return int(count), int(highest)


def has_learners(db: Database) -> bool:
    with db.transaction() as session:
        return session.scalar(select(Learner.id).limit(1)) is not None


def find_class(db: Database, actor: str, name: str, *, school_id: int | None = None) -> ClassInfo:
    """The class called ``name`` in the school (exact, else ignoring case and surrounding
    spaces); one outside the actor's scope is not found, as an unknown one."""
    wanted = name.strip().casefold()
    for info in list_classes(db, actor, school_id=school_id):
        if info.name == name or info.name.strip().casefold() == wanted:
            return info
    raise NotFound(f"no class named {name!r}", name=name)


def _learner_query() -> Select[*tuple[Any, ...]]:
    return select(
        Learner.id,
        Learner.last_name,
        Learner.first_name,
        Learner.login,
        Learner.birth_date,
        SchoolClass.name,
        Learner.must_change_password,
        Learner.password_changed_at,
        Learner.deactivated_at,
        Learner.school_id,
    ).outerjoin(SchoolClass, SchoolClass.id == Learner.class_id)


def _rows(session: Session, query: Select[*tuple[Any, ...]]) -> list[LearnerRow]:
    return [LearnerRow(*row) for row in session.execute(query).all()]


def name_sort_key(row: LearnerRow) -> tuple[str, str, str, str, str]:
    """Alphabetical as a French reader expects: « Émile » between « Dupont » and « Faure »."""
    return (
        fold(row.last_name),
        fold(row.first_name),
        row.last_name.casefold(),
        row.first_name.casefold(),
        row.login,
    )


def class_learners(db: Database, actor: str, class_id: int) -> list[LearnerRow]:
    """The active learners of one class, sorted by last name then first name (none for a
    class outside the actor's scope, as for an unknown one)."""
    with db.transaction() as session:
        scope = require_scope(session, actor)
        query = _learner_query().where(
            Learner.class_id == class_id, Learner.deactivated_at.is_(None), scope.learner_clause()
        )
        rows = _rows(session, query)
    return sorted(rows, key=name_sort_key)


def learners_by_ids(
    session: Session, learner_ids: Iterable[int], scope: Scope | None
) -> list[LearnerRow]:
    """The learners ``learner_ids`` within ``scope`` (None: any, for callers that checked)."""
    ids = sorted(set(learner_ids))
    if not ids:
        return []
    query = _learner_query().where(Learner.id.in_(ids)).order_by(Learner.id)
    if scope is not None:
        query = query.where(scope.learner_clause())
    return _rows(session, query)


def learners_by_logins(db: Database, actor: str, logins: Sequence[str]) -> list[LearnerRow]:
    """The learners of ``logins`` within the actor's scope (the others are not found)."""
    with db.transaction() as session:
        scope = require_scope(session, actor)
        return _rows(
            session,
            _learner_query().where(Learner.login.in_(list(logins)), scope.learner_clause()),
        )


def shift_months(moment: datetime, months: int) -> datetime:
    """``moment`` moved by ``months`` calendar months, the day clamped to the month's length."""
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def deactivation_window_start(now: datetime, months: int, tz: ZoneInfo) -> datetime:
    """The UTC instant ``months`` calendar months before ``now`` on the school's wall clock."""
    local = now.astimezone(tz)
    earlier = shift_months(local.replace(tzinfo=None), -months).replace(tzinfo=tz)
    return earlier.astimezone(UTC)


def window_end_date(deactivated_at: datetime, months: int, tz: ZoneInfo) -> date:
    """The first local date by whose end a learner deactivated at ``deactivated_at`` has left
    the window, decided by the query's own rule (``deactivation_window_start``), so that the
    days shown never disagree with the list, even where the clock is ambiguous (a daylight
    saving change at midnight) or the day is clamped (deactivated 30 November, + 3 months
    clamps to 28 February, which maps back to 28 November: still listed; gone by 1 March)."""
    end = _months_later(deactivated_at.astimezone(tz).date(), months)
    one = timedelta(days=1)
    while not _gone_by_end_of(end, deactivated_at, months, tz):
        end += one
    while _gone_by_end_of(end - one, deactivated_at, months, tz):
        end -= one
    return end


def _gone_by_end_of(day: date, deactivated_at: datetime, months: int, tz: ZoneInfo) -> bool:
    return _window_start_at_end_of(day, months, tz) >= deactivated_at


@functools.lru_cache(maxsize=4096)
def _months_later(day: date, months: int) -> date:
    return shift_months(datetime.combine(day, time()), months).date()


@functools.lru_cache(maxsize=4096)
def _window_start_at_end_of(day: date, months: int, tz: ZoneInfo) -> datetime:
    """The window's start at the last instant of ``day``: it depends on the day alone, so a
    table of hundreds of learners deactivated over three months asks for ~100 of them."""
    end_of_day = datetime.combine(day, time.max, tzinfo=tz).astimezone(UTC)
    return deactivation_window_start(end_of_day, months, tz)


def days_left(deactivated_at: datetime, months: int, tz: ZoneInfo, now: datetime) -> int:
    """Whole days until the learner leaves the window: 0 when it happens today, never less."""
    today = now.astimezone(tz).date()
    return max(0, (window_end_date(deactivated_at, months, tz) - today).days)


def recently_deactivated(
    db: Database,
    actor: str,
    months: int,
    tz: ZoneInfo,
    now: datetime | None = None,
    *,
    school_id: int | None = None,
) -> list[LearnerRow]:
    """The school's learners deactivated after the instant ``months`` months ago, most recent
    first (administrators only)."""
    now = now or datetime.now(UTC)
    start = deactivation_window_start(now, months, tz)
    with db.transaction() as session:
        scope = require_active_admin(session, actor)
        school = school_in_scope(session, scope, school_id)
        query = (
            _learner_query()
            .where(
                Learner.deactivated_at > start,
                Learner.deactivated_at <= now,
                Learner.school_id == school,
            )
            .order_by(Learner.deactivated_at.desc(), Learner.id)
        )
        return _rows(session, query)
