"""Roster import against real databases: every outcome of the preview and of applying it."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from access_core.accounts import admins
from access_core.accounts.passwords import hash_cost, hash_password
from access_core.audit import events as audit
from access_core.db.models import Learner, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.errors import NotAuthorized, ValidationError
from access_core.imports import preview as imports
from access_core.imports.apply import INITIAL_PASSWORD_MOVED
from access_core.imports.files import read_roster
from access_core.imports.preview import ImportOutcome
from access_core.imports.rows import RosterFile
from access_core.roster.queries import recently_deactivated
from tests.support.factories import TEST_ROUNDS, add_learner, create_test_admin, dump_tables
from tests.support.imports import (
    HEADER,
    LONG_AGO,
    actions,
    audit_rows,
    checkpw,
    csv_roster,
    learner,
    learner_count,
    logins,
    run,
)

DATA = Path(__file__).parent.parent / "data"
PARIS = ZoneInfo("Europe/Paris")


# --- helpers ----------------------------------------------------------------------------------


def file_roster(name: str) -> RosterFile:
    return read_roster((DATA / name).read_bytes(), name)


def without(row: dict[str, object], *columns: str) -> dict[str, object]:
    return {k: v for k, v in row.items() if k not in columns}


# --- new learners -----------------------------------------------------------------------------


def test_new_learners_get_a_login_an_initial_password_and_must_change_it(db, admin):
    before = datetime.now(UTC)
    plan, outcome = run(db, admin, file_roster("roster_bom_semicolon.csv"))
    after = datetime.now(UTC)

    assert [c.login for c in plan.new] == [
        "lea.dupont",
        "moussa.ndiaye",
        "jean-baptiste.legall",
        "zoe.muller",
    ]
    assert plan.new_classes == ["5e B", "6e A"]
    assert (plan.updated, plan.moved, plan.reactivated, plan.deactivated) == ([], [], [], [])
    assert outcome == ImportOutcome(
        new=4, updated=0, moved=0, reactivated=0, deactivated=0, skipped_rows=0
    )

    zoe = learner(db, login="zoe.muller")
    assert (zoe["last_name"], zoe["first_name"], zoe["birth_date"]) == (
        "Müller",
        "Zoé",
        date(2012, 2, 29),
    )
    assert (zoe["external_id"], zoe["class_name"]) == ("070123459DE", "5e B")
    assert zoe["must_change_password"] is True
    assert zoe["deactivated_at"] is None
    assert before <= zoe["password_changed_at"] <= after
    assert checkpw("29022012", zoe["password_hash"])
    assert not checkpw("2012-02-29", zoe["password_hash"])
    assert hash_cost(str(zoe["password_hash"])) == TEST_ROUNDS
    lea = learner(db, login="lea.dupont")
    assert checkpw("17052013", lea["password_hash"])
    assert not checkpw("29022012", lea["password_hash"])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "roster_comma_quoted.csv",
            {
                "paul.martinditlegrand": ("4e C", "01092012"),
                "siobhan.oconnor": ("3e A, option latin", "14072011"),
                "as.durand": ("4e C", "31122012"),  # the login given in the file
            },
        ),
        (
            "roster_french.xlsx",
            {
                "chloe.lefevre": ("6e A", "02042013"),
                "bao.nguyen": ("5e B", "15102012"),
                "joao.dasilva": ("5e B", "05062012"),
                "cecile.oeuvray": ("4e C", "24122011"),
            },
        ),
    ],
)
def test_each_file_format_imports(db, admin, name, expected):
    run(db, admin, file_roster(name))
    assert logins(db) == sorted(expected)
    for login, (class_name, password) in expected.items():
        row = learner(db, login=login)
        assert row["class_name"] == class_name
        assert checkpw(password, row["password_hash"])


def test_generated_logins_fold_names_keep_hyphens_and_stay_short(db, admin):
    roster = csv_roster(
        ";d'Artagnan;Jean Baptiste;01/01/2013;6e A",
        ";Le Gall-Ây;Anne-Laure;01/01/2013;6e A",
        ";Œuvray;Ægir;01/01/2013;6e A",
        ";de La Tour d'Auvergne;Marie-Françoise-Géraldine;01/01/2013;6e A",
        ";de La Tour d'Auvergne;Marie-Françoise-Géraldine;02/01/2013;6e A",
    )
    plan, _ = run(db, admin, roster)
    assert [c.login for c in plan.new] == [
        "jeanbaptiste.dartagnan",
        "anne-laure.legall-ay",
        "aegir.oeuvray",
        "marie-francoise-geraldine.dela",
        "marie-francoise-geraldine.del2",
    ]
    for login in logins(db):
        assert len(login) <= 30
        assert re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", login), login


def test_three_lea_martin_get_unique_logins(db, admin):
    roster = csv_roster(
        ";Martin;Léa;01/02/2013;6e A",
        ";MARTIN;Lea;03/04/2013;6e B",
        ";Martin;Léa;05/06/2012;5e A",
    )
    plan, _ = run(db, admin, roster)
    assert [c.login for c in plan.new] == ["lea.martin", "lea.martin2", "lea.martin3"]
    assert logins(db) == ["lea.martin", "lea.martin2", "lea.martin3"]
    assert learner(db, login="lea.martin2")["birth_date"] == date(2013, 4, 3)

    # a fourth one later, in a partial import, takes the next free number
    plan, _ = run(db, admin, csv_roster(";Martin;Léa;07/08/2013;6e C"), partial=True)
    assert [c.login for c in plan.new] == ["lea.martin4"]
    assert len(set(logins(db))) == 4


def test_a_new_lea_martin_avoids_the_login_of_a_deactivated_one(db, admin):
    add_learner(db, "Martin", "Léa", login="lea.martin", deactivated_at=LONG_AGO)
    plan, _ = run(db, admin, csv_roster(";Martin;Léa;09/09/2013;6e A"))
    assert [c.login for c in plan.new] == ["lea.martin2"]


def test_homonyms_born_the_same_day_import_twice_without_changes(db, admin):
    # three known homonyms (created with their national ids: without one, the same identity
    # twice in a file is one pupil, see test_import_names.py), then a file without ids
    run(
        db,
        admin,
        csv_roster(
            "INE-A;Martin;Léa;01/02/2013;6e A",
            "INE-B;Martin;Léa;01/02/2013;6e B",
            "INE-C;Martin;Léa;01/02/2013;6e C",
        ),
    )
    assert logins(db) == ["lea.martin", "lea.martin2", "lea.martin3"]
    roster = csv_roster(
        ";Martin;Léa;01/02/2013;6e A",
        ";Martin;Léa;01/02/2013;6e B",
        ";Martin;Léa;01/02/2013;6e C",
    )
    dump = dump_tables(db)

    plan = imports.preview(db, admin, roster)
    assert plan.rejected == []
    assert not plan.has_changes and plan.unchanged == 3
    imports.apply(db, admin, plan, TEST_ROUNDS)
    assert dump_tables(db) == dump
    # the same roster in another order: each stays in their class, nobody is swapped
    reordered = csv_roster(
        ";Martin;Léa;01/02/2013;6e C",
        ";Martin;Léa;01/02/2013;6e A",
        ";Martin;Léa;01/02/2013;6e B",
    )
    plan = imports.preview(db, admin, reordered)
    assert plan.rejected == [] and not plan.has_changes


# --- matching existing learners ---------------------------------------------------------------


def test_external_id_is_matched_first(db, admin):
    by_id = add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont")
    # same names and birth date, no external id: only a homonym
    homonym = add_learner(db, "Dupont", "Léa", login="lea.dupont2", class_name="5e B")
    plan = imports.preview(db, admin, csv_roster("INE-1;Dupont;Léa;17/05/2013;6e A"), partial=True)
    assert plan.new == [] and not plan.has_changes and plan.unchanged == 1
    # and a full import keeps the learner of the id, deactivates the homonym
    plan = imports.preview(db, admin, csv_roster("INE-1;Dupont;Léa;17/05/2013;6e A"))
    assert [c.learner.id for c in plan.deactivated if c.learner] == [homonym]
    assert by_id != homonym


def test_matching_by_external_id_even_when_names_changed(db, admin):
    learner_id = add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont")
    plan = imports.preview(db, admin, csv_roster("INE-1;Durand;Léana;17/05/2013;6e A"))
    assert plan.new == [] and plan.deactivated == []
    assert [c.learner.id for c in plan.updated if c.learner] == [learner_id]


def test_matching_by_names_and_birth_date_ignores_case_and_accents(db, admin):
    learner_id = add_learner(
        db, "Lefèvre", "Chloé", birth_date=date(2013, 4, 2), login="chloe.lefevre"
    )
    plan, outcome = run(db, admin, csv_roster("XL-001;LEFEVRE;chloe;02/04/2013;6e A"))
    assert plan.new == [] and plan.deactivated == []
    assert [c.learner.id for c in plan.updated if c.learner] == [learner_id]
    row = learner(db, id=learner_id)
    # the file is the reference for the spelling; the external id is learnt
    assert (row["last_name"], row["first_name"], row["external_id"]) == (
        "LEFEVRE",
        "chloe",
        "XL-001",
    )
    assert row["login"] == "chloe.lefevre"
    assert learner_count(db) == 1


def test_another_birth_date_is_another_learner(db, admin):
    old = add_learner(db, "Martin", "Léa", birth_date=date(2013, 5, 17), login="lea.martin")
    add_learner(db, "Petit", "Tom", birth_date=date(2013, 1, 1), login="tom.petit")
    plan = imports.preview(
        db, admin, csv_roster(";Martin;Léa;18/05/2013;6e A", ";Petit;Tom;01/01/2013;6e A")
    )
    assert [c.login for c in plan.new] == ["lea.martin2"]
    assert [c.learner.id for c in plan.deactivated if c.learner] == [old]


def test_a_row_with_an_unknown_external_id_does_not_take_a_known_ones_learner(db, admin):
    """A homonym born the same day arrives with another id: the learner whose id is in the
    file must stay theirs, whatever the order of the rows."""
    known = add_learner(
        db, "Martin", "Léa", birth_date=date(2013, 1, 1), external_id="INE-A", login="lea.martin"
    )
    roster = csv_roster(
        "INE-B;Martin;Léa;01/01/2013;6e B",
        "INE-A;Martin;Léa;01/01/2013;6e A",
    )
    plan, _ = run(db, admin, roster)
    assert plan.rejected == []
    assert [(c.row.external_id, c.login) for c in plan.new if c.row] == [("INE-B", "lea.martin2")]
    assert plan.updated == [] and plan.moved == [] and plan.unchanged == 1
    assert learner(db, id=known)["external_id"] == "INE-A"
    assert learner(db, external_id="INE-B")["class_name"] == "6e B"


@pytest.mark.parametrize("id_row_first", [True, False])
def test_two_lines_for_the_same_learner_are_rejected(db, admin, id_row_first):
    learner_id = add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont")
    rows = ["INE-1;Dupont;Léa;17/05/2013;6e A", ";DUPONT;Lea;17/05/2013;6e B"]
    plan = imports.preview(db, admin, csv_roster(*(rows if id_row_first else rows[::-1])))
    # the line without the id is the one rejected, wherever it is
    assert [(p.line, p.reason) for p in plan.rejected] == [
        (3 if id_row_first else 2, "the same learner is on another line")
    ]
    assert plan.new == [] and plan.moved == [] and plan.unchanged == 1
    assert learner_id not in {c.learner.id for c in plan.deactivated if c.learner}


def test_two_identical_new_lines_without_id_are_one_pupil_and_a_rejected_line(db, admin):
    """As for a known pupil (issue 19, item 4): the second line is the same pupil again."""
    plan = imports.preview(
        db, admin, csv_roster(";Dupont;Léa;17/05/2013;6e A", ";Dupont;Léa;17/05/2013;6e A")
    )
    assert [c.login for c in plan.new] == ["lea.dupont"]
    assert [(p.line, p.code) for p in plan.rejected] == [(3, "same_learner_twice")]


def test_a_login_of_another_learner_is_rejected(db, admin):
    add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont")
    roster = csv_roster(
        "INE-1;Dupont;Léa;17/05/2013;6e A;",
        "INE-2;Petit;Tom;01/01/2013;6e A;LEA.DUPONT",
        header=HEADER + ";Login",
    )
    plan = imports.preview(db, admin, roster)
    assert [(p.line, p.reason) for p in plan.rejected] == [
        (3, "login lea.dupont belongs to another learner")
    ]


def test_external_ids_are_matched_without_case(db, admin):
    """MariaDB compares them without case (its unique index too): every backend does."""
    learner_id = add_learner(db, "Dupont", "Léa", external_id="070123456ab", login="lea.dupont")
    add_learner(db, "Petit", "Tom", external_id="INE-2", login="tom.petit")
    plan, _ = run(
        db,
        admin,
        csv_roster("070123456AB;Durand;Léa;17/05/2013;6e A", "ine-2;Petit;Tom;17/05/2013;6e A"),
    )
    assert plan.new == [] and plan.deactivated == [] and plan.rejected == []
    assert sorted(c.learner.id for c in plan.updated if c.learner) == sorted(
        [learner_id, learner(db, login="tom.petit")["id"]]
    )
    assert learner(db, id=learner_id)["external_id"] == "070123456AB"
    assert learner(db, login="tom.petit")["external_id"] == "ine-2"
    assert learner_count(db) == 2


def test_a_class_written_with_another_case_or_accents_is_the_same_class(db, admin):
    """MariaDB's unique index on class names ignores case and accents; on every backend a
    division written « 6E A » or « PREMIERE B » is the existing « 6e A » or « Première B »."""
    lea = add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont")
    add_learner(db, "Petit", "Tom", external_id="INE-2", class_name="Première B", login="tom.p")
    plan, outcome = run(
        db,
        admin,
        csv_roster(
            "INE-1;Dupont;Léa;17/05/2013;6E  A",
            "INE-2;Petit;Tom;17/05/2013;PREMIERE B",
            "INE-3;Roux;Ana;01/01/2013;5e c",
            "INE-4;Blanc;Noé;01/01/2013;5E C",
        ),
    )
    assert plan.moved == [] and plan.updated == [] and plan.unchanged == 2
    assert plan.new_classes == ["5e c"] and outcome.new == 2
    assert learner(db, id=lea)["class_name"] == "6e A"
    assert learner(db, login="noe.blanc")["class_name"] == "5e c"
    with db.transaction() as session:
        assert sorted(session.scalars(select(SchoolClass.name)).all()) == [
            "5e c",
            "6e A",
            "Première B",
        ]


def test_overlong_values_are_bad_rows_on_every_backend(db, admin):
    roster = csv_roster(
        "INE-1;Dupont;Léa;17/05/2013;6e A",
        f"INE-2;{'x' * 101};Tom;17/05/2013;6e A",
        f"INE-3;Roux;Ana;17/05/2013;{'6' * 101}",
        f"{'9' * 65};Blanc;Ève;17/05/2013;6e A",
    )
    assert [p.line for p in roster.problems] == [3, 4, 5]
    _, outcome = run(db, admin, roster, skip_bad_rows=True)
    assert outcome.new == 1 and outcome.skipped_rows == 3
    assert logins(db) == ["lea.dupont"]


# --- updates, moves, deactivation, reactivation ------------------------------------------------


def test_updated_names_and_birth_date(db, admin):
    """A learner who chose their own password keeps it when the birth date is corrected."""
    learner_id = add_learner(
        db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont", password="Le sien, 2025"
    )
    before = learner(db, id=learner_id)
    plan, outcome = run(db, admin, csv_roster("INE-1;Dupont-Morel;Léa Rose;18/05/2013;6e A"))
    assert outcome.updated == 1 and outcome.new == 0 and outcome.moved == 0
    assert plan.initial_password_moved == [] and outcome.initial_passwords_moved == 0
    assert plan.updated[0].fields == {
        "last_name": "Dupont-Morel",
        "first_name": "Léa Rose",
        "birth_date": date(2013, 5, 18),
        "external_id": "INE-1",
    }
    after = learner(db, id=learner_id)
    assert (after["last_name"], after["first_name"], after["birth_date"]) == (
        "Dupont-Morel",
        "Léa Rose",
        date(2013, 5, 18),
    )
    # the login and the password stay as they were; the search's folded names follow the rename
    assert after["search_key"] == "dupont-morel\x1flea rose\x1flea.dupont"
    changed = ("last_name", "first_name", "birth_date", "search_key")
    assert without(after, *changed) == without(before, *changed)
    assert checkpw("Le sien, 2025", after["password_hash"])
    assert INITIAL_PASSWORD_MOVED not in actions(db)


def test_changed_class_creates_the_class(db, admin):
    learner_id = add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont")
    add_learner(db, "Petit", "Tom", external_id="INE-2", class_name="5e B", login="tom.petit")
    before = learner(db, id=learner_id)
    plan, outcome = run(
        db,
        admin,
        csv_roster("INE-1;Dupont;Léa;17/05/2013;5e C", "INE-2;Petit;Tom;17/05/2013;6e A"),
    )
    assert plan.new_classes == ["5e C"]
    assert sorted(c.login for c in plan.moved) == ["lea.dupont", "tom.petit"]
    assert plan.updated == [] and outcome.moved == 2
    after = learner(db, id=learner_id)
    assert after["class_name"] == "5e C"
    assert without(after, "class_id", "class_name") == without(before, "class_id", "class_name")
    assert learner(db, login="tom.petit")["class_name"] == "6e A"
    with db.transaction() as session:
        assert sorted(session.scalars(select(SchoolClass.name)).all()) == ["5e B", "5e C", "6e A"]
    moved = [
        json.loads(details or "{}")
        for action, lid, details in audit_rows(db)
        if action == "learner_moved" and lid == learner_id
    ]
    assert moved == [{"login": "lea.dupont", "line": 2, "from": "6e A", "to": "5e C"}]


def four_learners(db: Database) -> dict[str, int]:
    """Three active learners and one deactivated long ago (who changed their password)."""
    return {
        "lea": add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont"),
        "tom": add_learner(db, "Petit", "Tom", external_id="INE-2", login="tom.petit"),
        "ana": add_learner(
            db, "Roux", "Ana", external_id="INE-3", class_name="5e B", login="ana.roux"
        ),
        "eve": add_learner(
            db,
            "Blanc",
            "Ève",
            external_id="INE-4",
            login="eve.blanc",
            class_name="4e A",
            deactivated_at=LONG_AGO,
            password="Un mot de passe à elle",
        ),
    }


LEA_AND_TOM = ("INE-1;Dupont;Léa;17/05/2013;6e A", "INE-2;Petit;Tom;17/05/2013;6e A")


def test_full_import_deactivates_the_absent_active_learners_only(db, admin):
    ids = four_learners(db)
    ana_before = learner(db, id=ids["ana"])
    eve_before = learner(db, id=ids["eve"])
    assert [r.id for r in recently_deactivated(db, admin, 3, PARIS)] == []

    start = datetime.now(UTC)
    plan, outcome = run(db, admin, csv_roster(*LEA_AND_TOM), force=True)  # 1 of 3: confirmed
    end = datetime.now(UTC)

    assert [c.learner.id for c in plan.deactivated if c.learner] == [ids["ana"]]
    assert outcome.deactivated == 1 and plan.unchanged == 2
    ana_after = learner(db, id=ids["ana"])
    assert start <= ana_after["deactivated_at"] <= end
    assert without(ana_after, "deactivated_at") == without(ana_before, "deactivated_at")
    assert learner(db, id=ids["eve"]) == eve_before  # already deactivated: left alone
    recent = recently_deactivated(db, admin, 3, PARIS)
    assert [(r.id, r.login, r.class_name) for r in recent] == [(ids["ana"], "ana.roux", "5e B")]


def test_partial_import_deactivates_nobody(db, admin):
    ids = four_learners(db)
    dump = dump_tables(db)
    plan, outcome = run(db, admin, csv_roster(*LEA_AND_TOM), partial=True)
    assert plan.deactivated == [] and outcome.deactivated == 0 and not plan.has_changes
    assert dump_tables(db) == dump
    assert learner(db, id=ids["ana"])["deactivated_at"] is None


def test_reactivation_keeps_login_and_password(db, admin):
    ids = four_learners(db)
    eve_before = learner(db, id=ids["eve"])
    plan, outcome = run(
        db, admin, csv_roster(*LEA_AND_TOM, "INE-4;Blanc;Ève;17/05/2013;4e A"), force=True
    )
    assert [c.learner.id for c in plan.reactivated if c.learner] == [ids["eve"]]
    assert outcome.reactivated == 1 and outcome.new == 0
    eve_after = learner(db, id=ids["eve"])
    assert eve_after["deactivated_at"] is None
    assert without(eve_after, "deactivated_at") == without(eve_before, "deactivated_at")
    assert checkpw("Un mot de passe à elle", eve_after["password_hash"])


def test_a_learner_who_leaves_and_comes_back_keeps_login_and_password(db, admin):
    everyone = csv_roster(
        "INE-1;Dupont;Léa;17/05/2013;6e A",
        "INE-2;Petit;Tom;01/02/2013;6e A",
    )
    run(db, admin, everyone)
    tom = learner(db, login="tom.petit")
    with db.transaction(write=True) as session:  # Tom chose his own password meanwhile
        session.get_one(Learner, tom["id"]).password_hash = hash_password("Tom's own!", 4)
        session.get_one(Learner, tom["id"]).must_change_password = False
    tom = learner(db, id=tom["id"])

    run(db, admin, csv_roster("INE-1;Dupont;Léa;17/05/2013;6e A"), force=True)  # Tom leaves
    assert learner(db, id=tom["id"])["deactivated_at"] is not None

    # he comes back, in another class, without his national id this time: matched by name
    plan, _ = run(
        db, admin, csv_roster("INE-1;Dupont;Léa;17/05/2013;6e A", ";Petit;Tom;01/02/2013;5e A")
    )
    assert plan.new == [] and [c.login for c in plan.reactivated] == ["tom.petit"]
    back = learner(db, id=tom["id"])
    assert back["deactivated_at"] is None and back["class_name"] == "5e A"
    assert (back["login"], back["password_hash"], back["must_change_password"]) == (
        tom["login"],
        tom["password_hash"],
        tom["must_change_password"],
    )
    assert checkpw("Tom's own!", back["password_hash"])
    assert learner_count(db) == 2


# --- bad rows, refusals --------------------------------------------------------------------------


def test_a_file_with_bad_rows_applies_nothing_unless_they_are_skipped(db, admin):
    add_learner(db, "Dupont", "Léa", external_id="INE-1", login="lea.dupont")
    roster = file_roster("roster_bad_rows.csv")
    plan = imports.preview(db, admin, roster, partial=True)
    assert [p.line for p in plan.rejected] == [3, 4, 5, 6, 7, 9, 10, 12, 13]
    assert len(plan.new) == 3
    dump = dump_tables(db)
    with pytest.raises(ValidationError, match="9 row"):
        imports.apply(db, admin, plan, TEST_ROUNDS)
    assert dump_tables(db) == dump

    outcome = imports.apply(db, admin, plan, TEST_ROUNDS, skip_bad_rows=True)
    assert outcome.new == 3 and outcome.skipped_rows == 9
    assert logins(db) == ["lea.dupont", "lucas.petit", "manon.chevalier", "tom.bernard"]


@pytest.mark.parametrize("partial", [False, True])
def test_an_empty_file_says_no_rows_even_forced(db, admin, partial):
    """Not "would deactivate everyone": an export without rows is never an import."""
    four_learners(db)
    dump = dump_tables(db)
    with pytest.raises(ValidationError, match="no learner rows") as caught:
        imports.preview(db, admin, file_roster("roster_empty.csv"), partial=partial)
    assert caught.value.params["key"] == imports.NO_ROWS
    assert dump_tables(db) == dump


def test_a_mass_deactivation_is_flagged_and_refused_unless_forced(db, admin):
    """A 4-row file in full mode would deactivate most of the school: the service refuses it
    without an explicit confirmation, whoever calls it."""
    ids = four_learners(db)
    extra = [add_learner(db, f"Élève{i}", "Anne", login=f"eleve{i}") for i in range(7)]
    plan = imports.preview(db, admin, csv_roster(*LEA_AND_TOM))
    assert plan.active_learners == 10 and len(plan.deactivated) == 8
    assert plan.needs_confirmation
    dump = dump_tables(db)
    with pytest.raises(ValidationError, match="deactivate 8 of the 10 active learners") as caught:
        imports.apply(db, admin, plan, TEST_ROUNDS)
    assert caught.value.params == {
        "count": 8,
        "active": 10,
        "percent": 10,
        "key": imports.NEEDS_CONFIRMATION,
    }
    assert dump_tables(db) == dump

    outcome = imports.apply(db, admin, plan, TEST_ROUNDS, force=True)
    assert outcome.deactivated == 8
    assert learner(db, id=ids["ana"])["deactivated_at"] is not None
    assert all(learner(db, id=i)["deactivated_at"] is not None for i in extra)
    assert learner_count(db) == 11  # deactivated, never removed


@pytest.mark.parametrize(
    ("percent", "deactivated", "needs"),
    [(10, 1, False), (10, 2, True), (20, 2, False), (20, 3, True), (0, 1, True), (100, 10, False)],
)
def test_the_share_that_needs_confirmation_is_a_setting(db, admin, percent, deactivated, needs):
    """More than ``percent`` % of the active learners (here 10) needs the confirmation."""
    for i in range(10):
        add_learner(db, "Martin", f"Élève{i}", external_id=f"INE-{i}", login=f"eleve{i}")
    rows = [f"INE-{i};Martin;Élève{i};17/05/2013;6e A" for i in range(deactivated, 10)]
    roster = csv_roster(*rows) if rows else csv_roster("INE-X;;;;")  # a line, rejected
    plan = imports.preview(db, admin, roster, max_deactivation_percent=percent)
    assert len(plan.deactivated) == deactivated
    assert plan.needs_confirmation is needs
    assert imports.preview(db, admin, roster, partial=True).needs_confirmation is False


def test_a_file_of_rejected_rows_deactivates_none_of_their_learners(db, admin):
    ids = four_learners(db)
    roster = csv_roster(
        "INE-1;Dupont;;17/05/2013;6e A",  # missing first name
        "INE-2;Petit;Tom;31/02/2013;6e A",  # impossible date
    )
    assert len(roster.problems) == 2 and roster.rows == []
    plan = imports.preview(db, admin, roster)
    assert [c.learner.id for c in plan.kept if c.learner] == [ids["lea"], ids["tom"]]
    assert [c.line for c in plan.kept] == [2, 3]
    assert [c.learner.id for c in plan.deactivated if c.learner] == [ids["ana"]]
    assert plan.needs_confirmation  # 1 of 3


# --- idempotence, audit ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["roster_bom_semicolon.csv", "roster_comma_quoted.csv", "roster_french.xlsx"]
)
def test_importing_the_same_file_twice_changes_nothing_the_second_time(db, admin, name):
    add_learner(db, "Blanc", "Ève", login="eve.blanc", deactivated_at=LONG_AGO)
    run(db, admin, file_roster(name))
    dump = dump_tables(db)
    plan, outcome = run(db, admin, file_roster(name))
    assert not plan.has_changes
    assert (plan.new, plan.updated, plan.moved, plan.reactivated, plan.deactivated) == (
        [],
        [],
        [],
        [],
        [],
    )
    assert plan.new_classes == [] and plan.unchanged == len(file_roster(name).rows)
    assert outcome == ImportOutcome(0, 0, 0, 0, 0, 0)
    assert dump_tables(db) == dump


def test_one_audit_event_per_change_and_never_a_secret(db, admin):
    ids = four_learners(db)
    lea_hash = str(learner(db, id=ids["lea"])["password_hash"])
    start = len(audit_rows(db))
    plan, _ = run(
        db,
        admin,
        csv_roster(
            "INE-1;Dupont;Léa;18/05/2013;6e A",  # updated
            "INE-2;Petit;Tom;17/05/2013;5e C",  # moved (to a new class)
            "INE-4;Blanc;Ève;17/05/2013;4e B",  # reactivated and moved
            "INE-5;Neuf;Noé;01/01/2013;6e A",  # new
            # Ana is absent: deactivated
        ),
        force=True,
    )
    rows = audit_rows(db)[start:]
    events = sorted((action, lid or 0) for action, lid, _ in rows if action != "class_created")
    new_id = learner(db, login="noe.neuf")["id"]
    assert events == sorted(
        [
            ("import_applied", 0),  # the import's summary, its id in the details
            ("learner_created", new_id),
            ("learner_updated", ids["lea"]),
            (INITIAL_PASSWORD_MOVED, ids["lea"]),  # still on her initial password
            ("learner_moved", ids["tom"]),
            ("learner_moved", ids["eve"]),
            ("learner_reactivated", ids["eve"]),
            ("learner_deactivated", ids["ana"]),
        ]
    )
    assert sorted(json.loads(d or "{}")["class"] for a, _, d in rows if a == "class_created") == [
        "4e B",
        "5e C",
    ]
    new_hash = str(learner(db, id=new_id)["password_hash"])
    for action, _, details in rows:
        assert details is not None
        lowered = details.lower()
        assert "password" not in lowered and "hash" not in lowered, (action, details)
        assert "$2b$" not in details and lea_hash not in details and new_hash not in details
        assert "18052013" not in details and "01012013" not in details
    assert {r.actor for r in audit.events(db) if r.action.startswith("learner_")} == {admin}


# --- authorisation, scale ----------------------------------------------------------------------


def test_only_an_active_administrator_may_import(db, admin):
    roster = file_roster("roster_bom_semicolon.csv")
    with pytest.raises(NotAuthorized):
        imports.preview(db, "nobody", roster)
    create_test_admin(db, "former")
    admins.disable_admin(db, "former", actor=admin)
    with pytest.raises(NotAuthorized):
        imports.preview(db, "former", roster)

    plan = imports.preview(db, admin, roster)
    dump = dump_tables(db)
    with pytest.raises(NotAuthorized):
        imports.apply(db, "former", plan, TEST_ROUNDS)
    assert dump_tables(db) == dump


LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "François", "Martínez", "Le Gall", "N'Diaye", "Nguyễn", "Müller",
    "Da Silva", "Œuvray", "D'Almeida", "Benoît", "Chevalier", "Gauthier",
]  # fmt: skip
FIRST_NAMES = [
    "Léa", "Chloé", "Zoé", "Inès", "Noémie", "Anaïs", "Maëlle", "Jérôme", "Hélène", "Loïc",
    "Gaëtan", "Benoît", "Cécile", "Élodie", "Ève", "Jean-Baptiste", "Anne-Sophie", "Lucas",
    "Hugo", "Tom", "Emma", "Manon", "Noé", "Raphaël", "Ambre", "João", "Siobhán", "Moussa",
    "Bảo", "Amélie", "Théo", "Océane", "Clément", "Loïs", "Maïwenn", "Aurélien", "Solène",
    "François",
]  # fmt: skip
LEVELS = ("6e", "5e", "4e", "3e")
SCHOOL_SIZE = 1500
CLASS_COUNT = 50


@pytest.fixture
def big_school_csv(tmp_path: Path) -> Path:
    """A 1,500-learner school in 50 classes (BOM, `;`), the same on every run."""
    lines = ["INE;Nom;Prénom;Né(e) le;Division"]
    for i in range(SCHOOL_SIZE):
        last = LAST_NAMES[i % len(LAST_NAMES)]
        first = FIRST_NAMES[(i * 7 + i // len(LAST_NAMES)) % len(FIRST_NAMES)]
        birth = date(2010 + i % 4, 1 + i % 12, 1 + (i * 13) % 28)
        class_index = i % CLASS_COUNT
        class_name = f"{LEVELS[class_index % 4]} {chr(ord('A') + class_index // 4)}"
        lines.append(f"{i:09d}AB;{last};{first};{birth:%d/%m/%Y};{class_name}")
    path = tmp_path / "ecole.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode())
    return path


def test_a_1500_learner_school_imports(db, admin, big_school_csv):
    """Correctness at a school's size; its speed is measured by the benchmark (P5)."""
    roster = read_roster(big_school_csv.read_bytes(), big_school_csv.name)
    assert roster.problems == [] and len(roster.rows) == SCHOOL_SIZE
    plan = imports.preview(db, admin, roster)
    assert len(plan.new) == SCHOOL_SIZE and len(plan.new_classes) == CLASS_COUNT
    assert len({c.login for c in plan.new}) == SCHOOL_SIZE

    outcome = imports.apply(db, admin, plan, TEST_ROUNDS)
    assert outcome.new == SCHOOL_SIZE
    assert learner_count(db) == SCHOOL_SIZE
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(SchoolClass)) == CLASS_COUNT
        assert session.scalar(select(func.count(func.distinct(Learner.login)))) == SCHOOL_SIZE
    for login in logins(db):
        assert len(login) <= 30 and re.fullmatch(r"[a-z0-9.-]+", login), login
    last = plan.new[-1]
    assert last.row is not None
    row = learner(db, login=last.login)
    assert checkpw(f"{last.row.birth_date:%d%m%Y}", row["password_hash"])
    assert actions(db).count("learner_created") == SCHOOL_SIZE

    again = imports.preview(db, admin, roster)
    assert not again.has_changes and again.unchanged == SCHOOL_SIZE
