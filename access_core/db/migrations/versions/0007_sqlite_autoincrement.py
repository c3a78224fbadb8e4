"""SQLite never hands a deleted learner's (or journal event's) id to a new row.

Without AUTOINCREMENT, SQLite gives a new row max(rowid) + 1: once the purge deletes the
learner with the highest id, the next learner would take his number, and the purged learner's
kept journal events (« Élève supprimé n° N ») would become the new learner's. The tables are
rebuilt with AUTOINCREMENT (ids kept); PostgreSQL sequences and MariaDB's AUTO_INCREMENT never
reuse an id, so nothing changes there.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("learners", "audit_events")


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    _rebuild(True)
    if op.get_bind().dialect.name == "sqlite":
        # A learner purged before this migration, with the highest id, lives on only in his
        # journal events' learner_id: the sequence starts past it too.
        op.execute("DELETE FROM sqlite_sequence WHERE name = 'learners'")
        op.execute(
            "INSERT INTO sqlite_sequence (name, seq) SELECT 'learners', max("
            "(SELECT coalesce(max(id), 0) FROM learners), "
            "(SELECT coalesce(max(learner_id), 0) FROM audit_events))"
        )


def downgrade() -> None:
    _rebuild(False)
