"""Bringing the accounts in line with the school's roster: preview, then apply in one go.

``preview`` matches each row of the file to a learner (by external id, else by last name +
first name + birth date, without case or accents) and lists what would change: new, updated,
moved, reactivated and (full import) deactivated learners, plus the rejected rows. ``apply``
hashes the new learners' initial passwords first, in parallel, then writes everything in one
transaction with one audit event per change. Learners' own data is never removed: leaving the
roster only sets ``deactivated_at``; coming back clears it and keeps login and password.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access_core import audit
from access_core.admins import require_active_admin
from access_core.db import Database
from access_core.errors import ConcurrentChange, ValidationError
from access_core.logins import fold, unique_login
from access_core.models import Learner, SchoolClass
from access_core.names import full_name
from access_core.passwords import Progress, hash_many, initial_password
from access_core.roster_files import RosterFile, RosterRow, RowProblem, problem

DEACTIVATES_EVERYONE = "import_deactivates_everyone"


@dataclass(frozen=True)
class Existing:
    id: int
    external_id: str | None
    last_name: str
    first_name: str
    birth_date: date | None
    login: str
    class_name: str | None
    deactivated_at: datetime | None


@dataclass(frozen=True)
class Change:
    """One learner's planned change. ``learner`` is None for a new learner."""

    row: RosterRow | None
    learner: Existing | None
    login: str
    fields: dict[str, object] = field(default_factory=dict)  # column -> new value

    @property
    def name(self) -> str:
        source = self.row or self.learner
        return full_name(source.last_name, source.first_name) if source else self.login


@dataclass
class ImportPlan:
    new: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    moved: list[Change] = field(default_factory=list)
    reactivated: list[Change] = field(default_factory=list)
    deactivated: list[Change] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    unchanged: int = 0
    partial: bool = False
    new_classes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        """Every learner to write, each once (a learner may be moved and updated)."""
        seen: dict[int, Change] = {}
        for change in self.updated + self.moved + self.reactivated + self.deactivated:
            if change.learner is not None:
                merged = seen.get(change.learner.id)
                fields = {**(merged.fields if merged else {}), **change.fields}
                seen[change.learner.id] = Change(change.row, change.learner, change.login, fields)
        return list(seen.values())

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changes)


def _identity(last: str, first: str, birth: date | None) -> tuple[str, str, date | None]:
    return (fold(last).strip(), fold(first).strip(), birth)


# External ids and class names are compared as MariaDB's unique indexes compare them (without
# case; class names without accents either), so that every backend takes the same rows.
def _id_key(external_id: str | None) -> str:
    return (external_id or "").casefold()


def _class_key(name: str) -> str:
    return " ".join(fold(name).split())


def _load(session: Session) -> tuple[list[Existing], set[str]]:
    rows = session.execute(
        select(
            Learner.id,
            Learner.external_id,
            Learner.last_name,
            Learner.first_name,
            Learner.birth_date,
            Learner.login,
            SchoolClass.name,
            Learner.deactivated_at,
        ).outerjoin(SchoolClass, SchoolClass.id == Learner.class_id)
    ).all()
    classes = set(session.scalars(select(SchoolClass.name)).all())
    return [Existing(*r) for r in rows], classes


def preview(
    db: Database, actor: str, roster: RosterFile, partial: bool = False, force: bool = False
) -> ImportPlan:
    """What applying ``roster`` would change. Refuses an import that would deactivate
    every active learner (an empty file, or no learner left) unless ``force``."""
    with db.transaction() as session:
        require_active_admin(session, actor)
        existing, classes = _load(session)
    plan = ImportPlan(rejected=list(roster.problems), partial=partial)
    # « 6E A » in the file is the existing « 6e A »; a new class keeps its first spelling
    spellings: dict[str, str] = {}
    for name in sorted(classes):
        spellings.setdefault(_class_key(name), name)
    rows = [
        replace(r, class_name=spellings.setdefault(_class_key(r.class_name), r.class_name))
        for r in roster.rows
    ]
    by_external = {_id_key(e.external_id): e for e in existing if e.external_id}
    by_identity: dict[tuple[str, str, date | None], list[Existing]] = {}
    for e in sorted(existing, key=lambda e: (e.deactivated_at is not None, e.id)):  # active 1st
        by_identity.setdefault(_identity(e.last_name, e.first_name, e.birth_date), []).append(e)
    # A learner whose external id is in the file is that row's, whatever the order of the rows.
    claimed = {by_external[k].id for r in rows if (k := _id_key(r.external_id)) in by_external}
    logins = {e.login: e.id for e in existing}
    matched: set[int] = set()
    for row in rows:
        learner = by_external.get(_id_key(row.external_id))
        duplicate = False
        if learner is None:
            candidates = by_identity.get(
                _identity(row.last_name, row.first_name, row.birth_date), []
            )
            free = [c for c in candidates if c.id not in matched and c.id not in claimed]
            # homonyms born the same day: the one already in the row's class first
            learner = next((c for c in free if c.class_name == row.class_name), None) or (
                free[0] if free else None
            )
            # without an id, a row whose every namesake is another row's is a second line
            duplicate = learner is None and bool(candidates) and not row.external_id
        if duplicate or (learner is not None and learner.id in matched):
            plan.rejected.append(
                problem(row.line, "same_learner_twice", full_name(row.last_name, row.first_name))
            )
            continue
        if row.login and logins.get(row.login, learner.id if learner else None) != (
            learner.id if learner else None
        ):
            plan.rejected.append(
                problem(
                    row.line, "login_taken", full_name(row.last_name, row.first_name),
                    login=row.login,
                )
            )
            continue
        if learner is None:
            login = row.login or unique_login(row.first_name, row.last_name, logins.__contains__)
            logins[login] = -row.line
            plan.new.append(Change(row, None, login))
            continue
        matched.add(learner.id)
        _plan_existing(plan, row, learner)
    if row_classes := {r.class_name for r in rows} - classes:
        plan.new_classes = sorted(row_classes)
    if not partial:
        for e in existing:
            if e.deactivated_at is None and e.id not in matched:
                plan.deactivated.append(Change(None, e, e.login, {"deactivated_at": "now"}))
        active = sum(1 for e in existing if e.deactivated_at is None)
        if active and len(plan.deactivated) == active and not force:
            raise ValidationError(
                "this file would deactivate every learner of the school; check the file, "
                "or force the import",
                would_deactivate=active,
                key=DEACTIVATES_EVERYONE,
            )
    return plan


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
    if row.class_name != learner.class_name:
        plan.moved.append(Change(row, learner, learner.login, {"class_name": row.class_name}))
        unchanged = False
    if learner.deactivated_at is not None:
        plan.reactivated.append(Change(row, learner, learner.login, {"deactivated_at": None}))
        unchanged = False
    if unchanged:
        plan.unchanged += 1


@dataclass(frozen=True)
class ImportOutcome:
    new: int
    updated: int
    moved: int
    reactivated: int
    deactivated: int
    skipped_rows: int


def apply(
    db: Database,
    actor: str,
    plan: ImportPlan,
    rounds: int,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Write ``plan`` in one transaction; refused while rows are rejected unless skipped."""
    if plan.rejected and not skip_bad_rows:
        raise ValidationError(
            f"{len(plan.rejected)} row(s) rejected: fix them, or skip them explicitly",
            rejected=len(plan.rejected), key="import_rows_rejected",
        )
    hashes = hash_many(
        [initial_password(c.row.birth_date) for c in plan.new if c.row], rounds, progress
    )
    now = datetime.now(UTC)

    def write(session: Session) -> None:
        require_active_admin(session, actor)
        class_ids = {
            name: id_ for name, id_ in session.execute(select(SchoolClass.name, SchoolClass.id))
        }

        def class_id(name: str) -> int:
            if name not in class_ids:
                school_class = SchoolClass(name=name)
                session.add(school_class)
                session.flush()
                class_ids[name] = school_class.id
                audit.record(
                    session, actor, "class_created", details={"class": name}, occurred_at=now,
                    class_name=name,
                )
            return class_ids[name]

        for change, password_hash in zip(plan.new, hashes, strict=True):
            row = change.row
            assert row is not None
            learner = Learner(
                external_id=row.external_id,
                last_name=row.last_name,
                first_name=row.first_name,
                login=change.login,
                birth_date=row.birth_date,
                class_id=class_id(row.class_name),
                password_hash=password_hash,
                must_change_password=True,
                password_changed_at=now,
            )
            session.add(learner)
            session.flush()
            audit.record(
                session,
                actor,
                "learner_created",
                learner_id=learner.id,
                occurred_at=now,
                details={"login": change.login, "class": row.class_name, "line": row.line},
                class_name=row.class_name,
            )
        for change in plan.changes:
            assert change.learner is not None
            values = {k: v for k, v in change.fields.items() if k != "class_name"}
            if "class_name" in change.fields:
                values["class_id"] = class_id(str(change.fields["class_name"]))
            if values.get("deactivated_at") == "now":
                values["deactivated_at"] = now
            result = session.execute(
                update(Learner)
                .where(Learner.id == change.learner.id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise ConcurrentChange(
                    f"{change.name} was removed meanwhile; nothing imported", name=change.name
                )
            for action in _actions(change):
                audit.record(
                    session,
                    actor,
                    action,
                    learner_id=change.learner.id,
                    occurred_at=now,
                    details=_audit_details(change, action),
                    class_name=_class_after(change),
                )

    try:
        db.write(write)
    except IntegrityError:
        raise ConcurrentChange(
            "the learners changed while importing (a login or id is now taken); nothing was "
            "imported: preview again",
            name="",
        ) from None
    return ImportOutcome(
        new=len(plan.new),
        updated=len(plan.updated),
        moved=len(plan.moved),
        reactivated=len(plan.reactivated),
        deactivated=len(plan.deactivated),
        skipped_rows=len(plan.rejected),
    )


def _actions(change: Change) -> list[str]:
    actions = []
    if {"last_name", "first_name", "birth_date", "external_id"} & change.fields.keys():
        actions.append("learner_updated")
    if "class_name" in change.fields:
        actions.append("learner_moved")
    if "deactivated_at" in change.fields:
        actions.append(
            "learner_deactivated" if change.fields["deactivated_at"] else "learner_reactivated"
        )
    return actions


def _class_after(change: Change) -> str | None:
    """The learner's class once the change is applied (the class of the journal's entry)."""
    assert change.learner is not None
    return str(change.fields.get("class_name") or change.learner.class_name or "") or None


def _audit_details(change: Change, action: str) -> dict[str, object]:
    details: dict[str, object] = {"login": change.login}
    if change.row is not None:
        details["line"] = change.row.line
    if action == "learner_moved" and change.learner is not None:
        details.update({"from": change.learner.class_name, "to": change.fields["class_name"]})
    if action == "learner_updated":
        details["fields"] = sorted(k for k in change.fields if k != "class_name")
    return details

