"""Administrator access: login throttled in the database, session revocation, admin accounts.

Time never passes by sleeping: « 14 minutes later » moves every timestamp of the
``login_throttle`` table back by 14 minutes, which is what the clock would have done.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from access_core.accounts import admins, passwords, sessions
from access_core.accounts.admin_login import (
    LoginStatus,
    admin_subject,
    login,
    revoke_sessions,
)
from access_core.accounts.sessions import SessionStatus
from access_core.audit import events as audit
from access_core.cli import os_user
from access_core.db.models import Admin, LoginThrottle
from access_core.db.unit_of_work import Database
from access_core.errors import ValidationError
from tests.support.factories import ADMIN_PASSWORD, TEST_COOKIE_KEY, TEST_ROUNDS, dump_tables
from tests.support.sessions import POLICY, time_passes

ROOT = Path(__file__).resolve().parent.parent.parent
WRONG = "not the right password"
EUROS_75_BYTES = "€" * 25


def fail(db, settings, username: str, times: int) -> list[LoginStatus]:
    return [login(db, settings, username, WRONG).status for _ in range(times)]


def actions(db: Database) -> list[str]:
    return [event.action for event in reversed(audit.events(db))]


def throttle_row(db: Database, settings, username: str) -> LoginThrottle | None:
    with db.transaction() as session:
        return session.scalar(
            select(LoginThrottle).where(LoginThrottle.subject == admin_subject(settings, username))
        )


# --- login and its audit -----------------------------------------------------------------------


def test_the_right_password_logs_in_and_is_audited(db, settings, admin):
    result = login(db, settings, admin, ADMIN_PASSWORD)

    assert result.status is LoginStatus.OK
    assert result.ok
    assert result.username == admin
    [event] = audit.events(db, action="login_succeeded")
    assert event.actor == admin


def test_a_username_is_compared_stripped_and_lower_cased(db, settings, admin):
    assert login(db, settings, "  ADMIN ", ADMIN_PASSWORD).status is LoginStatus.OK


def test_a_wrong_password_is_refused_and_audited(db, settings, admin):
    result = login(db, settings, admin, WRONG)

    assert result.status is LoginStatus.REFUSED
    assert not result.ok
    [event] = audit.events(db, action="login_failed")
    assert event.actor == admin
    assert audit.events(db, action="login_succeeded") == []


def test_a_75_byte_password_is_a_plain_refusal_not_a_crash(db, settings, admin):
    assert len(EUROS_75_BYTES.encode("utf-8")) == 75

    result = login(db, settings, admin, EUROS_75_BYTES)

    assert result.status is LoginStatus.REFUSED
    assert [e.action for e in audit.events(db, action="login_failed")] == ["login_failed"]


def test_a_75_byte_password_for_an_unknown_username_is_a_plain_refusal_too(db, settings, admin):
    assert login(db, settings, "nobody", EUROS_75_BYTES).status is LoginStatus.REFUSED


def test_a_password_whose_first_72_bytes_match_is_still_refused(db, settings):
    password = "é" * 36  # exactly 72 bytes
    admins.create_admin(db, "long", password, TEST_ROUNDS)

    assert login(db, settings, "long", password).status is LoginStatus.OK
    assert login(db, settings, "long", password + "x").status is LoginStatus.REFUSED


def test_a_disabled_administrator_is_refused_even_with_the_right_password(db, settings, admin):
    admins.disable_admin(db, admin)

    assert login(db, settings, admin, ADMIN_PASSWORD).status is LoginStatus.REFUSED


def test_a_successful_login_clears_earlier_failures(db, settings, admin):
    assert fail(db, settings, admin, 4) == [LoginStatus.REFUSED] * 4
    assert login(db, settings, admin, ADMIN_PASSWORD).ok

    assert fail(db, settings, admin, 4) == [LoginStatus.REFUSED] * 4


# --- throttling --------------------------------------------------------------------------------


def test_five_failures_lock_the_username_for_fifteen_minutes(db, settings, admin):
    before = datetime.now(UTC)

    statuses = fail(db, settings, admin, 5)

    assert statuses == [LoginStatus.REFUSED] * 4 + [LoginStatus.LOCKED]
    result = login(db, settings, admin, ADMIN_PASSWORD)
    assert result.status is LoginStatus.LOCKED
    assert result.locked_until is not None
    assert before + timedelta(minutes=15) <= result.locked_until
    assert result.locked_until <= datetime.now(UTC) + timedelta(minutes=15)


def test_a_locked_username_is_still_locked_fourteen_minutes_later(db, settings, admin):
    fail(db, settings, admin, 5)

    time_passes(db, timedelta(minutes=14))

    assert login(db, settings, admin, ADMIN_PASSWORD).status is LoginStatus.LOCKED


def test_the_lockout_ends_after_fifteen_minutes(db, settings, admin):
    fail(db, settings, admin, 5)

    time_passes(db, timedelta(minutes=15, seconds=1))

    assert login(db, settings, admin, ADMIN_PASSWORD).status is LoginStatus.OK


def test_the_thresholds_are_configurable(db, settings, admin):
    strict = replace(settings, login_max_failures=3, lockout_minutes=60)

    assert fail(db, strict, admin, 3) == [LoginStatus.REFUSED] * 2 + [LoginStatus.LOCKED]
    time_passes(db, timedelta(minutes=59))
    assert login(db, strict, admin, ADMIN_PASSWORD).status is LoginStatus.LOCKED
    time_passes(db, timedelta(minutes=1, seconds=1))
    assert login(db, strict, admin, ADMIN_PASSWORD).status is LoginStatus.OK


def test_failures_older_than_the_window_do_not_count(db, settings, admin):
    assert fail(db, settings, admin, 4) == [LoginStatus.REFUSED] * 4

    time_passes(db, timedelta(minutes=15, seconds=1))

    assert fail(db, settings, admin, 4) == [LoginStatus.REFUSED] * 4
    assert login(db, settings, admin, ADMIN_PASSWORD).ok


def test_a_configured_window_is_honoured(db, settings, admin):
    short_window = replace(settings, login_window_minutes=2)
    fail(db, short_window, admin, 4)

    time_passes(db, timedelta(minutes=3))

    assert fail(db, short_window, admin, 1) == [LoginStatus.REFUSED]


def test_the_lockout_is_audited_and_so_are_attempts_while_locked(db, settings, admin):
    fail(db, settings, admin, 5)
    login(db, settings, admin, ADMIN_PASSWORD)

    assert actions(db) == ["admin_created"] + ["login_failed"] * 4 + [
        "login_locked",
        "login_failed",
        "login_refused_locked",
    ]
    [locked] = audit.events(db, action="login_locked")
    assert locked.actor == admin
    assert "until" in locked.details
    [refused] = audit.events(db, action="login_refused_locked")
    assert refused.actor == admin


def test_the_unlock_command_lifts_a_lockout(db, settings, admin, cli):
    fail(db, settings, admin, 5)
    assert login(db, settings, admin, ADMIN_PASSWORD).status is LoginStatus.LOCKED

    code, out, _ = cli("unlock", "admin")

    assert code == 0
    assert "'admin' unlocked" in out
    assert login(db, settings, admin, ADMIN_PASSWORD).status is LoginStatus.OK
    [unlocked] = audit.events(db, action="login_unlocked")
    assert unlocked.details == {"subject": "admin", "via": "cli", "os_user": os_user()}


def test_an_unknown_username_gets_exactly_the_answers_of_a_wrong_password(db, settings, admin):
    known = fail(db, settings, admin, 6)
    unknown = fail(db, settings, "nobody", 6)

    expected = [LoginStatus.REFUSED] * 4 + [LoginStatus.LOCKED] * 2
    assert known == expected
    assert unknown == expected


def test_an_unknown_username_costs_one_bcrypt_check_like_a_known_one(
    db, settings, admin, monkeypatch
):
    checked: list[str] = []
    real_checkpw = passwords.bcrypt.checkpw

    def counting_checkpw(password: bytes, hashed: bytes) -> bool:
        checked.append(hashed.decode("ascii")[:7])  # "$2b$04$": the algorithm and its cost
        return bool(real_checkpw(password, hashed))

    monkeypatch.setattr(passwords.bcrypt, "checkpw", counting_checkpw)

    login(db, settings, admin, WRONG)
    known = list(checked)
    checked.clear()
    login(db, settings, "nobody", WRONG)

    assert known == checked == [f"$2b${TEST_ROUNDS:02d}$"]


def test_an_unknown_username_is_locked_until_the_same_time_as_a_known_one(db, settings, admin):
    known = [login(db, settings, admin, WRONG) for _ in range(5)][-1]
    unknown = [login(db, settings, "nobody", WRONG) for _ in range(5)][-1]

    assert known.locked_until is not None and unknown.locked_until is not None
    assert abs(unknown.locked_until - known.locked_until) < timedelta(seconds=30)
    assert sorted(e.actor for e in audit.events(db, action="login_locked")) == [
        "(unknown username)",
        "admin",
    ]


def test_one_locked_username_does_not_lock_another(db, settings, admin):
    admins.create_admin(db, "secretariat", "un autre mot de passe", TEST_ROUNDS)

    fail(db, settings, admin, 5)

    assert login(db, settings, "secretariat", "un autre mot de passe").ok


def test_a_lockout_survives_a_restart(db, settings, admin, database_url):
    fail(db, settings, admin, 5)
    db.dispose()

    restarted = Database.from_url(database_url)
    try:
        assert login(restarted, settings, admin, ADMIN_PASSWORD).status is LoginStatus.LOCKED
    finally:
        restarted.dispose()


FAILING_PROCESS = textwrap.dedent(
    """
    import sys
    from dataclasses import replace
    from access_core.accounts.admin_login import login
    from access_core.config import load_settings
    from access_core.db.unit_of_work import Database

    url, attempts, key = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    settings = replace(load_settings({}), database_url=url, bcrypt_rounds=4, cookie_key=key)
    db = Database.from_url(url)
    for _ in range(attempts):
        print(login(db, settings, "admin", "not the right password").status.value, flush=True)
    db.dispose()
    """
)


def test_failures_from_two_processes_add_up_to_a_lockout(db, settings, admin, database_url):
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", FAILING_PROCESS, database_url, str(attempts), TEST_COOKIE_KEY],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for attempts in (3, 2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]

    assert [p.returncode for p in processes] == [0, 0], [err for _, err in outputs]
    answers = Counter(line for out, _ in outputs for line in out.split())
    assert answers == Counter({"refused": 4, "locked": 1})
    assert login(db, settings, admin, ADMIN_PASSWORD).status is LoginStatus.LOCKED
    assert len(audit.events(db, action="login_failed")) == 5
    assert len(audit.events(db, action="login_locked")) == 1


# --- sessions (the revocation rules, as the server checks them: access_core.accounts.sessions) ---


def live(db: Database, session_id: str | None) -> bool:
    return sessions.check(db, POLICY, session_id).live


def test_a_session_of_an_active_administrator_is_live(db, admin):
    assert live(db, sessions.start(db, admin, POLICY))


def test_no_session_id_or_an_unknown_one_is_not_live(db, admin):
    for session_id in (None, "", "not-a-session-the-server-issued"):
        assert sessions.check(db, POLICY, session_id).status is SessionStatus.UNKNOWN


def test_a_session_opened_after_a_revocation_is_live(db, admin):
    revoke_sessions(db, admin, actor=admin, reason="logout")

    assert live(db, sessions.start(db, admin, POLICY))


def test_revoking_sessions_ends_those_opened_before(db, admin):
    opened = sessions.start(db, admin, POLICY)
    assert live(db, opened)

    revoke_sessions(db, admin, actor=admin, reason="logout")

    assert sessions.check(db, POLICY, opened).status is SessionStatus.REVOKED
    [event] = audit.events(db, action="sessions_revoked")
    assert event.details == {"username": admin, "reason": "logout"}


def test_a_password_change_ends_the_sessions_opened_before(db, admin):
    opened = sessions.start(db, admin, POLICY)

    admins.set_password(db, admin, "un tout nouveau mot de passe", TEST_ROUNDS)

    assert not live(db, opened)


def test_a_session_opened_after_a_password_change_is_live(db, settings, admin):
    admins.set_password(db, admin, "un tout nouveau mot de passe", TEST_ROUNDS)

    assert login(db, settings, admin, "un tout nouveau mot de passe").ok
    assert live(db, sessions.start(db, admin, POLICY))


def test_disabling_an_administrator_ends_every_session_at_once(db, admin):
    opened = sessions.start(db, admin, POLICY)

    admins.disable_admin(db, admin)

    assert not live(db, opened)
    assert not live(db, sessions.start(db, admin, POLICY))


def test_revoking_one_administrator_leaves_the_others_sessions_live(db, admin):
    admins.create_admin(db, "secretariat", "un autre mot de passe", TEST_ROUNDS)
    theirs = sessions.start(db, "secretariat", POLICY)

    revoke_sessions(db, admin, actor=admin, reason="logout")

    assert live(db, theirs)


# --- administrator accounts and their password policy ----------------------------------------


def test_create_admin_accepts_twelve_characters(db, settings):
    admins.create_admin(db, "secretariat", "x" * 12, TEST_ROUNDS)

    assert login(db, settings, "secretariat", "x" * 12).ok
    [event] = audit.events(db, action="admin_created")
    assert event.details == {"username": "secretariat"}


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("x" * 11, "at least 12 characters"),
        ("", "at least 12 characters"),
        (EUROS_75_BYTES, "72 bytes"),
        ("a" * 73, "72 bytes"),
    ],
)
def test_create_admin_refuses_a_password_outside_the_policy(db, password, reason):
    before = dump_tables(db)

    with pytest.raises(ValidationError, match=reason):
        admins.create_admin(db, "secretariat", password, TEST_ROUNDS)

    assert dump_tables(db) == before


def test_create_admin_accepts_exactly_72_bytes(db, settings):
    password = "€" * 24  # 72 bytes

    admins.create_admin(db, "secretariat", password, TEST_ROUNDS)

    assert login(db, settings, "secretariat", password).ok


@pytest.mark.parametrize(
    ("password", "reason"),
    [("x" * 11, "at least 12 characters"), (EUROS_75_BYTES, "72 bytes")],
)
def test_set_password_refuses_a_password_outside_the_policy(db, settings, admin, password, reason):
    before = dump_tables(db)

    with pytest.raises(ValidationError, match=reason):
        admins.set_password(db, admin, password, TEST_ROUNDS)

    assert dump_tables(db) == before
    assert login(db, settings, admin, ADMIN_PASSWORD).ok


def test_set_password_replaces_the_old_password_and_is_audited(db, settings, admin):
    admins.set_password(db, admin, "un tout nouveau mot de passe", TEST_ROUNDS)

    assert login(db, settings, admin, ADMIN_PASSWORD).status is LoginStatus.REFUSED
    assert login(db, settings, admin, "un tout nouveau mot de passe").ok
    [event] = audit.events(db, action="admin_password_changed")
    assert event.details == {"username": admin}


def test_disable_admin_is_audited_and_stops_every_service_at_once(db, admin):
    admins.disable_admin(db, admin, actor="cli:root")

    assert not live(db, sessions.start(db, admin, POLICY))
    [event] = audit.events(db, action="admin_disabled")
    assert (event.actor, event.details) == ("cli:root", {"username": admin})
    with db.transaction() as session:
        assert session.scalar(select(Admin.is_active).where(Admin.username == admin)) is False


@pytest.mark.parametrize("typed", ["adm\x00in", "admin\x1b[2J", "\u202eadmin"])
def test_a_username_with_a_control_character_is_a_refused_login_never_a_database_error(
    db, settings, admin, typed
):
    """PostgreSQL refuses a NUL in a query (psycopg DataError, a traceback behind the form's
    generic message): such a name names no account, so the attempt is refused like any other."""
    result = login(db, settings, typed, ADMIN_PASSWORD)

    assert result.status is LoginStatus.REFUSED


@pytest.mark.parametrize(
    ("username", "display_name"), [("bad\x00name", None), ("ok.name", "Nom\x1b[31m")]
)
def test_an_administrator_with_a_control_character_is_refused(db, username, display_name):
    with pytest.raises(ValidationError, match="control characters"):
        admins.create_admin(db, username, ADMIN_PASSWORD, TEST_ROUNDS, display_name=display_name)
