"""Staff accounts managed by administrators: create an administrator or a teacher, grant and
revoke schools, disable and enable, reset a colleague's password (a teacher's classes are in
``staff_classes``, lockouts and one's own password in ``staff_access``).

Every service takes its ``actor`` (an active administrator's username) and checks it first,
in the one write transaction that makes the change (``staff_rules``: serialized, scoped, the
last administrator of a school kept); ``system=True`` is the command line, acting as the
installation's technical staff. A generated password is returned once and stored only as a
bcrypt hash, hashed before the transaction; its account must choose its own at the next
login (``must_change_password``). Every change is journalled with its actor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access_core.accounts import staff_rules as rules
from access_core.accounts import throttle
from access_core.accounts.admin_login import admin_subject
from access_core.accounts.admins import (
    check_admin_password,
    generate_admin_password,
    normalize_username,
    refuse_reserved_username,
)
from access_core.accounts.passwords import hash_password
from access_core.accounts.scope import ROLE_ADMIN, ROLE_TEACHER, Scope
from access_core.audit import events as audit
from access_core.characters import has_control_characters
from access_core.config import Settings
from access_core.db.models import AccountClass, AccountSchool, Admin, School, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.errors import NotFound, ValidationError


@dataclass(frozen=True)
class NewCredential:
    """An account and the password just given to it: shown once, never stored in clear."""

    username: str
    password: str
    must_change_password: bool


def _check_username(name: str, display_name: str | None) -> None:
    if not name or len(name) > 150 or any(c.isspace() for c in name):
        raise ValidationError("a username is 1 to 150 characters without spaces")
    if has_control_characters(name) or has_control_characters(display_name or ""):
        raise ValidationError("a username or display name cannot hold control characters")
    refuse_reserved_username(name)


def _schools_in_scope(session: Session, scope: Scope | None, ids: Sequence[int]) -> list[int]:
    """``ids`` if each is a school the actor administers; else ``NotFound`` (unknown alike)."""
    found = set(session.scalars(select(School.id).where(School.id.in_(list(ids)))))
    for school_id in ids:
        if school_id not in found or (scope is not None and not scope.allows_school(school_id)):
            raise NotFound("no such school", key="error_account_school_unknown")
    return sorted(set(ids))


def classes_in_scope(session: Session, scope: Scope | None, ids: Sequence[int]) -> list[int]:
    rows = dict(
        session.execute(
            select(SchoolClass.id, SchoolClass.school_id).where(SchoolClass.id.in_(list(ids)))
        ).all()
    )
    for class_id in ids:
        school_id = rows.get(class_id)
        if school_id is None or (scope is not None and not scope.allows_school(int(school_id))):
            raise NotFound("no such class", key="error_account_class_unknown", name=str(class_id))
    return sorted(set(ids))


def create_account(
    db: Database,
    actor: str,
    username: str,
    *,
    role: str,
    rounds: int,
    school_ids: Sequence[int] = (),
    all_schools: bool = False,
    class_ids: Sequence[int] = (),
    password: str | None = None,
    display_name: str | None = None,
    system: bool = False,
) -> NewCredential:
    """An administrator of ``school_ids`` (or of every school) or a teacher of ``class_ids``.
    Without ``password`` one is generated (returned once) and must be changed at first login."""
    name = normalize_username(username)
    _check_username(name, display_name)
    if role not in (ROLE_ADMIN, ROLE_TEACHER):
        raise ValidationError(f"unknown role {role!r}")
    if role == ROLE_TEACHER and (not class_ids or school_ids or all_schools):
        raise needs_class()
    if role == ROLE_ADMIN and not school_ids and not all_schools:
        raise ValidationError("an administrator has a school", key="error_admin_needs_school")
    must_change = password is None
    secret = generate_admin_password() if password is None else password
    check_admin_password(secret)
    password_hash = hash_password(secret, rounds)

    def work(session: Session) -> None:
        rules.serialize(session)
        scope = rules.actor_scope(session, actor, system)
        if all_schools and scope is not None and not scope.is_district:
            raise NotFound("no such school", key="error_account_school_unknown")
        schools = _schools_in_scope(session, scope, school_ids)
        classes = classes_in_scope(session, scope, class_ids)
        if len(_schools_of(session, classes)) > 1:  # created for one school; grants add more
            raise ValidationError(
                "a teacher is created with classes of one school", key="error_teacher_one_school"
            )
        account = Admin(
            username=name,
            password_hash=password_hash,
            display_name=display_name,
            is_active=True,
            created_at=datetime.now(UTC),
            role=role,
            all_schools=all_schools,
            must_change_password=must_change,
        )
        session.add(account)
        session.flush()
        session.add_all(AccountSchool(admin_id=account.id, school_id=s) for s in schools)
        session.add_all(AccountClass(admin_id=account.id, class_id=c) for c in classes)
        details = {"username": name, "role": role, "all_schools": all_schools}
        audit.record(
            session,
            actor,
            "account_created",
            details={**details, "schools": schools, "classes": classes},
        )

    try:
        db.write(work)
    except IntegrityError:
        if role == ROLE_ADMIN:  # the command line's wording since before teachers
            raise ValidationError(f"the administrator {name!r} already exists") from None
        raise ValidationError(
            f"the account {name!r} already exists", username=name, key="error_account_exists"
        ) from None
    return NewCredential(name, secret, must_change)


def change_account(
    db: Database,
    actor: str,
    username: str,
    action: str,
    change: Callable[[Session, Scope | None, Admin], dict[str, object]],
    system: bool,
) -> None:
    """One change to a colleague's account: serialized, scoped, last administrator kept,
    journalled with ``change``'s details."""

    def work(session: Session) -> None:
        rules.serialize(session)
        scope = rules.actor_scope(session, actor, system)
        target = rules.target_in_scope(session, scope, username)
        before = rules.admin_schools_before(session, target)
        details = change(session, scope, target)
        rules.keep_an_administrator(session, scope, before)
        audit.record(session, actor, action, details={"username": target.username, **details})

    db.write(work)


def _revoke_sessions(target: Admin) -> None:
    target.session_generation = int(target.session_generation) + 1
    target.sessions_not_before = datetime.now(UTC)


def set_active(db: Database, actor: str, username: str, active: bool, system: bool = False) -> None:
    """Disable (sessions end at once) or enable an account; never one's own."""

    def change(session: Session, scope: Scope | None, target: Admin) -> dict[str, object]:
        rules.not_self(scope, target)
        target.is_active = active
        _revoke_sessions(target)
        return {}

    action = "account_enabled" if active else "account_disabled"
    change_account(db, actor, username, action, change, system)


def grant_school(
    db: Database, actor: str, username: str, school_id: int, system: bool = False
) -> None:
    def change(session: Session, scope: Scope | None, target: Admin) -> dict[str, object]:
        require_role(target, ROLE_ADMIN)
        (school,) = _schools_in_scope(session, scope, [school_id])
        exists = session.get(AccountSchool, (target.id, school))
        if exists is None:
            session.add(AccountSchool(admin_id=target.id, school_id=school))
        return {"school_id": school}

    change_account(db, actor, username, "account_school_granted", change, system)


def revoke_school(
    db: Database, actor: str, username: str, school_id: int, system: bool = False
) -> None:
    def change(session: Session, scope: Scope | None, target: Admin) -> dict[str, object]:
        require_role(target, ROLE_ADMIN)
        rules.not_self(scope, target)
        (school,) = _schools_in_scope(session, scope, [school_id])
        session.execute(
            delete(AccountSchool).where(
                AccountSchool.admin_id == target.id, AccountSchool.school_id == school
            )
        )
        return {"school_id": school}

    change_account(db, actor, username, "account_school_revoked", change, system)


def _schools_of(session: Session, class_ids: Sequence[int]) -> set[int]:
    if not class_ids:
        return set()
    return set(
        session.scalars(select(SchoolClass.school_id).where(SchoolClass.id.in_(list(class_ids))))
    )


def needs_class() -> ValidationError:
    return ValidationError("a teacher has one class or more", key="error_teacher_needs_class")


def require_role(target: Admin, role: str) -> None:
    if target.role != role:
        raise ValidationError(f"this account is not a {role}", key=f"error_account_not_{role}")


def reset_password(
    db: Database, settings: Settings, actor: str, username: str, system: bool = False
) -> NewCredential:
    """A colleague's new generated password (returned once); their sessions end, their login
    lockout is lifted and they must choose their own password at the next login."""
    secret = generate_admin_password()
    password_hash = hash_password(secret, settings.bcrypt_rounds)
    holder: list[str] = []

    def change(session: Session, scope: Scope | None, target: Admin) -> dict[str, object]:
        rules.not_self(scope, target)
        target.password_hash = password_hash
        target.must_change_password = True
        _revoke_sessions(target)
        throttle.clear(session, admin_subject(settings, target.username))
        holder.append(target.username)
        return {}

    change_account(db, actor, username, "account_password_reset", change, system)
    return NewCredential(holder[-1], secret, True)
