"""Retention on the pages: the overview's accounts deleted within 7 days (and a warning when
some are overdue), the deactivated table's « Jours restants » wording, the learner's data
downloaded from the search (audited), and the journal's « Élève supprimé » after a purge."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from access_core.audit import events as audit
from access_core.db.unit_of_work import Database
from access_core.documents import learner_data
from access_core.roster import retention
from access_core.roster.queries import deactivation_window_start
from access_core.roster.resets import reset_passwords
from tests.support.factories import TEST_ROUNDS, add_learner
from tests.support.pages import ROOT, TIMEOUT_S, RecordingManager, live_session, no_exception
from tests.support.roster_overview import Roster, make_roster

OVERVIEW = ROOT / "pages" / "overview.py"
MAIN = ROOT / "pages" / "learner_access.py"
JOURNAL = ROOT / "pages" / "journal.py"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def roster(app_db: Database, admin: str, app_env: pytest.MonkeyPatch) -> Roster:
    return make_roster(app_db)  # Jules Noir: deactivated 200 days ago, past the term


def run_page(script: object, admin: str) -> AppTest:
    at = live_session(AppTest.from_file(script, default_timeout=TIMEOUT_S), admin).run()
    no_exception(at)
    return at


def test_the_overview_counts_the_accounts_deleted_within_seven_days(
    roster: Roster, app_db: Database, admin: str
):
    start = deactivation_window_start(datetime.now(UTC), 3, PARIS)
    add_learner(
        app_db, "Bientot", "Basile", login="bbientot", deactivated_at=start + timedelta(days=2)
    )

    at = run_page(OVERVIEW, admin)

    figures = {m.label: m.value for m in at.metric}
    assert figures["À supprimer sous 7 jours"] == "1"
    (warning,) = at.warning
    assert warning.value.startswith("1 compte désactivé dépasse le délai de conservation")

    retention.purge(app_db, admin, retention.Terms(3, 12, PARIS))
    at = run_page(OVERVIEW, admin)
    assert not at.warning


def test_the_overviews_warning_leaves_a_learner_crossing_the_term_today_to_the_nightly_purge(
    roster: Roster, app_db: Database, admin: str
):
    # Jules Noir, 200 days ago, is a missed purge; Théo crossed the term two hours ago (the
    # purge would delete him now, the nightly one will): not a sign of a purge not running.
    start = deactivation_window_start(datetime.now(UTC), 3, PARIS)
    add_learner(app_db, "Passe", "Théo", login="tpasse", deactivated_at=start - timedelta(hours=2))

    at = run_page(OVERVIEW, admin)

    (warning,) = at.warning
    assert warning.value.startswith("1 compte désactivé dépasse le délai de conservation")
    assert len(retention.overdue(app_db, admin, 3, PARIS)) == 2  # the purge's exact boundary


def test_the_deactivated_table_says_what_happens_at_zero_days(roster: Roster, admin: str):
    at = run_page(MAIN, admin)

    captions = [c.value for c in at.caption]
    assert any(
        "à 0, l'élève est supprimé" in c and "3 mois" in c and "conservé 12 mois" in c
        for c in captions
    ), captions


def test_a_learners_data_is_downloaded_from_the_search_and_audited(
    roster: Roster, app_db: Database, admin: str, media_managers: list[RecordingManager]
):
    at = run_page(MAIN, admin)
    at.text_input(key="learner_search").input("leroy").run()
    no_exception(at)

    (button,) = [b for b in at.download_button if b.label == "Données de l'élève (JSON)"]
    manager = media_managers[-1]
    url = manager.execute_deferred(button.proto.deferred_file_id)
    stored = manager.memory_storage.get_file(url.rsplit("/", 1)[1].split(".")[0])
    data = json.loads(bytes(stored.content))

    assert stored.filename == "learner_data_noe.leroy.json"
    assert data["learner"]["login"] == "noe.leroy" and data["account"]["active"] is False
    assert "$2b$" not in bytes(stored.content).decode()
    exported = audit.events(app_db, action=learner_data.EXPORT_ACTION)
    assert [(e.actor, e.learner_id) for e in exported] == [(admin, roster.noe_recent)]


def test_the_journal_shows_a_purged_learner_as_deleted_with_his_number(
    roster: Roster, app_db: Database, admin: str
):
    reset_passwords(app_db, admin, [roster.jules_old], TEST_ROUNDS)
    retention.purge(app_db, admin, retention.Terms(3, 12, PARIS))

    at = run_page(JOURNAL, admin)

    (frame,) = [d.value for d in at.dataframe]
    reset_rows = frame[frame["Action"] == "Réinitialisation du mot de passe"]
    assert list(reset_rows["Élève"]) == [f"Élève supprimé n° {roster.jules_old}"]
    assert "jules" not in frame.to_csv().lower()
