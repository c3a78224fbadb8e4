"""Undoing a reset: the exact previous password back, learners who used the reset kept and
named, a window after which nothing is kept, and one winner when two act at once."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from access_core.accounts import learner_login
from access_core.accounts.passwords import hash_password
from access_core.audit import events as audit
from access_core.db.models import Learner, ResetBatch, ResetUndo
from access_core.db.unit_of_work import Database
from access_core.errors import NotFound, UndoRefused
from access_core.roster import retention, undo
from access_core.roster.resets import reset_passwords
from access_core.roster.undo import KEPT_CHANGED, KEPT_LOGGED_IN, undo_deadline, undo_reset
from tests.support.factories import TEST_ROUNDS, create_test_admin
from tests.support.first_school import create_teacher, ensure_first_school, grant_first_school
from tests.support.school import HUGO_PASSWORD, School


@pytest.fixture(autouse=True)
def first_school(db):
    ensure_first_school(db)


@pytest.fixture
def admin(db, first_school) -> str:
    return grant_first_school(db, create_test_admin(db))


@pytest.fixture
def pupils(db, admin, school) -> School:
    return school(db)


def passwords(db, *ids):
    """Each learner's password columns, exactly as stored."""
    with db.transaction() as session:
        rows = session.execute(
            select(
                Learner.id,
                Learner.password_hash,
                Learner.must_change_password,
                Learner.password_changed_at,
            ).where(Learner.id.in_(ids))
        ).all()
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def kept_rows(db) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(ResetUndo)) or 0)


def reset(db, actor, ids, **kwargs):
    return reset_passwords(db, actor, ids, TEST_ROUNDS, **kwargs)


def test_an_undo_gives_back_the_exact_previous_hash_state_and_date(db, admin, pupils):
    before = passwords(db, pupils.lea, pupils.hugo, pupils.zoe)
    outcome = reset(db, admin, [pupils.lea, pupils.hugo])
    assert passwords(db, pupils.hugo)[pupils.hugo][0] != before[pupils.hugo][0]

    undone = undo_reset(db, admin, outcome.batch_id)

    assert passwords(db, pupils.lea, pupils.hugo, pupils.zoe) == before  # the same strings
    assert sorted(undone.restored) == ["Dubois Hugo", "Martin Léa"]
    assert undone.kept == ()
    assert learner_login.verify_password(HUGO_PASSWORD, before[pupils.hugo][0])
    assert before[pupils.hugo][1] is False  # his chosen password, not to be changed
    actions = [e.action for e in audit.events(db) if e.batch_id == outcome.batch_id]
    assert actions.count("reset_undone") == 2
    assert kept_rows(db) == 0  # nothing kept once undone


def test_a_learner_who_logged_in_since_is_kept_and_named(db, admin, pupils, settings):
    outcome = reset(db, admin, [pupils.lea, pupils.hugo])
    after_reset = passwords(db, pupils.lea)
    result = learner_login.authenticate(db, settings, "lea.martin", "29022012")
    assert result.may_enter

    undone = undo_reset(db, admin, outcome.batch_id)

    assert undone.restored == ("Dubois Hugo",)
    assert [(k.name, k.reason) for k in undone.kept] == [("Martin Léa", KEPT_LOGGED_IN)]
    assert passwords(db, pupils.lea) == after_reset  # her reset password stays
    kept = [e for e in audit.events(db) if e.action == "reset_undo_kept"]
    assert [(e.learner_id, e.details["reason"]) for e in kept] == [(pupils.lea, KEPT_LOGGED_IN)]


def test_a_learner_whose_password_changed_since_is_kept_and_named(db, admin, pupils, settings):
    outcome = reset(db, admin, [pupils.lea, pupils.zoe])
    learner_login.change_password(db, settings, "zoe.petit", "01012013", "un-nouveau-secret")
    after_change = passwords(db, pupils.zoe)

    undone = undo_reset(db, admin, outcome.batch_id)

    assert undone.restored == ("Martin Léa",)
    # changing it is logging in first
    assert [(k.name, k.reason) for k in undone.kept] == [("Petit Zoé", KEPT_LOGGED_IN)]
    assert passwords(db, pupils.zoe) == after_change


def test_a_password_written_by_another_program_since_is_kept_and_named(db, admin, pupils):
    outcome = reset(db, admin, [pupils.lea, pupils.zoe])
    with db.transaction(write=True) as session:  # e.g. the portal's own password change
        session.execute(
            update(Learner)
            .where(Learner.id == pupils.zoe)
            .values(password_hash=hash_password("autre-secret", TEST_ROUNDS))
        )
    after_change = passwords(db, pupils.zoe)

    undone = undo_reset(db, admin, outcome.batch_id)

    assert undone.restored == ("Martin Léa",)
    assert [(k.name, k.reason) for k in undone.kept] == [("Petit Zoé", KEPT_CHANGED)]
    assert passwords(db, pupils.zoe) == after_change


def test_a_learner_reset_again_by_a_later_batch_is_kept(db, admin, pupils):
    first = reset(db, admin, [pupils.lea, pupils.hugo])
    reset(db, admin, [pupils.hugo])
    after_second = passwords(db, pupils.hugo)

    undone = undo_reset(db, admin, first.batch_id)

    assert undone.restored == ("Martin Léa",)
    assert [(k.name, k.reason) for k in undone.kept] == [("Dubois Hugo", KEPT_CHANGED)]
    assert passwords(db, pupils.hugo) == after_second


def test_after_the_window_the_undo_is_refused_and_the_previous_passwords_are_erased(
    db, admin, pupils, monkeypatch
):
    outcome = reset(db, admin, [pupils.lea, pupils.hugo], undo_minutes=15)
    after_reset = passwords(db, pupils.lea, pupils.hugo)
    assert undo_deadline(db, admin, outcome.batch_id) == outcome.applied_at + timedelta(minutes=15)
    later = outcome.applied_at + timedelta(minutes=15, seconds=1)
    monkeypatch.setattr(undo, "clock", lambda: later)
    assert undo_deadline(db, admin, outcome.batch_id) is None

    with pytest.raises(UndoRefused) as refused:
        undo_reset(db, admin, outcome.batch_id)

    assert refused.value.params["key"] == "error_undo_expired"
    assert passwords(db, pupils.lea, pupils.hugo) == after_reset
    assert kept_rows(db) == 0  # the refusal's transaction erased them
    with pytest.raises(UndoRefused):  # and still refused
        undo_reset(db, admin, outcome.batch_id)


def test_just_inside_the_window_the_undo_applies(db, admin, pupils, monkeypatch):
    before = passwords(db, pupils.hugo)
    outcome = reset(db, admin, [pupils.hugo], undo_minutes=15)
    almost = outcome.applied_at + timedelta(minutes=14, seconds=59)
    monkeypatch.setattr(undo, "clock", lambda: almost)

    assert undo_reset(db, admin, outcome.batch_id).count == 1
    assert passwords(db, pupils.hugo) == before


def test_the_next_reset_and_the_purge_erase_what_is_past_its_window(db, admin, pupils):
    first = reset(db, admin, [pupils.lea])
    with db.transaction(write=True) as session:  # its window is over
        session.execute(
            update(ResetUndo).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    reset(db, admin, [pupils.zoe])
    with db.transaction() as session:
        batches = set(session.scalars(select(ResetUndo.batch_id)))
    assert first.batch_id not in batches and len(batches) == 1

    terms = retention.Terms(3, 12, ZoneInfo("Europe/Paris"))
    retention.purge(db, admin, terms, now=datetime.now(UTC) + timedelta(minutes=16))
    assert kept_rows(db) == 0


def test_no_window_keeps_nothing(db, admin, pupils):
    outcome = reset(db, admin, [pupils.lea], undo_minutes=0)
    assert kept_rows(db) == 0
    with pytest.raises(UndoRefused):
        undo_reset(db, admin, outcome.batch_id)


def test_a_second_undo_is_refused_as_already_undone(db, admin, pupils):
    outcome = reset(db, admin, [pupils.lea])
    undo_reset(db, admin, outcome.batch_id)
    with pytest.raises(UndoRefused) as refused:
        undo_reset(db, admin, outcome.batch_id)
    assert refused.value.params["key"] == "error_undo_already_done"


def test_unknown_and_out_of_scope_batches_are_the_same_not_found(db, admin, pupils):
    outcome = reset(db, admin, [pupils.lea])  # 6e A
    teacher_b = create_teacher(db, "prof.b", [pupils.class_b])
    teacher_a = create_teacher(db, "prof.a", [pupils.class_a])

    errors = []
    for actor, batch in (
        (admin, "no-such-batch"),
        (teacher_b, outcome.batch_id),  # not theirs, not their class
        (teacher_a, outcome.batch_id),  # their class, but not their batch
    ):
        with pytest.raises(NotFound) as missing:
            undo_reset(db, actor, batch)
        errors.append((type(missing.value), str(missing.value), missing.value.params["key"]))
    assert len(set(errors)) == 1

    with db.transaction(write=True) as session:  # a batch of teacher A's own
        session.execute(update(ResetBatch).values(actor=teacher_a))
    assert undo_reset(db, teacher_a, outcome.batch_id).restored == ("Martin Léa",)


def test_a_teacher_may_not_undo_their_batch_holding_a_learner_of_another_class(db, admin, pupils):
    outcome = reset(db, admin, [pupils.lea, pupils.ines])  # 6e A and 6e B
    teacher_a = create_teacher(db, "prof.a", [pupils.class_a])
    with db.transaction(write=True) as session:
        session.execute(update(ResetBatch).values(actor=teacher_a))
    with pytest.raises(NotFound):
        undo_reset(db, teacher_a, outcome.batch_id)


def test_no_previous_hash_reaches_the_journal_or_the_log(db, admin, pupils, caplog):
    before = passwords(db, pupils.lea, pupils.hugo)
    outcome = reset(db, admin, [pupils.lea, pupils.hugo])
    with caplog.at_level(logging.DEBUG):
        undo_reset(db, admin, outcome.batch_id)
        with pytest.raises(UndoRefused) as refused:
            undo_reset(db, admin, outcome.batch_id)
    seen = caplog.text + str(refused.value) + repr(refused.value.params)
    seen += "".join(str(e.details) for e in audit.events(db))
    for old_hash, _, _ in before.values():
        assert old_hash not in seen
        assert old_hash[7:29] not in seen  # not even its salt


# --- two actors at once ---------------------------------------------------------------------


def _run_together(*actions):
    """Run the callables in threads started together; each result or exception, in order."""
    start = threading.Barrier(len(actions), timeout=60)
    results: list[object] = [None] * len(actions)

    def run(index, action):
        start.wait()
        try:
            results[index] = action()
        except Exception as exc:  # noqa: BLE001 - asserted by the caller
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_administrators_undoing_at_once_one_wins_the_other_is_told(
    database_url, db, admin, pupils, attempt
):
    grant_first_school(db, create_test_admin(db, "second"))
    ids = [pupils.lea, pupils.hugo, pupils.zoe]
    before = passwords(db, *ids)
    outcome = reset(db, admin, ids)
    dbs = [Database.from_url(database_url) for _ in range(2)]
    try:
        results = _run_together(
            lambda: undo_reset(dbs[0], admin, outcome.batch_id),
            lambda: undo_reset(dbs[1], "second", outcome.batch_id),
        )
    finally:
        for one in dbs:
            one.dispose()
    winners = [r for r in results if isinstance(r, undo.UndoOutcome)]
    losers = [r for r in results if isinstance(r, UndoRefused)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert winners[0].count == 3
    assert losers[0].params["key"] == "error_undo_already_done"
    assert passwords(db, *ids) == before
    undone = [e for e in audit.events(db) if e.action == "reset_undone"]
    assert len(undone) == 3


@pytest.mark.parametrize("attempt", range(3))
def test_an_undo_and_a_reset_of_the_same_learners_at_once_never_both_apply(
    database_url, db, admin, pupils, attempt
):
    ids = [pupils.lea, pupils.hugo, pupils.zoe]
    before = passwords(db, *ids)
    first = reset(db, admin, ids)
    dbs = [Database.from_url(database_url) for _ in range(2)]
    try:
        results = _run_together(
            lambda: undo_reset(dbs[0], admin, first.batch_id),
            lambda: reset_passwords(dbs[1], admin, ids, TEST_ROUNDS),
        )
    finally:
        for one in dbs:
            one.dispose()
    undone, second = results
    assert isinstance(undone, undo.UndoOutcome), undone
    assert not isinstance(second, Exception), second
    final = passwords(db, *ids)
    with db.transaction() as session:
        second_kept = {
            row.learner_id: (row.previous_hash, row.previous_must_change, row.previous_changed_at)
            for row in session.scalars(
                select(ResetUndo).where(ResetUndo.batch_id == second.batch_id)
            )
        }
        second_hashes = {
            row.learner_id: row.reset_hash
            for row in session.scalars(
                select(ResetUndo).where(ResetUndo.batch_id == second.batch_id)
            )
        }
    # the second reset's passwords stand in either order
    assert {i: final[i][0] for i in ids} == second_hashes
    if undone.count == 3:  # the undo first: the second reset overwrote the restored passwords
        assert undone.kept == ()
        assert second_kept == before
    else:  # the reset first: the undo kept every learner and named them
        assert undone.count == 0
        assert {k.reason for k in undone.kept} == {KEPT_CHANGED} and len(undone.kept) == 3


def test_an_undo_is_one_security_log_line_with_its_counts(db, admin, pupils, settings, caplog):
    outcome = reset(db, admin, [pupils.lea, pupils.hugo])
    learner_login.authenticate(db, settings, "lea.martin", "29022012")
    caplog.clear()  # the reset's and the login's own lines (captured when INFO is already on)
    with caplog.at_level(logging.INFO, logger="access_core.security"):
        undo_reset(db, admin, outcome.batch_id)
    lines = [r.getMessage() for r in caplog.records if r.name == "access_core.security"]
    assert lines == [
        f"event=reset_undone client=- actor={admin} restored=1 kept=1 batch={outcome.batch_id}"
    ]
