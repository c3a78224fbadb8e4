"""Server sessions and the login throttle in tests: the test policy, time passing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from access_core.accounts.sessions import SessionPolicy
from access_core.db.models import LoginThrottle
from access_core.db.unit_of_work import Database

POLICY = SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=12))


def time_passes(db: Database, delta: timedelta) -> None:
    """Every throttle timestamp moves ``delta`` into the past, as if ``delta`` had elapsed."""
    with db.transaction(write=True) as session:
        for row in session.scalars(select(LoginThrottle)):
            row.window_started_at = row.window_started_at - delta
            if row.locked_until is not None:
                row.locked_until = row.locked_until - delta
