"""Migration 0008 on a populated one-school database: every row and value kept, everything the
first school's, its administrators granted it (on every backend)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from access_core.db.schema import upgrade_schema

# The tables of revision 0007 and their primary keys.
TABLES = {
    "school_classes": "id",
    "learners": "id",
    "admins": "id",
    "audit_events": "id",
    "reset_batches": "id",
    "admin_sessions": "id",
    "login_throttle": "id",
}
AT = datetime(2026, 9, 1, 8, 30, 15, 123456)


def _insert(conn: Any, table: str, **values: object) -> None:
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)


def populate(url: str) -> None:
    """A school as revision 0007 holds it: classes, learners (active, deactivated, without a
    class or a birth date), administrators, journal events, a batch, sessions, throttle rows."""
    engine = create_engine(url)
    with engine.begin() as conn:
        for _id, name in ((1, "6e A"), (2, "3e B « prépa »")):
            _insert(conn, "school_classes", name=name)  # ids 1, 2: the database numbers them
        learners = [
            (1, "0701234567A", "Martin", "Léa", "lea.martin", date(2012, 2, 29), 1, True, None),
            (2, None, "N'Diaye", "Anaïs Éléonore", "anais.ndiaye", None, 2, False, None),
            (3, "0701234568B", "Leroy", "Noé", "noe.leroy", date(2010, 12, 31), 1, True, AT),
            (4, None, "Sans", "Classe", "classe.sans", date(2013, 1, 1), None, True, None),
            (5, None, "Parti", "Purgé", "purge.parti", date(2013, 1, 1), None, True, None),
        ]
        for _id, ine, last, first, login, birth, class_id, initial, gone in learners:
            _insert(
                conn,
                "learners",
                external_id=ine,
                last_name=last,
                first_name=first,
                login=login,
                birth_date=birth,
                class_id=class_id,
                password_hash="$2b$04$" + "x" * 53,
                must_change_password=initial,
                password_changed_at=AT,
                deactivated_at=gone,
            )
        conn.execute(text("DELETE FROM learners WHERE id = 5"))  # purged: its id never comes back
        for _id, name, active in ((1, "admin", True), (2, "ancien", False)):
            _insert(
                conn,
                "admins",
                username=name,
                password_hash="$2b$04$" + "y" * 53,
                display_name=f"Compte {name}",
                is_active=active,
                created_at=AT,
                sessions_not_before=AT if not active else None,
                session_generation=3 if not active else 0,
            )
        _insert(conn, "reset_batches", id="b" * 36, actor="admin", applied_at=AT, learner_count=2)
        events = [
            (1, "password_reset", 1, {"login": "lea.martin"}, "b" * 36, "6e A"),
            (2, "learner_moved", 3, {"from": "6e A", "to": "3e B « prépa »"}, None, "3e B"),
            (3, "admin_login", None, None, None, None),
            (4, "learner_created", 5, {"login": "purge.parti"}, None, None),
        ]
        for _id, action, learner_id, details, batch, class_name in events:
            _insert(
                conn,
                "audit_events",
                occurred_at=AT,
                actor="admin",
                action=action,
                learner_id=learner_id,
                details=json.dumps(details, ensure_ascii=False) if details else None,
                batch_id=batch,
                class_name=class_name,
            )
        for _id, token, ended in ((1, "a" * 64, None), (2, "c" * 64, AT)):
            _insert(
                conn,
                "admin_sessions",
                token_hash=token,
                username="admin",
                created_at=AT,
                last_seen_at=AT,
                ended_at=ended,
                end_reason="logout" if ended else None,
                generation=0,
            )
        _insert(
            conn,
            "login_throttle",
            subject="learner:" + "d" * 64,
            failures=4,
            window_started_at=AT,
            locked_until=AT,
            learner_id=1,
        )
    engine.dispose()


def dump(url: str, tables: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        result = {
            table: [
                dict(row)
                for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY {key}")).mappings()
            ]
            for table, key in tables.items()
        }
    engine.dispose()
    return result


@pytest.mark.parametrize("school_name", [None, "Collège Jean Moulin"])
def test_a_populated_one_school_database_keeps_every_row_and_value_in_school_1(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, school_name: str | None
) -> None:
    monkeypatch.delenv("ACCESS_PORTAL_URL", raising=False)
    if school_name:
        monkeypatch.setenv("ACCESS_SCHOOL_NAME", school_name)
    else:
        monkeypatch.delenv("ACCESS_SCHOOL_NAME", raising=False)
    upgrade_schema(empty_database_url, "0007")
    populate(empty_database_url)
    before = dump(empty_database_url, TABLES)

    upgrade_schema(empty_database_url)

    after = dump(empty_database_url, {**TABLES, "schools": "id", "account_schools": "admin_id"})
    for table, rows in before.items():
        assert len(rows) == len(after[table]), table
        for old, new in zip(rows, after[table], strict=True):
            assert {k: new[k] for k in old} == old, table  # every value as it was
    assert [r["school_id"] for r in after["school_classes"]] == [1, 1]
    assert [r["school_id"] for r in after["learners"]] == [1, 1, 1, 1]
    assert [r["school_id"] for r in after["audit_events"]] == [1, 1, 1, 1]
    assert [(r["role"], bool(r["all_schools"])) for r in after["admins"]] == [("admin", False)] * 2
    assert [bool(r["must_change_password"]) for r in after["admins"]] == [False, False]
    assert [(r["admin_id"], r["school_id"]) for r in after["account_schools"]] == [(1, 1), (2, 1)]
    [school] = after["schools"]
    assert (school["id"], school["uai"], school["name"], school["portal_url"]) == (
        1,
        None,
        school_name or "Établissement",
        None,
    )


def test_after_the_migration_new_rows_keep_the_old_defaults_and_ids(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program written for one school inserts rows as before; no id is handed out twice."""
    monkeypatch.delenv("ACCESS_SCHOOL_NAME", raising=False)
    upgrade_schema(empty_database_url, "0007")
    populate(empty_database_url)
    upgrade_schema(empty_database_url)

    engine = create_engine(empty_database_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO school_classes (name) VALUES ('5e C')"))
        conn.execute(
            text("INSERT INTO learners (last_name, first_name, login) VALUES ('N', 'P', 'n.p')")
        )
        conn.execute(text("INSERT INTO schools (name) VALUES ('Deuxième')"))
        rows = (
            conn.execute(text("SELECT id, school_id FROM learners WHERE login = 'n.p'")).one(),
            conn.execute(text("SELECT school_id FROM school_classes WHERE name = '5e C'")).one(),
        )
        second = conn.execute(text("SELECT id FROM schools WHERE name = 'Deuxième'")).scalar()
    engine.dispose()

    (learner_id, learner_school), (class_school,) = rows
    assert learner_id == 6  # past the purged learner 5
    assert (learner_school, class_school) == (1, 1)
    assert second == 2
