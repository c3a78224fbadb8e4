"""Declared dependencies = imported ones.

The code (access_core, access_ui, pages, app.py, dashboard.py) imports only third-party modules
that pyproject.toml declares as runtime dependencies, every runtime dependency is imported by
that code, and the tests import only what the runtime dependencies and the ``test`` extra
declare. Import names are mapped to distributions with
``importlib.metadata.packages_distributions()``, so ``jwt`` is PyJWT and ``fontTools`` is
fonttools.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CODE = ("access_core", "access_ui", "pages", "app.py", "dashboard.py")
FIRST_PARTY = {"access_core", "access_ui", "pages", "app", "dashboard", "tests", "dev"}
# Declared runtime dependencies that no module imports by name, and why they are needed.
NOT_IMPORTED = {
    "tzdata": "time zone data read by zoneinfo where the system has no tz database (Windows)",
    "uharfbuzz": "fpdf2 imports it to shape right-to-left names on the slips (Arabic, Hebrew)",
}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    assert match, f"unreadable requirement {requirement!r}"
    return _normalise(match.group(0))


def _project() -> dict[str, object]:
    project: dict[str, object] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project


def _runtime() -> list[str]:
    dependencies = _project()["dependencies"]
    assert isinstance(dependencies, list)
    return [_requirement_name(r) for r in dependencies]


def _extra(name: str) -> list[str]:
    extras = _project()["optional-dependencies"]
    assert isinstance(extras, dict)
    return [_requirement_name(r) for r in extras[name]]


def _files(*roots: str) -> Iterator[Path]:
    for root in roots:
        path = ROOT / root
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def _imports(path: Path) -> Iterator[str]:
    """Top-level names of the absolute imports of ``path``, and of ``pytest.importorskip``."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "importorskip"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value.split(".")[0]


def _third_party(*roots: str) -> dict[str, set[str]]:
    """Each third-party top-level module imported under ``roots`` -> the files importing it."""
    found: dict[str, set[str]] = {}
    for path in _files(*roots):
        for module in _imports(path):
            if module not in sys.stdlib_module_names and module not in FIRST_PARTY:
                found.setdefault(module, set()).add(str(path.relative_to(ROOT)))
    return found


def _undeclared(imported: dict[str, set[str]], declared: set[str]) -> list[str]:
    distributions = packages_distributions()
    problems = []
    for module, files in sorted(imported.items()):
        provided_by = {_normalise(d) for d in distributions.get(module, [])}
        if not provided_by & declared:
            problems.append(
                f"{module} (distribution {sorted(provided_by) or 'not installed'}) "
                f"imported by {sorted(files)}"
            )
    return problems


def test_the_code_imports_only_declared_runtime_dependencies() -> None:
    problems = _undeclared(_third_party(*CODE), set(_runtime()))
    assert not problems, f"declare in [project] dependencies: {problems}"


def test_the_tests_import_only_declared_dependencies() -> None:
    problems = _undeclared(_third_party("tests"), set(_runtime()) | set(_extra("test")))
    assert not problems, f"declare in the test extra: {problems}"


def test_every_runtime_dependency_is_imported_by_the_code() -> None:
    distributions = packages_distributions()
    imported = {
        _normalise(d) for module in _third_party(*CODE) for d in distributions.get(module, [])
    }
    unused = sorted(set(_runtime()) - imported - set(NOT_IMPORTED))
    assert not unused, f"declared but imported nowhere in {CODE}: {unused}"


def test_no_dependency_is_listed_twice() -> None:
    lists = {"dependencies": _runtime(), "test": _extra("test")}
    for name, requirements in lists.items():
        twice = sorted({r for r in requirements if requirements.count(r) > 1})
        assert not twice, f"listed twice in {name}: {twice}"
