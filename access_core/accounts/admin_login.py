"""Administrator login and session revocation.

``login`` checks a password against the ``admins`` table through the database-backed throttle,
taking the same time and giving the same answer for an unknown username as for a wrong
password. A success carries the account's ``session_generation`` read with the hash that was
verified; ``sessions.start`` opens a session only while that is still the account's generation,
and ``sessions.check`` refuses a session once it is not. ``revoke_sessions`` (like a password
change, ``disable-admin`` and ``enable-admin``) raises the generation: every earlier session
stops, whatever the clocks of the hosts involved.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from access_core.accounts import throttle
from access_core.accounts.admins import UNKNOWN_ACTOR, normalize_username
from access_core.accounts.passwords import BCRYPT_MAX_BYTES, hash_password, verify_password
from access_core.audit import events as audit
from access_core.characters import has_control_characters
from access_core.config import Settings
from access_core.db.models import Admin
from access_core.db.unit_of_work import Database

METHOD = "password"
LOCAL_LOGIN_REFUSAL = "local_login_off"


class LoginStatus(enum.Enum):
    OK = "ok"
    REFUSED = "refused"
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    status: LoginStatus
    username: str
    display_name: str | None = None
    locked_until: datetime | None = None
    # OK only: the account's session generation when its password was verified
    generation: int | None = None

    @property
    def ok(self) -> bool:
        return self.status is LoginStatus.OK


_dummy_hashes: dict[int, str] = {}


def dummy_hash(rounds: int) -> str:
    """A hash to verify against when the username is unknown, so timing does not tell."""
    if rounds not in _dummy_hashes:
        _dummy_hashes[rounds] = hash_password("not-a-real-password", rounds)
    return _dummy_hashes[rounds]


def admin_subject(settings: Settings, username: str) -> str:
    return throttle.subject_key(settings, "admin", normalize_username(username))


def login(db: Database, settings: Settings, username: str, password: str) -> LoginResult:
    """Check an administrator's credentials; every outcome is audited.

    The attempt is admitted by the throttle before the password is checked (see
    ``throttle.py``): a refused attempt checks nothing."""
    name = normalize_username(username)[:150]
    policy = throttle.ThrottlePolicy.from_settings(settings)
    with db.transaction() as session:
        # a name with a control character names no account (none can be created so)
        row = (
            None
            if has_control_characters(name)
            else session.execute(
                select(
                    Admin.password_hash,
                    Admin.is_active,
                    Admin.display_name,
                    Admin.username,
                    Admin.session_generation,
                ).where(Admin.username == name)
            ).first()
        )
    if row is not None and str(row[3]) != name:
        # A database whose collation ignores accents or case (MariaDB's default) finds
        # « admin » for « ádmin »: compared exactly, « ádmin » names no account (and can
        # never open « admin »'s session, whatever the password).
        row = None
    subject = admin_subject(settings, name)
    # An unknown username may be a password typed in the wrong field: never journal it.
    actor = name if row else UNKNOWN_ACTOR
    if not settings.local_login_allowed(name):
        return _refuse_local_login(db, settings, actor, name, password)
    admission = throttle.admit(db, subject, policy)
    if not admission.admitted:

        def record_locked(session_: Session) -> None:
            audit.record(session_, actor, "login_refused_locked")

        db.write(record_locked)
        return LoginResult(LoginStatus.LOCKED, name, locked_until=admission.locked_until)

    stored_hash = row[0] if row else dummy_hash(settings.bcrypt_rounds)
    too_long = len(password.encode("utf-8")) > BCRYPT_MAX_BYTES
    matches = verify_password(password, stored_hash) and not too_long
    ok = bool(row and row[1] and matches)

    def record(session_: Session) -> LoginResult:
        if ok and row is not None and _unchanged(session_, name, row[0], int(row[4])):
            throttle.settle_success(session_, subject, admission)
            audit.record(session_, actor, "login_succeeded", details={"method": METHOD})
            return LoginResult(LoginStatus.OK, name, display_name=row[2], generation=int(row[4]))
        # A wrong password, or a right one whose account changed while bcrypt was checking it
        # (new password, disabled): the password that was checked no longer opens anything.
        if admission.locked_until is not None:
            throttle.record_lockout(session_, actor, admission)
        audit.record(session_, actor, "login_failed")
        if admission.locked_until is not None:
            return LoginResult(LoginStatus.LOCKED, name, locked_until=admission.locked_until)
        return LoginResult(LoginStatus.REFUSED, name)

    return db.write(record)


def _refuse_local_login(
    db: Database, settings: Settings, actor: str, name: str, password: str
) -> LoginResult:
    """``ACCESS_LOCAL_LOGIN`` keeps this account off the password form: no password is checked
    and nothing is charged to the throttle, but the attempt takes a bcrypt check's time (the
    answer does not tell which names are break-glass accounts) and is journalled."""
    verify_password(password, dummy_hash(settings.bcrypt_rounds))

    def record(session_: Session) -> LoginResult:
        details = {"method": METHOD, "refusal": LOCAL_LOGIN_REFUSAL}
        audit.record(session_, actor, "login_failed", details=details)
        return LoginResult(LoginStatus.REFUSED, name)

    return db.write(record)


def _unchanged(session: Session, name: str, verified_hash: str, generation: int) -> bool:
    """The account still has the hash that was verified and the generation read with it."""
    current = session.execute(
        select(Admin.password_hash, Admin.is_active, Admin.session_generation).where(
            Admin.username == name
        )
    ).first()
    return bool(
        current is not None
        and current[0] == verified_hash
        and current[1]
        and current[2] == generation
    )


def revoke_sessions(db: Database, username: str, actor: str, reason: str) -> None:
    """Every session and cookie of ``username`` opened so far stops working (its generation is
    raised; ``sessions_not_before`` keeps the time, for the record only)."""
    now = datetime.now(UTC)

    def work(session: Session) -> None:
        session.execute(
            update(Admin)
            .where(Admin.username == normalize_username(username))
            .values(sessions_not_before=now, session_generation=Admin.session_generation + 1)
        )
        audit.record(
            session, actor, "sessions_revoked", details={"username": username, "reason": reason}
        )

    db.write(work)
