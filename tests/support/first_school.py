"""The first school (id 1) and an administrator's grant to it, for tests of scoped services.

The shared fixtures keep school 1 and ``create_admin`` grants it on an installation of one
school; these helpers make sure of both (idempotent) for the test modules of the undo and the
import's slips, and make a teacher of some classes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from access_core.db.models import AccountClass, AccountSchool, Admin, School
from access_core.db.unit_of_work import Database
from tests.support.factories import ADMIN_PASSWORD, TEST_ROUNDS


def ensure_first_school(db: Database) -> None:
    with db.transaction(write=True) as session:
        if session.get(School, 1) is None:
            session.add(School(id=1, name="Collège test", created_at=datetime.now(UTC)))


def grant_first_school(db: Database, username: str) -> str:
    with db.transaction(write=True) as session:
        admin_id = session.scalar(select(Admin.id).where(Admin.username == username))
        assert admin_id is not None
        if session.get(AccountSchool, (admin_id, 1)) is None:
            session.add(AccountSchool(admin_id=admin_id, school_id=1))
    return username


def create_teacher(db: Database, username: str, class_ids: list[int]) -> str:
    """An active teacher of ``class_ids``."""
    from access_core.accounts.admins import create_admin

    create_admin(db, username, ADMIN_PASSWORD, TEST_ROUNDS)
    with db.transaction(write=True) as session:
        admin = session.scalar(select(Admin).where(Admin.username == username))
        assert admin is not None
        admin.role = "teacher"
        for class_id in class_ids:
            session.add(AccountClass(admin_id=admin.id, class_id=class_id))
    return username
