"""The learner search's folded names stored on each learner (``learners.search_key``).

``search_key`` is ``folding.learner_key(last_name, first_name, login)``: what the search and the
journal's learner filter compare, so neither folds every learner's names per request nor keeps a
per-process copy of them. This migration fills it for every existing learner (in batches, in
Python: the fold is anyascii's), and adds:

- an index: on PostgreSQL a trigram GIN index (``pg_trgm``, created here when the role may: it
  is a trusted extension since PostgreSQL 13) that serves ``LIKE '%fragment%'``; when the
  extension cannot be created, a B-tree instead and the search scans the stored keys of the
  administrator's schools (``school_id`` index). On MariaDB (a 255-character prefix) and SQLite
  a B-tree, which serves the search's order (an infix LIKE cannot use a B-tree). A partial
  index on the rows without a key lets PostgreSQL serve the search's ``OR`` from both indexes.
- a trigger clearing the key when another program renames a learner (or changes a login)
  without writing it: a NULL key is folded in SQL by the search, as before this revision, so
  other programs' rows are always found. On SQLite a later migration that rebuilds ``learners``
  (``batch_alter_table`` with ``recreate``) must create the trigger again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

from access_core.roster.folding import learner_key

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

LOG = logging.getLogger(__name__)
BATCH = 5000
TRIGGER = "learners_search_key_stale"
INDEX = "ix_learners_search_key"
MISSING_INDEX = "ix_learners_search_key_missing"
KEY_TYPE = (
    sa.Text()
    .with_variant(mysql.TEXT(collation="utf8mb4_bin"), "mysql", "mariadb")
    .with_variant(postgresql.TEXT(collation="C"), "postgresql")
)

# the trigger's name is TRIGGER (plain SQL text: nothing here is formatted in)
_TRIGGERS = {
    "postgresql": [
        """CREATE FUNCTION learners_search_key_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.last_name, NEW.first_name, NEW.login)
       IS DISTINCT FROM (OLD.last_name, OLD.first_name, OLD.login)
     AND NEW.search_key IS NOT DISTINCT FROM OLD.search_key THEN
    NEW.search_key := NULL;
  END IF;
  RETURN NEW;
END $$""",
        "CREATE TRIGGER learners_search_key_stale BEFORE UPDATE ON learners "
        "FOR EACH ROW EXECUTE FUNCTION learners_search_key_stale()",
    ],
    "mysql": [
        """CREATE TRIGGER learners_search_key_stale BEFORE UPDATE ON learners FOR EACH ROW
IF NOT (BINARY NEW.last_name <=> BINARY OLD.last_name
        AND BINARY NEW.first_name <=> BINARY OLD.first_name
        AND BINARY NEW.login <=> BINARY OLD.login)
   AND NEW.search_key <=> OLD.search_key THEN
  SET NEW.search_key = NULL;
END IF"""
    ],
    "sqlite": [
        """CREATE TRIGGER learners_search_key_stale AFTER UPDATE OF last_name, first_name, login
ON learners FOR EACH ROW
WHEN NEW.search_key IS OLD.search_key
  AND (NEW.last_name IS NOT OLD.last_name OR NEW.first_name IS NOT OLD.first_name
       OR NEW.login IS NOT OLD.login)
BEGIN
  UPDATE learners SET search_key = NULL WHERE id = NEW.id;
END"""
    ],
}


def _dialect() -> str:
    name = op.get_bind().dialect.name
    return "mysql" if name == "mariadb" else name


def _fill() -> None:
    """Every learner's key, by batches of ids (no whole table in memory)."""
    bind = op.get_bind()
    learners = sa.table(
        "learners",
        sa.column("id", sa.Integer),
        sa.column("last_name", sa.String),
        sa.column("first_name", sa.String),
        sa.column("login", sa.String),
        sa.column("search_key", sa.Text),
    )
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(learners.c.id, learners.c.last_name, learners.c.first_name, learners.c.login)
            .where(learners.c.id > last_id)
            .order_by(learners.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        bind.execute(
            learners.update()
            .where(learners.c.id == sa.bindparam("learner_id"))
            .values(search_key=sa.bindparam("key")),
            [{"learner_id": r[0], "key": learner_key(r[1], r[2], r[3])} for r in rows],
        )
        last_id = rows[-1][0]


def _trigram_index() -> None:
    """PostgreSQL: the GIN trigram index when ``pg_trgm`` can be created, else a B-tree."""
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as error:
        LOG.warning("pg_trgm unavailable (%s): the search scans the stored keys", error.orig)
        op.create_index(INDEX, "learners", ["search_key"])
        return
    op.create_index(
        INDEX,
        "learners",
        ["search_key"],
        postgresql_using="gin",
        postgresql_ops={"search_key": "gin_trgm_ops"},
    )


def upgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("search_key", KEY_TYPE, nullable=True))
    _fill()
    dialect = _dialect()
    if dialect == "postgresql":
        _trigram_index()
    else:
        op.create_index(INDEX, "learners", ["search_key"], mysql_length={"search_key": 255})
    # the rows without a key, so that PostgreSQL combines both indexes for the search's OR
    op.create_index(
        MISSING_INDEX,
        "learners",
        ["id"],
        postgresql_where=sa.text("search_key IS NULL"),
        sqlite_where=sa.text("search_key IS NULL"),
    )
    for statement in _TRIGGERS.get(dialect, []):
        op.execute(sa.text(statement))


def downgrade() -> None:
    dialect = _dialect()
    on_table = " ON learners" if dialect == "postgresql" else ""
    op.execute(sa.text(f"DROP TRIGGER IF EXISTS {TRIGGER}{on_table}"))
    if dialect == "postgresql":
        op.execute(sa.text(f"DROP FUNCTION IF EXISTS {TRIGGER}()"))
    op.drop_index(MISSING_INDEX, "learners")
    op.drop_index(INDEX, "learners")
    # SQLite 3.35+ drops a column in place: no rebuild of the table (its AUTOINCREMENT kept)
    op.execute(sa.text("ALTER TABLE learners DROP COLUMN search_key"))
