"""« Comptes » (AppTest) as an administrator, as a teacher (a refusal, no data) and without a
session; and the first login of an account whose password someone else chose: its own
password first, nothing else reachable meanwhile (the dashboard's pages and a page by URL)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from access_core.accounts import staff
from access_core.accounts.admin_login import admin_subject, revoke_sessions
from access_core.accounts.passwords import verify_password
from access_core.accounts.staff_list import list_accounts
from access_core.config import load_settings
from access_core.db.models import Admin, LoginThrottle
from access_core.db.unit_of_work import Database
from access_core.errors import NotAuthorized
from tests.support.pages import (
    LOGIN_REQUIRED,
    ROOT,
    TIMEOUT_S,
    Deferred,
    dashboard,
    live_session,
    login_through_form,
    no_exception,
    rendered_text,
    text_input,
)
from tests.support.scopes import make_admin, make_class, make_school, make_teacher

ACCOUNTS = ROOT / "pages" / "accounts.py"
REFUSED = "Accès refusé : cette page est réservée aux administrateurs."
OWN_PASSWORD = "Choisissez votre mot de passe"


def accounts_page(username: str | None = None) -> AppTest:
    at = AppTest.from_file(str(Path(ACCOUNTS)), default_timeout=TIMEOUT_S)
    return at if username is None else live_session(at, username)


@pytest.fixture
def staffed(app_db: Database) -> dict[str, int]:
    """School A (classes 6e A, 5e A) with alice and anna, school B with bruno and prof.b."""
    a = make_school(app_db, "0750001A", "Collège A")
    b = make_school(app_db, "0750002B", "Collège B")
    ids = {
        "a": a,
        "b": b,
        "6e A": make_class(app_db, a, "6e A"),
        "5e A": make_class(app_db, a, "5e A"),
        "6e B": make_class(app_db, b, "6e B"),
    }
    make_admin(app_db, "alice", [a])
    make_admin(app_db, "anna", [a])
    make_admin(app_db, "bruno", [b])
    make_teacher(app_db, "prof.b", [ids["6e B"]])
    return ids


def open_url(at: AppTest, url_path: str) -> AppTest:
    """The page at ``url_path`` opened as a browser would (AppTest's ``switch_page`` knows
    only pages drawn by a script file, and these URLs now draw the password form)."""
    (page_hash,) = [
        h for h, info in at._registered_pages.items() if info.get("url_pathname") == url_path
    ]
    at._page_hash = page_hash
    return at


def account(db: Database, username: str) -> Admin | None:
    with db.transaction() as session:
        return session.scalar(select(Admin).where(Admin.username == username))


def test_an_administrator_sees_the_accounts_of_their_school_only(app_db, staffed):
    at = accounts_page("alice").run()
    no_exception(at)
    (table,) = at.dataframe
    assert list(table.value["Identifiant"]) == ["alice", "anna"]
    assert list(table.value["Rôle"]) == ["Administrateur", "Administrateur"]
    assert "bruno" not in rendered_text(at) and "prof.b" not in rendered_text(at)


def test_an_administrator_creates_a_teacher_and_sees_the_password_once_with_its_slip(
    app_db, staffed, deferred: list[Deferred]
):
    at = accounts_page("alice").run()
    text_input(at, "Identifiant du nouveau compte").input("Prof.Martin")
    at.radio(key="new_role").set_value("teacher")
    at.multiselect(key="new_classes").set_value([staffed["6e A"]])
    at.button(key="FormSubmitter:create_account-Créer le compte").click()
    at.run()
    no_exception(at)
    (shown,) = at.code
    password = str(shown.value)
    row = account(app_db, "prof.martin")
    assert row is not None and row.role == "teacher" and row.must_change_password
    assert verify_password(password, row.password_hash)
    assert "Compte « prof.martin » créé." in [str(s.value).replace("\\", "") for s in at.success]
    slip = PdfReader(io.BytesIO(deferred[-1].make()))
    assert len(slip.pages) == 1
    assert password in slip.pages[0].extract_text().replace(" ", "")
    at.run()  # shown once: gone on the next run
    assert not at.code


def test_an_administrator_disables_a_colleague_but_not_the_last_one(app_db, staffed):
    at = accounts_page("alice").run()
    at.selectbox(key="manage_account").select("anna")
    at.run()
    at.button(key="account_disable").click()
    at.run()
    no_exception(at)
    row = account(app_db, "anna")
    assert row is not None and not row.is_active
    make_admin(app_db, "bob", [staffed["a"], staffed["b"]])
    staff.set_active(app_db, "bob", "alice", False)  # bob is A's last active administrator
    # bruno (B only) cannot even see bob, an account of A too: the last one of A stays
    other = accounts_page("bruno").run()
    no_exception(other)
    assert "bob" not in other.selectbox(key="manage_account").options
    assert "bob" not in rendered_text(other) and "Collège A" not in rendered_text(other)
    row = account(app_db, "bob")
    assert row is not None and row.is_active


def test_a_colleagues_password_reset_is_shown_once(app_db, staffed):
    at = accounts_page("alice").run()
    at.selectbox(key="manage_account").select("anna")
    at.run()
    at.button(key="account_reset").click()
    at.run()
    (shown,) = at.code
    row = account(app_db, "anna")
    assert row is not None and verify_password(str(shown.value), row.password_hash)


def test_a_teacher_opening_the_page_by_url_sees_a_refusal_and_no_account(app_db, staffed):
    at = accounts_page("prof.b").run()
    no_exception(at)
    assert [str(e.value) for e in at.error] == [REFUSED]
    assert not at.dataframe and not at.text_input
    assert "bruno" not in rendered_text(at)


def test_without_a_session_the_page_shows_only_the_login_notice(app_db, staffed):
    at = accounts_page().run()
    assert [str(w.value) for w in at.warning] == [LOGIN_REQUIRED]
    assert not at.dataframe and "alice" not in rendered_text(at)


@pytest.mark.usefixtures("started_server")
def test_a_new_account_chooses_its_own_password_before_anything_else(app_db, staffed, settings):
    made = staff.reset_password(app_db, settings, "alice", "anna")
    at = dashboard().run()
    login_through_form(at, "anna", made.password)
    no_exception(at)
    assert [str(t.value) for t in at.title] == [OWN_PASSWORD]
    assert not at.sidebar.get("page_link")
    # the accounts page by its URL: the same form, no account listed
    open_url(at, "comptes").run()
    assert [str(t.value) for t in at.title] == [OWN_PASSWORD]
    assert not at.dataframe
    text_input(at, "Nouveau mot de passe").input("short")
    text_input(at, "Nouveau mot de passe (encore)").input("short")
    at.button(key="FormSubmitter:own_password-Enregistrer").click()
    at.run()
    assert at.error and [str(t.value) for t in at.title] == [OWN_PASSWORD]
    text_input(at, "Nouveau mot de passe").input("my very own password")
    text_input(at, "Nouveau mot de passe (encore)").input("my very own password")
    at.button(key="FormSubmitter:own_password-Enregistrer").click()
    at.run()
    no_exception(at)
    assert OWN_PASSWORD not in [str(t.value) for t in at.title]
    assert [str(t.value) for t in at.title] == ["Comptes du personnel"]
    row = account(app_db, "anna")
    assert row is not None and not row.must_change_password
    assert verify_password("my very own password", row.password_hash)


def test_a_page_opened_directly_by_an_account_that_must_change_its_password_shows_nothing(
    app_db, staffed
):
    make_admin(app_db, "newbie", [staffed["a"]], must_change_password=True)
    at = accounts_page("newbie").run()
    assert [str(w.value) for w in at.warning] == [
        "Choisissez votre nouveau mot de passe avant tout autre chose."
    ]
    assert not at.dataframe and "alice" not in rendered_text(at)


def test_an_administrator_changes_a_teachers_classes_and_lifts_a_lockout(app_db, staffed):
    settings = load_settings()  # the app's (its cookie key keys the throttle rows)
    make_teacher(app_db, "prof.a", [staffed["6e A"]])
    with app_db.transaction(write=True) as session:
        session.add(
            LoginThrottle(
                subject=admin_subject(settings, "prof.a"),
                failures=0,
                window_started_at=datetime.now(UTC),
                locked_until=datetime.now(UTC) + timedelta(minutes=15),
            )
        )
    at = accounts_page("alice").run()
    at.selectbox(key="manage_account").select("prof.a")
    at.run()
    (classes,) = [
        m for m in at.multiselect if m.label == "Classes de l'enseignant" and m.key is None
    ]
    classes.set_value([staffed["5e A"]])
    at.button(key="FormSubmitter:teacher_classes_prof.a-Enregistrer les classes").click()
    at.run()
    no_exception(at)
    at.button(key="account_unlock").click()
    at.run()
    no_exception(at)
    rows = {r.username: r for r in list_accounts(app_db, settings, "alice")}
    assert rows["prof.a"].classes == ("5e A",) and not rows["prof.a"].locked


def test_the_account_slip_asked_for_after_the_session_ended_is_refused(
    app_db, staffed, deferred: list[Deferred]
):
    at = accounts_page("alice").run()
    at.selectbox(key="manage_account").select("anna")
    at.run()
    at.button(key="account_reset").click()
    at.run()
    assert at.code and deferred
    revoke_sessions(app_db, "alice", "system", "test")
    with pytest.raises(NotAuthorized):
        deferred[-1].make()


def test_an_administrator_alone_in_their_school_is_told_there_is_nothing_to_manage(app_db):
    school = make_school(app_db, "0750001A", "Collège A")
    make_admin(app_db, "seule", [school])

    at = accounts_page("seule").run()

    assert not at.exception
    assert not at.selectbox  # never one's own account
    assert [i.value for i in at.info] == [
        "Aucun autre compte à gérer : créez-en un ci-dessus. "
        "Votre propre compte ne se gère pas ici."
    ]
