"""The tests' own layout: a helper or fixture two test modules share lives in ``tests/support``
or a ``conftest.py``, never in another test module (importing one test module from another
hides where a fixture comes from and ties the two files together)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent


def imported_test_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return sorted(
        {n for n in names if n.startswith("tests.") and n.rsplit(".", 1)[-1].startswith("test_")}
    )


def test_no_test_module_imports_another_test_module() -> None:
    found = {
        str(path.relative_to(TESTS)): imported
        for path in sorted(TESTS.rglob("*.py"))
        if (imported := imported_test_modules(path))
    }
    assert found == {}


def test_the_scan_sees_such_an_import(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "from tests.pages.test_pages import page\nfrom tests.support.pages import live_session\n"
    )
    assert imported_test_modules(sample) == ["tests.pages.test_pages"]
