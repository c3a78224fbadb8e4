"""Login, session checks and the guard every page calls.

The login form checks credentials through ``access_core.admin_auth.login`` (database-backed
throttling, audited); streamlit-authenticator's cookie controller keeps the login across page
reloads. Every run re-checks the session: the administrator must still be active, the session
(or cookie) must not predate their ``sessions_not_before`` (logout, password change, disable),
and 30 minutes without activity end it.
"""

from __future__ import annotations

import logging
import re
import time
from contextlib import suppress
from datetime import UTC, datetime

import jwt
import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit_authenticator.controllers import CookieController

from access_core import admin_auth
from access_core.admin_auth import LoginStatus
from access_core.config import cookie_key
from access_core.db import Database
from access_core.i18n import t
from access_ui import context
from access_ui.feedback import call_or_stop

log = logging.getLogger("access_ui")
COOKIE_NAME = "acces_apprenants_auth"
AUTH_STATUS = "authentication_status"
USERNAME = "username"
LOGIN_AT = "login_at"
LAST_SEEN = "last_seen"
ENTRY_POINT = "dashboard.py"
LOGOUT_REQUESTED = "logout_requested"
NOTICE = "auth_notice"
COOKIE_TOKEN = "auth_cookie_token"  # noqa: S105 - a session-state key


def cookie_name() -> str:
    """The login cookie's name; under a base URL path (``serve --base-url-path``) the path is
    part of it, so two instances on one host do not overwrite each other's cookie (the
    cookie component always sets it on the path ``/``)."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    suffix = re.sub(r"[^A-Za-z0-9]+", "_", base).strip("_")
    return f"{COOKIE_NAME}_{suffix}" if suffix else COOKIE_NAME


def _db(lang: str) -> Database:
    return call_or_stop(lang, context.database)


def current_username() -> str | None:
    """The logged-in username of this session, or None."""
    if st.session_state.get(AUTH_STATUS) is True:
        username = st.session_state.get(USERNAME)
        return str(username) if username else None
    return None


def _cookies(lang: str) -> CookieController:
    settings = context.settings()
    key = call_or_stop(lang, cookie_key, settings)  # refuses a key shorter than 32 bytes
    st.session_state.setdefault("logout", None)  # read by the cookie controller
    return CookieController(cookie_name(), key, settings.session_hours / 24)


def _emit_cookie(cookies: CookieController) -> None:
    """Render the cookie-setting component with the same token on every run of the session,
    so its frame lives long enough to store the cookie whatever the user does next."""
    token = st.session_state.get(COOKIE_TOKEN)
    if token:
        token_value, expires_at = token
        cookies.cookie_model.cookie_manager.set(
            cookie_name(), token_value, expires_at=datetime.fromtimestamp(expires_at)
        )


def _issue_cookie(cookies: CookieController, username: str, issued_at: float) -> None:
    """A login cookie signed with the cookie key, in streamlit-authenticator's format."""
    settings = context.settings()
    expires_at = issued_at + settings.session_hours * 3600
    token = jwt.encode(
        {"username": username, "exp_date": expires_at}, cookies.cookie_model.cookie_key,
        algorithm="HS256",
    )
    st.session_state[COOKIE_TOKEN] = (token, expires_at)
    _emit_cookie(cookies)


def _start_session(username: str, issued_at: float) -> None:
    st.session_state.pop(NOTICE, None)
    st.session_state[AUTH_STATUS] = True
    st.session_state[USERNAME] = username
    st.session_state[LOGIN_AT] = issued_at
    st.session_state[LAST_SEEN] = time.time()
    st.session_state["logout"] = None


def _end_session(cookies: CookieController, notice_key: str | None, revoke: bool) -> None:
    username = current_username()
    if revoke and username:
        with suppress(Exception):  # the session ends here even if the database is down
            admin_auth.revoke_sessions(context.database(), username, username, notice_key or "")
    for key in (AUTH_STATUS, USERNAME, LOGIN_AT, LAST_SEEN, COOKIE_TOKEN):
        st.session_state.pop(key, None)
    st.session_state["logout"] = True  # this browser session no longer reads the cookie
    cookies.delete_cookie()
    if notice_key:
        st.session_state[NOTICE] = notice_key


def request_logout() -> None:
    st.session_state[LOGOUT_REQUESTED] = True


def _expiry() -> str | None:
    """Why this session has timed out (idle, or past its absolute lifetime), if it has."""
    settings = context.settings()
    now = time.time()
    if now - float(st.session_state.get(LAST_SEEN, 0)) > settings.idle_timeout_minutes * 60:
        return "session_idle"
    if now - float(st.session_state.get(LOGIN_AT, 0)) > settings.session_hours * 3600:
        return "session_revoked"
    return None


def _check_live_session(cookies: CookieController, lang: str) -> bool:
    if st.session_state.pop(LOGOUT_REQUESTED, False):
        _end_session(cookies, "logged_out", revoke=True)
        return False
    now = time.time()
    expired = _expiry()
    if expired is not None:
        _end_session(cookies, expired, revoke=expired == "session_idle")
        return False
    issued = datetime.fromtimestamp(float(st.session_state.get(LOGIN_AT, 0)), UTC)
    username = current_username()
    if not call_or_stop(lang, admin_auth.session_is_valid, _db(lang), username, issued):
        _end_session(cookies, "session_revoked", revoke=False)
        return False
    st.session_state[LAST_SEEN] = now
    _emit_cookie(cookies)
    return True


def _resume_from_cookie(cookies: CookieController, lang: str) -> bool:
    try:
        token = cookies.get_cookie()
    except jwt.PyJWTError as exc:
        # streamlit-authenticator only catches a bad signature: a token with another
        # algorithm (« alg: none », HS512...) raises here. A forged cookie means no login,
        # never an error page instead of the login form.
        log.warning("login cookie refused: %s", type(exc).__name__)
        return False
    if not token or not isinstance(token, dict) or "exp_date" not in token:
        return False
    settings = context.settings()
    issued_at = float(token["exp_date"]) - settings.session_hours * 3600
    if issued_at > time.time() + 60:  # longer than any cookie this server issues
        cookies.delete_cookie()
        return False
    issued = datetime.fromtimestamp(issued_at, UTC)
    username = str(token.get("username", ""))
    if call_or_stop(lang, admin_auth.session_is_valid, _db(lang), username, issued):
        _start_session(username, issued_at)
        return True
    cookies.delete_cookie()
    return False


def login_gate(lang: str) -> bool:
    """True when an active administrator is logged in; else renders the login form."""
    context.bind_client()
    cookies = _cookies(lang)
    if current_username() is not None:
        if _check_live_session(cookies, lang):
            return True
    elif st.session_state.get("logout") is not True and _resume_from_cookie(cookies, lang):
        return True
    notice = st.session_state.get(NOTICE)  # kept until the next login: reruns don't hide it
    if notice:
        st.info(t(notice, lang))
    return _login_form(cookies, lang)


def _login_form(cookies: CookieController, lang: str) -> bool:
    placeholder = st.empty()
    with placeholder.container(), st.form("login", clear_on_submit=False):
        st.title(t("app_title", lang))
        st.subheader(t("login_form", lang))
        username = st.text_input(t("login_username", lang), autocomplete="username")
        password = st.text_input(t("login_password", lang), type="password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(t("login_submit", lang), type="primary")
    if not submitted:
        return False
    if not username or not password:
        st.error(t("login_failed", lang))
        return False
    settings = context.settings()
    result = call_or_stop(lang, admin_auth.login, _db(lang), settings, username, password)
    if result.status is LoginStatus.OK:
        now = time.time()
        _start_session(result.username, now)
        _issue_cookie(cookies, result.username, now)
        placeholder.empty()
        return True
    if result.status is LoginStatus.LOCKED and result.locked_until is not None:
        until = result.locked_until.astimezone(settings.tz).strftime("%H:%M")
        st.error(t("login_locked", lang, until=until))
    else:
        st.error(t("login_failed", lang))
    return False


def require_admin() -> str:
    """Stop this run, showing only a notice, unless an active administrator is logged in.

    Every page calls this first, so a page opened by URL without the login runs nothing.
    """
    context.bind_client()
    lang = context.language()
    username = current_username()
    issued = datetime.fromtimestamp(float(st.session_state.get(LOGIN_AT, 0)), UTC)
    if (
        username is None
        or _expiry() is not None
        or not call_or_stop(lang, admin_auth.session_is_valid, _db(lang), username, issued)
    ):
        st.warning(t("login_required", lang))
        if username is None:
            _to_login_form()
        st.stop()
    return username


def _to_login_form() -> None:
    """On a fresh server Streamlit may run a ``pages/`` file by its URL before the entry
    point has declared the navigation: send the visitor to the entry point's login form."""
    # Once the navigation is declared (or without entry point, as in a page test), stay here.
    with suppress(StreamlitAPIException):
        st.switch_page(ENTRY_POINT)
