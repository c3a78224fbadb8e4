"""The account's schools as the dashboard sees them (``roster.schools_view``), the district
overview by school (``stats.schools_overview``) and the ``school_id`` filter of the services
the pages call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from access_core.audit import events as audit
from access_core.audit import journal
from access_core.db.models import AuditEvent
from access_core.db.unit_of_work import Database
from access_core.errors import NotAuthorized, NotFound
from access_core.roster import queries, retention, schools_view, stats
from access_core.roster.search import find_learners
from tests.support.factories import add_learner
from tests.support.school import School
from tests.support.scopes import make_admin, make_school, make_teacher

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def two_schools(db: Database, school: Callable[..., School]) -> tuple[School, int, int]:
    """The small school in school 1; school 2 « Bara » with 2nde 1 (Yanis; Gaëlle
    deactivated); school 3 « Cassin », empty. Returns (small school, id 2, id 3)."""
    small = school(db)
    two = make_school(db, "0930002B", "Bara")
    three = make_school(db, "0690003C", "Cassin")
    add_learner(db, "Bernard", "Yanis", class_name="2nde 1", login="yanis.bernard", school_id=two)
    add_learner(
        db,
        "Gamma",
        "Gaëlle",
        class_name="2nde 1",
        login="gaelle.gamma",
        deactivated_at=datetime.now(UTC) - timedelta(days=5),
        school_id=two,
    )
    return small, two, three


def test_an_administrator_of_one_school_has_no_choice_to_make(db: Database, two_schools):
    view = schools_view.describe(db, make_admin(db, "arago", school_ids=[1]))

    assert view.role == "admin" and not view.district and not view.is_teacher
    assert [s.id for s in view.schools] == [1]
    assert not view.chooses_school


def test_an_administrator_of_two_schools_chooses_among_them_by_name(db: Database, two_schools):
    _, two, _ = two_schools
    view = schools_view.describe(db, make_admin(db, "direction", school_ids=[two, 1]))

    assert [(s.id, s.uai, s.name) for s in view.schools] == [
        (two, "0930002B", "Bara"),
        (1, None, "Établissement"),
    ]
    assert view.chooses_school
    assert [s.key for s in view.schools] == ["0930002B", "1"]  # a school without UAI: its id


def test_a_district_administrator_chooses_among_every_school(db: Database, two_schools):
    view = schools_view.describe(db, make_admin(db, "district", all_schools=True))

    assert view.district
    assert [s.name for s in view.schools] == ["Bara", "Cassin", "Établissement"]


def test_a_teacher_is_described_with_the_schools_of_their_classes(db: Database, two_schools):
    small, _, _ = two_schools
    view = schools_view.describe(db, make_teacher(db, "prof", [small.class_b]))

    assert view.is_teacher and not view.chooses_school
    assert [s.id for s in view.schools] == [1]


def test_a_school_outside_the_scope_is_the_same_not_found_as_an_unknown_one(
    db: Database, two_schools
):
    _, two, three = two_schools
    view = schools_view.describe(db, make_admin(db, "direction", school_ids=[1, two]))

    assert schools_view.school_by_key(view, "0930002b").id == two  # any case
    errors = []
    for key in ("0690003C", "0000000Z", str(three)):
        with pytest.raises(NotFound) as caught:
            schools_view.school_by_key(view, key)
        errors.append((str(caught.value), caught.value.params))
    assert len(set(map(repr, errors))) == 1


def test_an_inactive_account_is_refused(db: Database, two_schools):
    with pytest.raises(NotAuthorized):
        schools_view.describe(db, "nobody")


def test_the_class_list_is_the_chosen_schools(db: Database, two_schools):
    _, two, three = two_schools
    actor = make_admin(db, "direction", school_ids=[1, two])

    assert [c.name for c in queries.list_classes(db, actor, school_id=1)] == ["6e A", "6e B"]
    assert [c.name for c in queries.list_classes(db, actor, school_id=two)] == ["2nde 1"]
    for outside in (three, 999):
        with pytest.raises(NotFound) as caught:
            queries.list_classes(db, actor, school_id=outside)
        assert caught.value.params == {"key": "error_school_not_found"}


def test_a_teacher_lists_and_reads_only_their_classes(db: Database, two_schools):
    small, _, _ = two_schools
    teacher = make_teacher(db, "prof", [small.class_b])

    assert [c.name for c in queries.list_classes(db, teacher)] == ["6e B"]
    assert [r.id for r in queries.class_learners(db, teacher, small.class_b)] == [small.ines]
    assert queries.class_learners(db, teacher, small.class_a) == []  # like an empty class


def test_the_deactivated_learners_and_the_search_are_the_chosen_schools(db: Database, two_schools):
    small, two, _ = two_schools
    actor = make_admin(db, "direction", school_ids=[1, two])

    one = queries.recently_deactivated(db, actor, 3, PARIS, school_id=1)
    other = queries.recently_deactivated(db, actor, 3, PARIS, school_id=two)
    assert [r.id for r in one] == [small.noe]
    assert [r.last_name for r in other] == ["Gamma"]
    in_two = find_learners(db, actor, "yanis", 3, PARIS, school_id=two)
    assert [r.login for r in in_two.rows] == ["yanis.bernard"]
    in_one = find_learners(db, actor, "yanis.bernard", 3, PARIS, school_id=1)
    assert in_one.rows == []  # school 2's pupil is not found in school 1
    assert small.lea in [r.id for r in find_learners(db, actor, "lea", 3, PARIS, school_id=1).rows]


def test_school_stats_count_the_chosen_school_or_a_teachers_classes(db: Database, two_schools):
    small, two, _ = two_schools
    actor = make_admin(db, "direction", school_ids=[1, two])

    assert stats.school_stats(db, actor, 30, school_id=1).total.learners == 4
    assert stats.school_stats(db, actor, 30, school_id=two).total.learners == 1
    teacher = make_teacher(db, "prof", [small.class_b])
    figures = stats.school_stats(db, teacher, 30)
    assert figures.total.learners == 1
    assert [c.class_name for c in figures.classes] == ["6e B"]


def test_the_district_overview_has_one_row_per_school(db: Database, two_schools):
    _, two, three = two_schools
    rows = stats.schools_overview(db, make_admin(db, "district", all_schools=True))

    assert [(r.school_id, r.uai, r.name, r.learners, r.personalised) for r in rows] == [
        (two, "0930002B", "Bara", 1, 0),
        (three, "0690003C", "Cassin", 0, 0),
        (1, None, "Établissement", 4, 1),  # Hugo chose his password; Noé deactivated
    ]
    assert rows[2].activation_rate == 0.25
    assert rows[1].activation_rate is None


def test_the_overview_by_school_is_scoped_and_refuses_teachers(db: Database, two_schools):
    small, two, _ = two_schools
    rows = stats.schools_overview(db, make_admin(db, "direction", school_ids=[two]))
    assert [r.school_id for r in rows] == [two]
    with pytest.raises(NotAuthorized):
        stats.schools_overview(db, make_teacher(db, "prof", [small.class_b]))


def test_the_journal_of_a_school_holds_its_events_and_its_learners_events(
    db: Database, two_schools
):
    small, two, three = two_schools
    actor = make_admin(db, "direction", school_ids=[1, two])
    yanis = queries.class_learners(db, actor, queries.list_classes(db, actor, school_id=two)[0].id)
    with db.transaction(write=True) as session:
        audit.record(session, "someone", "about_yanis", learner_id=yanis[0].id)
        audit.record(session, "someone", "about_lea", learner_id=small.lea)
        audit.record(session, "someone", "school_two_event")
        audit.record(session, "someone", "no_school_event")
        session.execute(
            update(AuditEvent).where(AuditEvent.action == "school_two_event").values(school_id=two)
        )

    def actions(school_id: int | None) -> set[str]:
        entries, total = journal.search(
            db, actor, journal.JournalFilter(), PARIS, school_id=school_id
        )
        assert total == len(entries)
        return {e.action for e in entries} - {"admin_created"}

    # an event of no school by no account (the installation's own) is every school's
    assert actions(two) == {"about_yanis", "school_two_event", "no_school_event"}
    assert actions(1) == {"about_lea", "no_school_event"}
    with pytest.raises(NotFound):  # an administrator of two schools must choose one
        actions(None)
    with pytest.raises(NotFound):
        actions(three)
    csv = journal.export_csv(db, actor, journal.JournalFilter(), PARIS, school_id=two).decode()
    assert "about_yanis" in csv and "about_lea" not in csv


def test_the_accounts_due_for_the_purge_are_counted_for_the_chosen_school(
    db: Database, two_schools
):
    small, two, _ = two_schools
    actor = make_admin(db, "direction", school_ids=[1, two])
    gone = add_learner(
        db,
        "Delpech",
        "Ilan",
        class_name="2nde 1",
        login="ilan.delpech",
        deactivated_at=datetime.now(UTC) - timedelta(days=88),  # a few days left of 3 months
        school_id=two,
    )
    assert gone not in {
        r.id for r in queries.recently_deactivated(db, actor, 3, PARIS, school_id=1)
    }

    assert retention.due_within(db, actor, 3, PARIS, 7, school_id=two) == 1
    assert retention.due_within(db, actor, 3, PARIS, 7, school_id=1) == 0
    with pytest.raises(NotFound):  # two schools: one must be chosen
        retention.due_within(db, actor, 3, PARIS, 7)
