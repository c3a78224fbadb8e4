"""``access-core import``, called in-process: summary, exit codes, dry run, partial import."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from access_core.db.models import Learner, SchoolClass
from tests.support.factories import add_learner, dump_tables
from tests.support.imports import summary

DATA = Path(__file__).parent.parent / "data"
LONG_AGO = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def import_cli(cli):
    """``access-core --database-url <the test database> import ARGS``: (code, stdout, stderr)."""
    return lambda *args: cli("import", *args)


def state(db) -> dict[str, tuple[str | None, bool]]:
    """login -> (class, active)."""
    with db.transaction() as session:
        rows = session.execute(
            select(Learner.login, SchoolClass.name, Learner.deactivated_at).outerjoin(
                SchoolClass, SchoolClass.id == Learner.class_id
            )
        ).all()
    return {login: (class_name, deactivated is None) for login, class_name, deactivated in rows}


def test_import_prints_the_preview_and_a_summary_and_exits_0(db, admin, import_cli):
    add_learner(db, "Dupont", "Léa", login="lea.dupont", external_id="070123456AB")
    add_learner(db, "Roux", "Ana", login="ana.roux", external_id="OLD-1")
    code, out, err = import_cli(
        str(DATA / "roster_bom_semicolon.csv"),
        "--actor",
        admin,
        "--force",  # 1 of 2 leaves
    )
    assert code == 0, (out, err)
    assert err == ""
    assert summary(out) == {
        "new": 3,
        "updated": 0,
        "moved": 0,
        "reactivated": 0,
        "deactivated": 1,
        "unchanged": 1,
        "rejected": 0,
    }
    assert "new (3):" in out and "  N'Diaye Moussa (moussa.ndiaye, line 3)" in out
    assert "deactivated (1):" in out and "Roux Ana (ana.roux, not in the file)" in out
    assert "new classes: 5e B" in out
    assert "imported: 3 new, 0 updated, 0 moved, 0 reactivated, 1 deactivated" in out
    assert state(db) == {
        "ana.roux": ("6e A", False),
        "lea.dupont": ("6e A", True),
        "moussa.ndiaye": ("5e B", True),
        "jean-baptiste.legall": ("6e A", True),
        "zoe.muller": ("5e B", True),
    }


def test_the_same_file_twice_changes_nothing(db, admin, import_cli):
    path = str(DATA / "roster_french.xlsx")
    assert import_cli(path, "--actor", admin)[0] == 0
    dump = dump_tables(db)
    code, out, _ = import_cli(path, "--actor", admin)
    assert code == 0
    assert summary(out)["unchanged"] == 4 and summary(out)["new"] == 0
    assert "nothing to change" in out
    assert dump_tables(db) == dump


def test_dry_run_changes_nothing(db, admin, import_cli):
    add_learner(
        db,
        "Durand",
        "Anne-Sophie",
        class_name="4e C",
        birth_date=date(2012, 12, 31),
        login="as.durand",
        external_id="ENG-003",
    )
    add_learner(db, "Roux", "Ana", login="ana.roux")
    dump = dump_tables(db)
    code, out, err = import_cli(
        str(DATA / "roster_comma_quoted.csv"), "--actor", admin, "--dry-run"
    )
    assert code == 0, (out, err)
    assert summary(out)["new"] == 2 and summary(out)["deactivated"] == 1
    assert summary(out)["unchanged"] == 1
    assert "dry run: nothing imported" in out and "imported:" not in out
    assert dump_tables(db) == dump


def test_partial_import_deactivates_nobody(db, admin, import_cli):
    add_learner(db, "Roux", "Ana", login="ana.roux")
    code, out, _ = import_cli(str(DATA / "roster_comma_quoted.csv"), "--actor", admin, "--partial")
    assert code == 0
    assert summary(out)["deactivated"] == 0 and summary(out)["new"] == 3
    assert state(db)["ana.roux"] == ("6e A", True)
    assert state(db)["siobhan.oconnor"] == ("3e A, option latin", True)


def test_bad_rows_are_listed_and_nothing_is_imported(db, admin, import_cli):
    dump = dump_tables(db)
    code, out, err = import_cli(str(DATA / "roster_bad_rows.csv"), "--actor", admin)
    assert code == 1
    assert summary(out)["rejected"] == 9 and summary(out)["new"] == 3
    assert "rejected (9):" in out
    assert "  line 3: missing field: First name (Moreau)" in out
    assert "  line 4: impossible date « 31/02/2013 » (Girard Inès)" in out
    assert "  line 7: external id BAD-001 already on line 2 (Petit Louis)" in out
    assert "  line 9: login tom.bernard already on line 8 (Bernard Théo)" in out
    assert err.strip().splitlines() == [
        "nothing imported: fix the rejected rows or pass --skip-bad-rows"
    ]
    assert dump_tables(db) == dump


def test_skipping_bad_rows_imports_the_others_and_exits_3(db, admin, import_cli):
    add_learner(db, "Roux", "Ana", login="ana.roux")
    code, out, _ = import_cli(
        str(DATA / "roster_bad_rows.csv"), "--actor", admin, "--skip-bad-rows", "--partial"
    )
    assert code == 3
    assert "imported: 3 new" in out and "9 bad rows skipped" in out
    assert sorted(state(db)) == ["ana.roux", "lucas.petit", "manon.chevalier", "tom.bernard"]


def test_dry_run_with_skipped_bad_rows_exits_3_and_changes_nothing(db, admin, import_cli):
    dump = dump_tables(db)
    code, out, _ = import_cli(
        str(DATA / "roster_bad_rows.csv"), "--actor", admin, "--skip-bad-rows", "--dry-run"
    )
    assert code == 3 and "dry run: nothing imported" in out
    assert dump_tables(db) == dump


def assert_one_line_error(code: int, out: str, err: str, *fragments: str) -> None:
    assert code == 1, (out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_unknown_layout_is_a_one_line_error(db, admin, import_cli):
    dump = dump_tables(db)
    code, out, err = import_cli(str(DATA / "roster_unknown_layout.csv"), "--actor", admin)
    assert_one_line_error(
        code, out, err, "unknown column layout", "missing last_name, birth_date, class_name"
    )
    assert out == "" and dump_tables(db) == dump


def test_an_empty_file_says_no_rows_even_forced(db, admin, import_cli):
    add_learner(db, "Roux", "Ana", login="ana.roux")
    dump = dump_tables(db)
    path = str(DATA / "roster_empty.csv")
    for extra in ((), ("--force",), ("--partial",)):
        code, out, err = import_cli(path, "--actor", admin, *extra)
        assert_one_line_error(code, out, err, "no learner rows")
        assert "deactivate" not in err
    assert dump_tables(db) == dump


def test_a_mass_deactivation_needs_force_and_says_how_many(db, admin, import_cli, tmp_path):
    """A 1-row file in full mode would deactivate 3 of the 4 active learners."""
    for name in ("Roux", "Petit", "Blanc"):
        add_learner(db, name, "Ana", login=f"ana.{name.lower()}")
    add_learner(db, "Dupont", "Léa", login="lea.dupont", external_id="070123456AB")
    path = tmp_path / "one.csv"
    path.write_text("INE;Nom;Prénom;Né(e) le;Classe\n070123456AB;Dupont;Léa;17/05/2013;6e A\n")
    dump = dump_tables(db)

    code, out, err = import_cli(str(path), "--actor", admin, "--dry-run")
    assert code == 0 and summary(out)["deactivated"] == 3
    assert "deactivates 3 of the 4 active learners (more than 10 %): it needs --force" in out

    code, out, err = import_cli(str(path), "--actor", admin)
    assert_one_line_error(
        code, out, err, "would deactivate 3 of the 4 active learners (more than 10 %)", "--force"
    )
    assert dump_tables(db) == dump

    code, out, err = import_cli(str(path), "--actor", admin, "--force")
    assert code == 0, (out, err)
    assert "(more than 10 %): confirmed by --force" in out
    assert [login for login, (_, active) in state(db).items() if active] == ["lea.dupont"]


def test_the_share_is_a_setting(db, admin, import_cli, tmp_path, monkeypatch):
    add_learner(db, "Roux", "Ana", login="ana.roux")
    add_learner(db, "Dupont", "Léa", login="lea.dupont", external_id="070123456AB")
    path = tmp_path / "one.csv"
    path.write_text("INE;Nom;Prénom;Né(e) le;Classe\n070123456AB;Dupont;Léa;17/05/2013;6e A\n")
    monkeypatch.setenv("ACCESS_IMPORT_MAX_DEACTIVATION_SHARE", "50")  # 1 of 2 is not more
    code, out, err = import_cli(str(path), "--actor", admin)
    assert code == 0, (out, err)
    assert state(db)["ana.roux"] == ("6e A", False)


def test_the_preview_names_moved_passwords_and_kept_learners(db, admin, import_cli, tmp_path):
    add_learner(db, "Dupont", "Léa", login="lea.dupont", external_id="INE-1")
    add_learner(db, "Roux", "Ana", login="ana.roux", external_id="INE-2")
    path = tmp_path / "corrected.csv"
    path.write_text(
        "INE;Nom;Prénom;Né(e) le;Classe\n"
        "INE-1;Dupont;Léa;18/05/2013;6e A\n"
        "INE-2;Roux;Ana;31/02/2013;6e A\n"
    )
    code, out, err = import_cli(str(path), "--actor", admin, "--skip-bad-rows")
    assert code == 3, (out, err)
    assert "initial password moves to the corrected birth date (1):" in out
    assert "  Dupont Léa (lea.dupont, line 2)" in out
    assert "kept active: their row is rejected (1):" in out
    assert "  Roux Ana (ana.roux, line 3)" in out
    assert summary(out)["deactivated"] == 0
    assert "1 initial password moved to the corrected birth date" in out
    assert state(db) == {"lea.dupont": ("6e A", True), "ana.roux": ("6e A", True)}


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"Nom;Pr\x81nom\n", "ecole.csv", "encoding is not recognised"),
        ("Nom;Prénom\n".encode().decode("cp1252").encode(), "ecole.csv", "garbled (line 1)"),
        (b"PK\x03\x04 broken", "ecole.xlsx", "XLSX file cannot be read"),
        (b"whatever", "ecole.ods", "unsupported file type"),
    ],
)
def test_unreadable_files_are_one_line_errors(
    db, admin, import_cli, tmp_path, content, name, fragment
):
    path = tmp_path / name
    path.write_bytes(content)
    assert_one_line_error(*import_cli(str(path), "--actor", admin), fragment)


def test_missing_file_is_a_one_line_error(db, admin, import_cli, tmp_path):
    assert_one_line_error(
        *import_cli(str(tmp_path / "absent.csv"), "--actor", admin), "cannot read"
    )


def test_only_an_administrator_may_import(db, admin, import_cli, tmp_path):
    path = tmp_path / "roster.csv"
    shutil.copyfile(DATA / "roster_bom_semicolon.csv", path)
    dump = dump_tables(db)
    assert_one_line_error(
        *import_cli(str(path), "--actor", "nobody"), "not an active administrator"
    )
    assert dump_tables(db) == dump


def test_reactivated_learner_keeps_password_through_the_cli(db, admin, import_cli, tmp_path):
    learner_id = add_learner(
        db,
        "Dupont",
        "Léa",
        login="lea.dupont",
        external_id="070123456AB",
        deactivated_at=LONG_AGO,
        password="Son propre mot de passe",
    )
    with db.transaction() as session:
        before = session.get_one(Learner, learner_id).password_hash
    code, out, _ = import_cli(str(DATA / "roster_bom_semicolon.csv"), "--actor", admin)
    assert code == 0 and summary(out)["reactivated"] == 1 and summary(out)["new"] == 3
    with db.transaction() as session:
        after = session.get_one(Learner, learner_id)
        assert (after.deactivated_at, after.password_hash, after.login) == (
            None,
            before,
            "lea.dupont",
        )
