"""Find a learner anywhere in the administrator's schools by a fragment of last name, first
name or login.

The match ignores case and accents and runs in the database, in one SQL statement whose
``WHERE`` is built in one place (``learner_matches``, shared with the journal's learner filter):
the fragment, folded by ``folding.search_key``, is looked for with ``LIKE '%fragment%'`` in the
stored ``learners.search_key`` (``folding.learner_key`` of the learner's names, written by every
insert and rename of this product; migration 0010). On PostgreSQL a trigram GIN index
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

from sqlalchemy import ColumnElement, and_, func, literal, or_, select

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
    scoped_school,
)

__all__ = ["search_key"]  # re-exported: the pages and tests fold a typed text with it

MIN_CHARS = 2
MAX_RESULTS = 50
LIKE_ESCAPE = "!"
TRIGRAM = 3  # pg_trgm indexes strings of three characters
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
    # under three characters a trigram index holds nothing to look up: PostgreSQL would read
    # the whole GIN index (4 s at a million learners); on an expression it scans the rows
    # of the scope instead
    stored = Learner.search_key if len(key) >= TRIGRAM else Learner.search_key + literal("")
    condition = or_(
        stored.like(pattern, escape=LIKE_ESCAPE),
        and_(Learner.search_key.is_(None), unkeyed),
    )
    if school_ids is not None:
        condition = and_(condition, Learner.school_id.in_(sorted(school_ids)))
    if class_ids is not None:
        condition = and_(condition, Learner.class_id.in_(sorted(class_ids)))
    return condition


def _sort_keys() -> tuple[Any, ...]:
    """The search's order in SQL: the stored key (folded « last, first, login », compared byte
    by byte), which an index can give in order; rows without one (another program's) by their
    lower-cased names, then by id (the page is then sorted as ``_order`` says)."""
    return (
        Learner.search_key,
        func.lower(Learner.last_name),
        func.lower(Learner.first_name),
        Learner.id,
    )


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
    school_id: int | None = None,
) -> SearchResult:
    """Active learners and learners deactivated within ``months`` months whose last name,
    first name or login contains ``text`` (ignoring case and accents), in ``school_ids`` and
    ``class_ids`` when given, in the school a page chose (``school_id``; None: the actor's only
    school) and within the actor's scope (a teacher: their classes). Nothing below
    ``MIN_CHARS`` characters. One SQL statement."""
    key = search_key(text)
    if len(key) < MIN_CHARS:
        return SearchResult(rows=[], total=0)
    now = now or datetime.now(UTC)
    start = deactivation_window_start(now, months, tz)
    # active (NULL counts as deactivated « now »: inside) or deactivated within the window;
    # written on an expression so that no backend walks the deactivation index over the
    # whole school (97 % of the rows) instead of scanning the keys, and after the match
    moment = func.coalesce(Learner.deactivated_at, now)
    in_window = and_(moment > start, moment <= now)
    with db.transaction() as session:
        scope, school = scoped_school(session, actor, school_id)
        where = and_(
            learner_matches(key, school_ids, class_ids),
            in_window,
            Learner.school_id == school,
            scope.learner_clause(),  # a teacher: their classes
        )
        # the count in the same statement, apart from the page: the page can stop at ``limit``
        # rows in the key's order while the count reads no row's other columns
        counted = select(func.count()).select_from(Learner).where(where).correlate(None)
        query = (
            _learner_query()
            .add_columns(counted.scalar_subquery().label("total"))
            .where(where)
            .order_by(*_sort_keys())
            .limit(limit)
        )
        found = session.execute(query).all()
    rows = [LearnerRow(*row[:-1]) for row in found]
    total = int(found[0][-1]) if found else 0
    return SearchResult(rows=sorted(rows, key=_order), total=total)


def _order(row: LearnerRow) -> tuple[str, str, str, int]:
    return (search_key(row.last_name), search_key(row.first_name), search_key(row.login), row.id)
