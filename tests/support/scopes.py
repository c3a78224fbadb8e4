"""Schools, classes in a school, and administrator or teacher accounts, written directly.

``make_school(db, uai, name)`` adds a school; ``make_admin(db, username, schools=[...])`` (or
``all_schools=True``) an administrator of those schools; ``make_teacher(db, username,
class_ids)`` a teacher of those classes. Accounts get ``ADMIN_PASSWORD`` (bcrypt at test cost).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from access_core.accounts.passwords import hash_password
from access_core.db.models import AccountClass, AccountSchool, Admin, School
from access_core.db.unit_of_work import Database
from tests.support.factories import ADMIN_PASSWORD, TEST_ROUNDS


def make_school(db: Database, uai: str | None, name: str) -> int:
    """A new school; returns its id."""
    with db.transaction(write=True) as session:
        school = School(uai=uai, name=name, created_at=datetime.now(UTC))
        session.add(school)
        session.flush()
        return school.id


def _account(db: Database, username: str, role: str, all_schools: bool = False) -> int:
    with db.transaction(write=True) as session:
        account = Admin(
            username=username,
            password_hash=hash_password(ADMIN_PASSWORD, TEST_ROUNDS),
            is_active=True,
            created_at=datetime.now(UTC),
            role=role,
            all_schools=all_schools,
        )
        session.add(account)
        session.flush()
        return account.id


def make_admin(
    db: Database, username: str, schools: Sequence[int] = (), *, all_schools: bool = False
) -> str:
    """An active administrator of ``schools`` (or of every school); returns the username."""
    account_id = _account(db, username, "admin", all_schools)
    with db.transaction(write=True) as session:
        for school_id in schools:
            session.add(AccountSchool(admin_id=account_id, school_id=school_id))
    return username


def make_teacher(db: Database, username: str, class_ids: Sequence[int]) -> str:
    """An active teacher of the classes ``class_ids``; returns the username."""
    account_id = _account(db, username, "teacher")
    with db.transaction(write=True) as session:
        for class_id in class_ids:
            session.add(AccountClass(admin_id=account_id, class_id=class_id))
    return username
