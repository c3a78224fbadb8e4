"""Per-server resources (settings, database) and per-session choices (language)."""

from __future__ import annotations

import logging

import streamlit as st

from access_core.config import LANGUAGES, Settings, load_settings
from access_core.db import Database
from access_core.errors import ConfigError, DatabaseUnavailable

log = logging.getLogger("access_ui")
LANG_KEY = "lang"


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The same settings as the CLI and the start-up check: environment, then the secrets
    file, then defaults (``access_core.config.load_settings``)."""
    return load_settings()


@st.cache_resource(show_spinner=False)
def database() -> Database:
    """One engine (and connection pool) per server process.

    A database that cannot even be opened (a SQLite file whose directory cannot be created)
    raises ``DatabaseUnavailable``; nothing is cached then, so a later run tries again.
    """
    try:
        return Database.from_url(settings().database_url)
    except OSError:
        log.warning("the database could not be opened", exc_info=True)
        raise DatabaseUnavailable("the database cannot be reached") from None


def language() -> str:
    """The session's language: ``?lang=en`` or the sidebar choice, else ACCESS_LANGUAGE."""
    requested = st.query_params.get(LANG_KEY)
    if requested in LANGUAGES:
        st.session_state[LANG_KEY] = requested
    try:
        default = settings().language
    except ConfigError as exc:  # shown once, clearly, then nothing else runs
        from access_ui.feedback import stop_with_error

        stop_with_error(exc, "fr")
    lang = st.session_state.get(LANG_KEY) or default
    return lang if lang in LANGUAGES else "fr"
