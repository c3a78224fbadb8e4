"""Schools and scoped accounts written directly as rows (the services that create them are
tested on their own): a school, an administrator of some schools (or of all), a teacher of
some classes. Accounts get the test password ``ADMIN_PASSWORD``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select

from access_core.accounts.passwords import hash_password
from access_core.db.models import AccountClass, AccountSchool, Admin, Learner, School, SchoolClass
from access_core.db.unit_of_work import Database
from tests.support.factories import ADMIN_PASSWORD, TEST_ROUNDS


def make_school(db: Database, uai: str | None, name: str) -> int:
    """A school row; returns its id."""
    with db.transaction(write=True) as session:
        school = School(uai=uai, name=name, created_at=datetime.now(UTC))
        session.add(school)
        session.flush()
        return school.id


def _account(db: Database, username: str, role: str, all_schools: bool) -> int:
    with db.transaction(write=True) as session:
        admin = Admin(
            username=username,
            password_hash=hash_password(ADMIN_PASSWORD, TEST_ROUNDS),
            is_active=True,
            created_at=datetime.now(UTC),
            role=role,
            all_schools=all_schools,
        )
        session.add(admin)
        session.flush()
        return admin.id


def make_admin(
    db: Database, username: str, schools: Sequence[int] = (), all_schools: bool = False
) -> str:
    """An active administrator of ``schools`` (ids), or of every school; returns the username."""
    admin_id = _account(db, username, "admin", all_schools)
    with db.transaction(write=True) as session:
        session.add_all(AccountSchool(admin_id=admin_id, school_id=s) for s in schools)
    return username


def make_teacher(db: Database, username: str, class_ids: Sequence[int]) -> str:
    """An active teacher of ``class_ids``; returns the username."""
    admin_id = _account(db, username, "teacher", False)
    with db.transaction(write=True) as session:
        session.add_all(AccountClass(admin_id=admin_id, class_id=c) for c in class_ids)
    return username


def school_of_class(db: Database, class_id: int, school_id: int) -> None:
    """Move a class (and its learners) to ``school_id``."""
    with db.transaction(write=True) as session:
        row = session.scalar(select(SchoolClass).where(SchoolClass.id == class_id))
        assert row is not None
        row.school_id = school_id
        for learner in session.scalars(select(Learner).where(Learner.class_id == class_id)):
            learner.school_id = school_id
