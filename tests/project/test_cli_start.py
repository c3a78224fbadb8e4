"""The command line starts light: ``access-core --version`` (and the bare import of
``access_core.cli``) loads none of the heavy libraries, and a command loads only what it uses.

Each case runs in a fresh interpreter and reads ``sys.modules``: what is imported, not how long
it takes (the start-up time is the benchmark's, docs/performance.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
HEAVY = ("sqlalchemy", "openpyxl", "fpdf", "streamlit", "bcrypt", "pandas", "numpy")

PROBE = """
import json, sys
from access_core.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY))
print(json.dumps({"code": code, "loaded": loaded}))
"""


def _run(*args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    script = f"HEAVY = {HEAVY!r}\n{PROBE}"
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return outcome


def test_version_imports_none_of_the_heavy_libraries() -> None:
    outcome = _run("--version")
    assert outcome == {"code": 0, "loaded": []}


def test_importing_the_cli_package_imports_none_of_the_heavy_libraries() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys, access_core.cli; print(sorted({{n.split('.')[0] for n in sys.modules}}"
            f" & set({HEAVY!r})))",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_list_classes_loads_the_database_but_not_the_documents_nor_streamlit(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'school.db'}"
    env = {"ACCESS_DATABASE_URL": url, "ACCESS_BCRYPT_ROUNDS": "4"}
    assert _run("init", env=env)["code"] == 0
    outcome = _run("list-classes", "--actor", "nobody", env=env)
    assert outcome["code"] == 1  # unknown actor: refused, after reaching the database
    loaded = outcome["loaded"]
    assert isinstance(loaded, list)
    assert "sqlalchemy" in loaded
    assert not {"openpyxl", "fpdf", "streamlit", "pandas", "numpy"} & set(loaded)
