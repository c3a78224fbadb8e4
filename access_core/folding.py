"""``folded(text)``: a SQL expression for ``logins.fold`` (lower case, accents removed), so that
searches ignoring case and accents run in the database on every backend, on the columns the
integration contract defines (no extra column to keep filled).

PostgreSQL, MariaDB/MySQL: ``lower`` + nested ``replace`` (measured faster than PostgreSQL's
``translate`` on UTF-8 text). SQLite, whose ``lower`` folds ASCII only and whose parser refuses
deep nesting: ``access_fold``, ``logins.fold`` itself, registered on each connection by
``db.make_engine``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from access_core.logins import fold

SQLITE_FUNCTION = "access_fold"
SQLITE_LOWER = "access_lower"  # SQLite's own lower() folds ASCII letters only
# one character to one letter (lower case: every backend but SQLite lowers first)
SINGLE = {
    "a": "àáâãäå",
    "c": "ç",
    "e": "èéêë",
    "i": "ìíîï",
    "n": "ñ",
    "o": "òóôõö",
    "u": "ùúûü",
    "y": "ýÿ",
}
MULTIPLE = {"œ": "oe", "æ": "ae", "ß": "ss"}
PAIRS = [(accented, letter) for letter, chars in SINGLE.items() for accented in chars]


class folded(FunctionElement[str]):  # noqa: N801 - reads as a SQL function
    type = String()
    inherit_cache = True
    name = "folded"


def _replace_multiple(expression: str) -> str:
    for source, target in MULTIPLE.items():
        expression = f"replace({expression}, '{source}', '{target}')"
    return expression


@compiles(folded)
def _compile_default(element: folded, compiler: Any, **kw: Any) -> str:
    expression = f"lower({compiler.process(element.clauses, **kw)})"
    for source, target in PAIRS:
        expression = f"replace({expression}, '{source}', '{target}')"
    return _replace_multiple(expression)


@compiles(folded, "sqlite")
def _compile_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


def sqlite_fold(text: str | None) -> str | None:
    """The SQLite function behind ``folded``."""
    return None if text is None else fold(text)


class lowered(FunctionElement[str]):  # noqa: N801 - reads as a SQL function
    """``lower(text)`` for every script: SQLite's ``lower`` knows ASCII only, so there it is
    Python's ``str.lower`` (registered by ``db.make_engine``)."""

    type = String()
    inherit_cache = True
    name = "lowered"


@compiles(lowered)
def _compile_lower_default(element: lowered, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(lowered, "sqlite")
def _compile_lower_sqlite(element: lowered, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_LOWER}({compiler.process(element.clauses, **kw)})"


def sqlite_lower(text: str | None) -> str | None:
    """The SQLite function behind ``lowered``."""
    return None if text is None else text.lower()
