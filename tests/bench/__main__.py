"""The benchmark: ``python -m tests.bench [--database-url URL] [--learners N] [--quick]``.

Builds (once, cached) a generated school of N learners (default 100,000 in 3,000 classes, names
with accents, 3 % deactivated over the last year) and prints one table: each figure, its
reference measured in the same run, their ratio and the target. It never fails on a slow machine;
``tests/test_bench_quick.py`` checks that it runs on a tiny database.
"""

from __future__ import annotations

import argparse
import os
import sys

from tests.bench.measures import run_all
from tests.bench.school import build_school


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--database-url", help="PostgreSQL/MySQL URL (default: a cached SQLite)")
    parser.add_argument("--learners", type=int, help="default 100,000 (--quick: 400)")
    parser.add_argument("--classes", type=int, help="default 3,000 (--quick: 12)")
    parser.add_argument(
        "--schools",
        type=int,
        default=1,
        help="a district of that many schools sharing the learners and classes evenly: P2, P4, "
        "P7, P9 and P10 are then measured for one school's administrator, and D1 (the district "
        "overview by school) is added",
    )
    parser.add_argument("--rounds", type=int, default=12, help="bcrypt cost for P1 and Y1")
    parser.add_argument("--import-rounds", type=int, default=10, help="bcrypt cost for P5")
    parser.add_argument("--runs", type=int, default=50, help="runs for the medians")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check it runs")
    parser.add_argument(
        "--measures",
        default="P1,P2,P3,P4,P5,P6,P7,P8,P9,P10,S1,S2,S3,S4,S5,S6,S7,S8,Y1",
        help="comma-separated subset, e.g. P2,P4",
    )
    parser.add_argument(
        "--browser",
        action="store_true",
        help="also the browser measures B1-B7 (Playwright on Debian's Chromium)",
    )
    parser.add_argument(
        "--browser-rounds", type=int, default=12, help="bcrypt cost of the served dashboard for B4"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.import_rounds, args.runs = 4, 4, 5
        args.browser_rounds = 4
    args.learners = args.learners or (400 if args.quick else 100_000)
    args.classes = args.classes or (12 if args.quick else 3_000)
    url = build_school(args.database_url, args.learners, args.classes, args.schools)
    rows = run_all(url, args)
    if args.browser:
        from tests.bench.browser import browser_rows

        rows += browser_rows(args, url)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"\nAccès apprenants benchmark: {args.learners:,} learners in {args.classes:,} classes"
        + (f" and {args.schools:,} schools" if args.schools > 1 else "")
        + ", "
        f"{url.split(':', 1)[0]}, {cores} cores\n"
    )
    header = ("", "measure", "figure", "reference", "ratio", "target", "met")
    widths = (3, 46, 14, 30, 7, 22, 4)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
