"""The overview's figures and the school-wide learner search, on every configured backend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text as sql

from access_core.db.unit_of_work import Database
from access_core.errors import NotAuthorized
from access_core.roster import search, stats
from access_core.roster.resets import reset_passwords
from tests.support.factories import (
    TEST_ROUNDS,
    add_learner,
    forget_search_keys,
    stored_search_key,
)
from tests.support.roster_overview import (
    INITIAL_DAYS,
    Roster,
    insert_as_another_program,
    make_roster,
)

TZ = ZoneInfo("Europe/Paris")


@pytest.fixture
def roster(db: Database, admin: str) -> Roster:
    return make_roster(db)


Search = Callable[[Database, str, str], search.SearchResult]


@pytest.fixture(params=["stored", "unkeyed"])
def searcher(request: pytest.FixtureRequest) -> Search:
    """The search on the stored folded names, or on learners without them (as another program
    writes them: their names folded in SQL)."""
    if request.param == "stored":
        return lambda db, admin, text: search.find_learners(db, admin, text, 3, TZ)

    def unkeyed(db: Database, admin: str, text: str) -> search.SearchResult:
        forget_search_keys(db)
        return search.find_learners(db, admin, text, 3, TZ)

    return unkeyed


@pytest.fixture
def find(searcher: Search) -> Callable[[Database, str, str], list[int]]:
    return lambda db, admin, text: [row.id for row in searcher(db, admin, text).rows]


# --- figures ---------------------------------------------------------------------------------


def test_school_stats_count_each_class_and_the_school(db: Database, admin: str, roster: Roster):
    result = stats.school_stats(db, admin, INITIAL_DAYS)

    figures = {
        c.class_name: (c.learners, c.personalised, c.initial, c.expired, c.without_birth_date)
        for c in result.classes
    }
    assert figures == {
        "6e A": (4, 1, 2, 1, 1),  # deactivated learners are not counted
        "6e B": (2, 1, 1, 0, 0),
        "5e C": (6, 1, 5, 0, 0),
    }
    # Lowest activation rate first.
    assert [c.class_name for c in result.classes] == ["5e C", "6e A", "6e B"]
    assert [c.activation_rate for c in result.classes] == [pytest.approx(1 / 6), 0.25, 0.5]
    total = result.total
    assert (total.learners, total.personalised, total.initial, total.expired) == (12, 3, 8, 1)
    assert total.without_birth_date == 1
    assert total.activation_rate == 0.25


def test_an_initial_password_expires_after_the_configured_days_only(
    db: Database, admin: str, roster: Roster
):
    never = stats.school_stats(db, admin, 0)  # 0: initial passwords never expire
    assert never.total.expired == 0 and never.total.initial == 9
    later = stats.school_stats(db, admin, INITIAL_DAYS, now=datetime.now(UTC) + timedelta(days=50))
    # 50 days on, the personalised ones stay personalised; only Zoé's initial one had a date.
    assert later.total.expired == 1 and later.total.personalised == 3


def test_a_learner_without_class_is_counted_in_a_row_of_its_own(db: Database, admin: str):
    add_learner(db, "Sans", "Classe", class_name=None, login="sans.classe")
    result = stats.school_stats(db, admin, INITIAL_DAYS)
    assert [(c.class_id, c.learners) for c in result.classes] == [(None, 1)]


def test_the_stats_version_changes_with_a_reset_and_a_new_learner(
    db: Database, admin: str, roster: Roster
):
    first = stats.stats_version(db, admin)
    assert stats.stats_version(db, admin) == first
    reset_passwords(db, admin, [roster.hugo], TEST_ROUNDS)
    second = stats.stats_version(db, admin)
    assert second != first
    insert_as_another_program(db, "Autre", "Programme", "autre.programme")
    assert stats.stats_version(db, admin) != second
    assert stats.school_stats(db, admin, INITIAL_DAYS).total.learners == 13


def test_stats_and_search_refuse_someone_who_is_not_an_administrator(db: Database, roster):
    with pytest.raises(NotAuthorized):
        stats.school_stats(db, "mallory", INITIAL_DAYS)
    with pytest.raises(NotAuthorized):
        search.find_learners(db, "mallory", "lea", 3, TZ)


def test_the_stats_command_prints_the_per_class_table(cli, db: Database, admin: str, roster):
    code, out, err = cli("stats", "--actor", admin)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == list(stats.CSV_COLUMNS)
    assert [line.split()[:2] for line in lines[1:]] == [
        ["5e", "C"],
        ["6e", "A"],
        ["6e", "B"],
        ["TOTAL", "12"],
    ]
    assert lines[2].split()[2:] == ["4", "1", "2", "1", "1", "25.0"]

    code, out, err = cli("stats", "--actor", admin, "--format", "csv")
    assert code == 0, err
    assert out.splitlines() == [
        "class,learners,personalised,initial,expired,without_birth_date,activation_rate",
        "5e C,6,1,5,0,0,16.7",
        "6e A,4,1,2,1,1,25.0",
        "6e B,2,1,1,0,0,50.0",
        "TOTAL,12,3,8,1,1,25.0",
    ]


def test_the_stats_command_refuses_an_unknown_actor(cli, roster):
    code, out, err = cli("stats", "--actor", "nobody")
    assert code == 1 and err.startswith("error: ") and not out


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["lea", "LÉA", "dupont", "lea.dup", "  Léa ", "DUPONT"])
def test_the_search_finds_lea_dupont_ignoring_case_and_accents(
    find, db: Database, admin: str, roster: Roster, text: str
):
    assert find(db, admin, text) == [roster.lea]


def test_upper_case_accented_names_are_found_without_accents(find, db: Database, admin, roster):
    assert find(db, admin, "emile") == [roster.emile]
    assert find(db, admin, "faure") == [roster.emile]
    assert find(db, admin, "sean") == [roster.obrien]


def test_the_search_spans_the_school_and_the_recent_deactivations_only(
    find, searcher, db: Database, admin: str, roster: Roster
):
    result = searcher(db, admin, "noe")
    assert [r.id for r in result.rows] == [roster.noe_recent]
    assert result.rows[0].deactivated_at is not None
    assert result.rows[0].class_name == "6e A"
    assert find(db, admin, "jules") == []  # deactivated 200 days ago: outside the window
    assert set(find(db, admin, "ro")) >= {roster.ines, roster.noe_recent}  # classes B and A


def test_one_character_finds_nothing(searcher, db: Database, admin: str, roster: Roster):
    assert searcher(db, admin, "l") == search.SearchResult([], 0)
    assert searcher(db, admin, " é ") == search.SearchResult([], 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("x%a", "percent"), ("s_t", "underscore"), ("o'b", "obrien")],
)
def test_percent_underscore_and_quote_match_themselves(
    find, db: Database, admin: str, roster: Roster, text: str, expected: str
):
    assert find(db, admin, text) == [getattr(roster, expected)]


@pytest.mark.parametrize("text", ["%%", "__", "''", "%_", "!%"])
def test_wildcards_alone_match_nobody(find, db: Database, admin: str, roster: Roster, text: str):
    assert find(db, admin, text) == []


def test_a_learner_written_by_another_program_is_found(find, db: Database, admin: str, roster):
    other = insert_as_another_program(db, "Lefèvre", "Gaëlle", "gaelle.lefevre")
    assert find(db, admin, "lefevre") == [other]
    assert find(db, admin, "GAËL") == [other]


def test_at_most_fifty_results_and_the_number_of_the_others(searcher, db: Database, admin: str):
    ids = [
        add_learner(db, "Bernard", f"Élève{i:02d}", login=f"eleve{i:02d}.bernard")
        for i in range(53)
    ]
    result = searcher(db, admin, "bernard")
    assert len(result.rows) == search.MAX_RESULTS
    assert result.total == 53 and result.more == 3
    assert set(r.id for r in result.rows) <= set(ids)
    assert [r.first_name for r in result.rows] == sorted(r.first_name for r in result.rows)


def test_apostrophes_and_other_scripts_are_searched_as_written(find, db: Database, admin: str):
    """« d’Arc » and « Иванов » are names too: the search keeps what it does not fold."""
    arc = add_learner(db, "d’Arc", "Jeanne", login="jeanne.darc")
    ivanov = add_learner(db, "Иванов", "Иван", login="ivan.ivanov")

    assert find(db, admin, "d’Arc") == [arc]
    assert find(db, admin, "d’arc") == [arc]
    assert find(db, admin, "Иванов") == [ivanov]
    assert find(db, admin, "ivan.iv") == [ivanov]


def test_the_stored_key_folds_the_case_of_other_scripts(db: Database, admin: str):
    ivanov = add_learner(db, "Иванов", "Иван", login="ivan.ivanov")

    found = search.find_learners(db, admin, "ИВАНОВ", 3, TZ).rows
    assert [r.id for r in found] == [ivanov]
    assert stored_search_key(db, ivanov) == "иванов\x1fиван\x1fivan.ivanov"


def test_the_search_key_and_pattern():
    assert search.search_key("  LÉA\x00 Œuvre ") == "lea oeuvre"
    assert search.like_pattern("a%b_c!d") == "%a!%b!_c!!d%"
    # Only the letters that can fold into a searched character are replaced in SQL.
    lt = search.folds_for("lt")
    assert all(not new or set(new) & {"l", "t"} for _, new in lt)
    assert {"ł", "Ł", "ţ", "\u0301"} <= {old for old, _ in lt}
    assert "é" not in {old for old, _ in lt}
    assert "é" in {old for old, _ in search.folds_for("le")}


def test_a_learner_another_program_adds_or_renames_is_found_at_once(
    db: Database, admin: str, roster: Roster
):
    """Nothing is kept between searches: the next search sees what another program wrote; a
    rename it makes clears the stored key (trigger), so the old name is no longer found."""
    other = insert_as_another_program(db, "Lefèvre", "Gaëlle", "gaelle.lefevre")
    found = search.find_learners(db, admin, "lefevre", 3, TZ).rows
    assert [r.id for r in found] == [other]
    assert stored_search_key(db, other) is None

    renamed = add_learner(db, "Dupuis", "Anaïs", login="eleve1234")
    assert stored_search_key(db, renamed) == "dupuis\x1fanais\x1feleve1234"
    with db.transaction(write=True) as session:
        session.execute(
            sql("UPDATE learners SET last_name = 'Brémond' WHERE id = :id"), {"id": renamed}
        )

    assert stored_search_key(db, renamed) is None
    assert [r.id for r in search.find_learners(db, admin, "bremond", 3, TZ).rows] == [renamed]
    assert search.find_learners(db, admin, "dupuis", 3, TZ).rows == []
