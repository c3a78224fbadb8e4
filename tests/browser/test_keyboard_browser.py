"""Issue 25 item 5: a reset without the mouse — choose a class, tick two learners, confirm."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from tests.browser.conftest import Server, settle
from tests.support.browser_dashboard import CLASS, log_in, open_app

pytestmark = pytest.mark.timeout(300)

TICKED = (0, 2)  # Garnaudel Inès (row 1), Pétrequin Maëlle (row 3)
RESET = "Réinitialiser tous les comptes marqués"
CONFIRM = "Confirmer la réinitialisation"
# the grid takes the keyboard on its canvas (after the grid toolbar's buttons)
IN_GRID = "document.activeElement?.tagName === 'CANVAS'"


def test_a_reset_can_be_made_with_the_keyboard_only(server: Server, page: Any) -> None:
    from playwright.sync_api import expect

    open_app(page, server.url)
    log_in(page)
    combo = page.get_by_role("combobox", name="Classe")
    combo.focus()
    page.keyboard.type(CLASS)
    page.keyboard.press("Enter")
    settle(page)
    for _ in range(20):  # Tab from « Classe » past the toggle and the two buttons to the grid
        page.keyboard.press("Tab")
        if page.evaluate(IN_GRID):
            break
    else:
        pytest.fail("the learners' grid cannot be reached with Tab")
    row = 0  # focus selects the first row's « Réinitialiser » cell
    for target in TICKED:  # down to the row, Space ticks its box
        for _ in range(target - row):
            page.keyboard.press("ArrowDown")
        page.keyboard.press(" ")
        row = target
    settle(page)
    expect(page.get_by_text("2 élèves marqués sur 4.")).to_be_visible()

    tab_to(page, RESET)
    page.keyboard.press("Enter")
    settle(page)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    tab_to(page, CONFIRM)
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_text("2 mots de passe réinitialisés", exact=False)).to_be_visible()
    db = Database.from_url(server.database_url)
    try:
        with db.transaction() as session:
            initial = set(
                session.scalars(select(Learner.login).where(Learner.must_change_password)).all()
            )
    finally:
        db.dispose()
    assert {"ines.garnaudel", "maelle.petrequin"} <= initial
    assert "soline.rouvroy" not in initial  # personalised, not ticked: untouched


def tab_to(page: Any, label: str, limit: int = 40) -> None:
    """Press Tab until the focused element is the button ``label`` (no mouse)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.innerText")
        if focused and focused.strip() == label:
            return
    pytest.fail(f"« {label} » cannot be reached with Tab")
