"""Login slips: which learners get one and what each slip says, as plain values.

A slip holds the learner's class, « Nom Prénom », login and the state of the password: the
initial password (the birth date written ``ddmmyyyy``) while the learner is on a valid,
non-expired initial password, else only that the password is personal (or that the initial
one expired). A learner without a birth date gets no slip and is named in ``skipped``. The PDF
is drawn by ``slips_pdf``; the services below choose the learners and check the actor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access_core.accounts.passwords import initial_password
from access_core.accounts.scope import require_scope, school_in_scope
from access_core.audit import events as audit
from access_core.config import SHOW_DIGITS, Settings
from access_core.db.models import AuditEvent, Learner, ResetBatch, School, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.errors import NotFound, ValidationError
from access_core.roster.names import full_name
from access_core.roster.queries import (
    LearnerRow,
    PasswordState,
    learners_by_ids,
    name_sort_key,
    natural_key,
    password_state,
)
from access_core.roster.resets import RESET_ACTION

IMPORT_CREATED_ACTION = "learner_created"  # imports.apply's event for each learner it created

SLIPS_ACTION = "slips_printed"
LAYOUTS = ("8", "1")
# the name migration 0008 gives a school that had none (ACCESS_SCHOOL_NAME empty): not printed
UNNAMED_SCHOOL = "Établissement"  # 8 per A4 page (2 × 4, cut marks), or one per page with the steps


@dataclass(frozen=True)
class Slip:
    learner_id: int
    class_name: str
    full_name: str  # « Nom Prénom »
    login: str
    state: PasswordState  # INITIAL: printed (digits) or described (hint); CUSTOM: never printed;
    # INITIAL_EXPIRED: an administrator must reset it
    password: str | None  # the ddmmyyyy digits, only for INITIAL in "digits" mode
    change_before: date | None  # last day of a valid initial password (school's calendar)


@dataclass(frozen=True)
class SlipOptions:
    """The school-wide settings a slip shows (from ``Settings``)."""

    school_name: str = ""
    portal_url: str = ""
    password_mode: str = SHOW_DIGITS  # or SHOW_HINT: « ta date de naissance (jjmmaaaa) »

    @classmethod
    def from_settings(cls, settings: Settings) -> SlipOptions:
        return cls(settings.school_name, settings.portal_url, settings.slips_password)


def _printed_name(name: str | None) -> str:
    cleaned = " ".join((name or "").split())
    return "" if cleaned == UNNAMED_SCHOOL else cleaned


def school_options(
    db: Database, actor: str, settings: Settings, *, school_id: int | None = None
) -> SlipOptions:
    """The slip settings of the school ``school_id`` (None: the actor's only school): its own
    name and portal address, else the installation's (``ACCESS_SCHOOL_NAME``,
    ``ACCESS_PORTAL_URL``) when the school leaves them empty (the placeholder name
    ``UNNAMED_SCHOOL`` counts as empty: a one-school installation prints as before)."""
    with db.transaction() as session:
        scope = require_scope(session, actor)
        school = school_in_scope(session, scope, school_id)
        name, portal = session.execute(
            select(School.name, School.portal_url).where(School.id == school)
        ).one()
    return SlipOptions(
        school_name=_printed_name(name) or settings.school_name,
        portal_url=(portal or "").strip() or settings.portal_url,
        password_mode=settings.slips_password,
    )


@dataclass(frozen=True)
class SlipSet:
    slips: tuple[Slip, ...]
    skipped: tuple[str, ...]  # « Nom Prénom » of the learners without a birth date

    @property
    def count(self) -> int:
        return len(self.slips)


def slip_sort_key(row: LearnerRow) -> tuple[object, ...]:
    """By class (natural order, learners without a class last), then by name."""
    return (row.class_name is None, natural_key(row.class_name or ""), name_sort_key(row))


def build_slips(
    rows: Iterable[LearnerRow],
    password_mode: str,
    initial_days: int,
    tz: ZoneInfo,
    now: datetime | None = None,
) -> SlipSet:
    """The slips of ``rows``, sorted by class then name; learners without birth date skipped."""
    now = now or datetime.now(UTC)
    slips: list[Slip] = []
    skipped: list[str] = []
    for row in sorted(rows, key=slip_sort_key):
        if row.birth_date is None:
            skipped.append(full_name(row.last_name, row.first_name))
            continue
        state = password_state(row, initial_days, now)
        initial = state is PasswordState.INITIAL
        change_before = None
        if initial and initial_days > 0 and row.password_changed_at is not None:
            last = row.password_changed_at + timedelta(days=initial_days)
            change_before = last.astimezone(tz).date()
        slips.append(
            Slip(
                learner_id=row.id,
                class_name=row.class_name or "",
                full_name=full_name(row.last_name, row.first_name),
                login=row.login,
                state=state,
                password=(
                    initial_password(row.birth_date)
                    if initial and password_mode == SHOW_DIGITS
                    else None
                ),
                change_before=change_before,
            )
        )
    return SlipSet(tuple(slips), tuple(skipped))


def learners_for_slips(db: Database, actor: str, learner_ids: Iterable[int]) -> list[LearnerRow]:
    """The learners ``learner_ids`` (active or deactivated), read when a slips file is built;
    unknown ids are an error."""
    ids = sorted(set(learner_ids))
    if not ids:
        raise ValidationError("no learner chosen for the slips")
    with db.transaction() as session:
        scope = require_scope(session, actor)
        rows = learners_by_ids(session, ids, scope)  # out of scope: missing, as unknown
    missing = sorted(set(ids) - {row.id for row in rows})
    if missing:
        raise NotFound(f"unknown learner ids: {missing}", ids=missing)
    return rows


def batch_learners(db: Database, actor: str, batch_id: str) -> list[LearnerRow]:
    """The learners reset by the batch ``batch_id`` (from its audit events). A batch is in the
    actor's scope when every learner of it still stored is: one that is not is not found,
    exactly as an unknown batch."""
    with db.transaction() as session:
        scope = require_scope(session, actor)
        ids = [
            i
            for i in session.scalars(
                select(AuditEvent.learner_id).where(
                    AuditEvent.batch_id == batch_id,
                    AuditEvent.action == RESET_ACTION,
                    AuditEvent.learner_id.is_not(None),
                )
            ).all()
            if i is not None
        ]
        rows = learners_by_ids(session, ids, scope)
        stored = session.scalar(select(func.count(Learner.id)).where(Learner.id.in_(ids))) or 0
        if session.get(ResetBatch, batch_id) is None or len(rows) != stored:
            raise NotFound(f"no reset batch {batch_id!r}", batch_id=batch_id)
        return rows


def import_learners(db: Database, actor: str, import_id: str) -> list[LearnerRow]:
    """The learners the import ``import_id`` created (from its journal events) that still
    exist, within the actor's scope. An unknown import, and one none of whose new pupils is
    in scope, are the same ``NotFound``."""
    with db.transaction() as session:
        scope = require_scope(session, actor, admin_only=True)
        created = session.scalars(
            select(AuditEvent.learner_id).where(
                AuditEvent.batch_id == import_id,
                AuditEvent.action == IMPORT_CREATED_ACTION,
                AuditEvent.learner_id.is_not(None),
            )
        ).all()
        ids = session.scalars(
            select(Learner.id).where(
                Learner.id.in_([i for i in created if i is not None]), scope.learner_clause()
            )
        ).all()
        if not ids:
            raise NotFound(
                f"no import {import_id!r}", import_id=import_id, key="error_import_not_found"
            )
        return learners_by_ids(session, ids, scope)


def record_slips(
    db: Database,
    actor: str,
    count: int,
    layout: str,
    class_name: str | None = None,
    batch_id: str | None = None,
    logins: Sequence[str] | None = None,
    *,
    school_id: int | None = None,
) -> None:
    """Audit that ``actor`` printed ``count`` slips (of a class, a batch or some logins) of the
    school ``school_id`` (None: the actor's only school)."""
    if layout not in LAYOUTS:
        raise ValidationError(f"unknown layout {layout!r}: use 8 or 1")
    details: dict[str, object] = {"learners": count, "layout": layout}
    if class_name is not None:
        details["class"] = class_name
    if batch_id is not None:
        details["batch"] = batch_id
    if logins:
        details["logins"] = list(logins)[:50]

    def record(session: Session) -> None:
        scope = require_scope(session, actor)
        school = school_in_scope(session, scope, school_id)
        if class_name is not None:  # a class outside the scope: not found, as an unknown one
            found = session.scalar(
                select(SchoolClass.id).where(
                    SchoolClass.name == class_name,
                    SchoolClass.school_id == school,
                    scope.class_clause(),
                )
            )
            if found is None:
                raise NotFound(f"no class named {class_name!r}", name=class_name)
        audit.record(session, actor, SLIPS_ACTION, details=details, school_id=school)

    db.write(record)
