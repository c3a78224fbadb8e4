"""The learner search and the « Vue d'ensemble » page in a real browser: find a learner without
knowing the class, mark the result, reset it with confirmation; open a class from the overview.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from access_core.accounts.passwords import initial_password
from tests.browser.conftest import PUPILS, Server, settle
from tests.support.browser_dashboard import (
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

SEARCH_LABEL = "Rechercher un élève (nom, prénom ou login)"
GARNAUDEL = next(p for p in PUPILS if p.last_name == "Garnaudel")  # 5e B, personal password
VAUQUELIN = next(p for p in PUPILS if p.deactivated)


def search(page: Any, text: str) -> Any:
    box = page.get_by_label(SEARCH_LABEL)
    box.fill(text)
    box.press("Enter")
    settle(page)
    return page.get_by_test_id("stDataFrame").first  # the results, above the class table


def test_search_mark_a_result_and_reset_it_with_confirmation(server: Server, page: Any) -> None:
    before = password_rows(server.database_url)
    open_app(page, server.url)
    log_in(page)

    grid = search(page, "GARNAUD")  # upper case, part of the name
    expect(column_cells(grid, 1)).to_have_text([GARNAUDEL.last_name])
    expect(column_cells(grid, 4)).to_have_text([GARNAUDEL.class_name])
    expect(column_cells(grid, 5)).to_have_text(["Actif"])
    tick(page, grid, (0,))
    expect(page.get_by_text("1 élève marqué sur 1.")).to_be_visible()

    page.get_by_role("button", name="Réinitialiser les comptes marqués (recherche)").click()
    settle(page)
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(f"{GARNAUDEL.last_name} {GARNAUDEL.first_name}")).to_be_visible()
    dialog.get_by_role("button", name="Confirmer la réinitialisation").click()
    settle(page)
    expect(page.get_by_text("1 mot de passe réinitialisé.")).to_be_visible()

    after = password_rows(server.database_url)
    hashed, must_change = after[GARNAUDEL.login]
    assert verifies(initial_password(GARNAUDEL.birth_date), hashed) and must_change
    assert {k: v for k, v in after.items() if k != GARNAUDEL.login} == {
        k: v for k, v in before.items() if k != GARNAUDEL.login
    }


def test_a_deactivated_learner_is_found_and_labelled(server: Server, page: Any) -> None:
    open_app(page, server.url)
    log_in(page)
    grid = search(page, "vauquel")
    expect(column_cells(grid, 1)).to_have_text([VAUQUELIN.last_name])
    expect(column_cells(grid, 5)).to_have_text([re.compile("^Désactivé le ")])


def test_the_overview_opens_a_class_with_only_its_initial_passwords(
    server: Server, page: Any
) -> None:
    open_app(page, server.url)
    log_in(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Vue d'ensemble").click()
    settle(page)
    expect(page.get_by_role("heading", name="Vue d'ensemble")).to_be_visible()
    # the six school figures and « À supprimer sous 7 jours » (the retention term)
    expect(page.get_by_test_id("stMetric")).to_have_count(7)
    expect(page.get_by_test_id("stMetric").first).to_contain_text("À supprimer sous 7 jours")
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(1)
    grid = page.get_by_test_id("stDataFrame").first
    # 5e B: 4 active, 3 personalised; lowest rate first: 4e C (0 %), 6e A (0 %), 5e B (75 %).
    expect(column_cells(grid, 1)).to_have_text(["4e C", "6e A", "5e B"])  # 0: row selectors
    box = grid.get_by_test_id("stDataFrameResizable").bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 * 3 + 17)  # the row selector of 5e B
    settle(page)
    expect(page.get_by_role("heading", name="Gestion des accès apprenants")).to_be_visible()
    expect(page.get_by_label("Seulement les mots de passe initiaux")).to_be_checked()
    classes = page.get_by_test_id("stDataFrame").first
    expect(column_cells(classes, 1)).to_have_text(["Lhermitte"])  # the only initial one
