"""``create-school``, ``list-schools`` and ``edit-school`` through the installed entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.factories import add_learner, create_test_admin

ROOT = Path(__file__).resolve().parents[2]


def access_core(
    database_url: str, *args: str, lang: str = "en"
) -> subprocess.CompletedProcess[str]:
    """``access-core ARGS`` as the operator runs it (the script, else ``python -m``)."""
    script = Path(sys.executable).parent / "access-core"
    program = [str(script)] if script.exists() else [sys.executable, "-m", "access_core"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}
    env.update(
        ACCESS_DATABASE_URL=database_url,
        ACCESS_LANGUAGE=lang,
        ACCESS_COOKIE_KEY="test-cookie-key-of-this-installation-0123456789",
        PYTHONPATH=str(ROOT),
    )
    return subprocess.run(
        [*program, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_create_school_then_list_schools_tab_separated(db, database_url: str) -> None:  # type: ignore[no-untyped-def]
    create_test_admin(db)
    add_learner(db, "Martin", "Léa", login="lea.martin")

    created = access_core(
        database_url,
        "create-school",
        "0750655e",
        "--name",
        "Lycée Louis-le-Grand",
        "--portal-url",
        "https://ent.example/",
    )
    listed = access_core(database_url, "list-schools")

    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "school 0750655E 'Lycée Louis-le-Grand' created"
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "-\tÉtablissement\t1",
        "0750655E\tLycée Louis-le-Grand\t0",
    ]


@pytest.mark.parametrize(
    ("uai", "fragment"),
    [
        ("0750655X", "the check letter of 0750655 is E, not X"),
        ("075065E", "'075065E' is not a UAI"),
    ],
)
def test_a_bad_uai_is_one_clear_line(database_url: str, uai: str, fragment: str) -> None:
    result = access_core(database_url, "create-school", uai, "--name", "X")

    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"error: {result.stderr.strip()[7:]}"]
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_a_duplicate_uai_is_one_clear_line_in_french(database_url: str) -> None:
    access_core(database_url, "create-school", "0750655E", "--name", "A")

    result = access_core(database_url, "create-school", "0750655E", "--name", "B", lang="fr")

    assert result.returncode == 1
    assert result.stderr.strip() == "error: Un établissement a déjà l'UAI 0750655E."


def test_edit_school_sets_the_migrated_schools_uai_then_finds_it_by_it(
    database_url: str,
) -> None:
    access_core(database_url, "create-school", "0750655E", "--name", "Autre")

    first = access_core(database_url, "edit-school", "--uai", "0010001W", "--name", "Lalande")
    renamed = access_core(database_url, "edit-school", "0010001w", "--name", "Lycée Lalande")
    listed = access_core(database_url, "list-schools")

    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "school 0010001W 'Lalande' changed"
    assert renamed.returncode == 0, renamed.stderr
    assert listed.stdout.splitlines() == [
        "0010001W\tLycée Lalande\t0",
        "0750655E\tAutre\t0",
    ]


def test_edit_school_of_an_unknown_uai_is_an_error(database_url: str) -> None:
    result = access_core(database_url, "edit-school", "0010001W", "--name", "X")

    assert result.returncode == 1
    assert result.stderr.strip() == "error: no school with the UAI 0010001W"
