"""S1-S2: importing SIECLE's XML export (issue 11): the time outside hashing of a 2,000-pupil
import, and the peak memory of previewing a 50,000-pupil (district-sized) file. S3-S4: what
hostile files cost the reader (issue 19): a 5 KB XLSX with one cell at XFD8000, XML nested
100,000 deep, and S5 a CSV line of 20 MB of separators; each read in a fresh process for its own
peak memory."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from argparse import Namespace
from datetime import date, timedelta
from pathlib import Path

from access_core.accounts.admins import create_admin
from access_core.db.schema import upgrade_schema
from access_core.db.unit_of_work import Database
from access_core.imports import files as roster_files
from access_core.imports import preview as imports
from tests.bench.measures import share_outside_hashing
from tests.bench.school import BENCH_ADMIN, _class_names
from tests.support.roster_samples import Pupil, siecle_xml

ROOT = Path(__file__).resolve().parents[2]
Row = tuple[str, str, str, str, str, str, str]


def siecle_school(pupils: int, classes: int | None = None) -> bytes:
    """A SIECLE XML export of ``pupils`` made-up pupils in ``classes`` classes (default: classes
    of 30), ISO-8859-15."""
    count = classes or max(1, pupils // 30)
    names = [n.replace("\u2014", "-") for n in _class_names(count)]
    born = date(2010, 1, 1)
    return siecle_xml(
        [
            Pupil(
                str(100000 + i),
                f"X{i:09d}A",
                f"Élève{i}",
                f"Zoé{i}",
                born + timedelta(days=i % 1500),
                names[i % len(names)],
                usage_name=f"Usage{i}" if i % 10 == 0 else "",
                group="LV2" if i % 3 else "",
            )
            for i in range(pupils)
        ]
    )


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
    return [
        share_outside_hashing(
            "S1",
            f"SIECLE XML import, {pupils} pupils (cost {args.import_rounds})",
            total,
            marks[-1] - marks[0],
        )
    ]


RSS_PROBE = textwrap.dedent(
    r"""
    import json, re, sys
    from access_core.imports import preview as imports
    from access_core.imports import files as roster_files
    from access_core.db.unit_of_work import Database
    from access_core.imports.formats.limits import ImportLimits

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
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    if out.returncode != 0:
        return [("S2", "SIECLE preview peak RSS", "failed", out.stderr.strip()[-60:], "", "", "")]
    baseline, peak, size = json.loads(out.stdout.strip().splitlines()[-1])
    baseline, peak = baseline / 1024, peak / 1024
    return [
        (
            "S2",
            f"SIECLE XML preview peak RSS, {pupils:,} pupils",
            f"{peak:.0f} MB",
            f"modules {baseline:.0f} MB, file {size / 2**20:.0f} MB",
            f"{(peak - baseline) / (size / 2**20):.1f}",
            "bounded (no tree)",
            "-",
        )
    ]


HOSTILE_PROBE = textwrap.dedent(
    r"""
    import json, re, sys, time
    from access_core.imports import files as roster_files
    from access_core.errors import ValidationError

    def peak_kib():
        with open("/proc/self/status") as status:
            return int(re.search(r"VmHWM:\s+(\d+)", status.read()).group(1))

    import openpyxl, defusedxml.sax  # the reader's modules, loaded before the baseline
    baseline = peak_kib()
    data = open(sys.argv[1], "rb").read()
    start = time.perf_counter()
    try:
        roster_files.read_roster(data, sys.argv[2])
        outcome = "read"
    except ValidationError as exc:
        outcome = str(exc.params.get("key"))
    seconds = time.perf_counter() - start
    print(json.dumps([baseline, peak_kib(), seconds, outcome, len(data)]))
    """
)


def _probe(data: bytes, filename: str) -> tuple[float, float, str, int]:
    """Peak memory above the loaded modules (MB), seconds, outcome, size of reading ``data``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / filename
        path.write_bytes(data)
        out = subprocess.run(
            [sys.executable, "-c", HOSTILE_PROBE, str(path), filename],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip()[-60:])
    baseline, peak, seconds, outcome, size = json.loads(out.stdout.strip().splitlines()[-1])
    return (peak - baseline) / 1024, seconds, outcome, size


def far_cell_xlsx(row: int = 8000, column: str = "XFD") -> bytes:
    """A workbook of the usual header and one pupil, and one cell at ``column``/``row``."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["INE", "Nom", "Prénom", "Né(e) le", "Division"])
    sheet.append(["X0000001", "Nom", "Prénom", "01/02/2012", "4A"])
    sheet[f"{column}{row}"] = "x"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def nested_xml(depth: int) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><BEE_ELEVES><DONNEES>'
        + b"<E>" * depth
        + b"</E>" * depth
        + b"</DONNEES></BEE_ELEVES>"
    )


def s3_far_cell_xlsx(args: Namespace, row: int = 8000) -> list[Row]:
    try:
        mb, seconds, outcome, size = _probe(far_cell_xlsx(row), "roster.xlsx")
        ref_mb, ref_seconds, _, _ = _probe(far_cell_xlsx(2, "F"), "roster.xlsx")
    except RuntimeError as exc:
        return [("S3", "XLSX with a cell at XFD, peak RSS", "failed", str(exc), "", "", "")]
    return [
        (
            "S3",
            f"XLSX {size / 1024:.0f} KB, a cell at XFD{row}: peak RSS above modules",
            f"{mb:.0f} MB",
            f"6 columns {ref_mb:.0f} MB",
            f"{mb / max(ref_mb, 1):.1f}",
            "≤ 50 MB",
            "yes" if mb <= 50 else "no",
        ),
        (
            "",
            f"  its time ({outcome})",
            f"{seconds:.2f} s",
            f"6 columns {ref_seconds:.2f} s",
            f"{seconds / ref_seconds:.1f}",
            "≤ 2 s",
            "yes" if seconds <= 2 else "no",
        ),
    ]


def _expat_seconds(data: bytes) -> float:
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    start = time.perf_counter()
    parser.Parse(data, True)
    return time.perf_counter() - start


def s4_nested_xml(args: Namespace, depth: int = 100_000) -> list[Row]:
    data = nested_xml(depth)
    try:
        mb, seconds, outcome, size = _probe(data, "ElevesSansAdresses.xml")
    except RuntimeError as exc:
        return [("S4", "XML nested deep", "failed", str(exc), "", "", "")]
    expat = _expat_seconds(data)
    return [
        (
            "S4",
            f"XML nested {depth:,} deep ({size / 1024:.0f} KB): time ({outcome})",
            f"{seconds:.3f} s",
            f"expat alone {expat:.3f} s",
            f"{seconds / expat:.1f}",
            "≤ 1 s",
            "yes" if seconds <= 1 else "no",
        ),
        (
            "",
            "  its peak RSS above modules",
            f"{mb:.0f} MB",
            "",
            "",
            "≤ 50 MB",
            "yes" if mb <= 50 else "no",
        ),
    ]


def s5_wide_csv(args: Namespace, megabytes: int = 20) -> list[Row]:
    data = b"Nom;Pr\xc3\xa9nom;Date de naissance;Classe\n" + b";" * (megabytes << 20) + b"\n"
    try:
        mb, seconds, outcome, size = _probe(data, "r.csv")
    except RuntimeError as exc:
        return [("S5", "CSV of one wide line", "failed", str(exc), "", "", "")]
    return [
        (
            "S5",
            f"CSV, one line of {size >> 20} MB of « ; »: peak RSS above modules",
            f"{mb:.0f} MB",
            f"file {size >> 20} MB",
            f"{mb / (size / 2**20):.1f}",
            "≤ 4 × file",
            "yes" if mb <= 4 * size / 2**20 else "no",
        ),
        ("", f"  its time ({outcome})", f"{seconds:.2f} s", "", "", "", ""),
    ]


__all__ = [
    "s1_siecle_import",
    "s2_siecle_memory",
    "s3_far_cell_xlsx",
    "s4_nested_xml",
    "s5_wide_csv",
]
