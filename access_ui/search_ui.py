"""« Rechercher un élève »: the main page's school-wide search, with its own marks and reset.

The results table has a scope of its own, named after the searched text: marks never move
between the results and the class table, nor from one search to the next.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from access_core import search
from access_core.config import Settings
from access_core.db import Database
from access_core.i18n import format_date, t
from access_core.roster import LearnerRow, password_state
from access_ui import cached
from access_ui.feedback import call_or_stop
from access_ui.learner_table import all_marked, marking_editor, reset_button
from access_ui.tables import INDEX_NAME
from access_ui.wording import password_status

SEARCH_KEY = "learner_search"


def search_scope(text: str) -> str:
    digest = hashlib.sha256(search.search_key(text).encode()).hexdigest()[:16]
    return f"search-{digest}"


def _account(row: LearnerRow, tz: ZoneInfo, lang: str) -> str:
    if row.deactivated_at is None:
        return t("account_active", lang)
    return t("account_deactivated_on", lang, date=format_date(row.deactivated_at.astimezone(tz)))


def results_table(
    rows: Sequence[LearnerRow],
    tz: ZoneInfo,
    lang: str,
    initial_days: int,
    marked: bool = False,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Checkbox, Nom, Prénom, Login, Classe, Compte, Date de naissance, Mot de passe."""
    moment = now or datetime.now(UTC)
    columns: dict[str, list[object]] = {
        t("col_reset", lang): [marked] * len(rows),
        t("col_last_name", lang): [r.last_name for r in rows],
        t("col_first_name", lang): [r.first_name for r in rows],
        t("col_login", lang): [r.login for r in rows],
        t("col_class", lang): [r.class_name or "" for r in rows],
        t("col_account", lang): [_account(r, tz, lang) for r in rows],
        t("col_birth_date", lang): [
            format_date(r.birth_date) if r.birth_date else t("birth_date_missing", lang)
            for r in rows
        ],
        t("col_password", lang): [
            password_status(
                password_state(r, initial_days, moment), r.password_changed_at, tz, lang
            )
            for r in rows
        ],
    }
    dtypes = {name: ("bool" if i == 0 else "str") for i, name in enumerate(columns)}
    index = pd.Index([r.id for r in rows], dtype="int64", name=INDEX_NAME)
    return pd.DataFrame(columns, index=index).astype(dtypes)


def search_section(db: Database, user: str, settings: Settings, lang: str) -> None:
    """The search field and, from two characters, its results with marks and reset."""
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
    index = call_or_stop(lang, cached.search_index, user)
    result = call_or_stop(
        lang, search.find_learners, db, user, text, settings.recent_deactivation_months,
        settings.tz, index=index,
    )
    if not result.rows:
        st.info(t("search_none", lang))
        return
    scope = search_scope(text)
    frame = results_table(
        result.rows, settings.tz, lang, settings.initial_password_days, marked=all_marked(scope)
    )
    marked = marking_editor(scope, frame, lang)
    if result.more:
        st.caption(t("search_more", lang, count=result.more))
    reset_button(scope, t("reset_marked_search", lang), result.rows, marked, lang)
