"""The « Import » page (AppTest, real SQLite): whose initial password follows a corrected birth
date, learners kept because their row was rejected, and a preview gone stale before « Appliquer »
(another administrator's import meanwhile) shown again instead of applied unseen."""

from __future__ import annotations

from typing import Any

import bcrypt
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from access_core.imports import preview as imports
from access_core.imports.files import read_roster
from access_core.text.catalogue import t
from tests.support.factories import TEST_ROUNDS, dump_tables
from tests.support.import_pages import (
    SCHOOL_ROSTER,
    SKIP_LABEL,
    apply_button,
    by_login,
    confirm_label,
    expected_metrics,
    import_page,
    metrics,
    tick,
    upload,
)
from tests.support.pages import no_exception, texts
from tests.support.school import School


def expander(at: AppTest, label: str) -> Any:
    (found,) = [e for e in at.expander if e.label == label]
    return found


def rows_of(element: Any) -> list[dict[str, object]]:
    (frame,) = [d.value for d in element.dataframe]
    return list(frame.astype(str).to_dict("records"))


def test_the_preview_says_whose_initial_password_follows_a_corrected_birth_date(
    app_school: School, app_db: Database, admin: str
) -> None:
    # Léa is still on her initial password, Hugo chose his own: both dates are corrected.
    with app_db.transaction(write=True) as session:
        for learner_id, ine in ((app_school.lea, "INE-LEA"), (app_school.hugo, "INE-HUGO")):
            session.execute(update(Learner).where(Learner.id == learner_id).values(external_id=ine))
    roster = (
        "INE;Nom;Prénom;Date de naissance;Classe\n"
        "INE-LEA;Martin;Léa;28/02/2012;6e A\n"
        "INE-HUGO;Dubois;Hugo;04/07/2012;6e A\n"
        ";Petit;Zoé;01/01/2013;6e A\n"
        ";Roux;Inès;17/05/2013;6e B\n"
    ).encode()
    at = import_page(admin).run()
    upload(at, "corrige.csv", roster)

    no_exception(at)
    assert metrics(at) == expected_metrics(updated=2, unchanged=2)
    assert texts(at.info) == [
        "1 élève encore au mot de passe initial a une date de naissance corrigée : son "
        "mot de passe devient la nouvelle date (jjmmaaaa). Les élèves qui ont personnalisé "
        "leur mot de passe le gardent."
    ]
    moved = expander(at, "Mot de passe initial changé (date de naissance corrigée) (1)")
    assert rows_of(moved) == [
        {"Nom": "Martin", "Prénom": "Léa", "Login": "lea.martin", "Classe": "6e A", "Ligne": "2"}
    ]
    apply_button(at).click()
    at.run()

    no_exception(at)
    (notice,) = texts(at.success)
    assert notice.endswith(" 1 mot de passe initial suit la date corrigée.")
    lea, hugo = by_login(app_db, "lea.martin"), by_login(app_db, "hugo.dubois")
    assert lea is not None and hugo is not None
    assert bcrypt.checkpw(b"28022012", lea.password_hash.encode())
    assert bcrypt.checkpw(b"mon-mot-de-passe", hugo.password_hash.encode())


def test_a_learner_whose_row_is_rejected_is_kept_and_listed(
    app_school: School, app_db: Database, admin: str
) -> None:
    roster = (
        "Nom;Prénom;Date de naissance;Classe\n"
        "Martin;Léa;29/02/2012;6e A\n"
        "Dubois;Hugo;03/07/2012;6e A\n"
        "Petit;Zoé;01/01/2013;6e A\n"
        "Roux;Inès;31/02/2013;6e B\n"  # a typo in the date: rejected, yet Inès is still here
    ).encode()
    at = import_page(admin).run()
    upload(at, "typo.csv", roster)

    no_exception(at)
    assert metrics(at) == expected_metrics(rejected=1, unchanged=3)
    assert texts(at.warning) == [
        "1 élève absent des lignes valides reste actif parce que sa ligne est "
        "rejetée : corrigez-la au prochain import."
    ]
    kept = expander(at, "Gardés actifs : leur ligne est rejetée (1)")
    assert rows_of(kept) == [
        {"Nom": "Roux", "Prénom": "Inès", "Login": "ines.roux", "Classe": "6e B", "Ligne": "5"}
    ]
    assert not any(e.label.startswith("Désactivés") for e in at.expander)
    # nothing to apply but the skipped line: the learners stay as they are
    tick(at, SKIP_LABEL)
    no_exception(at)
    assert t("import_nothing", "fr") in texts(at.info)
    ines = by_login(app_db, "ines.roux")
    assert ines is not None and ines.deactivated_at is None


def test_a_preview_changed_by_another_import_is_shown_again_before_it_applies(
    app_school: School, app_db: Database, admin: str
) -> None:
    at = import_page(admin).run()
    upload(at, "base_eleves.csv", SCHOOL_ROSTER)
    tick(at, confirm_label(1))
    assert not apply_button(at).disabled
    # Meanwhile a second administrator moves Zoé: this page's preview no longer holds.
    other = imports.preview(
        app_db,
        admin,
        read_roster(
            "Nom;Prénom;Date de naissance;Classe\nPetit;Zoé;01/01/2013;6e B\n".encode(), "x.csv"
        ),
        partial=True,
    )
    imports.apply(app_db, admin, other, TEST_ROUNDS)
    before = dump_tables(app_db)

    apply_button(at).click()
    at.run()

    no_exception(at)
    assert t("import_plan_changed", "fr") in texts(at.warning)
    assert not at.success
    assert dump_tables(app_db) == before  # nothing applied unseen
    assert metrics(at) == expected_metrics(
        new=1, moved=2, reactivated=1, deactivated=1, unchanged=1
    )  # the new preview: Zoé moves back too

    apply_button(at).click()  # the administrator has now seen it
    at.run()

    no_exception(at)
    assert texts(at.success)
    zoe = by_login(app_db, "zoe.petit")
    assert zoe is not None and zoe.class_id == app_school.class_a
