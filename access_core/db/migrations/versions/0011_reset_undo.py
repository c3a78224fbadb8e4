"""The previous password of each learner of a reset, kept for the undo window only.

``reset_undo`` holds, per learner of a reset batch, the password hash, ``must_change_password``
and ``password_changed_at`` the learner had just before the reset, and the hash the reset wrote
(a learner whose hash is no longer that one changed their password, or was reset again, since).
Rows are written in the reset's own transaction and erased once ``expires_at`` is past, by the
next write that touches the table and by ``access-core purge``: an old hash kept longer is a
liability. They never leave the database.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

UTC_TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reset_undo",
        sa.Column(
            "batch_id",
            sa.String(36),
            sa.ForeignKey("reset_batches.id", name="fk_reset_undo_batch_id"),
            primary_key=True,
        ),
        sa.Column("learner_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("previous_hash", sa.String(60), nullable=True),
        sa.Column("previous_must_change", sa.Boolean(), nullable=False),
        sa.Column("previous_changed_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("reset_hash", sa.String(60), nullable=False),
        sa.Column("expires_at", UTC_TIMESTAMP, nullable=False),
    )
    op.create_index("ix_reset_undo_expires_at", "reset_undo", ["expires_at"])
    op.create_index("ix_reset_undo_learner_id", "reset_undo", ["learner_id"])


def downgrade() -> None:
    op.drop_index("ix_reset_undo_learner_id", table_name="reset_undo")
    op.drop_index("ix_reset_undo_expires_at", table_name="reset_undo")
    op.drop_table("reset_undo")
