"""Engine and transactions; schema upgrade through Alembic.

``Database.transaction()`` is the one way services open a transaction: it commits on success,
rolls back on any error, and turns driver errors into ``DatabaseBusy`` / ``DatabaseUnavailable``
whose messages never contain the connection URL or a password.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from access_core import folding
from access_core.errors import ConfigError, DatabaseBusy, DatabaseUnavailable, SchemaMissing

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 5.0
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def parse_url(database_url: str) -> URL:
    try:
        return make_url(database_url)
    except ArgumentError:
        raise ConfigError("ACCESS_DATABASE_URL is not a valid SQLAlchemy URL") from None


def _make_sqlite_folder(url: URL) -> None:
    """SQLite creates the file, not its folder (``var/`` is absent from a fresh clone)."""
    if _is_sqlite(url) and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def make_engine(
    database_url: str, busy_timeout_s: float = SQLITE_BUSY_TIMEOUT_S, **kwargs: Any
) -> Engine:
    """An engine for ``database_url``; SQLite writers wait ``busy_timeout_s`` for the lock.

    SQL parameters are never rendered in error messages or SQL logs: they include password
    hashes, and error tracebacks end up in server logs."""
    url = parse_url(database_url)
    kwargs.setdefault("hide_parameters", True)
    if _is_sqlite(url):
        _make_sqlite_folder(url)
        engine = create_engine(url, connect_args={"timeout": busy_timeout_s}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy emit BEGIN itself so that BEGIN IMMEDIATE takes the write lock
            # at the start of every transaction: writers queue on the busy timeout instead of
            # failing on lock upgrade.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
            cursor.close()
            # folding.folded(...) on SQLite: searches ignoring case and accents
            dbapi_conn.create_function(
                folding.SQLITE_FUNCTION, 1, folding.sqlite_fold, deterministic=True
            )

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            mode = "IMMEDIATE" if conn.get_execution_options().get("for_write") else "DEFERRED"
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    try:
        return create_engine(url, pool_pre_ping=True, pool_recycle=1800, **kwargs)
    except ModuleNotFoundError as exc:
        extra = "postgres" if url.get_backend_name() == "postgresql" else "mysql"
        raise ConfigError(
            f"the database driver {exc.name!r} is not installed: pip install '.[{extra}]'"
        ) from None


# Conflicts worth retrying: serialization failure and deadlock (PostgreSQL SQLSTATE),
# deadlock and lock-wait timeout (MySQL/MariaDB error codes).
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
RETRYABLE_MYSQL_CODES = frozenset({1213, 1205})
MISSING_TABLE_SQLSTATES = frozenset({"42P01"})
MISSING_TABLE_MYSQL_CODES = frozenset({1146})
RETRY_ATTEMPTS = 5

T = TypeVar("T")


def _driver_code(exc: DBAPIError) -> tuple[str | None, int | None]:
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    args = getattr(orig, "args", ())
    mysql_code = args[0] if args and isinstance(args[0], int) else None
    return sqlstate, mysql_code


def _translate(exc: DBAPIError) -> Exception:
    """A user-fit error for a driver error, or ``exc`` itself when it is not one we expect."""
    sqlstate, mysql_code = _driver_code(exc)
    text = str(exc.orig).lower() if exc.orig is not None else ""
    if (
        sqlstate in MISSING_TABLE_SQLSTATES
        or mysql_code in MISSING_TABLE_MYSQL_CODES
        or "no such table" in text
    ):
        return SchemaMissing("the database has no schema yet: run `access-core init`")
    if sqlstate in RETRYABLE_SQLSTATES or mysql_code in RETRYABLE_MYSQL_CODES:
        return DatabaseBusy("the database is busy, try again", retryable=True)
    if "database is locked" in text or "database is busy" in text:
        return DatabaseBusy("the database is busy, try again")
    if isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated:
        return DatabaseUnavailable("the database cannot be reached")
    return exc


@dataclass
class Database:
    """An engine and its session factory; services receive one of these."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def from_url(cls, database_url: str, **kwargs: Any) -> Database:
        engine = make_engine(database_url, **kwargs)
        return cls(engine, sessionmaker(engine, expire_on_commit=False))

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[Session]:
        """One transaction: commit on success, roll back on error.

        ``write=True`` takes SQLite's write lock at the start (``BEGIN IMMEDIATE``), so
        concurrent writers wait for the busy timeout instead of failing half-way.
        """
        try:
            with self.sessions.begin() as session:
                if write:
                    session.connection(execution_options={"for_write": True})
                yield session
        except DBAPIError as exc:
            translated = _translate(exc)
            if translated is exc:
                raise
            log.warning("database error: %s", type(translated).__name__)
            raise translated from None

    def write(self, work: Callable[[Session], T], attempts: int = RETRY_ATTEMPTS) -> T:
        """``work(session)`` in one write transaction, retried a bounded number of times
        when the server reports a serialization failure or a deadlock (each try starts
        afresh: a failed try has been rolled back)."""
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction(write=True) as session:
                    return work(session)
            except DatabaseBusy as exc:
                if not exc.params.get("retryable") or attempt == attempts:
                    raise
                log.info("write conflict, retry %d of %d", attempt, attempts - 1)
                time.sleep(0.02 * 2**attempt * (1 + random.random()))  # noqa: S311
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(database_url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_schema(database_url: str, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision`` (Alembic ``upgrade``)."""
    from alembic import command

    _make_sqlite_folder(parse_url(database_url))
    try:
        command.upgrade(alembic_config(database_url), revision)
    except DBAPIError as exc:
        translated = _translate(exc)
        if translated is exc:
            raise
        raise translated from None


def downgrade_schema(database_url: str, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)


def current_revision(database: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with database.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
