"""The dashboard by school and by role, under AppTest: the school selector (kept in the URL),
the district overview by school, and what a teacher's pages hide or refuse.

The small school (tests/support/school.py) is school 1, « Collège Arago » (0750001A): 6e A
(Léa, Hugo, Zoé; Noé deactivated) and 6e B (Inès). School 2, « Collège Bara » (0930002B), has
« 2nde 1 » (Yanis Bernard; Gaëlle Gamma deactivated). School 3 (0690003C) is nobody's here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from access_core.audit import events as audit
from access_core.db.models import School as SchoolRow
from access_core.db.models import SchoolClass
from access_core.db.unit_of_work import Database
from tests.support.factories import add_learner
from tests.support.pages import (
    DASHBOARD,
    DEACTIVATED_TITLE,
    ROOT,
    TIMEOUT_S,
    live_session,
    no_exception,
    rendered_text,
    texts,
)
from tests.support.school import School
from tests.support.scopes import make_admin, make_school, make_teacher, school_of_class

MAIN = ROOT / "pages" / "learner_access.py"
OVERVIEW = ROOT / "pages" / "overview.py"
IMPORT = ROOT / "pages" / "import_roster.py"
JOURNAL = ROOT / "pages" / "journal.py"
UAI_A, UAI_B, UAI_C = "0750001A", "0930002B", "0690003C"
SCHOOL_KEY = "school_key"
NOT_FOUND = "Établissement introuvable."
ADMINS_ONLY = "Cette page est réservée aux administrateurs."


@dataclass(frozen=True)
class Schools:
    one: School  # the small school, in school 1
    two: int
    three: int
    class_two: int  # 2nde 1


@pytest.fixture
def schools(app_db: Database, app_school: School) -> Schools:
    with app_db.transaction(write=True) as session:
        session.execute(
            update(SchoolRow).where(SchoolRow.id == 1).values(uai=UAI_A, name="Collège Arago")
        )
    two = make_school(app_db, UAI_B, "Collège Bara")
    three = make_school(app_db, UAI_C, "Collège Cassin")
    add_learner(app_db, "Bernard", "Yanis", class_name="2nde 1", login="yanis.bernard")
    add_learner(
        app_db,
        "Gamma",
        "Gaëlle",
        class_name="2nde 1",
        login="gaelle.gamma",
        deactivated_at=datetime.now(UTC) - timedelta(days=5),
    )
    with app_db.transaction() as session:
        class_two = session.scalar(select(SchoolClass.id).where(SchoolClass.name == "2nde 1"))
    assert class_two is not None
    school_of_class(app_db, class_two, two)
    return Schools(app_school, two, three, class_two)


def run(script: Any, username: str, **params: str) -> AppTest:
    at = live_session(AppTest.from_file(script, default_timeout=TIMEOUT_S), username)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    no_exception(at)
    return at


def has_widget(at: AppTest, key: str) -> bool:
    return any(box.key == key for box in at.selectbox)


def class_box(at: AppTest) -> Any:
    (box,) = [box for box in at.selectbox if box.label == "Classe"]
    return box


def has_class_box(at: AppTest) -> bool:
    return any(box.label == "Classe" for box in at.selectbox)


def class_labels(at: AppTest) -> list[str]:
    return list(class_box(at).options)


# --- one school: nothing changes -------------------------------------------------------------


def test_an_administrator_of_one_school_sees_no_school_selector(app_db: Database, schools: Schools):
    make_admin(app_db, "arago", school_ids=[1])

    at = run(MAIN, "arago")

    assert not has_widget(at, SCHOOL_KEY)
    assert "ecole" not in at.query_params
    assert "Établissement" not in [box.label for box in at.selectbox]
    assert has_class_box(at)


def test_a_one_school_installation_shows_no_school_selector(app_school: School, admin: str):
    at = run(MAIN, admin)

    assert not has_widget(at, SCHOOL_KEY)
    assert class_labels(at) == ["6e A", "6e B"]
    assert "ecole" not in at.query_params


# --- an administrator of two schools ---------------------------------------------------------


@pytest.fixture
def director(app_db: Database, schools: Schools) -> str:
    return make_admin(app_db, "direction", school_ids=[1, schools.two])


def test_an_administrator_of_two_schools_picks_the_school_above_the_class(
    schools: Schools, director: str
):
    at = run(MAIN, director)

    labels = [box.label for box in at.selectbox]
    assert labels.index("Établissement") < labels.index("Classe")
    school = at.selectbox(key=SCHOOL_KEY)
    assert school.label == "Établissement"
    assert school.options == ["Collège Arago (0750001A)", "Collège Bara (0930002B)"]
    assert school.value == UAI_A
    assert at.query_params["ecole"] == UAI_A
    assert class_labels(at) == ["6e A", "6e B"]
    assert "Leroy" in rendered_text(at)  # Noé, deactivated in school 1
    assert "Gamma" not in rendered_text(at)


def test_switching_school_changes_the_class_list_the_deactivated_table_and_the_url(
    schools: Schools, director: str
):
    at = run(MAIN, director)

    at.selectbox(key=SCHOOL_KEY).select(UAI_B).run()

    no_exception(at)
    assert at.query_params["ecole"] == UAI_B
    assert class_labels(at) == ["2nde 1"]
    text = rendered_text(at)
    assert "Bernard" in text and "Gamma" in text  # the class table, the deactivated table
    assert "Leroy" not in text and "Martin" not in text


def test_the_school_in_the_url_is_kept_on_a_reload(schools: Schools, director: str):
    """A reload is a new session: only the URL carries the school."""
    at = run(MAIN, director, ecole=UAI_B)

    assert at.selectbox(key=SCHOOL_KEY).value == UAI_B
    assert class_labels(at) == ["2nde 1"]
    assert at.query_params["ecole"] == UAI_B


def test_the_chosen_school_follows_to_the_other_pages(
    schools: Schools, director: str, app_db: Database
):
    at = live_session(AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S), director).run()
    at.switch_page("pages/learner_access.py").run()
    at.selectbox(key=SCHOOL_KEY).select(UAI_B).run()

    at.switch_page("pages/overview.py").run()

    no_exception(at)
    assert at.selectbox(key=SCHOOL_KEY).value == UAI_B
    assert {m.label: m.value for m in at.metric}["Élèves actifs"] == "1"  # Yanis only
    (table,) = at.dataframe
    assert list(table.value["Classe"]) == ["2nde 1"]


@pytest.mark.parametrize("uai", [UAI_C, "0000000Z"], ids=["out-of-scope", "unknown"])
def test_a_school_outside_the_scope_answers_like_an_unknown_one(
    schools: Schools, director: str, uai: str
):
    at = run(MAIN, director, ecole=uai)

    assert texts(at.error) == [NOT_FOUND]
    assert at.selectbox(key=SCHOOL_KEY).value is None
    assert not has_class_box(at)
    text = rendered_text(at)
    assert "Cassin" not in text  # the other school is not even named
    for name in ("Martin", "Leroy", "Bernard", "Gamma"):
        assert name not in text


def test_the_journal_is_the_chosen_schools(schools: Schools, director: str, app_db: Database):
    with app_db.transaction(write=True) as session:
        audit.record(session, "someone", "note", learner_id=schools.one.ines)
    at = run(JOURNAL, director, ecole=UAI_B)

    assert "Inès" not in rendered_text(at)
    at = run(JOURNAL, director, ecole=UAI_A)
    assert "Roux" in rendered_text(at)


# --- the district overview --------------------------------------------------------------------


def test_a_district_administrator_gets_one_row_per_school(app_db: Database, schools: Schools):
    make_admin(app_db, "district", all_schools=True)

    at = run(OVERVIEW, "district")

    table = at.dataframe[0]
    frame = table.value
    assert list(frame.columns) == ["UAI", "Établissement", "Élèves", "Taux d'activation"]
    assert list(frame["UAI"]) == [UAI_A, UAI_B, UAI_C]
    assert list(frame["Établissement"]) == ["Collège Arago", "Collège Bara", "Collège Cassin"]
    assert list(frame["Élèves"]) == [4, 1, 0]  # Léa, Hugo, Zoé, Inès; Yanis; none
    assert list(frame["Taux d'activation"]) == [0.25, 0.0, 0.0]  # Hugo chose his password


def test_selecting_a_school_row_opens_that_school(app_db: Database, schools: Schools):
    make_admin(app_db, "district", all_schools=True)
    at = live_session(AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S), "district").run()
    at.switch_page("pages/overview.py").run()
    table = at.dataframe[0]

    at.session_state[table.key] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()

    no_exception(at)
    assert at.title[0].value == "Gestion des accès apprenants"
    assert at.selectbox(key=SCHOOL_KEY).value == UAI_B
    assert class_labels(at) == ["2nde 1"]


def test_an_administrator_of_several_schools_gets_no_district_table(
    schools: Schools, director: str
):
    at = run(OVERVIEW, director)

    (table,) = at.dataframe  # the per-class table only
    assert "UAI" not in table.value.columns


# --- a teacher ---------------------------------------------------------------------------------


@pytest.fixture
def teacher(app_db: Database, schools: Schools) -> str:
    return make_teacher(app_db, "prof.roux", [schools.one.class_b])


def test_a_teacher_sees_only_their_classes_and_no_deactivated_learners(teacher: str):
    at = run(MAIN, teacher)

    assert class_labels(at) == ["6e B"]
    assert not has_widget(at, SCHOOL_KEY)
    assert DEACTIVATED_TITLE not in [s.value for s in at.subheader]
    text = rendered_text(at)
    assert "Roux" in text
    for name in ("Leroy", "Martin", "Bernard", "Gamma"):
        assert name not in text


def test_a_teacher_opening_the_import_page_by_url_is_refused(teacher: str):
    at = run(IMPORT, teacher)

    assert texts(at.error) == [ADMINS_ONLY]
    assert not at.get("file_uploader")
    assert not at.checkbox


def test_a_teacher_gets_no_link_to_the_import_page(teacher: str, director: str):
    admin_links = rendered_text(run(DASHBOARD, director))
    teacher_links = rendered_text(run(DASHBOARD, teacher))

    assert "import_roster" in admin_links
    assert "import_roster" not in teacher_links
    assert "overview" in teacher_links and "journal" in teacher_links


def test_a_teacher_overview_counts_only_their_classes(teacher: str):
    at = run(OVERVIEW, teacher)

    figures = {m.label: m.value for m in at.metric}
    assert figures["Élèves actifs"] == "1"  # Inès
    assert "À supprimer sous 7 jours" not in figures  # deactivated accounts: not theirs
    (table,) = at.dataframe
    assert list(table.value["Classe"]) == ["6e B"]


def test_a_teacher_journal_shows_no_other_accounts_actions(
    teacher: str, app_db: Database, schools: Schools
):
    with app_db.transaction(write=True) as session:
        audit.record(session, "principal.z", "note", learner_id=schools.one.ines)

    at = run(JOURNAL, teacher)

    assert "principal.z" not in rendered_text(at)
    assert not has_widget(at, SCHOOL_KEY)


def test_two_tabs_of_one_administrator_keep_their_own_school(schools: Schools, director: str):
    first = run(MAIN, director, ecole=UAI_A)
    second = run(MAIN, director, ecole=UAI_B)

    first.selectbox(key=SCHOOL_KEY).select(UAI_B).run()
    second.selectbox(key=SCHOOL_KEY).select(UAI_A).run()

    assert first.query_params["ecole"] == UAI_B and class_labels(first) == ["2nde 1"]
    assert second.query_params["ecole"] == UAI_A and class_labels(second) == ["6e A", "6e B"]


def test_the_selector_and_its_refusal_in_english(schools: Schools, director: str):
    at = run(MAIN, director, lang="en", ecole=UAI_C)

    assert at.selectbox(key=SCHOOL_KEY).label == "School"
    assert texts(at.error) == ["School not found."]
    assert at.selectbox(key=SCHOOL_KEY).placeholder == "Choose a school"
