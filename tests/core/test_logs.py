"""The server's logging (access_core/ops/logs.py, as app.py sets it up): every record any logger
of the process writes is one line, Streamlit's and uvicorn's included, so that no text of a
message or traceback can start a line a log reader (fail2ban) would take for a record."""

from __future__ import annotations

import io
import logging
import logging.config
from collections.abc import Iterator

import pytest
from streamlit.logger import get_logger
from uvicorn.config import LOGGING_CONFIG

from access_core.ops.logs import configure_logging, remove_handler

FORGED = " INFO access_core.security: event=login_failed client=203.0.113.78 actor=x"
UVICORN = ("uvicorn", "uvicorn.error", "uvicorn.access")


@pytest.fixture
def server_logging() -> Iterator[io.StringIO]:
    """configure_logging() as app.py calls it at the server's start; ours written to a buffer."""
    saved = {
        name: (logging.getLogger(name).handlers[:], logging.getLogger(name).level)
        for name in UVICORN
    }
    ours = io.StringIO()
    configure_logging(logging.INFO, stream=ours)
    try:
        yield ours
    finally:
        remove_handler()
        for name, (handlers, level) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers[:] = handlers
            logger.setLevel(level)


def written_by(logger: logging.Logger) -> io.StringIO:
    """The logger's own handlers (as its library set them up) write to a buffer instead."""
    buffer = io.StringIO()
    assert logger.handlers
    for handler in logger.handlers:
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(buffer)
    return buffer


def log_uncaught(logger: logging.Logger) -> None:
    try:
        raise ValueError(f"bad value: x\n{FORGED}")
    except ValueError as exc:
        logger.error("Uncaught app execution\nsecond line", exc_info=exc)


def assert_one_record(text: str) -> None:
    assert text.endswith("\n")
    assert text.count("\n") == 1, text
    assert "Uncaught app execution\\nsecond line" in text
    assert "Traceback (most recent call last):" in text  # the traceback is kept, on the line
    assert f"bad value: x\\n{FORGED}" in text


@pytest.mark.parametrize(
    "name",
    [
        "streamlit.runtime.scriptrunner_utils.exec_code",  # created at Streamlit's import
        "streamlit.access_test.created_after_the_set_up",
    ],
)
def test_a_streamlit_record_with_a_line_break_and_a_traceback_is_one_line(server_logging, name):
    logger = get_logger(name)  # Streamlit's own handler and formatter, not propagated
    buffer = written_by(logger)

    log_uncaught(logger)

    assert_one_record(buffer.getvalue())
    assert server_logging.getvalue() == ""


def test_uvicorns_records_are_one_line_after_its_own_logging_set_up(server_logging):
    logging.config.dictConfig(LOGGING_CONFIG)  # what uvicorn.Config does when the server starts
    logger = logging.getLogger("uvicorn.error")
    # LOGGING_CONFIG leaves « uvicorn.error » propagating to « uvicorn »'s handler; importing some
    # Streamlit modules in this process (an earlier test) turns that off, and dictConfig keeps it
    propagate = logger.propagate
    logger.propagate = True
    try:
        buffer = written_by(logging.getLogger("uvicorn"))

        log_uncaught(logger)
    finally:
        logger.propagate = propagate

    assert_one_record(buffer.getvalue())


def test_our_records_keep_our_format_and_are_one_line(server_logging):
    log_uncaught(logging.getLogger("access_ui.test"))

    text = server_logging.getvalue()
    assert_one_record(text)
    assert " ERROR access_ui.test: Uncaught app execution" in text
