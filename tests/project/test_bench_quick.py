"""The benchmark runs end to end on a tiny school (its figures are not checked here: speed
targets live in the benchmark itself, never in the test suite)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def browser_available() -> None:
    if not Path("/usr/bin/chromium").exists():
        if os.environ.get("ACCESS_REQUIRE_BROWSER") == "1":
            pytest.fail("browser measures required (ACCESS_REQUIRE_BROWSER=1): no chromium")
        pytest.skip("no /usr/bin/chromium")


def test_the_benchmark_prints_every_measure_with_its_reference_and_target():
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    for measure in (
        "P1",
        "P2",
        "P3",
        "P4",
        "P5",
        "P6",
        "P7",
        "P8",
        "P9",
        "P10",
        "S1",
        "S2",
        "S3",
        "S4",
        "S5",
        "S6",
        "S7",
        "S8",
        "Y1",
    ):
        row = next((line for line in lines if line.startswith(measure)), None)
        assert row is not None, f"{measure} missing from:\n{result.stdout}"
        assert "failed" not in row
    assert "cores" in result.stdout
    assert "limit" in result.stdout and "baseline" in result.stdout
    assert "≥ 0.95 × limit" in result.stdout
    assert result.stdout.count("; load ") >= 2  # P1 and Y1 print the load average


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.bench", "--quick", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _rows(stdout: str, *measures: str) -> None:
    lines = stdout.splitlines()
    for measure in measures:
        row = next((line for line in lines if line.startswith(measure)), None)
        assert row is not None, f"{measure} missing from:\n{stdout}"
        assert "failed" not in row and "skipped" not in row, row


def test_the_browser_measures_run_against_a_real_server_in_chromium(browser_available):
    result = _bench("--measures", "P3", "--browser")

    assert result.returncode == 0, result.stderr[-3000:]
    _rows(result.stdout, "B1", "B2", "B3", "B4", "B5", "B6", "B7")
    assert "bare Streamlit form" in result.stdout and "service alone" in result.stdout
    assert "errors 0" in result.stdout
    # issue 26's rows: B1 cold and serve → /healthz, B2 by part, B4 at 200, B6 against a bare page
    _lines(
        result.stdout,
        "cold: first visit on a just-started server",
        "`access-core serve` start → /healthz 200",
        "of which: session start, sessions.start",
        "of which: class_learners + class_table + slips",
        "of which: recently_deactivated + deactivated_table",
        "reset of 200 learners, « Confirmer » → notice",
        "server CPU per switch, 2 sessions, against a bare page",
        "server CPU per switch, 2 sessions, against all its widgets, bare",
    )
    assert "≤ 1.1 × bare" in result.stdout and "≤ 1.5 s" in result.stdout


def _lines(stdout: str, *labels: str) -> None:
    """Each label is on a row that holds a figure (not « failed » nor « skipped »)."""
    lines = stdout.splitlines()
    for label in labels:
        row = next((line for line in lines if label in line), None)
        assert row is not None, f"{label!r} missing from:\n{stdout}"
        assert "failed" not in row and "skipped" not in row, row


def test_a_district_school_builds_on_postgresql_with_copy(request):
    from tests.conftest import create_server_database, drop_server_database

    servers = [
        u
        for u in str(request.config.getoption("--database-urls")).split(",")
        if u.startswith("postgresql")
    ]
    if not servers:
        pytest.skip("no PostgreSQL server named (ACCESS_TEST_DATABASE_URLS)")
    url = create_server_database(servers[0])
    try:
        result = _bench(
            "--database-url", url, "--learners", "900", "--classes", "30", "--measures", "P2,P4"
        )
        assert result.returncode == 0, result.stderr[-3000:]
        _rows(result.stdout, "P2", "P4")
        assert "900 learners in 30 classes" in result.stdout
    finally:
        drop_server_database(servers[0], url)


DISTRICT_MEASURES = ("P2", "P4", "P7", "P9", "P10", "D1")


def test_the_district_measures_run_for_one_school_of_a_tiny_district():
    result = _bench(
        "--learners", "300", "--classes", "9", "--schools", "3",
        "--measures", ",".join(DISTRICT_MEASURES),
    )  # fmt: skip

    assert result.returncode == 0, result.stderr[-3000:]
    _rows(result.stdout, *DISTRICT_MEASURES)
    assert "300 learners in 9 classes and 3 schools" in result.stdout
    assert "in school 2" in result.stdout and "district overview by school (3 schools" in (
        result.stdout
    )


def test_a_district_of_schools_builds_on_postgresql_and_measures_one_school(request):
    from tests.conftest import create_server_database, drop_server_database

    servers = [
        u
        for u in str(request.config.getoption("--database-urls")).split(",")
        if u.startswith("postgresql")
    ]
    if not servers:
        pytest.skip("no PostgreSQL server named (ACCESS_TEST_DATABASE_URLS)")
    url = create_server_database(servers[0])
    try:
        result = _bench(
            "--database-url", url, "--learners", "900", "--classes", "30", "--schools", "5",
            "--measures", ",".join(DISTRICT_MEASURES),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        _rows(result.stdout, *DISTRICT_MEASURES)
        assert "900 learners in 30 classes and 5 schools, postgresql" in result.stdout
    finally:
        drop_server_database(servers[0], url)
