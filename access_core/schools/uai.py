"""The UAI (« unité administrative immatriculée », formerly RNE number): the ministry's code of
an establishment, 7 digits and a check letter.

The letter is the 23-letter alphabet ``ABCDEFGHJKLMNPRSTUVWXYZ`` (I, O and Q left out) indexed
by the 7-digit number modulo 23: 0750655 mod 23 = 4, « E », so « 0750655E ». The rule as
implemented by the ministry's apprenticeship catalogue (mission-apprentissage/
catalogue-apprentissage, ``server/src/common/utils/uaiUtils.js``), checked here on real codes
(0750655E, 0010001W: ``tests/core/test_schools.py``).
"""

from __future__ import annotations

import re

from access_core.characters import visible
from access_core.errors import ValidationError

ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ"
_SHAPE = re.compile(r"[0-9]{7}[A-Z]")
INVALID = "error_uai_invalid"
BAD_LETTER = "error_uai_check_letter"


def check_letter(digits: str) -> str:
    """The check letter of the 7 digits ``digits``."""
    return ALPHABET[int(digits) % 23]


def normalize_uai(text: str) -> str:
    """``text`` as a UAI (spaces around removed, letter upper-cased); ``ValidationError``
    unless it is 7 digits and their check letter."""
    uai = text.strip().upper()
    if not _SHAPE.fullmatch(uai):
        shown = visible(text.strip()[:40])
        raise ValidationError(
            f"{shown!r} is not a UAI: 7 digits and their check letter (e.g. 0750655E)",
            key=INVALID,
            uai=shown,
        )
    expected = check_letter(uai[:7])
    if uai[7] != expected:
        raise ValidationError(
            f"{uai} is not a UAI: the check letter of {uai[:7]} is {expected}, not {uai[7]}",
            key=BAD_LETTER,
            uai=uai,
            digits=uai[:7],
            expected=expected,
            letter=uai[7],
        )
    return uai


def is_uai(text: str) -> bool:
    try:
        normalize_uai(text)
    except ValidationError:
        return False
    return True
