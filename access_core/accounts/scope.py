"""Who may act on what: the one scope check every service makes on its actor.

An account is an administrator (of the schools of ``account_schools``, or of every school when
``admins.all_schools``: a district administrator) or a teacher (of the classes of
``account_classes``, which fixes their schools). ``require_scope`` loads the actor's scope in
the service's own transaction and refuses an account that is not active (or whose dashboard
session was revoked meanwhile, see ``admins.require_active_admin``).

A target outside the scope answers exactly like one that does not exist: services filter their
queries with ``learner_clause`` / ``class_clause`` / ``school_clause`` (so an out-of-scope row
is simply not found) rather than fetching it and refusing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from access_core.db.models import AccountClass, AccountSchool, Admin, Learner, School, SchoolClass
from access_core.errors import NotAuthorized, NotFound

ROLE_ADMIN = "admin"
ROLE_TEACHER = "teacher"
ROLES = (ROLE_ADMIN, ROLE_TEACHER)


@dataclass(frozen=True)
class Scope:
    """What one account may see and act on, read in the transaction that uses it."""

    username: str
    role: str
    # None: every school (a district administrator); else the schools' ids
    school_ids: frozenset[int] | None
    # None: every class of the schools above (an administrator); a teacher: their classes
    class_ids: frozenset[int] | None

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    @property
    def is_district(self) -> bool:
        return self.school_ids is None

    def allows_school(self, school_id: int | None) -> bool:
        if school_id is None:
            return False
        return self.school_ids is None or school_id in self.school_ids

    def allows_class(self, class_id: int | None, school_id: int | None) -> bool:
        if not self.allows_school(school_id):
            return False
        return self.class_ids is None or (class_id is not None and class_id in self.class_ids)

    def school_clause(self, column: Any) -> ColumnElement[bool]:
        """``column`` (a school id column) within the scope's schools."""
        if self.school_ids is None:
            return true()
        if not self.school_ids:
            return false()
        return column.in_(sorted(self.school_ids))  # type: ignore[no-any-return]

    def class_clause(self) -> ColumnElement[bool]:
        """``SchoolClass`` rows within the scope."""
        clause = self.school_clause(SchoolClass.school_id)
        if self.class_ids is None:
            return clause
        if not self.class_ids:
            return false()
        return clause & SchoolClass.id.in_(sorted(self.class_ids))

    def learner_clause(self) -> ColumnElement[bool]:
        """``Learner`` rows within the scope: their school's, and for a teacher their classes'."""
        clause = self.school_clause(Learner.school_id)
        if self.class_ids is None:
            return clause
        if not self.class_ids:
            return false()
        return clause & Learner.class_id.in_(sorted(self.class_ids))


def load_scope(session: Session, admin: Admin | None = None, *, username: str = "") -> Scope:
    """The scope of ``admin`` (or of the account named ``username``), whatever its state."""
    if admin is None:
        admin = session.scalar(select(Admin).where(Admin.username == username))
        if admin is None:
            raise NotAuthorized("this account does not exist")
    role = admin.role if admin.role in ROLES else ROLE_ADMIN
    if role == ROLE_TEACHER:
        rows = session.execute(
            select(SchoolClass.id, SchoolClass.school_id)
            .join(AccountClass, AccountClass.class_id == SchoolClass.id)
            .where(AccountClass.admin_id == admin.id)
        ).all()
        return Scope(
            username=admin.username,
            role=role,
            school_ids=frozenset(int(s) for _, s in rows),
            class_ids=frozenset(int(c) for c, _ in rows),
        )
    if admin.all_schools:
        return Scope(admin.username, role, school_ids=None, class_ids=None)
    schools = session.scalars(
        select(AccountSchool.school_id).where(AccountSchool.admin_id == admin.id)
    ).all()
    return Scope(
        admin.username, role, school_ids=frozenset(int(s) for s in schools), class_ids=None
    )


def require_scope(session: Session, username: str | None, *, admin_only: bool = False) -> Scope:
    """The scope of the active account ``username``; ``NotAuthorized`` when it is not active
    (or its dashboard session was revoked), or is a teacher and ``admin_only``."""
    from access_core.accounts.admins import require_active_account

    admin = require_active_account(session, username)
    scope = load_scope(session, admin)
    if admin_only and not scope.is_admin:
        raise NotAuthorized("this action is for administrators")
    return scope


def school_in_scope(session: Session, scope: Scope, school_id: int | None) -> int:
    """The school a request is about: ``school_id`` when the scope allows it, or, given None,
    the scope's only school (an installation of one school needs no choice). An unknown school
    and one outside the scope are the same ``NotFound``."""
    if school_id is not None:
        exists = session.scalar(select(School.id).where(School.id == school_id))
        if exists is None or not scope.allows_school(school_id):
            raise NotFound("no such school", key="error_school_not_found")
        return int(school_id)
    if scope.school_ids is not None:
        if len(scope.school_ids) == 1:
            return next(iter(scope.school_ids))
        raise NotFound("choose a school", key="error_school_required")
    ids = session.scalars(select(School.id).order_by(School.id).limit(2)).all()
    if len(ids) == 1:
        return int(ids[0])
    raise NotFound("choose a school", key="error_school_required")
