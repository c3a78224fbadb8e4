"""Rejected roster rows: access_core gives a code and its values, the interface words them in its
own language (the command line keeps the English reason)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access_core.db.unit_of_work import Database
from access_core.errors import ValidationError
from access_core.imports.files import HEADER_ALIASES, read_roster
from access_core.imports.rows import REASONS
from access_core.text.catalogue import MESSAGES, error_message
from access_ui.wording import rejection_reason
from tests.support.import_pages import IMPORT_PAGE, upload
from tests.support.pages import TIMEOUT_S, live_session, no_exception

BAD_ROWS = Path(__file__).resolve().parent.parent / "data" / "roster_bad_rows.csv"
TODAY = date(2025, 6, 1)


def test_every_rejection_code_is_worded_in_both_languages() -> None:
    for code in REASONS:
        assert f"reject_{code}" in MESSAGES["fr"], code
        assert f"reject_{code}" in MESSAGES["en"], code


def test_every_roster_field_is_worded_in_both_languages() -> None:
    for field in HEADER_ALIASES:
        assert f"field_{field}" in MESSAGES["fr"], field
        assert f"field_{field}" in MESSAGES["en"], field


def test_field_names_are_worded_in_the_language_of_the_message() -> None:
    """A row or a header refused for its fields names them by code; each language words them
    (no French label in an English message)."""
    problems = {p.line: p for p in read_roster(BAD_ROWS.read_bytes(), "r.csv", TODAY).problems}
    assert problems[3].params["fields"] == ("first_name",)
    assert rejection_reason(problems[3], "en") == "missing field: First name"
    assert rejection_reason(problems[12], "en") == "missing field: Birth date"
    assert rejection_reason(problems[3], "fr") == "champ manquant : Prénom"
    too_long = read_roster(
        f"Nom;Prénom;Date de naissance;Classe\n{'N' * 101};Léa;01/01/2013;6e A".encode(),
        "r.csv",
        TODAY,
    ).problems[0]
    assert rejection_reason(too_long, "en") == "too long: Last name"
    assert rejection_reason(too_long, "fr") == "trop long : Nom"

    with pytest.raises(ValidationError) as caught:
        read_roster(b"Eleve;Prenom;Naissance;Groupe\nA;B;01/01/2013;6e A", "r.csv", TODAY)
    assert error_message(caught.value, "en").startswith(
        "Unknown column layout (line 1): missing Last name, Birth date, Class. Columns found:"
    )
    assert error_message(caught.value, "fr").startswith(
        "Colonnes non reconnues (ligne 1) : il manque Nom, Date de naissance, Classe. "
    )


def test_the_bad_rows_are_worded_in_french_and_in_english() -> None:
    problems = {p.line: p for p in read_roster(BAD_ROWS.read_bytes(), "r.csv", TODAY).problems}

    assert rejection_reason(problems[3], "fr") == "champ manquant : Prénom"
    assert rejection_reason(problems[4], "fr") == "date impossible « 31/02/2013 »"
    assert rejection_reason(problems[5], "fr") == "date de naissance 01/09/2099 dans le futur"
    assert rejection_reason(problems[6], "fr") == "date de naissance 15/03/1899 antérieure à 1900"
    assert rejection_reason(problems[7], "fr") == "INE BAD-001 déjà à la ligne 2"
    assert rejection_reason(problems[9], "fr") == "login tom.bernard déjà à la ligne 8"
    assert rejection_reason(problems[4], "en") == "impossible date « 31/02/2013 »"
    # the command line's reason is unchanged
    assert problems[4].reason == "impossible date '31/02/2013'"


def test_the_import_page_gives_the_reasons_in_french(app_db: Database, admin: str) -> None:
    at = live_session(AppTest.from_file(IMPORT_PAGE, default_timeout=TIMEOUT_S), admin).run()
    upload(at, "roster_bad_rows.csv", BAD_ROWS.read_bytes())

    no_exception(at)
    (rejected,) = [d.value for d in at.dataframe if "Motif" in d.value.columns]
    reasons = dict(zip(rejected["Ligne"], rejected["Motif"], strict=True))
    assert reasons[4] == "date impossible « 31/02/2013 »"
    assert reasons[10] == "date illisible « le 3 mai 2013 » (attendu jj/mm/aaaa ou aaaa-mm-jj)"
    assert reasons[12] == "champ manquant : Date de naissance"
