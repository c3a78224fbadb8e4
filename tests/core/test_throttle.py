"""The login throttle under parallel attempts, its keys, and what a reset and a rehash do to it
(issue 9, items 7 to 10).

Parallel attempts run in threads with an engine each, released together by a barrier. Every
password check goes through a gate that holds it until each attempt has either reached its own
check or come back without one: all admissions happen before any verdict, the worst case for
the throttle, and the outcome does not depend on scheduling. Time passes by moving the
throttle's timestamps back, never by sleeping.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from access_core.accounts import admin_login as admin_auth
from access_core.accounts import learner_login as learner_auth
from access_core.accounts import throttle
from access_core.accounts.admin_login import LoginStatus, login
from access_core.accounts.learner_login import LearnerStatus, authenticate
from access_core.accounts.passwords import hash_cost, initial_password, verify_password
from access_core.audit import events as audit
from access_core.db.models import Learner, LoginThrottle
from access_core.db.unit_of_work import Database
from access_core.roster.resets import RESET_ACTION, UNLOCK_ACTION, reset_passwords
from access_core.text import catalogue as i18n
from tests.support.factories import ADMIN_PASSWORD, TEST_ROUNDS, add_learner, dump_tables
from tests.support.sessions import time_passes

THREADS = 24
BIRTH = date(2013, 5, 17)
LOGIN = "lea.martin"
WRONG = "pas-le-bon-mot"
TIMEOUT_S = 120


class VerifyGate:
    """Stands in for a module's ``verify_password``: records each check and holds it until
    every one of ``attempts`` attempts has reached its check or returned without one."""

    def __init__(self, real: Callable[[str, str | None], bool], attempts: int) -> None:
        self.real = real
        self.attempts = attempts
        self.cond = threading.Condition()
        self.checked: list[str] = []
        self.unchecked = 0
        self.local = threading.local()

    def __call__(self, password: str, password_hash: str | None) -> bool:
        self.local.checked = True
        with self.cond:
            self.checked.append(password)
            self.cond.notify_all()
            released = self.cond.wait_for(
                lambda: len(self.checked) + self.unchecked >= self.attempts, TIMEOUT_S
            )
        assert released, "an attempt neither checked a password nor came back"
        return self.real(password, password_hash)

    def attempt(self, work: Callable[[], Any]) -> Any:
        self.local.checked = False
        try:
            return work()
        finally:
            if not self.local.checked:
                with self.cond:
                    self.unchecked += 1
                    self.cond.notify_all()

    def wait_checks(self, count: int) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.checked) >= count, TIMEOUT_S)


def run_parallel(
    database_url: str,
    gate: VerifyGate,
    passwords: list[str],
    attempt: Callable[[Database, str], Any],
    first_alone: bool = False,
) -> list[Any]:
    """One thread and one engine per password; all released at once by a barrier (with
    ``first_alone``, the first password is tried alone and held at its check before the
    others are released)."""
    results: list[Any] = [None] * len(passwords)
    errors: list[BaseException] = []
    together = passwords[1:] if first_alone else passwords
    barrier = threading.Barrier(len(together))

    def worker(index: int, wait: bool) -> None:
        db = Database.from_url(database_url)
        try:
            if wait:
                barrier.wait(TIMEOUT_S)
            results[index] = gate.attempt(lambda: attempt(db, passwords[index]))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.dispose()

    threads = []
    if first_alone:
        threads.append(threading.Thread(target=worker, args=(0, False)))
        threads[0].start()
        gate.wait_checks(1)
    offset = 1 if first_alone else 0
    for index in range(offset, len(passwords)):
        thread = threading.Thread(target=worker, args=(index, True))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(TIMEOUT_S)
    assert not errors, errors
    return results


@pytest.fixture
def learner(db) -> int:
    return add_learner(db, "Martin", "Léa", login=LOGIN, birth_date=BIRTH)


def admin_attempt(settings):
    return lambda db, password: login(db, settings, "admin", password).status


def learner_attempt(settings):
    return lambda db, password: authenticate(db, settings, LOGIN, password).status


# --- item 7: parallel attempts cannot bypass the lock ------------------------------------------


@pytest.mark.parametrize("who", ["admin", "learner"])
def test_parallel_wrong_attempts_check_at_most_max_failures_passwords(
    who, db, settings, admin, learner, database_url, monkeypatch
):
    module = admin_auth if who == "admin" else learner_auth
    gate = VerifyGate(verify_password, THREADS)
    monkeypatch.setattr(module, "verify_password", gate)
    attempt = admin_attempt(settings) if who == "admin" else learner_attempt(settings)
    right = ADMIN_PASSWORD if who == "admin" else initial_password(BIRTH)

    statuses = run_parallel(database_url, gate, [f"{WRONG}-{i}" for i in range(THREADS)], attempt)

    assert len(gate.checked) == settings.login_max_failures
    counts = Counter(status.value for status in statuses)
    assert counts == {"refused": settings.login_max_failures - 1, "locked": THREADS - 4}
    assert attempt(db, right).value == "locked"
    assert len(gate.checked) == settings.login_max_failures  # the right one was not checked


@pytest.mark.parametrize("who", ["admin", "learner"])
def test_the_right_password_among_parallel_guesses_cannot_clear_the_lock_they_reached(
    who, db, settings, admin, learner, database_url, monkeypatch
):
    module = admin_auth if who == "admin" else learner_auth
    gate = VerifyGate(verify_password, THREADS)
    monkeypatch.setattr(module, "verify_password", gate)
    attempt = admin_attempt(settings) if who == "admin" else learner_attempt(settings)
    right = ADMIN_PASSWORD if who == "admin" else initial_password(BIRTH)
    guesses = [right] + [f"{WRONG}-{i}" for i in range(THREADS - 1)]

    statuses = run_parallel(database_url, gate, guesses, attempt, first_alone=True)

    assert len(gate.checked) == settings.login_max_failures
    assert gate.checked[0] == right
    assert statuses[0].value in ("ok", "must_change")  # checked before the lock: it was right
    assert Counter(s.value for s in statuses[1:]) == {"refused": 3, "locked": THREADS - 4}
    # the lock the four parallel wrong guesses reached holds, right password or not
    assert attempt(db, right).value == "locked"


def test_a_right_password_as_the_last_admitted_attempt_does_not_lock(db, settings, admin):
    for _ in range(settings.login_max_failures - 1):
        assert login(db, settings, admin, WRONG).status is LoginStatus.REFUSED

    assert login(db, settings, admin, ADMIN_PASSWORD).ok
    assert login(db, settings, admin, ADMIN_PASSWORD).ok
    assert audit.events(db, action=throttle.LOCKOUT_ACTION) == []


def test_a_success_gives_back_only_its_own_and_earlier_charges(db, settings, admin):
    policy = throttle.ThrottlePolicy.from_settings(settings)
    subject = admin_auth.admin_subject(settings, admin)
    first = throttle.admit(db, subject, policy)
    mine = throttle.admit(db, subject, policy)
    later = throttle.admit(db, subject, policy)  # admitted after mine, still in flight
    assert (first.ordinal, mine.ordinal, later.ordinal) == (1, 2, 3)

    with db.transaction(write=True) as session:
        throttle.settle_success(session, subject, mine)

    with db.transaction() as session:
        assert session.scalar(select(LoginThrottle.failures)) == 1


# --- item 8: a learner's rehash never undoes a reset ----------------------------------------


def test_a_reset_committed_between_the_check_and_the_rehash_survives(
    db, settings, admin, monkeypatch
):
    learner_id = add_learner(db, "Martin", "Léa", login=LOGIN, birth_date=BIRTH, password="perso-1")
    stronger = replace(settings, bcrypt_rounds=TEST_ROUNDS + 1)  # the stored hash gets upgraded
    real_hash_password = learner_auth.hash_password

    def reset_then_hash(password: str, rounds: int) -> str:
        # the administrator's reset commits after the check, before the rehash is written
        reset_passwords(db, admin, [learner_id], TEST_ROUNDS)
        return real_hash_password(password, rounds)

    monkeypatch.setattr(learner_auth, "hash_password", reset_then_hash)

    # the password checked belongs to a credential the reset replaced: no entry on it (issue 19,
    # item 13's rule on the learners' side), and the reset stays
    assert authenticate(db, stronger, LOGIN, "perso-1").status is LearnerStatus.REFUSED

    with db.transaction() as session:
        stored = session.get(Learner, learner_id)
        assert stored is not None
        assert verify_password(initial_password(BIRTH), stored.password_hash)
        assert not verify_password("perso-1", stored.password_hash)
        assert stored.must_change_password


def test_without_a_reset_the_rehash_upgrades_the_cost(db, settings, learner):
    stronger = replace(settings, bcrypt_rounds=TEST_ROUNDS + 1)

    assert authenticate(db, stronger, LOGIN, initial_password(BIRTH)).may_enter

    with db.transaction() as session:
        stored = session.scalar(select(Learner.password_hash).where(Learner.id == learner))
    assert stored is not None and hash_cost(stored) == TEST_ROUNDS + 1


# --- item 9: unknown usernames stay out of the journal and the database -------------------------


def test_a_password_typed_as_a_username_is_nowhere_in_the_database(db, settings, admin):
    typed = "Mon-Secret-Tape-2013"
    for _ in range(settings.login_max_failures + 1):
        login(db, settings, typed, "anything")
        authenticate(db, settings, typed, "anything")

    everything = repr(dump_tables(db)).lower()
    assert typed.lower() not in everything
    lockouts = audit.events(db, action=throttle.LOCKOUT_ACTION)
    assert sorted(e.actor for e in lockouts) == ["(unknown username)", "learner"]
    assert all(typed.lower() not in repr(e).lower() for e in audit.events(db))


def test_throttle_rows_are_keyed_by_a_keyed_hash_of_the_folded_name(settings):
    subject = throttle.subject_key(settings, "admin", "  Secretariat ")
    other_key = replace(settings, cookie_key="another-installation-key-0123456789-abcdef")

    assert subject == throttle.subject_key(settings, "admin", "secretariat")
    assert subject.startswith("admin:") and "secretariat" not in subject
    assert len(subject) == len("admin:") + 64
    assert throttle.subject_key(other_key, "admin", "secretariat") != subject
    assert throttle.subject_key(settings, "learner", "secretariat") != subject


def test_expired_throttle_rows_are_purged(db, settings, admin):
    login(db, settings, "nobody-1", WRONG)
    for _ in range(settings.login_max_failures):
        login(db, settings, "nobody-2", WRONG)  # locked for 15 minutes from now
    time_passes(db, timedelta(minutes=settings.login_window_minutes, seconds=1))
    with db.transaction(write=True) as session:  # nobody-2's lockout lasts a little longer
        row = session.scalars(
            select(LoginThrottle).where(LoginThrottle.locked_until.is_not(None))
        ).one()
        row.locked_until = row.locked_until + timedelta(minutes=1)

    login(db, settings, "nobody-3", WRONG)  # a new subject: its row is created, stale ones go

    with db.transaction() as session:
        rows = session.execute(select(LoginThrottle.failures, LoginThrottle.locked_until)).all()
    # nobody-1's stale row is gone; nobody-2's lockout and nobody-3's failure stay
    assert sorted((failures, until is not None) for failures, until in rows) == [
        (0, True),
        (1, False),
    ]


def test_purge_expired_says_how_many_rows_it_deleted(db, settings, admin):
    policy = throttle.ThrottlePolicy.from_settings(settings)
    for name in ("nobody-1", "nobody-2"):
        login(db, settings, name, WRONG)
    time_passes(db, timedelta(minutes=settings.login_window_minutes, seconds=1))

    assert throttle.purge_expired(db, policy, datetime.now(UTC)) == 2
    assert throttle.purge_expired(db, policy, datetime.now(UTC)) == 0


# --- item 10: a reset lifts the learner's login lockout ---------------------------------------


def test_a_reset_lifts_the_learners_lockout_and_says_so_in_the_journal(
    db, settings, admin, learner
):
    for _ in range(settings.login_max_failures):
        authenticate(db, settings, LOGIN, WRONG)
    assert authenticate(db, settings, LOGIN, initial_password(BIRTH)).status is (
        LearnerStatus.LOCKED
    )

    outcome = reset_passwords(db, admin, [learner], TEST_ROUNDS)

    assert outcome.unlocked_ids == (learner,)
    assert authenticate(db, settings, LOGIN, initial_password(BIRTH)).status is (
        LearnerStatus.MUST_CHANGE
    )
    [event] = audit.events(db, action=UNLOCK_ACTION)
    assert (event.actor, event.learner_id, event.batch_id) == (admin, learner, outcome.batch_id)
    assert event.details == {"reason": RESET_ACTION}


def test_a_reset_clears_failures_without_journaling_an_unlock(db, settings, admin, learner):
    for _ in range(settings.login_max_failures - 1):
        authenticate(db, settings, LOGIN, WRONG)

    outcome = reset_passwords(db, admin, [learner], TEST_ROUNDS)

    assert outcome.unlocked_ids == ()
    assert audit.events(db, action=UNLOCK_ACTION) == []
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(LoginThrottle)) == 0


@pytest.mark.parametrize(("language", "word"), [("fr", "blocage"), ("en", "lockout")])
def test_the_reset_confirmation_says_a_lockout_is_lifted(language, word):
    assert word in i18n.t("confirm_effect", language)


# --- item 15: the throttle's counter restarts with a lockout and with a new window ------------


def test_after_a_lockout_ends_exactly_the_fifth_failure_locks_again(db, settings, admin):
    short = replace(settings, lockout_minutes=5, login_window_minutes=15)
    assert [login(db, short, admin, WRONG).status for _ in range(5)][-1] is LoginStatus.LOCKED

    time_passes(db, timedelta(minutes=5, seconds=1))

    statuses = [login(db, short, admin, WRONG).status for _ in range(5)]
    assert statuses == [LoginStatus.REFUSED] * 4 + [LoginStatus.LOCKED]


def test_after_the_window_expires_exactly_the_fifth_failure_locks(db, settings, admin):
    assert [login(db, settings, admin, WRONG).status for _ in range(4)] == [LoginStatus.REFUSED] * 4

    time_passes(db, timedelta(minutes=settings.login_window_minutes, seconds=1))

    statuses = [login(db, settings, admin, WRONG).status for _ in range(5)]
    assert statuses == [LoginStatus.REFUSED] * 4 + [LoginStatus.LOCKED]


def test_a_learners_lockout_is_journaled_with_its_learner(db, settings, learner):
    for _ in range(settings.login_max_failures):
        authenticate(db, settings, LOGIN, WRONG)

    [event] = audit.events(db, action=throttle.LOCKOUT_ACTION)
    assert (event.actor, event.learner_id) == ("learner", learner)
    assert "until" in event.details


def test_every_spelling_that_finds_the_administrator_shares_its_lock(db, settings, admin):
    """A database whose collation ignores accents and case (MariaDB's default) finds the
    account for « ádmin » too: such a spelling must meet the same lock, never a fresh
    counter (elsewhere it finds no account at all)."""
    for _ in range(settings.login_max_failures):
        login(db, settings, admin, WRONG)

    for spelling in ("ádmin", "àdmin", "âdmin", "ÁDMIN"):
        assert login(db, settings, spelling, ADMIN_PASSWORD).status is not LoginStatus.OK


def test_every_spelling_that_finds_the_learner_shares_its_lock(db, settings, learner):
    for _ in range(settings.login_max_failures):
        authenticate(db, settings, LOGIN, WRONG)

    for spelling in ("léa.martin", "LEA.MARTIN", "lèa.martin"):
        result = authenticate(db, settings, spelling, initial_password(BIRTH))
        assert result.status is not LearnerStatus.OK
        assert result.status is not LearnerStatus.MUST_CHANGE
