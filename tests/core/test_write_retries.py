"""Every write goes through the unit of work that retries (``Database.write``): a service whose
transaction meets a serialization failure (PostgreSQL) or a deadlock (MariaDB) once is tried
again and succeeds, recording its audit event once.

The failure is raised by the server itself: a trigger fails the first insert, update or delete on a
table, counted by a sequence (sequences are not rolled back with the failed transaction).
SQLite serialises writers with its lock and has no such failure to retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from access_core.accounts import (
    admin_login,
    admins,
    learner_login,
    sessions,
    staff,
    staff_access,
    throttle,
)
from access_core.audit import journal
from access_core.audit.journal import JournalFilter
from access_core.config import Settings
from access_core.db.models import Admin, AdminSession, AuditEvent, Learner, LoginThrottle
from access_core.db.unit_of_work import Database
from access_core.documents import slips
from access_core.documents import workbook as exports
from access_core.errors import NotFound
from access_core.ops import demo
from tests.support.factories import ADMIN_PASSWORD, TEST_ROUNDS, add_class, add_learner

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
    add_class(db, "6A")
    tried = conflict_once()
    slips.record_slips(db, admin, 3, "8", class_name="6A")

    assert tried() == 2
    assert _events(db, slips.SLIPS_ACTION) == 1


def test_recording_a_workbook_download_is_retried_after_a_serialization_failure(
    db: Database, admin: str, conflict_once: Arm
) -> None:
    add_class(db, "6A")
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


# --- accounts: sessions, administrators, logins ------------------------------------------------
# The audit event is the failed insert where there is one: the try's other writes (a session
# ended, a generation raised, a hash stored) are rolled back with it and done again once.

SESSION_POLICY = sessions.SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=12))
T0 = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
NEW_ADMIN_PASSWORD = "un tout nouveau mot de passe"


@pytest.fixture
def security_lines(caplog: pytest.LogCaptureFixture) -> Callable[[str], int]:
    """How many security-log lines were written for an action."""
    caplog.set_level(logging.INFO, logger="access_core.security")

    def count(action: str) -> int:
        return sum(
            r.name == "access_core.security" and r.getMessage().startswith(f"event={action} ")
            for r in caplog.records
        )

    return count


def _session_rows(db: Database) -> list[AdminSession]:
    with db.transaction() as session:
        return list(session.scalars(select(AdminSession)))


def _generation(db: Database, username: str) -> tuple[int, bool]:
    with db.transaction() as session:
        row = session.execute(
            select(Admin.session_generation, Admin.is_active).where(Admin.username == username)
        ).one()
    return int(row[0]), bool(row[1])


def test_starting_a_session_is_retried_after_a_serialization_failure(
    db: Database, settings: Settings, admin: str, conflict_once: Arm
) -> None:
    result = admin_login.login(db, settings, admin, ADMIN_PASSWORD)
    tried = conflict_once("admin_sessions", "INSERT")

    sid = sessions.start(db, admin, SESSION_POLICY, now=T0, generation=result.generation)

    assert sid is not None
    assert tried() == 2
    [row] = _session_rows(db)
    assert row.generation == result.generation
    assert sessions.check(db, SESSION_POLICY, sid, now=T0).live


def test_a_retried_session_start_still_refuses_a_generation_changed_during_the_login(
    db: Database, settings: Settings, admin: str, conflict_once: Arm
) -> None:
    result = admin_login.login(db, settings, admin, ADMIN_PASSWORD)
    admins.set_password(db, admin, NEW_ADMIN_PASSWORD, TEST_ROUNDS)
    tried = conflict_once("admin_sessions", "INSERT")

    assert sessions.start(db, admin, SESSION_POLICY, now=T0, generation=result.generation) is None
    assert tried() == 0  # refused inside the unit of work, before any insert
    assert _session_rows(db) == []


def test_recording_a_sessions_activity_is_retried_after_a_serialization_failure(
    db: Database, admin: str, conflict_once: Arm
) -> None:
    sid = sessions.start(db, admin, SESSION_POLICY, now=T0)
    tried = conflict_once("admin_sessions", "UPDATE")
    later = T0 + timedelta(minutes=2)

    assert sessions.check(db, SESSION_POLICY, sid, now=later).live
    assert tried() == 2
    [row] = _session_rows(db)
    assert row.last_seen_at == later.replace(tzinfo=row.last_seen_at.tzinfo)
    assert row.ended_at is None


def test_ending_a_session_is_retried_after_a_serialization_failure(
    db: Database, admin: str, conflict_once: Arm, security_lines: Callable[[str], int]
) -> None:
    sid = sessions.start(db, admin, SESSION_POLICY, now=T0)
    tried = conflict_once()

    sessions.end(db, sid, "logout", now=T0)

    assert tried() == 2
    assert _events(db, sessions.SESSION_ENDED_ACTION) == 1
    assert security_lines(sessions.SESSION_ENDED_ACTION) == 1
    [row] = _session_rows(db)
    assert row.end_reason == "logout"
    assert sessions.check(db, SESSION_POLICY, sid, now=T0).status is sessions.SessionStatus.ENDED


def test_ending_an_idle_session_is_retried_after_a_serialization_failure(
    db: Database, admin: str, conflict_once: Arm, security_lines: Callable[[str], int]
) -> None:
    sid = sessions.start(db, admin, SESSION_POLICY, now=T0)
    tried = conflict_once()
    idle = T0 + timedelta(minutes=31)

    assert sessions.check(db, SESSION_POLICY, sid, now=idle).status is sessions.SessionStatus.IDLE
    assert tried() == 2
    assert _events(db, sessions.SESSION_ENDED_ACTION) == 1
    assert security_lines(sessions.SESSION_ENDED_ACTION) == 1
    [row] = _session_rows(db)
    assert row.end_reason == "idle"


def test_creating_an_administrator_is_retried_after_a_serialization_failure(
    db: Database,
    settings: Settings,
    admin: str,
    conflict_once: Arm,
    security_lines: Callable[[str], int],
) -> None:
    created_before = _events(db, "admin_created")  # the fixture's administrator
    tried = conflict_once()

    admins.create_admin(db, "secretariat", NEW_ADMIN_PASSWORD, TEST_ROUNDS)

    assert tried() == 2
    assert [a.username for a in admins.list_admins(db)] == sorted([admin, "secretariat"])
    assert _events(db, "admin_created") == created_before + 1
    assert security_lines("admin_created") == 1
    assert admin_login.login(db, settings, "secretariat", NEW_ADMIN_PASSWORD).ok


def test_setting_an_administrators_password_is_retried_after_a_serialization_failure(
    db: Database,
    settings: Settings,
    admin: str,
    conflict_once: Arm,
    security_lines: Callable[[str], int],
) -> None:
    generation, _ = _generation(db, admin)
    tried = conflict_once()

    admins.set_password(db, admin, NEW_ADMIN_PASSWORD, TEST_ROUNDS)

    assert tried() == 2
    assert _generation(db, admin) == (generation + 1, True)  # raised once, not twice
    assert _events(db, "admin_password_changed") == 1
    assert security_lines("admin_password_changed") == 1
    assert admin_login.login(db, settings, admin, NEW_ADMIN_PASSWORD).ok


def test_disabling_an_administrator_is_retried_after_a_serialization_failure(
    db: Database, admin: str, conflict_once: Arm, security_lines: Callable[[str], int]
) -> None:
    generation, _ = _generation(db, admin)
    tried = conflict_once()

    admins.disable_admin(db, admin)

    assert tried() == 2
    assert _generation(db, admin) == (generation + 1, False)
    assert _events(db, "admin_disabled") == 1
    assert security_lines("admin_disabled") == 1


def test_disabling_an_unknown_administrator_is_not_found_and_writes_nothing(
    db: Database, admin: str, conflict_once: Arm
) -> None:
    tried = conflict_once()

    with pytest.raises(NotFound):
        admins.disable_admin(db, "nobody")

    assert tried() == 0
    assert _events(db, "admin_disabled") == 0


def test_revoking_sessions_is_retried_after_a_serialization_failure(
    db: Database, admin: str, conflict_once: Arm
) -> None:
    sid = sessions.start(db, admin, SESSION_POLICY, now=T0)
    generation, _ = _generation(db, admin)
    tried = conflict_once()

    admin_login.revoke_sessions(db, admin, admin, "logout")

    assert tried() == 2
    assert _generation(db, admin) == (generation + 1, True)
    assert _events(db, "sessions_revoked") == 1
    assert sessions.check(db, SESSION_POLICY, sid, now=T0).status is sessions.SessionStatus.REVOKED


def test_an_administrators_login_success_is_recorded_after_a_serialization_failure(
    db: Database,
    settings: Settings,
    admin: str,
    conflict_once: Arm,
    security_lines: Callable[[str], int],
) -> None:
    tried = conflict_once()

    assert admin_login.login(db, settings, admin, ADMIN_PASSWORD).ok
    assert tried() == 2
    assert _events(db, "login_succeeded") == 1
    assert security_lines("login_succeeded") == 1


def test_an_administrators_login_failure_is_recorded_after_a_serialization_failure(
    db: Database,
    settings: Settings,
    admin: str,
    conflict_once: Arm,
    security_lines: Callable[[str], int],
) -> None:
    tried = conflict_once()

    result = admin_login.login(db, settings, admin, "not the right password")

    assert result.status is admin_login.LoginStatus.REFUSED
    assert tried() == 2
    assert _events(db, "login_failed") == 1
    assert security_lines("login_failed") == 1


def _lock(db: Database, subject: str) -> None:
    now = datetime.now(UTC)
    with db.transaction(write=True) as session:
        session.add(
            LoginThrottle(
                subject=subject, failures=0, window_started_at=now, locked_until=now + DAY
            )
        )


def test_a_locked_administrators_refusal_is_recorded_after_a_serialization_failure(
    db: Database,
    settings: Settings,
    admin: str,
    conflict_once: Arm,
    security_lines: Callable[[str], int],
) -> None:
    _lock(db, admin_login.admin_subject(settings, admin))
    tried = conflict_once()

    result = admin_login.login(db, settings, admin, ADMIN_PASSWORD)

    assert result.status is admin_login.LoginStatus.LOCKED
    assert tried() == 2
    assert _events(db, "login_refused_locked") == 1
    assert security_lines("login_refused_locked") == 1


LEARNER_LOGIN = "lea.martin"
LEARNER_INITIAL = "29022012"
LEARNER_NEW = "Un-vrai-secret-42"


def test_a_learners_password_change_is_retried_after_a_serialization_failure(
    db: Database,
    settings: Settings,
    admin: str,
    conflict_once: Arm,
    security_lines: Callable[[str], int],
) -> None:
    learner_id = add_learner(db, "Martin", "Léa", birth_date=date(2012, 2, 29), login=LEARNER_LOGIN)
    tried = conflict_once("learners", "UPDATE")  # the login check rewrites nothing at this cost

    learner_login.change_password(db, settings, LEARNER_LOGIN, LEARNER_INITIAL, LEARNER_NEW)

    assert tried() == 2
    assert _events(db, "learner_password_changed") == 1
    assert security_lines("learner_password_changed") == 1
    with db.transaction() as session:
        learner = session.get_one(Learner, learner_id)
        assert learner.must_change_password is False
    result = learner_login.authenticate(db, settings, LEARNER_LOGIN, LEARNER_NEW)
    assert result.status is learner_login.LearnerStatus.OK


def test_a_locked_learners_refusal_is_recorded_after_a_serialization_failure(
    db: Database,
    settings: Settings,
    admin: str,
    conflict_once: Arm,
    security_lines: Callable[[str], int],
) -> None:
    add_learner(db, "Martin", "Léa", birth_date=date(2012, 2, 29), login=LEARNER_LOGIN)
    _lock(db, learner_login.learner_subject(settings, LEARNER_LOGIN))
    tried = conflict_once()

    result = learner_login.authenticate(db, settings, LEARNER_LOGIN, LEARNER_INITIAL)

    assert result.status is learner_login.LearnerStatus.LOCKED
    assert tried() == 2
    assert _events(db, "learner_login_refused_locked") == 1
    assert security_lines("learner_login_refused_locked") == 1


# --- staff accounts (« Comptes ») ---------------------------------------------------------------


@pytest.fixture
def colleagues(db: Database) -> int:
    """School A with two administrators, alice and anna; returns the school's id."""
    from tests.support.scopes import make_admin, make_school

    school = make_school(db, "0750001A", "Collège A")
    make_admin(db, "alice", [school])
    make_admin(db, "anna", [school])
    return school


def test_creating_a_staff_account_is_retried_after_a_serialization_failure(
    db: Database, colleagues: int, conflict_once: Arm, security_lines: Callable[[str], int]
) -> None:
    tried = conflict_once()

    made = staff.create_account(
        db, "alice", "secretariat", role="admin", rounds=TEST_ROUNDS, school_ids=[colleagues]
    )

    assert tried() == 2
    with db.transaction() as session:
        assert session.scalar(select(func.count()).where(Admin.username == made.username)) == 1
    assert _events(db, "account_created") == 1
    assert security_lines("account_created") == 1


def test_disabling_a_colleague_is_retried_after_a_serialization_failure(
    db: Database, colleagues: int, conflict_once: Arm, security_lines: Callable[[str], int]
) -> None:
    generation, _ = _generation(db, "anna")
    tried = conflict_once()

    staff.set_active(db, "alice", "anna", False)

    assert tried() == 2
    assert _generation(db, "anna") == (generation + 1, False)  # raised once, not twice
    assert _events(db, "account_disabled") == 1
    assert security_lines("account_disabled") == 1


def test_a_colleagues_new_password_is_retried_after_a_serialization_failure(
    db: Database,
    settings: Settings,
    colleagues: int,
    conflict_once: Arm,
    security_lines: Callable[[str], int],
) -> None:
    generation, _ = _generation(db, "anna")
    tried = conflict_once()

    made = staff.reset_password(db, settings, "alice", "anna")

    assert tried() == 2
    assert _generation(db, "anna") == (generation + 1, True)
    assert _events(db, "account_password_reset") == 1
    assert security_lines("account_password_reset") == 1
    assert admin_login.login(db, settings, "anna", made.password).ok


def test_choosing_ones_own_password_is_retried_after_a_serialization_failure(
    db: Database,
    settings: Settings,
    colleagues: int,
    conflict_once: Arm,
    security_lines: Callable[[str], int],
) -> None:
    made = staff.reset_password(db, settings, "alice", "anna")
    held = sessions.start(db, "anna", sessions.SessionPolicy(DAY, DAY))
    generation, _ = _generation(db, "anna")
    tried = conflict_once()

    staff_access.change_own_password(
        db, settings, "anna", held or "", NEW_ADMIN_PASSWORD, NEW_ADMIN_PASSWORD
    )

    assert tried() == 2
    assert _generation(db, "anna") == (generation + 1, True)
    assert _events(db, "admin_password_changed") == 1
    assert security_lines("admin_password_changed") == 1
    assert sessions.check(db, sessions.SessionPolicy(DAY, DAY), held).live
    assert not admin_login.login(db, settings, "anna", made.password).ok
