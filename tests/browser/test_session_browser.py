"""Sessions in a real browser: the idle timeout survives a reload, and the login cookie the
browser actually stores has an explicit UTC expiry and ``Secure`` per ``ACCESS_COOKIE_SECURE``.

Idle time is made by moving the session's last activity back in the database, not by waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from sqlalchemy import update

from access_core.accounts import admin_login as admin_auth
from access_core.db.models import AdminSession
from access_core.db.unit_of_work import Database
from tests.browser.conftest import (
    Server,
    choose_class,
    expect_no_learner_data,
    settle,
)
from tests.support.browser_app import (
    COOKIE_NAME,
    MAIN_TITLE,
    expect_logged_in,
    expect_login_form,
    log_in,
    login_cookie,
    open_app,
)
from tests.support.factories import ADMIN_PASSWORD, ADMIN_USERNAME

pytestmark = pytest.mark.browser

expect: Any
try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with the reason
    expect = None

IDLE_NOTICE_1_MIN = "Session fermée après 1 minute d'inactivité : reconnectez-vous."


def idle_for(server: Server, delta: timedelta) -> None:
    """Every session on the server last active ``delta`` ago (as if nobody touched it)."""
    db = Database.from_url(server.database_url)
    try:
        with db.transaction(write=True) as session:
            session.execute(update(AdminSession).values(last_seen_at=datetime.now(UTC) - delta))
    finally:
        db.dispose()


COOKIE_GONE = "(name) => !document.cookie.split('; ').some((c) => c.startsWith(name + '='))"


def revoke(server: Server) -> None:
    db = Database.from_url(server.database_url)
    try:
        admin_auth.revoke_sessions(db, ADMIN_USERNAME, "other-admin", "disabled")
    finally:
        db.dispose()


def test_idle_past_the_timeout_then_a_reload_shows_the_login_form(
    launch_server: Callable[..., Server], context_page: Callable[..., Any]
) -> None:
    server = launch_server(ACCESS_IDLE_TIMEOUT_MINUTES="1")
    page = context_page()
    open_app(page, server.url)
    log_in(page)
    expect_logged_in(page)
    cookie = login_cookie(page)
    # On a loopback address with the default ACCESS_COOKIE_SECURE=auto: not Secure.
    assert cookie["secure"] is False

    # Control: a reload within the minute keeps the login (the cookie works).
    page.reload()
    settle(page)
    expect_logged_in(page)

    idle_for(server, timedelta(minutes=1, seconds=5))
    page.reload()
    settle(page)

    expect_login_form(page)
    expect(page.get_by_text(IDLE_NOTICE_1_MIN)).to_be_visible()
    expect_no_learner_data(page)
    # Reopening the browser with the same cookie gets no further.
    page.goto(server.url + "/learner_access")
    settle(page)
    expect_login_form(page)
    expect_no_learner_data(page)


def test_logout_removes_the_login_cookie_and_a_new_login_writes_a_new_one(
    server: Server, context_page: Callable[..., Any]
) -> None:
    """The page's script deletes the cookie at logout (the browser keeps no bearer token of a
    closed session) and writes the next login's, in the same tab, which a reload then
    resumes."""
    page = context_page()
    open_app(page, server.url)
    log_in(page)
    expect_logged_in(page)
    first = login_cookie(page)["value"]

    page.get_by_test_id("stSidebar").get_by_role("button", name="Se déconnecter").click()
    settle(page)
    expect_login_form(page)
    page.wait_for_function(COOKIE_GONE, arg=COOKIE_NAME)
    assert [c for c in page.context.cookies() if c["name"] == COOKIE_NAME] == []

    log_in(page)
    expect_logged_in(page)
    second = login_cookie(page)["value"]
    assert second != first
    page.reload()
    settle(page)
    expect_logged_in(page)


@pytest.mark.parametrize("path", ["", "/journal"])
def test_the_first_login_of_a_new_visit_goes_through_and_draws_no_frame(
    server: Server, context_page: Callable[..., Any], path: str
) -> None:
    """What is typed on a new visit's first form, and its first « Se connecter », reach the
    server with no other run in between (the form drawn before the navigation used to change
    identity after a session's first run, and a cookie component's report used to rerun the
    page: the login was then dropped, or the username typed early wiped). The login cookie is
    written by the page's own script: no frame before the login nor after it, so nothing
    reruns the page behind the administrator's back."""
    page = context_page()
    open_app(page, server.url + path)
    expect(page.locator("iframe")).to_have_count(0)  # a new visitor's form has no frame
    page.get_by_label("Identifiant", exact=True).fill(ADMIN_USERNAME)
    page.get_by_label("Mot de passe", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()  # no settle in between
    expect(page.get_by_label("Identifiant", exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", name=MAIN_TITLE)).to_be_visible()  # the first page
    assert login_cookie(page)["value"]
    settle(page)
    expect(page.locator("iframe")).to_have_count(0)


def test_a_class_switch_after_the_session_was_revoked_shows_the_login_form(
    server: Server, context_page: Callable[..., Any]
) -> None:
    """Choosing a class reruns the class view alone (a fragment), not the page's guard: the
    fragment checks the session itself, so a revoked session sees no other class's learners."""
    page = context_page()
    open_app(page, server.url)
    log_in(page)
    expect_logged_in(page)
    token = login_cookie(page)["value"]
    # the signed token is not left in the page's HTML once the cookie is written
    page.wait_for_function("() => !document.querySelector('script[data-login-cookie]')")
    assert token not in page.content()
    revoke(server)
    choose_class(page, "5e B")
    settle(page)
    expect_login_form(page)
    expect_no_learner_data(page)
    # and the browser keeps no bearer token of the closed session (no reload needed)
    page.wait_for_function(COOKIE_GONE, arg=COOKIE_NAME)


def test_a_dead_session_in_one_tab_leaves_the_cookie_of_a_new_login_in_another(
    server: Server, context_page: Callable[..., Any]
) -> None:
    """Tab B resumed from the cookie; tab A logs out (every session ends) and logs in again,
    writing a new cookie; B's next run finds its session over and deletes only the cookie of
    that session, not A's new one: A stays logged in through a reload."""
    a = context_page()
    open_app(a, server.url)
    log_in(a)
    expect_logged_in(a)
    login_cookie(a)
    b = context_page(reuse=a)
    open_app(b, server.url)
    expect_logged_in(b)  # resumed from the cookie

    a.get_by_test_id("stSidebar").get_by_role("button", name="Se déconnecter").click()
    settle(a)
    expect_login_form(a)
    a.wait_for_function(COOKIE_GONE, arg=COOKIE_NAME)
    log_in(a)
    expect_logged_in(a)
    second = login_cookie(a)["value"]

    b.get_by_test_id("stSidebar").get_by_role("link", name="Journal").click()  # a full run
    settle(b)
    expect_login_form(b)

    assert [c["value"] for c in a.context.cookies() if c["name"] == COOKIE_NAME] == [second]
    a.reload()
    settle(a)
    expect_logged_in(a)


def test_the_stored_cookie_is_secure_when_asked_and_expires_at_its_utc_instant(
    launch_server: Callable[..., Server], context_page: Callable[..., Any]
) -> None:
    """The server's clock in UTC, the browser's 14 hours ahead: a cookie whose expiry is
    written as a naive local time would expire 14 hours early (here: already expired)."""
    server = launch_server(ACCESS_COOKIE_SECURE="true", TZ="UTC")
    page = context_page(timezone_id="Pacific/Kiritimati")
    open_app(page, server.url)
    log_in(page)
    expect_logged_in(page)

    cookie = login_cookie(page)

    assert cookie["name"] == COOKIE_NAME
    assert cookie["secure"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/"
    claims = jwt.decode(cookie["value"], server.cookie_key, algorithms=["HS256"])
    assert abs(cookie["expires"] - claims["exp_date"]) < 2, (cookie["expires"], claims)
    hours_left = (claims["exp_date"] - datetime.now(UTC).timestamp()) / 3600
    assert 11.9 < hours_left <= 12  # the session's lifetime, ACCESS_SESSION_HOURS
