"""The reset service: each test says what a reset does, or why it changes nothing at all."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, inspect, select, update

from access_core.accounts import admins, sessions
from access_core.accounts.passwords import verify_password
from access_core.audit import events as audit
from access_core.db.models import Admin, Learner, ResetBatch
from access_core.errors import (
    BatchAlreadyApplied,
    ConcurrentChange,
    NotAuthorized,
    NotFound,
    ResetRefused,
    ValidationError,
)
from access_core.roster import resets
from access_core.roster.resets import RESET_ACTION, reset_passwords
from tests.support.factories import TEST_ROUNDS, add_learner, create_test_admin, dump_tables
from tests.support.school import School

PASSWORD_COLUMNS = {"password_hash", "must_change_password", "password_changed_at"}
DEACTIVATED_AT = datetime(2025, 5, 2, 8, 30, tzinfo=UTC)


@pytest.fixture
def pupils(db, admin, school) -> School:
    """The small pupils, Noé deactivated on DEACTIVATED_AT after choosing his password, logins
    made from the names (``léa.martin``)."""
    return school(
        db,
        noe_deactivated_at=DEACTIVATED_AT,
        noe_password="déjà-personnalisé",
        accented_logins=True,
    )


def reset(db, actor, learner_ids, **kwargs):
    return reset_passwords(db, actor, learner_ids, TEST_ROUNDS, **kwargs)


def learner(db, learner_id) -> Learner:
    with db.transaction() as session:
        found = session.get(Learner, learner_id)
        assert found is not None
        return found


def learner_columns(db) -> list[str]:
    """The learners' columns in table order, as ``SELECT *`` (and so ``dump_tables``) gives them."""
    return [column["name"] for column in inspect(db.engine).get_columns("learners")]


def rows_by_id(db, dump) -> dict[int, dict[str, object]]:
    columns = learner_columns(db)
    rows = [dict(zip(columns, row, strict=True)) for row in dump["learners"]]
    return {int(row["id"]): row for row in rows}


def without_password_columns(row: dict[str, object]) -> dict[str, object]:
    return {name: value for name, value in row.items() if name not in PASSWORD_COLUMNS}


def assert_only_these_learners_were_reset(db, before, after, reset_ids):
    """Full-dump comparison: only the password columns of ``reset_ids``, the new audit events,
    one new reset batch and its kept previous passwords (``reset_undo``) differ."""
    assert len(after["reset_undo"]) == len(before["reset_undo"]) + len(reset_ids)
    for table in before:
        if table not in ("learners", "audit_events", "reset_batches", "reset_undo"):
            assert after[table] == before[table], table
    old, new = rows_by_id(db, before), rows_by_id(db, after)
    assert new.keys() == old.keys()
    for learner_id, old_row in old.items():
        if learner_id in reset_ids:
            assert without_password_columns(new[learner_id]) == without_password_columns(old_row)
            assert new[learner_id]["password_hash"] != old_row["password_hash"]
        else:
            assert new[learner_id] == old_row, f"learner {learner_id} changed"
    assert after["audit_events"][: len(before["audit_events"])] == before["audit_events"]
    assert len(after["audit_events"]) == len(before["audit_events"]) + len(reset_ids)
    assert set(before["reset_batches"]) <= set(after["reset_batches"])
    assert len(after["reset_batches"]) == len(before["reset_batches"]) + 1


def test_a_reset_sets_each_marked_learners_password_to_the_birth_date(db, admin, pupils):
    outcome = reset(db, admin, [pupils.lea, pupils.hugo])

    for learner_id, expected in ((pupils.lea, "29022012"), (pupils.hugo, "03072012")):
        row = learner(db, learner_id)
        assert verify_password(expected, row.password_hash)
        assert row.must_change_password is True
        assert row.password_changed_at is not None
        assert abs(row.password_changed_at - outcome.applied_at) < timedelta(seconds=1)
    assert not verify_password("mon-mot-de-passe", learner(db, pupils.hugo).password_hash)
    assert outcome.count == 2
    assert sorted(row.id for row in outcome.learners) == sorted([pupils.lea, pupils.hugo])


def test_a_reset_records_one_audit_event_per_learner_with_actor_and_batch(db, admin, pupils):
    outcome = reset(db, admin, [pupils.lea, pupils.hugo, pupils.zoe])

    events = audit.events(db, action=RESET_ACTION)
    assert sorted(e.learner_id for e in events) == sorted([pupils.lea, pupils.hugo, pupils.zoe])
    assert {e.actor for e in events} == {admin}
    assert {e.batch_id for e in events} == {outcome.batch_id}
    assert {e.details["login"] for e in events} == {"léa.martin", "hugo.dubois", "zoé.petit"}
    assert {e.details["class"] for e in events} == {"6e A"}
    with db.transaction() as session:
        batch = session.get(ResetBatch, outcome.batch_id)
        assert batch is not None
        assert (batch.actor, batch.learner_count) == (admin, 3)


def test_a_reset_changes_only_the_password_columns_of_the_marked_learners(db, admin, pupils):
    before = dump_tables(db)

    reset(db, admin, [pupils.lea, pupils.hugo])

    assert_only_these_learners_were_reset(db, before, dump_tables(db), {pupils.lea, pupils.hugo})


def test_a_deactivated_learner_can_be_reset_and_stays_deactivated(db, admin, pupils):
    before = dump_tables(db)

    reset(db, admin, [pupils.noe])

    row = learner(db, pupils.noe)
    assert verify_password("31122010", row.password_hash)
    assert row.must_change_password is True
    assert row.deactivated_at == DEACTIVATED_AT
    assert_only_these_learners_were_reset(db, before, dump_tables(db), {pupils.noe})


def test_a_batch_with_a_learner_without_birth_date_is_refused_whole(db, admin, pupils):
    nobody_knows = add_learner(db, "Sans", "Date", birth_date=None)
    before = dump_tables(db)

    with pytest.raises(ResetRefused, match="Sans Date") as refused:
        reset(db, admin, [pupils.lea, nobody_knows, pupils.zoe])

    assert refused.value.params["names"] == ["Sans Date"]
    assert dump_tables(db) == before


def test_the_same_batch_applied_twice_is_refused_the_second_time(db, admin, pupils):
    outcome = reset(db, admin, [pupils.lea])
    after_first = dump_tables(db)

    with pytest.raises(BatchAlreadyApplied):
        reset(db, admin, [pupils.lea], batch_id=outcome.batch_id)
    with pytest.raises(BatchAlreadyApplied):
        reset(db, admin, [pupils.zoe], batch_id=outcome.batch_id)

    assert dump_tables(db) == after_first


def test_an_already_applied_batch_is_refused_before_any_hashing(db, admin, pupils):
    outcome = reset(db, admin, [pupils.lea])
    calls: list[tuple[int, int]] = []

    with pytest.raises(BatchAlreadyApplied):
        reset(
            db, admin, [pupils.lea], batch_id=outcome.batch_id, progress=lambda *c: calls.append(c)
        )

    assert calls == []


def test_a_batch_applied_concurrently_by_someone_else_is_refused_and_changes_nothing(
    db, admin, pupils, monkeypatch
):
    """Both requests passed validation; the other one writes its batch row first."""
    real_hash_many = resets.hash_many
    batch_id = resets.new_batch_id()
    state = {}

    def other_request_applies_the_same_batch(passwords, rounds, progress=None, workers=None):
        with db.transaction(write=True) as session:
            session.add(
                ResetBatch(id=batch_id, actor=admin, applied_at=datetime.now(UTC), learner_count=1)
            )
        state["before"] = dump_tables(db)
        return real_hash_many(passwords, rounds, progress)

    monkeypatch.setattr(resets, "hash_many", other_request_applies_the_same_batch)

    with pytest.raises(BatchAlreadyApplied):
        reset(db, admin, [pupils.lea, pupils.zoe], batch_id=batch_id)

    assert dump_tables(db) == state["before"]


@pytest.mark.parametrize("actor", ["nobody", "", None, "  "])
def test_someone_who_is_not_an_administrator_cannot_reset(db, admin, pupils, actor):
    before = dump_tables(db)

    with pytest.raises(NotAuthorized):
        reset(db, actor, [pupils.lea])

    assert dump_tables(db) == before


def set_admin_active(db, username: str, active: bool) -> None:
    with db.transaction(write=True) as session:
        session.execute(update(Admin).where(Admin.username == username).values(is_active=active))


def test_a_reset_event_records_the_class_of_its_learner(db, admin, pupils):
    reset(db, admin, [pupils.ines, pupils.lea])

    classes = {e.learner_id: e.details["class"] for e in audit.events(db, action=RESET_ACTION)}
    assert classes == {pupils.ines: "6e B", pupils.lea: "6e A"}


@pytest.mark.parametrize("who", ["not an administrator", "a disabled administrator"])
@pytest.mark.parametrize("request_", ["unknown ids", "a learner without birth date"])
def test_an_unauthorised_actor_is_refused_before_any_name_leaks_or_any_hashing(
    db, admin, pupils, monkeypatch, who, request_
):
    actor = "nobody" if who == "not an administrator" else admin
    if who == "a disabled administrator":
        set_admin_active(db, admin, False)
    no_birth_date = add_learner(db, "Sansdate", "Camille", birth_date=None)
    ids = [999_999] if request_ == "unknown ids" else [pupils.lea, no_birth_date]
    hashed: list[int] = []
    monkeypatch.setattr(resets, "hash_many", lambda passwords, *a, **k: hashed.append(1) or [])
    before = dump_tables(db)

    with pytest.raises(NotAuthorized) as refused:
        reset(db, actor, ids)

    assert "Sansdate" not in str(refused.value) and "999999" not in str(refused.value)
    assert "names" not in refused.value.params and "ids" not in refused.value.params
    assert hashed == []
    assert dump_tables(db) == before


def test_a_disabled_administrator_cannot_reset(db, admin, pupils):
    set_admin_active(db, admin, False)
    before = dump_tables(db)

    with pytest.raises(NotAuthorized):
        reset(db, admin, [pupils.lea])

    assert dump_tables(db) == before


def test_an_administrator_disabled_while_the_batch_is_hashed_resets_nothing(
    db, admin, pupils, monkeypatch
):
    real_hash_many = resets.hash_many
    state = {}

    def disable_admin_meanwhile(passwords, rounds, progress=None, workers=None):
        set_admin_active(db, admin, False)
        state["before"] = dump_tables(db)
        return real_hash_many(passwords, rounds, progress)

    monkeypatch.setattr(resets, "hash_many", disable_admin_meanwhile)

    with pytest.raises(NotAuthorized):
        reset(db, admin, [pupils.lea])

    assert dump_tables(db) == state["before"]


@pytest.mark.parametrize("change", ["set_password", "logout_elsewhere"])
def test_a_reset_hashing_while_the_sessions_credential_changes_writes_nothing(
    db, admin, pupils, monkeypatch, change
):
    """The page checked the session, then the reset hashes for seconds: a password changed
    (`access-core set-password`, what a school does for a stolen password) or a logout in
    another tab meanwhile revokes the session, and the reset made on its strength writes
    nothing (the write re-checks the session's credential, not only « an active admin »)."""
    policy = sessions.SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=8))
    session_id = sessions.start(db, admin, policy)
    assert sessions.check(db, policy, session_id).live  # what every page run does first
    real_hash_many = resets.hash_many
    state = {}

    def revoke_meanwhile(passwords, rounds, progress=None, workers=None):
        if change == "set_password":
            admins.set_password(db, admin, "a brand new passphrase", TEST_ROUNDS)
        else:  # « Se déconnecter » in another tab of the same browser: the same session
            sessions.end(db, session_id, "logout")
        state["before"] = dump_tables(db)
        return real_hash_many(passwords, rounds, progress)

    monkeypatch.setattr(resets, "hash_many", revoke_meanwhile)

    with pytest.raises(NotAuthorized):
        reset(db, admin, [pupils.lea])

    assert dump_tables(db) == state["before"]


def test_a_reset_from_a_live_session_whose_credential_is_unchanged_writes(db, admin, pupils):
    policy = sessions.SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=8))
    assert sessions.check(db, policy, sessions.start(db, admin, policy)).live

    outcome = reset(db, admin, [pupils.lea])

    assert [row.id for row in outcome.learners] == [pupils.lea]


def test_another_active_administrator_can_reset(db, admin, pupils):
    create_test_admin(db, "second.admin")

    outcome = reset(db, " Second.Admin ", [pupils.lea])

    assert outcome.count == 1
    assert verify_password("29022012", learner(db, pupils.lea).password_hash)


def test_unknown_learner_ids_are_not_found_and_nothing_changes(db, admin, pupils):
    before = dump_tables(db)
    unknown = max(pupils.lea, pupils.hugo, pupils.zoe, pupils.noe) + 1000

    with pytest.raises(NotFound) as not_found:
        reset(db, admin, [pupils.lea, unknown])

    assert not_found.value.params["ids"] == [unknown]
    assert dump_tables(db) == before


def test_an_empty_batch_is_a_validation_error(db, admin, pupils):
    before = dump_tables(db)

    with pytest.raises(ValidationError):
        reset(db, admin, [])

    assert dump_tables(db) == before


def test_a_birth_date_changed_between_validation_and_write_resets_nobody(
    db, admin, pupils, monkeypatch
):
    real_hash_many = resets.hash_many
    state = {}

    def birth_date_corrected_meanwhile(passwords, rounds, progress=None, workers=None):
        with db.transaction(write=True) as session:
            session.execute(
                update(Learner).where(Learner.id == pupils.zoe).values(birth_date=date(2013, 1, 2))
            )
        state["before"] = dump_tables(db)
        return real_hash_many(passwords, rounds, progress)

    monkeypatch.setattr(resets, "hash_many", birth_date_corrected_meanwhile)

    with pytest.raises(ConcurrentChange, match="Petit Zoé"):
        reset(db, admin, [pupils.lea, pupils.zoe, pupils.hugo])

    assert dump_tables(db) == state["before"]
    zoe_hash = learner(db, pupils.zoe).password_hash
    assert verify_password("01012013", zoe_hash)  # the hash written before, untouched
    assert not verify_password("02012013", zoe_hash)
    assert verify_password("mon-mot-de-passe", learner(db, pupils.hugo).password_hash)


def test_a_learner_removed_between_validation_and_write_resets_nobody(
    db, admin, pupils, monkeypatch
):
    real_hash_many = resets.hash_many
    state = {}

    def learner_removed_meanwhile(passwords, rounds, progress=None, workers=None):
        with db.transaction(write=True) as session:
            session.execute(delete(Learner).where(Learner.id == pupils.zoe))
        state["before"] = dump_tables(db)
        return real_hash_many(passwords, rounds, progress)

    monkeypatch.setattr(resets, "hash_many", learner_removed_meanwhile)

    with pytest.raises(ConcurrentChange):
        reset(db, admin, [pupils.hugo, pupils.zoe])

    assert dump_tables(db) == state["before"]
    with db.transaction() as session:
        assert session.scalar(select(Learner.id).where(Learner.id == pupils.zoe)) is None


def test_a_reset_reports_hashing_progress_up_to_the_batch_size(db, admin, pupils):
    calls: list[tuple[int, int]] = []

    reset(db, admin, [pupils.lea, pupils.zoe], progress=lambda d, t: calls.append((d, t)))

    assert calls[-1] == (2, 2)
