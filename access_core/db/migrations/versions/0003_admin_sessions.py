"""Server-side administrator sessions (idle timeout, lifetime and logout held by the database).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC_TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "admin_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("username", sa.String(150), nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("last_seen_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("ended_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("end_reason", sa.String(30), nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_admin_sessions_token_hash"),
    )
    op.create_index("ix_admin_sessions_username", "admin_sessions", ["username"])


def downgrade() -> None:
    op.drop_index("ix_admin_sessions_username", table_name="admin_sessions")
    op.drop_table("admin_sessions")
