"""Server-side administrator sessions (``access_core.accounts.sessions``), without Streamlit.

The clock is a parameter (``now``): time moves by passing a later instant, never by sleeping.
Runs on every configured backend.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from access_core.accounts import admin_login as admin_auth
from access_core.accounts import admins, sessions
from access_core.accounts.sessions import SessionPolicy, SessionStatus
from access_core.audit import events as audit
from access_core.config import Settings
from access_core.db.models import AdminSession
from access_core.db.unit_of_work import Database
from tests.support.factories import ADMIN_PASSWORD, TEST_ROUNDS, create_test_admin, dump_tables
from tests.support.sessions import POLICY

T0 = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
NEW_PASSWORD = "un tout nouveau mot de passe"


def status(db: Database, sid: str, at: datetime, policy: SessionPolicy = POLICY) -> SessionStatus:
    return sessions.check(db, policy, sid, now=at).status


def rows(db: Database) -> list[AdminSession]:
    with db.transaction() as session:
        return list(session.scalars(select(AdminSession)))


# --- start ----------------------------------------------------------------------------------


def test_a_new_session_is_live_for_its_administrator(db: Database, admin: str) -> None:
    sid = sessions.start(db, admin, POLICY, now=T0)
    verdict = sessions.check(db, POLICY, sid, now=T0)
    assert verdict.live and verdict.username == admin and verdict.created_at == T0


def test_only_the_hash_of_the_session_id_is_stored(db: Database, admin: str) -> None:
    sid = sessions.start(db, admin, POLICY, now=T0)
    assert len(sid) >= 40
    (row,) = rows(db)
    assert row.token_hash == hashlib.sha256(sid.encode()).hexdigest()
    assert sid not in repr(dump_tables(db))


def test_two_logins_get_two_different_session_ids(db: Database, admin: str) -> None:
    assert sessions.start(db, admin, POLICY, now=T0) != sessions.start(db, admin, POLICY, now=T0)


def test_an_unknown_or_missing_session_id_is_refused(db: Database, admin: str) -> None:
    sessions.start(db, admin, POLICY, now=T0)
    assert status(db, "not-a-session-id", T0) is SessionStatus.UNKNOWN
    assert sessions.check(db, POLICY, None, now=T0).status is SessionStatus.UNKNOWN
    assert sessions.check(db, POLICY, "", now=T0).status is SessionStatus.UNKNOWN


# --- idle timeout -------------------------------------------------------------------------------


def test_a_session_idle_for_exactly_the_timeout_is_live_a_moment_later_it_is_not(
    db: Database, admin: str
) -> None:
    sid = sessions.start(db, admin, POLICY, now=T0)
    assert status(db, sid, T0 + timedelta(minutes=30)) is SessionStatus.LIVE
    other = sessions.start(db, admin, POLICY, now=T0)
    assert status(db, other, T0 + timedelta(minutes=30, microseconds=1)) is SessionStatus.IDLE


def test_an_idle_session_stays_ended_even_if_activity_follows(db: Database, admin: str) -> None:
    """A reload after the idle timeout gets nothing: the end is recorded, not recomputed."""
    sid = sessions.start(db, admin, POLICY, now=T0)
    assert status(db, sid, T0 + timedelta(minutes=31)) is SessionStatus.IDLE
    assert status(db, sid, T0 + timedelta(minutes=31, seconds=1)) is SessionStatus.ENDED
    (row,) = rows(db)
    assert (row.ended_at, row.end_reason) == (T0 + timedelta(minutes=31), "idle")
    (event,) = audit.events(db, action=sessions.SESSION_ENDED_ACTION)
    assert (event.actor, event.details) == (admin, {"reason": "idle"})


def test_activity_keeps_a_session_alive_beyond_the_timeout_counted_from_the_login(
    db: Database, admin: str
) -> None:
    sid = sessions.start(db, admin, POLICY, now=T0)
    for minutes in (20, 40, 60, 80):  # active every 20 minutes: never 30 idle
        assert status(db, sid, T0 + timedelta(minutes=minutes)) is SessionStatus.LIVE
    assert status(db, sid, T0 + timedelta(minutes=111)) is SessionStatus.IDLE


def test_a_check_without_touch_does_not_count_as_activity(db: Database, admin: str) -> None:
    sid = sessions.start(db, admin, POLICY, now=T0)
    assert sessions.check(db, POLICY, sid, now=T0 + timedelta(minutes=20), touch=False).live
    assert status(db, sid, T0 + timedelta(minutes=31)) is SessionStatus.IDLE


def test_the_touch_is_written_at_most_once_a_minute(db: Database, admin: str) -> None:
    sid = sessions.start(db, admin, POLICY, now=T0)
    assert status(db, sid, T0 + timedelta(seconds=59)) is SessionStatus.LIVE
    assert rows(db)[0].last_seen_at == T0  # not written: less than a minute since
    assert status(db, sid, T0 + timedelta(seconds=61)) is SessionStatus.LIVE
    assert rows(db)[0].last_seen_at == T0 + timedelta(seconds=61)


def test_with_a_throttled_touch_the_idle_rule_still_holds(db: Database, admin: str) -> None:
    """With a one-minute timeout the touch is written every 6 s at most, so activity 59 s
    after the last write keeps the session, and the session never outlives the timeout."""
    one_minute = SessionPolicy(idle=timedelta(minutes=1), lifetime=timedelta(hours=12))
    assert one_minute.touch_interval == timedelta(seconds=6)
    sid = sessions.start(db, admin, one_minute, now=T0)
    at = T0
    for _ in range(10):  # a run every 55 s: always within the minute of the previous one
        at += timedelta(seconds=55)
        assert status(db, sid, at, one_minute) is SessionStatus.LIVE
    assert status(db, sid, at + timedelta(seconds=61), one_minute) is SessionStatus.IDLE


# --- absolute lifetime --------------------------------------------------------------------------


def test_an_active_session_ends_at_its_absolute_lifetime(db: Database, admin: str) -> None:
    sid = sessions.start(db, admin, POLICY, now=T0)
    at = T0
    while at < T0 + timedelta(hours=12) - timedelta(minutes=20):
        at += timedelta(minutes=20)
        assert status(db, sid, at) is SessionStatus.LIVE
    assert status(db, sid, T0 + timedelta(hours=12)) is SessionStatus.LIVE
    assert status(db, sid, T0 + timedelta(hours=12, seconds=1)) is SessionStatus.EXPIRED
    assert rows(db)[0].end_reason == "expired"


# --- logout and revocation -------------------------------------------------------------------


def test_a_logged_out_session_is_refused_and_other_sessions_go_on(db: Database, admin: str) -> None:
    sid = sessions.start(db, admin, POLICY, now=T0)
    other = sessions.start(db, admin, POLICY, now=T0)
    sessions.end(db, sid, "logout", now=T0 + timedelta(minutes=1))
    assert status(db, sid, T0 + timedelta(minutes=2)) is SessionStatus.ENDED
    assert status(db, other, T0 + timedelta(minutes=2)) is SessionStatus.LIVE
    (event,) = audit.events(db, action=sessions.SESSION_ENDED_ACTION)
    assert event.details == {"reason": "logout"}


def _disable(db: Database, username: str) -> None:
    admins.disable_admin(db, username)


def _change_password(db: Database, username: str) -> None:
    admins.set_password(db, username, NEW_PASSWORD, TEST_ROUNDS)


def _revoke(db: Database, username: str) -> None:
    admin_auth.revoke_sessions(db, username, "system", "test")


@pytest.mark.parametrize(
    "change", [_disable, _change_password, _revoke], ids=["disabled", "password", "revoked"]
)
def test_a_session_is_refused_once_its_administrator_is_changed(
    db: Database, admin: str, change: object
) -> None:
    sid = sessions.start(db, admin, POLICY)
    assert sessions.check(db, POLICY, sid).live
    change(db, admin)  # type: ignore[operator]
    assert sessions.check(db, POLICY, sid).status is SessionStatus.REVOKED


def test_a_session_started_after_a_revocation_is_live(db: Database, admin: str) -> None:
    _revoke(db, admin)
    sid = sessions.start(db, admin, POLICY)
    assert sessions.check(db, POLICY, sid).live


def test_a_session_of_someone_who_is_not_an_administrator_is_refused(db: Database) -> None:
    sid = sessions.start(db, "mallory", POLICY, now=T0)
    assert status(db, sid, T0) is SessionStatus.REVOKED


def test_revoking_one_administrator_leaves_another_ones_session_live(
    db: Database, admin: str
) -> None:
    create_test_admin(db, "secretariat")
    mine = sessions.start(db, admin, POLICY)
    theirs = sessions.start(db, "secretariat", POLICY)
    _revoke(db, admin)
    assert not sessions.check(db, POLICY, mine).live
    assert sessions.check(db, POLICY, theirs).live


# --- a login in flight, and hosts whose clocks disagree (issue 19, items 13 and 14) ----------

SKEW = timedelta(minutes=3)


def _login_with_a_change_after_bcrypt(
    db: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    username: str,
    change: Callable[[Database, str], None],
) -> admin_auth.LoginResult:
    """``admin_auth.login`` with ``change`` (the CLI, from another process) committed right
    after bcrypt has verified the password and before the login records anything."""
    real_verify = admin_auth.verify_password

    def verify_then_change(password: str, password_hash: str | None) -> bool:
        verified = real_verify(password, password_hash)
        change(db, username)
        return verified

    monkeypatch.setattr(admin_auth, "verify_password", verify_then_change)
    return admin_auth.login(db, settings, username, ADMIN_PASSWORD)


@pytest.mark.parametrize("change", [_change_password, _disable], ids=["password", "disabled"])
def test_a_login_whose_account_changes_while_bcrypt_checks_it_opens_no_session(
    db: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    admin: str,
    change: Callable[[Database, str], None],
) -> None:
    result = _login_with_a_change_after_bcrypt(db, settings, monkeypatch, admin, change)

    assert result.status is admin_auth.LoginStatus.REFUSED
    assert audit.events(db, action="login_succeeded") == []
    assert len(audit.events(db, action="login_failed")) == 1


def test_a_login_checked_before_a_password_change_gets_no_session_after_it(
    db: Database, settings: Settings, admin: str
) -> None:
    """The change lands between the login's answer and the session's creation."""
    result = admin_auth.login(db, settings, admin, ADMIN_PASSWORD)
    assert result.ok and result.generation is not None
    _change_password(db, admin)

    assert sessions.start(db, result.username, POLICY, generation=result.generation) is None
    assert rows(db) == []


def test_a_login_without_a_change_gets_a_live_session(
    db: Database, settings: Settings, admin: str
) -> None:
    result = admin_auth.login(db, settings, admin, ADMIN_PASSWORD)
    sid = sessions.start(db, result.username, POLICY, generation=result.generation)
    assert sid is not None and sessions.check(db, POLICY, sid).live


def test_a_session_carrying_an_earlier_generation_is_refused(db: Database, admin: str) -> None:
    """A session inserted with the generation read before a change (its start raced the change)
    is refused at its first check."""
    _change_password(db, admin)  # the account's generation is now 1
    with db.transaction(write=True) as session:
        session.add(
            AdminSession(
                token_hash=hashlib.sha256(b"raced").hexdigest(),
                username=admin,
                created_at=T0,
                last_seen_at=T0,
                generation=0,
            )
        )
    assert status(db, "raced", T0) is SessionStatus.REVOKED


@pytest.mark.parametrize(
    "change", [_disable, _change_password, _revoke], ids=["disabled", "password", "revoked"]
)
def test_a_change_from_a_cli_host_behind_revokes_a_session_of_a_dashboard_ahead(
    db: Database, admin: str, change: Callable[[Database, str], None]
) -> None:
    dashboard_clock = datetime.now(UTC) + SKEW  # the dashboard's host runs 3 minutes ahead
    sid = sessions.start(db, admin, POLICY, now=dashboard_clock)
    assert status(db, sid, dashboard_clock) is SessionStatus.LIVE

    change(db, admin)  # the CLI's host, on the real clock: 3 minutes behind the dashboard's

    assert status(db, sid, dashboard_clock + timedelta(seconds=1)) is SessionStatus.REVOKED


def test_a_login_on_a_dashboard_behind_the_cli_host_right_after_a_password_change_is_live(
    db: Database, settings: Settings, admin: str
) -> None:
    _change_password(db, admin)  # the CLI's host, on the real clock
    dashboard_clock = datetime.now(UTC) - SKEW  # the dashboard's host runs 3 minutes behind

    result = admin_auth.login(db, settings, admin, NEW_PASSWORD)
    sid = sessions.start(
        db, result.username, POLICY, now=dashboard_clock, generation=result.generation
    )

    assert status(db, sid, dashboard_clock) is SessionStatus.LIVE


# --- housekeeping -------------------------------------------------------------------------------


def test_sessions_dead_for_more_than_a_day_are_purged_at_the_next_login(
    db: Database, admin: str
) -> None:
    old = sessions.start(db, admin, POLICY, now=T0)
    recent = sessions.start(db, admin, POLICY, now=T0 + timedelta(hours=30))
    sessions.start(db, admin, POLICY, now=T0 + timedelta(hours=36, seconds=1))
    hashes = {row.token_hash for row in rows(db)}
    assert hashlib.sha256(old.encode()).hexdigest() not in hashes
    assert hashlib.sha256(recent.encode()).hexdigest() in hashes
    assert len(hashes) == 2


# --- the cookie's Secure attribute --------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:8501",
        "127.0.0.1",
        "localhost:8501",
        "LOCALHOST",
        "app.localhost",
        "[::1]:8501",
        "::1",
        "127.8.9.10:80",
    ],
)
def test_auto_leaves_the_cookie_unsecured_only_on_a_loopback_host(host: str) -> None:
    assert sessions.is_loopback_host(host)
    assert sessions.cookie_is_secure("auto", host) is False
    assert sessions.cookie_is_secure("true", host) is True


@pytest.mark.parametrize(
    "host",
    [
        "acces.example.org",
        "acces.example.org:443",
        "10.0.0.5:8501",
        "[2001:db8::1]:443",
        "localhost.example.org",
        "127.0.0.1.nip.io",
        "",
        None,
    ],
)
def test_auto_secures_the_cookie_on_any_other_host(host: str | None) -> None:
    assert not sessions.is_loopback_host(host)
    assert sessions.cookie_is_secure("auto", host) is True
    assert sessions.cookie_is_secure("false", host) is False
