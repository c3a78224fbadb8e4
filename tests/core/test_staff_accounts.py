"""Staff accounts managed by administrators, on each backend: scope (an account of another
school answers like an unknown one), the last administrator of a school (also under two
administrators acting at once), no action on oneself, generated passwords, the journal."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from access_core.accounts import admins, sessions, staff, staff_access, staff_classes, staff_list
from access_core.accounts import staff_rules as rules
from access_core.accounts.admin_login import admin_subject, login
from access_core.accounts.admins import require_active_account
from access_core.accounts.passwords import verify_password
from access_core.accounts.scope import load_scope
from access_core.audit import events as audit
from access_core.db.models import AccountClass, Admin, LoginThrottle
from access_core.db.unit_of_work import Database
from access_core.errors import AccessError, NotAuthorized, NotFound, ValidationError
from access_core.text.catalogue import error_message
from tests.support.factories import ADMIN_PASSWORD, TEST_ROUNDS
from tests.support.scopes import make_admin, make_class, make_school, make_teacher
from tests.support.sessions import POLICY


@dataclass(frozen=True)
class District:
    a: int
    b: int
    a_class: int
    b_class: int


@pytest.fixture
def district(db: Database) -> District:
    """Two schools, a class in each, two administrators of A (alice, anna), one of B (bruno)."""
    a = make_school(db, "0750001A", "Collège A")
    b = make_school(db, "0750002B", "Collège B")
    a_class, b_class = make_class(db, a, "6e A"), make_class(db, b, "6e B")
    make_admin(db, "alice", [a])
    make_admin(db, "anna", [a])
    make_admin(db, "bruno", [b])
    return District(a, b, a_class, b_class)


def account(db: Database, username: str) -> Admin:
    with db.transaction() as session:
        row = session.scalar(select(Admin).where(Admin.username == username))
        assert row is not None
        return row


def test_an_administrator_creates_a_teacher_whose_generated_password_is_hashed_and_journalled(
    db, district
):
    made = staff.create_account(
        db, "alice", "Prof.Martin", role="teacher", rounds=TEST_ROUNDS, class_ids=[district.a_class]
    )
    assert made.username == "prof.martin" and len(made.password) >= 12
    row = account(db, "prof.martin")
    assert row.role == "teacher" and row.must_change_password
    assert verify_password(made.password, row.password_hash)
    assert made.password not in row.password_hash
    (event,) = audit.events(db, "account_created")
    assert event.actor == "alice"
    assert event.details["username"] == "prof.martin" and event.details["role"] == "teacher"
    assert made.password not in str(event.details)


def test_a_password_given_on_creation_need_not_be_changed(db, district):
    made = staff.create_account(
        db,
        "cli:root",
        "chef",
        role="admin",
        rounds=TEST_ROUNDS,
        school_ids=[district.a, district.b],
        password="a long enough password",
        system=True,
    )
    assert not made.must_change_password and not account(db, "chef").must_change_password


ATTEMPTS = {
    "disable": lambda db, settings, d, who: staff.set_active(db, "alice", who, False),
    "enable": lambda db, settings, d, who: staff.set_active(db, "alice", who, True),
    "reset": lambda db, settings, d, who: staff.reset_password(db, settings, "alice", who),
    "grant": lambda db, settings, d, who: staff.grant_school(db, "alice", who, d.a),
    "revoke": lambda db, settings, d, who: staff.revoke_school(db, "alice", who, d.a),
    "classes": lambda db, settings, d, who: staff_classes.set_teacher_classes(
        db, "alice", who, [d.a_class]
    ),
    "unlock": lambda db, settings, d, who: staff_access.lift_lockout(db, settings, "alice", who),
    "read": lambda db, settings, d, who: staff_list.teacher_class_ids(db, "alice", who),
}


@pytest.mark.parametrize("attempt", ATTEMPTS.values(), ids=ATTEMPTS.keys())
def test_an_account_of_another_school_answers_exactly_like_an_unknown_one(
    db, settings, district, attempt
):
    before = account(db, "bruno")
    messages = []
    for target in ("bruno", "nobody"):
        with pytest.raises(NotFound) as caught:
            attempt(db, settings, district, target)
        error = caught.value
        messages.append((type(error), error.params.get("key"), error_message(error, "fr")))
    assert messages[0][:2] == messages[1][:2] == (NotFound, "error_account_not_found")
    assert messages[0][2].replace("bruno", "X") == messages[1][2].replace("nobody", "X")
    after = account(db, "bruno")
    assert (after.is_active, after.password_hash) == (before.is_active, before.password_hash)


def test_the_list_holds_only_the_accounts_of_the_actors_schools(db, settings, district):
    make_teacher(db, "prof.b", [district.b_class])
    make_teacher(db, "prof.a", [district.a_class])
    make_admin(db, "district", all_schools=True)
    names = [row.username for row in staff_list.list_accounts(db, settings, "alice")]
    assert names == ["alice", "anna", "prof.a"]
    every = [row.username for row in staff_list.list_accounts(db, settings, "district")]
    assert every == ["alice", "anna", "bruno", "district", "prof.a", "prof.b"]


def test_the_list_tells_role_classes_last_login_and_lockout(db, settings, district):
    make_teacher(db, "prof.a", [district.a_class])
    assert login(db, settings, "anna", ADMIN_PASSWORD).ok
    sessions.start(db, "anna", POLICY)
    with db.transaction(write=True) as session:
        session.add(
            LoginThrottle(
                subject=admin_subject(settings, "prof.a"),
                failures=0,
                window_started_at=datetime.now(UTC),
                locked_until=datetime.now(UTC) + timedelta(minutes=10),
            )
        )
    rows = {row.username: row for row in staff_list.list_accounts(db, settings, "alice")}
    assert rows["prof.a"].role == "teacher" and rows["prof.a"].classes == ("6e A",)
    assert rows["prof.a"].locked and not rows["anna"].locked
    assert rows["anna"].last_login is not None and rows["alice"].last_login is None
    assert rows["anna"].schools == ("Collège A",)
    assert staff_access.lift_lockout(db, settings, "alice", "prof.a") is True
    assert not {r.username: r for r in staff_list.list_accounts(db, settings, "alice")}[
        "prof.a"
    ].locked
    assert audit.events(db, "login_unlocked")[0].actor == "alice"


def test_an_administrator_cannot_disable_or_demote_themself(db, district):
    for attempt in (
        lambda: staff.set_active(db, "alice", "alice", False),
        lambda: staff.revoke_school(db, "alice", "alice", district.a),
    ):
        with pytest.raises(ValidationError) as caught:
            attempt()
        assert caught.value.params["key"] == "error_account_self"
    assert account(db, "alice").is_active


def test_the_last_administrator_of_a_school_stays(db, district):
    staff.set_active(db, "alice", "anna", False)
    with db.transaction(write=True) as session:  # as if alice had gone between two checks
        session.scalars(select(Admin).where(Admin.username == "alice")).one().is_active = False
        with pytest.raises(ValidationError) as caught:
            rules.keep_an_administrator(
                session, load_scope(session, username="bruno"), [district.a]
            )
        session.rollback()
    assert caught.value.params == {"key": "error_last_admin", "school": "Collège A"}
    with db.transaction(write=True) as session:  # the command line may (the way back in)
        rules.keep_an_administrator(session, None, [district.a])


def test_a_teacher_manages_no_account(db, district):
    make_teacher(db, "prof.a", [district.a_class])
    with pytest.raises(NotAuthorized):
        staff.set_active(db, "prof.a", "anna", False)
    with pytest.raises(NotAuthorized):
        staff.create_account(
            db, "prof.a", "x.y", role="teacher", rounds=TEST_ROUNDS, class_ids=[district.a_class]
        )


def test_a_class_or_school_of_another_school_cannot_be_given(db, district):
    with pytest.raises(NotFound):
        staff.create_account(
            db, "alice", "x.y", role="teacher", rounds=TEST_ROUNDS, class_ids=[district.b_class]
        )
    with pytest.raises(NotFound):
        staff.create_account(
            db, "alice", "x.z", role="admin", rounds=TEST_ROUNDS, school_ids=[district.b]
        )
    with pytest.raises(NotFound):
        staff.create_account(db, "alice", "x.w", role="admin", rounds=TEST_ROUNDS, all_schools=True)
    assert not [e for e in audit.events(db) if e.action == "account_created"]


def test_a_teachers_classes_change_within_the_actors_schools_only(db, district):
    a2 = make_class(db, district.a, "5e A")
    make_admin(db, "bob", [district.a, district.b])
    make_teacher(db, "prof", [district.a_class, district.b_class])
    for actor in ("alice", "bruno"):  # a teacher of A and B is neither A's nor B's alone
        with pytest.raises(NotFound):
            staff_classes.set_teacher_classes(db, actor, "prof", [a2])
    staff_classes.revoke_class(db, "bob", "prof", district.b_class)
    staff_classes.set_teacher_classes(db, "alice", "prof", [a2])  # now A's alone
    with db.transaction() as session:
        held = sorted(session.scalars(select(AccountClass.class_id)))
    assert held == [a2]
    assert staff_list.teacher_class_ids(db, "alice", "prof") == [a2]
    with pytest.raises(ValidationError) as caught:
        staff_classes.revoke_class(db, "alice", "prof", a2)  # a teacher keeps one class
    assert caught.value.params["key"] == "error_teacher_needs_class"
    event = audit.events(db, "account_classes_changed")[0]
    assert event.actor == "alice" and event.details["removed"] == [district.a_class]


def test_a_colleagues_reset_gives_a_new_password_once_and_ends_their_sessions(
    db, settings, district
):
    held = sessions.start(db, "anna", POLICY)
    made = staff.reset_password(db, settings, "alice", "anna")
    assert sessions.check(db, POLICY, held).status is sessions.SessionStatus.REVOKED
    row = account(db, "anna")
    assert row.must_change_password and verify_password(made.password, row.password_hash)
    assert not verify_password(ADMIN_PASSWORD, row.password_hash)
    (event,) = audit.events(db, "account_password_reset")
    assert event.actor == "alice" and made.password not in str(event.details)
    with pytest.raises(ValidationError):
        staff.reset_password(db, settings, "alice", "alice")


def test_an_account_that_must_change_its_password_does_nothing_else_until_it_has(
    db, settings, district
):
    made = staff.reset_password(db, settings, "alice", "anna")
    with db.transaction() as session, pytest.raises(NotAuthorized):
        require_active_account(session, "anna")
    assert login(db, settings, "anna", made.password).ok
    mine, other = sessions.start(db, "anna", POLICY), sessions.start(db, "anna", POLICY)
    assert mine and other
    for new, again, key in (
        ("short", "short", "validation_error"),
        ("a long enough password", "a different one!!", "error_passwords_differ"),
        (made.password, made.password, "error_password_unchanged"),
    ):
        with pytest.raises(ValidationError) as caught:
            staff_access.change_own_password(db, settings, "anna", mine, new, again)
        assert caught.value.params.get("key", "validation_error") == key
    staff_access.change_own_password(
        db, settings, "anna", mine, "my own new password", "my own new password"
    )
    assert sessions.check(db, POLICY, mine).live
    assert sessions.check(db, POLICY, other).status is sessions.SessionStatus.REVOKED
    assert not staff_access.must_change_password(db, "anna")
    with db.transaction() as session:
        require_active_account(session, "anna")


def test_two_administrators_disabling_each_other_at_once_cannot_both_succeed(db, district):
    """alice and anna, A's only administrators, each disable the other at the same moment, a
    few times over: one succeeds, the other is refused, and A keeps an active administrator."""
    for _round in range(4):
        outcomes: dict[str, object] = {}
        barrier = threading.Barrier(2)

        def act(
            actor: str,
            target: str,
            barrier: threading.Barrier = barrier,
            outcomes: dict[str, object] = outcomes,
        ) -> None:
            barrier.wait()
            try:
                staff.set_active(db, actor, target, False)
                outcomes[actor] = "ok"
            except AccessError as exc:
                outcomes[actor] = exc

        threads = [
            threading.Thread(target=act, args=("alice", "anna")),
            threading.Thread(target=act, args=("anna", "alice")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["alice", "anna"]
        assert list(outcomes.values()).count("ok") == 1, outcomes
        refused = next(v for v in outcomes.values() if v != "ok")
        assert isinstance(refused, NotAuthorized | ValidationError), refused
        active = [a.username for a in (account(db, "alice"), account(db, "anna")) if a.is_active]
        assert len(active) == 1
        staff.set_active(db, "cli:test", "alice", True, system=True)
        staff.set_active(db, "cli:test", "anna", True, system=True)


def test_a_teacher_is_created_with_the_classes_of_one_school(db, district):
    make_admin(db, "dasen", all_schools=True)
    with pytest.raises(ValidationError) as caught:
        staff.create_account(
            db,
            "dasen",
            "prof",
            role="teacher",
            rounds=TEST_ROUNDS,
            class_ids=[district.a_class, district.b_class],
        )
    assert caught.value.params["key"] == "error_teacher_one_school"
    staff.create_account(
        db, "dasen", "prof", role="teacher", rounds=TEST_ROUNDS, class_ids=[district.a_class]
    )
    staff_classes.grant_class(db, "dasen", "prof", district.b_class)  # a second school by a grant
    assert staff_list.teacher_class_ids(db, "dasen", "prof") == sorted(
        [district.a_class, district.b_class]
    )


SHARED = {
    "an administrator of A and B": lambda db, d: make_admin(db, "shared", [d.a, d.b]),
    "a teacher of classes in A and B": lambda db, d: make_teacher(
        db, "shared", [d.a_class, d.b_class]
    ),
    "a district administrator": lambda db, d: make_admin(db, "shared", all_schools=True),
}


@pytest.mark.parametrize("make_shared", SHARED.values(), ids=SHARED.keys())
@pytest.mark.parametrize("attempt", ATTEMPTS.values(), ids=ATTEMPTS.keys())
def test_an_account_holding_a_school_outside_the_actors_answers_like_an_unknown_one(
    db, settings, district, make_shared, attempt
):
    make_shared(db, district)
    before = account(db, "shared")
    for target in ("shared", "nobody"):
        with pytest.raises(NotFound) as caught:
            attempt(db, settings, district, target)
        assert caught.value.params.get("key") == "error_account_not_found"
    after = account(db, "shared")
    assert (after.is_active, after.password_hash) == (before.is_active, before.password_hash)
    assert [e for e in audit.events(db) if e.actor == "alice"] == []


def test_an_account_holding_every_school_of_the_actor_only_is_theirs(db, settings, district):
    make_admin(db, "bob", [district.a, district.b])
    make_teacher(db, "prof", [district.a_class, district.b_class])
    assert staff.reset_password(db, settings, "bob", "prof").username == "prof"
    staff.set_active(db, "bob", "prof", False)
    assert not account(db, "prof").is_active


def test_the_list_names_no_school_or_class_outside_the_actors(db, settings, district):
    make_admin(db, "bob", [district.a, district.b])
    make_teacher(db, "prof", [district.a_class, district.b_class])
    make_admin(db, "district", all_schools=True)
    rows = staff_list.list_accounts(db, settings, "alice")
    assert [row.username for row in rows] == ["alice", "anna"]
    assert "Collège B" not in repr(rows) and "6e B" not in repr(rows)
    both = {row.username: row for row in staff_list.list_accounts(db, settings, "bob")}
    assert sorted(both) == ["alice", "anna", "bob", "bruno", "prof"]
    assert both["prof"].classes == ("6e A (Collège A)", "6e B (Collège B)")


RESERVED = ["system", "learner", "cli:root", "CLI:someone", " System ", "(unknown username)"]


@pytest.mark.parametrize("name", RESERVED)
def test_a_journal_actors_name_cannot_be_an_accounts(db, district, name):
    for actor, system in (("alice", False), ("cli:root", True)):
        with pytest.raises(ValidationError) as caught:
            staff.create_account(
                db,
                actor,
                name,
                role="teacher",
                rounds=TEST_ROUNDS,
                class_ids=[district.a_class],
                password="a long enough password",
                system=system,
            )
    assert caught.value.params.get("key") in {"error_username_reserved", None}
    with db.transaction() as session:
        assert session.scalar(select(Admin).where(Admin.username == name.strip().lower())) is None
    assert not audit.events(db, "account_created")


def test_a_reserved_name_is_refused_with_a_clear_message_in_both_languages(db, district):
    with pytest.raises(ValidationError) as caught:
        staff.create_account(
            db,
            "alice",
            "cli:root",
            role="teacher",
            rounds=TEST_ROUNDS,
            class_ids=[district.a_class],
        )
    assert caught.value.params == {"key": "error_username_reserved", "username": "cli:root"}
    assert error_message(caught.value, "fr") == (
        "Le nom d'utilisateur « cli:root » est réservé : choisissez-en un autre."
    )
    assert "cli:root" in error_message(caught.value, "en") and "reserved" in error_message(
        caught.value, "en"
    )
    with pytest.raises(ValidationError):
        admins.create_admin(db, "system", "a long enough password", TEST_ROUNDS)
