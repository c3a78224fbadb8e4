"""Learner logins: ``prenom.nom`` in lower-case ASCII, unique with a number when needed.

``fold`` is the one ASCII form of a name shared by the login rule and the import's identity
match: every letter transliterated by anyascii (« Ł » → « l », « ø » → « o », « ı » → « i »,
« Đ » → « d », « ß » → « ss », « Œ » → « oe », other scripts too: « 李 » → « li »), and the
typographic variants of a mark written as one ASCII mark (« ’ », « ʼ », « ‘ », « ` » → « ' »;
« ‐ », « ‑ », « – », « — », « − » (minus sign) → « - »; no-break and thin spaces → « »; the
soft hyphen removed: ``folding.MARKS``, the search's table); symbols dropped. Existing
logins are never recomputed: only new logins follow the rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from anyascii import anyascii

from access_core.roster.folding import MARKS

LOGIN_MAX_LENGTH = 30

# marks anyascii leaves (ASCII) or writes otherwise (« ʻ » → « ` ») that stand for an apostrophe
_MARKS = str.maketrans({"`": "'"})


def fold(text: str) -> str:
    """Lower-case ASCII form of ``text``: letters transliterated, accents removed (« Œ »
    gives « oe », « Ł » gives « l »), apostrophe, hyphen and space variants made ASCII."""
    ascii_text = text if text.isascii() else "".join(map(_ascii_char, text))
    return ascii_text.translate(_MARKS).lower()


def _ascii_char(char: str) -> str:
    """A letter, digit, mark or space in ASCII (« ´ » → « ' »); a symbol (« ☃ », « © ») or a
    control character dropped (anyascii would spell a symbol's name)."""
    if char.isascii():
        return char
    if char in MARKS:  # « − » (a symbol) is a hyphen, as the search reads it
        return MARKS[char]
    category = unicodedata.category(char)
    return "" if category != "Sk" and category[0] in "SC" else anyascii(char)


def _part(text: str) -> str:
    """One part of a login: apostrophes and spaces folded away, hyphens kept."""
    folded = re.sub(r"[\s']+", "", fold(text))
    folded = re.sub(r"[^a-z0-9-]", "", folded)
    return re.sub(r"-{2,}", "-", folded).strip("-")


def base_login(first_name: str, last_name: str) -> str:
    first, last = _part(first_name), _part(last_name)
    login = f"{first}.{last}".strip(".") or "eleve"
    return login[:LOGIN_MAX_LENGTH].rstrip(".-")


def unique_login(first_name: str, last_name: str, taken: Callable[[str], bool]) -> str:
    """``base_login`` or the first of ``base2``, ``base3``... that ``taken`` says is free."""
    base = base_login(first_name, last_name)
    if not taken(base):
        return base
    number = 2
    while True:
        suffix = str(number)
        candidate = base[: LOGIN_MAX_LENGTH - len(suffix)].rstrip(".-") + suffix
        if not taken(candidate):
            return candidate
        number += 1
