"""The lock files that dev.py installs from match pyproject.toml's dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pinned(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", line)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def _declared(*extras: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    for extra in extras:
        names |= {_name(r) for r in project["optional-dependencies"][extra]}
    return names


def test_every_declared_dependency_is_pinned_with_hashes_in_its_lock() -> None:
    for lock_name, extras in {
        "run": ("postgres", "mysql"),
        "test": ("postgres", "mysql", "test"),
    }.items():
        lock = ROOT / "requirements" / f"{lock_name}.lock"
        pins = _pinned(lock)
        missing = _declared(*extras) - set(pins)
        assert not missing, f"{lock.name} lacks {sorted(missing)}: run `python3 dev.py lock`"
        lines = lock.read_text().splitlines()
        unhashed = [
            line
            for line, after in zip(lines, lines[1:] + [""], strict=True)
            if re.match(r"^[A-Za-z0-9_.\-]+==", line)
            and not after.strip().startswith("--hash=sha256:")
        ]
        assert not unhashed, f"{lock.name}: pins without hashes: {unhashed}"


def test_the_run_lock_holds_no_test_tool() -> None:
    pins = _pinned(ROOT / "requirements" / "run.lock")
    assert not {"pytest", "playwright", "mypy", "ruff"} & set(pins)
