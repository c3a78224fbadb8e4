"""``access-core set-password``, ``disable-admin`` and ``unlock``, called in-process."""

from __future__ import annotations

import logging

from access_core.accounts import sessions
from access_core.accounts.admin_login import LoginStatus, login
from access_core.accounts.learner_login import LearnerStatus, authenticate
from access_core.accounts.sessions import SessionStatus
from access_core.audit import events as audit
from access_core.cli import os_user
from tests.conftest import assert_one_line_error
from tests.support.factories import ADMIN_PASSWORD, add_learner, dump_tables
from tests.support.sessions import POLICY

NEW_PASSWORD = "un tout nouveau mot de passe"


def lock(db, settings, username: str) -> None:
    for _ in range(5):
        login(db, settings, username, "not the right password")
    assert login(db, settings, username, ADMIN_PASSWORD).status is LoginStatus.LOCKED


# --- set-password ------------------------------------------------------------------------------


def test_set_password_reads_stdin_and_the_old_password_stops_working(cli, db, settings, admin):
    code, out, err = cli("set-password", admin, "--password-stdin", stdin=NEW_PASSWORD + "\n")

    assert code == 0, err
    assert "'admin' changed" in out
    assert login(db, settings, admin, ADMIN_PASSWORD).status is LoginStatus.REFUSED
    assert login(db, settings, admin, NEW_PASSWORD).ok
    [event] = audit.events(db, action="admin_password_changed")
    assert event.actor.startswith("cli:")


def test_set_password_closes_the_sessions_opened_before(cli, db, admin):
    opened = sessions.start(db, admin, POLICY)

    code, _, err = cli("set-password", admin, "--password-stdin", stdin=NEW_PASSWORD + "\n")

    assert code == 0, err
    assert sessions.check(db, POLICY, opened).status is SessionStatus.REVOKED


def test_set_password_refuses_a_short_password_and_changes_nothing(cli, db, settings, admin):
    before = dump_tables(db)

    code, out, err = cli("set-password", admin, "--password-stdin", stdin="court\n")

    assert_one_line_error(code, out, err, "at least 12 characters")
    assert dump_tables(db) == before
    assert login(db, settings, admin, ADMIN_PASSWORD).ok


def test_set_password_refuses_more_than_72_bytes(cli, db, settings, admin):
    code, out, err = cli("set-password", admin, "--password-stdin", stdin="€" * 25 + "\n")

    assert_one_line_error(code, out, err, "72 bytes")
    assert login(db, settings, admin, ADMIN_PASSWORD).ok


def test_set_password_of_an_unknown_admin_is_a_one_line_error(cli, db, admin):
    before = dump_tables(db)

    code, out, err = cli("set-password", "ghost", "--password-stdin", stdin=NEW_PASSWORD + "\n")

    assert_one_line_error(code, out, err, "ghost")
    assert dump_tables(db) == before


def test_set_password_without_a_terminal_asks_for_password_stdin(cli, db, settings, admin):
    code, out, err = cli("set-password", admin, stdin=NEW_PASSWORD + "\n")

    assert_one_line_error(code, out, err, "--password-stdin")
    assert login(db, settings, admin, ADMIN_PASSWORD).ok


# --- disable-admin -----------------------------------------------------------------------------


def test_disable_admin_refuses_the_admin_at_once(cli, db, settings, admin):
    opened = sessions.start(db, admin, POLICY)

    code, out, err = cli("disable-admin", admin)

    assert code == 0, err
    assert "'admin' disabled" in out
    assert login(db, settings, admin, ADMIN_PASSWORD).status is LoginStatus.REFUSED
    assert sessions.check(db, POLICY, opened).status is SessionStatus.REVOKED


def test_a_disabled_admin_can_no_longer_act_through_the_cli(cli, db, admin):
    add_learner(db, "Martin", "Léa")
    assert cli("disable-admin", admin)[0] == 0
    before = dump_tables(db)

    code, out, err = cli("reset", "--class", "6e A", "--actor", admin, "--yes")

    assert_one_line_error(code, out, err)
    assert dump_tables(db) == before


def test_disable_admin_of_an_unknown_admin_is_a_one_line_error(cli, db, admin):
    before = dump_tables(db)

    code, out, err = cli("disable-admin", "ghost")

    assert_one_line_error(code, out, err, "ghost")
    assert dump_tables(db) == before


# --- unlock ------------------------------------------------------------------------------------


def test_unlock_lifts_an_administrators_lockout(cli, db, settings, admin):
    lock(db, settings, admin)

    code, out, err = cli("unlock", admin)

    assert code == 0, err
    assert "'admin' unlocked" in out
    assert login(db, settings, admin, ADMIN_PASSWORD).ok


def test_unlock_of_a_username_that_is_not_locked_says_so(cli, db, admin):
    code, out, err = cli("unlock", admin)

    assert code == 0, err
    assert "'admin' was not locked" in out


def test_unlock_is_audited(cli, db, settings, admin):
    lock(db, settings, admin)

    assert cli("unlock", admin)[0] == 0

    [event] = audit.events(db, action="login_unlocked")
    assert event.details == {"subject": "admin", "via": "cli", "os_user": os_user()}
    assert event.actor.startswith("cli:")


def test_unlock_learner_lifts_a_learners_lockout(cli, db, settings):
    add_learner(db, "Martin", "Léa", login="lea.martin")
    for _ in range(5):
        authenticate(db, settings, "lea.martin", "mauvais-mot")
    assert authenticate(db, settings, "lea.martin", "17052013").status is LearnerStatus.LOCKED

    code, out, err = cli("unlock", "--learner", "lea.martin")

    assert code == 0, err
    assert authenticate(db, settings, "lea.martin", "17052013").status is LearnerStatus.MUST_CHANGE


def test_unlock_learner_logs_and_journals_the_learners_number_never_her_login(
    cli, db, settings, caplog
):
    """Review 2 #9: the security log (out of the purge's reach) read
    « event=login_unlocked … subject=lea.martin »."""
    learner = add_learner(db, "Martin", "Léa", login="lea.martin")
    for _ in range(5):
        authenticate(db, settings, "lea.martin", "mauvais-mot")
    caplog.set_level(logging.INFO, logger="access_core.security")

    assert cli("unlock", "--learner", "lea.martin")[0] == 0

    [line] = [
        r.getMessage()
        for r in caplog.records
        if r.name == "access_core.security" and "login_unlocked" in r.getMessage()
    ]
    assert f"learner={learner}" in line and "lea.martin" not in line and "subject" not in line
    [event] = audit.events(db, action="login_unlocked")
    assert event.learner_id == learner and "subject" not in event.details
