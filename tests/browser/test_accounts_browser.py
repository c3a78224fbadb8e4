"""« Comptes » in Chromium: an administrator creates a teacher, the teacher logs in with the
password shown once, must choose their own before anything else (a page's URL included), then
reaches the dashboard, resets a pupil of their class, and finds no pupil of another class by
search nor reaches the import page by its URL."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from tests.browser.conftest import Server, settle
from tests.support.browser_dashboard import (
    expect,
    log_in,
    open_app,
    password_rows,
    pick_option,
    tick,
    verifies,
)

NEW_PASSWORD = "le mot de passe du prof"
SCREENSHOTS = Path("/tmp")  # where a human looks at the page (the report names the files)


def account_row(server: Server, username: str) -> tuple[str, int, str]:
    path = server.database_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as conn:
        row = conn.execute(
            "SELECT password_hash, must_change_password, role FROM admins WHERE username = ?",
            (username,),
        ).fetchone()
    assert row is not None
    return str(row[0]), int(row[1]), str(row[2])


def test_an_administrator_creates_a_teacher_who_chooses_a_password_then_gets_in(
    server: Server, page: Any
) -> None:
    open_app(page, server.url)
    log_in(page)
    open_app(page, f"{server.url}/comptes")
    expect(page.get_by_role("heading", name="Comptes du personnel")).to_be_visible()

    page.get_by_text("Créer un compte").click()
    settle(page)
    expect(page.get_by_text("Classes de l'enseignant")).to_be_visible()
    page.get_by_label("Identifiant du nouveau compte").fill("prof.durand")
    page.keyboard.press("Tab")  # the field commits its text before the list opens
    classes_box = page.get_by_role("combobox", name="Classes de l'enseignant")
    pick_option(page, classes_box, "6e A")
    page.keyboard.press("Escape")
    chosen = page.get_by_test_id("stMultiSelect").filter(has_text="Classes de l'enseignant")
    expect(chosen).to_contain_text("6e A")
    page.get_by_role("button", name="Créer le compte").click()
    settle(page)
    code = page.get_by_test_id("stCode")
    expect(code).to_have_count(1)
    password = code.inner_text().strip()
    page.screenshot(path=str(SCREENSHOTS / "comptes_created.png"), full_page=True)
    hashed, must_change, role = account_row(server, "prof.durand")
    assert role == "teacher" and must_change == 1 and verifies(password, hashed)
    assert password not in server.log()

    page.get_by_role("button", name="Se déconnecter").click()
    settle(page)
    log_in(page, "prof.durand", password)
    form_title = page.get_by_role("heading", name="Choisissez votre mot de passe")
    expect(form_title).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "comptes_first_login.png"), full_page=True)
    open_app(page, f"{server.url}/journal")  # a page by its URL: the same form, nothing else
    expect(form_title).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_role("link")).to_have_count(0)

    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nouveau mot de passe (encore)", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()
    settle(page)
    expect(form_title).to_have_count(0)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Connecté : prof.durand")
    expect(page.get_by_test_id("stSidebar").get_by_role("link").first).to_be_visible()
    hashed, must_change, _ = account_row(server, "prof.durand")
    assert must_change == 0 and verifies(NEW_PASSWORD, hashed)
    page.screenshot(path=str(SCREENSHOTS / "comptes_teacher_in.png"), full_page=True)

    # their class only, and a reset of one of its pupils (Brizard Tiago, 6e A's first row)
    open_app(page, f"{server.url}/learner_access")
    classes = page.get_by_test_id("stSelectbox").filter(has_text="Classe")
    classes.click()
    expect(page.get_by_role("option", name="6e A", exact=True)).to_have_count(1)
    shown = set(page.get_by_role("option").all_inner_texts())
    assert not shown & {"5e B", "4e C"}, shown  # the school's other classes are not theirs
    page.get_by_role("option", name="6e A", exact=True).click()
    settle(page)
    before = password_rows(server.database_url)
    grid = page.get_by_test_id("stDataFrame").first
    tick(page, grid, (0,))
    page.get_by_role("button", name="Réinitialiser tous les comptes marqués").click()
    settle(page)
    page.get_by_role("button", name="Confirmer la réinitialisation").click()
    settle(page)
    expect(page.get_by_text("1 mot de passe réinitialisé")).to_be_visible()
    after = password_rows(server.database_url)
    changed = {login for login in after if after[login] != before[login]}
    assert changed == {"tiago.brizard"} and after["tiago.brizard"][1]

    # a pupil of another class (Lhermitte Yanis, 5e B) is not found, as an unknown name
    search = page.get_by_label("Rechercher un élève (nom, prénom ou login)")
    search.fill("lhermitte")
    search.press("Enter")
    settle(page)
    expect(page.get_by_text("Aucun élève ne correspond à cette recherche.")).to_be_visible()
    assert "yanis.lhermitte" not in page.content()
    open_app(page, f"{server.url}/import_roster")
    expect(page.get_by_text("Cette page est réservée aux administrateurs.")).to_be_visible()
