"""The rules every change to a staff account follows, inside the change's write transaction.

- **Serialized.** ``serialize`` locks every ``schools`` row (in id order) as the transaction's
  first statement: two account changes never interleave, so two administrators disabling each
  other at once cannot both pass the last-administrator check (SQLite's ``BEGIN IMMEDIATE``
  already serializes writers). Every read after it sees what the previous change committed
  (PostgreSQL's read committed; MariaDB takes its snapshot at the first plain read, after it).
- **Scope.** ``target_in_scope`` finds the account an actor may act on: an administrator sees
  an account only when every school of it (an administrator's schools, a teacher's classes'
  schools) is one of theirs, since acting on an account (its password above all) is acting
  in each of its schools; a district account only from a district actor. A target with any
  school outside answers exactly like an unknown one. The command line (technical staff)
  acts as the system: every account, and it may leave a school without an administrator
  (the way back in when the last one is locked out).
- **Last administrator.** ``keep_an_administrator`` refuses a change after which a school the
  target administered has no active administrator left (one of its own or a district one).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from access_core.accounts.admins import normalize_username
from access_core.accounts.scope import ROLE_ADMIN, ROLE_TEACHER, Scope, require_scope
from access_core.db.models import AccountClass, AccountSchool, Admin, School, SchoolClass
from access_core.errors import NotAuthorized, NotFound, ValidationError


def serialize(session: Session) -> None:
    """Lock the schools' rows: account changes run one at a time (see the module's doc)."""
    if session.get_bind().dialect.name != "sqlite":
        session.execute(select(School.id).order_by(School.id).with_for_update()).all()


def actor_scope(session: Session, actor: str, system: bool) -> Scope | None:
    """The actor's scope (an active administrator's), or None for the system (the CLI)."""
    if system:
        return None
    return require_scope(session, actor, admin_only=True)


def account_schools(session: Session, admin: Admin) -> frozenset[int] | None:
    """The schools an account belongs to (None: every school, a district administrator)."""
    if admin.role == ROLE_TEACHER:
        rows = session.scalars(
            select(SchoolClass.school_id)
            .join(AccountClass, AccountClass.class_id == SchoolClass.id)
            .where(AccountClass.admin_id == admin.id)
        ).all()
        return frozenset(int(s) for s in rows)
    if admin.all_schools:
        return None
    rows = session.scalars(
        select(AccountSchool.school_id).where(AccountSchool.admin_id == admin.id)
    ).all()
    return frozenset(int(s) for s in rows)


def visible_to(scope: Scope | None, schools: frozenset[int] | None) -> bool:
    """Whether an account of ``schools`` is within ``scope``: each of its schools is the
    actor's (None: the system sees all). An account of no school is a district actor's."""
    if scope is None or scope.school_ids is None:
        return True
    if schools is None:  # a district account: district actors only
        return False
    return bool(schools) and schools <= scope.school_ids


def not_found(username: str) -> NotFound:
    return NotFound(
        f"no account named {username!r}", username=username, key="error_account_not_found"
    )


def target_in_scope(session: Session, scope: Scope | None, username: str) -> Admin:
    """The account ``username`` if the actor may act on it; unknown and out of scope are the
    same ``NotFound``."""
    name = normalize_username(username)
    admin = session.scalar(select(Admin).where(Admin.username == name))
    if admin is None or not visible_to(scope, account_schools(session, admin)):
        raise not_found(name)
    return admin


def not_self(scope: Scope | None, target: Admin) -> None:
    if scope is not None and scope.username == target.username:
        raise ValidationError(
            "an administrator cannot do this to their own account", key="error_account_self"
        )


def active_admin_count(session: Session, school_id: int) -> int:
    """Active administrators able to act on the school: its own and district ones."""
    own = select(AccountSchool.admin_id).where(AccountSchool.school_id == school_id)
    return int(
        session.scalar(
            select(func.count())
            .select_from(Admin)
            .where(
                Admin.role == ROLE_ADMIN,
                Admin.is_active.is_(True),
                or_(Admin.all_schools.is_(True), Admin.id.in_(own)),
            )
        )
        or 0
    )


def school_ids(session: Session, schools: frozenset[int] | None) -> list[int]:
    if schools is None:
        return list(session.scalars(select(School.id).order_by(School.id)))
    return sorted(schools)


def keep_an_administrator(
    session: Session, scope: Scope | None, schools_before: Iterable[int]
) -> None:
    """After the change (flushed), every school in ``schools_before`` still has an active
    administrator; else ``ValidationError`` (the transaction rolls back). The system may."""
    if scope is None:
        return
    session.flush()
    for school_id in schools_before:
        if active_admin_count(session, school_id) == 0:
            name = session.scalar(select(School.name).where(School.id == school_id))
            raise ValidationError(
                "a school cannot be left without an active administrator",
                key="error_last_admin",
                school=name or "",
            )


def admin_schools_before(session: Session, target: Admin) -> list[int]:
    """The schools whose administrators the target counts among, before a change."""
    if target.role != ROLE_ADMIN or not target.is_active:
        return []
    return school_ids(session, account_schools(session, target))


def target_for_self(session: Session, name: str) -> Admin:
    """The active account ``name`` acting on itself (its own password)."""
    admin = session.scalar(select(Admin).where(Admin.username == name))
    if admin is None or not admin.is_active:
        raise NotAuthorized("this account is not active")
    return admin
