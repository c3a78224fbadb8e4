"""Browser helpers for the dashboard's class table (``dashboard.py`` server): open, log in,
read and tick the grid, read the passwords back."""

from __future__ import annotations

import io
import sqlite3
import unicodedata
from contextlib import closing
from typing import Any

import bcrypt
from PIL import Image

from tests.browser.conftest import (
    PUPILS,
    settle,
)
from tests.support.factories import ADMIN_PASSWORD, ADMIN_USERNAME

expect: Any
PlaywrightTimeout: Any
try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with the reason
    expect = None
    PlaywrightTimeout = TimeoutError


HEADER_PX = 35
ROW_PX = 35
CLASS = "5e B"
CLASS_PUPILS = sorted(  # as the dashboard lists them: by last name, ignoring accents
    (p for p in PUPILS if p.class_name == CLASS and not p.deactivated),
    key=lambda p: unicodedata.normalize("NFKD", p.last_name).encode("ascii", "ignore"),
)


TICKED_ROWS = (0, 2)  # Garnaudel Inès, Pétrequin Maëlle: both had a personal password


def pick_option(page: Any, box: Any, name: str, attempts: int = 3) -> None:
    """Open the list of the combobox ``box`` and click its option ``name``.

    In CI a multiselect's list once opened (« 4 options available ») and closed before the
    option could be clicked, right after a text field of the same form lost its focus. So the
    list is reopened when it is not there (readiness polling, bounded); the option chosen is
    asserted by the caller.
    """
    option = page.get_by_role("option", name=name, exact=True)
    for _ in range(attempts):
        box.click()
        try:
            option.wait_for(state="visible", timeout=3000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        option.click()
        return
    raise AssertionError(f"the list of options never showed {name!r}")


def open_app(page: Any, url: str) -> None:
    page.goto(url)
    settle(page)


def log_in(page: Any, username: str = ADMIN_USERNAME, password: str = ADMIN_PASSWORD) -> None:
    page.get_by_label("Identifiant", exact=True).fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    settle(page)


def column_cells(grid: Any, column: int) -> Any:
    """The cells of one column in the grid's hidden accessible table."""
    return grid.locator(f"[id^='glide-cell-{column}-']")


def checkbox_x(grid: Any) -> float:
    """The horizontal centre of the first column's checkboxes, in grid pixels.

    The grid is a canvas and the column width depends on the data: find the drawn box of
    the first row's checkbox (the first dark pixels of that row, past the grid border).
    """
    image = Image.open(io.BytesIO(canvas_of(grid).screenshot())).convert("RGB")
    y = HEADER_PX + ROW_PX // 2
    dark = [x for x in range(3, image.width) if max(image.getpixel((x, y))) < 200]
    assert dark, "no checkbox drawn in the first row of the grid"
    left = dark[0]
    right = max(x for x in dark if x < left + 30)
    return (left + right) / 2


def canvas_of(grid: Any) -> Any:
    return grid.get_by_test_id("stDataFrameResizable")


def tick(page: Any, grid: Any, rows: tuple[int, ...]) -> None:
    """Tick the checkbox of each row with a click where the canvas draws it."""
    x = checkbox_x(grid)
    for row in rows:
        box = canvas_of(grid).bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + HEADER_PX + row * ROW_PX + ROW_PX / 2)
        settle(page)
        expect(grid.locator(f"[id='glide-cell-0-{row}']")).to_have_text("true")


def password_rows(database_url: str) -> dict[str, tuple[str, bool]]:
    """login -> (password hash, must change password), read straight from the database."""
    path = database_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT login, password_hash, must_change_password FROM learners")
        return {login: (hashed, bool(must)) for login, hashed, must in rows}


def verifies(password: str, hashed: str) -> bool:
    return bcrypt.checkpw(password.encode(), hashed.encode())
