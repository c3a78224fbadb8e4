"""P9 (the overview page's server work) and P10 (the learner search), each with its reference."""

from __future__ import annotations

import os
import statistics
from argparse import Namespace

from sqlalchemy import func, select

from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from access_core.roster import search, stats
from tests.bench.measures import TZ, Row, _ms, _p95, _timed
from tests.bench.school import BENCH_ADMIN

INITIAL_DAYS = 60
COMMON = "lea"  # a first name among the most frequent of the generated school
VERY_COMMON = "ma"


def _overview_work() -> None:
    """What pages/overview.py computes on one run: the figures through their cache (version
    check included), the table, and the chart's spec as ``st.altair_chart`` converts it."""
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    from access_ui import cached, overview_ui

    figures = cached.school_stats(BENCH_ADMIN, INITIAL_DAYS)
    overview_ui.class_frame(figures.classes, "fr")
    _convert_altair_to_vega_lite_spec(overview_ui.chart(figures, "fr"))


def p9_overview(db: Database, args: Namespace) -> list[Row]:
    os.environ["ACCESS_DATABASE_URL"] = args.url
    bare = _timed(lambda: stats.school_stats(db, BENCH_ADMIN, INITIAL_DAYS), max(3, args.runs // 5))
    _overview_work()  # fills the cache, as the first visit does
    samples = _timed(_overview_work, args.runs)
    median = statistics.median(samples)
    classes = len(stats.school_stats(db, BENCH_ADMIN, INITIAL_DAYS).classes)
    return [
        (
            "P9",
            f"overview, one page run ({classes} classes, median)",
            _ms(median),
            f"aggregate query {_ms(statistics.median(bare))}",
            f"{median / statistics.median(bare):.2f}",
            "≤ 100 ms",
            "yes" if median <= 0.1 else "no",
        ),
        ("", "  p95", _ms(_p95(samples)), "", "", "", ""),
        (
            "",
            "  first run after a change (uncached)",
            _ms(statistics.median(bare)),
            "the aggregate query, in SQL",
            "",
            "",
            "",
        ),
    ]


def key_matches(db: Database, text: str) -> int:
    """The bare reference: how many stored keys hold ``text`` (one LIKE, no rows read)."""
    with db.transaction() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Learner)
                .where(Learner.search_key.like(search.like_pattern(search.search_key(text))))
            )
            or 0
        )


def p10_search(db: Database, args: Namespace) -> list[Row]:
    """The search as the page runs it (one SQL statement on the stored folded names, nothing
    kept per process: no index to build, a rename found by the next search), against the bare
    count of matching keys."""
    rows: list[Row] = []
    for label, text in (("common", COMMON), ("very common", VERY_COMMON)):
        total = search.find_learners(db, BENCH_ADMIN, text, 3, TZ).total
        samples = _timed(lambda t=text: search.find_learners(db, BENCH_ADMIN, t, 3, TZ), args.runs)
        bare = _timed(lambda t=text: key_matches(db, t), max(3, args.runs // 5))
        median = statistics.median(samples)
        rows.append(
            (
                "P10" if not rows else "",
                f"search « {text} », {label} ({total} matches, median)",
                _ms(median),
                f"count of matching keys {_ms(statistics.median(bare))}",
                f"{median / statistics.median(bare):.2f}",
                "≤ 50 ms" if not rows else "",
                ("yes" if median <= 0.05 else "no") if not rows else "",
            )
        )
    return rows
