"""Throttle rows keyed by a keyed hash of the name, and tied to the learner they concern.

Existing rows hold typed usernames in clear (possibly passwords typed in the wrong field):
they are deleted, which lifts any lockout in force.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM login_throttle"))
    with op.batch_alter_table("login_throttle") as batch:
        batch.add_column(sa.Column("learner_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM login_throttle"))
    with op.batch_alter_table("login_throttle") as batch:
        batch.drop_column("learner_id")
