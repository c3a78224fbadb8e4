"""Login security: revocation time of an administrator's sessions, login throttling.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC_TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    with op.batch_alter_table("admins") as batch:
        batch.add_column(sa.Column("sessions_not_before", UTC_TIMESTAMP, nullable=True))
    op.create_table(
        "login_throttle",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("window_started_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("locked_until", UTC_TIMESTAMP, nullable=True),
        sa.UniqueConstraint("subject", name="uq_login_throttle_subject"),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    with op.batch_alter_table("admins") as batch:
        batch.drop_column("sessions_not_before")
