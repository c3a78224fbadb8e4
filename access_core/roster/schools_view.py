"""Who the dashboard is talking to: an account's role and the schools it may choose among.

Plain values for the pages (which never import SQLAlchemy): ``describe`` tells the role, whether
the account is a district administrator and its schools (id, UAI, name) in name order;
``school_by_key`` reads the school a URL names (``?ecole=UAI``, or the id of a school without
UAI), answering an unknown school and one outside the scope with the same ``NotFound``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from access_core.accounts.scope import ROLE_TEACHER, Scope, require_scope, school_in_scope
from access_core.db.models import School
from access_core.db.unit_of_work import Database
from access_core.errors import NotFound


@dataclass(frozen=True)
class SchoolInfo:
    id: int
    uai: str | None
    name: str

    @property
    def key(self) -> str:
        """How a URL names this school: its UAI, or its id while it has none."""
        return self.uai or str(self.id)


@dataclass(frozen=True)
class ActorView:
    username: str
    role: str  # "admin" or "teacher"
    district: bool  # an administrator of every school
    schools: tuple[SchoolInfo, ...]  # in scope, by name

    @property
    def is_teacher(self) -> bool:
        return self.role == ROLE_TEACHER

    @property
    def chooses_school(self) -> bool:
        """More than one school to choose among: the dashboard shows a school selector."""
        return len(self.schools) > 1


def describe(db: Database, username: str) -> ActorView:
    """The active account ``username``'s role and schools (``NotAuthorized`` when inactive)."""
    with db.transaction() as session:
        scope = require_scope(session, username)
        query = select(School.id, School.uai, School.name).where(scope.school_clause(School.id))
        rows = session.execute(query).all()
    schools = sorted(
        (SchoolInfo(id=int(i), uai=u, name=n) for i, u, n in rows),
        key=lambda s: (s.name.casefold(), s.id),
    )
    return ActorView(scope.username, scope.role, scope.is_district, tuple(schools))


def list_schools_for(db: Database, actor: str) -> list[SchoolInfo]:
    """The schools ``actor`` may act on (every school for a district administrator)."""
    return list(describe(db, actor).schools)


def school_by_key(view: ActorView, key: str) -> SchoolInfo:
    """The school of ``view`` a URL names by ``key`` (UAI, any case, or id); an unknown school
    and one outside the scope are the same ``NotFound``."""
    wanted = key.strip().upper()
    for school in view.schools:
        if school.key.upper() == wanted:
            return school
    raise NotFound("no such school", key="error_school_not_found")


def chosen_school(
    session: Session, scope: Scope, school_id: int | None, column: Any
) -> ColumnElement[bool]:
    """A query's condition for the school a page chose: ``column`` (a school id column) equal
    to ``school_id`` when given (``NotFound`` when it is unknown or outside the scope, alike),
    no condition without one (the scope's own clause still applies)."""
    if school_id is None:
        return true()
    return column == school_in_scope(session, scope, school_id)  # type: ignore[no-any-return]


def teacher_classes(scope: Scope, column: Any) -> ColumnElement[bool]:
    """A teacher's classes only (``column``: a class id column); no condition otherwise."""
    if scope.class_ids is None:
        return true()
    return column.in_(sorted(scope.class_ids))  # type: ignore[no-any-return]
