"""Finding what a command names: a class by its name (with the closest names when none
matches), learners by their logins (every unknown login named)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import click

from access_core.characters import visible
from access_core.db.unit_of_work import Database
from access_core.documents import slips
from access_core.errors import NotFound, ValidationError
from access_core.roster import queries as roster

class_option = click.option("--class", "class_name", help="every active learner of a class")


layout_option = click.option(
    "--layout",
    type=click.Choice(slips.LAYOUTS),
    default="8",
    help="8 per A4 page with cut marks (default), or 1 per page with the first-login steps",
)


def find_class(db: Database, actor: str, name: str) -> roster.ClassInfo:
    """``roster.find_class``, with the closest class names in the error when there is none."""
    try:
        return roster.find_class(db, actor, name)
    except NotFound:
        names = [c.name for c in roster.list_classes(db, actor)]
        close = [visible(n) for n in difflib.get_close_matches(name, names, n=3, cutoff=0.5)]
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        raise NotFound(
            f"no class named {visible(name)!r}{hint}",
            name=visible(name),
            suggestions=", ".join(close),
            key="cli_class_not_found_close" if close else "cli_class_not_found",
        ) from None


def unknown_logins(unknown: Sequence[str]) -> ValidationError:
    logins = ", ".join(unknown)
    plural = "s" if len(unknown) > 1 else ""
    return ValidationError(
        f"unknown login{plural}: {logins}",
        key="cli_unknown_logins",
        logins=logins,
        count=len(unknown),
    )


def learners_by_logins(db: Database, actor: str, logins: Sequence[str]) -> list[roster.LearnerRow]:
    rows = roster.learners_by_logins(db, actor, logins)
    unknown = sorted(set(logins) - {row.login for row in rows})
    if unknown:
        raise unknown_logins(unknown)
    return list(rows)


# --- export ----------------------------------------------------------------------------------
