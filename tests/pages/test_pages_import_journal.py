"""The « Import » and « Journal » pages, driven with Streamlit's AppTest on real (SQLite) databases.

Files are uploaded with AppTest's own ``FileUploader`` element (``at.file_uploader(key=...)
.upload(name, bytes, mime)``, Streamlit >= 1.50): AppTest registers the bytes with its mock
upload manager and the page receives a real ``UploadedFile``, exactly as after a browser
upload; nothing in the page is patched.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import bcrypt
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from access_core.accounts import admin_login as admin_auth
from access_core.accounts import admins
from access_core.audit import events as audit
from access_core.audit import journal
from access_core.config import Settings
from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from access_core.errors import ValidationError
from access_core.imports.files import read_roster
from access_core.roster.resets import RESET_ACTION, reset_passwords
from access_core.text.catalogue import error_message, t
from access_ui.wording import literal
from tests.support.factories import TEST_ROUNDS, add_learner, dump_tables
from tests.support.import_pages import (
    DATA,
    IMPORT_PAGE,
    JOURNAL_COLUMNS,
    JOURNAL_PAGE,
    ONLY_A_NEWCOMER,
    PARIS,
    SCHOOL_ROSTER,
    SKIP_LABEL,
    apply_button,
    apply_filters,
    by_login,
    class_name_of,
    class_options,
    confirm_label,
    expected_metrics,
    import_page,
    journal_frame,
    journal_page,
    metrics,
    tick,
    upload,
)
from tests.support.pages import (
    LOGIN_REQUIRED,
    TIMEOUT_S,
    RecordingManager,
    live_session,
    no_exception,
    texts,
)
from tests.support.school import School

# --- « Import » ---------------------------------------------------------------------------------


def test_the_preview_counts_each_kind_of_change_and_applying_it_updates_the_school(
    app_school: School, app_db: Database, admin: str
) -> None:
    assert class_options(admin) == ["6e A", "6e B"]  # and the class list is now cached
    at = import_page(admin).run()
    no_exception(at)
    assert not at.metric  # nothing before a file
    before = dump_tables(app_db)

    upload(at, "base_eleves.csv", SCHOOL_ROSTER)

    no_exception(at)
    assert metrics(at) == expected_metrics(
        new=1, moved=1, reactivated=1, deactivated=1, unchanged=2
    )
    assert texts(at.info) == ["Classes créées : 5e C"]
    assert not at.error
    # Inès leaving is 1 of the 4 active learners: more than 10 %, so it takes a confirmation
    assert texts(at.warning) == [
        "Cet import désactiverait 1 des 4 élèves actifs (plus de 10 %) : vérifiez le fichier, "
        "ou confirmez explicitement ces désactivations."
    ]
    assert apply_button(at).disabled
    tick(at, confirm_label(1))
    assert dump_tables(app_db) == before  # a preview changes nothing
    assert not apply_button(at).disabled

    apply_button(at).click()
    at.run()

    no_exception(at)
    assert texts(at.success) == [
        "Import appliqué : 1 nouveau, 0 mis à jour, 1 changé de classe, 1 réactivé, 1 désactivé."
    ]
    camille = by_login(app_db, "camille.durand")
    assert camille is not None and camille.password_hash is not None
    assert class_name_of(app_db, camille) == "5e C"
    assert camille.must_change_password is True
    assert bcrypt.checkpw(b"05042013", camille.password_hash.encode())
    hugo = by_login(app_db, "hugo.dubois")
    assert hugo is not None and class_name_of(app_db, hugo) == "6e B"
    ines = by_login(app_db, "ines.roux")
    assert ines is not None and ines.deactivated_at is not None
    noe = by_login(app_db, "noe.leroy")
    assert noe is not None and noe.deactivated_at is None
    # One event per change, in the same transaction.
    assert sorted(e.action for e in audit.events(app_db)) == sorted(
        [
            "admin_created",
            "class_created",
            "learner_created",
            "learner_moved",
            "learner_reactivated",
            "learner_deactivated",
            "import_applied",
        ]
    )
    # The upload is cleared (a new uploader) and the page waits for the next file.
    assert not at.metric
    assert not at.file_uploader(key="import:1").value
    # The new class is offered at once: the cached class list was invalidated.
    assert class_options(admin) == ["5e C", "6e A", "6e B"]


def test_bad_rows_are_listed_and_block_the_import_until_skipped(
    app_db: Database, admin: str
) -> None:
    at = import_page(admin).run()
    upload(at, "roster_bad_rows.csv", (DATA / "roster_bad_rows.csv").read_bytes())

    no_exception(at)
    assert metrics(at) == expected_metrics(new=3, rejected=9)
    assert texts(at.error) == [
        "9 lignes rejetées : corrigez le fichier, ou cochez « Ignorer les lignes rejetées »."
    ]
    (rejected,) = [d.value for d in at.dataframe if "Motif" in d.value.columns]
    assert list(rejected.columns) == ["Ligne", "Motif", "Nom"]
    assert list(rejected["Ligne"]) == [3, 4, 5, 6, 7, 9, 10, 12, 13]
    assert "Girard Inès" in list(rejected["Nom"])
    assert apply_button(at).disabled
    before = dump_tables(app_db)

    tick(at, SKIP_LABEL)
    no_exception(at)
    assert dump_tables(app_db) == before  # ticking the box applies nothing by itself
    assert not apply_button(at).disabled
    apply_button(at).click()
    at.run()

    no_exception(at)
    assert texts(at.success) == [
        "Import appliqué : 3 nouveaux, 0 mis à jour, 0 changé de classe, 0 réactivé, 0 désactivé."
    ]
    with app_db.transaction() as session:
        logins = sorted(session.scalars(select(Learner.login)).all())
    assert logins == ["lucas.petit", "manon.chevalier", "tom.bernard"]
    assert class_options(admin) == ["6e A", "6e B"]


def test_a_file_that_would_deactivate_everyone_needs_the_confirmation(
    app_school: School, app_db: Database, admin: str
) -> None:
    at = import_page(admin).run()
    upload(at, "only_a_newcomer.csv", ONLY_A_NEWCOMER)

    no_exception(at)
    assert texts(at.warning) == [
        t("import_needs_confirmation", "fr", count=4, active=4, percent=10)
    ]
    assert not at.error
    assert metrics(at) == expected_metrics(new=1, deactivated=4)  # what it would do
    assert apply_button(at).disabled
    before = dump_tables(app_db)

    tick(at, confirm_label(4))

    no_exception(at)
    assert dump_tables(app_db) == before
    assert not apply_button(at).disabled
    apply_button(at).click()
    at.run()
    no_exception(at)
    with app_db.transaction() as session:
        active = session.scalars(select(Learner.login).where(Learner.deactivated_at.is_(None)))
        assert sorted(active.all()) == ["camille.durand"]


def test_an_empty_file_says_no_rows(app_school: School, app_db: Database, admin: str) -> None:
    at = import_page(admin).run()
    upload(at, "roster_empty.csv", (DATA / "roster_empty.csv").read_bytes())

    no_exception(at)
    assert texts(at.error) == ["Le fichier ne contient aucune ligne d'élève : rien à importer."]
    assert not at.metric and not at.warning
    assert not any(b.key == "import_apply" for b in at.button)
    assert not any(c.label.startswith("Je confirme") for c in at.checkbox)


def test_an_unknown_layout_names_the_missing_columns(app_db: Database, admin: str) -> None:
    content = (DATA / "roster_unknown_layout.csv").read_bytes()
    at = import_page(admin).run()
    upload(at, "roster_unknown_layout.csv", content)

    no_exception(at)
    with pytest.raises(ValidationError) as caught:
        read_roster(content, "roster_unknown_layout.csv")
    expected = error_message(caught.value, "fr")
    # shown literally: the file's headers escaped for the markdown-rendering alert
    assert texts(at.error) == [error_message(caught.value, "fr", escape=literal)]
    assert expected.startswith("Colonnes non reconnues (ligne 1) : il manque ")
    assert "Nom, Date de naissance, Classe" in expected
    assert not at.metric
    assert not any(b.key == "import_apply" for b in at.button)


@pytest.mark.parametrize("script", [IMPORT_PAGE, JOURNAL_PAGE], ids=["import", "journal"])
@pytest.mark.parametrize("who", ["not-an-admin", "disabled-admin"])
def test_a_session_that_is_not_an_active_admin_sees_nothing(
    app_school: School, app_db: Database, admin: str, script: Path, who: str
) -> None:
    _event_history(app_db, admin)
    username = "mallory"
    if who == "disabled-admin":
        admins.disable_admin(app_db, admin)
        username = admin
    at = live_session(AppTest.from_file(script, default_timeout=TIMEOUT_S), username).run()

    no_exception(at)
    assert texts(at.warning) == [LOGIN_REQUIRED]
    assert not at.file_uploader
    assert not at.dataframe
    assert not at.multiselect
    assert not at.get("download_button")
    assert not at.metric


# --- « Journal » --------------------------------------------------------------------------------


def _event_history(db: Database, admin: str) -> None:
    """A reset of Léa Martin (after the « admin_created » event of the ``admin`` fixture)."""
    learner = by_login(db, "lea.martin")
    assert learner is not None
    reset_passwords(db, admin, [learner.id], TEST_ROUNDS)


@pytest.fixture
def history(app_school: School, app_db: Database, admin: str, settings: Settings) -> None:
    _event_history(app_db, admin)
    failed = admin_auth.login(app_db, settings, admin, "not the password")
    assert not failed.ok


def test_the_journal_lists_events_newest_first_with_french_columns(
    history: None, app_db: Database, admin: str
) -> None:
    at = journal_page(admin).run()

    no_exception(at)
    frame = journal_frame(at)
    assert list(frame.columns) == JOURNAL_COLUMNS
    assert list(frame["Action"]) == [
        "Connexion refusée (mot de passe erroné)",
        "Réinitialisation du mot de passe",
        "Compte administrateur créé",
    ]
    assert list(frame["Auteur"]) == [admin, admin, "system"]
    assert list(frame["Rôle"]) == ["Administrateur", "Administrateur", ""]
    assert list(frame["Élève"]) == ["", "Martin Léa", ""]
    assert list(frame["Login"]) == ["", "lea.martin", ""]
    assert list(frame["Classe"]) == ["", "6e A", ""]
    tz = Settings().tz  # the default time zone (app_env clears ACCESS_TIMEZONE)
    assert list(frame["Date"]) == [
        e.occurred_at.astimezone(tz).strftime("%d/%m/%Y %H:%M:%S") for e in audit.events(app_db)
    ]
    assert "3 événements" in texts(at.caption)
    assert "page 1 sur 1" in texts(at.caption)
    assert at.multiselect[0].options == [
        "Compte administrateur créé",
        "Connexion refusée (mot de passe erroné)",
        "Réinitialisation du mot de passe",
    ]
    assert not any("$2b$" in str(v) for v in frame.to_numpy().ravel())


def test_the_action_filter_narrows_the_journal(history: None, admin: str) -> None:
    at = journal_page(admin).run()
    at.multiselect[0].set_value([RESET_ACTION, "login_failed"])
    apply_filters(at)

    no_exception(at)
    assert list(journal_frame(at)["Action"]) == [
        "Connexion refusée (mot de passe erroné)",
        "Réinitialisation du mot de passe",
    ]

    at.multiselect[0].set_value([RESET_ACTION])
    apply_filters(at)
    assert list(journal_frame(at)["Action"]) == ["Réinitialisation du mot de passe"]
    assert "1 événement" in texts(at.caption)


@pytest.mark.parametrize("part", ["mart", "LÉA", "lea.m"])
def test_the_learner_filter_finds_a_part_of_a_name_or_login(
    history: None, admin: str, part: str
) -> None:
    at = journal_page(admin).run()
    (learner_box,) = [w for w in at.text_input if w.label == "Élève (nom, prénom ou login)"]
    learner_box.input(part)
    apply_filters(at)

    no_exception(at)
    frame = journal_frame(at)
    assert list(frame["Action"]) == ["Réinitialisation du mot de passe"]
    assert list(frame["Login"]) == ["lea.martin"]


def test_the_learner_filter_ignores_accents_and_case(
    history: None, app_db: Database, admin: str
) -> None:
    elodie = add_learner(app_db, "Bénard", "Élodie", class_name="6e B", login="e.benard")
    reset_passwords(app_db, admin, [elodie], TEST_ROUNDS)
    at = journal_page(admin).run()
    (learner_box,) = [w for w in at.text_input if w.label == "Élève (nom, prénom ou login)"]
    learner_box.input("ELODIE")  # only in her first name, written « Élodie »
    apply_filters(at)

    no_exception(at)
    frame = journal_frame(at)
    assert list(frame["Élève"]) == ["Bénard Élodie"]
    assert list(frame["Classe"]) == ["6e B"]


def test_a_learner_filter_matching_nobody_says_so(history: None, admin: str) -> None:
    at = journal_page(admin).run()
    (learner_box,) = [w for w in at.text_input if w.label == "Élève (nom, prénom ou login)"]
    learner_box.input("Zoé")  # a learner of the school without any event
    apply_filters(at)

    no_exception(at)
    assert not at.dataframe
    assert texts(at.info) == ["Aucun événement ne correspond à ces filtres."]


def _downloaded(at: AppTest, managers: list[RecordingManager]) -> bytes:
    """What the browser receives on clicking the (deferred) CSV button: the page gives
    Streamlit a callable, run when the file is requested, here as the media endpoint would."""
    (button,) = at.download_button
    assert button.label == "Exporter en CSV"
    file_id = button.proto.deferred_file_id
    assert file_id
    manager = managers[-1]
    url = manager.execute_deferred(file_id)
    stored = manager.memory_storage.get_file(url.rsplit("/", 1)[1].split(".")[0])
    assert stored.mimetype == "text/csv"
    assert stored.filename == f"journal_{datetime.now(PARIS).date().isoformat()}.csv"
    return bytes(stored.content)


def test_the_csv_export_holds_the_filtered_events(
    history: None, app_db: Database, admin: str, media_managers: list[RecordingManager]
) -> None:
    at = journal_page(admin).run()
    no_exception(at)

    data = _downloaded(at, media_managers)
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "date;actor;action;learner;login;class;details;batch;class_is;role;text"
    assert [line.split(";")[2] for line in lines[1:]] == [
        "login_failed",
        RESET_ACTION,
        "admin_created",
    ]
    assert "Martin Léa;lea.martin;6e A" in lines[2]
    assert "$2b$" not in data.decode("utf-8-sig")

    at.multiselect[0].set_value(["login_failed"])
    apply_filters(at)
    lines = _downloaded(at, media_managers).decode("utf-8-sig").splitlines()
    assert [line.split(";")[2] for line in lines[1:]] == ["login_failed"]
    # each download is audited, with its filters
    exported = audit.events(app_db, action=journal.EXPORT_ACTION)
    assert [(e.actor, e.details) for e in exported] == [
        (admin, {"events": 1, "filters": {"actions": ["login_failed"]}}),
        (admin, {"events": 3, "filters": {}}),
    ]


def test_the_journal_action_filter_speaks_the_page_language(history: None, admin: str) -> None:
    """Streamlit's own placeholder is English (« Choose options »): the page gives its own."""
    at = journal_page(admin).run()
    (chooser,) = [m for m in at.multiselect if m.key == "journal_actions"]
    assert chooser.placeholder == "Toutes les actions"
