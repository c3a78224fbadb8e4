"""Every setting the code reads is a documented setting: listed in ``SETTING_NAMES`` (so
``access-core check`` reports where it came from) and in the configuration table
(docs/configuration.md)."""

from __future__ import annotations

import re
from pathlib import Path

from access_core.config import SECRETS_FILE_VARIABLE, SETTING_NAMES

ROOT = Path(__file__).resolve().parent.parent.parent
NAME = re.compile(r"ACCESS_[A-Z][A-Z_]*[A-Z]")


def _names_in_code() -> set[str]:
    files = [
        *(ROOT / "access_core").rglob("*.py"),
        *(ROOT / "access_ui").rglob("*.py"),
        ROOT / "app.py",
    ]
    return {name for path in files for name in NAME.findall(path.read_text(encoding="utf-8"))}


def test_every_setting_read_by_the_code_is_reported_by_check() -> None:
    assert _names_in_code() - {SECRETS_FILE_VARIABLE} == set(SETTING_NAMES)


def test_every_setting_is_in_the_configuration_table() -> None:
    readme = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `(ACCESS_[A-Z_]+)` \|", readme, flags=re.M))
    assert _names_in_code() <= rows
