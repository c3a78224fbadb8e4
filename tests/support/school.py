"""The small named school most database tests start from (built by the ``school`` fixture).

6e A: Léa Martin, Hugo Dubois (who chose his password), Zoé Petit and Noé Leroy (deactivated);
6e B: Inès Roux.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from access_core.db.unit_of_work import Database
from tests.support.factories import add_class, add_learner

HUGO_PASSWORD = "mon-mot-de-passe"
HUGO_CHANGED_AT = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class School:
    """The ids of the school's classes and learners, by name."""

    class_a: int  # 6e A
    class_b: int  # 6e B
    lea: int  # 6e A
    hugo: int  # 6e A, chose his password
    zoe: int  # 6e A
    ines: int  # 6e B
    noe: int  # was in 6e A, deactivated


def build_school(
    db: Database,
    *,
    noe_deactivated_at: datetime | None = None,
    noe_password: str | None = None,
    accented_logins: bool = False,
) -> School:
    """Build the school on ``db``. Noé was deactivated at ``noe_deactivated_at`` (default: ten
    days ago) and has his initial password unless ``noe_password``; logins are ``lea.martin``
    and so on, or the default ones from the names (``léa.martin``) with ``accented_logins``."""

    def login(name: str) -> str | None:
        return None if accented_logins else name

    deactivated_at = noe_deactivated_at or datetime.now(UTC) - timedelta(days=10)
    return School(
        class_a=add_class(db, "6e A"),
        class_b=add_class(db, "6e B"),
        lea=add_learner(
            db, "Martin", "Léa", birth_date=date(2012, 2, 29), login=login("lea.martin")
        ),
        hugo=add_learner(
            db,
            "Dubois",
            "Hugo",
            birth_date=date(2012, 7, 3),
            login=login("hugo.dubois"),
            password=HUGO_PASSWORD,
            password_changed_at=HUGO_CHANGED_AT,
        ),
        zoe=add_learner(db, "Petit", "Zoé", birth_date=date(2013, 1, 1), login=login("zoe.petit")),
        ines=add_learner(db, "Roux", "Inès", class_name="6e B", login=login("ines.roux")),
        noe=add_learner(
            db,
            "Leroy",
            "Noé",
            birth_date=date(2010, 12, 31),
            login=login("noe.leroy"),
            password=noe_password,
            deactivated_at=deactivated_at,
        ),
    )
