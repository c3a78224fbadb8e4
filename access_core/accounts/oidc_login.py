"""Sign-in through the school's OpenID Connect provider, matched to this project's accounts.

The dashboard (Streamlit's ``st.login``) hands over the claims of the identity token the
provider just issued; ``sign_in`` decides, in one write transaction, whether they open a
session:

- the claim named by ``ACCESS_OIDC_USERNAME_CLAIM`` (default ``email``) names the account,
  compared as usernames are (stripped, lower-cased), exactly (whatever the database's
  collation); when it is ``email``, the identity must carry ``email_verified: true``;
- only an existing, active account enters, with its own role and scope; an unknown identity is
  refused (journalled as ``oidc_login_refused``), unless ``ACCESS_OIDC_CREATE_TEACHERS`` is on:
  then it becomes a teacher with no class (and no usable local password);
- the session is the same kind of row a password login opens (``sessions.insert``, at the
  account's current generation), so idle timeout, lifetime, logout and revocation apply alike;
- one sign-in at the provider opens at most one session: the token's issuer, subject, nonce
  and issue time are kept (hashed) on the session row, UNIQUE, and a token issued more than
  ``MAX_TOKEN_AGE`` ago is refused. The provider's cookie, which Streamlit keeps for 30 days,
  therefore never reopens a session that ended: only a new sign-in at the provider does.

No throttle: no secret of this project is checked (the provider authenticates, with its own
multi-factor rules). Every outcome but a stale token is journalled with ``method: oidc`` and the
provider's name, and so reaches the security log.
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access_core.accounts import sessions
from access_core.accounts.admins import UNKNOWN_ACTOR, is_reserved_username, normalize_username
from access_core.audit import events as audit
from access_core.characters import has_control_characters
from access_core.config import Settings
from access_core.db.models import Admin, AdminSession
from access_core.db.unit_of_work import Database

log = logging.getLogger(__name__)

METHOD = "oidc"
REFUSED_ACTION = "oidc_login_refused"
# An identity token older than this (or this far in the future: clocks) opens nothing.
MAX_TOKEN_AGE = timedelta(minutes=10)
# Never a bcrypt hash: a created teacher has no local password until someone sets one.
NO_LOCAL_PASSWORD = "!"  # noqa: S105 - a marker, not a secret
TEACHER = "teacher"


class OidcStatus(enum.Enum):
    OK = "ok"
    UNKNOWN = "unknown"  # no account of that name (and no auto-creation)
    DISABLED = "disabled"  # the account exists but is disabled
    NO_CLAIM = "no_claim"  # the token lacks the configured claim (or it is not a name)
    STALE = "stale"  # this token already opened a session, or is too old: sign in again
    # the claim is ``email`` and the provider does not say the address is verified
    EMAIL_UNVERIFIED = "email_unverified"


@dataclass(frozen=True)
class ProviderIdentity:
    """What Streamlit's ``st.user`` holds after a provider sign-in: the provider's name in the
    secrets file and the identity token's claims."""

    provider: str
    claims: Mapping[str, object]


@dataclass(frozen=True)
class OidcLoginResult:
    status: OidcStatus
    username: str | None = None
    session_id: str | None = None
    created: bool = False  # the account was created by this sign-in (a teacher)

    @property
    def ok(self) -> bool:
        return self.status is OidcStatus.OK


def claimed_username(settings: Settings, claims: Mapping[str, object]) -> str | None:
    """The account name the configured claim gives, or None when it gives none usable."""
    value = claims.get(settings.oidc_username_claim)
    if not isinstance(value, str):
        return None
    name = normalize_username(value)
    if not name or len(name) > 150 or has_control_characters(name):
        return None
    return name


def email_verified(settings: Settings, claims: Mapping[str, object]) -> bool:
    """When the account is named by the ``email`` claim, the provider must vouch for it
    (``email_verified`` true): many providers let users set an address they do not own."""
    if settings.oidc_username_claim != "email":
        return True
    return claims.get("email_verified") in (True, "true")


def _issued_at(claims: Mapping[str, object]) -> datetime | None:
    value = claims.get("iat")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, UTC)


def token_key(identity: ProviderIdentity) -> str:
    """The SHA-256 of what makes one identity token unique: provider, issuer, subject, nonce,
    issue time (the nonce is fresh for every sign-in Streamlit starts)."""
    claims = identity.claims
    parts = [identity.provider, *(str(claims.get(k, "")) for k in ("iss", "sub", "nonce", "iat"))]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def sign_in(
    db: Database,
    settings: Settings,
    identity: ProviderIdentity,
    policy: sessions.SessionPolicy,
    now: datetime | None = None,
) -> OidcLoginResult:
    """Open a session for the account the provider's identity names, or say why not."""
    now = datetime.now(UTC) if now is None else now
    provider = identity.provider
    facts = {"method": METHOD, "provider": provider}
    issued = _issued_at(identity.claims)
    if issued is None or not -MAX_TOKEN_AGE <= now - issued <= MAX_TOKEN_AGE:
        log.info("provider identity token too old or undated, from %s: not used", provider)
        return OidcLoginResult(OidcStatus.STALE)
    name = claimed_username(settings, identity.claims)
    key = token_key(identity)
    session_id = secrets.token_urlsafe(32)

    def refuse(session: Session, actor: str, refusal: OidcStatus, **more: str) -> OidcLoginResult:
        audit.record(
            session, actor, REFUSED_ACTION, details={**facts, **more, "refusal": refusal.value}
        )
        return OidcLoginResult(refusal, name)

    def work(session: Session) -> OidcLoginResult:
        if name is None:
            return refuse(session, UNKNOWN_ACTOR, OidcStatus.NO_CLAIM)
        if not email_verified(settings, identity.claims):
            return refuse(session, UNKNOWN_ACTOR, OidcStatus.EMAIL_UNVERIFIED, identity=name)
        used = session.scalar(
            select(AdminSession.id).where(AdminSession.provider_token_hash == key)
        )
        if used is not None:
            return OidcLoginResult(OidcStatus.STALE, name)
        account = session.scalar(select(Admin).where(Admin.username == name))
        if account is not None and account.username != name:
            # A collation that ignores accents or case (MariaDB's default) found another
            # account: « dìrecteur@… » is not « directeur@… ». Unknown, and never created
            # (the UNIQUE index under that collation would refuse it anyway).
            return refuse(session, UNKNOWN_ACTOR, OidcStatus.UNKNOWN, identity=name)
        created = False
        if account is None:
            if not settings.oidc_create_teachers or is_reserved_username(name):
                return refuse(session, UNKNOWN_ACTOR, OidcStatus.UNKNOWN, identity=name)
            account = _create_teacher(session, name, identity, now)
            created = True
        if not account.is_active:
            return refuse(session, account.username, OidcStatus.DISABLED)
        try:
            with session.begin_nested():
                sessions.insert(
                    session,
                    session_id,
                    account.username,
                    int(account.session_generation),
                    policy,
                    now,
                    provider_token_hash=key,
                )
        except IntegrityError:  # the same token, in another tab, at the same instant
            return OidcLoginResult(OidcStatus.STALE, name)
        audit.record(session, account.username, "login_succeeded", details=facts)
        return OidcLoginResult(OidcStatus.OK, account.username, session_id, created)

    return db.write(work)


def _create_teacher(
    session: Session, name: str, identity: ProviderIdentity, now: datetime
) -> Admin:
    """A teacher with no class and no usable local password (``ACCESS_OIDC_CREATE_TEACHERS``)."""
    display = identity.claims.get("name")
    usable = isinstance(display, str) and display.strip() and not has_control_characters(display)
    account = Admin(
        username=name,
        password_hash=NO_LOCAL_PASSWORD,
        display_name=str(display).strip()[:200] if usable else None,
        is_active=True,
        created_at=now,
        role=TEACHER,
        all_schools=False,
        must_change_password=False,
    )
    session.add(account)
    session.flush()
    audit.record(
        session,
        name,
        "account_created",
        details={
            "username": name,
            "role": TEACHER,
            "method": METHOD,
            "provider": identity.provider,
        },
    )
    return account
