"""OpenID Connect sign-in: a session opened from a provider's identity remembers it.

``admin_sessions.provider_token_hash`` is the SHA-256 of the identity token's unique values
(issuer, subject, nonce, issue time) that opened the session; UNIQUE, so one sign-in at the
provider opens at most one session (the provider's cookie replayed after the session ended
opens nothing). NULL for password logins.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("admin_sessions") as batch:
        batch.add_column(sa.Column("provider_token_hash", sa.String(64), nullable=True))
        batch.create_unique_constraint(
            "uq_admin_sessions_provider_token_hash", ["provider_token_hash"]
        )


def downgrade() -> None:
    with op.batch_alter_table("admin_sessions") as batch:
        batch.drop_constraint("uq_admin_sessions_provider_token_hash", type_="unique")
        batch.drop_column("provider_token_hash")
