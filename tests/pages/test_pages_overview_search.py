"""« Vue d'ensemble », the initial-password filter and the learner search, under AppTest on a
known roster (tests/roster_overview.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import bcrypt
import pytest
from streamlit.testing.v1 import AppTest

from access_core.accounts.passwords import initial_password
from access_core.audit import events as audit
from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from access_core.roster.resets import RESET_ACTION
from access_ui.search_ui import search_scope
from tests.support.factories import dump_tables
from tests.support.pages import (
    DASHBOARD,
    ROOT,
    TIMEOUT_S,
    dialog_names,
    editor_frame,
    live_session,
    mark,
    no_exception,
    texts,
    without,
)
from tests.support.roster_overview import INITIAL_DAYS, Roster, make_roster

OVERVIEW = ROOT / "pages" / "overview.py"
MAIN = ROOT / "pages" / "learner_access.py"
SEARCH_KEY = "learner_search"
INITIAL_ONLY = "Seulement les mots de passe initiaux"


@pytest.fixture
def roster(app_db: Database, admin: str, app_env: pytest.MonkeyPatch) -> Roster:
    app_env.setenv("ACCESS_INITIAL_PASSWORD_DAYS", str(INITIAL_DAYS))
    return make_roster(app_db)


def run_page(script: Any, admin: str) -> AppTest:
    at = live_session(AppTest.from_file(script, default_timeout=TIMEOUT_S), admin).run()
    no_exception(at)
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# --- the overview ----------------------------------------------------------------------------


def test_the_overview_shows_the_school_totals_and_each_class(roster: Roster, admin: str):
    at = run_page(OVERVIEW, admin)

    assert at.title[0].value == "Vue d'ensemble"
    assert metrics(at) == {
        "Élèves actifs": "12",
        "Mots de passe personnalisés": "3",
        "Initiaux à personnaliser": "8",
        "Initiaux expirés": "1",
        "Sans date de naissance": "1",
        "Taux d'activation": "25,0\u00a0%",
        "À supprimer sous 7 jours": "0",
    }
    (table,) = at.dataframe
    frame = table.value
    assert list(frame.columns) == [
        "Classe",
        "Élèves",
        "Personnalisés",
        "Initiaux",
        "Expirés",
        "Sans date de naissance",
        "Taux d'activation",
    ]
    rows = [tuple(r) for r in frame.drop(columns="Taux d'activation").itertuples(index=False)]
    assert rows == [  # lowest activation rate first
        ("5e C", 6, 1, 5, 0, 0),
        ("6e A", 4, 1, 2, 1, 1),
        ("6e B", 2, 1, 1, 0, 0),
    ]
    assert list(frame["Taux d'activation"]) == ["16,7\u00a0%", "25,0\u00a0%", "50,0\u00a0%"]
    (chart,) = [e for e in at.main if getattr(e, "type", "") == "vega_lite_chart"]
    spec = json.loads(chart.proto.spec)  # type: ignore[attr-defined]
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["x"]["stack"] == "zero"


def test_the_overview_figures_follow_a_reset_made_meanwhile(
    roster: Roster, app_db: Database, admin: str
):
    at = run_page(OVERVIEW, admin)
    assert metrics(at)["Mots de passe personnalisés"] == "3"
    from access_core.roster.resets import reset_passwords

    reset_passwords(app_db, admin, [roster.hugo, roster.ines], 4)
    at.run()
    no_exception(at)
    assert metrics(at)["Mots de passe personnalisés"] == "1"
    assert metrics(at)["Initiaux à personnaliser"] == "10"


def test_selecting_a_class_opens_it_with_only_its_initial_passwords(roster: Roster, admin: str):
    at = live_session(AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S), admin).run()
    at.switch_page("pages/overview.py").run()
    no_exception(at)
    (table,) = at.dataframe
    assert list(table.value["Classe"]) == ["5e C", "6e A", "6e B"]

    at.session_state[table.key] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()

    no_exception(at)
    assert at.title[0].value == "Gestion des accès apprenants"
    assert at.selectbox(key="class_id").value == roster.class_a
    assert at.toggle(key="initial_only").value is True
    frame = editor_frame(at, f"editor:class-{roster.class_a}-initial:0")
    # Initial (Dupont, Sans) and expired (Petit); not Hugo, who chose his own.
    assert list(frame.index) == [roster.lea, roster.zoe_expired, roster.no_birth]
    assert list(frame["Mot de passe"]) == [
        "Initial — à personnaliser",
        "Initial — expiré",
        "Initial — à personnaliser",
    ]
    # Switched off, the whole class is back. (AppTest keeps requesting the page last given
    # to its own switch_page, where a browser follows the URL: name the page again.)
    at.switch_page("pages/learner_access.py")
    at.toggle(key="initial_only").set_value(False).run()
    frame = editor_frame(at, f"editor:class-{roster.class_a}:0")
    assert roster.hugo in frame.index and len(frame) == 4


def test_the_filter_marks_all_and_resets_only_the_rows_shown(
    roster: Roster, app_db: Database, admin: str
):
    at = run_page(MAIN, admin)
    at.selectbox(key="class_id").select(roster.class_b).run()
    (toggle,) = [w for w in at.toggle if w.label == INITIAL_ONLY]
    toggle.set_value(True).run()
    scope = f"class-{roster.class_b}-initial"
    at.button(key=f"mark_all_btn:{scope}").click().run()
    assert "1 élève marqué sur 1." in texts(at.caption)
    assert list(editor_frame(at, f"editor:{scope}:1").index) == [roster.emile]
    before = dump_tables(app_db)

    at.button(key=f"reset_btn:{scope}").click().run()
    assert "FAURE ÉMILE" in dialog_names(at)
    at.button(key="confirm_reset").click().run()

    no_exception(at)
    assert without(dump_tables(app_db), {roster.emile}) == without(before, {roster.emile})
    assert [e.learner_id for e in audit.events(app_db, action=RESET_ACTION)] == [roster.emile]


# --- the search ------------------------------------------------------------------------------


def search(at: AppTest, text: str) -> AppTest:
    at.text_input(key=SEARCH_KEY).input(text).run()
    no_exception(at)
    return at


def results(at: AppTest, text: str) -> Any:
    return editor_frame(at, f"editor:{search_scope(text)}:0")


@pytest.mark.parametrize("text", ["lea", "LÉA", "dupont", "lea.dup"])
def test_the_search_finds_lea_dupont(roster: Roster, admin: str, text: str):
    at = search(run_page(MAIN, admin), text)
    assert at.text_input(key=SEARCH_KEY).label == "Rechercher un élève (nom, prénom ou login)"
    frame = results(at, text)
    assert list(frame.index) == [roster.lea]
    assert list(frame.loc[roster.lea, ["Nom", "Prénom", "Classe", "Compte", "Mot de passe"]]) == [
        "Dupont",
        "Léa",
        "6e A",
        "Actif",
        "Initial — à personnaliser",
    ]


def test_a_deactivated_result_is_labelled(roster: Roster, admin: str):
    at = search(run_page(MAIN, admin), "leroy")
    frame = results(at, "leroy")
    assert list(frame.index) == [roster.noe_recent]
    day = (datetime.now(UTC) - timedelta(days=10)).astimezone(ZoneInfo("Europe/Paris")).date()
    assert frame.loc[roster.noe_recent, "Compte"] == f"Désactivé le {day:%d/%m/%Y}"


def test_one_character_asks_for_more_and_shows_no_results(roster: Roster, admin: str):
    at = search(run_page(MAIN, admin), "l")
    assert "Tapez au moins deux caractères." in texts(at.caption)
    assert not any(str(e.key).startswith("editor:search-") for e in at.data_editor)


@pytest.mark.parametrize(
    ("text", "expected"), [("x%a", "percent"), ("s_t", "underscore"), ("o'b", "obrien")]
)
def test_percent_underscore_and_quote_are_searched_literally(
    roster: Roster, admin: str, text: str, expected: str
):
    at = search(run_page(MAIN, admin), text)
    assert list(results(at, text).index) == [getattr(roster, expected)]


def test_a_search_for_wildcards_alone_finds_nobody(roster: Roster, admin: str):
    at = search(run_page(MAIN, admin), "%%")
    assert texts(at.info)[0] == "Aucun élève ne correspond à cette recherche."


def test_a_reset_from_the_results_changes_exactly_the_marked_learners(
    roster: Roster, app_db: Database, admin: str
):
    at = search(run_page(MAIN, admin), "bas")  # Bas Tiret, Bas Trait (and nobody else)
    key = f"editor:{search_scope('bas')}:0"
    assert set(editor_frame(at, key).index) == {roster.underscore, roster.underscore_plain}
    mark(at, key, [roster.underscore])
    at.run()
    assert "1 élève marqué sur 2." in texts(at.caption)
    # The class table below has its own marks: none.
    class_key = f"editor:class-{at.selectbox(key='class_id').value}:0"
    assert not editor_frame(at, class_key)["Réinitialiser"].any()
    assert "0 élève marqué sur" in " ".join(texts(at.caption))
    before = dump_tables(app_db)

    at.button(key=f"reset_btn:{search_scope('bas')}").click().run()
    assert "Bas Tiret" in dialog_names(at)
    at.button(key="confirm_reset").click().run()

    no_exception(at)
    assert texts(at.success) == ["1 mot de passe réinitialisé."]
    assert without(dump_tables(app_db), {roster.underscore}) == without(before, {roster.underscore})
    with app_db.transaction() as session:
        row = session.get(Learner, roster.underscore)
        assert row is not None and row.birth_date is not None
        assert bcrypt.checkpw(initial_password(row.birth_date).encode(), row.password_hash.encode())
        assert row.must_change_password is True


def test_marks_in_the_class_table_do_not_reach_the_results(roster: Roster, admin: str):
    at = run_page(MAIN, admin)
    at.selectbox(key="class_id").select(roster.class_a).run()
    class_key = f"editor:class-{roster.class_a}:0"
    mark(at, class_key, [roster.lea])
    at.run()
    search(at, "dupont")
    assert not results(at, "dupont")["Réinitialiser"].any()
    # A new search starts unmarked as well.
    mark(at, f"editor:{search_scope('dupont')}:0", [roster.lea])
    at.run()
    search(at, "lea.dup")
    assert not results(at, "lea.dup")["Réinitialiser"].any()


def test_more_than_fifty_results_say_how_many_others(app_db: Database, admin: str, app_env):
    from tests.support.factories import add_learner

    for i in range(52):
        add_learner(app_db, "Bernard", f"Élève{i:02d}", login=f"eleve{i:02d}.bernard")
    at = search(run_page(MAIN, admin), "bernard")
    assert len(results(at, "bernard")) == 50
    assert "2 autres : précisez." in texts(at.caption)


def test_the_overview_and_the_search_speak_english_on_request(roster: Roster, admin: str):
    at = live_session(AppTest.from_file(OVERVIEW, default_timeout=TIMEOUT_S), admin)
    at.query_params["lang"] = "en"
    at.run()
    no_exception(at)
    assert at.title[0].value == "Overview"
    assert metrics(at)["Activation rate"] == "25.0%"
    assert list(at.dataframe[0].value["Activation rate"]) == ["16.7%", "25.0%", "50.0%"]
    assert list(at.dataframe[0].value.columns)[:2] == ["Class", "Learners"]

    main = live_session(AppTest.from_file(MAIN, default_timeout=TIMEOUT_S), admin)
    main.query_params["lang"] = "en"
    search(main.run(), "leroy")
    frame = results(main, "leroy")
    assert frame.loc[roster.noe_recent, "Account"].startswith("Deactivated on ")
