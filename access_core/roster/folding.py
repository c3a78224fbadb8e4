"""The learner search's folding, in Python and in SQL, on every backend.

``search_folded(text, old1, new1, ...)``: the learner search's folding in SQL (Latin letters
and typographic marks to ASCII, other scripts kept): ``lower`` + the given ``replace`` pairs on
PostgreSQL and MariaDB, ``search_fold`` itself on SQLite (``access_search_fold``, registered on
each connection by ``db.engine.make_engine``: SQLite's ``lower`` folds ASCII only and its parser
refuses deep nesting). Used by the search and the journal's learner filter.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from anyascii import anyascii
from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

SQLITE_SEARCH_FUNCTION = "access_search_fold"


# --- the search's folding (``search.search_key``): Latin letters to ASCII, other scripts kept --

COMBINING = ("\u0300", "\u0301", "\u0302", "\u0303", "\u0308", "\u0327")  # NFD-stored text
# typographic apostrophes, hyphens (and the minus sign) and spaces, searched as their ASCII mark
# (« d’Arc » = « d'Arc »), and the soft hyphen (U+00AD, invisible, left by copying from a web page
# or a PDF) removed. One table for the search and ``logins.fold`` (the login rule and the import's
# identity): the two never disagree on a mark (tests/core/test_folding_marks.py).
_MARK_CHARS = (
    "\u00a0\u00ad\u00b4\u02b9\u02bc\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201b\u2032"
    "\u202f\u2043\u205f\u2212\u3000\ufe63\uff07\uff0d"
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


_CONTROL = dict.fromkeys([*range(32), *range(127, 160)])  # Unicode category Cc
KEY_SEPARATOR = "\x1f"  # between a learner's three names in ``learner_key``: no match spans two


def search_key(text: str) -> str:
    """A text as the search compares it: lower-case, Latin letters in ASCII (transliterated by
    anyascii: « é » → « e », « Ł » → « l », « ø » → « o », « Œ » → « oe »), typographic
    apostrophes, hyphens and spaces as their ASCII mark, combining accents and control
    characters removed, surrounding spaces stripped. Other scripts and ASCII punctuation stay
    (their case folded by Python's ``lower``)."""
    return search_fold(text.translate(_CONTROL)).strip()


def learner_key(last_name: str, first_name: str, login: str) -> str:
    """The stored ``learners.search_key``: « last ␟ first ␟ login », each ``search_key``-folded
    and joined by ``KEY_SEPARATOR`` (a control character, which no folded text holds), so
    that a searched fragment never spans two names and the key sorts as the search's order."""
    return KEY_SEPARATOR.join(search_key(v) for v in (last_name, first_name, login))


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
