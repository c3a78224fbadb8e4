"""A per-account session generation: revocation by a counter, not by comparing clocks.

``admins.session_generation`` is raised by every change that revokes sessions; a session row
carries the value read with the password hash its login verified. Existing sessions and
accounts start at 0, so the upgrade keeps them live.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("admins") as batch:
        batch.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("admin_sessions") as batch:
        batch.add_column(sa.Column("generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("admin_sessions") as batch:
        batch.drop_column("generation")
    with op.batch_alter_table("admins") as batch:
        batch.drop_column("session_generation")
