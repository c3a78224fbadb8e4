"""A colleague's login lockout lifted by an administrator, and the password an account chooses
itself at its first login (or after a colleague reset it)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from access_core.accounts import staff_rules as rules
from access_core.accounts import throttle
from access_core.accounts.admin_login import admin_subject
from access_core.accounts.admins import check_admin_password, normalize_username
from access_core.accounts.passwords import hash_password, verify_password
from access_core.audit import events as audit
from access_core.config import Settings
from access_core.db.models import Admin, AdminSession
from access_core.db.unit_of_work import Database
from access_core.errors import NotAuthorized, ValidationError


def lift_lockout(
    db: Database, settings: Settings, actor: str, username: str, system: bool = False
) -> bool:
    """Lift a colleague's login lockout; True when one was in force."""

    def work(session: Session) -> bool:
        rules.serialize(session)
        scope = rules.actor_scope(session, actor, system)
        target = rules.target_in_scope(session, scope, username)
        subject = admin_subject(settings, target.username)
        was_locked = throttle.locked_until(session, subject, datetime.now(UTC)) is not None
        throttle.clear(session, subject)
        audit.record(session, actor, "login_unlocked", details={"subject": target.username})
        return was_locked

    return db.write(work)


def must_change_password(db: Database, username: str) -> bool:
    """Whether the account must choose its own password before anything else."""
    with db.transaction() as session:
        flag = session.scalar(
            select(Admin.must_change_password).where(Admin.username == normalize_username(username))
        )
    return bool(flag)


def change_own_password(
    db: Database,
    settings: Settings,
    username: str,
    session_id: str,
    new_password: str,
    repeated: str,
) -> None:
    """The logged-in account's own new password (twice, at least 12 characters, not the one it
    has). Every other session of the account ends; the session ``session_id`` goes on."""
    if new_password != repeated:
        raise ValidationError("the two passwords differ", key="error_passwords_differ")
    check_admin_password(new_password)
    name = normalize_username(username)
    with db.transaction() as session:
        current = session.scalar(select(Admin.password_hash).where(Admin.username == name))
    if current is not None and verify_password(new_password, current):
        raise ValidationError("choose a new password", key="error_password_unchanged")
    password_hash = hash_password(new_password, settings.bcrypt_rounds)
    digest = hashlib.sha256(session_id.encode("utf-8")).hexdigest()

    def work(session: Session) -> None:
        admin = rules.target_for_self(session, name)
        live = session.scalar(
            select(AdminSession.id).where(
                AdminSession.token_hash == digest,
                AdminSession.username == admin.username,
                AdminSession.ended_at.is_(None),
                AdminSession.generation == admin.session_generation,
            )
        )
        if live is None or admin.password_hash != current:
            raise NotAuthorized("the session was revoked")
        admin.password_hash = password_hash
        admin.must_change_password = False
        admin.session_generation = int(admin.session_generation) + 1
        admin.sessions_not_before = datetime.now(UTC)
        session.flush()
        session.execute(  # this session carries the new generation: the others end
            update(AdminSession)
            .where(AdminSession.id == live)
            .values(generation=admin.session_generation)
        )
        audit.record(session, admin.username, "admin_password_changed", details={"username": name})

    db.write(work)
