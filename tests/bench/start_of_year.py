"""Y1: the start of the year, end to end from the command line (issue 15, item 5).

A SIECLE zip of 2,000 pupils in 70 classes is imported into an empty school, then the slips of
every class are printed, each step through ``python -m access_core`` in its own process as an
administrator would type it: ``init``, ``create-admin`` (password on stdin), ``import FILE.zip``,
``list-classes``, then ``slips --all-classes --output DIR`` (one PDF per class in one process:
70 ``slips --class`` processes cost a second of start-up each). The total is set against the
hashing limit of the same run: N hashes at the given cost ÷ (cores × the one-thread rate,
measured just before and just after, so that a change of the machine's load falls on both sides
alike).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from argparse import Namespace
from pathlib import Path

from access_core.accounts.passwords import default_workers
from tests.bench.formats import siecle_school
from tests.bench.measures import Row, load_average, one_thread_rate
from tests.support.roster_samples import siecle_zip

ADMIN = "rentree"
PASSWORD = "rentree-password-not-secret"


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


class StepFailed(Exception):
    pass


def _environment(tmp: Path, rounds: int) -> dict[str, str]:
    """The caller's environment without its ``ACCESS_*`` settings, and an empty school's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}
    env.update(
        {
            "ACCESS_DATABASE_URL": f"sqlite:///{tmp / 'school.db'}",
            "ACCESS_BCRYPT_ROUNDS": str(rounds),
            "ACCESS_SECRETS_FILE": str(tmp / "absent-secrets.toml"),
            "ACCESS_SCHOOL_NAME": "Collège Jean-Moulin",
            "ACCESS_PORTAL_URL": "https://ent.example.org/eleves",
            "ACCESS_LANGUAGE": "en",  # the steps' output is read back (stable English wording)
        }
    )
    return env


def _cli(tmp: Path, env: dict[str, str], *argv: str, stdin: str | None = None) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "access_core", *argv],
        cwd=tmp,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=7200,
        check=False,
    )
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["no message"])[-1]
        raise StepFailed(f"{argv[0]} exit {out.returncode}: {last}"[:60])
    return out.stdout


def _start_of_year(
    tmp: Path, pupils: int, classes: int, rounds: int
) -> tuple[dict[str, float], int]:
    """The administrator's session: the seconds of each step, and the number of class files."""
    env = _environment(tmp, rounds)
    path = tmp / "ExportXML_ElevesSansAdresses.zip"
    path.write_bytes(siecle_zip(siecle_school(pupils, classes), macos=False))
    steps: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        steps[step] = now - mark
        mark = now

    _cli(tmp, env, "init")
    _cli(tmp, env, "create-admin", ADMIN, "--password-stdin", stdin=PASSWORD + "\n")
    lap("setup")
    imported = _cli(tmp, env, "import", str(path), "--actor", ADMIN)
    lap("import")
    listing = _cli(tmp, env, "list-classes", "--actor", ADMIN)
    names = [line.split("\t")[0] for line in listing.splitlines() if line.strip()]
    lap("list")
    if f"imported: {pupils} new" not in imported or len(names) != classes:
        raise StepFailed(f"import gave {len(names)} classes: {imported.splitlines()[-1]}"[:60])
    folder = tmp / "fiches"
    _cli(tmp, env, "slips", "--all-classes", "--output", str(folder), "--actor", ADMIN)
    files = sorted(folder.glob("fiches_*.pdf"))
    lap("slips")
    if len(files) != classes:
        raise StepFailed(f"slips wrote {len(files)} files for {classes} classes")
    bare = []
    for _ in range(3):  # the floor of any command: the interpreter and the CLI's imports
        start = time.perf_counter()
        _cli(tmp, env, "--version")
        bare.append(time.perf_counter() - start)
    steps["bare"] = statistics.median(bare)
    return steps, len(files)


def y1_start_of_year(args: Namespace, pupils: int = 2000, classes: int = 70) -> list[Row]:
    rounds = args.rounds
    cores = default_workers()
    samples = max(4, 2 * cores)
    load_before = load_average()
    before = one_thread_rate(rounds, samples)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            steps, printed = _start_of_year(Path(tmp), pupils, classes, rounds)
        except StepFailed as exc:
            return [("Y1", "start of the year, CLI end to end", "failed", str(exc), "", "", "")]
    after = one_thread_rate(rounds, samples)
    load_after = load_average()
    rate = (before + after) / 2
    limit = pupils / (cores * rate)
    total = sum(v for k, v in steps.items() if k != "bare")
    target = 1.1 * limit + 30
    outside = max(0.0, total - limit)
    slips_time = steps["list"] + steps["slips"]
    return [
        (
            "Y1",
            f"start of year (CLI): {pupils:,} pupils in {classes} classes",
            _s(total),
            f"hashing limit {_s(limit)} ({cores} cores)",
            f"{total / limit:.2f}",
            "≤ 1.1 × limit + 30 s",
            "yes" if total <= target else "no",
        ),
        (
            "",
            "  not hashing (total - limit)",
            _s(outside),
            f"{outside / total * 100:.1f} % of the total",
            "",
            f"total ≤ {_s(target)}",
            "",
        ),
        (
            "",
            f"  one-thread rate at cost {rounds}, before / after",
            f"{before:.2f} / {after:.2f} /s",
            f"{samples} hashes each; load {load_before} / {load_after}",
            "",
            "",
            "",
        ),
        ("", "  init + create-admin", _s(steps["setup"]), "2 processes", "", "", ""),
        (
            "",
            "  import of the zip (read, preview, hash, apply)",
            _s(steps["import"]),
            f"limit {_s(limit)}",
            f"{steps['import'] / limit:.2f}",
            "",
            "",
        ),
        (
            "",
            f"  list-classes + slips --all-classes ({printed} files)",
            _s(slips_time),
            f"{slips_time / printed:.2f} s a class; --version {steps['bare']:.2f} s",
            "",
            "",
            "",
        ),
    ]


__all__ = ["y1_start_of_year"]
