"""Bringing the accounts in line with the school's roster: preview, then apply in one go.

``preview`` matches each row of the file to a learner (by external id, else by last name +
first name + birth date, without case or accents, never taking a learner whose known external
id differs from the row's) and lists what would change: new, updated, moved, reactivated and
(full import) deactivated learners, the learners whose initial password follows a corrected
birth date, the rejected rows and the learners kept because their row was rejected. It flags
an import that deactivates more than a share of the active learners; ``apply``
(``imports.apply``) refuses such a plan unless forced, hashes the initial passwords first, in
parallel, then writes everything in one transaction with one audit event per change. Learners'
own data is never removed: leaving the roster only sets ``deactivated_at``; coming back clears
it and keeps login and password.

An import is one school's (``school_id``; ``imports.by_school``): its learners are matched,
its classes matched by name and created, and a full import deactivates within it only; the
share check counts its learners. External ids and logins are installation-wide: a row may
take over a learner another school deactivated, never one still active there.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.db.models import Learner, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.errors import ValidationError
from access_core.imports import by_school
from access_core.imports.apply import ImportOutcome, apply
from access_core.imports.plan import (
    CHANGED_MEANWHILE,
    DEFAULT_MAX_DEACTIVATION_PERCENT,
    NEEDS_CONFIRMATION,
    NO_ROWS,
    Change,
    Existing,
    ImportPlan,
)
from access_core.imports.rows import RosterFile, RosterRow, RowProblem, problem
from access_core.roster.logins import fold, unique_login
from access_core.roster.names import full_name, name_key

__all__ = [
    "CHANGED_MEANWHILE",
    "DEFAULT_MAX_DEACTIVATION_PERCENT",
    "NEEDS_CONFIRMATION",
    "NO_ROWS",
    "Change",
    "Existing",
    "ImportOutcome",
    "ImportPlan",
    "apply",
    "preview",
]

Identity = tuple[str, str, date | None]


def _identity(last: str, first: str, birth: date | None) -> Identity:
    """Names without case, accents or typographic variants (« D’Almeida » is « D'ALMEIDA »),
    and the birth date."""
    return (name_key(last), name_key(first), birth)


# External ids and class names are compared as MariaDB's unique indexes compare them (without
# case; class names without accents either), so that every backend takes the same rows.
def _id_key(external_id: str | None) -> str:
    return (external_id or "").casefold()


def _class_key(name: str) -> str:
    return " ".join(fold(name).split())


def _other_id(learner: Existing, external_id: str | None) -> bool:
    """True when the learner's known external id is not the row's: another person."""
    return bool(
        external_id and learner.external_id and _id_key(learner.external_id) != _id_key(external_id)
    )


def _load(session: Session, school_id: int) -> tuple[list[Existing], set[str]]:
    """The school's learners and class names."""
    rows = session.execute(
        select(
            Learner.id,
            Learner.external_id,
            Learner.last_name,
            Learner.first_name,
            Learner.birth_date,
            Learner.login,
            Learner.class_id,
            SchoolClass.name.label("class_name"),
            Learner.deactivated_at,
            Learner.must_change_password,
            Learner.school_id,
        )
        .outerjoin(SchoolClass, SchoolClass.id == Learner.class_id)
        .where(Learner.school_id == school_id)
        .order_by(Learner.id)  # the same plan, in the same order, on every backend
    ).all()
    classes = set(
        session.scalars(select(SchoolClass.name).where(SchoolClass.school_id == school_id)).all()
    )
    return [Existing(**r._asdict()) for r in rows], classes


def preview(
    db: Database,
    actor: str,
    roster: RosterFile,
    partial: bool = False,
    max_deactivation_percent: int = DEFAULT_MAX_DEACTIVATION_PERCENT,
    *,
    school_id: int | None = None,
) -> ImportPlan:
    """What applying ``roster`` to the school ``school_id`` (None: the actor's or the
    installation's only school) would change; nothing is written. A file without any row is
    refused ("no rows"), a SIECLE export of another school too (both UAIs named); a full import
    deactivating more than ``max_deactivation_percent`` % of the school's active learners is
    flagged (``plan.needs_confirmation``)."""
    if not roster.rows and not roster.problems:
        raise ValidationError("the file has no learner rows: nothing to import", key=NO_ROWS)
    with db.transaction() as session:
        school = by_school.import_school(session, actor, school_id, roster.school)
        existing, classes = _load(session, school)
        foreign = by_school.other_schools_learners(
            session, school, (r.external_id for r in roster.rows if r.external_id)
        )
        plan = ImportPlan(
            rejected=list(roster.problems),
            partial=partial,
            active_learners=sum(1 for e in existing if e.deactivated_at is None),
            max_deactivation_percent=max_deactivation_percent,
            school_id=school,
        )
        other_logins = by_school.OtherLogins(session, school)
        other_logins.prefetch(by_school.likely_logins(roster.rows))
        _plan(plan, roster, existing, classes, foreign, other_logins)
    return plan


def _plan(
    plan: ImportPlan,
    roster: RosterFile,
    existing: list[Existing],
    classes: set[str],
    foreign: dict[str, Existing],
    other_login: by_school.OtherLogins,
) -> None:
    partial = plan.partial
    # « 6E A » in the file is the existing « 6e A »; a new class keeps its first spelling
    spellings: dict[str, str] = {}
    for name in sorted(classes):
        spellings.setdefault(_class_key(name), name)
    rows = [
        replace(r, class_name=spellings.setdefault(_class_key(r.class_name), r.class_name))
        for r in roster.rows
    ]
    by_external = {_id_key(e.external_id): e for e in existing if e.external_id}
    by_identity: dict[Identity, list[Existing]] = {}
    for e in sorted(existing, key=lambda e: (e.deactivated_at is not None, e.id)):  # active 1st
        by_identity.setdefault(_identity(e.last_name, e.first_name, e.birth_date), []).append(e)
    # A learner whose external id is in the file is that row's, whatever the order of the rows.
    claimed = {by_external[k].id for r in rows if (k := _id_key(r.external_id)) in by_external}
    logins = {e.login: e.id for e in existing}
    matched: set[int] = set()
    # The identities of the new learners: those planned so far, and those of the lines with an
    # external id nobody has yet (whatever their order). A line without an id whose identity is
    # one of them, and that no known learner is left to match, is that pupil again: rejected as
    # a known pupil's second line is (one rule, new or known).
    new_identities = {
        _identity(r.last_name, r.first_name, r.birth_date)
        for r in rows
        if r.external_id and _id_key(r.external_id) not in by_external
    }
    # learners named by a rejected line: kept (never deactivated), line by learner id
    named_by_rejected: dict[int, RowProblem] = {}
    for row in rows:
        learner = by_external.get(_id_key(row.external_id))
        identity = _identity(row.last_name, row.first_name, row.birth_date)
        duplicate = transfer = False
        if learner is None and (elsewhere := foreign.get(_id_key(row.external_id))):
            if elsewhere.deactivated_at is None:  # still that school's pupil: nothing of them
                plan.rejected.append(
                    problem(
                        row.line,
                        "external_id_other_school",
                        full_name(row.last_name, row.first_name),
                        external_id=row.external_id,
                    )
                )
                continue
            learner, transfer = elsewhere, True  # left the other school: taken over
            logins[learner.login] = learner.id
        elif learner is None:
            candidates = by_identity.get(identity, [])
            free = [
                c
                for c in candidates
                if c.id not in matched
                and c.id not in claimed
                and not _other_id(c, row.external_id)  # a namesake with another national id
            ]
            # homonyms born the same day: the one already in the row's class first
            learner = next((c for c in free if c.class_name == row.class_name), None) or (
                free[0] if free else None
            )
            # without an id, a row whose every namesake is another row's is a second line
            duplicate = learner is None and bool(candidates) and not row.external_id
        if learner is None and not row.external_id and identity in new_identities:
            duplicate = True  # the same new pupil as another line
        if duplicate or (learner is not None and learner.id in matched):
            plan.rejected.append(
                problem(row.line, "same_learner_twice", full_name(row.last_name, row.first_name))
            )
            continue
        owner = logins.get(row.login) if row.login else None
        if row.login and owner is None and other_login(row.login):
            owner = 0  # another school's learner
        if row.login and owner is not None and owner != (learner.id if learner else None):
            rejected = problem(
                row.line, "login_taken", full_name(row.last_name, row.first_name), login=row.login
            )
            plan.rejected.append(rejected)
            if learner is not None:
                named_by_rejected.setdefault(learner.id, rejected)
            continue
        if learner is None:
            login = row.login or unique_login(
                row.first_name, row.last_name, lambda x: x in logins or other_login(x)
            )
            logins[login] = -row.line
            new_identities.add(identity)
            plan.new.append(Change(row, None, login))
            continue
        matched.add(learner.id)
        _plan_existing(plan, row, learner)
        if transfer:
            plan.transferred.append(
                Change(row, learner, learner.login, {"school_id": plan.school_id})
            )
    # the classes the import creates: those of the rows it applies (never of a rejected row)
    used = {c.row.class_name for c in plan.new if c.row}
    used |= {str(c.fields["class_name"]) for c in plan.moved}
    plan.new_classes = sorted(used - classes)
    if not partial:
        for bad_row in roster.problems:
            for e in _named_by(bad_row, existing, by_external, by_identity):
                named_by_rejected.setdefault(e.id, bad_row)
        for e in existing:
            if e.deactivated_at is not None or e.id in matched:
                continue
            if e.id in named_by_rejected:
                plan.kept.append(Change(None, e, e.login, problem=named_by_rejected[e.id]))
            else:
                plan.deactivated.append(Change(None, e, e.login, {"deactivated_at": "now"}))


def _named_by(
    problem: RowProblem,
    existing: list[Existing],
    by_external: dict[str, Existing],
    by_identity: dict[Identity, list[Existing]],
) -> list[Existing]:
    """The learners a rejected line names, as far as its valid values tell: its external id,
    else its login, else its names and birth date (every such namesake, none whose known
    external id is another), else its names alone when no birth date could be read."""
    if problem.external_id and (found := by_external.get(_id_key(problem.external_id))):
        return [found]
    if problem.login:
        by_login = [e for e in existing if e.login == problem.login]
        if by_login and not _other_id(by_login[0], problem.external_id):
            return by_login
    if not (problem.last_name and problem.first_name):
        return []
    if problem.birth_date is not None:
        candidates = by_identity.get(
            _identity(problem.last_name, problem.first_name, problem.birth_date), []
        )
    else:
        names = _identity(problem.last_name, problem.first_name, None)[:2]
        candidates = [c for key, group in by_identity.items() if key[:2] == names for c in group]
    return [c for c in candidates if not _other_id(c, problem.external_id)]


def _plan_existing(plan: ImportPlan, row: RosterRow, learner: Existing) -> None:
    unchanged = True
    fields: dict[str, object] = {}
    if (row.last_name, row.first_name, row.birth_date) != (
        learner.last_name,
        learner.first_name,
        learner.birth_date,
    ) or (row.external_id and row.external_id != learner.external_id):
        fields = {
            "last_name": row.last_name,
            "first_name": row.first_name,
            "birth_date": row.birth_date,
        }
        if row.external_id:
            fields["external_id"] = row.external_id
        plan.updated.append(Change(row, learner, learner.login, fields))
        unchanged = False
        if row.birth_date != learner.birth_date and learner.must_change_password:
            # the initial password is the birth date: a corrected date moves it along
            plan.initial_password_moved.append(
                Change(row, learner, learner.login, {"birth_date": row.birth_date})
            )
    if row.class_name != learner.class_name:
        plan.moved.append(Change(row, learner, learner.login, {"class_name": row.class_name}))
        unchanged = False
    if learner.deactivated_at is not None:
        plan.reactivated.append(Change(row, learner, learner.login, {"deactivated_at": None}))
        unchanged = False
    if unchanged:
        plan.unchanged += 1
