"""« Comptes » in Chromium: an administrator creates a teacher, the teacher logs in with the
password shown once, must choose their own before anything else (a page's URL included), then
reaches the dashboard.

(The teacher's reset of a pupil of their class needs the scope work on the roster services; this
test ends at the dashboard page.)"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from tests.browser.conftest import Server, settle
from tests.support.browser_dashboard import expect, log_in, open_app, verifies

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
    page.get_by_label("Identifiant du nouveau compte").fill("prof.durand")
    page.get_by_test_id("stMultiSelect").filter(has_text="Classes de l'enseignant").click()
    page.get_by_role("option", name="6e A", exact=True).click()
    page.keyboard.press("Escape")
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
    expect(page.get_by_text("Connecté : prof.durand")).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_role("link").first).to_be_visible()
    hashed, must_change, _ = account_row(server, "prof.durand")
    assert must_change == 0 and verifies(NEW_PASSWORD, hashed)
    page.screenshot(path=str(SCREENSHOTS / "comptes_teacher_in.png"), full_page=True)
