"""The dashboard's session rules, driven with Streamlit's AppTest on real (SQLite) databases.

Idle timeout, absolute lifetime, revocation (password change, disabled account, outside
revocation), logout, login throttling through the form, over-long passwords, the expired
initial password status and the journalled identifier download. Time is moved by editing the
server session's row (``admin_sessions``: start and last activity), never by sleeping.

A cookie forged with a wrong key cannot be sent through AppTest (``st.context.cookies`` is not
settable there): the browser tests cover it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from access_core.accounts import admin_login as admin_auth
from access_core.accounts import admins, sessions
from access_core.audit import events as audit
from access_core.db.models import AdminSession
from access_core.db.unit_of_work import Database
from access_core.documents.workbook import EXPORT_ACTION
from access_core.text.catalogue import t
from access_ui.session import SESSION_ID, USERNAME
from tests.support.factories import ADMIN_PASSWORD, TEST_ROUNDS, add_class, add_learner
from tests.support.pages import (
    LOGIN_FAILED,
    PASSWORD_COLUMN,
    STATUS_INITIAL,
    Deferred,
    age_session,
    assert_no_school_data,
    dashboard,
    editor_frame,
    last_download,
    live_session,
    logged_in,
    login_through_form,
    no_exception,
    page,
    texts,
)
from tests.support.school import School

pytestmark = pytest.mark.usefixtures("started_server")  # reruns go through dashboard.py


LOGIN_LABELS = ["Identifiant", "Mot de passe"]
IDLE_NOTICE = "Session fermée après 30 minutes d'inactivité : reconnectez-vous."
REVOKED_NOTICE = t("session_revoked", "fr")
LOGGED_OUT_NOTICE = "Vous êtes déconnecté."
LOCKED_PREFIX = "Trop d'échecs de connexion"
STATUS_EXPIRED = "Initial — expiré"
OTHER_PASSWORD = "another long password"


def session_row(db: Database, at: AppTest) -> AdminSession:
    """The server's row of the session ``at`` holds."""
    digest = sessions._digest(str(at.session_state[SESSION_ID]))
    with db.transaction() as session:
        row = session.scalar(select(AdminSession).where(AdminSession.token_hash == digest))
        assert row is not None
        return row


def session_at(db: Database, login_ago: timedelta, seen_ago: timedelta, username: str) -> AppTest:
    """The dashboard with the session of ``username``, logged in ``login_ago`` and last seen
    ``seen_ago`` before now."""
    at = live_session(dashboard(), username)
    age_session(db, at, login_ago, seen_ago)
    return at


def live(db: Database, at: AppTest) -> bool:
    """Whether the server still accepts the session id ``at`` held (a cookie carrying it)."""
    policy = sessions.SessionPolicy(timedelta(minutes=30), timedelta(hours=12))
    return sessions.check(db, policy, session_row_id(at), touch=False).live


def session_row_id(at: AppTest) -> str:
    return str(at.session_state[SESSION_ID])


def session_row_id_row(db: Database, session_id: str) -> AdminSession:
    digest = sessions._digest(session_id)
    with db.transaction() as session:
        row = session.scalar(select(AdminSession).where(AdminSession.token_hash == digest))
        assert row is not None
        return row


def assert_shows_the_school(at: AppTest) -> None:
    no_exception(at)
    assert logged_in(at)
    assert not [w for w in at.text_input if w.label in LOGIN_LABELS]  # no login form
    assert at.selectbox(key="class_id").label == "Classe"


def assert_login_form_only(at: AppTest) -> None:
    no_exception(at)
    assert not logged_in(at)
    assert USERNAME not in at.session_state and SESSION_ID not in at.session_state
    assert [w.label for w in at.text_input] == LOGIN_LABELS
    assert not at.get("download_button")
    assert_no_school_data(at)


# --- idle timeout -----------------------------------------------------------------------------


def test_31_idle_minutes_end_the_session_on_the_server(
    app_school: School, app_db: Database, admin: str
) -> None:
    at = session_at(app_db, timedelta(minutes=31), timedelta(minutes=31), admin)
    held = session_row_id(at)

    at.run()

    assert_login_form_only(at)
    assert texts(at.info) == [IDLE_NOTICE]
    # The server-side end: the cookie holding that session id is refused from now on.
    row = session_row_id_row(app_db, held)
    assert row.end_reason == "idle" and row.ended_at is not None
    (event,) = audit.events(app_db, action=sessions.SESSION_ENDED_ACTION)
    assert (event.actor, event.details) == (admin, {"reason": "idle"})
    at.run()  # the next run stays logged out; the notice stays until the next login (a rerun
    # must not hide it), shown once
    assert_login_form_only(at)
    assert texts(at.info) == [IDLE_NOTICE]


def test_29_idle_minutes_keep_the_session(app_school: School, app_db: Database, admin: str) -> None:
    at = session_at(app_db, timedelta(minutes=29), timedelta(minutes=29), admin)
    before = datetime.now(UTC)

    at.run()

    assert_shows_the_school(at)
    assert not at.info
    assert session_row(app_db, at).last_seen_at >= before  # the activity is recorded
    assert live(app_db, at)
    assert not audit.events(app_db, action=sessions.SESSION_ENDED_ACTION)


def test_a_new_browser_session_with_the_same_session_id_gets_no_fresh_idle_clock(
    app_school: School, app_db: Database, admin: str
) -> None:
    """A reload is a new Streamlit session holding the same session id (from the cookie):
    the idle time counts from the last activity the server recorded, not from the reload."""
    first = live_session(dashboard(), admin).run()
    assert_shows_the_school(first)
    age_session(app_db, first, timedelta(minutes=40), timedelta(minutes=31))
    reloaded = dashboard()
    reloaded.session_state[SESSION_ID] = first.session_state[SESSION_ID]
    reloaded.session_state[USERNAME] = admin

    reloaded.run()

    assert_login_form_only(reloaded)
    assert texts(reloaded.info) == [IDLE_NOTICE]


@pytest.mark.parametrize(
    ("minutes", "notice"),
    [
        ("1", "Session fermée après 1 minute d'inactivité : reconnectez-vous."),
        ("45", "Session fermée après 45 minutes d'inactivité : reconnectez-vous."),
    ],
)
def test_the_idle_notice_names_the_configured_timeout(
    app_school: School,
    app_env: pytest.MonkeyPatch,
    app_db: Database,
    admin: str,
    minutes: str,
    notice: str,
) -> None:
    app_env.setenv("ACCESS_IDLE_TIMEOUT_MINUTES", minutes)
    idle = timedelta(minutes=int(minutes), seconds=30)
    at = session_at(app_db, idle, idle, admin)

    at.run()

    assert_login_form_only(at)
    assert texts(at.info) == [notice]


# --- absolute lifetime --------------------------------------------------------------------------


def test_a_session_older_than_12_hours_ends_even_when_active(
    app_school: School, app_db: Database, admin: str
) -> None:
    at = session_at(app_db, timedelta(hours=12, minutes=1), timedelta(seconds=5), admin)

    at.run()

    assert_login_form_only(at)
    assert texts(at.info) == [REVOKED_NOTICE]


def test_an_active_session_younger_than_12_hours_goes_on(
    app_school: School, app_db: Database, admin: str
) -> None:
    at = session_at(app_db, timedelta(hours=11, minutes=59), timedelta(seconds=5), admin)
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
    app_school: School, app_db: Database, admin: str, outside_change: object
) -> None:
    at = live_session(dashboard(), admin).run()
    assert_shows_the_school(at)

    outside_change(app_db, admin)  # type: ignore[operator]  # e.g. the CLI, another server
    at.run()

    assert_login_form_only(at)
    assert texts(at.info) == [REVOKED_NOTICE]


# --- logout -----------------------------------------------------------------------------------


def test_logging_out_shows_the_form_ends_the_session_and_revokes_every_earlier_one(
    app_school: School, app_db: Database, admin: str
) -> None:
    earlier = live_session(dashboard(), admin).run()  # e.g. another browser, still open
    at = live_session(dashboard(), admin).run()
    assert_shows_the_school(at)
    held = session_row_id(at)
    logout = at.button(key="logout_button")
    assert logout.label == "Se déconnecter"

    logout.click()
    at.run()

    assert_login_form_only(at)
    assert texts(at.info) == [LOGGED_OUT_NOTICE]
    assert session_row_id_row(app_db, held).end_reason == "logout"
    # Every session issued before the logout (another browser's included) is refused.
    assert not live(app_db, earlier)
    (event,) = audit.events(app_db, action="sessions_revoked")
    assert event.actor == admin
    at.run()
    assert_login_form_only(at)
    earlier.run()
    assert_login_form_only(earlier)


def test_logging_in_again_after_logging_out_works(app_school: School, admin: str) -> None:
    at = live_session(dashboard(), admin).run()
    at.button(key="logout_button").click()
    at.run()
    login_through_form(at, admin, ADMIN_PASSWORD)
    assert_shows_the_school(at)


def test_a_password_changed_between_the_login_and_its_session_opens_nothing(
    app_school: School, app_db: Database, admin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's ``set-password`` lands after the form's login has verified the old password
    and before the dashboard opens the session (the hook runs it there: no sleep)."""
    real_login = admin_auth.login

    def login_then_password_changed(*args: object, **kwargs: object) -> admin_auth.LoginResult:
        result = real_login(*args, **kwargs)  # type: ignore[arg-type]
        admins.set_password(app_db, admin, OTHER_PASSWORD, TEST_ROUNDS)
        return result

    monkeypatch.setattr(admin_auth, "login", login_then_password_changed)
    at = dashboard().run()
    login_through_form(at, admin, ADMIN_PASSWORD)

    assert texts(at.error) == [LOGIN_FAILED]
    assert_login_form_only(at)
    with app_db.transaction() as session:
        assert session.scalars(select(AdminSession)).all() == []


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
    app_school: School, app_db: Database, admin: str
) -> None:
    at = dashboard().run()
    shown = _messages_of_attempts(at, admin, ["wrong password!"] * 5 + [ADMIN_PASSWORD])

    assert shown[:4] == [LOGIN_FAILED] * 4
    assert all(m.startswith(LOCKED_PREFIX) for m in shown[4:]), shown
    assert not logged_in(at)
    assert_login_form_only(at)
    assert audit.events(app_db, action="login_refused_locked")
    assert not audit.events(app_db, action="login_succeeded")


def test_an_unknown_username_gets_the_same_messages(app_school: School, admin: str) -> None:
    known = _messages_of_attempts(
        dashboard().run(), admin, ["wrong password!"] * 5 + [ADMIN_PASSWORD]
    )
    at = dashboard().run()
    unknown = _messages_of_attempts(at, "nobody", ["wrong password!"] * 5 + [ADMIN_PASSWORD])

    assert unknown == known
    assert all(m.startswith(LOCKED_PREFIX) for m in unknown[4:]), unknown
    assert not logged_in(at)


def test_a_password_over_72_bytes_is_a_plain_failure(
    app_school: School, app_db: Database, admin: str
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
    app_school: School, app_db: Database, admin: str, deferred: list[Deferred]
) -> None:
    at = page(admin).run()
    at.selectbox(key="class_id").select(app_school.class_a)
    at.run()
    no_exception(at)
    assert not audit.events(app_db, action=EXPORT_ACTION)  # showing the button records nothing

    last_download(deferred, ".xlsx").make()  # the browser asks for the file

    (event,) = audit.events(app_db, action=EXPORT_ACTION)
    assert event.actor == admin
    assert event.details == {"class": "6e A", "learners": 3}
    at.run()  # a rerun without a download records nothing more
    assert len(audit.events(app_db, action=EXPORT_ACTION)) == 1
