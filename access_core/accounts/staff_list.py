"""Reading staff accounts: the accounts an administrator may manage (role, schools, classes,
active, last login, locked), and the schools and classes they may give. Plain values only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access_core.accounts import staff_rules as rules
from access_core.accounts.admin_login import admin_subject
from access_core.accounts.scope import ROLE_TEACHER
from access_core.config import Settings
from access_core.db.models import (
    AccountClass,
    AccountSchool,
    Admin,
    AdminSession,
    LoginThrottle,
    School,
    SchoolClass,
)
from access_core.db.unit_of_work import Database
from access_core.errors import NotFound


@dataclass(frozen=True)
class AccountRow:
    username: str
    display_name: str | None
    role: str
    all_schools: bool
    schools: tuple[str, ...]  # school names (an administrator's)
    classes: tuple[str, ...]  # « class (school) » for a teacher of several schools, else class
    is_active: bool
    must_change_password: bool
    last_login: datetime | None
    locked: bool


@dataclass(frozen=True)
class SchoolChoice:
    id: int
    uai: str | None
    name: str


@dataclass(frozen=True)
class ClassChoice:
    id: int
    name: str
    school_id: int
    school_name: str


def list_accounts(
    db: Database, settings: Settings, actor: str, system: bool = False
) -> list[AccountRow]:
    """The accounts within the actor's schools (every account for the system), by username."""
    now = datetime.now(UTC)
    with db.transaction() as session:
        scope = rules.actor_scope(session, actor, system)
        admins = session.scalars(select(Admin).order_by(Admin.username)).all()
        school_names = dict(session.execute(select(School.id, School.name)).all())
        granted: dict[int, list[int]] = {}
        for admin_id, school_id in session.execute(
            select(AccountSchool.admin_id, AccountSchool.school_id)
        ):
            granted.setdefault(admin_id, []).append(school_id)
        taught: dict[int, list[tuple[str, int]]] = {}
        for admin_id, name, school_id in session.execute(
            select(AccountClass.admin_id, SchoolClass.name, SchoolClass.school_id).join(
                SchoolClass, SchoolClass.id == AccountClass.class_id
            )
        ):
            taught.setdefault(admin_id, []).append((name, school_id))
        last_logins = dict(
            session.execute(
                select(AdminSession.username, func.max(AdminSession.created_at)).group_by(
                    AdminSession.username
                )
            ).all()
        )
        locks = {
            subject
            for subject, until in session.execute(
                select(LoginThrottle.subject, LoginThrottle.locked_until).where(
                    LoginThrottle.subject.like("admin:%")
                )
            )
            if until is not None and until > now
        }
        rows: list[AccountRow] = []
        for admin in admins:
            if admin.role == ROLE_TEACHER:
                schools: frozenset[int] | None = frozenset(s for _, s in taught.get(admin.id, []))
            else:
                schools = None if admin.all_schools else frozenset(granted.get(admin.id, []))
            if not rules.visible_to(scope, schools):
                continue
            several = len({s for _, s in taught.get(admin.id, [])}) > 1
            classes = sorted(
                f"{n} ({school_names.get(s, '')})" if several else n
                for n, s in taught.get(admin.id, [])
            )
            rows.append(
                AccountRow(
                    username=admin.username,
                    display_name=admin.display_name,
                    role=admin.role,
                    all_schools=bool(admin.all_schools),
                    schools=tuple(sorted(school_names.get(s, "") for s in (schools or ())))
                    if admin.role != ROLE_TEACHER
                    else (),
                    classes=tuple(classes),
                    is_active=bool(admin.is_active),
                    must_change_password=bool(admin.must_change_password),
                    last_login=last_logins.get(admin.username),
                    locked=admin_subject(settings, admin.username) in locks,
                )
            )
    return rows


def schools_to_give(db: Database, actor: str, system: bool = False) -> list[SchoolChoice]:
    """The schools the actor administers, by name."""
    with db.transaction() as session:
        scope = rules.actor_scope(session, actor, system)
        query = select(School.id, School.uai, School.name).order_by(School.name, School.id)
        if scope is not None:
            query = query.where(scope.school_clause(School.id))
        return [SchoolChoice(int(i), u, n) for i, u, n in session.execute(query)]


def classes_to_give(db: Database, actor: str, system: bool = False) -> list[ClassChoice]:
    """The classes of the schools the actor administers, by school then name."""
    with db.transaction() as session:
        scope = rules.actor_scope(session, actor, system)
        query = (
            select(SchoolClass.id, SchoolClass.name, School.id, School.name)
            .join(School, School.id == SchoolClass.school_id)
            .order_by(School.name, SchoolClass.name)
        )
        if scope is not None:
            query = query.where(scope.school_clause(School.id))
        return [ClassChoice(int(c), n, int(s), sn) for c, n, s, sn in session.execute(query)]


def teacher_class_ids(db: Database, actor: str, username: str, system: bool = False) -> list[int]:
    """A teacher's classes (ids) within the actor's schools; an account out of scope is unknown."""
    with db.transaction() as session:
        scope = rules.actor_scope(session, actor, system)
        target = rules.target_in_scope(session, scope, username)
        query = (
            select(AccountClass.class_id)
            .join(SchoolClass, SchoolClass.id == AccountClass.class_id)
            .where(AccountClass.admin_id == target.id)
        )
        if scope is not None:
            query = query.where(scope.school_clause(SchoolClass.school_id))
        return sorted(int(c) for c in session.scalars(query))


# --- the command line names schools by UAI and classes by name ---------------------------------


def school_by_uai(session: Session, uai: str | None) -> int:
    """The school of ``uai``; without one, the installation's only school."""
    if uai is None:
        ids = session.scalars(select(School.id).order_by(School.id).limit(2)).all()
        if len(ids) == 1:
            return int(ids[0])
        raise NotFound("choose a school with --school UAI", key="error_account_school_required")
    found = session.scalar(select(School.id).where(School.uai == uai.strip().upper()))
    if found is None:
        raise NotFound(f"no school with UAI {uai!r}", key="error_school_uai_unknown", uai=uai)
    return int(found)


def resolve_schools(db: Database, uais: Sequence[str], allow_none: bool = False) -> list[int]:
    """The schools named by their UAIs (none given: the only school; with ``allow_none``, no
    school either when the installation has none yet)."""
    with db.transaction() as session:
        if not uais:
            if allow_none and session.scalar(select(School.id).limit(1)) is None:
                return []
            return [school_by_uai(session, None)]
        return [school_by_uai(session, u) for u in uais]


def resolve_classes(db: Database, uai: str | None, names: Sequence[str]) -> list[int]:
    """The classes named ``names`` in the school of ``uai`` (or the only school)."""
    with db.transaction() as session:
        school_id = school_by_uai(session, uai)
        ids: list[int] = []
        for name in names:
            found = session.scalar(
                select(SchoolClass.id).where(
                    SchoolClass.school_id == school_id, SchoolClass.name == name.strip()
                )
            )
            if found is None:
                raise NotFound(
                    f"no class named {name!r}", key="error_account_class_unknown", name=name.strip()
                )
            ids.append(int(found))
        return ids
