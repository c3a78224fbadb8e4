"""Streamlit entry point: page config, login, then navigation over the pages.

Run with ``streamlit run dashboard.py``. Until an administrator logs in, every URL shows the
login form (as a page of that URL); each page also guards itself (access_ui.auth.require_admin).
"""

from __future__ import annotations

import streamlit as st

from access_core.text.catalogue import t
from access_ui import context
from access_ui.auth import current_username, login_gate, request_logout
from access_ui.language import language_selector
from access_ui.own_password import own_password_page
from access_ui.school_choice import actor_view
from access_ui.wording import t_literal

st.set_page_config(page_title="Accès apprenants", page_icon="🔑", layout="wide")
lang = context.language()
with st.sidebar:
    language_selector(lang)

# (script, title key, URL path, icon); ``/`` opens the first. Each URL path is the file
# name, as Streamlit names pages/ files on a fresh server before the navigation is declared.
# not linked for a teacher (their URLs answer with a refusal)
ADMIN_ONLY = {"import_roster", "comptes"}
PAGES = [
    ("pages/learner_access.py", "page_learner_access", "learner_access", ":material/key:"),
    ("pages/overview.py", "page_overview", "overview", ":material/monitoring:"),
    ("pages/import_roster.py", "page_import", "import_roster", ":material/upload_file:"),
    ("pages/journal.py", "page_journal", "journal", ":material/history:"),
    ("pages/accounts.py", "page_accounts", "comptes", ":material/group:"),
]

gate = login_gate(lang)
# Logged in, but an account whose password someone else chose: its own password first, as the
# page of every URL (no page script runs until it is changed).
open_page = own_password_page if gate.must_change_password else None


def _home() -> None:
    """``/`` opens the first page under its own URL, so every page URL resolves the same
    way (Streamlit gives the default page no path of its own)."""
    st.switch_page(pages[0])


# Without a login, every URL (the same ones) shows the login form: no page script runs.
pages = [
    st.Page(
        (open_page or script) if gate.logged_in else gate.login_page,
        title=t(title, lang),
        icon=icon,
        url_path=url,
    )
    for script, title, url, icon in PAGES
]
home = st.Page(
    (open_page or _home) if gate.logged_in else gate.login_page,
    title=t("app_title", lang),
    default=True,
    url_path="_home",
)

# Every page URL resolves whether logged in or not; the navigation is hidden (links below).
navigation = st.navigation([home, *pages], position="hidden")
if gate.logged_in:
    with st.sidebar:
        if open_page is None:  # no page links while the account must choose its password
            teacher = actor_view(current_username() or "", lang).is_teacher
            for page, (_, _, url, _) in zip(pages, PAGES, strict=True):
                if not (teacher and url in ADMIN_ONLY):
                    st.page_link(page)
        st.divider()
        st.caption(t_literal("logged_in_as", lang, username=current_username()))  # names are text
        st.button(t("logout", lang), key="logout_button", on_click=request_logout)
navigation.run()
