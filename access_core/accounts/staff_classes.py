"""A teacher's classes, changed by an administrator: set them all, grant one, revoke one (a
teacher keeps one class at least). The same rules as every account change (``staff``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from access_core.accounts.scope import ROLE_TEACHER, Scope
from access_core.accounts.staff import (
    change_account,
    classes_in_scope,
    needs_class,
    require_role,
)
from access_core.db.models import AccountClass, Admin, SchoolClass
from access_core.db.unit_of_work import Database


def set_teacher_classes(
    db: Database, actor: str, username: str, class_ids: Sequence[int], system: bool = False
) -> None:
    """A teacher's classes become exactly ``class_ids`` (one at least); classes of schools the
    actor does not administer are kept as they were."""

    def change(session: Session, scope: Scope | None, target: Admin) -> dict[str, object]:
        require_role(target, ROLE_TEACHER)
        wanted = set(classes_in_scope(session, scope, class_ids))
        current = dict(
            session.execute(
                select(AccountClass.class_id, SchoolClass.school_id)
                .join(SchoolClass, SchoolClass.id == AccountClass.class_id)
                .where(AccountClass.admin_id == target.id)
            ).all()
        )
        kept = {c for c, s in current.items() if scope is not None and not scope.allows_school(s)}
        final = wanted | kept
        if not final:
            raise needs_class()
        removed = sorted(set(current) - final)
        added = sorted(final - set(current))
        if removed:
            session.execute(
                delete(AccountClass).where(
                    AccountClass.admin_id == target.id, AccountClass.class_id.in_(removed)
                )
            )
        session.add_all(AccountClass(admin_id=target.id, class_id=c) for c in added)
        return {"added": added, "removed": removed}

    change_account(db, actor, username, "account_classes_changed", change, system)


def grant_class(
    db: Database, actor: str, username: str, class_id: int, system: bool = False
) -> None:
    def change(session: Session, scope: Scope | None, target: Admin) -> dict[str, object]:
        require_role(target, ROLE_TEACHER)
        (found,) = classes_in_scope(session, scope, [class_id])
        if session.get(AccountClass, (target.id, found)) is None:
            session.add(AccountClass(admin_id=target.id, class_id=found))
        return {"class_id": found}

    change_account(db, actor, username, "account_class_granted", change, system)


def revoke_class(
    db: Database, actor: str, username: str, class_id: int, system: bool = False
) -> None:
    def change(session: Session, scope: Scope | None, target: Admin) -> dict[str, object]:
        require_role(target, ROLE_TEACHER)
        (found,) = classes_in_scope(session, scope, [class_id])
        others = session.scalars(
            select(AccountClass.class_id).where(
                AccountClass.admin_id == target.id, AccountClass.class_id != found
            )
        ).all()
        if not others:
            raise needs_class()
        session.execute(
            delete(AccountClass).where(
                AccountClass.admin_id == target.id, AccountClass.class_id == found
            )
        )
        return {"class_id": found}

    change_account(db, actor, username, "account_class_revoked", change, system)
