"""Login form, login cookie, and the guard every page calls.

The login form checks credentials through ``access_core.accounts.admin_login.login``
(database-backed throttling, audited) and opens a server-side session
(``access_core.accounts.sessions``). The browser
keeps the session id in a login cookie (an HS256 JWT signed with the cookie key, in
streamlit-authenticator's format plus ``sid``), written by a script in the page
(``access_ui.login_cookie``) with an explicit UTC expiry, ``SameSite=Strict`` and ``Secure`` per
``ACCESS_COOKIE_SECURE``, and read back from the request (``st.context.cookies``). Every run,
dialog and download asks ``access_ui.session`` whether the session is live: idle timeout,
lifetime, logout and revocation are decided by the database, so a reload, a new tab or a
reopened browser gets no more time than the session had.
"""

from __future__ import annotations

import logging
import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
import streamlit as st
from streamlit.errors import StreamlitAPIException

from access_core.accounts import admin_login as admin_auth
from access_core.accounts import sessions
from access_core.accounts.admin_login import LoginStatus
from access_core.config import LOCAL_LOGIN_BREAKGLASS, LOCAL_LOGIN_OFF, cookie_key
from access_core.db.unit_of_work import Database
from access_core.text.catalogue import t
from access_ui import context, login_cookie, oidc, session, warmup
from access_ui.feedback import call_or_stop

log = logging.getLogger("access_ui")
COOKIE_NAME = "acces_apprenants_auth"
ENTRY_POINT = "dashboard.py"
LOGOUT_REQUESTED = "logout_requested"
COOKIE_TOKEN = "auth_cookie_token"  # noqa: S105 - a session-state key


def cookie_name() -> str:
    """The login cookie's name; under a base URL path (``serve --base-url-path``) the path is
    part of it, so two instances on one host do not overwrite each other's cookie (it is
    always set on the path ``/``: ``access_ui.login_cookie``)."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    suffix = re.sub(r"[^A-Za-z0-9]+", "_", base).strip("_")
    return f"{COOKIE_NAME}_{suffix}" if suffix else COOKIE_NAME


def _db(lang: str) -> Database:
    return call_or_stop(lang, context.database)


def current_username() -> str | None:
    """The logged-in username of this session, or None."""
    return session.current_admin()


def _key(lang: str) -> str:
    return call_or_stop(lang, cookie_key, context.settings())  # refuses a key under 32 bytes


def _host() -> str | None:
    with suppress(Exception):  # no request context (AppTest)
        return st.context.headers.get("Host")
    return None


def _emit_cookie() -> None:
    """Write the login cookie with the same token on every run of the session (the same
    element: the browser runs its script once), so that it is stored whatever the user does
    next, a run interrupted by a rerun included."""
    token = st.session_state.get(COOKIE_TOKEN)
    if token:
        token_value, expires_at = token
        login_cookie.set_cookie(
            cookie_name(),
            token_value,
            datetime.fromtimestamp(expires_at, UTC),
            secure=sessions.cookie_is_secure(context.settings().cookie_secure, _host()),
        )


def _issue_cookie(username: str, session_id: str, lang: str) -> None:
    """A login cookie carrying the session id, valid at most for the session's lifetime."""
    expires_at = (datetime.now(UTC) + timedelta(hours=context.settings().session_hours)).timestamp()
    token = jwt.encode(
        {"username": username, "exp_date": expires_at, "sid": session_id},
        _key(lang),
        algorithm="HS256",
    )
    st.session_state[COOKIE_TOKEN] = (token, expires_at)
    _emit_cookie()


def _delete_cookie(only_value: str | None = None) -> None:
    login_cookie.delete_cookie(cookie_name(), only_value)


def _sent_cookie() -> str | None:
    """The login cookie this tab's browser sent when it connected, if any."""
    with suppress(Exception):  # no request context (AppTest)
        sent = st.context.cookies.get(cookie_name())
        return str(sent) if sent else None
    return None


def _own_token() -> str | None:
    """The login cookie's value this tab wrote (its login), else the one its browser sent."""
    token = st.session_state.get(COOKIE_TOKEN)
    return str(token[0]) if token else _sent_cookie()


def _end_session(notice_key: str | None, *, whatever_value: bool = False) -> None:
    """Forget the session and delete its cookie: at a logout whatever cookie the browser holds
    (every session of the account ends), otherwise only while it is still this session's (a
    new login in another tab may have written another since)."""
    token = _own_token()
    if whatever_value or token is not None:
        _delete_cookie(None if whatever_value else token)
    st.session_state.pop(COOKIE_TOKEN, None)
    session.forget(notice_key)


def _drop_stale_cookie() -> None:
    """A run after a fragment or a dialog found the session over (``session._refuse`` forgot
    it and reran the app): delete this tab's cookie, which still names that session."""
    token = st.session_state.pop(COOKIE_TOKEN, None)
    if token:
        _delete_cookie(str(token[0]))


def request_logout() -> None:
    st.session_state[LOGOUT_REQUESTED] = True


def _logout() -> None:
    username = current_username()
    with suppress(Exception):  # the session ends here even if the database is down
        db = context.database()
        sessions.end(db, session.session_id(), "logout")
        if username:
            # Every earlier session and cookie of this administrator stops working too.
            admin_auth.revoke_sessions(db, username, username, "logged_out")
    _end_session("logged_out", whatever_value=True)
    oidc.end_provider_identity()


def _check_live_session(lang: str) -> sessions.SessionCheck | None:
    if st.session_state.pop(LOGOUT_REQUESTED, False):
        _logout()
        return None
    verdict = call_or_stop(lang, session.check)
    if not verdict.live:
        _end_session(session.notice_for(verdict.status))
        return None
    _emit_cookie()
    return verdict


def _cookie_session_id(lang: str) -> str | None:
    """The session id in this browser's login cookie, if its signature is the server's."""
    raw = _sent_cookie()
    if not raw:
        return None
    try:
        token = jwt.decode(raw, _key(lang), algorithms=["HS256"])
    except jwt.PyJWTError as exc:
        # A forged cookie (wrong key, « alg: none », HS512...) means no login, never an error.
        log.warning("login cookie refused: %s", type(exc).__name__)
        return None
    sid = token.get("sid") if isinstance(token, dict) else None
    return str(sid) if sid else None


def _resume_from_cookie(lang: str) -> sessions.SessionCheck | None:
    session_id = _cookie_session_id(lang)
    if session_id is None:
        return None
    verdict = call_or_stop(lang, sessions.check, _db(lang), session.policy(), session_id)
    if verdict.live and verdict.username:
        session.begin(verdict.username, session_id)
        return verdict
    _delete_cookie(_sent_cookie())  # only that session's (a cookie was sent: not None)
    if verdict.status in (sessions.SessionStatus.IDLE, sessions.SessionStatus.EXPIRED):
        session.forget(session.notice_for(verdict.status))
    return None


def _resume_from_provider(lang: str) -> bool:
    """A browser back from the provider: a session if its identity opens one (the dashboard's
    own login cookie then carries it, as after a password login)."""
    result = oidc.sign_in_from_provider(lang)
    if result is None or not result.ok or not result.username or not result.session_id:
        return False
    session.begin(result.username, result.session_id)
    _issue_cookie(result.username, result.session_id, lang)
    return True


@dataclass(frozen=True)
class Gate:
    """What the login gate found: a logged-in administrator, or the login form to show as the
    page of whatever URL was opened (``dashboard.py`` runs it through ``st.navigation``)."""

    logged_in: bool
    lang: str
    # logged in, but the account must choose its own password before anything else
    must_change_password: bool = False

    def login_page(self) -> None:
        """The login form, drawn inside a page: a widget's identity includes the page it is
        drawn in, and a form drawn before the navigation changed identity after a session's
        first run, which dropped what was typed (or filled in by a password manager) and the
        first « Se connecter ». A successful login reruns the app, which opens its first page."""
        notice = session.notice()  # kept until the next login: reruns don't hide it
        if notice:
            st.info(session.notice_text(notice, self.lang))
        st.title(t("app_title", self.lang))
        oidc.buttons(self.lang)
        local = context.settings().local_login
        if local == LOCAL_LOGIN_OFF:
            if not oidc.providers():
                st.error(t("login_local_off_no_provider", self.lang))
            return
        if _login_form(self.lang, breakglass=local == LOCAL_LOGIN_BREAKGLASS):
            st.rerun()
        warmup.start()  # the pages' imports, while the password is typed (once per process)


def login_gate(lang: str) -> Gate:
    """Whether an active administrator is logged in (a live session in this tab, or a login
    cookie of a live session); draws nothing but the login cookie's script."""
    _key(lang)  # a configuration error is shown before anything else
    context.bind_client()
    if current_username() is not None:
        verdict = _check_live_session(lang)
    else:
        _drop_stale_cookie()
        verdict = _resume_from_cookie(lang)
        if verdict is None and _resume_from_provider(lang):
            verdict = _check_live_session(lang)  # the session the provider opened
    if verdict is not None:
        return Gate(True, lang, verdict.must_change_password)
    return Gate(False, lang)


def _login_form(lang: str, breakglass: bool = False) -> bool:
    placeholder = st.empty()
    with placeholder.container(), st.form("login", clear_on_submit=False):
        st.subheader(t("login_form", lang))
        if breakglass:
            st.caption(t("login_breakglass_only", lang))
        username = st.text_input(t("login_username", lang), autocomplete="username")
        password = st.text_input(
            t("login_password", lang), type="password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("login_submit", lang), type="primary")
    if not submitted:
        return False
    if not username or not password:
        st.error(t("login_failed", lang))
        return False
    settings = context.settings()
    db = _db(lang)
    result = call_or_stop(lang, admin_auth.login, db, settings, username, password)
    if result.status is LoginStatus.OK:
        session_id = call_or_stop(
            lang,
            sessions.start,
            db,
            result.username,
            session.policy(),
            generation=result.generation,
        )
        if session_id is not None:
            session.begin(result.username, session_id)
            _issue_cookie(result.username, session_id, lang)
            placeholder.empty()
            return True
        # The password changed (or the account was disabled) while it was being checked.
        st.error(t("login_failed", lang))
        return False
    if result.status is LoginStatus.LOCKED and result.locked_until is not None:
        until = result.locked_until.astimezone(settings.tz).strftime("%H:%M")
        st.error(t("login_locked", lang, until=until))
    else:
        st.error(t("login_failed", lang))
    return False


def require_admin() -> str:
    """Stop this run, showing only a notice, unless an active administrator is logged in
    with a live session.

    Every page calls this first, so a page opened by URL without the login runs nothing.
    """
    context.bind_client()
    lang = context.language()
    username = current_username()
    verdict = None if username is None else call_or_stop(lang, session.check)
    if username is None or verdict is None or not verdict.live:
        st.warning(t("login_required", lang))
        if username is None:
            _to_login_form()
        st.stop()
    if verdict.must_change_password:  # its own password before anything else
        st.warning(t("own_password_required", lang))
        _to_login_form()
        st.stop()
    return username


def _to_login_form() -> None:
    """On a fresh server Streamlit may run a ``pages/`` file by its URL before the entry
    point has declared the navigation: send the visitor to the entry point's login form."""
    # Once the navigation is declared (or without entry point, as in a page test), stay here.
    with suppress(StreamlitAPIException):
        st.switch_page(ENTRY_POINT)
