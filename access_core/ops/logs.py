"""Logging set-up: every line carries its time, level and logger.

The server (app.py) logs INFO and above of ``access_core`` and ``access_ui`` to stderr (journald
under systemd); the CLI logs errors only (``--verbose``: everything), so that its own one-line
``error: ...`` is not repeated.

Every other logger of the process (Streamlit's, uvicorn's: their own handlers, created before
or after this set-up, uvicorn's replaced by its ``dictConfig`` when the server starts) writes
one line per record too: a record factory folds their message, traceback and stack into the
message, with line breaks written ``\\n``, whatever handler or formatter then writes it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any, TextIO

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
        return one_line(super().format(record))


def one_line(text: str) -> str:
    """A text with its line breaks written ``\\r`` / ``\\n``."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


class _OneLineRecords:
    """The record factory: a record of a logger other than ours gets its message, exception
    and stack folded into one line (ours keep theirs for ``OneLineFormatter``)."""

    def __init__(self, previous: Callable[..., logging.LogRecord]) -> None:
        self.previous = previous
        self._formatter = logging.Formatter()

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        if record.name.split(".", 1)[0] in OUR_LOGGERS:
            return record
        try:
            text = record.getMessage()
            if record.exc_info and record.exc_info[0] is not None:
                text += "\n" + self._formatter.formatException(record.exc_info)
            elif record.exc_text:
                text += "\n" + record.exc_text
            if record.stack_info:
                text += "\n" + self._formatter.formatStack(record.stack_info)
        except Exception:  # noqa: BLE001 - a bad record is left to logging's own error report
            return record
        record.msg, record.args = one_line(text), ()
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return record


def _install_record_factory() -> None:
    current = logging.getLogRecordFactory()
    if not isinstance(current, _OneLineRecords):
        logging.setLogRecordFactory(_OneLineRecords(current))


def configure_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """One handler on our loggers (idempotent: a second call only changes the level), and
    one line per record of every other logger."""
    _install_record_factory()
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
    """Take our handler and record factory off again (the CLI's ``main`` keeps them only while
    it runs)."""
    current = logging.getLogRecordFactory()
    if isinstance(current, _OneLineRecords):
        logging.setLogRecordFactory(current.previous)
    for name in OUR_LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if handler.get_name() == _HANDLER_NAME:
                logger.removeHandler(handler)
