"""The schema's version: Alembic upgrades (and downgrades, for tests), the current revision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.exc import (
    DBAPIError,
)

from access_core.db.engine import _make_sqlite_folder, make_engine, parse_url, sqlite_path
from access_core.db.failures import _raise_translated
from access_core.db.unit_of_work import Database
from access_core.errors import (
    SchemaNewer,
)
from access_core.ops.private_files import tighten

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


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
            f"access-core (written by a newer version?): {hint}",
            revision=revision,
        )
    raise SchemaNewer(
        f"{backup} has schema revision {revision}, unknown to this version of access-core "
        f"(written by a newer version?): restore it with that version; nothing was changed",
        key="backup_newer_schema",
        path=str(backup),
        revision=revision,
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
