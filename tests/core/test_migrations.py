"""The Alembic migrations on every backend: from empty to head, down to base and back, and
agreeing with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from access_core.db.models import Base
from access_core.db.schema import current_revision, upgrade_schema
from access_core.db.unit_of_work import Database
from tests.support.factories import downgrade_schema

CONTRACT_TABLES = {"school_classes", "learners", "admins", "audit_events"}


def _tables(url: str) -> set[str]:
    db = Database.from_url(url)
    try:
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    finally:
        db.dispose()


def _differences(url: str) -> list[object]:
    db = Database.from_url(url)
    try:
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        db.dispose()


def test_upgrade_from_empty_creates_the_contract_tables_at_head(empty_database_url):
    upgrade_schema(empty_database_url)

    assert _tables(empty_database_url) >= CONTRACT_TABLES
    db = Database.from_url(empty_database_url)
    assert current_revision(db) is not None
    db.dispose()


def test_downgrade_to_base_then_upgrade_again(empty_database_url):
    upgrade_schema(empty_database_url)
    downgrade_schema(empty_database_url, "base")
    assert _tables(empty_database_url) == set()

    upgrade_schema(empty_database_url)
    assert _tables(empty_database_url) >= CONTRACT_TABLES


def test_models_and_migrations_agree(empty_database_url):
    upgrade_schema(empty_database_url)

    assert _differences(empty_database_url) == []


def test_upgrade_is_idempotent(empty_database_url):
    upgrade_schema(empty_database_url)
    upgrade_schema(empty_database_url)

    assert _differences(empty_database_url) == []


def test_init_refuses_a_schema_from_a_newer_version_and_changes_nothing(
    capsys, empty_database_url, monkeypatch
):
    """Issue 19 item 9: a revision unknown to the code (a newer version's) is a clear refusal,
    not « unexpected CommandError », and the health check names it."""
    from sqlalchemy import text

    from access_core.ops import health
    from tests.conftest import assert_one_line_error, run_cli

    monkeypatch.setenv("ACCESS_LANGUAGE", "en")
    upgrade_schema(empty_database_url)
    db = Database.from_url(empty_database_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    tables = _tables(empty_database_url)

    code, out, err = run_cli(capsys, "--database-url", empty_database_url, "init")

    assert_one_line_error(code, out, err, "0099_from_the_future", "unknown to this version")
    assert current_revision(db) == "0099_from_the_future"
    assert _tables(empty_database_url) == tables
    state = health.probe(db, write=False, counts=False)
    assert state.codes == ["schema_newer"]
    db.dispose()


def test_a_schema_at_head_missing_a_table_says_damaged_not_run_init(
    capsys, empty_database_url, monkeypatch
):
    """Issue 19 follow-up (review 03, case B): with ``alembic_version`` at head but a table
    gone, every command said « run access-core init » and init said « nothing to do »."""
    from sqlalchemy import text

    from access_core.ops import health
    from tests.conftest import assert_one_line_error, run_cli

    monkeypatch.setenv("ACCESS_LANGUAGE", "en")
    upgrade_schema(empty_database_url)
    db = Database.from_url(empty_database_url)
    with db.engine.begin() as conn:
        for table in ("account_classes", "account_schools", "admins"):  # admins, and its dependents
            conn.execute(text(f"DROP TABLE {table}"))

    state = health.probe(db, write=False, counts=True)
    db.dispose()
    assert state.codes == ["schema_damaged"]
    assert "init" not in state.problems[0].replace("`access-core init` cannot", "")
    for command in ("list-admins", "init"):
        code, out, err = run_cli(capsys, "--database-url", empty_database_url, command)
        assert_one_line_error(code, out, err, "lacks admins", "restore a backup")
        assert "run `access-core init`" not in err
    code, out, err = run_cli(capsys, "--database-url", empty_database_url, "check")
    assert code == 1
    assert "schema_damaged" not in err  # the problem in words
    assert "lacks admins" in err and "restore a backup" in err
    assert "run `access-core init`" not in err


def test_0007_ids_of_learners_deleted_before_it_are_never_handed_out_again(empty_database_url):
    """Review 2 #1: after 0007 a SQLite learner's id is never reused, including the id of a
    learner purged before the upgrade (kept only in his journal events). PostgreSQL's and
    MariaDB's sequences never reused one: nothing to migrate there."""
    from sqlalchemy import text

    from tests.support.factories import add_learner

    upgrade_schema(empty_database_url, "0006")
    db = Database.from_url(empty_database_url)
    with db.engine.begin() as conn:  # the 0006 schema's columns (the models are newer)
        for login in ("areste", "pancien"):
            conn.execute(
                text(
                    "INSERT INTO learners (last_name, first_name, login)"
                    " VALUES ('Nom', 'Prénom', :login)"
                ),
                {"login": login},
            )
        kept, gone = (
            conn.execute(text("SELECT id FROM learners WHERE login = :l"), {"l": login}).scalar()
            for login in ("areste", "pancien")
        )
        conn.execute(
            text(
                "INSERT INTO audit_events (occurred_at, actor, action, learner_id)"
                " VALUES ('2026-01-05 10:00:00', 'admin', 'password_reset', :gone)"
            ),
            {"gone": gone},
        )
        conn.execute(text("DELETE FROM learners WHERE id = :gone"), {"gone": gone})
    db.dispose()

    upgrade_schema(empty_database_url)

    db = Database.from_url(empty_database_url)
    new = add_learner(db, "Nouvelle", "Inès", login="inouvelle")
    with db.engine.connect() as conn:
        kept_login = conn.execute(
            text("SELECT login FROM learners WHERE id = :kept"), {"kept": kept}
        ).scalar()
    db.dispose()
    assert kept_login == "areste"  # the rebuilt table keeps every row and its id
    assert new > gone


def test_0008_refuses_to_downgrade_while_teachers_exist(empty_database_url):
    """Review 3 #4: the older schema has no roles; a downgrade used to bring every teacher back
    as a full administrator (and drop the forced password change)."""
    from sqlalchemy import text

    from tests.support.scopes import make_class, make_teacher

    upgrade_schema(empty_database_url)
    db = Database.from_url(empty_database_url)
    make_teacher(db, "prof", [make_class(db, 1, "6e A")])
    db.dispose()

    with pytest.raises(Exception, match="teacher accounts"):
        downgrade_schema(empty_database_url, "0007")

    db = Database.from_url(empty_database_url)
    with db.engine.connect() as conn:
        role = conn.execute(text("SELECT role FROM admins WHERE username = 'prof'")).scalar()
    db.dispose()
    assert role == "teacher"  # still a teacher: nothing was made an administrator
