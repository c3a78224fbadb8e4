"""``folded(text)``: a SQL expression for ``logins.fold`` (lower case, accents removed), so that
searches ignoring case and accents run in the database on every backend, on the columns the
integration contract defines (no extra column to keep filled).

PostgreSQL, MariaDB/MySQL: ``lower`` + nested ``replace`` (measured faster than PostgreSQL's
``translate`` on UTF-8 text). SQLite, whose ``lower`` folds ASCII only and whose parser refuses
deep nesting: ``access_fold``, ``logins.fold`` itself, registered on each connection by
``db.make_engine``. (``folded`` and ``lowered`` no longer have a caller: the learner search and
the journal's learner filter use ``search_folded`` below, which folds as ``search.search_key``
does; ``logins.fold`` now transliterates every script, which ``folded``'s ``replace`` chain on
PostgreSQL and MariaDB does not.)

``search_folded(text, old1, new1, ...)``: the learner search's folding in SQL (Latin letters
and typographic marks to ASCII, other scripts kept): ``lower`` + the given ``replace`` pairs on
PostgreSQL and MariaDB, ``search_fold`` itself on SQLite (``access_search_fold``).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from anyascii import anyascii
from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from access_core.roster.logins import fold

SQLITE_FUNCTION = "access_fold"
SQLITE_SEARCH_FUNCTION = "access_search_fold"
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


# --- the search's folding (``search.search_key``): Latin letters to ASCII, other scripts kept --

COMBINING = ("\u0300", "\u0301", "\u0302", "\u0303", "\u0308", "\u0327")  # NFD-stored text
# typographic apostrophes, hyphens and spaces, searched as their ASCII mark (« d’Arc » = « d'Arc »)
_MARK_CHARS = (
    "\u00a0\u00b4\u02b9\u02bc\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201b\u2032\u202f"
    "\u205f\u2212\u3000\uff07\uff0d"
)
MARKS = {c: anyascii(c) for c in _MARK_CHARS}
# The Latin letters of names that the SQL side of PostgreSQL and MariaDB replaces: Latin-1,
# Latin Extended-A (« Ł », « ı », « Đ », « Ő »...), Vietnamese horns and tones, pinyin carons,
# Romanian commas below, Welsh « ẁ », « ẞ ». Each costs a replace() per row, so the rare letters
# of Latin Extended-B and Additional are left to the in-memory index (the dashboard's path) and
# to SQLite (``search_fold`` itself): 190 pairs for « martin » measured ~3 × the time of the
# French accents alone at 20,000 learners on PostgreSQL; these ~100, ~1.5 ×.
LATIN_RANGES = (
    range(0x00C0, 0x0180),
    range(0x01A0, 0x01A2),
    range(0x01AF, 0x01B1),
    range(0x01CD, 0x01DD),
    range(0x0218, 0x021C),
    range(0x1E80, 0x1E86),
    range(0x1E9E, 0x1E9F),
    range(0x1EA0, 0x1EFA),
)


def is_latin_letter(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN ")


def fold_char(char: str) -> str:
    """One character as the search compares it: a Latin letter or a typographic mark in ASCII
    (anyascii, lower case), a combining accent dropped, anything else (other scripts, ASCII)
    kept as it is."""
    if char.isascii():
        return char
    if char in MARKS:
        return MARKS[char]
    if unicodedata.combining(char):
        return ""
    if is_latin_letter(char):
        return anyascii(char).lower()
    return char


def search_fold(text: str) -> str:
    """``text`` lower-cased with every character through ``fold_char``."""
    folded = text if text.isascii() else "".join(map(fold_char, text))
    return folded.lower()


class search_folded(FunctionElement[str]):  # noqa: N801 - reads as a SQL function
    """``search_fold(text)`` in SQL: ``search_folded(text, old1, new1, old2, new2, ...)`` is
    ``lower(text)`` with each ``old`` replaced by its ``new`` on PostgreSQL and MariaDB (the
    pairs that matter for the searched text), and ``search_fold`` itself on SQLite."""

    type = String()
    inherit_cache = True
    name = "search_folded"


@compiles(search_folded)
def _compile_search_default(element: search_folded, compiler: Any, **kw: Any) -> str:
    text, *parts = [compiler.process(clause, **kw) for clause in element.clauses]
    expression = f"lower({text})"
    for old, new in zip(parts[::2], parts[1::2], strict=True):
        expression = f"replace({expression}, {old}, {new})"
    return expression


@compiles(search_folded, "sqlite")
def _compile_search_sqlite(element: search_folded, compiler: Any, **kw: Any) -> str:
    first = next(iter(element.clauses))
    return f"{SQLITE_SEARCH_FUNCTION}({compiler.process(first, **kw)})"


def sqlite_search_fold(text: str | None) -> str | None:
    """The SQLite function behind ``search_folded``."""
    return None if text is None else search_fold(text)
