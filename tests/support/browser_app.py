"""Browser helpers for the ``app.py`` server (the entry with the security headers): its login
cookie, the login form, the import page's metrics, SQL on its database."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from typing import Any

import pytest

from tests.browser.conftest import Server, settle
from tests.support.factories import ADMIN_PASSWORD, ADMIN_USERNAME

expect: Any
try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with the reason
    expect = None


COOKIE_NAME = "acces_apprenants_auth"
SESSION_HOURS = 12  # the default ACCESS_SESSION_HOURS, which the server below keeps
COOKIE_WAIT_S = 15.0
MAIN_TITLE = "Gestion des accès apprenants"
AppServer = Server  # start_server serves app.py and keeps its cookie key


def open_app(page: Any, url: str) -> Any:
    """Open ``url`` and wait until Streamlit is idle."""
    response = page.goto(url)
    settle(page)
    return response


def log_in(page: Any) -> None:
    page.get_by_label("Identifiant", exact=True).fill(ADMIN_USERNAME)
    page.get_by_label("Mot de passe", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    settle(page)


def expect_login_form(page: Any) -> None:
    expect(page.get_by_label("Identifiant", exact=True)).to_be_visible()
    expect(page.get_by_label("Mot de passe", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def expect_logged_in(page: Any) -> None:
    expect(page.get_by_role("heading", name=MAIN_TITLE)).to_be_visible()
    expect(page.get_by_label("Identifiant", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()


def login_cookie(page: Any, name: str = COOKIE_NAME) -> dict[str, Any]:
    """The login cookie (``name``: under a base path, its name carries the path), once the
    page's script has stored it (readiness polling)."""
    deadline = time.monotonic() + COOKIE_WAIT_S
    while time.monotonic() < deadline:
        for cookie in page.context.cookies():
            if cookie["name"] == name:
                return dict(cookie)
        page.wait_for_timeout(100)
    pytest.fail(f"no {name} cookie {COOKIE_WAIT_S:.0f} s after the login")


def sql(server: Server, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(server.database_url.removeprefix("sqlite:///"))) as conn:
        return conn.execute(query, params).fetchall()


def metric(page: Any, label: str) -> Any:
    return (
        page.get_by_test_id("stMetric")
        .filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
        .get_by_test_id("stMetricValue")
    )
