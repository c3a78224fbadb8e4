"""``create-school``, ``list-schools`` and ``edit-school`` through the installed entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from access_core.db.models import Learner, School
from tests.conftest import assert_one_line_error
from tests.support.factories import add_learner, create_test_admin, grant_school
from tests.support.roster_samples import siecle_xml

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


# --- import --school --------------------------------------------------------------------------


@pytest.fixture
def two_schools(db, admin, cli):  # type: ignore[no-untyped-def]
    """School 1 (UAI 0750655E) and school B (0010001W), the test admin granted both."""
    assert cli("edit-school", "--uai", "0750655E")[0] == 0
    assert cli("create-school", "0010001W", "--name", "Collège B")[0] == 0
    grant_school(db, admin, _school_b(db))
    return _school_b(db)


def _school_b(db) -> int:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return int(session.scalar(select(School.id).where(School.uai == "0010001W")))


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


ROSTER = "INE;Nom;Prénom;Date de naissance;Classe\n;Beta;Basile;17/05/2013;3e A\n".encode()


def test_import_asks_for_the_school_once_there_are_several(  # type: ignore[no-untyped-def]
    cli, admin, two_schools, tmp_path
) -> None:
    code, out, err = cli("import", _write(tmp_path, "r.csv", ROSTER), "--actor", admin)

    assert_one_line_error(code, out, err, "several schools", "--school UAI")


def test_import_school_b_by_its_uai(cli, db, admin, two_schools, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(
        "import", _write(tmp_path, "r.csv", ROSTER), "--actor", admin, "--school", "0010001w"
    )

    assert code == 0, err
    assert "School: 0010001W Collège B" in out
    with db.transaction() as session:
        assert session.scalars(select(Learner.school_id)).all() == [two_schools]


def test_import_of_another_schools_siecle_file_names_both_uais(  # type: ignore[no-untyped-def]
    cli, db, admin, two_schools, tmp_path
) -> None:
    xml = siecle_xml().replace(b"0751234X", b"0010001W")
    path = _write(tmp_path, "ElevesSansAdresses.xml", xml)

    code, out, err = cli("import", path, "--actor", admin, "--school", "0750655E")

    assert_one_line_error(code, out, err, "0010001W", "0750655E")


def test_import_into_a_school_out_of_the_actors_scope_is_unknown(  # type: ignore[no-untyped-def]
    cli, admin, tmp_path
) -> None:
    assert cli("create-school", "0010001W", "--name", "Collège B")[0] == 0
    path = _write(tmp_path, "r.csv", ROSTER)

    out_of_scope = cli("import", path, "--actor", admin, "--school", "0010001W")
    unknown = cli("import", path, "--actor", admin, "--school", "0690026D")

    assert_one_line_error(*out_of_scope, "no school with the UAI 0010001W")
    assert out_of_scope[2].replace("0010001W", "X") == unknown[2].replace("0690026D", "X")
