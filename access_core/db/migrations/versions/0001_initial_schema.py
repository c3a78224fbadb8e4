"""Initial schema: classes, learners, administrators, audit events, reset batches.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

# Naive UTC timestamps; microseconds kept on MySQL/MariaDB too.
UTC_TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school_classes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.UniqueConstraint("name", name="uq_school_classes_name"),
    )
    op.create_table(
        "learners",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("external_id", sa.String(64), nullable=True),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column(
            "class_id",
            sa.Integer(),
            sa.ForeignKey("school_classes.id", name="fk_learners_class_id"),
            nullable=True,
        ),
        sa.Column("password_hash", sa.String(60), nullable=True),
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("password_changed_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("deactivated_at", UTC_TIMESTAMP, nullable=True),
        sa.UniqueConstraint("external_id", name="uq_learners_external_id"),
        sa.UniqueConstraint("login", name="uq_learners_login"),
    )
    op.create_index("ix_learners_class_active", "learners", ["class_id", "deactivated_at"])
    op.create_index("ix_learners_deactivated_at", "learners", ["deactivated_at"])
    op.create_table(
        "admins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(150), nullable=False),
        sa.Column("password_hash", sa.String(60), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=True),
        sa.UniqueConstraint("username", name="uq_admins_username"),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("occurred_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(150), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("batch_id", sa.String(36), nullable=True),
    )
    op.create_index("ix_audit_events_occurred_at", "audit_events", ["occurred_at"])
    op.create_index("ix_audit_events_learner_id", "audit_events", ["learner_id"])
    op.create_index("ix_audit_events_batch_id", "audit_events", ["batch_id"])
    op.create_table(
        "reset_batches",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("actor", sa.String(150), nullable=False),
        sa.Column("applied_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("learner_count", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    # Dropping a table drops its indexes (MySQL refuses to drop one a foreign key needs).
    op.drop_table("reset_batches")
    op.drop_table("audit_events")
    op.drop_table("admins")
    op.drop_table("learners")
    op.drop_table("school_classes")
