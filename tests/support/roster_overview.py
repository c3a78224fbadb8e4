"""A known roster for the overview and the search, shared by the service and page tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text

from access_core.accounts.passwords import hash_password
from access_core.db.unit_of_work import Database
from tests.support.factories import TEST_ROUNDS, add_class, add_learner

PERSONAL = "un-secret-perso"
INITIAL_DAYS = 60


@dataclass
class Roster:
    class_a: int  # 6e A: 4 active; 1 personalised, 2 initial (1 without birth date), 1 expired
    class_b: int  # 6e B: 2 active; 1 personalised, 1 initial
    class_c: int  # 5e C: 6 active; 1 personalised, 5 initial (the literal-character names)
    lea: int
    hugo: int
    zoe_expired: int
    no_birth: int
    ines: int
    emile: int
    obrien: int
    obrien_plain: int
    percent: int
    percent_plain: int
    underscore: int
    underscore_plain: int
    noe_recent: int  # 6e A, deactivated 10 days ago: in the window
    jules_old: int  # 6e A, deactivated 200 days ago: outside


def make_roster(db: Database) -> Roster:
    now = datetime.now(UTC)
    a, b, c = add_class(db, "6e A"), add_class(db, "6e B"), add_class(db, "5e C")
    changed = now - timedelta(days=20)

    def personal(last: str, first: str, login: str, cls: str) -> int:
        return add_learner(
            db,
            last,
            first,
            class_name=cls,
            login=login,
            password=PERSONAL,
            password_changed_at=changed,
        )

    return Roster(
        class_a=a,
        class_b=b,
        class_c=c,
        lea=add_learner(db, "Dupont", "Léa", birth_date=date(2013, 3, 2), login="lea.dupont"),
        hugo=personal("Dubois", "Hugo", "hugo.dubois", "6e A"),
        zoe_expired=add_learner(
            db,
            "Petit",
            "Zoé",
            login="zoe.petit",
            password_changed_at=now - timedelta(days=INITIAL_DAYS + 5),
        ),
        no_birth=add_learner(db, "Sans", "Date", birth_date=None, login="sans.date"),
        ines=personal("Roux", "Inès", "ines.roux", "6e B"),
        emile=add_learner(db, "FAURE", "ÉMILE", class_name="6e B", login="emile.faure"),
        obrien=personal("O'Brien", "Seán", "sean.obrien", "5e C"),
        obrien_plain=add_learner(db, "Obrien", "Paul", class_name="5e C", login="paul.obrien"),
        percent=add_learner(db, "Cent", "Pour", class_name="5e C", login="taux%a"),
        percent_plain=add_learner(db, "Cent", "Plein", class_name="5e C", login="tauxza"),
        underscore=add_learner(db, "Bas", "Tiret", class_name="5e C", login="bas_tiret"),
        underscore_plain=add_learner(db, "Bas", "Trait", class_name="5e C", login="basxtiret"),
        noe_recent=add_learner(
            db, "Leroy", "Noé", login="noe.leroy", deactivated_at=now - timedelta(days=10)
        ),
        jules_old=add_learner(
            db, "Noir", "Jules", login="jules.noir", deactivated_at=now - timedelta(days=200)
        ),
    )


def insert_as_another_program(db: Database, last: str, first: str, login: str) -> int:
    """A learner written with the schema contract's required columns only (no column of this
    product, defaults left to the database), as the school's other programs do."""
    with db.transaction(write=True) as session:
        class_id = session.execute(text("SELECT id FROM school_classes WHERE name = '6e B'"))
        session.execute(
            text(
                "INSERT INTO learners (last_name, first_name, login, birth_date, class_id, "
                "password_hash) VALUES (:last, :first, :login, :born, :class_id, :hash)"
            ),
            {
                "last": last,
                "first": first,
                "login": login,
                "born": date(2012, 1, 2),
                "class_id": class_id.scalar_one(),
                "hash": hash_password("02012012", TEST_ROUNDS),
            },
        )
        found = session.execute(text("SELECT id FROM learners WHERE login = :l"), {"l": login})
        return int(found.scalar_one())
