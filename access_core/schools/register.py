"""The schools' register: create a school, list the schools with their active learner counts,
read one, edit its name, UAI and portal address, and find the school an import is for.

Who may: a district administrator (``admins.all_schools``) creates schools and sees them all; an
administrator sees and edits their own schools; a school outside the actor's scope answers
exactly like one that does not exist. ``operator=True`` is the technical staff at the command
line, who holds the database itself (as for ``create-admin``): no account is checked, and
``actor`` is only the journal's name for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access_core.accounts.scope import Scope, require_scope, school_in_scope
from access_core.audit import events as audit
from access_core.characters import has_control_characters, visible
from access_core.db.models import Learner, School
from access_core.db.unit_of_work import Database
from access_core.errors import NotAuthorized, NotFound, ValidationError
from access_core.schools.uai import normalize_uai

NAME_MAX = 200
PORTAL_MAX = 500
UAI_TAKEN = "error_uai_taken"
SCHOOL_REQUIRED = "error_school_required"


@dataclass(frozen=True)
class SchoolInfo:
    id: int
    uai: str | None  # None: the school an older installation was migrated to, until set
    name: str
    portal_url: str | None
    active_learners: int = 0


def _name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > NAME_MAX or has_control_characters(name.strip()):
        raise ValidationError(
            f"a school's name is 1 to {NAME_MAX} characters, without control characters",
            key="error_school_name",
            limit=NAME_MAX,
        )
    return cleaned


def _portal(url: str) -> str | None:
    """An http(s) address without user name or password (printed on slips), or None for ''."""
    url = url.strip()
    if not url:
        return None
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in url)
        or has_control_characters(url)
        or parts.username is not None
        or parts.password is not None
        or len(url) > PORTAL_MAX
    ):
        raise ValidationError(
            f"the portal address must be an http(s) address without a user name or password, "
            f"got {visible(url[:80])!r}",
            key="error_portal_url",
            url=visible(url[:80]),
        )
    return url


def _scope(session: Session, actor: str, operator: bool) -> Scope | None:
    """The actor's scope (an administrator's), or None for the operator (every school)."""
    return None if operator else require_scope(session, actor, admin_only=True)


def _counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(
        select(Learner.school_id, func.count())
        .where(Learner.school_id.in_(ids), Learner.deactivated_at.is_(None))
        .group_by(Learner.school_id)
    ).all()
    return {int(school): int(count) for school, count in rows}


def _infos(session: Session, scope: Scope | None) -> list[SchoolInfo]:
    query = select(School).order_by(School.id)  # creation order, the same on every backend
    if scope is not None:
        query = query.where(scope.school_clause(School.id))
    schools = list(session.scalars(query))
    counts = _counts(session, [s.id for s in schools])
    return [SchoolInfo(s.id, s.uai, s.name, s.portal_url, counts.get(s.id, 0)) for s in schools]


def list_schools(db: Database, actor: str, *, operator: bool = False) -> list[SchoolInfo]:
    """The schools the actor administers (every school for a district administrator or the
    operator), in creation order, each with its active learner count."""
    with db.transaction() as session:
        return _infos(session, _scope(session, actor, operator))


def get_school(
    db: Database, actor: str, school_id: int | None = None, *, operator: bool = False
) -> SchoolInfo:
    """One school (None: the only one); unknown and out of scope are the same ``NotFound``."""
    with db.transaction() as session:
        scope = _scope(session, actor, operator)
        if scope is not None:
            school_id = school_in_scope(session, scope, school_id)
        elif school_id is None:
            ids = session.scalars(select(School.id).limit(2)).all()
            if len(ids) != 1:
                raise NotFound("choose a school", key=SCHOOL_REQUIRED)
            school_id = int(ids[0])
        school = session.get(School, school_id)
        if school is None:
            raise NotFound("no such school", key="error_school_not_found")
        counts = _counts(session, [school.id])
        return SchoolInfo(
            school.id, school.uai, school.name, school.portal_url, counts.get(school.id, 0)
        )


def find_school(db: Database, actor: str, uai: str, *, operator: bool = False) -> SchoolInfo:
    """The school whose UAI is ``uai`` (normalised first: a malformed one is refused as
    such); unknown and out of scope are the same ``NotFound``."""
    code = normalize_uai(uai)
    with db.transaction() as session:
        scope = _scope(session, actor, operator)
        school = session.scalar(select(School).where(School.uai == code))
        if school is None or (scope is not None and not scope.allows_school(school.id)):
            raise NotFound(f"no school with the UAI {code}", key="error_uai_unknown", uai=code)
        counts = _counts(session, [school.id])
        return SchoolInfo(
            school.id, school.uai, school.name, school.portal_url, counts.get(school.id, 0)
        )


def school_for_import(db: Database, actor: str, uai: str | None) -> int | None:
    """The school an import names (its UAI), or None when the installation has one school
    (the preview then takes it); several schools and no UAI: ``ValidationError`` asking
    for it. A malformed, unknown or out-of-scope UAI is refused."""
    if uai is not None:
        return find_school(db, actor, uai).id
    with db.transaction() as session:
        require_scope(session, actor, admin_only=True)
        several = len(session.scalars(select(School.id).limit(2)).all()) > 1
    if several:
        raise ValidationError(
            "this installation has several schools: name the file's school (--school UAI)",
            key="error_import_school_required",
        )
    return None


def create_school(
    db: Database,
    uai: str,
    name: str,
    portal_url: str | None = None,
    *,
    actor: str,
    operator: bool = False,
) -> SchoolInfo:
    """A new school. Only a district administrator (or the operator) creates one; its UAI
    must be valid and not another school's."""
    code = normalize_uai(uai)
    cleaned = _name(name)
    portal = _portal(portal_url or "")

    def work(session: Session) -> int:
        scope = _scope(session, actor, operator)
        if scope is not None and not scope.is_district:
            raise NotAuthorized("only a district administrator creates schools")
        if session.scalar(select(School.id).where(School.uai == code)) is not None:
            raise ValidationError(
                f"a school with the UAI {code} exists already", key=UAI_TAKEN, uai=code
            )
        school = School(uai=code, name=cleaned, portal_url=portal, created_at=datetime.now(UTC))
        session.add(school)
        session.flush()
        audit.record(
            session,
            actor,
            "school_created",
            details={"uai": code, "name": cleaned},
            school_id=school.id,
        )
        return school.id

    try:
        school_id = db.write(work)
    except IntegrityError:  # the same UAI created meanwhile by another session
        raise ValidationError(
            f"a school with the UAI {code} exists already", key=UAI_TAKEN, uai=code
        ) from None
    return SchoolInfo(school_id, code, cleaned, portal, 0)


def set_school(
    db: Database,
    school_id: int | None,
    *,
    actor: str,
    uai: str | None = None,
    name: str | None = None,
    portal_url: str | None = None,
    operator: bool = False,
) -> SchoolInfo:
    """Change a school's UAI, name and/or portal address (None: unchanged; an empty portal
    address removes it). ``school_id`` None: the installation's only school. The actor must
    administer the school; an out-of-scope school is not found."""
    code = normalize_uai(uai) if uai is not None else None
    cleaned = _name(name) if name is not None else None
    portal = _portal(portal_url) if portal_url is not None else None

    def work(session: Session) -> SchoolInfo:
        scope = _scope(session, actor, operator)
        target = school_id
        if scope is not None:
            target = school_in_scope(session, scope, school_id)
        elif target is None:
            ids = session.scalars(select(School.id).limit(2)).all()
            if len(ids) != 1:
                raise NotFound("choose a school", key=SCHOOL_REQUIRED)
            target = int(ids[0])
        school = session.get(School, target)
        if school is None:
            raise NotFound("no such school", key="error_school_not_found")
        changed: dict[str, object] = {}
        if code is not None and code != school.uai:
            other = session.scalar(
                select(School.id).where(School.uai == code, School.id != school.id)
            )
            if other is not None:
                raise ValidationError(
                    f"a school with the UAI {code} exists already", key=UAI_TAKEN, uai=code
                )
            changed["uai"] = code
            school.uai = code
        if cleaned is not None and cleaned != school.name:
            changed["name"] = cleaned
            school.name = cleaned
        if portal_url is not None and portal != school.portal_url:
            changed["portal_url"] = portal or ""
            school.portal_url = portal
        if changed:
            session.flush()
            audit.record(session, actor, "school_updated", details=changed, school_id=school.id)
        counts = _counts(session, [school.id])
        return SchoolInfo(
            school.id, school.uai, school.name, school.portal_url, counts.get(school.id, 0)
        )

    try:
        return db.write(work)
    except IntegrityError:
        raise ValidationError(
            f"a school with the UAI {code} exists already", key=UAI_TAKEN, uai=code
        ) from None
