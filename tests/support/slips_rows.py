"""Slip sets built from hand-made learner rows, with the options of a test school."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from access_core.documents import slips
from access_core.documents.slips import SlipOptions, build_slips
from access_core.roster.queries import LearnerRow

TZ = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 9, 10, 8, 0, tzinfo=UTC)
OPTIONS = SlipOptions("Collège Jean-Moulin", "https://ent.example.org/eleves", "digits")


def row(
    i: int,
    last: str,
    first: str,
    birth: date | None = date(2013, 5, 17),
    class_name: str | None = "6e A",
    must_change: bool = True,
    changed_at: datetime | None = NOW - timedelta(days=2),
    login: str | None = None,
) -> LearnerRow:
    return LearnerRow(
        i,
        last,
        first,
        login or f"l{i}.{first.lower()}",
        birth,
        class_name,
        must_change,
        changed_at,
        None,
    )


def make(rows: list[LearnerRow], mode: str = "digits", days: int = 60) -> slips.SlipSet:
    return build_slips(rows, mode, days, TZ, now=NOW)
