"""Import what the pages need before they need it.

A just-started server imports the login form's modules before it accepts its first request
(``lifespan``, run by ``app.py`` once Streamlit's runtime has started): the first visit of the
day draws the form as fast as any later one (B1 cold).

A just-started server imports the pages' libraries on the first page run after a login: pandas
and the table's Arrow conversion, fpdf2 and its fonts' tools for the slips, Altair for the
overview — about 0.7 s that the first administrator of the day waited for between
« Se connecter » and their class (docs/performance.md, B2). The login form starts this once
per process, after it is drawn: the imports run in a background thread while the password is
typed, and never before the form itself (B1 cold).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger("access_ui")

# what the login form's run imports (dashboard.py and its gate)
LOGIN_MODULES = (
    "access_ui.context",
    "access_ui.auth",
    "access_ui.language",
    "access_ui.own_password",
    "access_ui.school_choice",
    "access_ui.wording",
)

# the page modules' heavy imports, in the order the first page needs them
MODULES = (
    "pandas",
    "access_ui.tables",
    "access_ui.learner_table",
    "access_ui.search_ui",
    "access_ui.slips_ui",
    "access_core.documents.slips_pdf",
    "access_core.documents.workbook",
    "access_ui.overview_ui",
)

_started = threading.Event()
_done = threading.Event()
_lock = threading.Lock()


def _warm() -> None:
    try:
        for name in MODULES:
            importlib.import_module(name)
        # the grid's first Arrow conversion imports pyarrow's pandas glue
        from streamlit import dataframe_util

        from access_ui import tables

        frame = tables.class_table([], ZoneInfo("UTC"), "fr")
        dataframe_util.convert_pandas_df_to_arrow_bytes(frame)
    except Exception:  # noqa: BLE001 - a warm-up only: the page imports (and reports) itself
        log.debug("warm-up of the page imports failed", exc_info=True)
    finally:
        _done.set()


def start() -> None:
    """Start the warm-up once per process (later calls do nothing)."""
    with _lock:
        if _started.is_set():
            return
        _started.set()
    threading.Thread(target=_warm, name="access-warmup", daemon=True).start()


def wait(timeout: float | None = None) -> bool:
    """Whether the warm-up has finished (within ``timeout``): for tests."""
    return _done.wait(timeout)


def import_login_modules() -> None:
    for name in LOGIN_MODULES:
        importlib.import_module(name)


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """``st.App``'s lifespan: the login form's modules imported (in a thread: the event loop
    stays free) before the server accepts requests, ``/healthz`` included."""
    await asyncio.to_thread(import_login_modules)
    yield
