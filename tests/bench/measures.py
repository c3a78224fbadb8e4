"""The measures P1-P6, each with its reference taken in the same run."""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from argparse import Namespace
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import func, insert, select, text

from access_core.accounts.passwords import default_workers, hash_password
from access_core.audit import journal
from access_core.db.models import AuditEvent, Learner, SchoolClass
from access_core.db.schema import upgrade_schema
from access_core.db.unit_of_work import Database
from access_core.documents import slips, slips_pdf
from access_core.documents import workbook as exports
from access_core.imports import files as roster_files
from access_core.imports import preview as imports
from access_core.roster import queries as roster
from access_core.roster.resets import reset_passwords
from access_ui import tables
from tests.bench.school import BENCH_ADMIN, CACHE, _class_names

TZ = ZoneInfo("Europe/Paris")
ROOT = Path(__file__).resolve().parents[2]
Row = tuple[str, str, str, str, str, str, str]


def _timed(func: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def _interleaved(
    ours: Callable[[], object], base: Callable[[], object], runs: int
) -> tuple[list[float], list[float], float]:
    """``runs`` timings of each, alternating which goes first (A B, B A, ...) after one warm-up
    of each, so that load from other processes falls on both sides alike; and the median of the
    ratios of the pairs, each measured a moment apart."""
    ours()
    base()
    mine: list[float] = []
    theirs: list[float] = []
    for index in range(runs):
        pair = ((ours, mine), (base, theirs))
        for work, samples in pair if index % 2 == 0 else pair[::-1]:
            start = time.perf_counter()
            work()
            samples.append(time.perf_counter() - start)
    ratio = statistics.median(a / b for a, b in zip(mine, theirs, strict=True))
    return mine, theirs, ratio


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, int(round(0.95 * len(samples))) - 1)]


def one_thread_rate(rounds: int, hashes: int) -> float:
    """Hashes per second on one thread at ``rounds``, the mean over ``hashes`` in a row."""
    return 1 / statistics.mean(_timed(lambda: hash_password("03072012", rounds), hashes))


def load_average() -> str:
    """The 1-minute load average, printed beside a figure so that a noisy one is recognisable."""
    return f"{os.getloadavg()[0]:.2f}"


def p1_reset(db: Database, args: Namespace) -> list[Row]:
    """Reset of 200 learners against the limit = cores × the one-thread rate, measured right
    before and right after (as Y1: a change of the machine's load falls on both sides alike),
    their mean; the load average before and after is printed beside it."""
    cores = default_workers()
    samples = max(4, 2 * cores)
    with db.transaction() as session:
        ids = list(
            session.scalars(
                select(Learner.id)
                .where(Learner.deactivated_at.is_(None))
                .order_by(Learner.id)
                .limit(200)
            )
        )
    load_before = load_average()
    before = one_thread_rate(args.rounds, samples)
    start = time.perf_counter()
    reset_passwords(db, BENCH_ADMIN, ids, args.rounds)
    throughput = len(ids) / (time.perf_counter() - start)
    after = one_thread_rate(args.rounds, samples)
    load_after = load_average()
    rate = (before + after) / 2
    limit = cores * rate
    return [
        (
            "P1",
            f"reset of {len(ids)} learners at cost {args.rounds}",
            f"{throughput:.2f} /s",
            f"sequential {before:.2f} / {after:.2f} /s before / after; "
            f"load {load_before} / {load_after}",
            f"{throughput / rate:.2f}",
            "",
            "",
        ),
        (
            "",
            "  against the limit (cores × mean one-thread rate)",
            f"{throughput:.2f} /s",
            f"limit {limit:.2f} /s ({cores} cores)",
            f"{throughput / limit:.2f}",
            "≥ 0.95 × limit",
            "yes" if throughput >= 0.95 * limit else "no",
        ),
    ]


def _page_work(db: Database, class_id: int, actor: str = BENCH_ADMIN) -> None:
    """The data work of a class switch, as pages/learner_access.py's class view (a fragment:
    the search and the deactivated learners, P4, are not rerun) does it: the class list
    through the page's cache (access_ui.cached), the class's query and table, the slips'
    count and warnings (the workbook and the slips' PDF are built only when the browser asks
    for them)."""
    from access_ui import cached

    cached.class_list(actor)
    rows = roster.class_learners(db, actor, class_id)
    tables.class_table(rows, TZ, "fr", initial_days=60)
    slip_set = slips.build_slips(rows, "digits", 60, TZ)
    slips_pdf.missing_glyphs(slip_set)


APPTEST_PROBE = textwrap.dedent(
    """
    import json, os, statistics, sys, time
    os.environ["ACCESS_DATABASE_URL"] = sys.argv[1]
    os.environ["ACCESS_COOKIE_KEY"] = "b" * 40
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file("pages/learner_access.py", default_timeout=120)
    from datetime import timedelta
    from access_core.accounts import sessions
    from access_core.db.unit_of_work import Database
    from access_ui.session import SESSION_ID, USERNAME
    _db = Database.from_url(sys.argv[1])
    _policy = sessions.SessionPolicy(timedelta(minutes=30), timedelta(hours=12))
    at.session_state[SESSION_ID] = sessions.start(_db, "bench", _policy)
    at.session_state[USERNAME] = "bench"
    _db.dispose()
    at.run()
    samples = []
    for _ in range(int(sys.argv[2])):
        start = time.perf_counter()
        at.run()
        samples.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    print(json.dumps(statistics.median(samples)))
    """
)


def _apptest_run(url: str, runs: int) -> float | None:
    out = subprocess.run(
        [sys.executable, "-c", APPTEST_PROBE, url, str(runs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return float(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else None


def _explain_full_scans(db: Database, class_id: int) -> list[str]:
    """Queries of the page whose plan scans the whole learners table."""
    probes = {
        "class learners": f"SELECT * FROM learners WHERE class_id = {class_id} "
        "AND deactivated_at IS NULL",
        "recently deactivated": "SELECT * FROM learners WHERE deactivated_at > "
        "'2026-08-25 00:00:00' AND deactivated_at <= '2026-11-25 00:00:00'",
    }
    backend = db.backend
    found = []
    with db.engine.connect() as conn:
        for name, sql in probes.items():
            if backend == "sqlite":
                plan = " ".join(str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
                full = "SCAN learners" in plan and "INDEX" not in plan
            elif backend == "postgresql":
                conn.execute(text("ANALYZE learners"))
                plan = " ".join(str(r[0]) for r in conn.execute(text(f"EXPLAIN {sql}")))
                full = "Seq Scan on learners" in plan
            else:
                rows = conn.execute(text(f"EXPLAIN {sql}")).mappings().all()
                full = any(str(r.get("type")) == "ALL" for r in rows)
            if full:
                found.append(name)
    return found


def p2_class_view(db: Database, args: Namespace) -> list[Row]:
    os.environ["ACCESS_DATABASE_URL"] = args.url
    with db.transaction() as session:
        class_id = int(
            session.scalar(select(SchoolClass.id).order_by(SchoolClass.id).limit(1)) or 0
        )
    _page_work(db, class_id)  # warm the pool
    samples = _timed(lambda: _page_work(db, class_id), args.runs)
    bare = _timed(lambda: roster.class_learners(db, BENCH_ADMIN, class_id), args.runs)
    scans = _explain_full_scans(db, class_id)
    median = statistics.median(samples)
    return [
        (
            "P2",
            "class switch, the class view's run (median)",
            _ms(median),
            f"bare class query {_ms(statistics.median(bare))}",
            f"{median / statistics.median(bare):.1f}",
            "≤ 50 ms",
            "yes" if median <= 0.05 else "no",
        ),
        ("", "  p95", _ms(_p95(samples)), "", "", "", ""),
        (
            "",
            "  whole script run under AppTest (median)",
            _ms(full) if (full := _apptest_run(args.url, args.runs)) else "failed",
            "includes Streamlit's own work",
            "",
            "",
            "",
        ),
        (
            "",
            "  queries use indexes (EXPLAIN)",
            "full scan: " + (", ".join(scans) or "none"),
            "",
            "",
            "no full scan",
            "no" if scans else "yes",
        ),
    ]


def _baseline_workbook(rows: list[roster.LearnerRow]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["Nom", "Prénom", "Login", "Date de naissance"])
    for r in rows:
        ws.append([r.last_name, r.first_name, r.login, r.birth_date])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def p3_workbook(db: Database, args: Namespace) -> list[Row]:
    with db.transaction() as session:
        class_id = session.scalar(select(SchoolClass.id).order_by(SchoolClass.id).limit(1))
    small = roster.class_learners(db, BENCH_ADMIN, int(class_id or 0))
    with db.transaction() as session:
        ids = list(session.scalars(select(Learner.id).order_by(Learner.id).limit(2000)))
        big = roster.learners_by_ids(session, ids, None)
    result = []
    for rows, target, limit, runs in (
        (small, "≤ 20 ms", 0.020, args.runs),
        (big, "≤ 1.2 × baseline", None, max(5, args.runs // 2)),
    ):
        mine, theirs, ratio = _interleaved(
            lambda r=rows: exports.identifier_workbook("6e A", r, "fr"),
            lambda r=rows: _baseline_workbook(r),
            runs,
        )
        ours = statistics.median(mine)
        met = ours <= limit if limit is not None else ratio <= 1.2
        result.append(
            (
                "P3" if not result else "",
                f"identifier workbook, {len(rows)} rows ({runs} A/B pairs)",
                _ms(ours),
                f"openpyxl write-only {_ms(statistics.median(theirs))}",
                f"{ratio:.2f}",
                target,
                "yes" if met else "no",
            )
        )
    return result


def p4_recent(db: Database, args: Namespace) -> list[Row]:
    def work() -> None:
        recent = roster.recently_deactivated(db, BENCH_ADMIN, 3, TZ)
        tables.deactivated_table(recent, TZ, "fr", 3, initial_days=60)

    work()
    samples = _timed(work, args.runs)
    bare = _timed(lambda: roster.recently_deactivated(db, BENCH_ADMIN, 3, TZ), args.runs)
    count = len(roster.recently_deactivated(db, BENCH_ADMIN, 3, TZ))
    median = statistics.median(samples)
    return [
        (
            "P4",
            f"recently deactivated table ({count} rows, median)",
            _ms(median),
            f"bare query {_ms(statistics.median(bare))}",
            f"{median / statistics.median(bare):.1f}",
            "≤ 30 ms",
            "yes" if median <= 0.03 else "no",
        )
    ]


BENCH_EVENT = "bench_event"


def _journal_history(db: Database, events: int) -> None:
    """``events`` audit events on learners spread over the school (added once, kept)."""
    with db.transaction(write=True) as session:
        have = (
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == BENCH_EVENT)
            )
            or 0
        )
        if have >= events:
            return
        ids = session.scalars(select(Learner.id).order_by(Learner.id)).all()
        step = max(1, len(ids) // events)
        start = datetime(2025, 9, 1, tzinfo=UTC)
        session.execute(
            insert(AuditEvent),
            [
                {
                    "occurred_at": start + timedelta(minutes=i),
                    "actor": BENCH_ADMIN,
                    "action": BENCH_EVENT,
                    "learner_id": ids[(i * step) % len(ids)],
                }
                for i in range(have, events)
            ],
        )


def p7_journal(db: Database, args: Namespace) -> list[Row]:
    """The journal's first page for a common name, count included (the learner filter on the
    learners' stored folded names, in SQL: nothing kept per process), against the same page
    unfiltered."""
    _journal_history(db, 200 if args.quick else 20_000)
    common = journal.JournalFilter(learner="martin")

    def page() -> int:
        return journal.search(db, BENCH_ADMIN, common, TZ)[1]

    found = page()
    samples = _timed(page, args.runs)
    bare = _timed(
        lambda: journal.search(db, BENCH_ADMIN, journal.JournalFilter(), TZ)[1], args.runs
    )
    median = statistics.median(samples)
    return [
        (
            "P7",
            f"journal search « martin » ({found} events, median)",
            _ms(median),
            f"unfiltered page {_ms(statistics.median(bare))}",
            f"{median / statistics.median(bare):.1f}",
            "≤ 100 ms",
            "yes" if median <= 0.1 else "no",
        ),
        ("", "  p95", _ms(_p95(samples)), "", "", "", ""),
    ]


def p5_import(args: Namespace, learners: int = 2000) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'import.db'}"
        upgrade_schema(url)
        db = Database.from_url(url)
        from access_core.accounts.admins import create_admin

        create_admin(db, BENCH_ADMIN, "bench-password-not-secret", 4)
        names = _class_names(60)
        lines = ["INE;Nom;Prénom;Né(e) le;Division"] + [
            f"X{i:07d};Nom{i};Prénom{i};{1 + i % 28:02d}/{1 + i % 12:02d}/2012;{names[i % 60]}"
            for i in range(learners)
        ]
        data = ("\n".join(lines) + "\n").encode()
        marks: list[float] = []

        def progress(done: int, total: int) -> None:
            if done in (0, total):
                marks.append(time.perf_counter())

        start = time.perf_counter()
        plan = imports.preview(db, BENCH_ADMIN, roster_files.read_roster(data, "r.csv"))
        imports.apply(db, BENCH_ADMIN, plan, args.import_rounds, progress=progress)
        total = time.perf_counter() - start
        db.dispose()
    label = f"import of {learners} learners (cost {args.import_rounds})"
    return [share_outside_hashing("P5", label, total, marks[-1] - marks[0])]


def share_outside_hashing(name: str, label: str, total: float, hashing: float) -> Row:
    """An import's row: the share of its time spent outside bcrypt hashing (target ≤ 10 %)."""
    share = (total - hashing) / total
    return (
        name,
        label,
        f"{share * 100:.1f} % outside hashing",
        f"total {total:.1f} s, hashing {hashing:.1f} s",
        f"{share:.3f}",
        "≤ 10 %",
        "yes" if share <= 0.10 else "no",
    )


RSS_PROBE = textwrap.dedent(
    """
    import json, os, resource, sys
    os.environ["ACCESS_DATABASE_URL"] = sys.argv[1]
    os.environ["ACCESS_COOKIE_KEY"] = "b" * 40
    classes = int(sys.argv[2])
    from streamlit.testing.v1 import AppTest
    import access_core.roster.queries, access_ui.auth, pandas, openpyxl
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    at = AppTest.from_file("pages/learner_access.py", default_timeout=120)
    from datetime import timedelta
    from access_core.accounts import sessions
    from access_core.db.unit_of_work import Database
    from access_ui.session import SESSION_ID, USERNAME
    _db = Database.from_url(sys.argv[1])
    _policy = sessions.SessionPolicy(timedelta(minutes=30), timedelta(hours=12))
    at.session_state[SESSION_ID] = sessions.start(_db, "bench", _policy)
    at.session_state[USERNAME] = "bench"
    _db.dispose()
    at.run()
    options = at.selectbox(key="class_id").options
    for option in list(options)[:classes]:
        at.selectbox(key="class_id").select(option).run()
    assert not at.exception, at.exception
    print(json.dumps([baseline, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))
    """
)


def p6_memory(url: str, args: Namespace) -> list[Row]:
    classes = 20
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, url, str(classes)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if out.returncode != 0:
        return [("P6", "dashboard peak RSS", "failed", out.stderr.strip()[-60:], "", "", "")]
    baseline, peak = (int(v) / 1024 for v in out.stdout.strip().splitlines()[-1][1:-1].split(","))
    return [
        (
            "P6",
            f"dashboard peak RSS after {classes} classes",
            f"{peak:.0f} MB",
            f"modules loaded {baseline:.0f} MB",
            f"{peak / baseline:.2f}",
            "≤ 250 MB",
            "yes" if peak <= 250 else "no",
        )
    ]


def run_all(url: str, args: Namespace) -> list[Row]:
    args.url = url
    wanted = {m.strip().upper() for m in args.measures.split(",")}
    rows: list[Row] = []
    if getattr(args, "schools", 1) > 1:  # a district: the school measures for one school
        from tests.bench.district import district_rows

        db = Database.from_url(url)
        try:
            rows += district_rows(db, args, wanted)
        finally:
            db.dispose()
        wanted -= {"P2", "P4", "P7", "P9", "P10", "D1"}
    db = Database.from_url(url)
    try:
        for name, measure in (
            ("P1", p1_reset),
            ("P2", p2_class_view),
            ("P3", p3_workbook),
            ("P4", p4_recent),
            ("P7", p7_journal),
        ):
            if name in wanted:
                rows += measure(db, args)
    finally:
        db.dispose()
    if "P5" in wanted:
        rows += p5_import(args, 100 if args.quick else 2000)
    if "P6" in wanted:
        rows += p6_memory(url, args)
    from tests.bench.formats import (
        s1_siecle_import,
        s2_siecle_memory,
        s3_far_cell_xlsx,
        s4_nested_xml,
        s5_wide_csv,
    )

    if "S1" in wanted:
        rows += s1_siecle_import(args, 100 if args.quick else 2000)
    if "S2" in wanted:
        rows += s2_siecle_memory(args, 500 if args.quick else 50_000)
    if "S3" in wanted:
        rows += s3_far_cell_xlsx(args, 1000 if args.quick else 8000)
    if "S4" in wanted:
        rows += s4_nested_xml(args, 10_000 if args.quick else 100_000)
    if "S5" in wanted:
        rows += s5_wide_csv(args, 2 if args.quick else 20)
    if wanted & {"S6", "S7", "S8"}:
        from tests.bench.xlsx_hostile import s6_to_s8_hostile_xlsx

        rows += s6_to_s8_hostile_xlsx(args, wanted)
    if "Y1" in wanted:
        from tests.bench.start_of_year import y1_start_of_year

        rows += y1_start_of_year(args, *((40, 4) if args.quick else (2000, 70)))
    if wanted & {"P8", "P9", "P10"}:
        from tests.bench.measures_overview import p9_overview, p10_search
        from tests.bench.slips_measure import p8_slips

        db = Database.from_url(url)
        try:
            rows += p8_slips(db, args) if "P8" in wanted else []
            rows += p9_overview(db, args) if "P9" in wanted else []
            rows += p10_search(db, args) if "P10" in wanted else []
        finally:
            db.dispose()
    return rows


__all__ = ["CACHE", "os", "run_all"]
