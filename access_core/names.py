"""How a learner's name is written wherever one name stands for a person: « Nom Prénom »."""

from __future__ import annotations


def full_name(last_name: str | None, first_name: str | None) -> str:
    """« Nom Prénom », without stray spaces when a part is empty."""
    return f"{last_name or ''} {first_name or ''}".strip()
