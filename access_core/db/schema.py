"""The schema's version: Alembic upgrades (and downgrades, for tests), the current revision."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import (
    DBAPIError,
)

from access_core.db.engine import _make_sqlite_folder, make_engine, parse_url, sqlite_path
from access_core.db.failures import _raise_translated
from access_core.errors import (
    SchemaDamaged,
    SchemaNewer,
)
from access_core.ops.private_files import tighten

if TYPE_CHECKING:  # named in annotations only: the unit of work imports this module
    from access_core.db.unit_of_work import Database

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


def missing_schema(database: Database) -> list[str]:
    """Every table (``name``) and column (``table.column``) of the models' metadata that the
    database lacks: empty when the schema holds all the code needs."""
    from sqlalchemy import inspect

    from access_core.db.models import Base

    try:
        with database.engine.connect() as conn:
            inspector = inspect(conn)
            tables = set(inspector.get_table_names())
            missing: list[str] = []
            for table in Base.metadata.sorted_tables:
                if table.name not in tables:
                    missing.append(table.name)
                    continue
                have = {column["name"] for column in inspector.get_columns(table.name)}
                missing.extend(
                    f"{table.name}.{c.name}" for c in table.columns if c.name not in have
                )
    except DBAPIError as exc:
        _raise_translated(exc)
    return missing


@cache
def head_revision() -> str:
    """The revision of this code's newest migration."""
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head())


def damaged_schema(database: Database) -> SchemaDamaged | None:
    """``SchemaDamaged`` when the database says it is at head but lacks a table or column of
    the models (``access-core init`` has nothing to apply then); None otherwise."""
    revision = current_revision(database)
    if revision is None or revision != head_revision():
        return None
    missing = missing_schema(database)
    if not missing:
        return None
    shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
    return SchemaDamaged(
        f"the database is at schema revision {revision} but lacks {shown}: it is damaged and "
        "`access-core init` cannot repair it; restore a backup (`access-core restore FILE`)",
        revision=revision,
        missing=shown,
    )
