"""Learner logins: ``prenom.nom`` in lower-case ASCII, unique with a number when needed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

LOGIN_MAX_LENGTH = 30


def fold(text: str) -> str:
    """Lower-case ASCII form of ``text``: accents removed (« Œ » gives « oe »)."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    text = text.replace("ß", "ss")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return ascii_text.lower()


def _part(text: str) -> str:
    """One part of a login: apostrophes and spaces folded away, hyphens kept."""
    folded = re.sub(r"[\s'’`]+", "", fold(text))
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
