"""The dashboard in a real browser: login, marking learners in the grid, the confirmed reset,
the identifier workbook, the guard on every page URL, and logout.

Each test gets its own freshly started ``streamlit run dashboard.py`` (see conftest.py).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from access_core.accounts.passwords import initial_password
from tests.browser.conftest import (
    PUPILS,
    REPO_ROOT,
    Pupil,
    Server,
    choose_class,
    expect_no_learner_data,
    settle,
)
from tests.support.browser_dashboard import (
    CLASS,
    CLASS_PUPILS,
    TICKED_ROWS,
    column_cells,
    log_in,
    open_app,
    password_rows,
    tick,
    verifies,
)

pytestmark = pytest.mark.browser

expect: Any
try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with the reason
    expect = None

# Each file of pages/ is served under its file name (see dashboard.PAGES).
PAGE_URL_PATHS = sorted(path.stem for path in (REPO_ROOT / "pages").glob("*.py"))


def expect_login_form(page: Any, lang: str = "fr") -> None:
    labels = (
        ("Identifiant", "Mot de passe", "Se connecter")
        if lang == "fr"
        else ("Username", "Password", "Log in")
    )
    expect(page.get_by_label(labels[0], exact=True)).to_be_visible()
    expect(page.get_by_label(labels[1], exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=labels[2])).to_be_visible()


def test_admin_marks_two_learners_resets_them_and_downloads_the_class_list(
    server: Server, page: Any, tmp_path: Path
) -> None:
    before = password_rows(server.database_url)
    open_app(page, server.url)
    expect_login_form(page)

    log_in(page)
    expect(page.get_by_role("heading", name="Gestion des accès apprenants")).to_be_visible()

    choose_class(page, CLASS)
    grid = page.get_by_test_id("stDataFrame").first
    expect(column_cells(grid, 1)).to_have_text([p.last_name for p in CLASS_PUPILS])
    expect(column_cells(grid, 3)).to_have_text([p.login for p in CLASS_PUPILS])
    expect(column_cells(grid, 0)).to_have_text(["false"] * len(CLASS_PUPILS))

    tick(page, grid, TICKED_ROWS)
    expect(column_cells(grid, 0)).to_have_text(
        ["true" if i in TICKED_ROWS else "false" for i in range(len(CLASS_PUPILS))]
    )
    expect(page.get_by_text(f"2 élèves marqués sur {len(CLASS_PUPILS)}.")).to_be_visible()

    page.get_by_role("button", name="Réinitialiser tous les comptes marqués").click()
    settle(page)
    dialog = page.get_by_role("dialog")
    ticked = [CLASS_PUPILS[i] for i in TICKED_ROWS]
    for pupil in ticked:
        expect(dialog.get_by_text(f"{pupil.last_name} {pupil.first_name}")).to_be_visible()
    for pupil in set(CLASS_PUPILS) - set(ticked):
        expect(dialog.get_by_text(pupil.last_name)).to_have_count(0)

    dialog.get_by_role("button", name="Confirmer la réinitialisation").click()
    settle(page)
    expect(page.get_by_text("2 mots de passe réinitialisés.")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)

    after = password_rows(server.database_url)
    for pupil in ticked:
        hashed, must_change = after[pupil.login]
        assert verifies(initial_password(pupil.birth_date), hashed), pupil.login
        assert not verifies(initial_password(pupil.birth_date), before[pupil.login][0])
        assert must_change, pupil.login
    unchanged = {
        login: row for login, row in before.items() if login not in {p.login for p in ticked}
    }
    assert {login: after[login] for login in unchanged} == unchanged

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Liste des identifiants des élèves").click()
    download = download_info.value
    assert download.suggested_filename == "identifiants_5e_B.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    settle(page)
    check_workbook(saved, CLASS_PUPILS)


def check_workbook(path: Path, pupils: list[Pupil]) -> None:
    sheet = load_workbook(path).active
    rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    assert rows[0][:4] == ("Nom", "Prénom", "Login", "Date de naissance")
    learners = [row for row in rows[1:] if row[2] is not None]
    found = {row[2]: row[3] for row in learners}
    birth_dates = {
        login: value.date() if isinstance(value, datetime) else value
        for login, value in found.items()
    }
    expected: dict[str, date] = {p.login: p.birth_date for p in pupils}
    assert birth_dates == expected
    assert [row[0] for row in learners] == [p.last_name for p in pupils]


def expect_login_required(page: Any, url: str) -> None:
    """Opening ``url`` shows the login form or the login-required notice, and no learner."""
    open_app(page, url)
    username_label, notice = (
        ("Username", "Log in with an administrator account")
        if "lang=en" in url
        else ("Identifiant", "Connectez-vous avec un compte administrateur")
    )
    login_form = page.get_by_label(username_label, exact=True)
    expect(login_form.or_(page.get_by_text(notice)).first).to_be_visible()
    expect_no_learner_data(page)


@pytest.mark.parametrize("page_path", PAGE_URL_PATHS)
def test_a_page_url_opened_first_on_a_fresh_server_asks_for_the_login(
    server: Server, page: Any, page_path: str
) -> None:
    # On a fresh server Streamlit may run the page's script before dashboard.py has declared
    # the navigation: the page's own guard must stop it.
    expect_login_required(page, f"{server.url}/{page_path}")


def test_every_url_asks_for_the_login_on_a_fresh_server(server: Server, page: Any) -> None:
    pages = [f"/{name}" for name in PAGE_URL_PATHS]
    for path in ("/", *pages, "/acces", "/?lang=en"):
        expect_login_required(page, server.url + path)


def test_logout_returns_to_the_login_form_and_hides_the_data(server: Server, page: Any) -> None:
    open_app(page, server.url)
    log_in(page)
    grid = page.get_by_test_id("stDataFrame").first
    first_class = [p for p in PUPILS if p.class_name == "4e C"]
    expect(column_cells(grid, 1)).to_have_text([p.last_name for p in first_class])

    page.get_by_test_id("stSidebar").get_by_role("button", name="Se déconnecter").click()
    settle(page)
    expect_login_form(page)
    expect_no_learner_data(page)

    page.reload()
    settle(page)
    expect_login_form(page)
    expect_no_learner_data(page)
