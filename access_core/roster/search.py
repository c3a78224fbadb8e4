"""Find a learner anywhere in the administrator's schools by a fragment of last name, first
name or login.

The match ignores case and accents and runs in the database, in one SQL statement whose
``WHERE`` is built in one place (``learner_matches``, shared with the journal's learner filter):
the fragment, folded by ``folding.search_key``, is looked for with ``LIKE '%fragment%'`` in the
stored ``learners.search_key`` (``folding.learner_key`` of the learner's names, written by every
insert and rename of this product; migration 0009). On PostgreSQL a trigram GIN index
(``pg_trgm``) serves that LIKE; on MariaDB and SQLite it scans the stored keys (no Python
function per row), bounded by the scope's schools or classes when given. ``%``, ``_`` and quotes
in the text match themselves.

A learner written or renamed by another program has no key (NULL: a trigger clears it on a
rename): their names are then folded in SQL (``folding.search_folded``: on PostgreSQL and
MariaDB ``lower()`` and nested ``replace()`` of the Latin letters that can fold into a searched
character; on SQLite ``folding.search_fold`` itself), so they are found too, at once. Nothing
is kept between requests: a rename is found by the next search.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, literal, or_

from access_core.accounts.admins import require_active_admin
from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from access_core.roster.folding import (
    COMBINING,
    KEY_SEPARATOR,
    LATIN_RANGES,
    MARKS,
    fold_char,
    is_latin_letter,
    search_folded,
    search_key,
)
from access_core.roster.queries import (
    LearnerRow,
    _learner_query,
    deactivation_window_start,
)

__all__ = ["search_key"]  # re-exported: the pages and tests fold a typed text with it

MIN_CHARS = 2
MAX_RESULTS = 50
LIKE_ESCAPE = "!"
SEPARATOR = KEY_SEPARATOR  # between the three names: no match spans two of them

# the replacements of the SQL side on PostgreSQL and MariaDB (SQLite runs ``search_fold``)
FOLDS: tuple[tuple[str, str], ...] = (
    *(
        (c, fold_char(c))
        for r in LATIN_RANGES
        for c in map(chr, r)
        if is_latin_letter(c) and fold_char(c) != c
    ),
    *MARKS.items(),
    *((c, "") for c in COMBINING),
)


@dataclass(frozen=True)
class SearchResult:
    rows: list[LearnerRow]  # at most MAX_RESULTS, by last name then first name
    total: int  # every match

    @property
    def more(self) -> int:
        """Matches not shown."""
        return self.total - len(self.rows)


def like_pattern(key: str) -> str:
    """``%key%`` with ``%``, ``_`` and the escape character matching themselves."""
    escaped = (
        key.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


def folds_for(key: str) -> list[tuple[str, str]]:
    """The replacements that matter for ``key``: letters folding into one of its characters,
    and combining accents (which would split a match)."""
    wanted = set(key)
    return [(c, r) for c, r in FOLDS if not r or wanted & set(r)]


def _haystack() -> ColumnElement[str]:
    sep = literal(SEPARATOR)
    return Learner.last_name + sep + Learner.first_name + sep + Learner.login


def learner_matches(
    key: str,
    school_ids: Collection[int] | None = None,
    class_ids: Collection[int] | None = None,
) -> ColumnElement[bool]:
    """The ``WHERE`` of a learner whose names contain ``key`` (already a ``search_key``), in
    the given schools and classes (None: no bound of that kind): the stored key, or, where
    another program left none, the names folded in SQL."""
    pattern = like_pattern(key)
    flat = [literal(part) for pair in folds_for(key) for part in pair]
    unkeyed = search_folded(_haystack(), *flat).like(pattern, escape=LIKE_ESCAPE)
    condition = or_(
        Learner.search_key.like(pattern, escape=LIKE_ESCAPE),
        and_(Learner.search_key.is_(None), unkeyed),
    )
    if school_ids is not None:
        condition = and_(condition, Learner.school_id.in_(sorted(school_ids)))
    if class_ids is not None:
        condition = and_(condition, Learner.class_id.in_(sorted(class_ids)))
    return condition


def _sort_key() -> ColumnElement[Any]:
    """The search's order in SQL: the stored key (folded « last, first, login »), else the
    names as SQL folds them."""
    return func.coalesce(Learner.search_key, search_folded(_haystack()))


def find_learners(
    db: Database,
    actor: str,
    text: str,
    months: int,
    tz: ZoneInfo,
    now: datetime | None = None,
    limit: int = MAX_RESULTS,
    *,
    school_ids: Collection[int] | None = None,
    class_ids: Collection[int] | None = None,
) -> SearchResult:
    """Active learners and learners deactivated within ``months`` months whose last name,
    first name or login contains ``text`` (ignoring case and accents), in ``school_ids`` and
    ``class_ids`` when given. Nothing below ``MIN_CHARS`` characters. One SQL statement."""
    key = search_key(text)
    if len(key) < MIN_CHARS:
        return SearchResult(rows=[], total=0)
    now = now or datetime.now(UTC)
    start = deactivation_window_start(now, months, tz)
    in_window = or_(
        Learner.deactivated_at.is_(None),
        and_(Learner.deactivated_at > start, Learner.deactivated_at <= now),
    )
    query = (
        _learner_query()
        .add_columns(func.count().over().label("total"))
        .where(in_window, learner_matches(key, school_ids, class_ids))
        .order_by(_sort_key(), Learner.id)
        .limit(limit)
    )
    with db.transaction() as session:
        require_active_admin(session, actor)
        found = session.execute(query).all()
    rows = [LearnerRow(*row[:-1]) for row in found]
    total = int(found[0][-1]) if found else 0
    return SearchResult(rows=sorted(rows, key=_order), total=total)


def _order(row: LearnerRow) -> tuple[str, str, str, int]:
    return (search_key(row.last_name), search_key(row.first_name), search_key(row.login), row.id)
