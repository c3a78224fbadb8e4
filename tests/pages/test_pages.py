"""The dashboard's page logic, driven with Streamlit's AppTest on real (SQLite) databases.

Each test runs ``dashboard.py`` (the entry point) or ``pages/learner_access.py`` (the page alone,
as when its URL is opened directly) in a simulated session, then reads the rendered elements and
the database. The login is passed by putting a live session in ``session_state``, as the login
form does (``access_ui.auth``), except in the tests of the login form itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import bcrypt
import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from access_core.accounts.passwords import initial_password
from access_core.audit import events as audit
from access_core.db.models import Admin
from access_core.db.unit_of_work import Database
from access_core.documents import workbook as exports
from access_core.roster import queries as roster
from access_core.roster.resets import RESET_ACTION
from access_core.text.catalogue import t
from access_ui.session import USERNAME
from tests.support.factories import ADMIN_PASSWORD, add_learner, dump_tables
from tests.support.pages import (
    CONFIRM_LABEL,
    DASHBOARD,
    DEACTIVATED_TITLE,
    LOGIN_COLUMN,
    LOGIN_FAILED,
    LOGIN_REQUIRED,
    PAGE,
    PAGE_FILES,
    PASSWORD_COLUMN,
    RESET_COLUMN,
    RESET_LABEL,
    STATUS_INITIAL,
    TIMEOUT_S,
    Deferred,
    assert_no_school_data,
    count_batches,
    dashboard,
    dialog_names,
    editor_frame,
    last_download,
    learner,
    live_session,
    logged_in,
    login_fields,
    login_through_form,
    mark,
    no_exception,
    page,
    rendered_text,
    select_class,
    sheet_rows,
    texts,
    without,
)
from tests.support.school import School

# --- 1. nothing before the login --------------------------------------------------------------


def test_the_entry_point_without_a_session_shows_only_the_login_form(
    app_school: School,
) -> None:
    at = dashboard().run()

    no_exception(at)
    assert [w.label for w in at.text_input] == ["Identifiant", "Mot de passe"]
    assert all(s.label != "Classe" for s in at.selectbox)
    assert not at.dataframe
    assert not at.get("download_button")
    assert not at.warning  # no page script ran (its guard would have warned)
    assert "Identifiant" in rendered_text(at)  # the reader sees the login form...
    assert_no_school_data(at)  # ...and nothing of the school


@pytest.mark.parametrize("script", PAGE_FILES, ids=[p.stem for p in PAGE_FILES])
def test_every_page_opened_alone_without_a_session_shows_a_warning_and_no_data(
    app_school: School, script: Path
) -> None:
    at = AppTest.from_file(script, default_timeout=TIMEOUT_S).run()

    no_exception(at)
    assert texts(at.warning) == [LOGIN_REQUIRED]
    assert not at.selectbox
    assert not at.button
    assert_no_school_data(at)


# --- 2. authenticated but not an active administrator ------------------------------------------


def test_a_session_for_someone_who_is_not_an_administrator_is_refused(app_school: School) -> None:
    at = page("mallory").run()

    no_exception(at)
    assert texts(at.warning) == [LOGIN_REQUIRED]
    assert not at.selectbox
    assert_no_school_data(at)


@pytest.fixture
def deactivated_admin(app_db: Database, admin: str) -> str:
    with app_db.transaction(write=True) as session:
        session.execute(update(Admin).where(Admin.username == admin).values(is_active=False))
    return admin


def test_a_deactivated_administrator_is_refused_by_the_page(
    app_school: School, deactivated_admin: str
) -> None:
    at = page(deactivated_admin).run()

    no_exception(at)
    assert texts(at.warning) == [LOGIN_REQUIRED]
    assert_no_school_data(at)


def test_a_deactivated_administrator_is_logged_out_by_the_entry_point(
    app_school: School, deactivated_admin: str
) -> None:
    at = live_session(dashboard(), deactivated_admin).run()

    no_exception(at)
    assert not logged_in(at)
    assert texts(at.info) == [t("session_revoked", "fr")]
    assert [w.label for w in at.text_input] == ["Identifiant", "Mot de passe"]
    assert_no_school_data(at)


# --- 3. the login form --------------------------------------------------------------------------


def test_logging_in_with_the_right_password_opens_the_page(app_school: School, admin: str) -> None:
    at = dashboard().run()
    login_through_form(at, admin, ADMIN_PASSWORD)

    no_exception(at)
    assert logged_in(at)
    assert at.session_state[USERNAME] == admin
    assert not login_fields(at)  # the form is gone
    assert at.selectbox(key="class_id").label == "Classe"
    assert "lea.martin" in list(
        editor_frame(at, f"editor:class-{app_school.class_a}:0")[LOGIN_COLUMN]
    )
    at.run()  # and the next run is still logged in, without the form
    no_exception(at)
    assert not login_fields(at)
    assert at.selectbox(key="class_id").label == "Classe"


def test_a_wrong_password_is_refused_and_shows_no_data(app_school: School, admin: str) -> None:
    at = dashboard().run()
    login_through_form(at, admin, "not the password")

    no_exception(at)
    assert texts(at.error) == [LOGIN_FAILED]
    assert not logged_in(at)
    assert [w.label for w in at.text_input] == ["Identifiant", "Mot de passe"]
    assert_no_school_data(at)


# --- 4. a class's table -----------------------------------------------------------------------


def test_choosing_a_class_shows_exactly_its_active_learners(app_school: School, admin: str) -> None:
    at = page(admin).run()
    no_exception(at)
    classes = at.selectbox(key="class_id")
    assert classes.label == "Classe"
    assert classes.options == ["6e A", "6e B"]

    select_class(at, app_school.class_b)
    frame = editor_frame(at, f"editor:class-{app_school.class_b}:0")
    assert list(frame.index) == [app_school.ines]
    assert list(frame[LOGIN_COLUMN]) == ["ines.roux"]

    select_class(at, app_school.class_a)
    no_exception(at)
    frame = editor_frame(at, f"editor:class-{app_school.class_a}:0")
    # Sorted by last name; the learner deactivated 10 days ago is not in the class table.
    assert list(frame.index) == [app_school.hugo, app_school.lea, app_school.zoe]
    assert list(frame[LOGIN_COLUMN]) == ["hugo.dubois", "lea.martin", "zoe.petit"]
    assert list(frame[PASSWORD_COLUMN]) == [
        "Personnalisé le 01/04/2025",
        STATUS_INITIAL,
        STATUS_INITIAL,
    ]
    assert not frame[RESET_COLUMN].any()
    assert "0 élève marqué sur 3." in texts(at.caption)
    # The reader of the negative tests above sees the school once logged in.
    assert all(secret in rendered_text(at) for secret in ("Zoé", "zoe.petit", "noe.leroy"))


# --- 5. marking, resetting, confirming --------------------------------------------------------


def test_a_confirmed_reset_changes_exactly_the_marked_learners(
    app_school: School, app_db: Database, admin: str
) -> None:
    at = page(admin).run()
    select_class(at, app_school.class_a)
    key = f"editor:class-{app_school.class_a}:0"
    mark(at, key, [app_school.hugo, app_school.zoe])
    at.run()
    no_exception(at)
    assert "2 élèves marqués sur 3." in texts(at.caption)

    reset = at.button(key=f"reset_btn:class-{app_school.class_a}")
    assert reset.label == RESET_LABEL
    reset.click()
    at.run()
    no_exception(at)
    assert dialog_names(at) == ["Dubois Hugo", "Petit Zoé"]
    assert at.button(key="confirm_reset").label == CONFIRM_LABEL
    before = dump_tables(app_db)

    at.button(key="confirm_reset").click()
    at.run()
    no_exception(at)

    after = dump_tables(app_db)
    reset_ids = {app_school.hugo, app_school.zoe}
    assert without(after, reset_ids) == without(before, reset_ids)
    for learner_id in reset_ids:
        row = learner(app_db, learner_id)
        assert row.birth_date is not None and row.password_hash is not None
        assert bcrypt.checkpw(initial_password(row.birth_date).encode(), row.password_hash.encode())
        assert row.password_hash.startswith("$2b$04$")
        assert row.must_change_password is True
    events = audit.events(app_db, action=RESET_ACTION)
    assert sorted(e.learner_id for e in events) == sorted(reset_ids)
    assert {e.actor for e in events} == {admin}
    assert count_batches(app_db) == 1
    assert texts(at.success) == ["2 mots de passe réinitialisés."]
    # The marks are cleared: a new editor generation, nothing ticked, no dialog.
    assert "0 élève marqué sur 3." in texts(at.caption)
    assert not _button_exists(at, "confirm_reset")
    frame = editor_frame(at, f"editor:class-{app_school.class_a}:1")
    assert list(frame[PASSWORD_COLUMN]) == [STATUS_INITIAL] * 3
    at.run()  # a rerun applies nothing again
    assert count_batches(app_db) == 1
    assert dump_tables(app_db) == after


def test_the_same_confirmation_arriving_twice_applies_one_batch(
    app_school: School, app_db: Database, admin: str
) -> None:
    at = page(admin).run()
    key = f"editor:class-{app_school.class_a}:0"
    mark(at, key, [app_school.lea])
    at.run()
    at.button(key=f"reset_btn:class-{app_school.class_a}").click()
    at.run()
    pending = dict(at.session_state["pending_reset"])
    at.button(key="confirm_reset").click()
    at.run()
    assert count_batches(app_db) == 1
    after_first = dump_tables(app_db)

    # A second click on the same dialog (a double click, a replayed message) brings the same
    # pending batch back.
    at.session_state["pending_reset"] = pending
    at.run()
    at.button(key="confirm_reset").click()
    at.run()

    no_exception(at)
    assert count_batches(app_db) == 1
    assert dump_tables(app_db) == after_first
    assert texts(at.success) == ["Cette réinitialisation a déjà été appliquée."]


def _button_exists(at: AppTest, key: str) -> bool:
    return any(b.key == key for b in at.button)


# --- 6. a learner without birth date ------------------------------------------------------------


def test_a_batch_with_a_learner_without_birth_date_changes_nothing(
    app_school: School, app_db: Database, admin: str
) -> None:
    no_birth = add_learner(app_db, "Sans", "Date", birth_date=None, login="sans.date")
    at = page(admin).run()
    key = f"editor:class-{app_school.class_a}:0"
    mark(at, key, [app_school.lea, no_birth])
    at.run()
    at.button(key=f"reset_btn:class-{app_school.class_a}").click()
    at.run()
    before = dump_tables(app_db)

    at.button(key="confirm_reset").click()
    at.run()

    no_exception(at)
    assert dump_tables(app_db) == before
    assert texts(at.error) == [
        "Réinitialisation refusée, aucun compte n'a été modifié. "
        "Date de naissance manquante pour : Sans Date."
    ]
    assert not at.success


# --- 7. the identifier workbook -----------------------------------------------------------------


def test_the_download_button_serves_the_class_workbook(
    app_school: School, app_db: Database, admin: str, deferred: list[Deferred]
) -> None:
    at = page(admin).run()
    select_class(at, app_school.class_b)
    select_class(at, app_school.class_a)
    no_exception(at)

    buttons = at.get("download_button")
    (button,) = [b for b in buttons if b.proto.id.endswith("download_identifiers")]  # type: ignore[attr-defined]
    assert button.label == "Liste des identifiants des élèves"  # type: ignore[attr-defined]
    download = last_download(deferred, ".xlsx")  # the callable of the last run: the class shown
    assert download.file_name == "identifiants_6e_A.xlsx"
    assert download.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    data = download.make()

    rows = sheet_rows(data)
    assert rows[0] == ("Nom", "Prénom", "Login", "Date de naissance")
    assert [r[2] for r in rows[1:4]] == ["hugo.dubois", "lea.martin", "zoe.petit"]
    assert all(r[2] not in ("ines.roux", "noe.leroy") for r in rows)
    expected = exports.identifier_workbook(
        "6e A", roster.class_learners(app_db, admin, app_school.class_a), "fr"
    )
    assert rows == sheet_rows(expected)


# --- 8. recently deactivated learners -----------------------------------------------------------


def test_the_deactivated_table_lists_the_window_most_recent_first_and_resets(
    app_school: School, app_db: Database, admin: str
) -> None:
    now = datetime.now(UTC)
    older_recent = add_learner(
        app_db,
        "Blanc",
        "Emma",
        class_name="6e B",
        birth_date=date(2011, 3, 4),
        login="emma.blanc",
        deactivated_at=now - timedelta(days=40),
    )
    long_ago = add_learner(
        app_db, "Noir", "Jules", login="jules.noir", deactivated_at=now - timedelta(days=200)
    )
    at = page(admin).run()
    no_exception(at)

    assert DEACTIVATED_TITLE in texts(at.subheader)
    key = "editor:deactivated:0"
    frame = editor_frame(at, key)
    assert list(frame.index) == [app_school.noe, older_recent]
    assert list(frame[LOGIN_COLUMN]) == ["noe.leroy", "emma.blanc"]
    assert list(frame["Ancienne classe"]) == ["6e A", "6e B"]
    assert long_ago not in frame.index

    mark(at, key, [older_recent])
    at.run()
    assert "1 élève marqué sur 2." in texts(at.caption)
    at.button(key="reset_btn:deactivated").click()
    at.run()
    assert dialog_names(at) == ["Blanc Emma"]
    before = dump_tables(app_db)
    at.button(key="confirm_reset").click()
    at.run()

    no_exception(at)
    assert without(dump_tables(app_db), {older_recent}) == without(before, {older_recent})
    row = learner(app_db, older_recent)
    assert row.password_hash is not None
    assert bcrypt.checkpw(b"04032011", row.password_hash.encode())
    assert row.must_change_password is True
    assert [e.learner_id for e in audit.events(app_db, action=RESET_ACTION)] == [older_recent]
    assert texts(at.success) == ["1 mot de passe réinitialisé."]
    assert not editor_frame(at, "editor:deactivated:1")[RESET_COLUMN].any()


# --- 9. English -----------------------------------------------------------------------------------


def _assert_english(at: AppTest) -> None:
    no_exception(at)
    assert at.selectbox(key="class_id").label == "Class"
    assert at.button(key=f"reset_btn:class-{_first_class(at)}").label == "Reset all marked accounts"
    assert "Learners deactivated less than three months ago" in texts(at.subheader)
    frame = at.data_editor[0].value
    assert "Reset" in frame.columns and "Password" in frame.columns


def _first_class(at: AppTest) -> int:
    return int(at.selectbox(key="class_id").value)


def test_the_page_speaks_english_when_configured(
    app_school: School, app_env: pytest.MonkeyPatch, admin: str
) -> None:
    app_env.setenv("ACCESS_LANGUAGE", "en")
    _assert_english(page(admin).run())


def test_the_page_speaks_english_on_request(app_school: School, admin: str) -> None:
    at = page(admin)
    at.query_params["lang"] = "en"
    _assert_english(at.run())


def test_the_login_form_speaks_english_on_request(app_school: School) -> None:
    at = dashboard()
    at.query_params["lang"] = "en"
    at.run()
    no_exception(at)
    assert [w.label for w in at.text_input] == ["Username", "Password"]


# --- 10. no usable database ---------------------------------------------------------------------


@pytest.mark.parametrize("script", [DASHBOARD, PAGE], ids=["dashboard", "page"])
def test_an_unreachable_database_shows_a_clear_message(
    app_env: pytest.MonkeyPatch, script: Path
) -> None:
    # nothing listens on port 1 (a missing SQLite file is another error: see the next test)
    app_env.setenv("ACCESS_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:1/x")
    at = live_session(AppTest.from_file(script, default_timeout=TIMEOUT_S), "admin", False).run()

    no_exception(at)
    messages = texts(at.warning) + texts(at.error)
    assert any("La base de données est injoignable" in m for m in messages), messages
    assert not at.dataframe


@pytest.mark.parametrize("script", [DASHBOARD, PAGE], ids=["dashboard", "page"])
def test_a_schema_one_migration_behind_says_to_run_init(
    app_env: pytest.MonkeyPatch, tmp_path: Path, script: Path
) -> None:
    from access_core.db.schema import upgrade_schema

    upgrade_schema(f"sqlite:///{tmp_path / 'old.db'}", "0001")
    app_env.setenv("ACCESS_DATABASE_URL", f"sqlite:///{tmp_path / 'old.db'}")
    at = live_session(AppTest.from_file(script, default_timeout=TIMEOUT_S), "admin", False).run()

    no_exception(at)
    messages = texts(at.warning) + texts(at.error)
    assert (
        "Le schéma de la base de données est en retard sur cette version : "
        "lancez « access-core init »." in messages
    ), messages
    assert not at.dataframe


@pytest.mark.parametrize("script", [DASHBOARD, PAGE], ids=["dashboard", "page"])
def test_a_schema_from_a_newer_version_says_so_not_to_run_init(
    app_env: pytest.MonkeyPatch, tmp_path: Path, script: Path
) -> None:
    """Issue 19 item 9, the same pattern on the pages: « lancez access-core init » cannot help."""
    import sqlite3

    from access_core.db.schema import upgrade_schema

    upgrade_schema(f"sqlite:///{tmp_path / 'newer.db'}")
    with sqlite3.connect(tmp_path / "newer.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()
    app_env.setenv("ACCESS_DATABASE_URL", f"sqlite:///{tmp_path / 'newer.db'}")
    at = live_session(AppTest.from_file(script, default_timeout=TIMEOUT_S), "admin", False).run()

    no_exception(at)
    messages = texts(at.warning) + texts(at.error)
    assert any(
        "La base de données a la révision de schéma 0099, inconnue" in m for m in messages
    ), messages
    assert not any("lancez « access-core init »" in m for m in messages), messages
    assert not at.dataframe


@pytest.mark.parametrize("script", [DASHBOARD, PAGE], ids=["dashboard", "page"])
def test_a_schema_at_head_missing_a_table_says_damaged_not_to_run_init(
    app_env: pytest.MonkeyPatch, tmp_path: Path, script: Path
) -> None:
    """Review 03 (case B), the same pattern on the pages: a table gone from a schema at head
    is damage « access-core init » cannot repair."""
    import sqlite3

    from access_core.db.schema import upgrade_schema

    upgrade_schema(f"sqlite:///{tmp_path / 'damaged.db'}")
    with sqlite3.connect(tmp_path / "damaged.db") as conn:
        conn.execute("DROP TABLE admins")
    conn.close()
    app_env.setenv("ACCESS_DATABASE_URL", f"sqlite:///{tmp_path / 'damaged.db'}")
    at = live_session(AppTest.from_file(script, default_timeout=TIMEOUT_S), "admin", False).run()

    no_exception(at)
    messages = texts(at.warning) + texts(at.error)
    assert any("il lui manque admins" in m and "restaurez une sauvegarde" in m for m in messages), (
        messages
    )
    assert not any("lancez « access-core init »." in m for m in messages), messages


@pytest.mark.parametrize("script", [DASHBOARD, PAGE], ids=["dashboard", "page"])
def test_a_missing_database_file_says_so_and_creates_nothing(
    app_env: pytest.MonkeyPatch, tmp_path: Path, script: Path
) -> None:
    app_env.setenv("ACCESS_DATABASE_URL", f"sqlite:///{tmp_path / 'typo' / 'access.db'}")
    at = live_session(AppTest.from_file(script, default_timeout=TIMEOUT_S), "admin", False).run()

    no_exception(at)
    messages = texts(at.warning) + texts(at.error)
    assert any("Aucun fichier de base de données" in m for m in messages), messages
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("script", [DASHBOARD, PAGE], ids=["dashboard", "page"])
def test_an_unmigrated_database_says_to_run_init(
    app_env: pytest.MonkeyPatch, tmp_path: Path, script: Path
) -> None:
    (tmp_path / "empty.db").touch()  # an empty SQLite database: a missing file is another error
    app_env.setenv("ACCESS_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    at = live_session(AppTest.from_file(script, default_timeout=TIMEOUT_S), "admin", False).run()

    no_exception(at)
    messages = texts(at.warning) + texts(at.error)
    assert "La base de données n'est pas initialisée : lancez « access-core init »." in messages
    assert not at.dataframe


def test_a_login_while_the_database_is_unreachable_shows_a_clear_message(
    app_env: pytest.MonkeyPatch,
) -> None:
    app_env.setenv("ACCESS_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:1/x")
    at = dashboard().run()
    no_exception(at)
    login_through_form(at, "admin", ADMIN_PASSWORD)

    no_exception(at)
    assert not logged_in(at)
    messages = texts(at.warning) + texts(at.error)
    assert any("La base de données est injoignable" in m for m in messages), messages
