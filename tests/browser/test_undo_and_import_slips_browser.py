"""In Chromium: the reset's notice offers « Annuler cette réinitialisation » and it gives the
exact passwords back; the import's result offers « Fiches des nouveaux élèves (PDF) » holding
exactly the new pupils. Screenshots of both are kept beside the test's files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server, choose_class, settle
from tests.support.browser_dashboard import (
    CLASS,
    CLASS_PUPILS,
    TICKED_ROWS,
    log_in,
    open_app,
    password_rows,
    tick,
)
from tests.support.slips_helpers import page_count, slip_texts

pytestmark = pytest.mark.browser

expect: Any
try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with the reason
    expect = None

NEWCOMERS = (
    "Nom;Prénom;Date de naissance;Classe\nZola;Émile;01/02/2013;6e A\nAbel;Inès;03/04/2013;5e B\n"
)


def test_the_notice_undoes_the_reset(server: Server, page: Any, tmp_path: Path) -> None:
    before = password_rows(server.database_url)
    open_app(page, server.url)
    log_in(page)
    choose_class(page, CLASS)
    grid = page.get_by_test_id("stDataFrame").first
    tick(page, grid, TICKED_ROWS)
    page.get_by_role("button", name="Réinitialiser tous les comptes marqués").click()
    settle(page)
    page.get_by_role("dialog").get_by_role("button", name="Confirmer la réinitialisation").click()
    settle(page)
    expect(page.get_by_text("2 mots de passe réinitialisés.")).to_be_visible()
    undo = page.get_by_role("button", name="Annuler cette réinitialisation")
    expect(undo).to_be_visible()
    page.screenshot(path=str(tmp_path / "reset_notice_undo.png"), full_page=False)
    assert password_rows(server.database_url) != before

    undo.click()
    settle(page)

    expect(
        page.get_by_text("Réinitialisation annulée : 2 élèves ont retrouvé leur mot de passe")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Annuler cette réinitialisation")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "reset_undone.png"), full_page=False)
    assert password_rows(server.database_url) == before
    assert len(CLASS_PUPILS) > 2


def test_the_import_result_offers_the_new_pupils_slips(
    server: Server, page: Any, tmp_path: Path
) -> None:
    roster = tmp_path / "rentree.csv"
    roster.write_text(NEWCOMERS, encoding="utf-8")
    open_app(page, server.url)
    log_in(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Import").click()
    settle(page)
    page.get_by_text("Import partiel", exact=False).click()
    settle(page)
    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(roster)
    settle(page)
    page.get_by_role("button", name="Appliquer l'import").click()
    settle(page)
    expect(page.get_by_text("Import appliqué : 2 nouveaux", exact=False)).to_be_visible()
    button = page.get_by_role("button", name="Fiches des nouveaux élèves (PDF)")
    expect(button).to_be_visible()
    page.screenshot(path=str(tmp_path / "import_result_slips.png"), full_page=True)

    with page.expect_download() as download_info:
        button.click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    data = saved.read_bytes()
    assert [text.split("\n")[1] for text in slip_texts(data)] == ["Abel Inès", "Zola Émile"]
    assert page_count(data) == 2  # 5e B, then 6e A on a page of its own
