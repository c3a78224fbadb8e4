"""Find a learner anywhere in the school by a fragment of last name, first name or login.

The match ignores case and accents and is done in SQL on the contract's columns only (no
search column that this product alone would fill), so learners written by other programs are
found too. ``%``, ``_`` and quotes in the text match themselves.

Folding in SQL (``folding.search_folded``): on PostgreSQL and MariaDB ``lower()`` then nested
``replace()`` of the Latin letters of names (``folding.LATIN_RANGES``, both cases, as anyascii
transliterates them) and of the typographic apostrophes, hyphens and spaces; only the
characters that can fold into a character of the searched text are replaced (the others cannot
take part in a match). On SQLite, whose parser refuses deep nesting, it is
``folding.search_fold`` itself, registered on each connection.

That scan costs about a second at 100,000 learners on SQLite, so the dashboard passes a
``SearchIndex``: the folded names of every learner, built by one query and kept by the server
while ``stats.stats_version`` stays the same (any learner added by any program, any change made
by this product) and for a minute at most (a rename by another program). Matching
then runs in memory; the rows shown are always read afresh from the database, and the same
rules decide (``tests/core/test_stats_search.py`` runs every search both ways).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from access_core.accounts.scope import Scope
from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from access_core.roster.folding import (
    COMBINING,
    LATIN_RANGES,
    MARKS,
    fold_char,
    is_latin_letter,
    search_fold,
    search_folded,
)
from access_core.roster.queries import (
    LearnerRow,
    _learner_query,
    deactivation_window_start,
    learners_by_ids,
    scoped_school,
)

MIN_CHARS = 2
MAX_RESULTS = 50
LIKE_ESCAPE = "!"
SEPARATOR = "\x1f"  # between the three columns: no match spans two of them

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


_CONTROL = dict.fromkeys([*range(32), *range(127, 160)])  # Unicode category Cc


def search_key(text: str) -> str:
    """The searched text as the SQL side compares it: lower-case, Latin letters in ASCII
    (transliterated by anyascii: « é » → « e », « Ł » → « l », « ø » → « o », « Œ » → « oe »),
    typographic apostrophes, hyphens and spaces as their ASCII mark, combining accents and
    control characters removed, surrounding spaces stripped. Other scripts and ASCII
    punctuation stay (the kept index folds their case too; in SQL, their case folding is the
    database's ``lower()``)."""
    cleaned = text.translate(_CONTROL)
    return search_fold(cleaned).strip()


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


def folded_contains(
    query: Select[Any],
    key_column: ColumnElement[Any] | InstrumentedAttribute[Any],
    text_expr: ColumnElement[str],
    key: str,
) -> tuple[Select[Any], ColumnElement[bool]]:
    """A reusable SQL-side folded substring filter.

    Returns ``query`` and the condition to add (``WHERE``): ``text_expr``, folded like
    ``search_key``, contains ``key`` (already a ``search_key``). ``key_column`` is kept for
    callers that name their row (the folding needs no join)."""
    del key_column
    flat = [literal(part) for pair in folds_for(key) for part in pair]
    matches = search_folded(text_expr, *flat).like(like_pattern(key), escape=LIKE_ESCAPE)
    return query, matches


def _haystack() -> ColumnElement[str]:
    sep = literal(SEPARATOR)
    return Learner.last_name + sep + Learner.first_name + sep + Learner.login


@dataclass(frozen=True)
class SearchIndex:
    """Every learner's folded « last, first, login » within one actor's scope and school, one
    per line of ``text`` in result order (folded last name, first name, login), with the id,
    deactivation time, school and class (matches are filtered again by the searching actor's
    scope, so an index never shows more than its user may see)."""

    ids: tuple[int, ...]
    text: str
    starts: tuple[int, ...]  # where each learner's line begins in ``text``
    deactivated_at: tuple[datetime | None, ...]
    school_ids: tuple[int | None, ...] = ()
    class_ids: tuple[int | None, ...] = ()

    def allows(self, line: int, scope: Scope, school: int) -> bool:
        """The learner of ``line`` is of ``school`` and within ``scope``."""
        if not self.school_ids:
            return False
        school_id = self.school_ids[line]
        return school_id == school and scope.allows_class(self.class_ids[line], school_id)


def build_index(db: Database, actor: str, *, school_id: int | None = None) -> SearchIndex:
    """The index of the school's learners the actor may see."""
    query = Learner.id, Learner.last_name, Learner.first_name, Learner.login
    with db.transaction() as session:
        scope, school = scoped_school(session, actor, school_id)
        rows = session.execute(
            select(*query, Learner.deactivated_at, Learner.school_id, Learner.class_id).where(
                Learner.school_id == school, scope.learner_clause()
            )
        ).all()
    memo: dict[str, str] = {}  # names repeat: fold each once

    def key(value: str) -> str:
        if value not in memo:
            memo[value] = search_key(value)  # no control character: no line break
        return memo[value]

    entries = sorted(
        (key(last), key(first), search_key(login), learner_id, gone, school, class_id)
        for learner_id, last, first, login, gone, school, class_id in rows
    )
    lines = [SEPARATOR.join(e[:3]) for e in entries]
    starts, position = [], 0
    for line in lines:
        starts.append(position)
        position += len(line) + 1
    return SearchIndex(
        ids=tuple(e[3] for e in entries),
        text="\n".join(lines),
        starts=tuple(starts),
        deactivated_at=tuple(e[4] for e in entries),
        school_ids=tuple(e[5] for e in entries),
        class_ids=tuple(e[6] for e in entries),
    )


def _lines_containing(index: SearchIndex, key: str) -> list[int]:
    """The lines (learners) whose text contains ``key``, in order, each once."""
    found: list[int] = []
    text, starts = index.text, index.starts
    position = text.find(key)
    while position >= 0:
        line = bisect_right(starts, position) - 1
        found.append(line)
        following = starts[line + 1] if line + 1 < len(starts) else len(text)
        position = text.find(key, following)
    return found


def matching_ids(index: SearchIndex, text: str) -> list[int]:
    """Every learner of ``index`` (active or not) whose last name, first name or login contains
    ``text``, folded as ``search_key`` folds it (the journal's learner filter)."""
    key = search_key(text)
    return [index.ids[i] for i in _lines_containing(index, key)] if key else []


def _indexed(
    db: Database,
    actor: str,
    index: SearchIndex,
    key: str,
    start: datetime,
    now: datetime,
    limit: int,
    school_id: int | None,
) -> SearchResult:
    with db.transaction() as session:
        scope, school = scoped_school(session, actor, school_id)
        found = [
            i
            for i in _lines_containing(index, key)
            if ((gone := index.deactivated_at[i]) is None or start < _utc(gone) <= now)
            and index.allows(i, scope, school)
        ]
        wanted = [index.ids[i] for i in found[:limit]]
        rows = learners_by_ids(session, wanted, scope)
    position = {learner_id: n for n, learner_id in enumerate(wanted)}
    rows.sort(key=lambda row: position[row.id])
    return SearchResult(rows=rows, total=len(found))


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def find_learners(
    db: Database,
    actor: str,
    text: str,
    months: int,
    tz: ZoneInfo,
    now: datetime | None = None,
    limit: int = MAX_RESULTS,
    index: SearchIndex | None = None,
    *,
    school_id: int | None = None,
) -> SearchResult:
    """Active learners and learners deactivated within ``months`` months of the school, within
    the actor's scope (a teacher: their classes), whose last name, first name or login contains
    ``text`` (ignoring case and accents). Nothing below ``MIN_CHARS`` characters. With
    ``index``, the match runs on it (the same rules)."""
    key = search_key(text)
    if len(key) < MIN_CHARS:
        return SearchResult(rows=[], total=0)
    now = now or datetime.now(UTC)
    start = deactivation_window_start(now, months, tz)
    if index is not None:
        return _indexed(db, actor, index, key, start, now, limit, school_id)
    in_scope = or_(
        Learner.deactivated_at.is_(None),
        and_(Learner.deactivated_at > start, Learner.deactivated_at <= now),
    )
    query = _learner_query().add_columns(func.count().over().label("total"))
    query, matches = folded_contains(query, Learner.id, _haystack(), key)
    with db.transaction() as session:
        scope, school = scoped_school(session, actor, school_id)
        query = (
            query.where(in_scope, matches, Learner.school_id == school, scope.learner_clause())
            .order_by(func.lower(Learner.last_name), func.lower(Learner.first_name), Learner.id)
            .limit(limit)
        )
        found = session.execute(query).all()
    rows = [LearnerRow(*row[:-1]) for row in found]
    total = int(found[0][-1]) if found else 0
    return SearchResult(rows=sorted(rows, key=_order), total=total)


def _order(row: LearnerRow) -> tuple[str, str, str, int]:
    return (search_key(row.last_name), search_key(row.first_name), search_key(row.login), row.id)
