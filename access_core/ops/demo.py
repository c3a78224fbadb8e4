"""A realistic demo school: classes, learners (names with accents), some deactivated recently
and some long ago, some with a personalised password, one without a birth date."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from access_core.accounts.admins import SYSTEM_ACTOR
from access_core.accounts.passwords import Progress, hash_many, initial_password
from access_core.audit import events as audit
from access_core.db import statistics
from access_core.db.models import Learner, School, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.errors import ValidationError
from access_core.roster.logins import unique_login

LAST_NAMES = (
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Müller",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "N'Diaye",
    "Nguyen",
    "Da Silva",
    "Le Gall",
    "Hoarau",
    "Benoît",
    "Œuvray",
    "Saint-Just",
)
FIRST_NAMES = (
    "Léa",
    "Chloé",
    "Emma",
    "Inès",
    "Jade",
    "Manon",
    "Zoé",
    "Lina",
    "Camille",
    "Anaïs",
    "Maëlys",
    "Noémie",
    "Héloïse",
    "Louise",
    "Agathe",
    "Léna",
    "Mathis",
    "Lucas",
    "Hugo",
    "Théo",
    "Noé",
    "Raphaël",
    "Gabriel",
    "Louis",
    "Jules",
    "Adam",
    "Nathan",
    "Maël",
    "Timéo",
    "Enzo",
    "Clément",
    "Jérémy",
    "Benoît",
    "Aurélien",
    "Anne-Sophie",
    "Jean-Baptiste",
    "Marie-Ève",
    "Yanis",
    "Ayoub",
    "Fatoumata",
    "Océane",
    "Loïc",
    "Gaëlle",
    "Ophélie",
)
CLASS_LEVELS = (("6e", 11), ("5e", 12), ("4e", 13), ("3e", 14))
SECTIONS = ("A", "B")
# Days ago: inside the three-month window, then outside it.
DEACTIVATED_DAYS_AGO = (3, 12, 27, 45, 61, 80, 120, 200, 400)


@dataclass(frozen=True)
class DemoSummary:
    classes: int
    active_learners: int
    deactivated_learners: int


def _birth_date(rng: random.Random, age: int, today: date) -> date:
    year = today.year - age - (1 if today.month < 9 else 0)
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


DEMO_SCHOOL_ID = 1  # the installation's first school (migration 0008)
DEMO_SCHOOL_NAME = "Collège de démonstration"
DEMO_PORTAL_URL = "https://portail.example.org/"


def create_demo_school(
    db: Database,
    rounds: int,
    learners_per_class: int = 22,
    seed: int = 2026,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Fill an empty database with a demo school. Refuses a database that has learners."""
    if learners_per_class < 1:
        raise ValidationError("a demo class needs at least one learner")
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    today = now.date()
    with db.transaction() as session:
        if session.scalar(select(func.count()).select_from(Learner)):
            raise ValidationError("the database already has learners; the demo needs an empty one")

    people: list[dict[str, object]] = []
    taken: set[str] = set()
    classes = [(f"{level} {section}", age) for level, age in CLASS_LEVELS for section in SECTIONS]
    for class_name, age in classes:
        for _ in range(learners_per_class):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            login = unique_login(first, last, taken.__contains__)
            taken.add(login)
            people.append(
                {
                    "first_name": first,
                    "last_name": last,
                    "login": login,
                    "class": class_name,
                    "birth_date": _birth_date(rng, age, today),
                }
            )
    for index, days in enumerate(DEACTIVATED_DAYS_AGO):
        position = index * 7 + 3
        if position < len(people):  # a small demo (--learners 2) has fewer people
            people[position]["deactivated_at"] = now - timedelta(days=days, hours=index)
    for person in rng.sample(people, k=len(people) // 3):
        person["personalised"] = True
    people[len(people) // 2 + 1]["birth_date"] = None  # shows the « missing » flag

    passwords = [
        secrets.token_urlsafe(12)
        if p.get("personalised") or p["birth_date"] is None
        else initial_password(p["birth_date"])  # type: ignore[arg-type]
        for p in people
    ]
    hashes = hash_many(passwords, rounds, progress)
    # personalised some days ago, or given the initial password a few days ago
    changed_at = [now - timedelta(days=rng.randrange(1, 60)) for _ in people]

    def create(session: Session) -> None:
        # the demo school's slips show a school name and the portal's address (and QR code)
        session.execute(
            update(School)
            .where(School.id == DEMO_SCHOOL_ID, School.portal_url.is_(None))
            .values(name=DEMO_SCHOOL_NAME, portal_url=DEMO_PORTAL_URL)
        )
        by_name = {name: SchoolClass(name=name) for name, _ in classes}
        session.add_all(by_name.values())
        session.flush()
        rows = zip(people, hashes, changed_at, strict=True)
        for number, (person, password_hash, password_changed_at) in enumerate(rows, 1):
            personalised = bool(person.get("personalised"))
            session.add(
                Learner(
                    external_id=f"DEMO{seed}-{number:06d}",
                    last_name=person["last_name"],
                    first_name=person["first_name"],
                    login=person["login"],
                    birth_date=person["birth_date"],
                    class_id=by_name[str(person["class"])].id,
                    password_hash=password_hash,
                    must_change_password=not personalised,
                    password_changed_at=password_changed_at,
                    deactivated_at=person.get("deactivated_at"),
                )
            )
        audit.record(session, SYSTEM_ACTOR, "demo_created", details={"learners": len(people)})

    db.write(create)
    statistics.refresh(db)  # SQLite's planner: a whole school arrived at once
    deactivated = sum(1 for p in people if p.get("deactivated_at"))
    return DemoSummary(len(classes), len(people) - deactivated, deactivated)
