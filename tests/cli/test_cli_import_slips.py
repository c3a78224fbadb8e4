"""``access-core import`` prints the import's id and the slips command; ``slips --import ID``
(through the installed entry point) writes exactly the pupils that import created."""

from __future__ import annotations

import re

import pytest

from tests.conftest import assert_one_line_error
from tests.support.cli_script import entry_point
from tests.support.factories import add_learner, create_test_admin
from tests.support.first_school import ensure_first_school, grant_first_school
from tests.support.slips_helpers import page_count, slip_texts

ROSTER = (
    "Nom;Prénom;Date de naissance;Classe\n"
    "Zola;Émile;01/02/2013;6e A\n"
    "Abel;Inès;03/04/2013;5e B\n"
    "Ancien;Paul;17/05/2013;6e A\n"  # already there
)


@pytest.fixture
def admin(db) -> str:
    ensure_first_school(db)
    return grant_first_school(db, create_test_admin(db))


def test_import_prints_its_id_and_slips_import_writes_exactly_its_new_pupils(
    cli, db, admin, tmp_path, database_url
):
    add_learner(db, "Ancien", "Paul", class_name="6e A")  # born 17/05/2013
    roster = tmp_path / "rentree.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    code, out, err = cli("import", str(roster), "--actor", admin, "--partial")
    assert code == 0, err
    hint = re.search(r"the new pupils' slips: (access-core slips --import (\S+) .*)$", out, re.M)
    assert hint is not None, out
    import_id = hint.group(2)
    assert f"import {import_id}\n" in out

    pdf = tmp_path / "nouveaux.pdf"
    done = entry_point(
        database_url, "slips", "--import", import_id, "--output", str(pdf), "--actor", admin
    )

    assert done.returncode == 0, done.stderr
    data = pdf.read_bytes()
    names = [text.split("\n")[1] for text in slip_texts(data)]
    assert names == ["Abel Inès", "Zola Émile"]  # 5e B, then 6e A
    assert page_count(data) == 2


def test_an_unknown_import_is_one_error_line(cli, db, admin, tmp_path):
    code, out, err = cli(
        "slips", "--import", "nope", "--output", str(tmp_path / "x.pdf"), "--actor", admin
    )
    assert_one_line_error(code, out, err, "no import")
    assert not (tmp_path / "x.pdf").exists()


def test_import_and_batch_are_exclusive(cli, admin, tmp_path, capsys):
    with pytest.raises(SystemExit) as usage:
        cli(
            "slips",
            "--import",
            "a",
            "--batch",
            "b",
            "--output",
            str(tmp_path / "x.pdf"),
            "--actor",
            admin,
        )
    err = capsys.readouterr().err
    assert usage.value.code == 2 and "--import" in err and "--batch" in err
