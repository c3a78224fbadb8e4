"""``access-core`` speaks ACCESS_LANGUAGE, French by default: successes, summaries and
``error: ...`` lines; machine-readable output and errors before the settings are known do not
change with it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from access_core.cli import main
from access_core.db.schema import upgrade_schema
from access_core.errors import AccessError
from access_core.ops.health import head_revision
from tests.conftest import assert_one_line_error
from tests.support.factories import add_learner

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ACCESS_LANGUAGE at all (the ``cli`` fixture sets ``en``): the default, French."""
    monkeypatch.delenv("ACCESS_LANGUAGE", raising=False)


@pytest.fixture
def admin_with_learners(db, admin):
    """The administrator's name, with Léa Martin and Hugo Dubois in 6e A, Inès Roux in 5e B."""
    add_learner(db, "Martin", "Léa", class_name="6e A", birth_date=date(2012, 2, 29))
    add_learner(db, "Dubois", "Hugo", class_name="6e A", birth_date=date(2012, 7, 3))
    add_learner(db, "Roux", "Inès", class_name="5e B")
    return admin


def test_an_unknown_class_is_a_french_error_line_with_the_closest_names(
    cli, admin_with_learners, french
):
    code, out, err = cli(
        "export", "--class", "6eA", "--output", "x.xlsx", "--actor", admin_with_learners
    )

    assert_one_line_error(
        code, out, err, "aucune classe nommée « 6eA » ; vouliez-vous dire : 6e A ?"
    )


def test_export_says_what_it_wrote_in_french(cli, admin_with_learners, french, tmp_path):
    output = tmp_path / "ids.xlsx"

    code, out, err = cli(
        "export", "--class", "6e A", "--output", str(output), "--actor", admin_with_learners
    )

    assert code == 0, err
    assert out.strip() == f"2 élèves de 6e A écrits dans {output}"


def test_reset_lists_and_sums_up_in_french(cli, db, admin_with_learners, french):
    code, out, err = cli("reset", "--class", "6e A", "--actor", admin_with_learners, "--yes")

    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "2 élèves à réinitialiser à leur date de naissance (jjmmaaaa) :"
    assert lines[1:3] == [
        "  Dubois Hugo  (hugo.dubois, 6e A, actif)",
        "  Martin Léa  (léa.martin, 6e A, actif)",
    ]
    assert lines[3].startswith("2 mots de passe réinitialisés (lot ")
    batch_id = lines[3].removeprefix("2 mots de passe réinitialisés (lot ").rstrip(")")
    assert lines[4] == (
        f"leurs fiches de connexion : access-core slips --batch {batch_id} --output FILE.pdf "
        f"--actor {admin_with_learners}"
    )


def test_import_previews_and_sums_up_in_french(cli, db, admin, french):
    add_learner(db, "Dupont", "Léa", login="lea.dupont", external_id="070123456AB")
    add_learner(db, "Roux", "Ana", login="ana.roux", external_id="OLD-1")

    code, out, err = cli(
        "import", str(DATA / "roster_bom_semicolon.csv"), "--actor", admin, "--force"
    )

    assert code == 0, (out, err)
    assert out.startswith("format : csv, encodage : UTF-8 (BOM), année scolaire : non indiquée\n")
    assert "nouveaux (3) :" in out
    assert "  Roux Ana (ana.roux, absent du fichier)" in out
    assert "nouveaux                3\n" in out
    assert "inchangés               1\n" in out
    assert "cet import désactive 1 des 2 élèves actifs (plus de 10 %) : confirmé par --force" in out
    summary, import_line, slips_hint = out.splitlines()[-3:]
    assert summary == (
        "importé : 3 nouveaux, 0 mis à jour, 0 changé de classe, 0 réactivé, 1 désactivé"
    )
    assert import_line.startswith("import ")
    import_id = import_line.removeprefix("import ")
    assert slips_hint == (
        f"fiches des nouveaux élèves : access-core slips --import {import_id} --output FILE.pdf "
        "--actor admin"
    )


def test_an_import_needing_force_says_so_in_french(cli, db, admin, french):
    for n in range(4):
        add_learner(db, "Ancien", f"Élève{n}", login=f"ancien{n}", external_id=f"OLD-{n}")

    code, out, err = cli("import", str(DATA / "roster_bom_semicolon.csv"), "--actor", admin)

    assert_one_line_error(
        code, out, err, "cet import désactiverait 4 des 4 élèves actifs", "confirmez avec --force"
    )


def test_init_reports_in_french(cli, french, tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"

    created = cli("init", url=url)
    again = cli("init", url=url)

    assert created[0] == 0 and again[0] == 0
    assert created[1].strip() == f"schéma créé à la révision {head_revision()}"
    assert again[1].strip() == f"schéma déjà à la révision {head_revision()} : rien à faire"


def test_a_database_error_keeps_its_details_in_french(cli, french, tmp_path):
    missing = tmp_path / "nowhere" / "access.db"

    code, out, err = cli("list-admins", url=f"sqlite:///{missing}")

    assert_one_line_error(
        code, out, err, f"aucun fichier de base de données SQLite à {missing}", "access-core init"
    )
    assert not missing.parent.exists()


def test_an_error_without_a_french_wording_prints_its_english_message(cli, db, admin, french):
    code, out, err = cli("create-admin", admin, "--password-stdin", stdin="un-long-secret-1\n")

    assert_one_line_error(code, out, err, f"the administrator '{admin}' already exists")


def test_an_access_error_without_a_catalogue_key_is_still_one_line(cli, db, french, monkeypatch):
    class OddError(AccessError):
        code = "odd_code_not_in_the_catalogue"

    def fails(*args, **kwargs):
        raise OddError("first line\nsecond line", key="no_such_message_key")

    monkeypatch.setattr("access_core.roster.stats.school_stats", fails)

    code, out, err = cli("stats", "--actor", "admin")

    assert_one_line_error(code, out, err, "first line second line")


def test_a_configuration_error_stays_english(cli, monkeypatch):
    monkeypatch.setenv("ACCESS_LANGUAGE", "de")

    code, out, err = cli("list-admins")

    assert_one_line_error(code, out, err, "ACCESS_LANGUAGE must be one of fr, en, got 'de'")


def test_machine_readable_output_does_not_depend_on_the_language(
    cli, admin_with_learners, monkeypatch
):
    outputs = {}
    for language in ("fr", "en"):
        monkeypatch.setenv("ACCESS_LANGUAGE", language)
        listing = cli("list-classes", "--actor", admin_with_learners)
        admins = cli("list-admins")
        csv = cli("stats", "--actor", admin_with_learners, "--format", "csv")
        assert listing[0] == admins[0] == csv[0] == 0
        outputs[language] = (listing[1], admins[1], csv[1])

    assert outputs["fr"] == outputs["en"]
    assert outputs["fr"][0] == "5e B\t1\n6e A\t2\n"
    assert "\tactive\t" in outputs["fr"][1]


def test_backup_errors_are_french_and_keep_the_path(cli, admin, french, database_url, tmp_path):
    existing = tmp_path / "taken.db"
    existing.write_bytes(b"")
    if not database_url.startswith("sqlite"):
        code, out, err = cli("backup", str(existing))
        assert_one_line_error(code, out, err, "ne traite que SQLite", "pg_dump")
        return

    taken = cli("backup", str(existing))
    missing = cli("restore", str(tmp_path / "absent.db"))

    assert_one_line_error(*taken, f"{existing} existe déjà : choisissez un nouveau nom de fichier")
    assert_one_line_error(*missing, f"aucun fichier de sauvegarde à {tmp_path / 'absent.db'}")


def test_french_colons_have_a_space_before_them_in_the_import_preview(cli, admin, french, tmp_path):
    """Review item 11: « nouveaux (1): » and « ligne 3: » beside « nouvelles classes : »."""
    roster = tmp_path / "f.csv"
    roster.write_text(
        "Nom;Prénom;Date de naissance;Classe\nA;B;01/02/2012;6A\nD;E;31/02/2012;6A\n", "utf-8"
    )

    code, out, err = cli("import", str(roster), "--actor", admin, "--skip-bad-rows")

    assert code == 3, (out, err)
    lines = out.splitlines()
    assert "nouveaux (1) :" in lines
    assert "rejetés (1) :" in lines
    assert "  ligne 3 : date impossible « 31/02/2012 » (D E)" in lines
    assert re.findall(r".*\S:(?:\s|$).*", out) == []  # no colon glued to its word


def test_the_reset_hint_agrees_with_the_number_of_learners(
    cli, admin_with_learners, french, monkeypatch
):
    """Review item 11: « leurs fiches de connexion » after resetting one learner."""
    admin = admin_with_learners
    one = cli("reset", "--login", "léa.martin", "--actor", admin, "--yes")
    monkeypatch.setenv("ACCESS_LANGUAGE", "en")
    one_en = cli("reset", "--login", "léa.martin", "--actor", admin, "--yes")

    assert one[0] == 0, one
    assert one[1].splitlines()[-2].startswith("sa fiche de connexion : access-core slips --batch ")
    assert one_en[1].splitlines()[-2].startswith("the login slip: access-core slips --batch ")
    # then how to undo it
    assert one[1].splitlines()[-1].startswith("annulable pendant 15 min : access-core undo-reset")
    assert one_en[1].splitlines()[-1].startswith("can be undone for 15 min: access-core undo-reset")


@pytest.mark.parametrize(
    ("language", "wording"),
    [
        ("fr", "pas de dossier {folder} : créez-le, ou choisissez un autre chemin"),
        ("en", "no folder {folder}: create it, or choose another path"),
    ],
)
def test_backup_into_a_missing_folder_says_so_in_the_users_language(
    capsys, monkeypatch, tmp_path, language, wording
):
    """Review item 11: « No such file or directory: /nonexistent/.x.db.<pid>.part »."""
    url = f"sqlite:///{tmp_path / 'access.db'}"
    upgrade_schema(url)
    monkeypatch.setenv("ACCESS_LANGUAGE", language)
    folder = tmp_path / "missing"

    code = main(["--database-url", url, "backup", str(folder / "x.db")])

    out, err = capsys.readouterr()
    assert_one_line_error(code, out, err, wording.format(folder=folder))
    assert ".part" not in err
    assert not folder.exists()
