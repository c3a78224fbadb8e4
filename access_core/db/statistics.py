"""The query planner's statistics on SQLite.

Without ``sqlite_stat1`` SQLite takes every equality on an indexed column for a selective one:
at 100,000 learners of one school, the search walked ``learners(school_id, deactivated_at)``
and fetched every row by its id (69 ms) instead of reading the table in order (35 ms with the
statistics; docs/performance.md, P10). PostgreSQL and MariaDB keep their own (autovacuum,
InnoDB's persistent statistics); SQLite only has what ``ANALYZE`` writes. It runs once a
bulk change is committed (an import, the demo school) and, for a database that never had any,
at the first connection of a process.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from access_core.db.unit_of_work import Database

log = logging.getLogger("access_core")


def refresh(db: Database) -> None:
    """Rewrite SQLite's statistics (nothing on the other backends). A failure is logged and
    changes nothing: the statistics only guide the planner."""
    if db.backend != "sqlite":
        return
    try:
        with db.engine.connect() as connection:
            # every row: with ``analysis_limit`` SQLite saw only the first rows of each index
            # and took one school of 100,000 learners for 2,000 (a selective school_id again);
            # a full ANALYZE takes 0.13 s at 100,000 learners
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    except SQLAlchemyError as exc:
        log.warning("SQLite statistics not refreshed: %s", type(exc).__name__)


def ensure(db: Database) -> None:
    """Write the statistics of a SQLite database that never had any."""
    if missing(db):
        refresh(db)


def missing(db: Database) -> bool:
    """Whether this SQLite database has never had statistics."""
    if db.backend != "sqlite":
        return False
    with db.engine.connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        ).first()
    return found is None
