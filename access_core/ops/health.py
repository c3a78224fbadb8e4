"""Is the database usable? For ``access-core check`` and the server's ``/healthz``.

``probe`` reads the schema revision (against the code's head), counts the rows of the main
tables and, when asked, tries a write that changes nothing (rolled back). Any problem is a
plain string in ``problems``; ``ok`` is True only without any.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from access_core.db.models import Admin, AuditEvent, Learner, SchoolClass
from access_core.db.schema import (
    current_revision,
    damaged_schema,
    known_revisions,
)
from access_core.db.schema import head_revision as head_revision  # noqa: PLC0414 - re-exported
from access_core.db.unit_of_work import Database
from access_core.errors import AccessError
from access_core.ops.backup import connect
from access_core.ops.restore import kept_previous
from access_core.roster import retention
from access_core.roster.queries import deactivation_window_start

# A restore is checked within a day; after that its .before-restore should be gone.
PREVIOUS_KEPT_FOR = timedelta(days=1)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    backend: str
    head: str
    revision: str | None = None
    writable: bool | None = None
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # the error code of each problem

    @property
    def ok(self) -> bool:
        return not self.problems


def _counts(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        active = select(func.count()).select_from(Learner).where(Learner.deactivated_at.is_(None))
        return {
            "classes": int(session.scalar(select(func.count()).select_from(SchoolClass)) or 0),
            "learners": int(session.scalar(select(func.count()).select_from(Learner)) or 0),
            "active_learners": int(session.scalar(active) or 0),
            "admins": int(session.scalar(select(func.count()).select_from(Admin)) or 0),
            "audit_events": int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0),
        }


def _can_write(db: Database) -> None:
    """A write that matches no row, rolled back: refused by a read-only file, server or
    account (raises ``DatabaseReadOnly``).

    A deliberate exception to "every write through ``Database.write``": it opens its write
    transaction itself, tried once, because a probe reports the first failure it meets (a
    busy database included) instead of retrying it away; it changes nothing and always rolls
    back, so there is nothing to retry for."""

    class _Rollback(Exception):
        pass

    try:
        with db.transaction(write=True) as session:
            session.execute(text("UPDATE school_classes SET name = name WHERE 1 = 0"))
            raise _Rollback
    except _Rollback:
        pass


def probe(db: Database, write: bool = True, counts: bool = True) -> Health:
    """The state of ``db``; never raises for a database problem (it is in ``problems``)."""
    head = head_revision()
    problems: list[str] = []
    codes: list[str] = []
    revision: str | None = None
    writable: bool | None = None
    found: dict[str, int] = {}
    try:
        revision = current_revision(db)
    except AccessError as exc:
        problems.append(str(exc))
        codes.append(exc.code)
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        from access_core.db.failures import driver_error

        log.warning("health: the schema revision cannot be read: %s", driver_error(exc))
        problems.append(f"the database cannot be read ({driver_error(exc)})")
        codes.append("database_failure")
    if not problems:
        if revision is None:
            problems.append("the database has no schema yet: run `access-core init`")
            codes.append("schema_missing")
        elif revision not in known_revisions():
            problems.append(
                f"the schema is at revision {revision}, unknown to this code (written by a "
                "newer version?): install that version"
            )
            codes.append("schema_newer")
        elif revision != head:
            problems.append(
                f"the schema is at revision {revision}, the code needs {head}: "
                "run `access-core init`"
            )
            codes.append("schema_outdated")
    if not problems and revision == head:
        try:
            damaged = damaged_schema(db)
        except AccessError as exc:
            damaged = None
            problems.append(str(exc))
            codes.append(exc.code)
        if damaged is not None:
            problems.append(str(damaged))
            codes.append(damaged.code)
    if not problems and counts:
        try:
            found = _counts(db)
        except AccessError as exc:
            problems.append(str(exc))
            codes.append(exc.code)
    if not problems and write:
        try:
            _can_write(db)
            writable = True
        except AccessError as exc:
            writable = False
            problems.append(str(exc))
            codes.append(exc.code)
    return Health(db.backend, head, revision, writable, found, problems, codes)


def retention_problem(
    db: Database, months: int, tz: ZoneInfo, now: datetime | None = None
) -> str | None:
    """A problem when learners past the retention term by a day or more
    (``retention.PURGE_GRACE``: the nightly purge deletes those crossing it today) are still
    stored (for ``check``, not for ``/healthz``: the dashboard works, the data should be gone):
    how many, since when."""
    summary = retention.missed_purge(db, months, tz, now)
    if not summary.count or summary.oldest is None:
        return None
    since = summary.oldest.astimezone(tz).strftime("%Y-%m-%d")
    return (
        f"{summary.count} learner(s) deactivated more than {months} month(s) ago are still "
        f"stored (the oldest deactivated on {since}): run `access-core purge`"
    )


def _overdue_in_file(path: Path, months: int, tz: ZoneInfo, now: datetime) -> int | None:
    """Learners past the retention term in the SQLite file ``path``, read-only; None when the
    file cannot be read as one of this application's databases."""
    engine = create_engine("sqlite://", creator=lambda: connect(path, "ro"), poolclass=NullPool)
    start = deactivation_window_start(now, months, tz)
    query = select(func.count(Learner.id)).where(
        Learner.deactivated_at.is_not(None), Learner.deactivated_at <= start
    )
    try:
        with engine.connect() as conn:
            return int(conn.scalar(query) or 0)
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def previous_database_problem(
    database_url: str, months: int, tz: ZoneInfo, now: datetime | None = None
) -> str | None:
    """A problem when ``restore``'s ``<database>.before-restore`` is older than a day or holds
    learners past the retention term (for ``check``): it keeps the replaced database's
    learners, purged ones included, outside every purge and backup rotation."""
    previous = kept_previous(database_url)
    if previous is None:
        return None
    now = now or datetime.now(UTC)
    kept = datetime.fromtimestamp(previous.stat().st_mtime, UTC)
    overdue = _overdue_in_file(previous, months, tz, now)
    if now - kept <= PREVIOUS_KEPT_FOR and not overdue:
        return None
    held = f", holding {overdue} learner(s) past the retention term" if overdue else ""
    return (
        f"{previous} (kept by `access-core restore` on {kept.astimezone(tz):%Y-%m-%d}{held}) "
        "still holds every learner of the replaced database: delete it once the restore is "
        "verified"
    )
