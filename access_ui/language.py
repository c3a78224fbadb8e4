"""The language switch (French by default, English on request)."""

from __future__ import annotations

import streamlit as st

from access_core.config import LANGUAGES
from access_core.text.catalogue import t
from access_ui.context import LANG_KEY

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def language_selector(lang: str) -> None:
    choice = st.selectbox(
        t("language", lang),
        LANGUAGES,
        index=LANGUAGES.index(lang),
        format_func=LANGUAGE_NAMES.__getitem__,
        key="language_choice",
    )
    if choice != lang:
        st.session_state[LANG_KEY] = choice
        st.query_params.pop(LANG_KEY, None)
        st.rerun()
