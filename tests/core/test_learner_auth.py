"""The learners' side of the password, as the learners' portal uses it: authenticate, change
the initial password under the policy, throttling, rehash at the configured cost, expiry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from access_core.accounts import learner_login as learner_auth
from access_core.accounts import passwords
from access_core.accounts.learner_login import LearnerStatus, authenticate, change_password
from access_core.accounts.passwords import hash_cost, initial_password, verify_password
from access_core.audit import events as audit
from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from access_core.errors import NotAuthorized, ValidationError
from access_core.roster import queries as roster
from access_core.roster.resets import reset_passwords
from access_ui import tables
from tests.support.factories import TEST_ROUNDS, add_learner, dump_tables

BIRTH = date(2013, 5, 17)
INITIAL = "17052013"
NEW = "Un-vrai-secret-42"
LOGIN = "eleonore.lefevre-dumont"
DEACTIVATED_AT = datetime(2025, 5, 2, 8, 30, tzinfo=UTC)


@pytest.fixture
def learner(db) -> int:
    """Éléonore Lefèvre-Dumont, born 17/05/2013, with her initial password."""
    return add_learner(db, "Lefèvre-Dumont", "Éléonore", birth_date=BIRTH, login=LOGIN)


def learner_row(db: Database, learner_id: int) -> dict[str, object]:
    with db.transaction() as session:
        row = session.execute(select(Learner.__table__).where(Learner.id == learner_id)).one()
    return dict(row._mapping)


def set_changed_at(db: Database, learner_id: int, when: datetime | None) -> None:
    with db.transaction(write=True) as session:
        session.execute(
            update(Learner).where(Learner.id == learner_id).values(password_changed_at=when)
        )


def without_login_traces(dump: dict[str, list[tuple[object, ...]]]) -> dict[str, object]:
    """The tables a refused attempt may not change (it is audited and counted, nothing else)."""
    return {
        name: rows for name, rows in dump.items() if name not in ("audit_events", "login_throttle")
    }


# --- authenticate ------------------------------------------------------------------------------


def test_the_initial_password_must_be_changed(db, settings, learner):
    assert initial_password(BIRTH) == INITIAL

    result = authenticate(db, settings, LOGIN, INITIAL)

    assert result.status is LearnerStatus.MUST_CHANGE
    assert result.learner_id == learner
    assert result.may_enter
    [event] = audit.events(db, action="learner_login_succeeded")
    assert event.learner_id == learner


def test_a_wrong_password_is_refused_and_audited(db, settings, learner):
    result = authenticate(db, settings, LOGIN, "17052014")

    assert result.status is LearnerStatus.REFUSED
    assert result.learner_id is None
    assert not result.may_enter
    [event] = audit.events(db, action="learner_login_failed")
    assert event.learner_id == learner


def test_an_unknown_login_is_refused(db, settings, learner):
    result = authenticate(db, settings, "personne.inconnue", INITIAL)

    assert result.status is LearnerStatus.REFUSED
    assert result.learner_id is None


def test_a_deactivated_learner_is_refused_with_the_right_password(db, settings):
    add_learner(db, "Leroy", "Noé", login="noe.leroy", deactivated_at=DEACTIVATED_AT)

    assert authenticate(db, settings, "noe.leroy", INITIAL).status is LearnerStatus.REFUSED


def test_a_75_byte_password_is_a_plain_refusal(db, settings, learner):
    assert authenticate(db, settings, LOGIN, "€" * 25).status is LearnerStatus.REFUSED


def test_five_failures_lock_the_login_and_then_the_right_password_is_refused(db, settings, learner):
    statuses = [authenticate(db, settings, LOGIN, "mauvais-mot").status for _ in range(5)]

    assert statuses == [LearnerStatus.REFUSED] * 4 + [LearnerStatus.LOCKED]
    result = authenticate(db, settings, LOGIN, INITIAL)
    assert result.status is LearnerStatus.LOCKED
    assert result.locked_until is not None
    assert not result.may_enter
    assert len(audit.events(db, action="login_locked")) == 1


def test_an_unknown_login_is_locked_like_a_known_one(db, settings, learner):
    known = [authenticate(db, settings, LOGIN, "mauvais-mot").status for _ in range(6)]
    unknown = [authenticate(db, settings, "personne", "mauvais-mot").status for _ in range(6)]

    assert known == unknown == [LearnerStatus.REFUSED] * 4 + [LearnerStatus.LOCKED] * 2


def test_an_unknown_login_costs_one_bcrypt_check_like_a_known_one(
    db, settings, learner, monkeypatch
):
    checked: list[str] = []
    real_checkpw = passwords.bcrypt.checkpw

    def counting_checkpw(password: bytes, hashed: bytes) -> bool:
        checked.append(hashed.decode("ascii")[:7])  # "$2b$04$": the algorithm and its cost
        return bool(real_checkpw(password, hashed))

    monkeypatch.setattr(passwords.bcrypt, "checkpw", counting_checkpw)

    authenticate(db, settings, LOGIN, "mauvais-mot")
    known = list(checked)
    checked.clear()
    authenticate(db, settings, "personne", "mauvais-mot")

    assert known == checked == [f"$2b${TEST_ROUNDS:02d}$"]


def test_a_locked_answer_does_not_tell_whether_the_login_exists(db, settings, learner):
    for login in (LOGIN, "personne"):
        for _ in range(5):
            authenticate(db, settings, login, "mauvais-mot")

    known = authenticate(db, settings, LOGIN, INITIAL)
    unknown = authenticate(db, settings, "personne", INITIAL)

    assert replace(known, locked_until=None) == replace(unknown, locked_until=None)
    assert known.learner_id is None


def test_the_unlock_command_lifts_a_learners_lockout(db, settings, learner, cli):
    for _ in range(5):
        authenticate(db, settings, LOGIN, "mauvais-mot")

    assert cli("unlock", "--learner", LOGIN)[0] == 0
    assert authenticate(db, settings, LOGIN, INITIAL).status is LearnerStatus.MUST_CHANGE


# --- change_password ---------------------------------------------------------------------------


def test_a_changed_password_opens_the_account_without_a_change_request(db, settings, learner):
    before = datetime.now(UTC)

    change_password(db, settings, LOGIN, INITIAL, NEW)

    result = authenticate(db, settings, LOGIN, NEW)
    assert result.status is LearnerStatus.OK
    row = learner_row(db, learner)
    assert row["must_change_password"] is False
    assert row["password_changed_at"] is not None
    assert before <= row["password_changed_at"] <= datetime.now(UTC)
    [event] = audit.events(db, action="learner_password_changed")
    assert event.learner_id == learner


def test_after_a_change_the_old_password_is_refused(db, settings, learner):
    change_password(db, settings, LOGIN, INITIAL, NEW)

    assert authenticate(db, settings, LOGIN, INITIAL).status is LearnerStatus.REFUSED


def test_a_change_touches_only_the_password_columns(db, settings, learner):
    before = learner_row(db, learner)

    change_password(db, settings, LOGIN, INITIAL, NEW)

    after = learner_row(db, learner)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {"password_hash", "must_change_password", "password_changed_at"}


@pytest.mark.parametrize(
    ("new_password", "reason"),
    [
        ("Abc-123", "at least 8 characters"),
        ("€" * 25, "72 bytes"),
        ("a" * 73, "72 bytes"),
        ("17052013", "birth date"),
        ("17/05/2013", "birth date"),
        ("17-05-2013", "birth date"),
        ("17.05.2013", "birth date"),
        ("20130517", "birth date"),
        ("2013-05-17", "birth date"),
        ("2013/05/17", "birth date"),
        ("17/05/13", "birth date"),
        ("17-05-13", "birth date"),
        (LOGIN, "login"),
        ("Eleonore.Lefevre-Dumont", "login"),
        ("ÉLÉONORE.LEFÈVRE-DUMONT", "login"),
        ("Éléonore", "name"),
        ("eleonore", "name"),
        ("ELEONORE", "name"),
        ("Lefèvre-Dumont", "name"),
        ("lefevre dumont", "name"),
        ("LEFEVREDUMONT", "name"),
        ("Éléonore Lefèvre-Dumont", "name"),
        ("Lefèvre-Dumont Éléonore", "name"),
    ],
)
def test_the_policy_refuses_a_weak_new_password_and_nothing_changes(
    db, settings, learner, new_password, reason
):
    before = learner_row(db, learner)

    with pytest.raises(ValidationError, match=reason):
        change_password(db, settings, LOGIN, INITIAL, new_password)

    assert learner_row(db, learner) == before
    assert audit.events(db, action="learner_password_changed") == []


@pytest.mark.parametrize("new_password", ["lea.martin2", "LEA.MARTIN2", "Léa.Martin2"])
def test_the_policy_refuses_a_numbered_login_that_is_not_just_the_names(db, settings, new_password):
    learner_id = add_learner(db, "Martin", "Léa", login="lea.martin2")
    before = learner_row(db, learner_id)

    with pytest.raises(ValidationError, match="login"):
        change_password(db, settings, "lea.martin2", INITIAL, new_password)

    assert learner_row(db, learner_id) == before


def test_the_policy_accepts_exactly_eight_characters_and_exactly_72_bytes(db, settings):
    add_learner(db, "Martin", "Léa", login="lea.martin")
    add_learner(db, "Petit", "Zoé", login="zoe.petit")

    change_password(db, settings, "lea.martin", INITIAL, "k9#Lm2pQ")
    change_password(db, settings, "zoe.petit", INITIAL, "€" * 24)

    assert authenticate(db, settings, "lea.martin", "k9#Lm2pQ").status is LearnerStatus.OK
    assert authenticate(db, settings, "zoe.petit", "€" * 24).status is LearnerStatus.OK


def test_the_new_password_must_differ_from_the_current_one(db, settings):
    learner_id = add_learner(db, "Martin", "Léa", login="lea.martin", password="mon-secret-a-moi")
    before = learner_row(db, learner_id)

    with pytest.raises(ValidationError, match="differ"):
        change_password(db, settings, "lea.martin", "mon-secret-a-moi", "mon-secret-a-moi")

    assert learner_row(db, learner_id) == before


def test_a_wrong_current_password_refuses_the_change_and_changes_nothing(db, settings, learner):
    before = dump_tables(db)

    with pytest.raises(NotAuthorized):
        change_password(db, settings, LOGIN, "17052014", NEW)

    after = dump_tables(db)
    assert without_login_traces(after) == without_login_traces(before)
    assert [e.action for e in audit.events(db)] == ["learner_login_failed"]
    assert authenticate(db, settings, LOGIN, NEW).status is LearnerStatus.REFUSED


def test_a_deactivated_learner_cannot_change_the_password(db, settings):
    learner_id = add_learner(db, "Leroy", "Noé", login="noe.leroy", deactivated_at=DEACTIVATED_AT)
    before = learner_row(db, learner_id)

    with pytest.raises(NotAuthorized):
        change_password(db, settings, "noe.leroy", INITIAL, NEW)

    assert learner_row(db, learner_id) == before


def test_a_locked_learner_cannot_change_the_password(db, settings, learner):
    for _ in range(5):
        authenticate(db, settings, LOGIN, "mauvais-mot")
    before = learner_row(db, learner)

    with pytest.raises(NotAuthorized):
        change_password(db, settings, LOGIN, INITIAL, NEW)

    assert learner_row(db, learner) == before


# --- rehash at the configured cost -------------------------------------------------------------


def test_a_weaker_hash_is_rewritten_at_the_configured_cost_and_nothing_else_changes(
    db, settings, learner
):
    before = learner_row(db, learner)
    assert hash_cost(str(before["password_hash"])) == TEST_ROUNDS

    result = authenticate(db, replace(settings, bcrypt_rounds=TEST_ROUNDS + 1), LOGIN, INITIAL)

    assert result.status is LearnerStatus.MUST_CHANGE
    after = learner_row(db, learner)
    assert hash_cost(str(after["password_hash"])) == TEST_ROUNDS + 1
    assert verify_password(INITIAL, str(after["password_hash"]))
    assert {k: v for k, v in after.items() if k != "password_hash"} == {
        k: v for k, v in before.items() if k != "password_hash"
    }


def test_a_hash_at_the_configured_cost_is_left_alone(db, settings, learner):
    before = learner_row(db, learner)

    authenticate(db, settings, LOGIN, INITIAL)

    assert learner_row(db, learner) == before


def test_a_wrong_password_never_rehashes(db, settings, learner):
    before = learner_row(db, learner)

    authenticate(db, replace(settings, bcrypt_rounds=TEST_ROUNDS + 1), LOGIN, "17052014")

    assert learner_row(db, learner) == before


# --- expiry of the initial password ------------------------------------------------------------


def test_an_initial_password_reset_61_days_ago_has_expired(db, settings, learner):
    set_changed_at(db, learner, datetime.now(UTC) - timedelta(days=61))
    sixty_days = replace(settings, initial_password_days=60)

    result = authenticate(db, sixty_days, LOGIN, INITIAL)

    assert result.status is LearnerStatus.EXPIRED
    assert not result.may_enter
    assert len(audit.events(db, action="learner_login_expired")) == 1


def test_an_expired_initial_password_cannot_be_changed(db, settings, learner):
    set_changed_at(db, learner, datetime.now(UTC) - timedelta(days=61))
    sixty_days = replace(settings, initial_password_days=60)
    before = learner_row(db, learner)

    with pytest.raises(NotAuthorized) as refused:
        change_password(db, sixty_days, LOGIN, INITIAL, NEW)

    assert refused.value.params["status"] == "expired"
    assert learner_row(db, learner) == before


def test_an_initial_password_reset_59_days_ago_must_still_be_changed(db, settings, learner):
    set_changed_at(db, learner, datetime.now(UTC) - timedelta(days=59))
    sixty_days = replace(settings, initial_password_days=60)

    assert authenticate(db, sixty_days, LOGIN, INITIAL).status is LearnerStatus.MUST_CHANGE


def test_with_zero_days_an_initial_password_never_expires(db, settings, learner):
    set_changed_at(db, learner, datetime.now(UTC) - timedelta(days=3000))
    never = replace(settings, initial_password_days=0)

    assert authenticate(db, never, LOGIN, INITIAL).status is LearnerStatus.MUST_CHANGE


def test_a_personalised_password_never_expires(db, settings):
    learner_id = add_learner(db, "Martin", "Léa", login="lea.martin", password="mon-secret-a-moi")
    set_changed_at(db, learner_id, datetime.now(UTC) - timedelta(days=400))

    result = authenticate(
        db, replace(settings, initial_password_days=60), "lea.martin", "mon-secret-a-moi"
    )

    assert result.status is LearnerStatus.OK


def test_the_class_table_flags_an_expired_initial_password(db, settings, admin):
    now = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    expired = add_learner(db, "Martin", "Léa", login="lea.martin")
    fresh = add_learner(db, "Petit", "Zoé", login="zoe.petit")
    set_changed_at(db, expired, now - timedelta(days=61))
    set_changed_at(db, fresh, now - timedelta(days=59))
    [school_class] = roster.list_classes(db, admin)
    rows = roster.class_learners(db, admin, school_class.id)

    table = tables.class_table(rows, settings.tz, "fr", initial_days=60, now=now)

    status = table["Mot de passe"]
    assert status[expired] == "Initial — expiré"
    assert status[fresh] == "Initial — à personnaliser"


def test_the_class_table_never_flags_expiry_with_zero_days(db, settings, admin):
    now = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    old = add_learner(db, "Martin", "Léa", login="lea.martin")
    set_changed_at(db, old, now - timedelta(days=3000))
    [school_class] = roster.list_classes(db, admin)
    rows = roster.class_learners(db, admin, school_class.id)

    table = tables.class_table(rows, settings.tz, "fr", initial_days=0, now=now)

    assert table["Mot de passe"][old] == "Initial — à personnaliser"


# --- a reset or a deactivation while bcrypt checks the learner's password (issue 19, item 13) --

NEWER = "Encore-un-secret-43"


def _reset(db: Database, admin: str, learner_id: int) -> None:
    reset_passwords(db, admin, [learner_id], TEST_ROUNDS)


def _deactivate(db: Database, admin: str, learner_id: int) -> None:
    with db.transaction(write=True) as session:
        session.execute(
            update(Learner).where(Learner.id == learner_id).values(deactivated_at=DEACTIVATED_AT)
        )


def _after_first_verify(monkeypatch, change) -> None:
    """Run ``change`` (an administrator, from another process) right after bcrypt has checked
    the first password of the call: deterministic, no sleep."""
    real_verify = learner_auth.verify_password
    pending = [change]

    def verify_then_change(password: str, password_hash: str | None) -> bool:
        verified = real_verify(password, password_hash)
        if pending:
            pending.pop()()
        return verified

    monkeypatch.setattr(learner_auth, "verify_password", verify_then_change)


@pytest.mark.parametrize("change", [_reset, _deactivate], ids=["reset", "deactivated"])
def test_a_password_checked_while_the_account_changes_opens_nothing(
    db, settings, admin, learner, monkeypatch, change
):
    change_password(db, settings, LOGIN, INITIAL, NEW)
    _after_first_verify(monkeypatch, lambda: change(db, admin, learner))

    result = authenticate(db, settings, LOGIN, NEW)

    assert result.status is LearnerStatus.REFUSED and not result.may_enter
    assert len(audit.events(db, action="learner_login_failed")) == 1


@pytest.mark.parametrize("change", [_reset, _deactivate], ids=["reset", "deactivated"])
def test_a_change_of_password_checked_before_a_reset_never_undoes_it(
    db, settings, admin, learner, monkeypatch, change
):
    change_password(db, settings, LOGIN, INITIAL, NEW)
    _after_first_verify(monkeypatch, lambda: change(db, admin, learner))

    with pytest.raises(NotAuthorized):
        change_password(db, settings, LOGIN, NEW, NEWER)

    after = learner_row(db, learner)
    assert not verify_password(NEWER, str(after["password_hash"]))
    assert len(audit.events(db, action="learner_password_changed")) == 1  # the first change
    if change is _reset:
        assert verify_password(INITIAL, str(after["password_hash"]))
        assert after["must_change_password"] is True


def test_a_reset_while_the_new_password_is_hashed_wins(db, settings, admin, learner, monkeypatch):
    """The reset lands after the current password was checked, while the new one is hashed."""
    change_password(db, settings, LOGIN, INITIAL, NEW)
    real_hash = learner_auth.hash_password

    def hash_then_reset(password: str, rounds: int) -> str:
        hashed = real_hash(password, rounds)
        _reset(db, admin, learner)
        return hashed

    monkeypatch.setattr(learner_auth, "hash_password", hash_then_reset)

    with pytest.raises(NotAuthorized):
        change_password(db, settings, LOGIN, NEW, NEWER)

    after = learner_row(db, learner)
    assert verify_password(INITIAL, str(after["password_hash"]))
    assert after["must_change_password"] is True
    assert authenticate(db, settings, LOGIN, INITIAL).status is LearnerStatus.MUST_CHANGE


def test_a_change_right_after_a_rehash_at_a_higher_cost_is_stored(db, settings, learner):
    """``authenticate`` rewrites a weaker hash; the change then writes over the rewritten one."""
    stronger = replace(settings, bcrypt_rounds=TEST_ROUNDS + 1)

    change_password(db, stronger, LOGIN, INITIAL, NEW)

    after = learner_row(db, learner)
    assert verify_password(NEW, str(after["password_hash"]))
    assert after["must_change_password"] is False


@pytest.mark.parametrize("typed", ["lea.martin\x00", "lea\x1b.martin"])
def test_a_login_with_a_control_character_is_refused_never_a_database_error(db, settings, typed):
    assert authenticate(db, settings, typed, "anything").status is LearnerStatus.REFUSED
