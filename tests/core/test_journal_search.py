"""The journal's learner filter runs in SQL on every backend: case and accents ignored, ``%`` and
``_`` literal, and a broad term over a district's learners (more than PostgreSQL's 65,535 bound
parameters) still answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select

from access_core.audit import events as audit
from access_core.audit import journal
from access_core.audit.journal import JournalFilter
from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from tests.support.factories import add_learner, forget_search_keys

PARIS = ZoneInfo("Europe/Paris")
WHEN = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
DISTRICT = 70_001
HASH = "$2b$04$" + "a" * 53  # a well-formed placeholder, never checked here


def event_for(db: Database, learner_id: int, minutes: int = 0) -> None:
    with db.transaction(write=True) as session:
        audit.record(
            session,
            "admin",
            "test_event",
            learner_id,
            occurred_at=WHEN + timedelta(minutes=minutes),
        )


def logins_found(db: Database, admin: str, term: str, path: str = "stored") -> list[str]:
    """The logins the journal's learner filter finds: on the learners' stored folded names, or
    with none stored (``unkeyed``: as other programs write learners, folded in SQL)."""
    if path == "unkeyed":
        forget_search_keys(db)
    entries, total = journal.search(db, admin, JournalFilter(learner=term), PARIS)
    assert total == len(entries)
    return sorted(e.learner_login or "" for e in entries)


@pytest.fixture
def named(db: Database, admin: str) -> None:
    for i, (last, first, login) in enumerate(
        [
            ("Lefèvre", "Élodie", "elodie.lefevre"),
            ("ŒUVRAY", "Chloé", "chloe.oeuvray"),
            ("Mar%tin", "Noë", "noe.martin"),
            ("Martin", "Zoé", "zoe_martin"),
            ("Garçon", "Inès", "ines.garcon"),
        ]
    ):
        event_for(db, add_learner(db, last, first, login=login), minutes=i)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("elodie", ["elodie.lefevre"]),  # « Élodie »: accent and capital ignored
        ("LEFEVRE", ["elodie.lefevre"]),
        ("oeuvray", ["chloe.oeuvray"]),  # « ŒUVRAY »: ligature in capitals
        ("chloé", ["chloe.oeuvray"]),  # accent typed, folded too
        ("GARÇON", ["ines.garcon"]),
        ("  inès ", ["ines.garcon"]),
        ("%", ["noe.martin"]),  # literal, not a wildcard
        ("r%t", ["noe.martin"]),
        ("e_m", ["zoe_martin"]),  # literal underscore
        ("martin", ["noe.martin", "zoe_martin"]),
        ("noe", ["noe.martin"]),  # « Noë »
        ("lefevre elodie", []),  # never across two columns
    ],
)
@pytest.mark.parametrize("path", ["stored", "unkeyed"])
def test_the_learner_filter_ignores_case_and_accents(
    db: Database, admin: str, named: None, term: str, expected: list[str], path: str
) -> None:
    assert logins_found(db, admin, term, path) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("lukasz", ["pupil1"]),  # « Łukasz »: a letter that is not an accented one
        ("WALESA", ["pupil1"]),
        ("Łukasz", ["pupil1"]),
        ("soren", ["pupil2"]),  # « Søren »
        ("d'arc", ["pupil3"]),  # « d’Arc »: the typographic apostrophe is « ' »
        ("Иван", ["pupil4"]),  # other scripts are searched as written
    ],
)
@pytest.mark.parametrize("path", ["stored", "unkeyed"])
def test_the_learner_filter_transliterates_as_the_search_does(
    db: Database, admin: str, term: str, expected: list[str], path: str
) -> None:
    """Issue 19 item 3, the same pattern in the journal: both paths fold like the search (the
    logins say nothing of the names, so only the names can match)."""
    for i, (last, first, login) in enumerate(
        [
            ("Wałęsa", "Łukasz", "pupil1"),
            ("Østergård", "Søren", "pupil2"),
            ("d’Arc", "Jeanne", "pupil3"),
            ("Иванов", "Иван", "pupil4"),
        ]
    ):
        event_for(db, add_learner(db, last, first, login=login), minutes=i)

    assert logins_found(db, admin, term, path) == expected


def test_a_broad_term_over_more_learners_than_postgresql_parameters(
    db: Database, admin: str, backend: str
) -> None:
    if not backend.startswith("postgresql"):
        pytest.skip(
            "the 65,535-parameter limit is PostgreSQL's; the other backends run the "
            "same SQL in the test above"
        )
    rows = [
        {
            "last_name": f"Dupont-{i}",
            "first_name": "Léa",
            "login": f"lea.dupont{i}",
            "password_hash": HASH,
        }
        for i in range(DISTRICT)
    ]
    with db.transaction(write=True) as session:
        session.execute(insert(Learner), rows)  # multi-row INSERTs, one transaction
        some = session.scalars(select(Learner.id).order_by(Learner.id).limit(3)).all()
    for minutes, learner_id in enumerate(some):
        event_for(db, learner_id, minutes)

    for path in ("stored", "unkeyed"):  # 70,001 matching learners, keyed or not
        if path == "unkeyed":
            forget_search_keys(db)
        entries, total = journal.search(db, admin, JournalFilter(learner="dupont"), PARIS)
        assert total == 3
        assert [e.learner_login for e in entries] == ["lea.dupont2", "lea.dupont1", "lea.dupont0"]
