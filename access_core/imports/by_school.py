"""An import is one school's: which school (in the actor's scope), whether the file is that
school's export, and what the other schools hold that a file's rows may name.

External ids (INE) and logins are unique across the installation (one pupil, one account; the
portal logs in by login), so a row may name a learner of another school:

- its external id is an **active** learner's of another school: the row is rejected
  (``external_id_other_school``), without a word of that learner (name, class, school): the
  pupil is still that school's until it deactivates them;
- its external id is a **deactivated** learner's of another school (the pupil moved, and the old
  school's full import deactivated them): the learner is transferred to this school, keeping
  login and password, into the row's class (``plan.transferred``);
- its login is another school's learner's: rejected as any taken login; a generated login
  skips every login of the installation.

Matching by names and birth date stays within the school: a pupil without an external id who
moves gets a new account in the new school.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.accounts.admins import require_active_admin
from access_core.accounts.scope import school_in_scope
from access_core.characters import visible
from access_core.db.models import Learner, School
from access_core.errors import ValidationError
from access_core.imports.plan import Existing
from access_core.imports.rows import RosterRow
from access_core.roster.logins import unique_login

OTHER_SCHOOL = "import_other_school"
OTHER_SCHOOL_NO_UAI = "import_other_school_no_uai"
_CHUNK = 500


def import_school(session: Session, actor: str, school_id: int | None, file_uai: str | None) -> int:
    """The school the import is for (``school_id``, or None: the actor's or the installation's
    only school; unknown and out of scope are the same ``NotFound``), once the actor is checked
    and the file's UAI (SIECLE names its school) is found to be that school's."""
    scope = require_active_admin(session, actor)
    target = school_in_scope(session, scope, school_id)
    school = session.get(School, target)
    assert school is not None  # school_in_scope found it
    if file_uai:
        code = visible(" ".join(file_uai.split()).upper()[:20])
        if school.uai is not None and code != school.uai:
            raise ValidationError(
                f"this file is the export of the school {code}, not of {school.uai}: nothing "
                "was imported",
                key=OTHER_SCHOOL,
                file_uai=code,
                school_uai=school.uai,
            )
        if school.uai is None and session.scalar(select(School.id).where(School.uai == code)):
            raise ValidationError(
                f"this file is the export of the school {code}, another school of this "
                "installation: nothing was imported",
                key=OTHER_SCHOOL_NO_UAI,
                file_uai=code,
            )
    return target


def _columns() -> tuple[object, ...]:
    return (
        Learner.id,
        Learner.external_id,
        Learner.last_name,
        Learner.first_name,
        Learner.birth_date,
        Learner.login,
        Learner.class_id,
        Learner.school_id,
        Learner.deactivated_at,
        Learner.must_change_password,
    )


def other_schools_learners(
    session: Session, school_id: int, external_ids: Iterable[str]
) -> dict[str, Existing]:
    """The learners of other schools whose external id is one of ``external_ids``, by the
    id's case-folded form. Their class is not read (``class_name`` None): nothing of another
    school's is shown."""
    # the ids as written, upper- and lower-cased: the unique index on external_id answers
    # (MariaDB compares without case anyway; an id stored in mixed case is a rare exception)
    ids = {e for e in external_ids if e}
    keys = sorted(ids | {e.upper() for e in ids} | {e.lower() for e in ids})
    wanted = {e.casefold() for e in ids}
    found: dict[str, Existing] = {}
    for start in range(0, len(keys), _CHUNK):
        rows = session.execute(
            select(*_columns()).where(  # type: ignore[call-overload]
                Learner.external_id.in_(keys[start : start + _CHUNK]),
                Learner.school_id != school_id,
            )
        ).all()
        for row in rows:
            learner = Existing(**row._asdict(), class_name=None)
            if str(learner.external_id).casefold() in wanted:
                found[str(learner.external_id).casefold()] = learner
    return found


class OtherLogins:
    """``other(login)``: True when a learner of another school has ``login``. The installation's
    logins are never all loaded: ``prefetch`` asks for the logins a file will likely need in a
    few queries (through the unique index on ``login``), any other is asked on its own."""

    def __init__(self, session: Session, school_id: int) -> None:
        self._session = session
        self._school_id = school_id
        self._known: dict[str, bool] = {}

    def prefetch(self, logins: Iterable[str]) -> None:
        wanted = sorted({login for login in logins if login not in self._known})
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            taken = set(
                self._session.scalars(
                    select(Learner.login).where(
                        Learner.login.in_(chunk), Learner.school_id != self._school_id
                    )
                )
            )
            self._known.update((login, login in taken) for login in chunk)

    def __call__(self, login: str) -> bool:
        if login not in self._known:
            self.prefetch([login])
        return self._known[login]


def _first_logins(row: RosterRow, count: int) -> list[str]:
    """The first ``count`` logins ``unique_login`` tries for ``row``."""
    tried: list[str] = []

    def taken(login: str) -> bool:
        tried.append(login)
        return len(tried) < count

    unique_login(row.first_name, row.last_name, taken)
    return tried


def likely_logins(rows: Iterable[RosterRow], homonyms: int = 4) -> list[str]:
    """The logins rows will take or try: given ones, else the generated one and its first
    numbered variants (homonyms in other schools: « lea.martin2 »)."""
    logins: list[str] = []
    for row in rows:
        logins += [row.login] if row.login else _first_logins(row, homonyms)
    return logins
