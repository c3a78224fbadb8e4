"""« Rechercher un élève »: the main page's school-wide search, with its own marks and reset.

The results table has a scope of its own, named after the searched text: marks never move
between the results and the class table, nor from one search to the next.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import streamlit as st

from access_core.config import Settings
from access_core.db.unit_of_work import Database
from access_core.documents import learner_data
from access_core.roster import search
from access_core.roster.names import full_name
from access_core.roster.queries import LearnerRow
from access_core.text.catalogue import t
from access_ui import context, tables
from access_ui.feedback import call_or_stop
from access_ui.learner_table import all_marked, marking_editor, reset_button
from access_ui.session import live_download

SEARCH_KEY = "learner_search"


def search_scope(text: str) -> str:
    digest = hashlib.sha256(search.search_key(text).encode()).hexdigest()[:16]
    return f"search-{digest}"


def search_section(
    db: Database, user: str, settings: Settings, lang: str, school_id: int | None = None
) -> None:
    """The search field and, from two characters, its results (of the chosen school) with
    marks and reset."""
    text = st.text_input(
        t("search_label", lang),
        key=SEARCH_KEY,
        placeholder=t("search_placeholder", lang),
        max_chars=100,
        icon=":material/search:",
    )
    if not text.strip():
        return
    if len(search.search_key(text)) < search.MIN_CHARS:
        st.caption(t("search_too_short", lang))
        return
    result = call_or_stop(
        lang,
        search.find_learners,
        db,
        user,
        text,
        settings.recent_deactivation_months,
        settings.tz,
        school_id=school_id,
    )
    if not result.rows:
        st.info(t("search_none", lang))
        return
    scope = search_scope(text)
    frame = tables.search_table(
        result.rows, settings.tz, lang, settings.initial_password_days, marked=all_marked(scope)
    )
    marked = marking_editor(scope, frame, lang, t("table_search", lang))
    if result.more:
        st.caption(t("search_more", lang, count=result.more))
    reset_button(scope, t("reset_marked_search", lang), result.rows, marked, lang)
    learner_data_download(result.rows, scope, lang)


def learner_data_download(rows: Sequence[LearnerRow], scope: str, lang: str) -> None:
    """« Données de l'élève (JSON) » for one learner of the results (an access request): built
    and journaled when the browser asks for it, after the session is checked again."""
    logins = [row.login for row in rows]
    names = {row.login: f"{full_name(row.last_name, row.first_name)} ({row.login})" for row in rows}
    login = st.selectbox(
        t("learner_data_choose", lang),
        logins,
        format_func=lambda value: names[value],  # a selectbox shows options as plain text
        key=f"{scope}-data",
    )
    if login is None:
        return
    db = context.database()

    def make(actor: str) -> bytes:
        return learner_data.learner_data(db, actor, login, "json")  # audited

    st.download_button(
        t("learner_data_download", lang),
        data=live_download(make),
        file_name=learner_data.filename(login, "json"),
        mime="application/json",
        icon=":material/download:",
        key=f"{scope}-data-download",
    )
