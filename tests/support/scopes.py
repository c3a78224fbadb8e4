"""Schools, scoped administrators and teachers put straight into a test database.

``make_school(db, uai, name)`` inserts a school (returns its id); ``make_admin(db, username,
school_ids=..., all_schools=...)`` an administrator of those schools (or of every school);
``make_teacher(db, username, class_ids)`` a teacher of those classes; ``make_class(db,
school_id, name)`` a class of a school. Passwords are ``ADMIN_PASSWORD`` hashed at cost 4.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select

from access_core.accounts.passwords import hash_password
from access_core.db.models import AccountClass, AccountSchool, Admin, Learner, School, SchoolClass
from access_core.db.unit_of_work import Database
from tests.support.factories import ADMIN_PASSWORD, TEST_ROUNDS


def make_school(db: Database, uai: str | None, name: str) -> int:
    """A school (the one of ``uai`` when it exists already); its id."""
    with db.transaction(write=True) as session:
        if uai is not None:
            found = session.scalar(select(School.id).where(School.uai == uai))
            if found is not None:
                return int(found)
        school = School(uai=uai, name=name, created_at=datetime.now(UTC))
        session.add(school)
        session.flush()
        return int(school.id)


def make_class(db: Database, school_id: int, name: str) -> int:
    with db.transaction(write=True) as session:
        found = session.scalar(
            select(SchoolClass.id).where(
                SchoolClass.school_id == school_id, SchoolClass.name == name
            )
        )
        if found is not None:
            return int(found)
        school_class = SchoolClass(name=name, school_id=school_id)
        session.add(school_class)
        session.flush()
        return int(school_class.id)


def _account(
    db: Database,
    username: str,
    role: str,
    *,
    password: str,
    all_schools: bool = False,
    school_ids: Sequence[int] = (),
    class_ids: Sequence[int] = (),
    must_change_password: bool = False,
    is_active: bool = True,
) -> str:
    with db.transaction(write=True) as session:
        admin = Admin(
            username=username,
            password_hash=hash_password(password, TEST_ROUNDS),
            is_active=is_active,
            created_at=datetime.now(UTC),
            role=role,
            all_schools=all_schools,
            must_change_password=must_change_password,
        )
        session.add(admin)
        session.flush()
        session.add_all(AccountSchool(admin_id=admin.id, school_id=s) for s in school_ids)
        session.add_all(AccountClass(admin_id=admin.id, class_id=c) for c in class_ids)
    return username


def make_admin(
    db: Database,
    username: str,
    school_ids: Sequence[int] = (),
    *,
    all_schools: bool = False,
    password: str = ADMIN_PASSWORD,
    must_change_password: bool = False,
    is_active: bool = True,
) -> str:
    """An administrator of ``school_ids`` (or of every school); their username."""
    return _account(
        db,
        username,
        "admin",
        password=password,
        all_schools=all_schools,
        school_ids=school_ids,
        must_change_password=must_change_password,
        is_active=is_active,
    )


def make_teacher(
    db: Database,
    username: str,
    class_ids: Sequence[int],
    *,
    password: str = ADMIN_PASSWORD,
    must_change_password: bool = False,
) -> str:
    """A teacher of ``class_ids``; their username."""
    return _account(
        db,
        username,
        "teacher",
        password=password,
        class_ids=class_ids,
        must_change_password=must_change_password,
    )


def school_of_class(db: Database, class_id: int, school_id: int) -> None:
    """Move a class (and its learners) to ``school_id``."""
    with db.transaction(write=True) as session:
        row = session.scalar(select(SchoolClass).where(SchoolClass.id == class_id))
        assert row is not None
        row.school_id = school_id
        for learner in session.scalars(select(Learner).where(Learner.class_id == class_id)):
            learner.school_id = school_id
