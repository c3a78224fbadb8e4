"""Import identity on real databases: corrected birth dates, rejected rows, namesakes with
another national id, and plans that went stale between preview and apply (issue 9, items 1-3
and 15; a second administrator importing at the same moment)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from access_core.accounts.learner_login import change_password
from access_core.config import load_settings
from access_core.db.models import Learner
from access_core.errors import ConcurrentChange, ConfigError
from access_core.imports import preview as imports
from access_core.imports.apply import INITIAL_PASSWORD_MOVED
from access_core.imports.files import read_roster
from tests.support.factories import TEST_ROUNDS, add_learner, dump_tables
from tests.support.imports import (
    HEADER,
    LONG_AGO,
    actions,
    audit_rows,
    checkpw,
    csv_roster,
    learner,
    learner_count,
    run,
)

LOGIN_HEADER = HEADER + ";Login"


def events_of(db, action: str, learner_id: int) -> list[dict[str, object]]:
    return [
        json.loads(details or "{}")
        for a, lid, details in audit_rows(db)
        if a == action and lid == learner_id
    ]


# --- 1. a corrected birth date moves the initial password -------------------------------------


def test_a_corrected_birth_date_moves_the_initial_password(db, admin):
    lea = add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont")
    assert checkpw("17052013", learner(db, id=lea)["password_hash"])
    before = datetime.now(UTC)

    plan = imports.preview(db, admin, csv_roster("INE-1;Dupont;Léa;18/05/2013;6e A"))
    # the preview says whose initial password changes, as plain values
    assert [(c.learner.id, c.login, c.line) for c in plan.initial_password_moved if c.learner] == [
        (lea, "lea.dupont", 2)
    ]
    assert plan.initial_password_moved[0].fields == {"birth_date": date(2013, 5, 18)}
    calls: list[tuple[int, int]] = []
    outcome = imports.apply(
        db, admin, plan, TEST_ROUNDS, progress=lambda d, t: calls.append((d, t))
    )

    assert outcome.initial_passwords_moved == 1 and outcome.updated == 1
    row = learner(db, id=lea)
    assert row["birth_date"] == date(2013, 5, 18)
    assert checkpw("18052013", row["password_hash"])  # what the workbook tells the learner
    assert not checkpw("17052013", row["password_hash"])
    assert row["must_change_password"] is True
    assert row["password_changed_at"] >= before  # a fresh initial password: its age restarts
    # hashed in the parallel step before the transaction, with its progress
    assert calls[0] == (0, 1) and calls[-1] == (1, 1)
    assert events_of(db, INITIAL_PASSWORD_MOVED, lea) == [{"login": "lea.dupont", "line": 2}]
    assert actions(db).count(INITIAL_PASSWORD_MOVED) == 1


def test_new_learners_and_moved_passwords_are_hashed_in_one_step(db, admin):
    add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont")
    plan = imports.preview(
        db,
        admin,
        csv_roster("INE-1;Dupont;Léa;18/05/2013;6e A", "INE-2;Neuf;Noé;01/01/2013;6e A"),
    )
    totals: set[int] = set()
    outcome = imports.apply(db, admin, plan, TEST_ROUNDS, progress=lambda d, t: totals.add(t))
    assert totals == {2} and outcome.new == 1 and outcome.initial_passwords_moved == 1
    assert checkpw("01012013", learner(db, login="noe.neuf")["password_hash"])
    assert checkpw("18052013", learner(db, login="lea.dupont")["password_hash"])


def test_a_learner_who_personalised_the_password_keeps_it(db, admin):
    lea = add_learner(
        db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont", password="Le mien, 2025!"
    )
    before = learner(db, id=lea)
    plan, outcome = run(db, admin, csv_roster("INE-1;Dupont;Léa;18/05/2013;6e A"))
    assert plan.initial_password_moved == [] and outcome.initial_passwords_moved == 0
    after = learner(db, id=lea)
    assert after["birth_date"] == date(2013, 5, 18)
    assert (after["password_hash"], after["password_changed_at"]) == (
        before["password_hash"],
        before["password_changed_at"],
    )
    assert after["must_change_password"] is False
    assert INITIAL_PASSWORD_MOVED not in actions(db)


def test_a_password_personalised_between_preview_and_apply_is_kept(db, admin, settings):
    """The rule is decided again in the transaction: the learner's own choice wins."""
    lea = add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont")
    plan = imports.preview(db, admin, csv_roster("INE-1;Dupont;Léa;18/05/2013;6e A"))
    assert len(plan.initial_password_moved) == 1
    change_password(db, settings, "lea.dupont", "17052013", "Mon choix à moi 42")

    outcome = imports.apply(db, admin, plan, TEST_ROUNDS)

    assert outcome.initial_passwords_moved == 0
    row = learner(db, id=lea)
    assert row["birth_date"] == date(2013, 5, 18)
    assert checkpw("Mon choix à moi 42", row["password_hash"])
    assert row["must_change_password"] is False
    assert INITIAL_PASSWORD_MOVED not in actions(db)


def test_an_unchanged_birth_date_never_touches_the_password(db, admin):
    lea = add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont")
    before = learner(db, id=lea)
    plan, _ = run(db, admin, csv_roster("INE-1;Dupont-Morel;Léa;17/05/2013;5e B"))
    assert plan.initial_password_moved == [] and len(plan.updated) == 1
    assert learner(db, id=lea)["password_hash"] == before["password_hash"]


# --- 2. a rejected row never deactivates its learner ------------------------------------------


def ten_learners_and_one_gone(db) -> dict[str, int]:
    """Ten active learners and one gone long ago."""
    ids = {
        "lea": add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont"),
        "tom": add_learner(db, "Petit", "Tom", login="tom.petit", birth_date=date(2012, 3, 4)),
        "ana": add_learner(db, "Roux", "Ana", login="ana.roux", birth_date=date(2012, 6, 7)),
        "eve": add_learner(
            db, "Blanc", "Ève", external_id="INE-4", login="eve.blanc", deactivated_at=LONG_AGO
        ),
    }
    for i in range(7):
        ids[f"x{i}"] = add_learner(db, "Autre", f"Élève{i}", external_id=f"X-{i}", login=f"x{i}")
    return ids


OTHERS = tuple(f"X-{i};Autre;Élève{i};17/05/2013;6e A;" for i in range(7))


@pytest.mark.parametrize(
    ("row", "who"),
    [
        ("INE-1;Dupont;Léa;31/02/2013;6e A;", "lea"),  # impossible date: its external id
        ("INE-1;Dupont;;17/05/2013;6e A;", "lea"),  # missing first name: its external id
        (";Petit;Tom;04/03/2012;;", "tom"),  # missing class: names + birth date
        (";Petit;Tom;2012-03-04;6e A;tom petit", "tom"),  # bad login: names + birth date
        (";;;01/01/2013;6e A;ana.roux", "ana"),  # missing names: its login
        (";Roux;Ana;07/13/2012;6e A;", "ana"),  # impossible date, no id: the names alone
    ],
)
def test_a_rejected_row_never_deactivates_its_learner(db, admin, row, who):
    ids = ten_learners_and_one_gone(db)
    roster = csv_roster(*OTHERS, row, "INE-4;Blanc;Ève;31/02/2013;6e A;", header=LOGIN_HEADER)
    assert [p.line for p in roster.problems] == [9, 10]

    plan, outcome = run(db, admin, roster, skip_bad_rows=True, force=True)  # 2 of 10 leave

    assert [(c.learner.id, c.line) for c in plan.kept if c.learner] == [(ids[who], 9)]
    absent = {"lea", "tom", "ana"} - {who}
    assert sorted(c.learner.id for c in plan.deactivated if c.learner) == sorted(
        ids[a] for a in absent
    )
    assert outcome.deactivated == 2 and outcome.skipped_rows == 2
    assert learner(db, id=ids[who])["deactivated_at"] is None
    for name in absent:
        assert learner(db, id=ids[name])["deactivated_at"] is not None
    # a learner already gone stays gone: a rejected row reactivates nobody
    assert learner(db, id=ids["eve"])["deactivated_at"] is not None
    assert [c.learner.id for c in plan.kept if c.learner] == [ids[who]]


def test_a_partial_import_lists_nobody_as_kept(db, admin):
    ten_learners_and_one_gone(db)
    plan = imports.preview(db, admin, csv_roster("INE-1;Dupont;Léa;31/02/2013;6e A"), partial=True)
    assert plan.kept == [] and plan.deactivated == []


def test_a_rejected_row_with_another_national_id_keeps_no_namesake(db, admin):
    ids = ten_learners_and_one_gone(db)
    roster = csv_roster(*OTHERS, "INE-9;Dupont;Léa;17/05/2013;;", header=LOGIN_HEADER)
    plan = imports.preview(db, admin, roster)
    assert plan.kept == []
    assert ids["lea"] in {c.learner.id for c in plan.deactivated if c.learner}


# --- 3. a namesake with another national id never takes over an account -----------------------


def test_a_namesake_with_another_national_id_gets_an_account_of_their_own(db, admin):
    """Léa Martin (INE-A) left; another Léa Martin born the same day arrives with INE-B: she
    must not inherit the first one's login, password, class and history."""
    gone = add_learner(
        db,
        "Martin",
        "Léa",
        birth_date=date(2013, 1, 1),
        external_id="INE-A",
        login="lea.martin",
        password="Le secret de la première",
    )
    before = learner(db, id=gone)
    plan, outcome = run(db, admin, csv_roster("INE-B;Martin;Léa;01/01/2013;6e B"), force=True)

    assert [(c.row.external_id, c.login) for c in plan.new if c.row] == [("INE-B", "lea.martin2")]
    assert plan.updated == [] and plan.moved == []
    assert [c.learner.id for c in plan.deactivated if c.learner] == [gone]
    assert outcome.new == 1 and outcome.deactivated == 1
    first = learner(db, id=gone)
    assert (first["external_id"], first["login"], first["password_hash"]) == (
        "INE-A",
        "lea.martin",
        before["password_hash"],
    )
    newcomer = learner(db, external_id="INE-B")
    assert newcomer["id"] != gone and newcomer["class_name"] == "6e B"
    assert checkpw("01012013", newcomer["password_hash"])
    assert "learner_updated" not in actions(db)


def test_a_known_learner_without_external_id_is_matched_and_gets_it(db, admin):
    tom = add_learner(db, "Petit", "Tom", birth_date=date(2012, 3, 4), login="tom.petit")
    plan, _ = run(db, admin, csv_roster("INE-7;PETIT;Tom;04/03/2012;6e A"))
    assert plan.new == [] and [c.learner.id for c in plan.updated if c.learner] == [tom]
    assert learner(db, id=tom)["external_id"] == "INE-7"
    assert learner_count(db) == 1


# --- 15. a rejected login is in no list ----------------------------------------------------------


def test_a_row_whose_login_belongs_to_another_learner_is_in_no_list(db, admin):
    """Rejected, so neither new, updated nor moved; its own learner is kept, not deactivated."""
    ids = ten_learners_and_one_gone(db)
    roster = csv_roster(
        *OTHERS,
        "INE-1;Dupont;Léa;17/05/2013;6e A;",
        ";Petit;Tom;04/03/2012;5e C;ana.roux",  # Tom moves, with Ana's login
        "INE-9;Neuf;Noé;01/01/2013;6e A;lea.dupont",  # a newcomer with Léa's login
        header=LOGIN_HEADER,
    )
    plan = imports.preview(db, admin, roster)
    assert [(p.line, p.reason) for p in plan.rejected] == [
        (10, "login ana.roux belongs to another learner"),
        (11, "login lea.dupont belongs to another learner"),
    ]
    listed = plan.new + plan.updated + plan.moved + plan.reactivated
    assert {c.line for c in listed} == set()
    assert plan.new_classes == []  # 5e C is only on a rejected row: never created
    assert [(c.learner.id, c.line) for c in plan.kept if c.learner] == [(ids["tom"], 10)]
    assert [c.learner.id for c in plan.deactivated if c.learner] == [ids["ana"]]

    run(db, admin, roster, skip_bad_rows=True)
    assert learner(db, id=ids["tom"])["class_name"] == "6e A"
    assert learner(db, id=ids["tom"])["deactivated_at"] is None
    assert learner(db, login="lea.dupont")["id"] == ids["lea"]
    assert learner_count(db) == len(ids)


# --- stale plans: a second administrator, a corrected file -------------------------------------


def test_a_plan_is_not_applied_over_a_learner_changed_since_the_preview(db, admin):
    ids = ten_learners_and_one_gone(db)
    mine = imports.preview(db, admin, csv_roster(*OTHERS, "INE-1;Dupont;Léa;17/05/2013;5e B;"))
    assert {c.learner.id for c in mine.deactivated if c.learner} == {ids["tom"], ids["ana"]}
    # meanwhile another administrator imports a corrected file: Tom gets his national id
    run(db, admin, csv_roster("INE-2;Petit;Tom;04/03/2012;6e A"), partial=True)
    assert learner(db, id=ids["tom"])["external_id"] == "INE-2"
    dump = dump_tables(db)

    with pytest.raises(ConcurrentChange) as caught:
        imports.apply(db, admin, mine, TEST_ROUNDS, force=True)

    assert caught.value.params["key"] == imports.CHANGED_MEANWHILE
    assert dump_tables(db) == dump  # nothing of the stale plan, not even Léa's move


def test_two_administrators_importing_the_same_file_at_once_create_each_learner_once(db, admin):
    add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont")
    roster = read_roster(
        "\n".join(
            [HEADER, "INE-1;Dupont;Léa;17/05/2013;5e B"]
            + [f"N-{i};Neuf;Élève{i};01/01/2013;6e A" for i in range(6)]
        ).encode(),
        "roster.csv",
    )
    plans = [imports.preview(db, admin, roster) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[object] = []

    def import_once(plan: imports.ImportPlan) -> None:
        barrier.wait()
        try:
            results.append(imports.apply(db, admin, plan, TEST_ROUNDS))
        except ConcurrentChange as exc:
            results.append(exc)

    threads = [threading.Thread(target=import_once, args=(p,)) for p in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(type(r).__name__ for r in results) == ["ConcurrentChange", "ImportOutcome"]
    assert learner_count(db) == 7
    assert learner(db, external_id="INE-1")["class_name"] == "5e B"
    assert actions(db).count("learner_created") == 6
    assert actions(db).count("learner_moved") == 1


def test_a_rejected_line_keeps_only_its_well_formed_values():
    roster = csv_roster(
        "INE-1;Dupont;Léa;31/02/2013;6e A;lea.dupont",  # bad date
        f"INE-2;{'x' * 101};Tom;04/03/2012;;tom petit",  # too long, missing class, bad login
        header=LOGIN_HEADER,
    )
    first, second = roster.problems
    assert (first.external_id, first.login, first.last_name, first.first_name) == (
        "INE-1",
        "lea.dupont",
        "Dupont",
        "Léa",
    )
    assert first.birth_date is None
    assert (second.external_id, second.login, second.last_name, second.first_name) == (
        "INE-2",
        None,
        None,
        "Tom",
    )
    assert second.birth_date == date(2012, 3, 4)


@pytest.mark.parametrize(("raw", "share"), [(None, 10), ("", 10), ("0", 0), ("100", 100)])
def test_the_deactivation_share_setting(raw, share):
    values = {} if raw is None else {"ACCESS_IMPORT_MAX_DEACTIVATION_SHARE": raw}
    assert load_settings(values).import_max_deactivation_share == share


@pytest.mark.parametrize("raw", ["-1", "101", "dix"])
def test_a_bad_deactivation_share_is_refused(raw):
    with pytest.raises(ConfigError, match="ACCESS_IMPORT_MAX_DEACTIVATION_SHARE"):
        load_settings({"ACCESS_IMPORT_MAX_DEACTIVATION_SHARE": raw})


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("external_id", "INE-NEW"),
        ("last_name", "Roux-Martin"),
        ("first_name", "Anaïs"),
        ("birth_date", date(2012, 6, 8)),
        ("login", "ana.roux2"),
        ("class_id", None),
        ("deactivated_at", datetime(2026, 1, 5, 8, 0, tzinfo=UTC)),
    ],
)
def test_any_change_to_a_planned_learner_meanwhile_refuses_the_whole_plan(db, admin, column, value):
    """Ana is to be deactivated and Léa moved: Ana changed by someone else in between (another
    program, another administrator) makes the plan stale; nothing of it is written."""
    ids = ten_learners_and_one_gone(db)
    plan = imports.preview(db, admin, csv_roster(*OTHERS, "INE-1;Dupont;Léa;17/05/2013;5e B;"))
    assert ids["ana"] in {c.learner.id for c in plan.deactivated if c.learner}
    with db.transaction(write=True) as session:
        session.execute(update(Learner).where(Learner.id == ids["ana"]).values({column: value}))
    dump = dump_tables(db)

    with pytest.raises(ConcurrentChange):
        imports.apply(db, admin, plan, TEST_ROUNDS, force=True)

    assert dump_tables(db) == dump


def test_the_plan_signature_follows_its_decisions(db, admin):
    ids = ten_learners_and_one_gone(db)
    roster = csv_roster(*OTHERS, "INE-1;Dupont;Léa;17/05/2013;5e B;", ";Neuf;Noé;01/01/2013;6e A;")
    first = imports.preview(db, admin, roster)
    assert imports.preview(db, admin, roster).signature == first.signature
    assert imports.preview(db, admin, roster, partial=True).signature != first.signature
    with db.transaction(write=True) as session:  # Tom leaves by another way: one change less
        session.execute(
            update(Learner).where(Learner.id == ids["tom"]).values(deactivated_at=LONG_AGO)
        )
    assert imports.preview(db, admin, roster).signature != first.signature
