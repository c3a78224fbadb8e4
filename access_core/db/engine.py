"""Building the engine: URL parsing, the SQLite file and its folder, driver checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import (
    ArgumentError,
    DisconnectionError,
)

from access_core.errors import (
    ConfigError,
    DatabaseFileMissing,
    DatabaseReadOnly,
    DriverMissing,
)
from access_core.ops.private_files import create_private_file, make_private_dir
from access_core.roster import folding

SQLITE_BUSY_TIMEOUT_S = 5.0

CANNOT_OPEN_SQLITE = (
    "the SQLite database cannot be opened: its file or folder is not readable and writable "
    "by this user"
)


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


def absolute_sqlite_url(database_url: str, base: Path) -> str:
    """``database_url`` with a relative SQLite file path resolved against ``base`` (the
    caller's working directory), for a process that runs elsewhere; any other URL as is."""
    url = parse_url(database_url)
    path = sqlite_path(url)
    if path is None or path.is_absolute() or url.query.get("uri"):
        return database_url
    return url.set(database=str(base / path)).render_as_string(hide_password=False)


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
