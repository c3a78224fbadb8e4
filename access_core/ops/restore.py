"""``access-core restore``: replace the live SQLite database with a backup, never half-way.

The backup is copied into a private temporary file beside the live database, checked, upgraded
to head and compared with the models' metadata (every table and column the code needs) there.
Only then is the live database's -wal written into its file and emptied (so no log is replayed
over the restored data), that file kept as ``<database>.before-restore`` and the copy put in
its place (``os.replace``) with the live file's mode, owner and group (as root). A symlinked
database path is resolved first: the link's target is replaced, the link kept. A backup that
fails any step leaves the live database as it was, with one line saying what is wrong with it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sqlite3
import stat
from pathlib import Path

from access_core.db.engine import SQLITE_BUSY_TIMEOUT_S, sqlite_path
from access_core.db.schema import refuse_unknown_revision
from access_core.errors import DatabaseFileMissing, ValidationError
from access_core.ops.backup import BackupInfo, connect, describe, exclusive, require_sqlite
from access_core.ops.private_files import PRIVATE_FILE_MODE, private_temp_path


def previous_path(database: Path) -> Path:
    """Where ``restore`` keeps the database it replaced."""
    return database.with_name(database.name + ".before-restore")


def kept_previous(database_url: str) -> Path | None:
    """The ``.before-restore`` file a restore left beside the (real) SQLite database, if any:
    it holds every learner of the replaced database, purged ones included, until deleted."""
    database = sqlite_path(database_url)
    if database is None:
        return None
    previous = previous_path(Path(os.path.realpath(database)))
    return previous if previous.exists() else None


def _unlink_sqlite(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _one_line(exc: BaseException) -> str:
    """What went wrong in one line: SQLite's own words when SQLite failed (the migrations'
    statements hold no pupil's data: « table X already exists »), else the error's."""
    cause: BaseException | None = exc
    while cause is not None:
        orig = getattr(cause, "orig", None)
        if isinstance(orig, sqlite3.Error):
            cause = orig
        if isinstance(cause, sqlite3.Error):
            break
        cause = cause.__cause__
    lines = str(cause or exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def _prepare(source: sqlite3.Connection, source_file: Path, tmp: Path) -> None:
    """Copy the backup into ``tmp``, check it, upgrade it to head and compare it with the
    models' metadata: raise ``ValidationError`` naming ``source_file`` when it cannot serve."""
    from access_core.db.schema import head_revision, missing_schema, upgrade_schema
    from access_core.db.unit_of_work import Database

    target = sqlite3.connect(tmp)
    try:
        source.backup(target)
        describe(target, source_file)
    finally:
        target.close()
    url = f"sqlite:///{tmp}"
    try:
        upgrade_schema(url)
    except Exception as exc:  # noqa: BLE001 - the backup's fault: reported in one line
        raise ValidationError(
            f"{source_file} cannot be upgraded to schema {head_revision()} "
            f"({_one_line(exc)}): the backup is damaged; nothing was changed",
            key="backup_upgrade_failed",
            path=str(source_file),
            head=head_revision(),
            detail=_one_line(exc),
        ) from None
    db = Database.from_url(url)
    try:
        missing = missing_schema(db)
    finally:
        db.dispose()
    if missing:
        shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        raise ValidationError(
            f"{source_file} lacks tables or columns this version needs ({shown}): the backup "
            "is damaged; nothing was changed",
            key="backup_incomplete",
            path=str(source_file),
            missing=shown,
        )


def _checkpoint(database: Path) -> None:
    """Write the live database's -wal into its file and empty the log (so the file kept as
    ``.before-restore`` is whole and no log is replayed over the restored file)."""
    try:
        conn = sqlite3.connect(database, timeout=SQLITE_BUSY_TIMEOUT_S)
        try:
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        busy = "locked" in str(exc) or "busy" in str(exc)
        if not busy:
            raise
    except sqlite3.DatabaseError:  # the live file is damaged: its log goes aside with it
        previous = previous_path(database)
        for suffix in ("-wal", "-shm"):
            log = database.with_name(database.name + suffix)
            if log.exists():
                os.replace(log, previous.with_name(previous.name + suffix))
        return
    if busy:
        raise ValidationError(
            f"{database} is in use by another program: stop it before restoring; nothing was "
            "changed",
            key="backup_database_busy",
            database=str(database),
        )


def _keep_previous(database: Path) -> Path | None:
    """Keep the live file as ``<name>.before-restore`` (a hard link: the live file stays in
    place until it is replaced); None when there is no live data."""
    if not database.exists() or database.stat().st_size == 0:
        return None
    previous = previous_path(database)
    staged = private_temp_path(previous)
    staged.unlink()
    try:
        try:
            os.link(database, staged)
        except OSError:  # a file system without hard links
            shutil.copyfile(database, staged)
            os.chmod(staged, PRIVATE_FILE_MODE)
        os.utime(staged)  # its date is the restore's (``check`` reports it after a day)
        os.replace(staged, previous)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return previous


def _take_owner_and_mode(tmp: Path, database: Path) -> None:
    """Give ``tmp`` the live file's mode, and its owner and group when allowed (as root), so
    the service account still opens the restored file (``restore`` run as root must not leave
    a root-owned 0600 database). No live file: ``tmp`` stays private (0600, the caller's)."""
    try:
        live = os.stat(database)
    except FileNotFoundError:
        return
    if os.geteuid() == 0:
        os.chown(tmp, live.st_uid, live.st_gid)
    elif live.st_gid != os.stat(tmp).st_gid:
        with contextlib.suppress(PermissionError):  # a group the caller is not a member of
            os.chown(tmp, -1, live.st_gid)
    os.chmod(tmp, stat.S_IMODE(live.st_mode))


def restore(database_url: str, source_file: Path) -> BackupInfo:
    """Replace the live database with ``source_file``, upgraded to head.

    The backup is copied into a private temporary file beside the live database, checked,
    upgraded and compared with the models' metadata there; only then is the live file
    replaced (``os.replace``), the previous one kept as ``<name>.before-restore``. On any
    failure the live database is left as it was."""
    # A symlinked path: the data stay on the link's target (the link is kept).
    database = Path(os.path.realpath(require_sqlite(database_url, "restore")))
    if not source_file.is_file():
        raise ValidationError(
            f"no backup file at {source_file}", key="backup_missing", path=str(source_file)
        )
    source = connect(source_file, "ro")
    try:
        info = describe(source, source_file)
        # A backup this code cannot upgrade (written by a newer version, or with no revision).
        if info.revision is None:
            raise ValidationError(
                f"{source_file} is not a database of this application (no schema revision)",
                key="backup_not_ours",
                path=str(source_file),
            )
        refuse_unknown_revision(info.revision, source_file)
        if not database.parent.is_dir():
            raise DatabaseFileMissing(
                f"no folder {database.parent} for the database",
                key="backup_no_folder",
                folder=str(database.parent),
            )
        with exclusive(database):
            tmp = private_temp_path(database)
            try:
                _prepare(source, source_file, tmp)
                if database.exists():
                    _checkpoint(database)
                previous = _keep_previous(database)
                _take_owner_and_mode(tmp, database)
                os.replace(tmp, database)
            except BaseException:
                _unlink_sqlite(tmp)
                raise
    finally:
        source.close()
    return dataclasses.replace(info, previous=previous)
