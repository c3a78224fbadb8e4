"""The commands taking ``--actor`` answer an out-of-scope class, learner or batch exactly as an
unknown one: the administrator of school A asking about school B, the teacher of 6e A asking
about 6e B. Same exit code, same error line (the asked name masked), nothing written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from access_core.db.unit_of_work import Database
from access_core.roster import resets
from tests.support.factories import TEST_ROUNDS, add_class, add_learner, dump_tables
from tests.support.scopes import make_admin, make_school, make_teacher

UNKNOWN_BATCH = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Two:
    school_b: int
    a1: int
    a2: int
    b: int
    batch_b: str
    batch_a2: str


@pytest.fixture
def two(db: Database) -> Two:
    """School A (6e A: Léa; 6e B: Inès), school B (3e Z: Bérénice); admin_a administers A,
    prof_a1 teaches A's 6e A, district administers every school."""
    school_b = make_school(db, "0750002B", "Lycée Bé")
    class_a1 = add_class(db, "6e A")
    add_class(db, "6e B")
    born = date(2012, 3, 4)
    a1 = add_learner(db, "Martin", "Léa", "6e A", born, login="lea.martin")
    a2 = add_learner(db, "Roux", "Inès", "6e B", born, login="ines.roux")
    b = add_learner(
        db, "Bertin", "Bérénice", "3e Z", born, login="berenice.bertin", school_id=school_b
    )
    make_admin(db, "admin_a", [1])
    make_teacher(db, "prof_a1", [class_a1])
    make_admin(db, "district", all_schools=True)
    batch_b = resets.reset_passwords(db, "district", [b], TEST_ROUNDS).batch_id
    batch_a2 = resets.reset_passwords(db, "admin_a", [a2], TEST_ROUNDS).batch_id
    return Two(school_b, a1, a2, b, batch_b, batch_a2)


def masked(result: tuple[int, str, str], asked: str) -> tuple[int, str, str]:
    code, out, err = result
    return code, out.replace(asked, "<asked>"), err.replace(asked, "<asked>")


def same_as_unknown(cli, db, outside: list[str], unknown: list[str], asked: tuple[str, str]):
    before = dump_tables(db)
    got = masked(cli(*outside), asked[0])
    assert dump_tables(db) == before
    expected = masked(cli(*unknown), asked[1])
    assert got == expected
    assert got[0] == 1 and got[2].startswith("error: ")
    return got


@pytest.mark.parametrize(
    ("actor", "outside_class", "unknown_class", "outside_login", "batch"),
    [  # an unknown name as close to the actor's classes as the outside one (same suggestions)
        ("admin_a", "3e Z", "3e Y", "berenice.bertin", "batch_b"),
        ("prof_a1", "6e B", "6e C", "ines.roux", "batch_a2"),
    ],
)
def test_commands_answer_an_out_of_scope_target_like_an_unknown_one(
    cli, db, two, tmp_path, actor, outside_class, unknown_class, outside_login, batch
):
    out = str(tmp_path / "out.xlsx")
    pdf = str(tmp_path / "out.pdf")
    same_as_unknown(
        cli,
        db,
        ["export", "--class", outside_class, "--output", out, "--actor", actor],
        ["export", "--class", unknown_class, "--output", out, "--actor", actor],
        (outside_class, unknown_class),
    )
    same_as_unknown(
        cli,
        db,
        ["reset", "--login", outside_login, "--yes", "--actor", actor],
        ["reset", "--login", "personne.inconnue", "--yes", "--actor", actor],
        (outside_login, "personne.inconnue"),
    )
    same_as_unknown(
        cli,
        db,
        ["slips", "--login", outside_login, "--output", pdf, "--actor", actor],
        ["slips", "--login", "personne.inconnue", "--output", pdf, "--actor", actor],
        (outside_login, "personne.inconnue"),
    )
    batch_id = getattr(two, batch)
    same_as_unknown(
        cli,
        db,
        ["slips", "--batch", batch_id, "--output", pdf, "--actor", actor],
        ["slips", "--batch", UNKNOWN_BATCH, "--output", pdf, "--actor", actor],
        (batch_id, UNKNOWN_BATCH),
    )
    code, listing, _err = cli("list-classes", "--actor", actor)
    assert code == 0 and outside_class not in listing
    code, figures, _err = cli("stats", "--actor", actor)
    assert code == 0 and outside_class not in figures


def test_learner_data_of_another_school_is_like_an_unknown_login(cli, db, two):
    same_as_unknown(
        cli,
        db,
        ["learner-data", "berenice.bertin", "--actor", "admin_a"],
        ["learner-data", "personne.inconnue", "--actor", "admin_a"],
        ("berenice.bertin", "personne.inconnue"),
    )


def test_a_teacher_resets_their_class_from_the_command_line_within_the_limit(
    cli, db, two, monkeypatch
):
    monkeypatch.setenv("ACCESS_TEACHER_MAX_RESET", "1")
    add_learner(db, "Petit", "Zoé", "6e A", date(2012, 1, 1), login="zoe.petit")

    code, out, err = cli("reset", "--class", "6e A", "--yes", "--actor", "prof_a1")
    assert code == 1 and "at most 1" in err

    code, out, err = cli("reset", "--login", "lea.martin", "--yes", "--actor", "prof_a1")
    assert code == 0, err


def test_an_administrator_of_a_lists_only_as_classes(cli, two):
    code, out, _err = cli("list-classes", "--actor", "admin_a")
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == ["6e A", "6e B"]
