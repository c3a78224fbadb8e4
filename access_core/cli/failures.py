"""Failures as one line: an expected error in ``ACCESS_LANGUAGE`` (from the catalogue), a
database or OS error, anything else; and a usage error in the form argparse printed (which
scripts may parse). Used by
``base.main`` only, the one place that catches them."""

from __future__ import annotations

import sys
from string import Formatter

import click

from access_core.errors import AccessError
from access_core.text.catalogue import MESSAGES, error_message

PROG = "access-core"


def _access_error_text(exc: AccessError, lang: str | None) -> str:
    """An expected error in ``lang``. In English (or before the language is known: bad
    configuration), its own message, written for the terminal and the logs. Otherwise the
    catalogue's wording of its key, the terminal's one (``cli_<key>``) first: the pages' one may
    speak of a page or leave out a detail a technician needs. Its English message when the
    catalogue has no wording for it, or none using only the values the error carries."""
    if lang is None or lang == "en":
        return str(exc)
    key = str(exc.params.get("key") or f"error_{exc.code}")
    known = {"message", *exc.params}
    for candidate in (f"cli_{key}", key):
        wording = MESSAGES.get(lang, {}).get(candidate)
        if wording and {n for _, n, _, _ in Formatter().parse(wording) if n} <= known:
            return error_message(AccessError(str(exc), **{**exc.params, "key": candidate}), lang)
    return str(exc)


def error_line(exc: BaseException, lang: str | None = None) -> str:
    """One line saying what is wrong, for any failure (never a traceback)."""
    if isinstance(exc, AccessError):
        return " ".join(_access_error_text(exc, lang).splitlines())
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")  # not loaded: not a database error
    if sqlalchemy_exc is not None and isinstance(exc, sqlalchemy_exc.SQLAlchemyError):
        from access_core.db.failures import driver_error

        return f"database error: {driver_error(exc)}"
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or type(exc).__name__}{where}"
    return f"unexpected {type(exc).__name__}: rerun with --verbose to see its cause"


def usage_error(exc: click.UsageError) -> None:
    """argparse's way: the usage line, then ``error: ...``, exit 2."""
    if exc.ctx is not None:
        print(exc.ctx.get_usage(), file=sys.stderr)
    message = (
        "a command is required"
        if isinstance(exc, click.exceptions.NoArgsIsHelpError)
        else exc.format_message()
    )
    prog = exc.ctx.command_path if exc.ctx is not None else PROG
    print(f"{prog}: error: {message}", file=sys.stderr)
