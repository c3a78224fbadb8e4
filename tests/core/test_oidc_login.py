"""Sign-in through an OpenID Connect provider (``accounts.oidc_login``), and the local
password form kept or switched off by ``ACCESS_LOCAL_LOGIN``, on each backend.

The claims are those Streamlit's ``st.user`` holds after a provider sign-in; the browser test
(``tests/browser/test_oidc_browser.py``) obtains them from a real local provider.
"""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from access_core.accounts import admins, oidc_login, sessions
from access_core.accounts.admin_login import LoginStatus, login, revoke_sessions
from access_core.accounts.oidc_login import OidcStatus, ProviderIdentity, sign_in
from access_core.accounts.passwords import verify_password
from access_core.audit import events as audit
from access_core.config import load_settings
from access_core.db.models import Admin, AdminSession
from access_core.errors import ConfigError
from tests.support.factories import ADMIN_PASSWORD, TEST_ROUNDS
from tests.support.sessions import POLICY

STAFF = "mme.durand@college.example"


def claims(email: str = STAFF, **more: Any) -> dict[str, Any]:
    """A fresh identity token's claims: a new nonce, issued now."""
    return {
        "iss": "http://idp.example",
        "sub": f"sub-{email}",
        "nonce": secrets.token_hex(8),
        "iat": int(datetime.now(UTC).timestamp()),
        "email": email,
        "email_verified": True,
        **more,
    }


def identity(**kwargs: Any) -> ProviderIdentity:
    return ProviderIdentity("ent", claims(**kwargs))


@pytest.fixture
def staff(db):
    admins.create_admin(db, STAFF, ADMIN_PASSWORD, TEST_ROUNDS)
    return STAFF


def test_an_existing_active_account_gets_a_live_session_like_a_password_login(db, settings, staff):
    result = sign_in(db, settings, identity(email="  MME.Durand@College.example "), POLICY)

    assert result.status is OidcStatus.OK and result.username == staff
    verdict = sessions.check(db, POLICY, result.session_id)
    assert verdict.live and verdict.username == staff
    event = audit.events(db, action="login_succeeded", limit=1)[0]
    assert event.actor == staff
    assert event.details["method"] == "oidc" and event.details["provider"] == "ent"


def test_the_username_claim_is_the_one_the_settings_name(db, settings, staff):
    by_login = replace(settings, oidc_username_claim="preferred_username")
    token = claims(email="someone.else@example.org", preferred_username=staff)

    assert sign_in(db, by_login, ProviderIdentity("ent", token), POLICY).ok
    missing = sign_in(db, by_login, identity(), POLICY)  # no preferred_username claim
    assert missing.status is OidcStatus.NO_CLAIM and missing.session_id is None


def test_an_unknown_identity_is_refused_journalled_and_never_created(db, settings, staff):
    result = sign_in(db, settings, identity(email="intrus@example.org"), POLICY)

    assert result.status is OidcStatus.UNKNOWN and result.session_id is None
    refused = audit.events(db, action="oidc_login_refused", limit=1)[0]
    assert refused.details["identity"] == "intrus@example.org"
    assert refused.details["refusal"] == "unknown" and refused.details["method"] == "oidc"
    with db.transaction() as session:
        assert session.scalar(select(Admin).where(Admin.username == "intrus@example.org")) is None


def test_a_disabled_account_is_refused_and_journalled(db, settings, staff):
    admins.disable_admin(db, staff)

    result = sign_in(db, settings, identity(), POLICY)

    assert result.status is OidcStatus.DISABLED and result.session_id is None
    refused = audit.events(db, action="oidc_login_refused", limit=1)[0]
    assert refused.actor == staff and refused.details["refusal"] == "disabled"


def test_with_auto_creation_an_unknown_identity_becomes_a_teacher_with_no_class(db, settings):
    creating = replace(settings, oidc_create_teachers=True)

    result = sign_in(
        db, creating, identity(email="m.leroy@college.example", name="M. Leroy"), POLICY
    )

    assert result.ok and result.created
    with db.transaction() as session:
        account = session.scalar(select(Admin).where(Admin.username == "m.leroy@college.example"))
        assert account is not None
        assert (account.role, account.all_schools, account.display_name) == (
            "teacher",
            False,
            "M. Leroy",
        )
        assert not verify_password("", account.password_hash)  # no usable local password
    assert login(db, settings, "m.leroy@college.example", "anything long enough").status is (
        LoginStatus.REFUSED
    )
    assert sessions.check(db, POLICY, result.session_id).live


@pytest.mark.parametrize("name", ["system", "learner", "cli:root"])
def test_auto_creation_never_makes_an_account_named_like_a_journal_actor(db, settings, name):
    creating = replace(settings, oidc_create_teachers=True)

    result = sign_in(db, creating, identity(email=name), POLICY)

    assert result.status is OidcStatus.UNKNOWN and result.session_id is None
    with db.transaction() as session:
        assert session.scalar(select(Admin).where(Admin.username == name)) is None
    refused = audit.events(db, action="oidc_login_refused", limit=1)[0]
    assert refused.details["refusal"] == "unknown"


def test_one_provider_token_opens_one_session_a_replayed_cookie_opens_nothing(db, settings, staff):
    once = identity()
    first = sign_in(db, settings, once, POLICY)
    sessions.end(db, first.session_id, "logout")

    replayed = sign_in(db, settings, once, POLICY)

    assert first.ok and replayed.status is OidcStatus.STALE and replayed.session_id is None


def test_the_same_token_in_two_tabs_at_once_opens_one_session(db, settings, staff):
    once = identity()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: sign_in(db, settings, once, POLICY), range(2)))

    assert sorted(r.status.value for r in results) == ["ok", "stale"]
    with db.transaction() as session:
        assert len(session.scalars(select(AdminSession)).all()) == 1


def test_a_token_issued_long_ago_opens_nothing(db, settings, staff):
    old = claims(iat=int((datetime.now(UTC) - timedelta(minutes=11)).timestamp()))
    undated = {k: v for k, v in claims().items() if k != "iat"}

    assert sign_in(db, settings, ProviderIdentity("ent", old), POLICY).status is OidcStatus.STALE
    assert sign_in(db, settings, ProviderIdentity("ent", undated), POLICY).status is (
        OidcStatus.STALE
    )


def test_after_revocation_a_new_sign_in_opens_a_fresh_session_only_while_active(
    db, settings, staff
):
    before = sign_in(db, settings, identity(), POLICY)
    revoke_sessions(db, staff, "system", "password_changed")
    assert not sessions.check(db, POLICY, before.session_id).live

    again = sign_in(db, settings, identity(), POLICY)
    assert again.ok and sessions.check(db, POLICY, again.session_id).live

    admins.disable_admin(db, staff)
    assert not sessions.check(db, POLICY, again.session_id).live
    assert sign_in(db, settings, identity(), POLICY).status is OidcStatus.DISABLED


def test_a_provider_session_ends_by_idleness_like_any_other(db, settings, staff):
    result = sign_in(db, settings, identity(), POLICY)
    later = datetime.now(UTC) + POLICY.idle + timedelta(minutes=1)

    assert sessions.check(db, POLICY, result.session_id, now=later).status is (
        sessions.SessionStatus.IDLE
    )


def test_the_password_login_says_its_method(db, settings, staff):
    assert login(db, settings, staff, ADMIN_PASSWORD).ok
    assert audit.events(db, action="login_succeeded", limit=1)[0].details["method"] == "password"


def test_local_login_off_refuses_every_password_even_the_right_one(db, settings, staff):
    off = replace(settings, local_login="off")

    result = login(db, off, staff, ADMIN_PASSWORD)

    assert result.status is LoginStatus.REFUSED
    failed = audit.events(db, action="login_failed", limit=1)[0]
    assert failed.details["refusal"] == "local_login_off"
    assert sign_in(db, off, identity(), POLICY).ok  # the provider still lets them in


def test_breakglass_keeps_the_password_form_for_the_named_accounts_only(db, settings, staff):
    admins.create_admin(db, "secours", ADMIN_PASSWORD, TEST_ROUNDS)
    breakglass = replace(settings, local_login="breakglass", breakglass_accounts=("secours",))

    assert login(db, breakglass, "Secours", ADMIN_PASSWORD).ok
    assert login(db, breakglass, staff, ADMIN_PASSWORD).status is LoginStatus.REFUSED


def test_the_settings_are_read_and_checked():
    loaded = load_settings(
        {
            "ACCESS_OIDC_USERNAME_CLAIM": "preferred_username",
            "ACCESS_OIDC_CREATE_TEACHERS": "true",
            "ACCESS_LOCAL_LOGIN": "breakglass",
            "ACCESS_BREAKGLASS_ACCOUNTS": " Secours, admin ,",
        }
    )
    assert loaded.oidc_username_claim == "preferred_username"
    assert loaded.oidc_create_teachers is True
    assert (loaded.local_login, loaded.breakglass_accounts) == ("breakglass", ("admin", "secours"))
    defaults = load_settings({})
    assert (defaults.oidc_username_claim, defaults.local_login) == ("email", "all")
    assert not defaults.oidc_create_teachers
    for bad in (
        {"ACCESS_LOCAL_LOGIN": "some"},
        {"ACCESS_OIDC_CREATE_TEACHERS": "maybe"},
        {"ACCESS_OIDC_USERNAME_CLAIM": "e mail"},
    ):
        with pytest.raises(ConfigError):
            load_settings(bad)


def test_no_marker_hash_is_a_bcrypt_hash():
    assert not verify_password("!", oidc_login.NO_LOCAL_PASSWORD)


@pytest.mark.parametrize("value", [["admin"], 42, "", "   ", "adm\x00in", "a" * 151, None])
def test_a_claim_that_is_not_a_name_opens_nothing(db, settings, admin, value):
    result = sign_in(db, settings, ProviderIdentity("ent", claims(email=value)), POLICY)

    assert result.status is OidcStatus.NO_CLAIM and result.session_id is None
    assert audit.events(db, action="oidc_login_refused", limit=1)[0].details["refusal"] == (
        "no_claim"
    )


@pytest.mark.parametrize("spelling", ["mme.dùrand@college.example", "mme.durand@collége.example"])
def test_an_identity_differing_by_an_accent_is_unknown_whatever_the_collation(
    db, settings, staff, spelling
):
    """MariaDB's default collation finds « mme.durand@… » for « mme.dùrand@… »: the claim
    is compared exactly after the lookup, so it names no account."""
    result = sign_in(db, settings, identity(email=spelling), POLICY)

    assert result.status is OidcStatus.UNKNOWN and result.session_id is None
    refused = audit.events(db, action="oidc_login_refused", limit=1)[0]
    assert refused.actor != staff and refused.details["refusal"] == "unknown"
    with db.transaction() as session:
        assert len(session.scalars(select(AdminSession)).all()) == 0
    # With auto-creation: a new teacher where the name is free, refused where the collation
    # makes it the administrator's; never the administrator's session.
    creating = sign_in(
        db, replace(settings, oidc_create_teachers=True), identity(email=spelling), POLICY
    )
    assert creating.username == spelling
    if creating.ok:
        assert sessions.check(db, POLICY, creating.session_id).username == spelling


def test_a_password_login_spelled_with_an_accent_opens_nothing_even_with_the_password(
    db, settings, staff
):
    result = login(db, settings, "mme.dùrand@college.example", ADMIN_PASSWORD)

    assert result.status is LoginStatus.REFUSED
    assert audit.events(db, action="login_failed", limit=1)[0].actor != staff


@pytest.mark.parametrize("verified", [False, "false", None, "yes"])
def test_an_email_the_provider_does_not_say_verified_opens_nothing(db, settings, staff, verified):
    token = claims(email="  MME.Durand@College.example ")
    if verified is None:
        del token["email_verified"]
    else:
        token["email_verified"] = verified

    result = sign_in(db, settings, ProviderIdentity("ent", token), POLICY)

    assert result.status is OidcStatus.EMAIL_UNVERIFIED and result.session_id is None
    refused = audit.events(db, action="oidc_login_refused", limit=1)[0]
    assert refused.details["refusal"] == "email_unverified" and refused.actor != staff
    with db.transaction() as session:
        assert len(session.scalars(select(AdminSession)).all()) == 0


def test_email_verified_is_not_asked_of_another_claim(db, settings, staff):
    by_login = replace(settings, oidc_username_claim="preferred_username")
    token = claims(preferred_username=staff, email_verified=False)

    assert sign_in(db, by_login, ProviderIdentity("ent", token), POLICY).ok
