"""The login page with an OpenID Connect provider configured, and ``ACCESS_LOCAL_LOGIN``
(AppTest on a real SQLite database). The sign-in itself goes through a real provider in
``tests/browser/test_oidc_browser.py``: AppTest cannot follow ``st.login``'s redirect."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from access_core.accounts import admins
from access_core.accounts.oidc_login import OidcStatus
from access_core.db.unit_of_work import Database
from access_core.text.catalogue import MESSAGES, t
from access_ui.oidc import _REFUSAL_KEYS
from tests.support.factories import ADMIN_PASSWORD, TEST_ROUNDS
from tests.support.pages import (
    LOGIN_FAILED,
    dashboard,
    logged_in,
    login_fields,
    login_through_form,
    no_exception,
    texts,
)

pytestmark = pytest.mark.usefixtures("started_server")

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-for-the-test-only-000",
    "ent": {
        "display_name": "ENT **gras**",
        "client_id": "acces-apprenants",
        "client_secret": "not-a-real-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    },
}


def with_provider(at: AppTest) -> AppTest:
    at.secrets["auth"] = AUTH
    return at


def buttons(at: AppTest) -> list[str]:
    """The provider buttons (the form's « Se connecter » is a button too)."""
    return [b.label for b in at.button if b.label.startswith("Se connecter avec")]


def test_the_provider_button_stands_above_the_password_form(app_db: Database, admin: str):
    at = with_provider(dashboard()).run()

    no_exception(at)
    # the label is shown literally: no markdown from the secrets file
    assert buttons(at) == [r"Se connecter avec ENT \*\*gras\*\*"]
    assert login_fields(at) == ["Identifiant", "Mot de passe"]


def test_without_auth_there_is_no_provider_button(app_db: Database, admin: str):
    at = dashboard().run()

    no_exception(at)
    assert buttons(at) == []
    assert login_fields(at) == ["Identifiant", "Mot de passe"]


def test_local_login_off_shows_only_the_provider(app_env, app_db: Database, admin: str):
    app_env.setenv("ACCESS_LOCAL_LOGIN", "off")

    at = with_provider(dashboard()).run()

    no_exception(at)
    assert buttons(at) == [r"Se connecter avec ENT \*\*gras\*\*"]
    assert login_fields(at) == []


def test_local_login_off_without_a_provider_says_no_way_in_is_configured(
    app_env, app_db: Database, admin: str
):
    app_env.setenv("ACCESS_LOCAL_LOGIN", "off")

    at = dashboard().run()

    no_exception(at)
    assert login_fields(at) == []
    assert texts(at.error) == [t("login_local_off_no_provider", "fr")]


def test_breakglass_lets_only_the_named_account_use_the_form(app_env, app_db: Database, admin: str):
    admins.create_admin(app_db, "secours", ADMIN_PASSWORD, TEST_ROUNDS)
    app_env.setenv("ACCESS_LOCAL_LOGIN", "breakglass")
    app_env.setenv("ACCESS_BREAKGLASS_ACCOUNTS", "secours")

    refused = dashboard().run()
    assert t("login_breakglass_only", "fr") in texts(refused.caption)
    login_through_form(refused, admin, ADMIN_PASSWORD)
    assert not logged_in(refused) and LOGIN_FAILED in texts(refused.error)

    allowed = dashboard().run()
    login_through_form(allowed, "secours", ADMIN_PASSWORD)
    no_exception(allowed)
    assert logged_in(allowed)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_refusal_of_the_provider_identity_has_its_own_wording(lang: str):
    refusals = set(OidcStatus) - {OidcStatus.OK, OidcStatus.STALE}
    assert set(_REFUSAL_KEYS) == refusals
    assert len(set(_REFUSAL_KEYS.values())) == len(refusals)
    for key in _REFUSAL_KEYS.values():
        assert key in MESSAGES[lang]
    assert "ENT" in t("oidc_email_unverified", lang, provider="ENT")
