"""School-wide password figures: per class and in total, aggregated in SQL.

Every active learner is in exactly one of three states: personalised (``must_change_password``
false), initial (to personalise) or expired (an initial password older than
``ACCESS_INITIAL_PASSWORD_DAYS``, as ``learner_auth.initial_password_expired`` decides).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, func, select

from access_core.accounts.admins import require_active_admin
from access_core.accounts.scope import require_scope
from access_core.db.models import AuditEvent, Learner, School, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.roster.queries import LearnerRow, natural_key, scoped_school

CSV_COLUMNS = (
    "class",
    "learners",
    "personalised",
    "initial",
    "expired",
    "without_birth_date",
    "activation_rate",
)


@dataclass(frozen=True)
class ClassStats:
    class_id: int | None  # None: active learners without a class
    class_name: str | None
    learners: int
    personalised: int
    initial: int  # still to personalise, not expired
    expired: int
    without_birth_date: int

    @property
    def activation_rate(self) -> float | None:
        """Personalised ÷ active learners (None without learners)."""
        return self.personalised / self.learners if self.learners else None


@dataclass(frozen=True)
class SchoolStats:
    total: ClassStats  # class_id and class_name None
    classes: list[ClassStats]  # lowest activation rate first


def _expired_condition(initial_days: int, now: datetime) -> ColumnElement[bool]:
    if initial_days <= 0:
        return false()
    cutoff = now - timedelta(days=initial_days)
    return and_(Learner.password_changed_at.is_not(None), Learner.password_changed_at < cutoff)


def _sort_key(row: ClassStats) -> tuple[float, tuple[tuple[int, int | str], ...]]:
    rate = row.activation_rate
    return (2.0 if rate is None else rate, natural_key(row.class_name or ""))


def school_stats(
    db: Database,
    actor: str,
    initial_days: int,
    now: datetime | None = None,
    *,
    school_id: int | None = None,
) -> SchoolStats:
    """Active learners of the school per class: personalised, initial, expired, without birth
    date (a teacher's figures cover their classes only)."""
    now = now or datetime.now(UTC)
    must_change = Learner.must_change_password.is_(True)
    expired = and_(must_change, _expired_condition(initial_days, now))

    def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    per_class = (
        select(
            Learner.class_id.label("class_id"),
            func.count().label("learners"),
            count_if(must_change).label("must_change"),
            count_if(expired).label("expired"),
            count_if(Learner.birth_date.is_(None)).label("no_birth"),
        )
        .where(Learner.deactivated_at.is_(None))
        .group_by(Learner.class_id)
    )
    with db.transaction() as session:
        scope, school = scoped_school(session, actor, school_id)
        counted = per_class.where(Learner.school_id == school, scope.learner_clause()).subquery()
        rows = session.execute(_named(counted)).all()
    return _school_figures(rows)


def _named(per_class: Any) -> Select[Any]:
    return select(
        per_class.c.class_id,
        SchoolClass.name,
        per_class.c.learners,
        per_class.c.must_change,
        per_class.c.expired,
        per_class.c.no_birth,
    ).outerjoin(SchoolClass, SchoolClass.id == per_class.c.class_id)


def _school_figures(rows: Sequence[Any]) -> SchoolStats:
    classes = [
        ClassStats(
            class_id=class_id,
            class_name=name,
            learners=int(learners),
            personalised=int(learners) - int(must),
            initial=int(must) - int(exp),
            expired=int(exp),
            without_birth_date=int(no_birth),
        )
        for class_id, name, learners, must, exp, no_birth in rows
    ]
    classes.sort(key=_sort_key)
    total = ClassStats(
        class_id=None,
        class_name=None,
        learners=sum(c.learners for c in classes),
        personalised=sum(c.personalised for c in classes),
        initial=sum(c.initial for c in classes),
        expired=sum(c.expired for c in classes),
        without_birth_date=sum(c.without_birth_date for c in classes),
    )
    return SchoolStats(total=total, classes=classes)


@dataclass(frozen=True)
class SchoolRow:
    """One school of the district overview."""

    school_id: int
    uai: str | None
    name: str
    learners: int  # active
    personalised: int

    @property
    def activation_rate(self) -> float | None:
        return self.personalised / self.learners if self.learners else None


def schools_overview(db: Database, actor: str) -> list[SchoolRow]:
    """Every school of the administrator's scope (every school for a district administrator)
    with its active learners and personalised passwords, by name; teachers are refused."""
    per_school = (
        select(
            Learner.school_id.label("school_id"),
            func.count().label("learners"),
            func.coalesce(
                func.sum(case((Learner.must_change_password.is_(False), 1), else_=0)), 0
            ).label("personalised"),
        )
        .where(Learner.deactivated_at.is_(None))
        .group_by(Learner.school_id)
        .subquery()
    )
    query = select(
        School.id, School.uai, School.name, per_school.c.learners, per_school.c.personalised
    ).outerjoin(per_school, per_school.c.school_id == School.id)
    with db.transaction() as session:
        scope = require_active_admin(session, actor)
        rows = session.execute(query.where(scope.school_clause(School.id))).all()
    schools = [
        SchoolRow(int(i), uai, name, int(learners or 0), int(personalised or 0))
        for i, uai, name, learners, personalised in rows
    ]
    return sorted(schools, key=lambda row: (natural_key(row.name), row.school_id))


def stats_version(db: Database, actor: str) -> tuple[int, int]:
    """Changes whenever this product changes a learner (every change is audited: resets,
    imports, learners' own password changes, the purge) and when any program adds one (ids
    are never reused, SQLite included: migration 0007): a cache key for ``school_stats`` and
    the search index. A learner deleted by another program changes neither maximum unless he
    had the highest id. Cheap: two maximums of primary keys."""
    with db.transaction() as session:
        require_scope(session, actor)
        highest = session.scalar(select(func.coalesce(func.max(Learner.id), 0)))
        event = session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))
    return int(highest or 0), int(event or 0)


def only_initial_passwords(rows: Sequence[LearnerRow]) -> list[LearnerRow]:
    """The learners still on an initial password (to personalise or expired)."""
    return [row for row in rows if row.must_change_password]


def _rate_text(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.1f}"


def stats_rows(stats: SchoolStats, no_class: str = "-") -> list[tuple[str, ...]]:
    """The per-class table as text cells (CSV_COLUMNS), then a total row."""
    cells: list[tuple[str, ...]] = [
        (
            c.class_name or no_class,
            str(c.learners),
            str(c.personalised),
            str(c.initial),
            str(c.expired),
            str(c.without_birth_date),
            _rate_text(c.activation_rate),
        )
        for c in stats.classes
    ]
    t = stats.total
    cells.append(
        (
            "TOTAL",
            str(t.learners),
            str(t.personalised),
            str(t.initial),
            str(t.expired),
            str(t.without_birth_date),
            _rate_text(t.activation_rate),
        )
    )
    return cells


def to_csv(stats: SchoolStats) -> str:
    """The per-class table as CSV; class names are prefixed against formula injection."""
    from access_core.documents.workbook import csv_cell  # openpyxl: only for this output

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in stats_rows(stats):
        name = row[0]  # « - »: learners without a class, written as is
        writer.writerow((name if name == "-" else csv_cell(name), *row[1:]))
    return out.getvalue()


def to_table(stats: SchoolStats) -> str:
    """The per-class table aligned for a terminal."""
    rows = [CSV_COLUMNS, *stats_rows(stats)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(CSV_COLUMNS))]
    lines = []
    for row in rows:
        cells = [
            row[i].ljust(widths[i]) if i == 0 else row[i].rjust(widths[i]) for i in range(len(row))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
