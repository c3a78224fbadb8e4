"""Several administrators at once: concurrent resetters over overlapping learners, two
processes on one database, retried conflicts, and SQLite's busy lock."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from pathlib import Path

import bcrypt
import pytest
from sqlalchemy import select, text

from access_core.accounts.passwords import initial_password
from access_core.db.models import AuditEvent, Learner, ResetBatch
from access_core.db.unit_of_work import Database
from access_core.errors import AccessError, DatabaseBusy
from access_core.roster.resets import RESET_ACTION, reset_passwords
from access_core.text.catalogue import error_message
from tests.support.factories import TEST_ROUNDS, add_learner, create_test_admin, dump_tables

ROOT = Path(__file__).resolve().parent.parent.parent
RESETTERS = 8


def _school(db: Database, n: int = 20) -> list[int]:
    return [
        add_learner(db, f"Nom{i:02d}", f"Élève{i:02d}", login=f"eleve{i:02d}") for i in range(n)
    ]


def _final_state(db: Database) -> tuple[dict[int, tuple[str, bool, object]], Counter[int], int]:
    with db.transaction() as session:
        learners = {
            row.id: (row.password_hash, row.must_change_password, row.birth_date)
            for row in session.execute(
                select(
                    Learner.id,
                    Learner.password_hash,
                    Learner.must_change_password,
                    Learner.birth_date,
                )
            )
        }
        events = Counter(
            session.scalars(select(AuditEvent.learner_id).where(AuditEvent.action == RESET_ACTION))
        )
        batches = len(session.scalars(select(ResetBatch.id)).all())
    return learners, events, batches


def test_eight_concurrent_resetters_over_overlapping_learners(database_url, admin):
    setup = Database.from_url(database_url)
    ids = _school(setup)
    setup.dispose()
    # Resetter i takes 8 learners starting at 2*i: each learner is in up to 4 batches.
    batches = [ids[2 * i : 2 * i + 8] for i in range(RESETTERS)]
    hashed = threading.Barrier(RESETTERS, timeout=60)
    outcomes: list[object] = [None] * RESETTERS

    def resetter(index: int) -> None:
        db = Database.from_url(database_url)  # its own engine and connections, as a process
        try:

            def all_hashed_then_write_together(done: int, total: int) -> None:
                if done == total:
                    hashed.wait()

            outcomes[index] = reset_passwords(
                db, admin, batches[index], TEST_ROUNDS, progress=all_hashed_then_write_together
            )
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            outcomes[index] = exc
        finally:
            db.dispose()

    threads = [threading.Thread(target=resetter, args=(i,)) for i in range(RESETTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    unexpected = [
        o for o in outcomes if isinstance(o, Exception) and not isinstance(o, AccessError)
    ]
    assert unexpected == []
    applied = [batches[i] for i, o in enumerate(outcomes) if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, DatabaseBusy) for o in losers), losers
    assert len(applied) >= 1

    db = Database.from_url(database_url)
    learners, events, batch_rows = _final_state(db)
    db.dispose()
    assert batch_rows == len(applied)
    expected_events = Counter(learner for batch in applied for learner in batch)
    assert events == expected_events  # one audit event per applied reset, none for losers
    for learner_id in expected_events:
        password_hash, must_change, birth_date = learners[learner_id]
        assert must_change is True
        assert bcrypt.checkpw(initial_password(birth_date).encode(), password_hash.encode())


WORKER = textwrap.dedent(
    """
    import sys
    from access_core.db.unit_of_work import Database
    from access_core.roster.resets import reset_passwords

    url, actor, ids = sys.argv[1], sys.argv[2], [int(i) for i in sys.argv[3].split(",")]
    db = Database.from_url(url)
    for _ in range(3):
        outcome = reset_passwords(db, actor, ids, 4)
        print(outcome.batch_id, flush=True)
    """
)


def test_two_processes_reset_overlapping_learners_on_one_database(database_url, admin):
    db = Database.from_url(database_url)
    ids = _school(db, 12)
    sets = [ids[:8], ids[4:]]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, database_url, admin, ",".join(map(str, chosen))],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for chosen in sets
    ]
    results = [worker.communicate(timeout=120) for worker in workers]

    assert [w.returncode for w in workers] == [0, 0], [err for _, err in results]
    learners, events, batch_rows = _final_state(db)
    assert batch_rows == 6
    assert events == Counter({i: 3 for i in sets[0]}) + Counter({i: 3 for i in sets[1]})
    for learner_id in ids:
        password_hash, _, birth_date = learners[learner_id]
        assert bcrypt.checkpw(initial_password(birth_date).encode(), password_hash.encode())
    db.dispose()


def _raise_conflict_sql(backend: str) -> str:
    if backend == "postgresql":
        return "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$"
    return "SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'deadlock'"


def test_serialization_failures_and_deadlocks_are_retried(db, admin):
    if db.backend == "sqlite":
        pytest.skip("SQLite serialises writers with its lock; no deadlock to retry")
    [learner] = _school(db, 1)
    attempts: list[int] = []

    def conflicting_twice(session):
        attempts.append(1)
        session.execute(
            text("UPDATE learners SET first_name = 'Changé' WHERE id = :id"), {"id": learner}
        )
        if len(attempts) <= 2:
            session.execute(text(_raise_conflict_sql(db.backend)))
        return len(attempts)

    assert db.write(conflicting_twice) == 3
    with db.transaction() as session:
        assert session.scalar(select(Learner.first_name).where(Learner.id == learner)) == "Changé"


def test_a_conflict_that_persists_ends_in_a_clear_busy_error_and_no_change(db, admin):
    if db.backend == "sqlite":
        pytest.skip("SQLite serialises writers with its lock; no deadlock to retry")
    _school(db, 1)
    before = dump_tables(db)

    def always_conflicting(session):
        session.execute(text("UPDATE learners SET first_name = 'Changé'"))
        session.execute(text(_raise_conflict_sql(db.backend)))

    with pytest.raises(DatabaseBusy) as caught:
        db.write(always_conflicting, attempts=3)

    assert error_message(caught.value, "fr") == "Base occupée, réessayez."
    assert dump_tables(db) == before


def test_sqlite_writer_waits_for_the_lock_then_reports_busy_and_changes_nothing(
    tmp_path, sqlite_template
):
    path = tmp_path / "busy.db"
    shutil.copyfile(sqlite_template, path)
    db = Database.from_url(f"sqlite:///{path}", busy_timeout_s=0.2)
    admin = create_test_admin(db)
    ids = _school(db, 3)
    before = dump_tables(db)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with pytest.raises(DatabaseBusy) as caught:
            reset_passwords(db, admin, ids, TEST_ROUNDS)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert error_message(caught.value, "fr") == "Base occupée, réessayez."
    assert dump_tables(db) == before
    assert reset_passwords(db, admin, ids, TEST_ROUNDS).count == 3  # and it works once free
    db.dispose()
