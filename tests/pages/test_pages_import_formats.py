"""The « Import » page (AppTest) with the files schools really export: the format, encoding and
school year found, the departed pupils, ELEVE_IDs in the rejections, the hashing estimate, the
limits stated, and clear errors for hostile files."""

from __future__ import annotations

import tomllib

import pytest

from access_core.config import Settings
from access_core.db.unit_of_work import Database
from tests.support.import_pages import (
    SKIP_LABEL,
    apply_button,
    by_login,
    expected_metrics,
    import_page,
    metrics,
    tick,
    upload,
)
from tests.support.pages import ROOT, no_exception, texts
from tests.support.roster_samples import IMPORTED, onde_csv, siecle_xml, siecle_zip


def test_a_siecle_zip_is_previewed_with_its_format_and_imported(app_db: Database, admin: str):
    at = import_page(admin).run()
    no_exception(at)
    assert any("Au plus 50 Mo et 20000 élèves" in c for c in texts(at.caption))

    upload(at, "ExportXML_ElevesSansAdresses.zip", siecle_zip(siecle_xml()))

    no_exception(at)
    captions = texts(at.caption)
    assert (
        "Format reconnu : SIECLE (export XML des élèves) · encodage : ISO-8859-15 · "
        "année scolaire : 2025-2026"
    ) in captions
    assert any(c.startswith("1 élève sorti avant aujourd'hui") for c in captions)
    assert any(
        c.startswith("Mots de passe initiaux à créer pour 4 nouveaux élèves : ≈ ") for c in captions
    )
    assert metrics(at) == expected_metrics(new=4, rejected=2)
    (rejected,) = [d.value for d in at.dataframe if "Motif" in d.value.columns]
    assert list(rejected["Référence"]) == ["ELEVE_ID 4716", "ELEVE_ID 4717"]
    assert list(rejected["Nom"]) == ["Groupé Inès", "Doublon Léa"]
    assert apply_button(at).disabled

    tick(at, SKIP_LABEL)
    apply_button(at).click()
    at.run()

    no_exception(at)
    assert texts(at.success)[0].startswith("Import appliqué : 4 nouveaux")
    dupre = by_login(app_db, "jerome.dupre")
    assert dupre is not None and (dupre.last_name, dupre.first_name) == ("Dupré", "Jérôme")
    assert len(IMPORTED) == 4


def test_an_onde_file_in_latin1_names_its_format_and_encoding(app_db: Database, admin: str):
    at = upload(import_page(admin).run(), "CSVExtraction.csv", onde_csv())
    no_exception(at)
    assert (
        "Format reconnu : ONDE (extraction CSV) · encodage : Windows-1252 · "
        "année scolaire : non indiquée"
    ) in texts(at.caption)
    assert metrics(at) == expected_metrics(new=4, rejected=2)
    (rejected,) = [d.value for d in at.dataframe if "Motif" in d.value.columns]
    assert "Référence" not in rejected.columns and list(rejected["Ligne"]) == [6, 7]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "e.xml",
            b'<?xml version="1.0"?><!DOCTYPE BEE_ELEVES [<!ENTITY a "x">]><BEE_ELEVES>&a;'
            b"</BEE_ELEVES>",
            "Le fichier XML déclare des entités ou des références externes : refusé.",
        ),
        ("e.zip", siecle_zip(b"<BEE_ELEVES>", macos=False)[:-30], "Le fichier ZIP est illisible"),
        (
            "r.csv",
            "Nom;Prénom\nLefèvre;Zoé\n".encode().decode("cp1252").encode(),
            "Les accents du fichier sont abîmés (ligne 1)",
        ),
    ],
    ids=["xml_entities", "damaged_zip", "garbled"],
)
def test_hostile_files_are_one_clear_error_and_no_preview(
    app_db: Database, admin: str, name: str, content: bytes, message: str
):
    at = upload(import_page(admin).run(), name, content)
    no_exception(at)
    assert not at.metric
    assert len(at.error) == 1 and texts(at.error)[0].startswith(message), texts(at.error)


def test_the_row_limit_is_a_setting(app_db: Database, app_env, admin: str):
    app_env.setenv("ACCESS_IMPORT_MAX_ROWS", "3")
    at = upload(import_page(admin).run(), "e.xml", siecle_xml())
    no_exception(at)
    assert any("Au plus 50 Mo et 3 élèves" in c for c in texts(at.caption))
    assert texts(at.error) == ["Le fichier a plus de 3 lignes (réglage ACCESS_IMPORT_MAX_ROWS)."]


def test_the_upload_limit_is_lowered_to_a_rosters_size():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    # Streamlit's default is 200 MB; a roster needs far less, and the import refuses more
    # than ACCESS_IMPORT_MAX_BYTES anyway
    assert config["server"]["maxUploadSize"] == Settings().import_max_bytes // 2**20 == 50


def test_an_upload_is_read_once_whatever_the_reruns(
    app_db: Database, admin: str, monkeypatch: pytest.MonkeyPatch
):
    from access_core.imports import files as roster_files

    reads: list[str] = []
    real = roster_files.read_roster

    def counting(data: bytes, filename: str, *args: object, **kwargs: object) -> object:
        reads.append(filename)
        return real(data, filename, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(roster_files, "read_roster", counting)
    at = upload(import_page(admin).run(), "e.xml", siecle_xml())
    at = tick(tick(at, SKIP_LABEL), "Import partiel : ne désactiver aucun élève absent du fichier")
    no_exception(at)
    assert metrics(at) == expected_metrics(new=4, rejected=2)
    assert reads == ["e.xml"]  # three runs, one read

    # a refused file is refused on each rerun without being read again
    at = upload(at, "bad.xml", b'<?xml version="1.0"?>\n<BEE_ELEVES>' + b"<E>" * 100)
    at = tick(at, SKIP_LABEL)  # unticks it: a rerun
    no_exception(at)
    assert reads == ["e.xml", "bad.xml"]
    assert len(at.error) == 1 and "plus de 16 niveaux" in texts(at.error)[0], texts(at.error)
