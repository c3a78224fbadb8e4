"""SQLite backup through SQLite's online backup API (no ``sqlite3`` program), and what a
restore (``access_core.ops.restore``) shares with it: the check of a copy and the lock.

A backup is one self-contained file (rollback journal, no -wal), checked, created 0600.
A restore refuses while a dashboard server holds the database: each server holds a shared
``flock`` on ``<database>.lock`` for its lifetime (released by the kernel when the process
ends, so no stale pid file), and a restore needs it exclusively.
PostgreSQL and MariaDB have their own tools (pg_dump, mariadb-dump: see docs/operations.md).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from access_core.db.engine import SQLITE_BUSY_TIMEOUT_S, sqlite_path
from access_core.errors import DatabaseFileMissing, ValidationError
from access_core.ops.private_files import PRIVATE_FILE_MODE, create_private_file, private_temp_path

_held: list[IO[bytes]] = []


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    revision: str | None
    learners: int
    previous: Path | None = None  # restore: where the replaced database is kept


def lock_path(database: Path) -> Path:
    """Beside the real file (a symlinked path and its target share one lock)."""
    real = Path(os.path.realpath(database))
    return real.with_name(real.name + ".lock")


def _open_lock(database: Path) -> IO[bytes]:
    path = lock_path(database)
    create_private_file(path)
    return open(path, "rb")  # noqa: SIM115 - held open for the life of the process


def hold_server_lock(database_url: str) -> bool:
    """Called by each dashboard server: hold ``<database>.lock`` shared until the process
    ends. True when held (SQLite), False for another backend."""
    database = sqlite_path(database_url)
    if database is None or not database.parent.is_dir():
        return False
    handle = _open_lock(database)
    fcntl.flock(handle, fcntl.LOCK_SH)
    _held.append(handle)
    return True


@contextlib.contextmanager
def exclusive(database: Path) -> Iterator[None]:
    handle = _open_lock(database)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ValidationError(
                f"a dashboard server is using {database}: stop it before restoring "
                "(e.g. systemctl stop acces-apprenants)",
                key="backup_server_running",
                database=str(database),
            ) from None
        yield
    finally:
        handle.close()


def connect(path: Path, mode: str) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    return sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_S)


def describe(conn: sqlite3.Connection, path: Path) -> BackupInfo:
    """Check an opened copy: intact, and a database of this application."""
    try:
        (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
        if integrity != "ok":
            raise ValidationError(
                f"{path} is damaged (integrity check: {integrity})",
                key="backup_damaged",
                path=str(path),
                integrity=str(integrity),
            )
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if not {"alembic_version", "learners"} <= tables:
            raise ValidationError(
                f"{path} is not a database of this application",
                key="backup_not_ours",
                path=str(path),
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        (learners,) = conn.execute("SELECT count(*) FROM learners").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ValidationError(
            f"{path} is not a SQLite database ({exc})",
            key="backup_not_sqlite",
            path=str(path),
            detail=str(exc),
        ) from None
    return BackupInfo(path=path, revision=row[0] if row else None, learners=int(learners))


def require_sqlite(database_url: str, verb: str) -> Path:
    database = sqlite_path(database_url)
    if database is None:
        raise ValidationError(
            f"{verb} handles SQLite only: use pg_dump / pg_restore for PostgreSQL and "
            "mariadb-dump for MariaDB (see docs/operations.md, « Back up, restore »)",
            key="backup_sqlite_only",
            verb=verb,
        )
    return database


def backup(database_url: str, destination: Path) -> BackupInfo:
    """Copy the live database (a server may be running) into ``destination`` (0600)."""
    database = require_sqlite(database_url, "backup")
    if not database.exists():
        raise DatabaseFileMissing(f"no SQLite database file at {database}", path=str(database))
    if destination.exists():
        raise ValidationError(
            f"{destination} exists already: choose a new file name",
            key="backup_exists",
            path=str(destination),
        )
    if not destination.parent.is_dir():
        raise ValidationError(
            f"no folder {destination.parent}: create it, or choose another path for the backup",
            key="backup_no_target_folder",
            folder=str(destination.parent),
        )
    try:
        tmp = private_temp_path(destination)
    except OSError as exc:  # a folder it may not write: name the backup, not the temp file
        raise ValidationError(
            f"cannot write {destination}: {exc.strerror}",
            key="cli_cannot_write",
            path=str(destination),
            reason=exc.strerror or type(exc).__name__,
        ) from exc
    try:
        source = connect(database, "ro")
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            info = describe(target, destination)
        finally:
            target.close()
            source.close()
        os.chmod(tmp, PRIVATE_FILE_MODE)
        os.replace(tmp, destination)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return info
