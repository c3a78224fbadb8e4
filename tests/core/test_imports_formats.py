"""Importing the files schools really export (SIECLE XML/zip, SIECLE CSV, ONDE CSV) into real
databases, through the service and the CLI: the same file twice changes nothing; a pupil given a
DATE_SORTIE is exactly the one deactivated; usage names are the names kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from access_core.imports import preview as imports
from access_core.imports.files import read_roster
from tests.support.factories import TEST_ROUNDS, dump_tables
from tests.support.imports import import_file, learners, summary
from tests.support.roster_samples import (
    IMPORTED,
    PUPILS,
    TODAY,
    onde_csv,
    siecle_csv,
    siecle_xml,
    siecle_zip,
    with_departure,
)


def test_siecle_xml_twice_changes_nothing_then_a_departure_deactivates_exactly_that_pupil(
    db, admin
):
    first = import_file(db, admin, siecle_zip(siecle_xml()), "ExportXML_ElevesSansAdresses.zip")
    assert len(first.new) == len(IMPORTED) == 4 and len(first.rejected) == 2
    assert learners(db) == {
        p.ine: (p.shown_last_name, p.first_name, p.division, True) for p in IMPORTED
    }
    dump = dump_tables(db)
    again = imports.preview(db, admin, read_roster(siecle_xml(), "e.xml", today=TODAY))
    assert not again.has_changes and again.unchanged == 4
    imports.apply(db, admin, again, TEST_ROUNDS, skip_bad_rows=True)
    assert dump_tables(db) == dump

    leaving = next(p for p in IMPORTED if p.eleve_id == "4713")
    departed = siecle_xml(with_departure("4713", TODAY - timedelta(days=1)))
    plan = import_file(db, admin, departed, "ElevesSansAdresses.xml")
    assert [c.login for c in plan.deactivated] == [
        c.login for c in first.new if c.row and c.row.external_id == leaving.ine
    ]
    assert (plan.new, plan.updated, plan.moved, plan.reactivated) == ([], [], [], [])
    after = learners(db)
    assert {ine for ine, (*_, active) in after.items() if not active} == {leaving.ine}
    assert len(after) == 4


def test_a_usage_name_is_kept_and_matching_by_ine_follows_a_change_of_usage_name(db, admin):
    import_file(db, admin, siecle_xml(), "e.xml")
    pupil = next(p for p in PUPILS if p.usage_name)
    assert learners(db)[pupil.ine][:2] == ("Dupré", "Jérôme")
    renamed = [
        replace(p, usage_name="Dupont") if p.eleve_id == pupil.eleve_id else p for p in PUPILS
    ]
    plan = import_file(db, admin, siecle_xml(renamed), "e.xml")
    assert [(c.name, c.fields.get("last_name")) for c in plan.updated] == [
        ("Dupont Jérôme", "Dupont")
    ]
    assert plan.new == [] and learners(db)[pupil.ine][:2] == ("Dupont", "Jérôme")


@pytest.mark.parametrize(
    ("maker", "name"),
    [(onde_csv, "CSVExtraction.csv"), (siecle_csv, "EXP_Liste_des_eleves_par_division.csv")],
    ids=["onde", "siecle_csv"],
)
def test_csv_exports_twice_change_nothing(db, admin, maker, name):
    import_file(db, admin, maker(), name)
    dump = dump_tables(db)
    plan = imports.preview(db, admin, read_roster(maker(), name, today=TODAY))
    assert not plan.has_changes
    assert dump_tables(db) == dump


# --- the CLI -----------------------------------------------------------------------------------


def test_cli_imports_a_siecle_zip_and_names_format_encoding_year_and_eleve_ids(
    db, admin, cli, tmp_path
):
    path = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    path.write_bytes(siecle_zip(siecle_xml()))
    code, out, err = cli("import", str(path), "--actor", admin)
    assert code == 1 and "fix the rejected rows" in err  # two rejected rows, nothing imported
    assert "format: siecle_xml, encoding: ISO-8859-15, school year: 2025-2026" in out
    assert "1 pupil left before today" in out
    assert "(ELEVE_ID 4716): no class (division) in the file (Groupé Inès)" in out
    assert "(ELEVE_ID 4717): external id 070803070AJ already on line 6 (Doublon Léa)" in out
    assert learners(db) == {}
    code, out, err = cli("import", str(path), "--actor", admin, "--skip-bad-rows")
    assert code == 3, (out, err)
    assert summary(out)["new"] == 4 and summary(out)["rejected"] == 2
    assert "initial passwords for 4 new learners: about" in out
    assert set(learners(db)) == {p.ine for p in IMPORTED}


@pytest.mark.parametrize(
    ("maker", "name", "fmt"),
    [
        (onde_csv, "CSVExtraction.csv", "onde_csv"),
        (siecle_csv, "EXP_Liste_des_eleves_par_division.csv", "siecle_csv"),
    ],
    ids=["onde", "siecle_csv"],
)
def test_cli_imports_latin1_csv_exports(db, admin, cli, tmp_path, maker, name, fmt):
    path = tmp_path / name
    path.write_bytes(maker())
    code, out, err = cli("import", str(path), "--actor", admin, "--skip-bad-rows")
    assert code == 3, (out, err)
    assert f"format: {fmt}, encoding: Windows-1252, school year: not stated" in out
    names = {(last, first) for last, first, *_ in learners(db).values()}
    assert ("N'Diaye", "Anaïs Éléonore") in names and ("Benoît", "Zoé") in names


def test_cli_refuses_a_file_over_the_configured_row_limit(db, admin, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCESS_IMPORT_MAX_ROWS", "3")
    path = tmp_path / "e.xml"
    path.write_bytes(siecle_xml())
    code, out, err = cli("import", str(path), "--actor", admin)
    assert code == 1 and "more than 3 rows (ACCESS_IMPORT_MAX_ROWS)" in err
    assert "Traceback" not in out + err and learners(db) == {}


def test_departure_in_the_future_keeps_the_pupil(db, admin):
    import_file(db, admin, siecle_xml(), "e.xml")
    later = siecle_xml(with_departure("4713", date(2026, 6, 30)))
    plan = imports.preview(db, admin, read_roster(later, "e.xml", today=TODAY))
    assert plan.deactivated == [] and not plan.has_changes


def test_a_siecle_pupil_refused_by_the_reader_is_kept_not_deactivated(db, admin):
    """A known pupil whose ELEVE block the reader refuses (no division this time) is kept
    active, like any rejected row: the INE of the refused block still recognises them."""
    import_file(db, admin, siecle_xml(), "e.xml")
    zoe = next(p for p in IMPORTED if p.eleve_id == "4713")
    without_division = tuple(replace(p, division=None) if p is zoe else p for p in PUPILS)

    plan = imports.preview(
        db, admin, read_roster(siecle_xml(without_division), "e.xml", today=TODAY)
    )

    assert any(p.ref.endswith("4713") for p in plan.rejected)
    assert plan.deactivated == []
    assert [k.login for k in plan.kept] == [
        login for login, ine in logins(db).items() if ine == zoe.ine
    ]
    imports.apply(db, admin, plan, TEST_ROUNDS, skip_bad_rows=True)
    assert learners(db)[zoe.ine][-1] is True


def logins(db: Database) -> dict[str, str | None]:
    with db.transaction() as session:
        return dict(session.execute(select(Learner.login, Learner.external_id)).all())
