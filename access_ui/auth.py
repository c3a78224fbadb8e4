"""Login (streamlit-authenticator over the ``admins`` table) and the guard every page calls."""

from __future__ import annotations

import logging
from contextlib import suppress
from typing import Any

import streamlit as st
import streamlit_authenticator as stauth
from streamlit.errors import StreamlitAPIException

from access_core.admins import active_admin_accounts, is_active_admin
from access_core.config import cookie_key
from access_core.i18n import t
from access_ui import context
from access_ui.feedback import call_or_stop

log = logging.getLogger("access_ui")
COOKIE_NAME = "acces_apprenants_auth"
COOKIE_LIFETIME_DAYS = 0.5  # 12 hours
AUTH_STATUS = "authentication_status"
USERNAME = "username"
ENTRY_POINT = "dashboard.py"


def current_username() -> str | None:
    """The logged-in username of this session, or None."""
    if st.session_state.get(AUTH_STATUS) is True:
        username = st.session_state.get(USERNAME)
        return str(username) if username else None
    return None


def _credentials() -> dict[str, Any]:
    accounts = active_admin_accounts(context.database())
    return {
        "usernames": {
            a.username: {
                "name": a.display_name or a.username,
                "password": a.password_hash,
                "email": f"{a.username}@localhost",
                "failed_login_attempts": 0,
                "logged_in": False,
            }
            for a in accounts
        }
    }


def _authenticator(lang: str) -> stauth.Authenticate:
    settings = context.settings()
    credentials = call_or_stop(lang, _credentials)
    key = call_or_stop(lang, cookie_key, settings)
    return stauth.Authenticate(
        credentials,
        cookie_name=COOKIE_NAME,
        cookie_key=key,
        cookie_expiry_days=COOKIE_LIFETIME_DAYS,
        auto_hash=False,
        login_sleep_time=0,
    )


def login_gate(lang: str) -> stauth.Authenticate | None:
    """Render the login form unless logged in. Returns the authenticator once logged in."""
    authenticator = _authenticator(lang)
    fields = {
        "Form name": t("login_form", lang),
        "Username": t("login_username", lang),
        "Password": t("login_password", lang),
        "Login": t("login_submit", lang),
    }
    try:
        authenticator.login(location="main", fields=fields, key="login")
    except Exception:  # noqa: BLE001 - e.g. an over-long password: a plain failure
        log.info("login attempt failed with an error", exc_info=True)
        st.session_state[AUTH_STATUS] = False
    status = st.session_state.get(AUTH_STATUS)
    if status is False:
        st.error(t("login_failed", lang))
    username = current_username()
    if username is None:
        return None
    if not call_or_stop(lang, is_active_admin, context.database(), username):
        st.session_state[AUTH_STATUS] = None
        st.error(t("error_not_authorized", lang))
        return None
    return authenticator


def require_admin() -> str:
    """Stop this run, showing only a notice, unless an active administrator is logged in.

    Every page calls this first, so a page opened by URL without the login runs nothing.
    """
    lang = context.language()
    username = current_username()
    if username is None or not call_or_stop(
        lang, is_active_admin, context.database(), username
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
