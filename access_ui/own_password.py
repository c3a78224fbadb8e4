"""The form an account whose password someone else chose (created or reset by a colleague)
fills in before anything else: its own new password, twice. ``dashboard.py`` shows it as the
page of every URL while ``must_change_password`` holds; the services refuse the account
meanwhile (``admins.require_active_account``)."""

from __future__ import annotations

import streamlit as st

from access_core.accounts import staff_access
from access_core.text.catalogue import t
from access_ui import context, session
from access_ui.feedback import show_error


def own_password_page() -> None:
    lang = context.language()
    username = session.require_live_session_for_password()
    st.title(t("own_password_title", lang))
    st.info(t("own_password_intro", lang))
    with st.form("own_password", clear_on_submit=True):
        new = st.text_input(
            t("own_password_new", lang), type="password", autocomplete="new-password"
        )
        again = st.text_input(
            t("own_password_again", lang), type="password", autocomplete="new-password"
        )
        submitted = st.form_submit_button(t("own_password_submit", lang), type="primary")
    if not submitted:
        return
    held = session.session_id()
    try:
        staff_access.change_own_password(
            context.database(), context.settings(), username, held or "", new, again
        )
    except Exception as exc:  # noqa: BLE001 - every failure becomes a message
        show_error(exc, lang)
        return
    st.rerun(scope="app")
