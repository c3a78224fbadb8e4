"""Sign-in through a real local OpenID Connect provider (oidc-provider-mock), end to end:
Streamlit's own ``st.login``, its HttpOnly identity cookie, then this project's server session.

The provider's authorization page signs in whoever's ``sub`` is typed, with the claim
``email`` equal to it; the dashboard matches ``email`` (the default claim) to an account.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from access_core.accounts import admins
from access_core.accounts.admin_login import revoke_sessions
from access_core.audit import events as audit
from access_core.db.models import AdminSession
from access_core.db.unit_of_work import Database
from tests.browser.conftest import Provider, Server, settle, write_auth_secrets
from tests.support.factories import ADMIN_PASSWORD, TEST_ROUNDS

pytestmark = pytest.mark.browser

STAFF = "mme.durand@college.example"
BUTTON = "Se connecter avec ENT de l'académie"


@pytest.fixture
def oidc_server(launch_server: Any, oidc_provider: Provider, tmp_path: Path) -> Server:
    secrets_file = write_auth_secrets(
        tmp_path / "secrets.toml", oidc_provider, label="ENT de l'académie"
    )
    server = launch_server(
        streamlit_args=(f"--secrets.files={secrets_file}",),
        ACCESS_SECRETS_FILE=str(secrets_file),
    )
    db = Database.from_url(server.database_url)
    try:
        admins.create_admin(db, STAFF, ADMIN_PASSWORD, TEST_ROUNDS)
    finally:
        db.dispose()
    return server


def _db(server: Server) -> Database:
    return Database.from_url(server.database_url)


def sign_in_at_provider(page: Any, server: Server, who: str) -> None:
    """From the login page: the provider's button, the provider's page, back to the app."""
    page.get_by_role("button", name=BUTTON).click()
    page.get_by_placeholder("sub").fill(who)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server.url}/**")
    settle(page)


def logged_in_as(page: Any, who: str) -> None:
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Connecté : {who}")
    expect(page.get_by_test_id("stSidebar").get_by_role("link")).not_to_have_count(0)


def on_login_page(page: Any) -> None:
    expect(page.get_by_role("button", name=BUTTON)).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_role("link")).to_have_count(0)


def test_an_active_account_signs_in_through_the_provider(page, oidc_server):
    page.goto(oidc_server.url)
    settle(page)
    expect(page.get_by_role("button", name="Se connecter", exact=True)).to_be_visible()

    sign_in_at_provider(page, oidc_server, STAFF)

    logged_in_as(page, STAFF)
    identity_cookies = [c for c in page.context.cookies() if c["name"] == "_streamlit_user"]
    assert identity_cookies and identity_cookies[0]["httpOnly"]
    db = _db(oidc_server)
    try:
        event = audit.events(db, action="login_succeeded", limit=1)[0]
        assert (event.actor, event.details["method"], event.details["provider"]) == (
            STAFF,
            "oidc",
            "ent",
        )
    finally:
        db.dispose()
    page.reload()  # a reload resumes the server session, as after a password login
    settle(page)
    logged_in_as(page, STAFF)


def test_an_unknown_identity_is_refused_with_a_clear_message(page, oidc_server):
    page.goto(oidc_server.url)
    settle(page)

    sign_in_at_provider(page, oidc_server, "intrus@example.org")

    expect(page.get_by_text("ne correspond à aucun compte")).to_be_visible()
    on_login_page(page)
    db = _db(oidc_server)
    try:
        refused = audit.events(db, action="oidc_login_refused", limit=1)[0]
        assert refused.details["identity"] == "intrus@example.org"
    finally:
        db.dispose()
    assert "event=oidc_login_refused" in oidc_server.log()


def test_a_disabled_account_is_refused(page, oidc_server):
    db = _db(oidc_server)
    try:
        admins.disable_admin(db, STAFF)
    finally:
        db.dispose()
    page.goto(oidc_server.url)
    settle(page)

    sign_in_at_provider(page, oidc_server, STAFF)

    expect(page.get_by_text("Votre compte est désactivé")).to_be_visible()
    on_login_page(page)


def test_after_revocation_only_a_new_sign_in_opens_a_session_and_only_while_active(
    page, oidc_server
):
    page.goto(oidc_server.url)
    settle(page)
    sign_in_at_provider(page, oidc_server, STAFF)
    logged_in_as(page, STAFF)

    db = _db(oidc_server)
    try:
        revoke_sessions(db, STAFF, "system", "password_changed")
        # The provider's identity cookie is still in the browser: it alone opens nothing.
        page.reload()
        settle(page)
        on_login_page(page)

        sign_in_at_provider(page, oidc_server, STAFF)  # a new sign-in at the provider
        logged_in_as(page, STAFF)

        admins.disable_admin(db, STAFF)
        page.reload()
        settle(page)
        on_login_page(page)
        sign_in_at_provider(page, oidc_server, STAFF)
        expect(page.get_by_text("Votre compte est désactivé")).to_be_visible()
        on_login_page(page)
    finally:
        db.dispose()


def test_logout_ends_the_session_and_the_providers_identity(page, oidc_server):
    page.goto(oidc_server.url)
    settle(page)
    sign_in_at_provider(page, oidc_server, STAFF)
    logged_in_as(page, STAFF)

    page.get_by_test_id("stSidebar").get_by_role("button", name="Se déconnecter").click()
    # Streamlit's /auth/logout sends the browser to the provider's end_session_endpoint
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{oidc_server.url}/**")
    settle(page)

    on_login_page(page)
    assert not [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    db = _db(oidc_server)
    try:
        with db.transaction() as session:
            reasons = session.scalars(
                select(AdminSession.end_reason).where(AdminSession.username == STAFF)
            ).all()
        assert reasons == ["logout"]
    finally:
        db.dispose()
