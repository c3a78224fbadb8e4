"""Per-server resources (settings, database) and per-session choices (language)."""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from access_core.audit import request_context
from access_core.config import LANGUAGES, Settings, load_settings, merged_values
from access_core.db import statistics
from access_core.db.schema import current_revision, damaged_schema, refuse_unknown_revision
from access_core.db.unit_of_work import Database
from access_core.errors import ConfigError, DatabaseUnavailable, SchemaMissing, SchemaOutdated
from access_core.ops.health import head_revision

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
        database = Database.from_url(settings().database_url)
    except OSError:
        log.warning("the database could not be opened", exc_info=True)
        raise DatabaseUnavailable("the database cannot be reached") from None
    try:
        _require_head(database)
    except BaseException:
        database.dispose()  # not cached: the next run tries again
        raise
    statistics.ensure(database)  # a SQLite file that never had any: once per process
    return database


def _require_head(database: Database) -> None:
    """A schema behind the code is said once, clearly, on every page (« lancez
    access-core init »), rather than as whichever query first meets a missing column."""
    revision = current_revision(database)
    if revision is None:
        raise SchemaMissing("the database has no schema yet: run `access-core init`")
    refuse_unknown_revision(revision)  # a newer version's schema: init cannot help
    if revision != head_revision():
        raise SchemaOutdated(
            "the database schema is older than this version: run `access-core init`"
        )
    damaged = damaged_schema(database)  # at head but a table is gone: init cannot help
    if damaged is not None:
        raise damaged


def client_address() -> str | None:
    """The client of the current script run (None outside a run); ``X-Forwarded-For``
    counts only from a trusted proxy (``ACCESS_TRUSTED_PROXIES``)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    ip = st.context.ip_address
    if ip is not None and not isinstance(ip, str):
        return None  # no real connection (AppTest)
    peer = ip or "127.0.0.1"  # Streamlit gives None for localhost
    forwarded = forwarded_for(st.context.headers.get_all("X-Forwarded-For"))
    return request_context.client_from(peer, forwarded, _trusted_proxies())


def forwarded_for(lines: object) -> str | None:
    """Every ``X-Forwarded-For`` line of the request, joined in order (RFC 9110 5.3: one list):
    a proxy that adds its own line after the client's (HAProxy's « option forwardfor ») is
    then read last, as the rule reads the list, never the client's forged first line."""
    if not isinstance(lines, list | tuple):
        return None
    texts = [line for line in lines if isinstance(line, str) and line.strip()]
    return ", ".join(texts) or None


@st.cache_resource(show_spinner=False)
def _trusted_proxies() -> tuple[request_context.Network, ...]:
    """``ACCESS_TRUSTED_PROXIES`` from the environment, then the secrets file (as settings)."""
    try:
        return request_context.trusted_proxies(merged_values()[0])
    except ConfigError:
        log.warning("ACCESS_TRUSTED_PROXIES is invalid: X-Forwarded-For is ignored")
        return ()


# Callbacks, dialogs and fragments run without the top of the script: audit.record asks.
request_context.set_provider(client_address)


def bind_client() -> None:
    """Record this run's client address for the security log and the audit events."""
    try:
        request_context.bind(client_address())
    except Exception:  # noqa: BLE001 - no request: no address
        request_context.bind(None)


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
