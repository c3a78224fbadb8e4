"""Streamlit entry point: page config, login, then navigation over the pages.

Run with ``streamlit run dashboard.py``. Until an administrator logs in, the only page is the
login form, whatever URL was opened; each page also guards itself (access_ui.auth.require_admin).
"""

from __future__ import annotations

import streamlit as st

from access_core.i18n import t
from access_ui import context
from access_ui.auth import current_username, login_gate
from access_ui.language import language_selector

st.set_page_config(page_title="Accès apprenants", page_icon="🔑", layout="wide")
lang = context.language()
with st.sidebar:
    language_selector(lang)

if current_username() is None:
    st.title(t("app_title", lang))
# (script, title key, URL path, icon); the first is the default page.
PAGES = [
    ("pages/learner_access.py", "page_learner_access", "learner_access", "🔑"),
]

authenticator = login_gate(lang)
if authenticator is None:
    # Every page URL leads to the login form (and keeps its URL for after the login);
    # no page script runs.
    st.navigation(
        [
            st.Page(lambda: None, title=t("login_form", lang), url_path=url, default=i == 0)
            for i, (_, _, url, _) in enumerate(PAGES)
        ],
        position="hidden",
    )
    st.stop()

navigation = st.navigation(
    [
        st.Page(script, title=t(title, lang), icon=icon, url_path=url, default=i == 0)
        for i, (script, title, url, icon) in enumerate(PAGES)
    ]
)
with st.sidebar:
    st.caption(t("logged_in_as", lang, username=current_username()))
    authenticator.logout(t("logout", lang), location="sidebar", key="logout")
navigation.run()
