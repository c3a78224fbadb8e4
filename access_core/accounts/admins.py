"""Administrator accounts, and the check every service makes on its actor."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access_core.accounts.passwords import BCRYPT_MAX_BYTES, hash_password
from access_core.audit import events as audit
from access_core.audit import request_context
from access_core.characters import has_control_characters
from access_core.db.models import AccountSchool, Admin, AdminSession, School
from access_core.db.unit_of_work import Database
from access_core.errors import NotAuthorized, NotFound, ValidationError

if TYPE_CHECKING:
    from access_core.accounts.scope import Scope

ADMIN_PASSWORD_MIN_CHARS = 12
SYSTEM_ACTOR = "system"
LEARNER_ACTOR = "learner"  # a learner's own sign-in events
UNKNOWN_ACTOR = "(unknown username)"  # a sign-in under a name no account holds
CLI_ACTOR_PREFIX = "cli:"  # the command line, ``cli:<os user>``
# The journal's actors that are no account: an account named like one would read (in its own
# journal) and be credited with their events, so no account may take such a name.
RESERVED_USERNAMES = frozenset({SYSTEM_ACTOR, LEARNER_ACTOR, UNKNOWN_ACTOR})


def is_reserved_username(name: str) -> bool:
    """Whether ``name`` (normalized) is one of the journal's non-account actors."""
    return name in RESERVED_USERNAMES or name.startswith(CLI_ACTOR_PREFIX)


def refuse_reserved_username(name: str) -> None:
    """``ValidationError`` when ``name`` (normalized) is a journal actor's."""
    if is_reserved_username(name):
        raise ValidationError(
            f"the username {name!r} is reserved", key="error_username_reserved", username=name
        )


@dataclass(frozen=True)
class AdminAccount:
    username: str
    display_name: str | None


def normalize_username(username: str) -> str:
    """Usernames are compared stripped and lower-cased (as streamlit-authenticator does)."""
    return username.strip().lower()


def require_active_account(session: Session, username: str | None) -> Admin:
    """The active account ``username`` (administrator or teacher); ``NotAuthorized`` unless it
    is active and, when this run acts on the strength of a dashboard session
    (``request_context.acting_session``), unless the account's credential is still the one
    that session was opened with: a reset or import that was hashing while the password changed
    (or the account was disabled, or logged out elsewhere) writes nothing."""
    if not username:
        raise NotAuthorized("an administrator login is required")
    name = normalize_username(username)
    row = session.scalar(select(Admin).where(Admin.username == name))
    if row is None or not row.is_active:
        raise NotAuthorized("this account is not an active administrator")
    acting = request_context.acting_session.get()
    if acting is not None and acting[0] in (name, row.username):
        ended = session.scalar(
            select(AdminSession.ended_at).where(AdminSession.token_hash == acting[2])
        )
        if acting[1] != int(row.session_generation) or ended is not None:
            raise NotAuthorized("the session was revoked")
    if row.must_change_password:  # nothing before the account has chosen its own password
        raise NotAuthorized(
            "this account must choose its own password first", key="error_must_change_password"
        )
    return row


def require_active_admin(session: Session, username: str | None) -> Scope:
    """``require_active_account`` for an administrator: a teacher is refused. Returns the
    administrator's scope (their schools, or every school)."""
    from access_core.accounts.scope import require_scope

    return require_scope(session, username, admin_only=True)


def check_admin_password(password: str) -> None:
    if len(password) < ADMIN_PASSWORD_MIN_CHARS:
        raise ValidationError(
            f"an administrator password needs at least {ADMIN_PASSWORD_MIN_CHARS} characters"
        )
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        raise ValidationError(f"a password may not exceed {BCRYPT_MAX_BYTES} bytes")


def generate_admin_password() -> str:
    return secrets.token_urlsafe(15)  # 20 characters, 120 bits


def create_admin(
    db: Database,
    username: str,
    password: str,
    rounds: int,
    display_name: str | None = None,
    actor: str = SYSTEM_ACTOR,
) -> AdminAccount:
    name = normalize_username(username)
    if not name or len(name) > 150 or any(c.isspace() for c in name):
        raise ValidationError("a username is 1 to 150 characters without spaces")
    if has_control_characters(name) or has_control_characters(display_name or ""):
        raise ValidationError("a username or display name cannot hold control characters")
    refuse_reserved_username(name)
    check_admin_password(password)
    password_hash = hash_password(password, rounds)

    def work(session: Session) -> None:
        admin = Admin(
            username=name,
            password_hash=password_hash,
            display_name=display_name,
            is_active=True,
            created_at=datetime.now(UTC),
        )
        session.add(admin)
        session.flush()
        _grant_only_school(session, name)
        audit.record(session, actor, "admin_created", details={"username": name})

    try:
        db.write(work)
    except IntegrityError:
        raise ValidationError(f"the administrator {name!r} already exists") from None
    return AdminAccount(username=name, display_name=display_name)


def _grant_only_school(session: Session, username: str) -> None:
    """On an installation of one school, a new administrator administers it (as before
    schools existed); with several, the caller grants schools explicitly."""
    schools = session.scalars(select(School.id).limit(2)).all()
    if len(schools) != 1:
        return
    admin_id = session.scalar(select(Admin.id).where(Admin.username == username))
    session.add(AccountSchool(admin_id=admin_id, school_id=schools[0]))


def count_admins(db: Database) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Admin)) or 0)


def _set_admin(db: Database, username: str, actor: str, action: str, **values: object) -> None:
    name = normalize_username(username)
    now = datetime.now(UTC)

    def work(session: Session) -> None:
        result = session.execute(
            update(Admin)
            .where(Admin.username == name)
            .values(
                sessions_not_before=now,
                session_generation=Admin.session_generation + 1,
                **values,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise NotFound(
                f"no administrator named {name!r}", username=name, key="error_admin_not_found"
            )
        audit.record(session, actor, action, details={"username": name}, occurred_at=now)

    db.write(work)


def set_password(
    db: Database, username: str, password: str, rounds: int, actor: str = SYSTEM_ACTOR
) -> None:
    """A new password; every session and cookie issued before now stops working."""
    check_admin_password(password)
    _set_admin(
        db, username, actor, "admin_password_changed", password_hash=hash_password(password, rounds)
    )


def disable_admin(db: Database, username: str, actor: str = SYSTEM_ACTOR) -> None:
    """Refused at once, live sessions and cookies included."""
    _set_admin(db, username, actor, "admin_disabled", is_active=False)


def enable_admin(db: Database, username: str, actor: str = SYSTEM_ACTOR) -> None:
    _set_admin(db, username, actor, "admin_enabled", is_active=True)


@dataclass(frozen=True)
class AdminSummary:
    username: str
    display_name: str | None
    is_active: bool


def list_admins(db: Database) -> list[AdminSummary]:
    """Every administrator account (no hash), by username."""
    with db.transaction() as session:
        rows = session.execute(
            select(Admin.username, Admin.display_name, Admin.is_active).order_by(Admin.username)
        ).all()
    return [AdminSummary(username=u, display_name=d, is_active=bool(a)) for u, d, a in rows]
