"""The search's stored folded names (``learners.search_key``, migration 0010) on every backend:
filled for the learners an upgrade finds, written by this product's inserts and renames, cleared
by another program's rename, bounded by schools and classes, and served on PostgreSQL by a
trigram index."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from access_core.audit import events as audit
from access_core.audit import journal
from access_core.audit.journal import JournalFilter
from access_core.db.schema import upgrade_schema
from access_core.db.unit_of_work import Database
from access_core.roster import search
from access_core.roster.folding import learner_key
from tests.support.factories import add_class, add_learner, create_test_admin, stored_search_key
from tests.support.imports import import_file, learners
from tests.support.roster_samples import PUPILS, siecle_xml
from tests.support.scopes import make_admin

TZ = ZoneInfo("Europe/Paris")


def found(db: Database, admin: str, typed: str, **bounds: object) -> list[int]:
    return [r.id for r in search.find_learners(db, admin, typed, 3, TZ, **bounds).rows]  # type: ignore[arg-type]


def test_an_import_writes_each_new_pupils_own_key_in_its_one_batch(db, admin):
    import_file(db, admin, siecle_xml(), "e.xml")  # the new pupils inserted in one flush

    with db.transaction() as session:
        rows = session.execute(
            text("SELECT last_name, first_name, login, search_key FROM learners")
        ).all()
    assert len(rows) > 1
    assert [r.search_key for r in rows] == [
        learner_key(r.last_name, r.first_name, r.login) for r in rows
    ]
    assert len({r.search_key for r in rows}) == len(rows)


def test_an_import_that_renames_a_pupil_is_searched_by_the_new_name_at_once(db, admin):
    import_file(db, admin, siecle_xml(), "e.xml")
    pupil = next(p for p in PUPILS if p.usage_name)
    before = found(db, admin, "dupre")
    assert len(before) == 1
    renamed = [
        replace(p, usage_name="Dupont") if p.eleve_id == pupil.eleve_id else p for p in PUPILS
    ]

    import_file(db, admin, siecle_xml(renamed), "e.xml")

    assert learners(db)[pupil.ine][:2] == ("Dupont", "Jérôme")
    assert found(db, admin, "dupont") == before
    key = stored_search_key(db, before[0])
    assert key is not None and key.startswith("dupont\x1fjerome\x1f")  # written, not cleared


def test_the_upgrade_fills_the_key_of_the_learners_it_finds(empty_database_url):
    upgrade_schema(empty_database_url, "0008")
    db = Database.from_url(empty_database_url)
    try:
        with db.transaction(write=True) as session:
            session.execute(
                text(
                    "INSERT INTO learners (last_name, first_name, login, password_hash) VALUES "
                    "('Wałęsa', 'Łukasz', 'lukasz.walesa', 'x'), "
                    "('D’ALMEIDA', 'Inès', 'ines.dalmeida', 'x')"
                )
            )
        upgrade_schema(empty_database_url)
        with db.transaction() as session:
            keys = dict(session.execute(text("SELECT login, search_key FROM learners")).all())
        admin = create_test_admin(db)
        assert keys == {
            "lukasz.walesa": "walesa\x1flukasz\x1flukasz.walesa",
            "ines.dalmeida": "d'almeida\x1fines\x1fines.dalmeida",
        }
        assert len(found(db, admin, "WALESA")) == 1
    finally:
        db.dispose()


def test_the_search_is_bounded_by_the_given_schools_and_classes(db: Database, admin: str):
    with db.transaction(write=True) as session:
        session.execute(text("INSERT INTO schools (name) VALUES ('Collège Deux')"))
        other_school = session.execute(
            text("SELECT id FROM schools WHERE name = 'Collège Deux'")
        ).scalar_one()
    here = add_learner(db, "Martin", "Léa", class_name="6e A", login="lea.martin")
    beside = add_learner(db, "Martin", "Noé", class_name="6e B", login="noe.martin")
    there = add_learner(db, "Martin", "Zoé", class_name=None, login="zoe.martin")
    with db.transaction(write=True) as session:
        session.execute(
            text("UPDATE learners SET school_id = :s WHERE id = :id"),
            {"s": other_school, "id": there},
        )
    six_a = add_class(db, "6e A")

    # the administrator of school 1: the other school's Zoé is out of scope, whatever the bounds
    assert found(db, admin, "martin") == [here, beside]
    assert found(db, admin, "martin", school_ids={1}) == [here, beside]
    assert found(db, admin, "martin", school_ids={other_school}) == []
    assert found(db, admin, "martin", school_ids=set()) == []
    assert found(db, admin, "martin", class_ids={six_a}) == [here]
    district = make_admin(db, "district", all_schools=True)
    assert found(db, district, "martin", school_id=other_school) == [there]
    assert found(db, district, "martin", school_id=1, class_ids={six_a}) == [here]


def test_the_journal_filter_follows_another_programs_rename_at_once(db: Database, admin: str):
    pupil = add_learner(db, "Dupuis", "Anaïs", login="eleve0042")
    with db.transaction(write=True) as session:
        audit.record(
            session, admin, "test_event", pupil, occurred_at=datetime(2025, 6, 1, tzinfo=UTC)
        )

    def logins(term: str) -> list[str | None]:
        entries, _ = journal.search(db, admin, JournalFilter(learner=term), TZ)
        return [e.learner_login for e in entries]

    assert logins("dupuis") == ["eleve0042"]
    with db.transaction(write=True) as session:
        session.execute(
            text("UPDATE learners SET last_name = 'Brémond' WHERE id = :id"), {"id": pupil}
        )
    assert stored_search_key(db, pupil) is None  # the trigger cleared it
    assert logins("BREMOND") == ["eleve0042"]
    assert logins("dupuis") == []


def test_a_password_change_keeps_the_stored_key(db: Database, admin: str):
    pupil = add_learner(db, "Lefèvre", "Élodie", login="elodie.lefevre")
    with db.transaction(write=True) as session:
        session.execute(
            text("UPDATE learners SET password_hash = 'y', login = login WHERE id = :id"),
            {"id": pupil},
        )
    assert stored_search_key(db, pupil) == "lefevre\x1felodie\x1felodie.lefevre"


def test_postgresql_serves_the_search_from_a_trigram_index(db: Database, admin: str):
    if db.backend != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's; MariaDB and SQLite scan the stored keys")
    with db.transaction() as session:
        definition = session.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_learners_search_key'")
        ).scalar_one()
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            session.execute(
                text("EXPLAIN SELECT id FROM learners WHERE search_key LIKE '%martin%'")
            ).scalars()
        )
        # the search's OR (rows without a key folded in SQL) is served by both indexes
        either = "\n".join(
            session.execute(
                text(
                    "EXPLAIN SELECT id FROM learners WHERE search_key LIKE '%martin%' "
                    "OR (search_key IS NULL AND lower(last_name) LIKE '%martin%')"
                )
            ).scalars()
        )
    assert "gin_trgm_ops" in definition
    assert "ix_learners_search_key " in plan
    assert "ix_learners_search_key " in either and "ix_learners_search_key_missing" in either
