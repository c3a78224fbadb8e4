"""A small mutation run: does each module's test suite notice when its code changes?

    .venv/bin/python tests/mutation/run.py                  # resets, passwords, throttle, roster
    .venv/bin/python tests/mutation/run.py imports --sample 40
    .venv/bin/python tests/mutation/run.py throttle --list   # the mutants, without running them

Each mutant is one small change made through ``ast`` (a comparison flipped, ``and`` for ``or``,
a ``not`` dropped, a constant moved by one, a statement such as ``continue``, ``raise``, a call
or an assignment replaced by ``pass``). The module's tests run against it in a copy of the
project (SQLite only, stopping at the first failure); a failing run kills the mutant. Survivors
are printed with their line: each is either a test to write or an equivalent change to note.
Not collected by pytest (no ``test_`` prefix); slow (minutes per module): not part of CI.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS: dict[str, tuple[str, list[str]]] = {
    "resets": (
        "access_core/roster/resets.py",
        ["tests/core/test_resets.py", "tests/core/test_throttle.py"],
    ),
    "passwords": ("access_core/accounts/passwords.py", ["tests/core/test_passwords.py"]),
    "throttle": ("access_core/accounts/throttle.py", ["tests/core/test_throttle.py"]),
    "roster": ("access_core/roster/queries.py", ["tests/core/test_roster.py"]),
    "imports": ("access_core/imports/preview.py", ["tests/core/test_imports.py"]),
}
DEFAULT = ["resets", "passwords", "throttle", "roster"]
SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.And: ast.Or,
    ast.Or: ast.And,
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
}
REMOVABLE = (ast.Continue, ast.Break, ast.Raise, ast.Expr, ast.Assign, ast.AugAssign)


@dataclass(frozen=True)
class Mutant:
    index: int
    line: int
    description: str


def _is_docstring(node: ast.AST) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def _sites(tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """Every mutable node inside a function, in a stable order, with what its mutation does."""
    seen: set[int] = set()
    bodies = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    nodes = [n for body in bodies for n in ast.walk(body) if not (id(n) in seen or seen.add(id(n)))]
    for node in nodes:
        if isinstance(node, ast.Compare):
            for op in node.ops:
                if type(op) in SWAPS:
                    yield op, f"{type(op).__name__} -> {SWAPS[type(op)].__name__}"
        elif isinstance(node, ast.BoolOp | ast.BinOp) and type(node.op) in SWAPS:
            yield node.op, f"{type(node.op).__name__} -> {SWAPS[type(node.op)].__name__}"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, "drop `not`"
        elif isinstance(node, ast.Constant) and type(node.value) in (int, bool):
            yield node, f"{node.value!r} -> {_moved(node.value)!r}"
        if isinstance(node, REMOVABLE) and not _is_docstring(node):
            yield node, f"{type(node).__name__} -> pass"


def _moved(value: object) -> object:
    return (not value) if isinstance(value, bool) else int(value) + 1  # type: ignore[call-overload]


class _Apply(ast.NodeTransformer):
    def __init__(self, target: ast.AST, description: str) -> None:
        self.target, self.description = target, description

    def visit(self, node: ast.AST) -> ast.AST:
        if node is self.target:
            if self.description.endswith("-> pass"):
                return ast.copy_location(ast.Pass(), node)
            if isinstance(node, ast.UnaryOp):
                return node.operand
            if isinstance(node, ast.Constant):
                return ast.copy_location(ast.Constant(_moved(node.value)), node)
            return SWAPS[type(node)]()
        return super().generic_visit(node)


def mutants(source: str) -> list[tuple[Mutant, str]]:
    tree = ast.parse(source)
    found = []
    for index, (site, description) in enumerate(list(_sites(tree))):
        mutated = copy.deepcopy(tree)
        target = list(_sites(mutated))[index][0]
        new_tree = ast.fix_missing_locations(_Apply(target, description).visit(mutated))
        line = getattr(site, "lineno", 0) or _parent_line(tree, site)
        found.append((Mutant(index, line, description), ast.unparse(new_tree)))
    return found


def _parent_line(tree: ast.Module, site: ast.AST) -> int:
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            if (
                child is site
                or getattr(node, "op", None) is site
                or site in getattr(node, "ops", [])
            ):
                return getattr(node, "lineno", 0)
    return 0


def _copy_project(into: Path) -> None:
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", "var", "*.pyc", "mutants")
    shutil.copytree(ROOT, into, ignore=ignore, dirs_exist_ok=True)


def run_module(name: str, sample: int | None, timeout_s: int) -> tuple[int, int, list[str]]:
    path, tests = TARGETS[name]
    source = (ROOT / path).read_text()
    found = mutants(source)
    if sample is not None and sample < len(found):
        found = sorted(random.Random(0).sample(found, sample), key=lambda m: m[0].index)
    env = {k: v for k, v in os.environ.items() if k != "ACCESS_TEST_DATABASE_URLS"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    killed, survivors = 0, []
    with tempfile.TemporaryDirectory(prefix=f"mutation-{name}-") as tmp:
        work = Path(tmp)
        _copy_project(work)
        for mutant, mutated in found:
            (work / path).write_text(mutated)
            command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
            try:
                result = subprocess.run(
                    [*command, *tests],
                    cwd=work,
                    env=env,
                    capture_output=True,
                    timeout=timeout_s,
                    check=False,
                )
                dead = result.returncode != 0
            except subprocess.TimeoutExpired:
                dead = True
            killed += dead
            status = "killed" if dead else "SURVIVED"
            print(f"{name}:{mutant.line}: {mutant.description}: {status}", flush=True)
            if not dead:
                survivors.append(f"{path}:{mutant.line}: {mutant.description}")
        (work / path).write_text(source)
    return killed, len(found), survivors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"among {', '.join(TARGETS)}")
    parser.add_argument("--sample", type=int, help="a reproducible random sample of N mutants")
    parser.add_argument("--list", action="store_true", help="list the mutants only")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per mutant run")
    args = parser.parse_args(argv)
    unknown = set(args.modules) - set(TARGETS)
    if unknown:
        parser.error(f"unknown modules: {', '.join(sorted(unknown))}")
    total_killed = total = 0
    all_survivors: list[str] = []
    for name in args.modules or DEFAULT:
        if args.list:
            for mutant, _ in mutants((ROOT / TARGETS[name][0]).read_text()):
                print(f"{name}:{mutant.line}: {mutant.description}")
            continue
        killed, count, survivors = run_module(name, args.sample, args.timeout)
        print(f"== {name}: {killed}/{count} mutants killed", flush=True)
        total_killed, total = total_killed + killed, total + count
        all_survivors += survivors
    if not args.list:
        rate = 100 * total_killed / max(total, 1)
        print(f"== total: {total_killed}/{total} killed ({rate:.0f} %)")
        print("\n".join(["survivors:", *all_survivors]) if all_survivors else "no survivor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
