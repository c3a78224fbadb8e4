"""The district (``--schools N``): P2, P4, P7, P9 and P10 for one school's administrator, and D1,
the district overview by school.

The services of this branch take no school yet (the scope work adds ``school_id`` to them), so
the measures that need one run here the SQL the service would run, bounded to the school
(``Learner.school_id``, ``AuditEvent.school_id``): P4 (``queries.recently_deactivated``'s query),
P7 (``journal.search``'s query), P9 (``stats.school_stats``'s aggregate) and D1 (one row per
school). P10 is the search service itself with ``school_ids``; P2 the class view's run on a class
of that school.
"""

from __future__ import annotations

import statistics
from argparse import Namespace
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, insert, select

from access_core.accounts.admins import require_active_admin
from access_core.audit import journal
from access_core.db.models import AuditEvent, Learner, School, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.roster import queries, search
from access_core.roster.stats import ClassStats
from access_ui import overview_ui, tables
from tests.bench.measures import TZ, Row, _ms, _p95, _page_work, _timed
from tests.bench.school import BENCH_ADMIN

DISTRICT_EVENT = "bench_district_event"


def _school(args: Namespace) -> int:
    return args.schools // 2 + 1  # a school in the middle of the district


def _row(
    name: str, label: str, samples: list[float], ref: str, bare: float, target: float
) -> list[Row]:
    median = statistics.median(samples)
    return [
        (
            name,
            label,
            _ms(median),
            ref,
            f"{median / bare:.1f}" if bare else "",
            f"≤ {target * 1000:.0f} ms",
            "yes" if median <= target else "no",
        ),
        ("", "  p95", _ms(_p95(samples)), "", "", "", ""),
    ]


def _median(func: Callable[[], object], runs: int) -> float:
    return statistics.median(_timed(func, runs))


# --- P2: a class switch in the school ----------------------------------------------------------


def p2_district(db: Database, args: Namespace, school: int) -> list[Row]:
    import os

    os.environ["ACCESS_DATABASE_URL"] = args.url
    with db.transaction() as session:
        class_id = int(
            session.scalar(
                select(SchoolClass.id)
                .where(SchoolClass.school_id == school)
                .order_by(SchoolClass.id)
                .limit(1)
            )
            or 0
        )
    _page_work(db, class_id)
    samples = _timed(lambda: _page_work(db, class_id), args.runs)
    bare = _median(lambda: queries.class_learners(db, BENCH_ADMIN, class_id), args.runs)
    return _row(
        "P2",
        f"class switch in school {school}, the class view's run (median)",
        samples,
        f"bare class query {_ms(bare)}",
        bare,
        0.05,
    )


# --- P4: the school's recently deactivated -------------------------------------------------------


def school_recent(db: Database, school: int, months: int = 3) -> list[queries.LearnerRow]:
    now = datetime.now(UTC)
    start = queries.deactivation_window_start(now, months, TZ)
    query = (
        queries._learner_query()
        .where(
            Learner.school_id == school,
            Learner.deactivated_at > start,
            Learner.deactivated_at <= now,
        )
        .order_by(Learner.deactivated_at.desc(), Learner.id)
    )
    with db.transaction() as session:
        require_active_admin(session, BENCH_ADMIN)
        return queries._rows(session, query)


def p4_district(db: Database, args: Namespace, school: int) -> list[Row]:
    def work() -> None:
        tables.deactivated_table(school_recent(db, school), TZ, "fr", 3, initial_days=60)

    work()
    samples = _timed(work, args.runs)
    bare = _median(lambda: school_recent(db, school), args.runs)
    count = len(school_recent(db, school))
    return _row(
        "P4",
        f"school {school}'s recently deactivated table ({count} rows, median)",
        samples,
        f"bare query {_ms(bare)}",
        bare,
        0.03,
    )


# --- P7: the school's journal, filtered by a learner's name ------------------------------------


def district_history(db: Database, events: int) -> None:
    """``events`` audit events spread over the district's learners, each with its learner's
    school (added once, kept)."""
    with db.transaction(write=True) as session:
        have = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == DISTRICT_EVENT)
        )
        if (have or 0) >= events:
            return
        learners = session.execute(select(Learner.id, Learner.school_id).order_by(Learner.id)).all()
        step = max(1, len(learners) // events)
        start = datetime(2025, 9, 1, tzinfo=UTC)
        for first in range(0, events, 10_000):
            session.execute(
                insert(AuditEvent),
                [
                    {
                        "occurred_at": start + timedelta(seconds=30 * i),
                        "actor": BENCH_ADMIN,
                        "action": DISTRICT_EVENT,
                        "learner_id": learners[(i * step) % len(learners)][0],
                        "school_id": learners[(i * step) % len(learners)][1],
                    }
                    for i in range(first, min(first + 10_000, events))
                ],
            )


def school_journal(db: Database, school: int, flt: journal.JournalFilter) -> tuple[int, int]:
    """``journal.search`` bounded to the school's events: the page's rows and the count."""
    with db.transaction() as session:
        require_active_admin(session, BENCH_ADMIN)
        query = journal._filtered(session, journal._base(), flt, TZ).where(
            AuditEvent.school_id == school
        )
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        ordered = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        rows = journal._entries(session, ordered.limit(journal.PAGE_SIZE))
    return len(rows), int(total)


def p7_district(db: Database, args: Namespace, school: int) -> list[Row]:
    events = 2_000 if args.quick else 200_000
    district_history(db, events)
    common = journal.JournalFilter(learner="martin")
    found = school_journal(db, school, common)[1]
    samples = _timed(lambda: school_journal(db, school, common), args.runs)
    bare = _median(lambda: school_journal(db, school, journal.JournalFilter()), args.runs)
    return _row(
        "P7",
        f"school {school}'s journal « martin » ({found} events of {events:,}, median)",
        samples,
        f"unfiltered page {_ms(bare)}",
        bare,
        0.1,
    )


# --- P9: the school's overview -----------------------------------------------------------------


def school_overview(db: Database, school: int) -> list[ClassStats]:
    """``stats.school_stats``'s aggregate for one school (uncached: the first run after a
    change), and the page's table."""
    must = Learner.must_change_password.is_(True)
    per_class = (
        select(
            Learner.class_id,
            func.count(),
            func.coalesce(func.sum(case((must, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Learner.birth_date.is_(None), 1), else_=0)), 0),
        )
        .where(Learner.school_id == school, Learner.deactivated_at.is_(None))
        .group_by(Learner.class_id)
        .subquery()
    )
    query = select(per_class, SchoolClass.name).outerjoin(
        SchoolClass, SchoolClass.id == per_class.c.class_id
    )
    with db.transaction() as session:
        require_active_admin(session, BENCH_ADMIN)
        rows = session.execute(query).all()
    classes = [
        ClassStats(class_id, name, int(n), int(n) - int(m), int(m), 0, int(b))
        for class_id, n, m, b, name in rows
    ]
    overview_ui.class_frame(classes, "fr")
    return classes


def p9_district(db: Database, args: Namespace, school: int) -> list[Row]:
    classes = len(school_overview(db, school))
    samples = _timed(lambda: school_overview(db, school), args.runs)
    return _row(
        "P9",
        f"school {school}'s overview, uncached ({classes} classes, median)",
        samples,
        "no cache (the first run after a change)",
        0.0,
        0.1,
    )


# --- P10: the search in the school -------------------------------------------------------------


def school_key_matches(db: Database, text: str, school: int) -> int:
    """The bare reference: how many of the school's stored keys hold ``text``."""
    pattern = search.like_pattern(search.search_key(text))
    with db.transaction() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Learner)
                .where(Learner.school_id == school, Learner.search_key.like(pattern))
            )
            or 0
        )


def p10_district(db: Database, args: Namespace, school: int) -> list[Row]:
    rows: list[Row] = []
    for text in ("lea", "ma"):
        total = search.find_learners(db, BENCH_ADMIN, text, 3, TZ, school_ids={school}).total
        samples = _timed(
            lambda t=text: search.find_learners(db, BENCH_ADMIN, t, 3, TZ, school_ids={school}),
            args.runs,
        )
        bare = _median(lambda t=text: school_key_matches(db, t, school), args.runs)
        rows += _row(
            "P10" if not rows else "",
            f"search « {text} » in school {school} ({total} matches, median)",
            samples,
            f"count of the school's matching keys {_ms(bare)}",
            bare,
            0.05,
        )
    district_runs = max(3, args.runs // 5)
    for text in ("lea", "martin"):
        total = search.find_learners(db, BENCH_ADMIN, text, 3, TZ).total
        median = _median(
            lambda t=text: search.find_learners(db, BENCH_ADMIN, t, 3, TZ), district_runs
        )
        rows.append(
            (
                "",
                f"  the same over the whole district « {text} » ({total} matches)",
                _ms(median),
                "a district administrator's search",
                "",
                "",
                "",
            )
        )
    return rows


# --- D1: the district overview by school -------------------------------------------------------


def district_overview(db: Database) -> list[tuple[Any, ...]]:
    """One row per school: active learners, personalised, activation rate (the district
    administrator's « Vue d'ensemble »)."""
    personalised = func.coalesce(
        func.sum(case((Learner.must_change_password.is_(False), 1), else_=0)), 0
    )
    per_school = (
        select(Learner.school_id, func.count().label("learners"), personalised.label("done"))
        .where(Learner.deactivated_at.is_(None))
        .group_by(Learner.school_id)
        .subquery()
    )
    query = (
        select(School.id, School.uai, School.name, per_school.c.learners, per_school.c.done)
        .outerjoin(per_school, per_school.c.school_id == School.id)
        .order_by(School.name)
    )
    with db.transaction() as session:
        require_active_admin(session, BENCH_ADMIN)
        return [
            (*row, (row[4] or 0) / row[3] if row[3] else None)
            for row in session.execute(query).all()
        ]


def d1_district(db: Database, args: Namespace) -> list[Row]:
    schools = len(district_overview(db))
    samples = _timed(lambda: district_overview(db), max(5, args.runs // 2))
    return _row(
        "D1",
        f"district overview by school ({schools} schools, median)",
        samples,
        "one aggregate over every learner",
        0.0,
        0.2,
    )


def district_rows(db: Database, args: Namespace, wanted: set[str]) -> list[Row]:
    school = _school(args)
    rows: list[Row] = []
    for name, measure in (
        ("P2", p2_district),
        ("P4", p4_district),
        ("P7", p7_district),
        ("P9", p9_district),
        ("P10", p10_district),
    ):
        if name in wanted:
            rows += measure(db, args, school)
    if "D1" in wanted:
        rows += d1_district(db, args)
    return rows
