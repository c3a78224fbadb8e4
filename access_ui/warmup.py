"""Import what the pages need while the login form waits for its user.

A just-started server imports the pages' libraries on the first page run after a login: pandas
and the table's Arrow conversion, fpdf2 and its fonts' tools for the slips, Altair for the
overview — about 0.7 s that the first administrator of the day waited for between
« Se connecter » and their class (docs/performance.md, B2). The login form starts this once
per process, after it is drawn: the imports run in a background thread while the password is
typed, and never before the form itself (B1 cold).
"""

from __future__ import annotations

import importlib
import logging
import threading
from zoneinfo import ZoneInfo

log = logging.getLogger("access_ui")

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
