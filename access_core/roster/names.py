"""How a learner's name is written wherever one name stands for a person: « Nom Prénom »; and
the key by which two writings of a name are the same person's."""

from __future__ import annotations

import re

from access_core.roster.logins import fold


def full_name(last_name: str | None, first_name: str | None) -> str:
    """« Nom Prénom », without stray spaces when a part is empty."""
    return f"{last_name or ''} {first_name or ''}".strip()


def name_key(text: str) -> str:
    """The identity form of a name part: ``logins.fold`` (case, accents, transliteration, the
    ASCII form of every apostrophe, hyphen and space), spaces collapsed and none around an
    apostrophe or hyphen, a repeated mark once: « D’ALMEIDA », « d'Almeida », « D' Almeida »
    and « Saint – Just » / « saint-just » are each one key."""
    key = " ".join(fold(text).split())
    key = re.sub(r" ?([-']) ?", r"\1", key)
    return re.sub(r"([-'])\1+", r"\1", key)
