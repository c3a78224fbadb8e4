"""Small helpers that put rows in a test database and read whole tables back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, text

from access_core.accounts.admins import create_admin
from access_core.accounts.passwords import hash_password, initial_password
from access_core.db.models import AccountSchool, Admin, Base, Learner, SchoolClass
from access_core.db.unit_of_work import Database

TEST_ROUNDS = 4
# The cookie key of the test installation, shared by its settings and its command line (the
# throttle keys its rows with it, so `access-core unlock` must compute the same keys).
TEST_COOKIE_KEY = "test-cookie-key-of-this-installation-0123456789"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "correct horse battery"


def create_test_admin(db: Database, username: str = ADMIN_USERNAME) -> str:
    """An administrator of the first school (as an installation of one school makes them)."""
    create_admin(db, username, ADMIN_PASSWORD, TEST_ROUNDS)
    grant_school(db, username, 1)
    return username


def grant_school(db: Database, username: str, school_id: int) -> None:
    """``username`` administers the school ``school_id`` too (no-op when already granted)."""
    with db.transaction(write=True) as session:
        admin_id = session.scalar(select(Admin.id).where(Admin.username == username))
        assert admin_id is not None, username
        known = session.get(AccountSchool, (admin_id, school_id))
        if known is None:
            session.add(AccountSchool(admin_id=admin_id, school_id=school_id))


def add_class(db: Database, name: str, school_id: int = 1) -> int:
    """The class ``name`` of the school ``school_id`` (the first school by default), added when
    missing; returns its id."""
    with db.transaction(write=True) as session:
        existing = session.scalar(
            select(SchoolClass.id).where(
                SchoolClass.name == name, SchoolClass.school_id == school_id
            )
        )
        if existing is not None:
            return existing
        school_class = SchoolClass(name=name, school_id=school_id)
        session.add(school_class)
        session.flush()
        return school_class.id


def add_learner(
    db: Database,
    last_name: str,
    first_name: str,
    class_name: str | None = "6e A",
    birth_date: date | None = date(2013, 5, 17),
    login: str | None = None,
    deactivated_at: datetime | None = None,
    password: str | None = None,
    school_id: int = 1,
    **extra: Any,
) -> int:
    """Insert a learner of the school ``school_id`` (in its class ``class_name``); returns its
    id. Its password hash is of ``password`` or the initial one."""
    class_id = add_class(db, class_name, school_id) if class_name else None
    secret = password or (initial_password(birth_date) if birth_date else "no-birth-date-x")
    with db.transaction(write=True) as session:
        learner = Learner(
            last_name=last_name,
            first_name=first_name,
            login=login or f"{first_name}.{last_name}".lower().replace(" ", ""),
            birth_date=birth_date,
            class_id=class_id,
            password_hash=hash_password(secret, TEST_ROUNDS),
            must_change_password=password is None,
            deactivated_at=deactivated_at,
            school_id=school_id,
            **extra,
        )
        session.add(learner)
        session.flush()
        return learner.id


def dump_tables(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key: compare two dumps for equality."""
    dump: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = ", ".join(c.name for c in table.primary_key.columns)
            rows = conn.execute(text(f"SELECT * FROM {table.name} ORDER BY {order}")).all()
            dump[table.name] = [tuple(row) for row in rows]
    return dump


def downgrade_schema(database_url: str, revision: str = "base") -> None:
    """Alembic ``downgrade`` to ``revision`` (tests only: an operator runs ``alembic
    downgrade`` for a rollback)."""
    from alembic import command

    from access_core.db.schema import alembic_config

    command.downgrade(alembic_config(database_url), revision)


def forget_search_keys(db: Database) -> None:
    """Every learner as another program writes them: no stored search key (the search then
    folds their names in SQL)."""
    with db.transaction(write=True) as session:
        session.execute(text("UPDATE learners SET search_key = NULL"))


def stored_search_key(db: Database, learner_id: int) -> str | None:
    with db.transaction() as session:
        found = session.execute(
            text("SELECT search_key FROM learners WHERE id = :id"), {"id": learner_id}
        )
        return found.scalar_one()  # type: ignore[no-any-return]
