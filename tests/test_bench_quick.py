"""The benchmark runs end to end on a tiny school (its figures are not checked here: speed
targets live in the benchmark itself, never in the test suite)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_benchmark_prints_every_measure_with_its_reference_and_target():
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench", "--quick"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    for measure in ("P1", "P2", "P3", "P4", "P5", "P6", "P9", "P10"):
        row = next((line for line in lines if line.startswith(measure)), None)
        assert row is not None, f"{measure} missing from:\n{result.stdout}"
        assert "failed" not in row
    assert "cores" in result.stdout
    assert "limit" in result.stdout and "baseline" in result.stdout
