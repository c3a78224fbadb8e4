"""Every write of ``access_core`` goes through the unit of work that retries
(``Database.write``): a ``.transaction(write=True)`` opened anywhere else is a write that a
serialization failure or a deadlock would fail instead of retrying.

The source is scanned with ``ast``; the allowed places are ``Database.write`` itself and the
deliberate exceptions named in docs/architecture.md (« Rules as built »).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "access_core"

# (module, enclosing function): the only places that may open a write transaction themselves.
ALLOWED = {
    ("access_core/db/unit_of_work.py", "write"),  # the unit of work that retries
    ("access_core/ops/health.py", "_can_write"),  # the probe: reports the first failure
}


def _opens_write(call: ast.Call) -> bool:
    """``<anything>.transaction(...)`` asking for a write: ``write=`` or a first positional
    argument that is not the constant ``False``."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "transaction"):
        return False
    args = [kw.value for kw in call.keywords if kw.arg == "write"] + call.args[:1]
    return any(not (isinstance(arg, ast.Constant) and arg.value is False) for arg in args)


def write_transactions(source: str, module: str) -> list[tuple[str, str, int]]:
    """(module, enclosing function or "<module>", line) of each write transaction opened."""
    found: list[tuple[str, str, int]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = child.name
            elif isinstance(child, ast.Lambda):
                name = "<lambda>"
            if isinstance(child, ast.Call) and _opens_write(child):
                found.append((module, function, child.lineno))
            visit(child, name)

    visit(ast.parse(source), "<module>")
    return found


def _scan() -> list[tuple[str, str, int]]:
    found: list[tuple[str, str, int]] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(ROOT).as_posix()
        found += write_transactions(path.read_text(encoding="utf-8"), module)
    return found


def test_access_core_opens_write_transactions_only_in_the_unit_of_work() -> None:
    outside = [
        f"{module}:{line} (in {function})"
        for module, function, line in _scan()
        if (module, function) not in ALLOWED
    ]

    assert outside == [], "route these writes through Database.write: " + ", ".join(outside)


def test_the_allowed_places_are_still_there() -> None:
    """The scan finds the unit of work's own transaction and the probe's: an allowance that
    no longer matches anything is removed from the list, not kept as a loophole."""
    assert {(module, function) for module, function, _ in _scan()} >= ALLOWED


def test_the_scan_finds_every_spelling_of_a_write_transaction() -> None:
    source = (
        "def a(db):\n    with db.transaction(write=True) as s: pass\n"
        "def b(self):\n    with self.transaction(True) as s: pass\n"
        "def c(db, w):\n    with db.transaction(write=w) as s: pass\n"
        "def d(db):\n    f = lambda: db.transaction(write=True)\n"
        "def e(db):\n    with db.transaction() as s: pass\n"
        "def f(db):\n    with db.transaction(write=False) as s: pass\n"
    )

    assert [(f, line) for _, f, line in write_transactions(source, "m.py")] == [
        ("a", 2),
        ("b", 4),
        ("c", 6),
        ("<lambda>", 8),
    ]
