"""S1-S2: importing SIECLE's XML export (issue 11): the time outside hashing of a 2,000-pupil
import, and the peak memory of previewing a 50,000-pupil (district-sized) file."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
import time
from argparse import Namespace
from datetime import date, timedelta
from pathlib import Path

from access_core import imports, roster_files
from access_core.admins import create_admin
from access_core.db import Database, upgrade_schema
from tests.bench.measures import share_outside_hashing
from tests.bench.school import BENCH_ADMIN, _class_names
from tests.roster_samples import Pupil, siecle_xml

ROOT = Path(__file__).resolve().parents[2]
Row = tuple[str, str, str, str, str, str, str]


def siecle_school(pupils: int, classes: int | None = None) -> bytes:
    """A SIECLE XML export of ``pupils`` made-up pupils in ``classes`` classes (default: classes
    of 30), ISO-8859-15."""
    count = classes or max(1, pupils // 30)
    names = [n.replace("\u2014", "-") for n in _class_names(count)]
    born = date(2010, 1, 1)
    return siecle_xml([
        Pupil(str(100000 + i), f"X{i:09d}A", f"Élève{i}", f"Zoé{i}",
              born + timedelta(days=i % 1500), names[i % len(names)],
              usage_name=f"Usage{i}" if i % 10 == 0 else "", group="LV2" if i % 3 else "")
        for i in range(pupils)
    ])


def _new_db(tmp: str) -> Database:
    url = f"sqlite:///{Path(tmp) / 'import.db'}"
    upgrade_schema(url)
    db = Database.from_url(url)
    create_admin(db, BENCH_ADMIN, "bench-password-not-secret", 4)
    return db


def s1_siecle_import(args: Namespace, pupils: int = 2000) -> list[Row]:
    data = siecle_school(pupils)
    with tempfile.TemporaryDirectory() as tmp:
        db = _new_db(tmp)
        marks: list[float] = []

        def progress(done: int, total: int) -> None:
            if done in (0, total):
                marks.append(time.perf_counter())

        start = time.perf_counter()
        roster = roster_files.read_roster(data, "ElevesSansAdresses.xml")
        plan = imports.preview(db, BENCH_ADMIN, roster)
        imports.apply(db, BENCH_ADMIN, plan, args.import_rounds, progress=progress)
        total = time.perf_counter() - start
        db.dispose()
    return [share_outside_hashing("S1", f"SIECLE XML import, {pupils} pupils (cost "
                                  f"{args.import_rounds})", total, marks[-1] - marks[0])]


RSS_PROBE = textwrap.dedent(
    r"""
    import json, re, sys
    from access_core import imports, roster_files
    from access_core.db import Database
    from access_core.roster_formats.limits import ImportLimits

    def peak_kib():  # this process image's own peak (ru_maxrss would be the parent's at fork)
        with open("/proc/self/status") as status:
            return int(re.search(r"VmHWM:\s+(\d+)", status.read()).group(1))

    db = Database.from_url(sys.argv[2])
    baseline = peak_kib()
    data = open(sys.argv[1], "rb").read()
    limits = ImportLimits(max_bytes=len(data) + 1, max_rows=int(sys.argv[3]))
    roster = roster_files.read_roster(data, "ElevesSansAdresses.xml", limits=limits)
    plan = imports.preview(db, sys.argv[4], roster)
    assert len(plan.new) == int(sys.argv[3]), len(plan.new)
    print(json.dumps([baseline, peak_kib(), len(data)]))
    """
)


def s2_siecle_memory(args: Namespace, pupils: int = 50_000) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ElevesSansAdresses.xml"
        path.write_bytes(siecle_school(pupils))
        db = _new_db(tmp)
        url = str(db.engine.url)
        db.dispose()
        out = subprocess.run(
            [sys.executable, "-c", RSS_PROBE, str(path), url, str(pupils), BENCH_ADMIN],
            cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
        )
    if out.returncode != 0:
        return [("S2", "SIECLE preview peak RSS", "failed", out.stderr.strip()[-60:], "", "", "")]
    baseline, peak, size = json.loads(out.stdout.strip().splitlines()[-1])
    baseline, peak = baseline / 1024, peak / 1024
    return [("S2", f"SIECLE XML preview peak RSS, {pupils:,} pupils",
             f"{peak:.0f} MB", f"modules {baseline:.0f} MB, file {size / 2**20:.0f} MB",
             f"{(peak - baseline) / (size / 2**20):.1f}", "bounded (no tree)", "-")]


__all__ = ["s1_siecle_import", "s2_siecle_memory"]
