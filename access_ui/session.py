"""The one accessor of the administrator's session: who is logged in, and is the session live.

Every page run (through ``auth.login_gate`` and ``auth.require_admin``), every rerun of the
main page's class view and every confirmation dialog (fragments: they rerun alone, so they call
``require_live_session`` themselves) and every deferred download callable asks
the same question, answered by ``access_core.accounts.sessions.check`` from the database: idle
timeout,
absolute lifetime, logout and revocation. Nothing else reads these session-state keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

import streamlit as st

from access_core.accounts import sessions
from access_core.errors import NotAuthorized
from access_core.text.catalogue import t
from access_ui import context

SESSION_ID = "admin_session_id"
USERNAME = "admin_username"
NOTICE = "auth_notice"


def current_admin() -> str | None:
    """The username this browser session logged in as (not checked: see ``live_admin``)."""
    if st.session_state.get(SESSION_ID):
        username = st.session_state.get(USERNAME)
        return str(username) if username else None
    return None


def session_id() -> str | None:
    value = st.session_state.get(SESSION_ID)
    return str(value) if value else None


def policy() -> sessions.SessionPolicy:
    return sessions.SessionPolicy.from_settings(context.settings())


def check(touch: bool = True) -> sessions.SessionCheck:
    """The server's verdict on this browser session (``access_core.accounts.sessions.check``)."""
    return sessions.check(context.database(), policy(), session_id(), touch=touch)


def begin(username: str, new_session_id: str) -> None:
    """Remember in this browser session the server session it holds."""
    st.session_state.pop(NOTICE, None)
    st.session_state[SESSION_ID] = new_session_id
    st.session_state[USERNAME] = username


def forget(notice_key: str | None = None) -> None:
    """Drop the session from this browser session; ``notice_key`` is shown with the login."""
    for key in (SESSION_ID, USERNAME):
        st.session_state.pop(key, None)
    if notice_key:
        st.session_state[NOTICE] = notice_key


def notice() -> str | None:
    value = st.session_state.get(NOTICE)
    return str(value) if value else None


def notice_for(status: sessions.SessionStatus) -> str:
    """The notice key telling why a session is over."""
    return "session_idle" if status is sessions.SessionStatus.IDLE else "session_revoked"


def notice_text(key: str, lang: str) -> str:
    if key == "session_idle":
        minutes = context.settings().idle_timeout_minutes
        unit = "minutes_one" if minutes == 1 else "minutes_many"
        return t(key, lang, duration=t(unit, lang, count=minutes))
    return t(key, lang)


def require_live_session() -> str:
    """The logged-in administrator, for code that runs outside a full page run (a dialog's
    buttons): when the session is no longer live, it is forgotten, a notice explains why, and
    the whole app reruns to the login form; nothing after this call runs."""
    verdict = check()
    if verdict.live and verdict.username and not verdict.must_change_password:
        return verdict.username
    if verdict.live:  # its own password first: the whole app reruns to that form
        st.rerun(scope="app")
    _refuse(verdict.status)


def require_live_session_for_password() -> str:
    """``require_live_session`` for the own-password form: a live session that must still
    choose its password is what it expects."""
    verdict = check()
    if verdict.live and verdict.username:
        return verdict.username
    _refuse(verdict.status)


def _refuse(status: sessions.SessionStatus) -> NoReturn:
    """Forget the session and rerun the whole app: its login gate then shows why."""
    forget(notice_for(status))
    st.rerun(scope="app")


def live_download(make: Callable[[str], bytes]) -> Callable[[], bytes]:
    """A deferred ``download_button`` callable that checks the session when the browser asks
    for the file (later, on another thread, without session state) and then calls
    ``make(username)``; it refuses (``NotAuthorized``) once the session is over."""
    db = context.database()
    rules = policy()
    held = session_id()

    def data() -> bytes:
        verdict = sessions.check(db, rules, held)
        if not verdict.live or not verdict.username or verdict.must_change_password:
            raise NotAuthorized("the session is over")
        return make(verdict.username)

    return data
