"""An index that answers the district overview by school from the index alone.

``stats.schools_overview`` counts, per school, the active learners and those who chose their
own password: one aggregate over every learner of the installation. At 1,000,000 learners in
500 schools that aggregate read the whole table (a parallel sequential scan: 290 ms on a
2-core machine). ``ix_learners_school_active`` holds ``(deactivated_at, school_id,
must_change_password)``, only for the active learners on PostgreSQL and SQLite (a partial
index), on every row on MariaDB (which has no partial index): each backend then reads the index
alone (PostgreSQL an index-only scan once autovacuum has marked the table's pages visible; SQLite
a covering index; MariaDB the ``deactivated_at IS NULL`` lookup its optimizer chooses, now from
the index alone: 444 → 89 ms at 200,000 learners, where ``school_id`` first was not used).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEX = "ix_learners_school_active"
COLUMNS = ["deactivated_at", "school_id", "must_change_password"]


def upgrade() -> None:
    active = sa.text("deactivated_at IS NULL")
    op.create_index(INDEX, "learners", COLUMNS, postgresql_where=active, sqlite_where=active)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="learners")
