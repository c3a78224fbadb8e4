"""« Jours restants » of the recently deactivated table: derived from the query's own rule, never
negative, never longer than the window (a property test over many dates and timezones)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from access_core.db.unit_of_work import Database
from access_core.roster.queries import (
    days_left,
    deactivation_window_start,
    recently_deactivated,
    window_end_date,
)
from access_ui import tables
from tests.support.factories import add_learner

PARIS = ZoneInfo("Europe/Paris")
ZONES = [
    "Europe/Paris",
    "UTC",
    "America/New_York",
    "America/Sao_Paulo",
    "Pacific/Auckland",
    "Asia/Kolkata",
    "Australia/Lord_Howe",  # half-hour summer time
    "Pacific/Chatham",  # +12:45 / +13:45
]


def listed(deactivated_at: datetime, now: datetime, months: int, tz: ZoneInfo) -> bool:
    """The predicate of ``roster.recently_deactivated``'s query, on one learner."""
    return deactivation_window_start(now, months, tz) < deactivated_at <= now


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.max, tzinfo=tz).astimezone(UTC)


def test_deactivated_28_february_and_seen_31_may_has_zero_days_left_not_minus_three(
    db: Database, admin: str
) -> None:
    # 31 May 09:00 minus three months clamps to 28 February 09:00: 10:00 is still inside.
    deactivated_at = datetime(2025, 2, 28, 10, 0, tzinfo=PARIS)
    now = datetime(2025, 5, 31, 9, 0, tzinfo=PARIS)
    learner_id = add_learner(db, "Février", "Léon", deactivated_at=deactivated_at.astimezone(UTC))

    rows = recently_deactivated(db, admin, 3, PARIS, now=now)
    table = tables.deactivated_table(rows, PARIS, "fr", months=3, now=now)

    assert list(table.index) == [learner_id]
    assert table.loc[learner_id, "Jours restants"] == 0
    # and out of the list by the end of the day, as the days left say
    assert recently_deactivated(db, admin, 3, PARIS, now=end_of_day(now.date(), PARIS)) == []


def test_a_date_clamped_at_the_window_end_leaves_the_next_morning() -> None:
    # 30 November + 3 months clamps to 28 February, which maps back to 28 November: still in.
    deactivated_at = datetime(2024, 11, 30, 12, 0, tzinfo=PARIS)
    assert window_end_date(deactivated_at, 3, PARIS) == date(2025, 3, 1)
    assert listed(deactivated_at, end_of_day(date(2025, 2, 28), PARIS), 3, PARIS)
    assert not listed(deactivated_at, end_of_day(date(2025, 3, 1), PARIS), 3, PARIS)


@settings(max_examples=600, deadline=None)
@given(
    now=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31), timezones=st.just(UTC)
    ),
    age=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
    months=st.integers(min_value=1, max_value=12),
    zone=st.sampled_from(ZONES),
)
@example(  # deactivated in the hour Brazil's clocks repeated (DST ended at midnight)
    now=datetime(2007, 6, 1, 2, 0, tzinfo=UTC),
    age=timedelta(days=96),
    months=4,
    zone="America/Sao_Paulo",
)
@example(
    now=datetime(2025, 5, 31, 7, 0, tzinfo=UTC),  # 09:00 in Paris
    age=timedelta(days=91, hours=23),  # 28 February 10:00 in Paris
    months=3,
    zone="Europe/Paris",
)
def test_every_listed_learner_shows_days_left_within_the_window(
    now: datetime, age: timedelta, months: int, zone: str
) -> None:
    tz = ZoneInfo(zone)
    deactivated_at = now - age
    if not listed(deactivated_at, now, months, tz):
        return
    days = days_left(deactivated_at, months, tz, now)
    first_day = deactivated_at.astimezone(tz).date()
    window = (window_end_date(deactivated_at, months, tz) - first_day).days

    assert 0 <= days <= window <= 31 * months + 1
    today = now.astimezone(tz).date()
    # Gone by the end of the last day counted...
    assert not listed(deactivated_at, end_of_day(today + timedelta(days=days), tz), months, tz)
    # ... and still there at the end of the day before, when that day is still to come.
    if days > 0:
        eve = end_of_day(today + timedelta(days=days - 1), tz)
        assert listed(deactivated_at, eve, months, tz)
