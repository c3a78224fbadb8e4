"""Logging set-up: every line carries its time, level and logger.

The server (app.py) logs INFO and above of ``access_core`` and ``access_ui`` to stderr (journald
under systemd); the CLI logs errors only (``--verbose``: everything), so that its own one-line
``error: ...`` is not repeated.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
OUR_LOGGERS = ("access_core", "access_ui")
_HANDLER_NAME = "access-handler"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of the record (not at set-up)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self._fixed = stream

    @property
    def stream(self) -> TextIO:
        return self._fixed or sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


class OneLineFormatter(logging.Formatter):
    """Every record on one line: a line break in a message, an exception's text or a traceback
    is written ``\\n``, so no text can start a line of its own that a log reader (fail2ban)
    would take for another record."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\r", "\\r").replace("\n", "\\n")


def configure_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """One handler on our loggers (idempotent: a second call only changes the level)."""
    for name in OUR_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level > min(level, logging.INFO):
            logger.setLevel(min(level, logging.INFO))  # security events are INFO
        for handler in list(logger.handlers):
            if handler.get_name() == _HANDLER_NAME:
                logger.removeHandler(handler)
        handler = _StderrHandler(stream)
        handler.setLevel(level)
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(OneLineFormatter(LOG_FORMAT, DATE_FORMAT))
        logger.addHandler(handler)


def remove_handler() -> None:
    """Take our handler off again (the CLI's ``main`` keeps it only while it runs)."""
    for name in OUR_LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if handler.get_name() == _HANDLER_NAME:
                logger.removeHandler(handler)
