"""Running roster imports in tests and reading their effects back: CSV rosters, the learners
table, the audit rows, the command line's summary table."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import bcrypt
from sqlalchemy import func, select, text

from access_core.db.models import Learner, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.imports import preview as imports
from access_core.imports.files import RosterFile, read_roster
from access_core.imports.preview import ImportOutcome, ImportPlan
from tests.support.factories import TEST_ROUNDS
from tests.support.roster_samples import (
    TODAY,
)

LONG_AGO = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)
HEADER = "INE;Nom;Prénom;Date de naissance;Classe"


def csv_roster(*rows: str, header: str = HEADER) -> RosterFile:
    return read_roster("\n".join([header, *rows]).encode(), "roster.csv")


def run(
    db: Database,
    actor: str,
    roster: RosterFile,
    partial: bool = False,
    force: bool = False,
    skip_bad_rows: bool = False,
) -> tuple[ImportPlan, ImportOutcome]:
    plan = imports.preview(db, actor, roster, partial=partial)
    return plan, imports.apply(
        db, actor, plan, TEST_ROUNDS, skip_bad_rows=skip_bad_rows, force=force
    )


def learner(db: Database, **where: object) -> dict[str, object]:
    """One learner's whole row (and its class name), found by column values."""
    query = select(Learner.__table__, SchoolClass.name.label("class_name")).outerjoin(
        SchoolClass, SchoolClass.id == Learner.class_id
    )
    for column, value in where.items():
        query = query.where(Learner.__table__.c[column] == value)
    with db.engine.connect() as conn:
        return dict(conn.execute(query).mappings().one())


def logins(db: Database) -> list[str]:
    with db.transaction() as session:
        return sorted(session.scalars(select(Learner.login)).all())


def learner_count(db: Database) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Learner)) or 0)


def checkpw(password: str, password_hash: object) -> bool:
    return bcrypt.checkpw(password.encode(), str(password_hash).encode())


def audit_rows(db: Database) -> list[tuple[str, int | None, str | None]]:
    with db.engine.connect() as conn:
        return [
            (r.action, r.learner_id, r.details)
            for r in conn.execute(
                text("SELECT action, learner_id, details FROM audit_events ORDER BY id")
            )
        ]


def actions(db: Database) -> list[str]:
    return [action for action, _, _ in audit_rows(db)]


def learners(db: Database) -> dict[str, tuple[str, str, str | None, bool]]:
    """external id (or name) -> (last name, first name, class, active)."""
    with db.transaction() as session:
        rows = session.execute(
            select(
                Learner.external_id,
                Learner.last_name,
                Learner.first_name,
                SchoolClass.name,
                Learner.deactivated_at,
            ).outerjoin(SchoolClass, SchoolClass.id == Learner.class_id)
        ).all()
    return {
        (ine or f"{last} {first}"): (last, first, class_name, left is None)
        for ine, last, first, class_name, left in rows
    }


def import_file(db: Database, admin: str, data: bytes, name: str) -> imports.ImportPlan:
    plan = imports.preview(db, admin, read_roster(data, name, today=TODAY))
    # a school of a few pupils: one departure is more than the share that asks for confirmation
    imports.apply(db, admin, plan, TEST_ROUNDS, skip_bad_rows=True, force=True)
    return plan


def summary(out: str) -> dict[str, int]:
    """The counts of the table printed at the end."""
    found = re.findall(
        r"^(new|updated|moved|reactivated|deactivated|unchanged|rejected) +(\d+)$", out, re.M
    )
    assert len(found) == 7, out
    return {title: int(count) for title, count in found}
