"""Every write goes through the unit of work that retries (``Database.write``): a service whose
transaction meets a serialization failure (PostgreSQL) or a deadlock (MariaDB) once is tried
again and succeeds, recording its audit event once.

The failure is raised by the server itself: a trigger fails the first insert (or delete) on a
table, counted by a sequence (sequences are not rolled back with the failed transaction).
SQLite serialises writers with its lock and has no such failure to retry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from access_core.accounts import throttle
from access_core.audit import journal
from access_core.audit.journal import JournalFilter
from access_core.db.models import AuditEvent, Learner, LoginThrottle
from access_core.db.unit_of_work import Database
from access_core.documents import slips
from access_core.documents import workbook as exports
from access_core.ops import demo
from tests.support.factories import TEST_ROUNDS

PARIS = ZoneInfo("Europe/Paris")
DAY = timedelta(days=1)
POLICY = throttle.ThrottlePolicy(max_failures=5, window=timedelta(minutes=15), lockout=DAY)


def _create(backend: str, table: str, event: str) -> list[str]:
    if backend == "postgresql":
        return [
            "CREATE SEQUENCE test_conflict_seq",
            "CREATE FUNCTION test_conflict_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF nextval('test_conflict_seq') = 1 THEN "
            "RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END IF; "
            "RETURN COALESCE(NEW, OLD); END $$",
            f"CREATE TRIGGER test_conflict_once BEFORE {event} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION test_conflict_once()",
        ]
    return [
        "CREATE SEQUENCE test_conflict_seq NOCACHE",
        f"CREATE TRIGGER test_conflict_once BEFORE {event} ON {table} FOR EACH ROW BEGIN "
        "IF NEXTVAL(test_conflict_seq) = 1 THEN "
        "SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'deadlock'; END IF; END",
    ]


def _drop(backend: str, table: str) -> list[str]:
    if backend == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS test_conflict_once ON {table}",
            "DROP FUNCTION IF EXISTS test_conflict_once()",
            "DROP SEQUENCE IF EXISTS test_conflict_seq",
        ]
    return [
        "DROP TRIGGER IF EXISTS test_conflict_once",
        "DROP SEQUENCE IF EXISTS test_conflict_seq",
    ]


NEXT_VALUE = {
    "postgresql": "SELECT nextval('test_conflict_seq')",
    "mysql": "SELECT NEXTVAL(test_conflict_seq)",
}
Arm = Callable[..., Callable[[], int]]


@pytest.fixture
def conflict_once(db: Database, admin: str) -> Iterator[Arm]:
    """``conflict_once(table, event)``: the next ``event`` (INSERT, DELETE) on ``table`` fails
    once with a retryable conflict; the callable it returns says how many were tried."""
    if db.backend == "sqlite":
        pytest.skip("SQLite serialises writers with its lock; no conflict to retry")
    armed: list[str] = []

    def execute(statements: list[str]) -> None:
        with db.engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)

    def arm(table: str = "audit_events", event: str = "INSERT") -> Callable[[], int]:
        execute(_drop(db.backend, table) + _create(db.backend, table, event))
        armed.append(table)

        def tried() -> int:
            with db.engine.begin() as conn:
                return int(conn.execute(text(NEXT_VALUE[db.backend])).scalar_one()) - 1

        return tried

    try:
        yield arm
    finally:
        for table in armed:
            execute(_drop(db.backend, table))


def _events(db: Database, action: str) -> int:
    with db.transaction() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
            )
            or 0
        )


def test_a_journal_export_is_retried_after_a_serialization_failure(
    db: Database, admin: str, conflict_once: Arm
) -> None:
    tried = conflict_once()
    data = journal.export_csv(db, admin, JournalFilter(), PARIS)

    assert data.startswith("\ufeffdate;".encode())
    assert tried() == 2  # the failed try and the retry
    assert _events(db, journal.EXPORT_ACTION) == 1


def test_recording_printed_slips_is_retried_after_a_serialization_failure(
    db: Database, admin: str, conflict_once: Arm
) -> None:
    tried = conflict_once()
    slips.record_slips(db, admin, 3, "8", class_name="6A")

    assert tried() == 2
    assert _events(db, slips.SLIPS_ACTION) == 1


def test_recording_a_workbook_download_is_retried_after_a_serialization_failure(
    db: Database, admin: str, conflict_once: Arm
) -> None:
    tried = conflict_once()
    exports.record_export(db, admin, "6A", 3)

    assert tried() == 2
    assert _events(db, exports.EXPORT_ACTION) == 1


def test_creating_a_throttle_row_is_retried_after_a_serialization_failure(
    db: Database, admin: str, conflict_once: Arm
) -> None:
    tried = conflict_once("login_throttle", "INSERT")
    admission = throttle.admit(db, "admin:new-name", POLICY)

    assert admission.admitted
    assert tried() == 2
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(LoginThrottle)) == 1


def test_purging_expired_throttle_rows_is_retried_after_a_serialization_failure(
    db: Database, admin: str, conflict_once: Arm
) -> None:
    now = datetime.now(UTC)
    with db.transaction(write=True) as session:
        session.add(LoginThrottle(subject="admin:old", failures=1, window_started_at=now - DAY))
    tried = conflict_once("login_throttle", "DELETE")

    assert throttle.purge_expired(db, POLICY, now) == 1
    assert tried() == 2


def test_an_unlock_is_retried_after_a_serialization_failure(
    db: Database, admin: str, conflict_once: Arm
) -> None:
    tried = conflict_once()

    assert throttle.unlock(db, "admin:someone", admin, "someone") is False
    assert tried() == 2
    assert _events(db, "login_unlocked") == 1


def test_creating_the_demo_school_is_retried_after_a_serialization_failure(
    db: Database, admin: str, conflict_once: Arm
) -> None:
    tried = conflict_once()
    summary = demo.create_demo_school(db, TEST_ROUNDS, learners_per_class=2)

    assert tried() == 2
    assert _events(db, "demo_created") == 1
    with db.transaction() as session:
        learners = session.scalar(select(func.count()).select_from(Learner))
    assert learners == summary.active_learners + summary.deactivated_learners
