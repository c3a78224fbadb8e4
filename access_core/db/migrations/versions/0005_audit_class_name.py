"""The class of a learner at the time of each event, so the journal shows and filters by it.

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("class_name", sa.String(100), nullable=True))
        batch.create_index("ix_audit_events_class_name", ["class_name"])


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_class_name")
        batch.drop_column("class_name")
