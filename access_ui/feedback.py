"""Turn service errors into clear messages: a user never sees a traceback."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import NoReturn, ParamSpec, TypeVar

import streamlit as st

from access_core.errors import AccessError, DatabaseBusy, DatabaseUnavailable
from access_core.text.catalogue import error_message, t
from access_ui.wording import literal

log = logging.getLogger("access_ui")
P = ParamSpec("P")
R = TypeVar("R")


def show_error(error: Exception, lang: str) -> None:
    if isinstance(error, AccessError):
        if isinstance(error, DatabaseUnavailable | DatabaseBusy):
            st.warning(error_message(error, lang, escape=literal), icon="⏳")
        else:
            st.error(error_message(error, lang, escape=literal))
    else:
        log.error("unexpected error", exc_info=error)
        st.error(t("error_unexpected", lang))


class HashingProgress:
    """A progress bar for the hashing step of a reset or an import: pass it as ``progress``."""

    # at most this often (seconds), plus the first and the last: each update is a message the
    # server sends and the browser draws, while bcrypt wants every core (a reset of 200)
    INTERVAL_S = 0.25

    def __init__(self, lang: str) -> None:
        self._lang = lang
        self._bar = st.progress(0.0)
        self._last = -math.inf

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if 0 < done < total and now - self._last < self.INTERVAL_S:
            return
        self._last = now
        self._bar.progress(
            done / total if total else 1.0,
            text=t("hashing_progress", self._lang, done=done, total=total),
        )

    def empty(self) -> None:
        self._bar.empty()


def stop_with_error(error: Exception, lang: str) -> NoReturn:
    show_error(error, lang)
    st.stop()


def call_or_stop(lang: str, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``func(...)``, or a clear message and the end of this run if it fails."""
    try:
        return func(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a message, never a traceback
        stop_with_error(exc, lang)
