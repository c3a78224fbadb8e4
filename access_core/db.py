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
from typing import Any, NoReturn, TypeVar

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.orm import Session, sessionmaker

from access_core import folding
from access_core.errors import (
    ConfigError,
    DatabaseBusy,
    DatabaseFailure,
    DatabaseFileMissing,
    DatabaseReadOnly,
    DatabaseUnavailable,
    DriverMissing,
    SchemaMissing,
    SchemaNewer,
    SchemaOutdated,
)
from access_core.files import create_private_file, make_private_dir, tighten

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 5.0
CANNOT_OPEN_SQLITE = (
    "the SQLite database cannot be opened: its file or folder is not readable and writable "
    "by this user"
)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def parse_url(database_url: str) -> URL:
    try:
        return make_url(database_url)
    except ArgumentError:
        raise ConfigError("ACCESS_DATABASE_URL is not a valid SQLAlchemy URL") from None


def sqlite_path(url: URL | str) -> Path | None:
    """The file of a SQLite URL (``None`` for another backend or an in-memory database)."""
    url = parse_url(url) if isinstance(url, str) else url
    if _is_sqlite(url) and url.database and url.database != ":memory:":
        return Path(url.database)
    return None


def _make_sqlite_folder(url: URL) -> None:
    """SQLite creates the file, not its folder (``var/`` is absent from a fresh clone).
    Only ``init`` calls this: a mistyped path elsewhere must not create folders."""
    path = sqlite_path(url)
    if path is not None:
        make_private_dir(path.parent)


def make_engine(
    database_url: str,
    busy_timeout_s: float = SQLITE_BUSY_TIMEOUT_S,
    create: bool = False,
    **kwargs: Any,
) -> Engine:
    """An engine for ``database_url``; SQLite writers wait ``busy_timeout_s`` for the lock.

    A SQLite file is created (private: 0600) only with ``create=True`` (``access-core init``);
    otherwise a missing file raises ``DatabaseFileMissing`` at connection time.
    SQL parameters are never rendered in error messages or SQL logs: they include password
    hashes, and error tracebacks end up in server logs."""
    url = parse_url(database_url)
    kwargs.setdefault("hide_parameters", True)
    if _is_sqlite(url):
        path = sqlite_path(url)
        engine = create_engine(url, connect_args={"timeout": busy_timeout_s}, **kwargs)

        @event.listens_for(engine, "do_connect")
        def _sqlite_open(_dialect: Any, _record: Any, _cargs: Any, _cparams: Any) -> Any:
            try:
                exists = path is not None and path.exists()
            except PermissionError:  # a folder on the way is closed to this user
                raise DatabaseReadOnly(CANNOT_OPEN_SQLITE) from None
            if path is not None and not exists:
                if not create:
                    raise DatabaseFileMissing(
                        f"no SQLite database file at {path}: check ACCESS_DATABASE_URL, "
                        "or create it with `access-core init`",
                        path=str(path),
                    )
                # SQLite gives the -wal and -shm files the database file's mode: 0600.
                create_private_file(path)
            return _dialect.connect(*_cargs, **_cparams)

        def _file_id() -> tuple[int, int] | None:
            try:
                info = path.stat() if path is not None else None
            except OSError:
                return None
            return (info.st_dev, info.st_ino) if info is not None else None

        @event.listens_for(engine, "checkout")
        def _sqlite_same_file(_dbapi_conn: Any, record: Any, _proxy: Any) -> None:
            # A pooled connection keeps reading (and writing!) a file that was deleted or
            # replaced since it opened: hand it out only while the path still names that file,
            # otherwise the pool opens a new one, which finds the new file or none.
            if path is not None and _file_id() != record.info.get("sqlite_file"):
                raise DisconnectionError("the SQLite file was deleted or replaced")

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            _record.info["sqlite_file"] = _file_id()
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
            dbapi_conn.create_function(
                folding.SQLITE_LOWER, 1, folding.sqlite_lower, deterministic=True
            )
            # folding.search_folded(...) on SQLite: the learner search's folding
            dbapi_conn.create_function(
                folding.SQLITE_SEARCH_FUNCTION, 1, folding.sqlite_search_fold, deterministic=True
            )

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            mode = "IMMEDIATE" if conn.get_execution_options().get("for_write") else "DEFERRED"
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    try:
        return create_engine(url, pool_pre_ping=True, pool_recycle=1800, **kwargs)
    except ModuleNotFoundError as exc:
        extra, provided, scheme = DRIVER_EXTRAS.get(
            url.get_backend_name(), ("postgres", "psycopg", "postgresql+psycopg")
        )
        hint = (
            f"pip install 'acces-apprenants[{extra}]' (or '.[{extra}]' in the checkout)"
            if exc.name == provided
            else f"the [{extra}] extra installs {provided}: use a {scheme}:// URL"
        )
        raise DriverMissing(
            f"the database driver {exc.name!r} is not installed: {hint}",
            driver=exc.name,
            extra=extra,
        ) from None


# backend -> (the extra to install, the driver module it provides, the URL scheme using it)
DRIVER_EXTRAS = {
    "postgresql": ("postgres", "psycopg", "postgresql+psycopg"),
    "mysql": ("mysql", "pymysql", "mysql+pymysql"),
}


# Conflicts worth retrying: serialization failure and deadlock (PostgreSQL SQLSTATE),
# deadlock and lock-wait timeout (MySQL/MariaDB error codes).
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
RETRYABLE_MYSQL_CODES = frozenset({1213, 1205})
MISSING_TABLE_SQLSTATES = frozenset({"42P01"})
MISSING_TABLE_MYSQL_CODES = frozenset({1146})
RETRY_ATTEMPTS = 5

T = TypeVar("T")


# A column the code expects is missing: the schema is behind the code.
MISSING_COLUMN_SQLSTATES = frozenset({"42703"})
MISSING_COLUMN_MYSQL_CODES = frozenset({1054})
# Writes refused: read-only transaction/server, no privilege (PostgreSQL; MySQL/MariaDB).
READ_ONLY_SQLSTATES = frozenset({"25006", "42501"})
READ_ONLY_MYSQL_CODES = frozenset({1290, 1792, 1836, 1142})
# Connection failures (MySQL client error codes; PostgreSQL's SQLSTATE class 08, 57P0x).
CONNECTION_MYSQL_CODES = frozenset({2002, 2003, 2005, 2006, 2013, 2055})
REFUSED_LOGIN_SQLSTATES = frozenset({"28000", "28P01", "3D000"})
REFUSED_LOGIN_MYSQL_CODES = frozenset({1044, 1045, 1049})
SQLITE_READONLY, SQLITE_CANTOPEN = 8, 14


def _driver_code(exc: DBAPIError) -> tuple[str | None, int | None]:
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    args = getattr(orig, "args", ())
    mysql_code = args[0] if args and isinstance(args[0], int) else None
    return sqlstate, mysql_code


def _sqlite_code(exc: DBAPIError) -> int | None:
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def driver_error(exc: BaseException) -> str:
    """The driver's error class and code, for logs: never the message (it may quote values
    or the server's address) nor the statement's parameters."""
    orig = getattr(exc, "orig", None) or exc
    name = f"{type(orig).__module__}.{type(orig).__qualname__}"
    code = (
        getattr(orig, "sqlstate", None)
        or getattr(orig, "sqlite_errorname", None)
        or next((a for a in getattr(orig, "args", ())[:1] if isinstance(a, int)), None)
    )
    return f"{name} ({code})" if code is not None else name


def _is_connection_failure(exc: DBAPIError, sqlstate: str | None, mysql_code: int | None) -> bool:
    return bool(
        exc.connection_invalidated
        or exc.statement is None  # raised while connecting
        or (sqlstate or "").startswith(("08", "57P0"))
        or mysql_code in CONNECTION_MYSQL_CODES
    )


def _raise_translated(exc: DBAPIError) -> NoReturn:
    """Log the driver's error class and code (never its message: it may hold values), then
    raise the expected error it stands for, or ``exc`` itself."""
    translated = _translate(exc)
    log.warning("database error: %s -> %s", driver_error(exc), type(translated).__name__)
    if translated is exc:
        raise exc
    raise translated from exc


def _translate(exc: DBAPIError) -> Exception:
    """A user-fit error for a driver error, or ``exc`` itself when it is not one we expect."""
    sqlstate, mysql_code = _driver_code(exc)
    sqlite_code = _sqlite_code(exc)
    text = str(exc.orig).lower() if exc.orig is not None else ""
    if (
        sqlstate in MISSING_TABLE_SQLSTATES
        or mysql_code in MISSING_TABLE_MYSQL_CODES
        or "no such table" in text
    ):
        return SchemaMissing("the database has no schema yet: run `access-core init`")
    if (
        sqlstate in MISSING_COLUMN_SQLSTATES
        or mysql_code in MISSING_COLUMN_MYSQL_CODES
        or "no such column" in text
    ):
        return SchemaOutdated(
            "the database schema is older than this version: run `access-core init`"
        )
    if sqlstate in RETRYABLE_SQLSTATES or mysql_code in RETRYABLE_MYSQL_CODES:
        return DatabaseBusy("the database is busy, try again", retryable=True)
    if "database is locked" in text or "database is busy" in text:
        return DatabaseBusy("the database is busy, try again")
    if (
        sqlstate in READ_ONLY_SQLSTATES
        or mysql_code in READ_ONLY_MYSQL_CODES
        or sqlite_code == SQLITE_READONLY
    ):
        return DatabaseReadOnly(
            "the database is read-only: check the permissions of the database file and its "
            "folder, or the account's rights on the server"
        )
    if sqlite_code == SQLITE_CANTOPEN:
        return DatabaseReadOnly(CANNOT_OPEN_SQLITE)
    if sqlstate in REFUSED_LOGIN_SQLSTATES or mysql_code in REFUSED_LOGIN_MYSQL_CODES:
        return DatabaseUnavailable(
            "the database server refused the login or has no such database: check "
            "ACCESS_DATABASE_URL",
            key="error_database_refused",
        )
    if _is_connection_failure(exc, sqlstate, mysql_code):
        return DatabaseUnavailable("the database cannot be reached")
    if isinstance(exc, OperationalError | InterfaceError):
        return DatabaseFailure(f"the database reported an error: {driver_error(exc)}")
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
            _raise_translated(exc)

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


def known_revisions() -> frozenset[str]:
    """Every schema revision this code's migrations know (the head and its ancestors)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return frozenset(str(script.revision) for script in scripts.walk_revisions())


def refuse_unknown_revision(revision: str | None, backup: Path | None = None) -> None:
    """Raise ``SchemaNewer`` when ``revision`` (of the database, or of the ``backup`` file) is
    not one of this code's: a newer version wrote it, and nothing here can upgrade it."""
    if revision is None or revision in known_revisions():
        return
    hint = "install that version; nothing was changed"
    if backup is None:
        raise SchemaNewer(
            f"the database has schema revision {revision}, unknown to this version of "
            f"access-core (written by a newer version?): {hint}", revision=revision,
        )
    raise SchemaNewer(
        f"{backup} has schema revision {revision}, unknown to this version of access-core "
        f"(written by a newer version?): restore it with that version; nothing was changed",
        key="backup_newer_schema", path=str(backup), revision=revision,
    )


def upgrade_schema(database_url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """Create or upgrade the schema to ``revision`` (Alembic ``upgrade``); returns the
    revisions before and after (``None``: no schema)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    url = parse_url(database_url)
    _make_sqlite_folder(url)
    # The migrations' environment builds its engine from the URL: open one here first, so a
    # missing driver is a clear DriverMissing and a new SQLite file is created private (0600).
    engine = make_engine(database_url, create=True)
    try:
        with engine.connect() as conn:
            before = MigrationContext.configure(conn).get_current_revision()
        refuse_unknown_revision(before)
        path = sqlite_path(url)
        if path is not None:  # files written by older versions were 0644
            for suffix in ("", "-wal", "-shm"):
                tighten(path.with_name(path.name + suffix))
        command.upgrade(alembic_config(database_url), revision)
        with engine.connect() as conn:
            after = MigrationContext.configure(conn).get_current_revision()
    except DBAPIError as exc:
        _raise_translated(exc)
    finally:
        engine.dispose()
    return before, after


def current_revision(database: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    try:
        with database.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except DBAPIError as exc:
        _raise_translated(exc)
