"""Read queries (classes, class lists, recently deactivated) and the tables built on them."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from access_core.db.models import Admin
from access_core.errors import NotAuthorized, NotFound
from access_core.roster import queries as roster
from access_core.roster.queries import (
    LearnerRow,
    class_learners,
    deactivation_window_start,
    find_class,
    list_classes,
    natural_key,
    recently_deactivated,
    shift_months,
)
from access_ui import tables
from tests.support.factories import add_class, add_learner

PARIS = ZoneInfo("Europe/Paris")
# 15 June 2025, 12:00 in Paris (summer time, UTC+2)
NOW = datetime(2025, 6, 15, 10, 0, tzinfo=UTC)
# Three calendar months earlier on the Paris wall clock: 15 March 2025, 12:00 (UTC+1)
BOUNDARY = datetime(2025, 3, 15, 11, 0, tzinfo=UTC)


def class_id(db, name):
    return add_class(db, name)


# --- natural order of classes ----------------------------------------------------------------


def test_classes_sort_in_natural_order():
    names = ["6e B", "10", "Terminale 10", "6e A", "2", "5e A", "Terminale 2", "6E C"]

    assert sorted(names, key=natural_key) == [
        "2",
        "5e A",
        "6e A",
        "6e B",
        "6E C",
        "10",
        "Terminale 2",
        "Terminale 10",
    ]


def test_list_classes_gives_every_class_in_natural_order(db, admin):
    for name in ["6e B", "Terminale 10", "6e A", "Terminale 2", "5e A"]:
        add_class(db, name)
    add_learner(db, "Martin", "Léa", class_name="6e A")
    add_learner(db, "Dubois", "Hugo", class_name="6e A")
    add_learner(db, "Roux", "Inès", class_name="6e A", deactivated_at=NOW - timedelta(days=2))
    add_learner(db, "Petit", "Zoé", class_name="6e B")
    add_learner(db, "Sans", "Classe", class_name=None)

    classes = list_classes(db, admin)

    assert [c.name for c in classes] == ["5e A", "6e A", "6e B", "Terminale 2", "Terminale 10"]


def test_classes_version_changes_when_a_class_is_created(db, admin):
    add_class(db, "6e A")
    before = roster.classes_version(db, admin)

    add_class(db, "6e B")

    assert roster.classes_version(db, admin) != before
    assert roster.classes_version(db, admin) == roster.classes_version(db, admin)


def test_classes_version_asks_for_an_active_administrator(db, admin):
    with pytest.raises(NotAuthorized):
        roster.classes_version(db, "nobody")


# --- the active learners of a class ----------------------------------------------------------


def test_class_learners_are_the_active_learners_of_that_class_sorted_by_name(db, admin):
    ids = {
        "faure": add_learner(db, "Faure", "Jules"),
        "emile": add_learner(db, "Étienne", "Émile"),
        "dupont_lea": add_learner(db, "Dupont", "Léa"),
        "dupont_adam": add_learner(db, "Dupont", "Adam"),
        "zola": add_learner(db, "Zola", "Anaïs"),
    }
    add_learner(db, "Abel", "Parti", deactivated_at=NOW - timedelta(days=1))
    add_learner(db, "Autre", "Classe", class_name="6e B")
    add_learner(db, "Sans", "Classe", class_name=None)

    rows = class_learners(db, admin, class_id(db, "6e A"))

    assert [row.id for row in rows] == [
        ids["dupont_adam"],
        ids["dupont_lea"],
        ids["emile"],
        ids["faure"],
        ids["zola"],
    ]
    assert {row.class_name for row in rows} == {"6e A"}
    assert all(row.deactivated_at is None for row in rows)


def test_a_class_without_active_learners_has_an_empty_list(db, admin):
    add_learner(db, "Abel", "Parti", class_name="3e B", deactivated_at=NOW)

    assert class_learners(db, admin, class_id(db, "3e B")) == []


# --- find_class ------------------------------------------------------------------------------


def test_find_class_finds_a_class_by_its_exact_name_or_ignoring_case_and_spaces(db, admin):
    a = add_class(db, "6e A")
    add_class(db, "6e B")

    assert find_class(db, admin, "6e A").id == a
    assert find_class(db, admin, "  6E a ").id == a


def test_find_class_says_which_class_is_unknown(db, admin):
    add_class(db, "6e A")

    with pytest.raises(NotFound, match="6e Z"):
        find_class(db, admin, "6e Z")


# --- months arithmetic -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2025, 5, 31, 9, 15), -3, datetime(2025, 2, 28, 9, 15)),
        (datetime(2024, 5, 31, 9, 15), -3, datetime(2024, 2, 29, 9, 15)),
        (datetime(2025, 1, 31), 1, datetime(2025, 2, 28)),
        (datetime(2025, 1, 15), -1, datetime(2024, 12, 15)),
        (datetime(2025, 3, 31), -13, datetime(2024, 2, 29)),
        (datetime(2024, 11, 30), 3, datetime(2025, 2, 28)),
    ],
)
def test_shift_months_clamps_the_day_to_the_length_of_the_month(moment, months, expected):
    assert shift_months(moment, months) == expected


def test_the_window_starts_three_months_earlier_on_the_schools_wall_clock():
    # 12:00 in Paris on 15 June (UTC+2) → 12:00 in Paris on 15 March (UTC+1)
    assert deactivation_window_start(NOW, 3, PARIS) == BOUNDARY


# --- recently deactivated learners -----------------------------------------------------------


def deactivated(db, name, at):
    return add_learner(db, name, "X", login=name.lower(), deactivated_at=at)


def recent(db, admin, now=NOW, months=3, tz=PARIS):
    return [row.id for row in recently_deactivated(db, admin, months, tz, now=now)]


def test_a_learner_deactivated_two_days_inside_the_window_is_shown(db, admin):
    inside = deactivated(db, "Inside", BOUNDARY + timedelta(days=2))

    assert recent(db, admin) == [inside]


def test_a_learner_deactivated_three_days_before_the_window_is_not_shown(db, admin):
    deactivated(db, "Outside", BOUNDARY - timedelta(days=3))

    assert recent(db, admin) == []


def test_the_exact_boundary_instant_is_outside_the_window(db, admin):
    deactivated(db, "Boundary", BOUNDARY)
    just_after = deactivated(db, "JustAfter", BOUNDARY + timedelta(seconds=1))

    assert recent(db, admin) == [just_after]


def test_recently_deactivated_learners_come_most_recent_first(db, admin):
    older = deactivated(db, "Older", NOW - timedelta(days=60))
    newest = deactivated(db, "Newest", NOW - timedelta(hours=1))
    middle = deactivated(db, "Middle", NOW - timedelta(days=10))

    assert recent(db, admin) == [newest, middle, older]


def test_a_deactivation_dated_in_the_future_is_not_shown(db, admin):
    deactivated(db, "Future", NOW + timedelta(hours=1))
    now = deactivated(db, "Now", NOW)

    assert recent(db, admin) == [now]


def test_active_learners_are_never_in_the_recently_deactivated_list(db, admin):
    add_learner(db, "Martin", "Léa")

    assert recent(db, admin) == []


def test_the_window_follows_the_configured_number_of_months(db, admin):
    four_months_ago = deactivated(db, "FourMonths", NOW - timedelta(days=120))

    assert recent(db, admin, months=3) == []
    assert recent(db, admin, months=6) == [four_months_ago]


def test_the_window_is_judged_on_the_paris_wall_clock_when_utc_and_paris_dates_differ(db, admin):
    # 31 May 23:30 UTC is already 1 June 01:30 in Paris: three months earlier in Paris is
    # 1 March 01:30 (UTC+1) = 1 March 00:30 UTC; read in UTC it would be 28 February 23:30.
    now = datetime(2025, 5, 31, 23, 30, tzinfo=UTC)
    assert deactivation_window_start(now, 3, PARIS) == datetime(2025, 3, 1, 0, 30, tzinfo=UTC)
    before_paris_boundary = deactivated(db, "Early", datetime(2025, 3, 1, 0, 0, tzinfo=UTC))
    after_paris_boundary = deactivated(db, "Late", datetime(2025, 3, 1, 0, 45, tzinfo=UTC))

    shown = recent(db, admin, now=now)

    assert after_paris_boundary in shown
    assert before_paris_boundary not in shown
    assert recent(db, admin, now=now, tz=ZoneInfo("UTC")) == [
        after_paris_boundary,
        before_paris_boundary,
    ]


def test_a_deactivation_at_23_30_utc_counts_on_the_next_day_in_paris(db, admin):
    # 16 March 23:30 UTC is 17 March 00:30 in Paris: shown as 17/03, in the window until 17 June.
    at = datetime(2025, 3, 16, 23, 30, tzinfo=UTC)
    learner_id = deactivated(db, "Night", at)
    rows = recently_deactivated(db, admin, 3, PARIS, now=NOW)

    table = tables.deactivated_table(rows, PARIS, "fr", months=3, now=NOW)

    assert list(table.index) == [learner_id]
    assert table.loc[learner_id, "Désactivé le"] == "17/03/2025"
    assert table.loc[learner_id, "Jours restants"] == 2


# --- every service checks its actor ----------------------------------------------------------


SERVICES = {
    "list_classes": lambda db, actor, cid: roster.list_classes(db, actor),
    "find_class": lambda db, actor, cid: roster.find_class(db, actor, "6e A"),
    "class_learners": lambda db, actor, cid: roster.class_learners(db, actor, cid),
    "recently_deactivated": lambda db, actor, cid: roster.recently_deactivated(
        db, actor, 3, PARIS, now=NOW
    ),
    "learners_by_logins": lambda db, actor, cid: roster.learners_by_logins(
        db, actor, ["léa.martin"]
    ),
}


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("actor", ["nobody", "", None])
def test_read_services_refuse_someone_who_is_not_an_administrator(db, admin, service, actor):
    add_learner(db, "Martin", "Léa")

    with pytest.raises(NotAuthorized):
        SERVICES[service](db, actor, class_id(db, "6e A"))


@pytest.mark.parametrize("service", SERVICES)
def test_read_services_refuse_a_disabled_administrator(db, admin, service):
    add_learner(db, "Martin", "Léa")
    cid = class_id(db, "6e A")
    SERVICES[service](db, admin, cid)  # allowed while active
    with db.transaction(write=True) as session:
        session.execute(update(Admin).where(Admin.username == admin).values(is_active=False))

    with pytest.raises(NotAuthorized):
        SERVICES[service](db, admin, cid)


# --- display tables --------------------------------------------------------------------------


CLASS_COLUMNS = ["Réinitialiser", "Nom", "Prénom", "Login", "Date de naissance", "Mot de passe"]
DEACTIVATED_COLUMNS = [
    "Réinitialiser",
    "Nom",
    "Prénom",
    "Login",
    "Ancienne classe",
    "Désactivé le",
    "Jours restants",
    "Date de naissance",
    "Mot de passe",
]


def test_the_class_table_has_the_checkbox_first_and_learner_ids_as_index(db, admin):
    initial = add_learner(db, "Martin", "Léa", birth_date=date(2012, 2, 29))
    # 1 March 23:30 UTC is 2 March in Paris
    changed = add_learner(
        db,
        "Dubois",
        "Hugo",
        password="choisi-par-hugo",
        password_changed_at=datetime(2025, 3, 1, 23, 30, tzinfo=UTC),
    )
    changed_no_date = add_learner(db, "Faure", "Jules", password="choisi-par-jules")
    missing = add_learner(db, "Petit", "Zoé", birth_date=None)
    rows = class_learners(db, admin, class_id(db, "6e A"))

    table = tables.class_table(rows, PARIS, "fr")

    assert list(table.columns) == CLASS_COLUMNS
    assert table.index.name == "learner_id"
    assert list(table.index) == [changed, changed_no_date, initial, missing]
    assert table["Réinitialiser"].dtype == bool
    assert not table["Réinitialiser"].any()
    assert table.loc[initial, "Mot de passe"] == "Initial — à personnaliser"
    assert table.loc[changed, "Mot de passe"] == "Personnalisé le 02/03/2025"
    assert table.loc[changed_no_date, "Mot de passe"] == "Personnalisé"
    assert table.loc[initial, "Date de naissance"] == "29/02/2012"
    assert table.loc[missing, "Date de naissance"] == "⚠ manquante"
    assert table.loc[initial, "Login"] == "léa.martin"


def test_the_class_table_of_an_empty_class_keeps_its_columns_and_types():
    table = tables.class_table([], PARIS, "fr")

    assert list(table.columns) == CLASS_COLUMNS
    assert table.empty
    assert table["Réinitialiser"].dtype == bool


def test_marked_ids_reads_the_ticked_learners_by_id_whatever_the_row_order(db, admin):
    first = add_learner(db, "Martin", "Léa")
    second = add_learner(db, "Dubois", "Hugo")
    table = tables.class_table(class_learners(db, admin, class_id(db, "6e A")), PARIS, "fr")
    table.loc[first, "Réinitialiser"] = True

    assert tables.marked_ids(table, "fr") == [first]
    assert tables.marked_ids(table.iloc[::-1], "fr") == [first]
    assert second not in tables.marked_ids(table, "fr")


def test_the_deactivated_table_shows_former_class_date_and_days_left(db, admin):
    learner_id = add_learner(
        db,
        "Roux",
        "Inès",
        class_name="5e B",
        deactivated_at=datetime(2025, 4, 10, 8, 0, tzinfo=UTC),
        password="choisi-par-inès",
        password_changed_at=datetime(2025, 1, 5, 9, 0, tzinfo=UTC),
    )
    rows = recently_deactivated(db, admin, 3, PARIS, now=NOW)

    table = tables.deactivated_table(rows, PARIS, "fr", months=3, now=NOW)

    assert list(table.columns) == DEACTIVATED_COLUMNS
    assert table.index.name == "learner_id"
    assert list(table.index) == [learner_id]
    assert table.loc[learner_id, "Ancienne classe"] == "5e B"
    assert table.loc[learner_id, "Désactivé le"] == "10/04/2025"
    # leaves the window on 10 July; today is 15 June in Paris
    assert table.loc[learner_id, "Jours restants"] == 25
    assert table["Jours restants"].dtype == "int64"
    assert table.loc[learner_id, "Mot de passe"] == "Personnalisé le 05/01/2025"


def test_the_tables_speak_english_when_asked():
    row = LearnerRow(7, "Martin", "Léa", "lea.martin", None, "6e A", True, None, None)

    table = tables.class_table([row], PARIS, "en")

    assert list(table.columns)[0] == "Reset"
    assert table.loc[7, "Password"] == "Initial — to be changed"
    assert table.loc[7, "Birth date"] == "⚠ missing"


def test_has_learners_tells_an_empty_school_from_one_with_a_learner(db, admin):
    assert not roster.has_learners(db)

    add_learner(db, "Martin", "Léa")

    assert roster.has_learners(db)


def test_learners_by_ids_gives_each_asked_learner_once_in_id_order(db, admin):
    lea = add_learner(db, "Martin", "Léa")
    hugo = add_learner(db, "Dubois", "Hugo", class_name="6e B")

    with db.transaction() as session:
        assert roster.learners_by_ids(session, [], None) == []
        rows = roster.learners_by_ids(session, [hugo, lea, hugo, 999_999], None)

    assert [(r.id, r.class_name) for r in rows] == [(lea, "6e A"), (hugo, "6e B")]
