"""The dashboard's session rules, driven with Streamlit's AppTest on real (SQLite) databases.

Idle timeout, absolute lifetime, revocation (password change, disabled account, outside
revocation), logout, login throttling through the form, over-long passwords, the expired
initial password status and the journalled identifier download. Time is moved by editing the
session's timestamps (``LOGIN_AT``, ``LAST_SEEN``) or database rows, never by sleeping.

A cookie forged with a wrong key cannot be sent through AppTest (``st.context.cookies`` is not
settable there): the browser tests cover it.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from access_core import admin_auth, admins, audit
from access_core.db import Database
from access_core.exports import EXPORT_ACTION
from access_core.i18n import t
from access_ui.auth import LAST_SEEN, LOGIN_AT, USERNAME
from tests import test_pages
from tests.factories import ADMIN_PASSWORD, TEST_ROUNDS, add_class, add_learner
from tests.test_pages import (
    LOGIN_FAILED,
    PASSWORD_COLUMN,
    STATUS_INITIAL,
    School,
    assert_no_school_data,
    dashboard,
    editor_frame,
    live_session,
    logged_in,
    login_through_form,
    no_exception,
    page,
    texts,
)

# The fixtures of tests/test_pages.py: configured app, its database, a small school.
app_env = test_pages.app_env
app_db = test_pages.app_db
school = test_pages.school

LOGIN_LABELS = ["Identifiant", "Mot de passe"]
IDLE_NOTICE = "Session fermée après 30 minutes d'inactivité : reconnectez-vous."
REVOKED_NOTICE = t("session_revoked", "fr")
LOGGED_OUT_NOTICE = "Vous êtes déconnecté."
LOCKED_PREFIX = "Trop d'échecs de connexion"
STATUS_EXPIRED = "Initial — expiré"
OTHER_PASSWORD = "another long password"


@pytest.fixture(autouse=True)
def started_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run goes through dashboard.py, as on a server that has served once.

    AppTest resets ``PagesManager.uses_pages_directory`` before each run, so each run is a fresh
    server, where Streamlit runs a ``pages/`` file requested by URL directly (multipage v1),
    without the entry point: a second run of a session that landed on a page would skip
    dashboard.py's login gate and meet only the page's own guard. On a real server the entry
    point's ``st.navigation`` turns that off for the life of the process; this models that.
    """

    class StartedPagesManager(PagesManager):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            PagesManager.uses_pages_directory = False

    monkeypatch.setattr(app_test_module, "PagesManager", StartedPagesManager)


def session_at(login_ago: timedelta, seen_ago: timedelta, username: str) -> AppTest:
    """The dashboard with the session of ``username``, logged in ``login_ago`` and last seen
    ``seen_ago`` before now."""
    at = live_session(dashboard(), username)
    now = time.time()
    at.session_state[LOGIN_AT] = now - login_ago.total_seconds()
    at.session_state[LAST_SEEN] = now - seen_ago.total_seconds()
    return at


def issued(at_epoch: float) -> datetime:
    return datetime.fromtimestamp(at_epoch, UTC)


def assert_shows_the_school(at: AppTest) -> None:
    no_exception(at)
    assert logged_in(at)
    assert not [w for w in at.text_input if w.label in LOGIN_LABELS]  # no login form
    assert at.selectbox(key="class_id").label == "Classe"


def assert_login_form_only(at: AppTest) -> None:
    no_exception(at)
    assert not logged_in(at)
    assert USERNAME not in at.session_state and LOGIN_AT not in at.session_state
    assert [w.label for w in at.text_input] == LOGIN_LABELS
    assert not at.get("download_button")
    assert_no_school_data(at)


# --- idle timeout -----------------------------------------------------------------------------


def test_31_idle_minutes_log_out_and_revoke_the_session(
    school: School, app_db: Database, admin: str
) -> None:
    at = session_at(timedelta(minutes=31), timedelta(minutes=31), admin)
    login_at = float(at.session_state[LOGIN_AT])
    assert admin_auth.session_is_valid(app_db, admin, issued(login_at))

    at.run()

    assert_login_form_only(at)
    assert texts(at.info) == [IDLE_NOTICE]
    # The server-side end: the cookie of that session (issued at login) is refused from now on.
    assert not admin_auth.session_is_valid(app_db, admin, issued(login_at))
    (event,) = audit.events(app_db, action="sessions_revoked")
    assert event.actor == admin
    at.run()  # the next run stays logged out; the notice stays until the next login (a rerun
    # triggered by the cookie component must not hide it), shown once
    assert_login_form_only(at)
    assert texts(at.info) == [IDLE_NOTICE]


def test_29_idle_minutes_keep_the_session(school: School, app_db: Database, admin: str) -> None:
    at = session_at(timedelta(minutes=29), timedelta(minutes=29), admin)
    login_at = float(at.session_state[LOGIN_AT])
    before = time.time()

    at.run()

    assert_shows_the_school(at)
    assert not at.info
    assert float(at.session_state[LAST_SEEN]) >= before  # the activity is recorded
    assert admin_auth.session_is_valid(app_db, admin, issued(login_at))
    assert not audit.events(app_db, action="sessions_revoked")


# --- absolute lifetime --------------------------------------------------------------------------


def test_a_session_older_than_12_hours_ends_even_when_active(school: School, admin: str) -> None:
    at = session_at(timedelta(hours=12, minutes=1), timedelta(seconds=5), admin)

    at.run()

    assert_login_form_only(at)
    assert texts(at.info) == [REVOKED_NOTICE]


def test_an_active_session_younger_than_12_hours_goes_on(school: School, admin: str) -> None:
    at = session_at(timedelta(hours=11, minutes=59), timedelta(seconds=5), admin)
    assert_shows_the_school(at.run())


# --- revocation from outside the session --------------------------------------------------------


def _change_password(db: Database, username: str) -> None:
    admins.set_password(db, username, OTHER_PASSWORD, TEST_ROUNDS)


def _disable(db: Database, username: str) -> None:
    admins.disable_admin(db, username)


def _revoke(db: Database, username: str) -> None:
    admin_auth.revoke_sessions(db, username, "system", "test")


@pytest.mark.parametrize(
    "outside_change",
    [_change_password, _disable, _revoke],
    ids=["password-changed", "admin-disabled", "sessions-revoked"],
)
def test_a_live_session_ends_when_revoked_from_outside(
    school: School, app_db: Database, admin: str, outside_change: object
) -> None:
    at = live_session(dashboard(), admin).run()
    assert_shows_the_school(at)

    outside_change(app_db, admin)  # type: ignore[operator]  # e.g. the CLI, another server
    at.run()

    assert_login_form_only(at)
    assert texts(at.info) == [REVOKED_NOTICE]


# --- logout -----------------------------------------------------------------------------------


def test_logging_out_shows_the_form_and_revokes_every_earlier_cookie(
    school: School, app_db: Database, admin: str
) -> None:
    at = live_session(dashboard(), admin).run()
    assert_shows_the_school(at)
    login_at = float(at.session_state[LOGIN_AT])
    logout = at.button(key="logout_button")
    assert logout.label == "Se déconnecter"

    logout.click()
    at.run()

    assert_login_form_only(at)
    assert texts(at.info) == [LOGGED_OUT_NOTICE]
    assert not admin_auth.session_is_valid(app_db, admin, issued(login_at))
    # Any cookie issued before the logout (a copy taken an hour earlier included) is refused.
    assert not admin_auth.session_is_valid(app_db, admin, issued(login_at - 3600))
    (event,) = audit.events(app_db, action="sessions_revoked")
    assert event.actor == admin
    at.run()
    assert_login_form_only(at)


def test_logging_in_again_after_logging_out_works(school: School, admin: str) -> None:
    at = live_session(dashboard(), admin).run()
    at.button(key="logout_button").click()
    at.run()
    login_through_form(at, admin, ADMIN_PASSWORD)
    assert_shows_the_school(at)


# --- login throttling through the form ----------------------------------------------------------


def _messages_of_attempts(at: AppTest, username: str, passwords: list[str]) -> list[str]:
    """The error shown after each attempt, the lockout time (HH:MM) replaced by a marker."""
    shown = []
    for password in passwords:
        login_through_form(at, username, password)
        no_exception(at)
        (message,) = texts(at.error)
        shown.append(re.sub(r"\b\d\d:\d\d\b", "HH:MM", message))
    return shown


def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(
    school: School, app_db: Database, admin: str
) -> None:
    at = dashboard().run()
    shown = _messages_of_attempts(at, admin, ["wrong password!"] * 5 + [ADMIN_PASSWORD])

    assert shown[:4] == [LOGIN_FAILED] * 4
    assert all(m.startswith(LOCKED_PREFIX) for m in shown[4:]), shown
    assert not logged_in(at)
    assert_login_form_only(at)
    assert audit.events(app_db, action="login_refused_locked")
    assert not audit.events(app_db, action="login_succeeded")


def test_an_unknown_username_gets_the_same_messages(school: School, admin: str) -> None:
    known = _messages_of_attempts(
        dashboard().run(), admin, ["wrong password!"] * 5 + [ADMIN_PASSWORD]
    )
    at = dashboard().run()
    unknown = _messages_of_attempts(at, "nobody", ["wrong password!"] * 5 + [ADMIN_PASSWORD])

    assert unknown == known
    assert all(m.startswith(LOCKED_PREFIX) for m in unknown[4:]), unknown
    assert not logged_in(at)


def test_a_password_over_72_bytes_is_a_plain_failure(
    school: School, app_db: Database, admin: str
) -> None:
    # bcrypt reads 72 bytes at most: an older bcrypt would accept any longer password starting
    # with the 72 bytes of this admin's, a newer one raises. Both must be a plain failure.
    admins.create_admin(app_db, "euro", "€" * 24, TEST_ROUNDS)  # 24 characters, 72 bytes
    password = "€" * 25  # 75 bytes
    assert len(password.encode()) == 75
    at = dashboard().run()
    login_through_form(at, "euro", password)

    no_exception(at)
    assert texts(at.error) == [LOGIN_FAILED]
    assert_login_form_only(at)
    assert len(audit.events(app_db, action="login_failed")) == 1

    login_through_form(at, "euro", "€" * 24)  # the real one, at exactly 72 bytes, still works
    assert_shows_the_school(at)


# --- the password status column -----------------------------------------------------------------


def test_an_initial_password_older_than_60_days_shows_as_expired(
    app_db: Database, admin: str
) -> None:
    now = datetime.now(UTC)
    class_id = add_class(app_db, "5e C")
    old = add_learner(
        app_db,
        "Ancien",
        "Adam",
        class_name="5e C",
        login="adam.ancien",
        password_changed_at=now - timedelta(days=61),
    )
    recent = add_learner(
        app_db,
        "Recent",
        "Rose",
        class_name="5e C",
        login="rose.recent",
        password_changed_at=now - timedelta(days=1),
    )
    at = page(admin).run()
    no_exception(at)

    frame = editor_frame(at, f"editor:class-{class_id}:0")
    assert dict(zip(frame.index, frame[PASSWORD_COLUMN], strict=True)) == {
        old: STATUS_EXPIRED,
        recent: STATUS_INITIAL,
    }


# --- the identifier download is journalled ------------------------------------------------------


def test_downloading_the_identifiers_records_who_took_which_class(
    school: School, app_db: Database, admin: str
) -> None:
    at = page(admin).run()
    at.selectbox(key="class_id").select(school.class_a)
    at.run()
    no_exception(at)
    assert not audit.events(app_db, action=EXPORT_ACTION)  # showing the button records nothing

    # AppTest's DownloadButton.click() sends the click trigger: the button's on_click runs.
    at.download_button(key="download_identifiers").click()
    at.run()

    no_exception(at)
    (event,) = audit.events(app_db, action=EXPORT_ACTION)
    assert event.actor == admin
    assert event.details == {"class": "6e A", "learners": 3}
    at.run()  # a rerun without a click records nothing more
    assert len(audit.events(app_db, action=EXPORT_ACTION)) == 1
