"""Names as identities and logins (issue 19, items 2-4 and 6), on every configured backend:
typographic variants of apostrophes, hyphens and spaces are one name; letters that are not
accented Latin are transliterated for new logins and the search (existing logins never change);
the same new pupil twice in a file is one pupil; a reset between an import's preview and its
apply still moves the initial password to the corrected birth date."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from access_core.imports import preview as imports
from access_core.imports.apply import INITIAL_PASSWORD_MOVED
from access_core.roster import search
from access_core.roster.logins import base_login
from access_core.roster.names import name_key
from access_core.roster.resets import reset_passwords
from tests.support.factories import TEST_ROUNDS, add_learner, forget_search_keys
from tests.support.imports import (
    actions,
    checkpw,
    csv_roster,
    learner,
    learner_count,
    logins,
    run,
)

TZ = ZoneInfo("Europe/Paris")

# --- 2. apostrophes, hyphens and spaces -------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("D'ALMEIDA", "D’ALMEIDA"),  # typewriter and typographic apostrophes
        ("D'ALMEIDA", "Dʼalmeida"),  # modifier letter apostrophe
        ("d'Almeida", "D' Almeida"),
        ("Saint-Just", "Saint‐Just"),  # U+2010 hyphen
        ("Saint-Just", "SAINT – JUST"),  # en dash between spaces
        ("Le Gall", "Le\u00a0Gall"),  # no-break space
        ("Le Gall", "  Le   Gall "),
    ],
)
def test_typographic_variants_are_one_name_key(one: str, other: str):
    assert name_key(one) == name_key(other)


def test_name_keys_keep_different_names_apart():
    assert name_key("Le Gall") != name_key("Legall")
    assert name_key("Saint-Just") != name_key("Saint Just")


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [
        ("Inès", "D’ALMEIDA"),
        ("Inès", "Dʼalmeida"),
        ("Ines", "d'Almeida"),
    ],
)
def test_the_login_rule_reads_each_apostrophe_alike(first_name: str, last_name: str):
    assert base_login(first_name, last_name) == "ines.dalmeida"


def test_the_login_rule_keeps_a_typographic_hyphen_as_a_hyphen():
    assert base_login("Jean‐Baptiste", "Saint–Just") == "jean-baptiste.saint-just"
    assert base_login("Jean\u00a0Paul", "Le\u202fGall") == "jeanpaul.legall"


@pytest.mark.parametrize(
    "written",
    ["D’ALMEIDA;Inès", "Dʼalmeida;INÈS", "D' ALMEIDA;Inès", "d'Almeida;Ines"],
)
def test_the_same_pupil_with_another_apostrophe_is_matched_not_new(db, admin, written: str):
    """Issue 19 item 2: « D’ALMEIDA » became ``ines.dalmeida2`` and deactivated the real one."""
    ines = add_learner(db, "D'ALMEIDA", "Inès", login="ines.dalmeida")

    plan, outcome = run(db, admin, csv_roster(f";{written};17/05/2013;6e A"))

    assert plan.new == [] and plan.deactivated == [] and plan.rejected == []
    assert outcome.new == 0 and outcome.deactivated == 0
    assert learner_count(db) == 1
    row = learner(db, id=ines)
    assert row["login"] == "ines.dalmeida" and row["deactivated_at"] is None


def test_hyphen_and_space_variants_are_the_same_pupil(db, admin):
    pupil = add_learner(db, "Le Gall", "Jean-Baptiste", login="jean-baptiste.legall")

    plan, _ = run(db, admin, csv_roster(";Le\u00a0Gall;Jean‐Baptiste;17/05/2013;6e A"))

    assert plan.new == [] and plan.deactivated == []
    assert learner(db, id=pupil)["deactivated_at"] is None and learner_count(db) == 1


# --- 3. letters that are not accented Latin ---------------------------------------------------


@pytest.mark.parametrize(
    ("first_name", "last_name", "expected"),
    [
        ("Łukasz", "Wałęsa", "lukasz.walesa"),
        ("Søren", "Østergård", "soren.ostergard"),
        ("Aylin", "Yılmaz", "aylin.yilmaz"),
        ("Đức", "Nguyễn", "duc.nguyen"),
        ("Þóra", "Ægisdóttir", "thora.aegisdottir"),
        ("Ștefan", "Țurcanu", "stefan.turcanu"),
    ],
)
def test_new_logins_transliterate_letters_that_are_not_accented_latin(
    first_name: str, last_name: str, expected: str
):
    assert base_login(first_name, last_name) == expected


def test_a_new_pupil_gets_a_transliterated_login(db, admin):
    plan, _ = run(db, admin, csv_roster(";Wałęsa;Łukasz;17/05/2013;6e A"))

    assert [c.login for c in plan.new] == ["lukasz.walesa"]
    assert logins(db) == ["lukasz.walesa"]


def test_an_existing_login_never_changes_and_the_pupil_is_still_matched(db, admin):
    """A pupil created with the old fold (``ukasz.waesa``) keeps that login; the identity
    compares names folded the same way on both sides, so the pupil is not new."""
    old = add_learner(db, "Wałęsa", "Łukasz", login="ukasz.waesa")

    plan, outcome = run(db, admin, csv_roster(";WAŁĘSA;Łukasz;17/05/2013;6e A"))

    assert plan.new == [] and plan.deactivated == [] and outcome.new == 0
    assert learner(db, id=old)["login"] == "ukasz.waesa"
    assert logins(db) == ["ukasz.waesa"]


def test_a_name_typed_without_its_special_letters_is_the_same_pupil(db, admin):
    soren = add_learner(db, "Yılmaz", "Søren", login="sren.ylmaz")

    plan, _ = run(db, admin, csv_roster(";YILMAZ;Soren;17/05/2013;6e A"))

    assert plan.new == [] and plan.deactivated == []
    assert [c.learner.id for c in plan.updated if c.learner] == [soren]
    assert learner(db, id=soren)["login"] == "sren.ylmaz"


@pytest.fixture(params=["stored", "unkeyed"])
def find(request: pytest.FixtureRequest):
    """The search on the stored folded names, or with none stored (another program's rows)."""

    def found(db, admin, text: str) -> list[int]:
        if request.param == "unkeyed":
            forget_search_keys(db)
        result = search.find_learners(db, admin, text, 3, TZ)
        return [row.id for row in result.rows]

    return found


@pytest.mark.parametrize(
    ("last", "first", "typed"),
    [
        ("Wałęsa", "Łukasz", "lukasz"),
        ("Wałęsa", "Łukasz", "WALESA"),
        ("Wałęsa", "Łukasz", "Łukasz"),
        ("Østergård", "Søren", "soren"),
        ("Yılmaz", "Aylin", "yilmaz"),
        ("Nguyễn", "Đức", "duc"),
        ("D’Almeida", "Inès", "d'almeida"),
        ("D'Almeida", "Inès", "d’almeida"),
    ],
)
def test_the_search_finds_transliterated_letters_both_ways(
    find, db, admin, last: str, first: str, typed: str
):
    wanted = add_learner(db, last, first, login="pupil.one")
    add_learner(db, "Martin", "Léa", login="lea.martin")

    assert find(db, admin, typed) == [wanted]


# --- 4. the same new pupil twice in one file --------------------------------------------------


def test_the_same_new_pupil_twice_without_id_is_one_pupil(db, admin):
    """Issue 19 item 4: two lines, two accounts (``lea.dupont``, ``lea.dupont2``). Now the
    rule of a known pupil: the first line is the pupil, the second is rejected and named."""
    roster = csv_roster(
        ";Dupont;Léa;17/05/2013;6e A",
        ";DUPONT;Lea;17/05/2013;6e A",
        ";Martin;Zoé;01/02/2013;6e A",
    )

    plan = imports.preview(db, admin, roster)

    assert [(c.line, c.login) for c in plan.new] == [(2, "lea.dupont"), (4, "zoe.martin")]
    assert [(p.line, p.code, p.name) for p in plan.rejected] == [
        (3, "same_learner_twice", "DUPONT Lea")
    ]
    imports.apply(db, admin, plan, TEST_ROUNDS, skip_bad_rows=True)
    assert logins(db) == ["lea.dupont", "zoe.martin"]


def test_the_same_new_pupil_twice_is_rejected_like_a_known_pupil_twice(db, admin):
    add_learner(db, "Martin", "Zoé", birth_date=date(2013, 2, 1), login="zoe.martin")
    roster = csv_roster(
        ";Martin;Zoé;01/02/2013;6e A",
        ";D'Almeida;Inès;17/05/2013;6e A",
        ";Martin;Zoé;01/02/2013;6e A",
        ";D’ALMEIDA;Inès;17/05/2013;6e B",
    )

    plan = imports.preview(db, admin, roster)

    assert [(p.line, p.code) for p in plan.rejected] == [
        (4, "same_learner_twice"),
        (5, "same_learner_twice"),
    ]
    assert [c.login for c in plan.new] == ["ines.dalmeida"]


def test_a_new_pupil_with_an_id_and_a_namesake_line_without_one_is_one_pupil(db, admin):
    """As for a known pupil whose id is on one line: a later line without id and the same
    identity is that pupil again, not a second child."""
    roster = csv_roster(
        "INE-1;Dupont;Léa;17/05/2013;6e A",
        ";Dupont;Léa;17/05/2013;6e A",
    )

    plan = imports.preview(db, admin, roster)

    assert [c.line for c in plan.new] == [2]
    assert [(p.line, p.code) for p in plan.rejected] == [(3, "same_learner_twice")]


def test_a_line_without_id_before_the_new_pupil_with_the_id_is_rejected_too(db, admin):
    """Whatever the order: the line with the national id is the pupil."""
    roster = csv_roster(
        ";Dupont;Léa;17/05/2013;6e A",
        "INE-1;Dupont;Léa;17/05/2013;6e A",
    )

    plan = imports.preview(db, admin, roster)

    assert [(c.line, c.row.external_id) for c in plan.new if c.row] == [(3, "INE-1")]
    assert [(p.line, p.code) for p in plan.rejected] == [(2, "same_learner_twice")]


def test_two_new_namesakes_with_different_ids_are_two_pupils(db, admin):
    roster = csv_roster(
        "INE-1;Dupont;Léa;17/05/2013;6e A",
        "INE-2;Dupont;Léa;17/05/2013;6e B",
    )

    plan, outcome = run(db, admin, roster)

    assert plan.rejected == [] and outcome.new == 2
    assert logins(db) == ["lea.dupont", "lea.dupont2"]


# --- 6. a reset between an import's preview and its apply ------------------------------------


def test_a_reset_between_preview_and_apply_moves_the_initial_password(db, admin):
    """Issue 19 item 6: the learner had personalised their password at preview time, so the
    preview moved nothing; a reset meanwhile puts them back on the initial password (the old
    date): the import decides at write time and the password follows the corrected date."""
    lea = add_learner(db, "Dupont", "Léa", external_id="INE-1", password="Choisi-par-Lea-1")
    plan = imports.preview(db, admin, csv_roster("INE-1;Dupont;Léa;18/05/2013;6e A"))
    assert plan.initial_password_moved == []

    reset_passwords(db, admin, [lea], TEST_ROUNDS)
    assert checkpw("17052013", learner(db, id=lea)["password_hash"])
    outcome = imports.apply(db, admin, plan, TEST_ROUNDS)

    row = learner(db, id=lea)
    assert row["birth_date"] == date(2013, 5, 18) and row["must_change_password"] is True
    assert checkpw("18052013", row["password_hash"])  # what the slip prints
    assert not checkpw("17052013", row["password_hash"])
    assert outcome.initial_passwords_moved == 1
    assert actions(db).count(INITIAL_PASSWORD_MOVED) == 1


def test_a_personalised_password_is_still_kept_when_no_reset_happened(db, admin):
    lea = add_learner(db, "Dupont", "Léa", external_id="INE-1", password="Choisi-par-Lea-1")
    plan = imports.preview(db, admin, csv_roster("INE-1;Dupont;Léa;18/05/2013;6e A"))

    outcome = imports.apply(db, admin, plan, TEST_ROUNDS)

    row = learner(db, id=lea)
    assert checkpw("Choisi-par-Lea-1", row["password_hash"])
    assert row["must_change_password"] is False and outcome.initial_passwords_moved == 0
    assert INITIAL_PASSWORD_MOVED not in actions(db)
