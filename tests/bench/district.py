"""The district (``--schools N``): P2, P4, P7, P9 and P10 as the administrator of one school
(``bench.school``, the middle school), and D1, the district overview by school, as a district
administrator (``bench.district``, every school). Each measure calls the service the page calls,
with that actor: the scope (``Scope.learner_clause``, the school chosen by ``school_in_scope``) is
part of what is timed.
"""

from __future__ import annotations

import statistics
from argparse import Namespace
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, update

from access_core.accounts.passwords import hash_password
from access_core.audit import journal
from access_core.db.models import AccountSchool, Admin, AuditEvent, Learner, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.roster import queries, search, stats
from access_ui import district_ui, overview_ui, tables
from tests.bench.measures import TZ, Row, _ms, _p95, _page_work, _timed
from tests.bench.school import BENCH_ADMIN, BENCH_PASSWORD

SCHOOL_ADMIN = "bench.school"
DISTRICT_ADMIN = "bench.district"
INITIAL_DAYS = 60
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


def district_accounts(db: Database, school: int) -> None:
    """The two measuring actors, made once: an administrator of ``school`` only, and a
    district administrator (every school)."""
    with db.transaction(write=True) as session:
        for username, every_school in ((SCHOOL_ADMIN, False), (DISTRICT_ADMIN, True)):
            known = session.scalar(select(Admin.id).where(Admin.username == username))
            if known is not None:
                if not every_school:  # the middle school of this run's --schools
                    session.execute(
                        update(AccountSchool)
                        .where(AccountSchool.admin_id == known)
                        .values(school_id=school)
                    )
                continue
            admin = Admin(
                username=username,
                password_hash=hash_password(BENCH_PASSWORD, 4),
                is_active=True,
                created_at=datetime.now(UTC),
                role="admin",
                all_schools=every_school,
            )
            session.add(admin)
            session.flush()
            if not every_school:
                session.add(AccountSchool(admin_id=admin.id, school_id=school))


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
    _page_work(db, class_id, SCHOOL_ADMIN)
    samples = _timed(lambda: _page_work(db, class_id, SCHOOL_ADMIN), args.runs)
    bare = _median(lambda: queries.class_learners(db, SCHOOL_ADMIN, class_id), args.runs)
    return _row(
        "P2",
        f"class switch in school {school}, the class view's run (median)",
        samples,
        f"the class's query {_ms(bare)}",
        bare,
        0.05,
    )


# --- P4: the school's recently deactivated -------------------------------------------------------


def p4_district(db: Database, args: Namespace, school: int) -> list[Row]:
    def query() -> list[queries.LearnerRow]:
        return queries.recently_deactivated(db, SCHOOL_ADMIN, 3, TZ)

    def work() -> None:
        tables.deactivated_table(query(), TZ, "fr", 3, initial_days=INITIAL_DAYS)

    work()
    samples = _timed(work, args.runs)
    bare = _median(query, args.runs)
    return _row(
        "P4",
        f"school {school}'s recently deactivated table ({len(query())} rows, median)",
        samples,
        f"the service's query {_ms(bare)}",
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


def p7_district(db: Database, args: Namespace, school: int) -> list[Row]:
    events = 2_000 if args.quick else 200_000
    district_history(db, events)

    def page(flt: journal.JournalFilter) -> tuple[list[journal.JournalEntry], int]:
        return journal.search(db, SCHOOL_ADMIN, flt, TZ)

    common = journal.JournalFilter(learner="martin")
    found = page(common)[1]
    samples = _timed(lambda: page(common), args.runs)
    bare = _median(lambda: page(journal.JournalFilter()), args.runs)
    return _row(
        "P7",
        f"school {school}'s journal « martin » ({found} events of {events:,}, median)",
        samples,
        f"unfiltered page {_ms(bare)}",
        bare,
        0.1,
    )


# --- P9: the school's overview -----------------------------------------------------------------


def p9_district(db: Database, args: Namespace, school: int) -> list[Row]:
    def work() -> int:
        school_stats = stats.school_stats(db, SCHOOL_ADMIN, INITIAL_DAYS)
        overview_ui.class_frame(school_stats.classes, "fr")
        return len(school_stats.classes)

    classes = work()
    samples = _timed(work, args.runs)
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
        total = search.find_learners(db, SCHOOL_ADMIN, text, 3, TZ).total
        samples = _timed(lambda t=text: search.find_learners(db, SCHOOL_ADMIN, t, 3, TZ), args.runs)
        bare = _median(lambda t=text: school_key_matches(db, t, school), args.runs)
        rows += _row(
            "P10" if not rows else "",
            f"search « {text} » in school {school} ({total} matches, median)",
            samples,
            f"count of the school's matching keys {_ms(bare)}",
            bare,
            0.05,
        )
    return rows


# --- D1: the district overview by school -------------------------------------------------------


def d1_district(db: Database, args: Namespace) -> list[Row]:
    def work() -> int:
        rows = stats.schools_overview(db, DISTRICT_ADMIN)
        district_ui.schools_frame(rows, "fr")
        return len(rows)

    schools = work()
    samples = _timed(work, max(5, args.runs // 2))
    return _row(
        "D1",
        f"district overview by school ({schools} schools, uncached, median)",
        samples,
        "one aggregate over every learner (the first run after a change)",
        0.0,
        0.2,
    )


def district_rows(db: Database, args: Namespace, wanted: set[str]) -> list[Row]:
    school = _school(args)
    district_accounts(db, school)
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
