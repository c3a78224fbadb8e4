"""Sign-in with the school's identity provider: Streamlit's ``st.login`` (OpenID Connect).

The providers are the ``[auth]`` table of the secrets file Streamlit reads (one unnamed
provider, or one sub-table per named provider). The login page shows « Se connecter avec
<provider> » for each; the provider sends the browser back with Streamlit's HttpOnly identity
cookie, whose claims (``st.user``) are handed to ``access_core.accounts.oidc_login.sign_in``.
That cookie alone never grants anything: the service opens a server-side session (once per
identity token), and from then on the dashboard holds that session exactly as after a password
login (its own login cookie, the same check on every run, dialog and download). Logout also
calls ``st.logout`` (Streamlit then ends the provider's session when it offers an
``end_session_endpoint``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from access_core.accounts import oidc_login
from access_core.accounts.oidc_login import OidcLoginResult, OidcStatus, ProviderIdentity
from access_core.text.catalogue import t
from access_ui import context, session
from access_ui.feedback import call_or_stop
from access_ui.wording import literal, t_literal

log = logging.getLogger("access_ui")
TRIED = "oidc_token_tried"  # session-state key: the identity token this session already tried
REFUSAL = "oidc_refusal"  # session-state key: why the provider's identity was refused
DEFAULT = "default"  # Streamlit's name for the unnamed provider
_REFUSAL_KEYS = {
    OidcStatus.UNKNOWN: "oidc_unknown",
    OidcStatus.DISABLED: "oidc_disabled",
    OidcStatus.NO_CLAIM: "oidc_no_claim",
    OidcStatus.EMAIL_UNVERIFIED: "oidc_email_unverified",
}


@dataclass(frozen=True)
class Provider:
    name: str  # the [auth] sub-table's name, or "default"
    label: str  # what the button names: ``display_name``, else the table's name, else the host


def _auth_section() -> Mapping[str, Any]:
    with suppress(Exception):  # no secrets file, or one without [auth]
        section = st.secrets.get("auth")
        if isinstance(section, Mapping):
            return section
    return {}


def providers() -> list[Provider]:
    """The configured providers, in the secrets file's order."""
    section = _auth_section()
    found: list[Provider] = []
    if "client_id" in section:
        host = urlsplit(str(section.get("server_metadata_url", ""))).hostname or "OpenID Connect"
        found.append(Provider(DEFAULT, str(section.get("display_name") or host)))
    for name, table in section.items():
        if isinstance(table, Mapping) and "client_id" in table:
            found.append(Provider(str(name), str(table.get("display_name") or name)))
    return found


def _identity() -> ProviderIdentity | None:
    """The provider's identity this browser came back with (Streamlit's identity cookie)."""
    with suppress(Exception):  # no [auth] configured: st.user is empty
        claims = st.user.to_dict()
        if claims.get("is_logged_in"):
            provider = str(claims.get("provider") or DEFAULT)
            return ProviderIdentity(provider, claims)
    return None


def _label_of(name: str) -> str:
    for provider in providers():
        if provider.name == name:
            return provider.label
    return name


def sign_in_from_provider(lang: str) -> OidcLoginResult | None:
    """A session for the provider's identity this browser holds, if it opens one; tried once
    per token and browser session (a rerun does not journal a refusal again)."""
    identity = _identity()
    if identity is None:
        return None
    key = oidc_login.token_key(identity)
    if st.session_state.get(TRIED) == key:
        return None
    st.session_state[TRIED] = key
    result = call_or_stop(
        lang,
        oidc_login.sign_in,
        context.database(),
        context.settings(),
        identity,
        session.policy(),
    )
    if result.ok:
        st.session_state.pop(REFUSAL, None)
    elif result.status in _REFUSAL_KEYS:
        st.session_state[REFUSAL] = (result.status.value, identity.provider)
    return result


def end_provider_identity() -> None:
    """Logout: Streamlit forgets the provider's identity (and asks the provider to end its
    session when the provider offers it)."""
    if _identity() is not None:
        st.logout()


def buttons(lang: str) -> None:
    """« Se connecter avec <provider> » for each provider, and why a provider's identity was
    refused, if it was."""
    refusal = st.session_state.get(REFUSAL)
    if refusal:
        status, provider = refusal
        st.error(
            t_literal(
                _REFUSAL_KEYS[OidcStatus(status)],
                lang,
                provider=_label_of(provider),
                claim=context.settings().oidc_username_claim,
            )
        )
    for provider in providers():
        label = t("oidc_sign_in", lang, provider=literal(provider.label))
        if st.button(label, key=f"oidc_{provider.name}", type="primary"):
            st.login(provider.name)
