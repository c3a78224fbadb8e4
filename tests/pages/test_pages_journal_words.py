"""Issue 25 item 3: the « Journal » page speaks the interface's language (AppTest, real SQLite):
actions and details in words, the action filter's choices in words, previous/next page buttons."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from access_core.audit import events as audit
from access_core.audit.actions import ACTIONS
from access_core.db.models import AuditEvent
from access_core.db.unit_of_work import Database
from access_core.documents import slips, workbook
from access_core.roster.resets import reset_passwords
from tests.support.factories import TEST_ROUNDS, add_learner
from tests.support.import_pages import journal_frame, journal_page
from tests.support.pages import no_exception, texts


def _history(db: Database, admin: str) -> None:
    lea = add_learner(db, "Martin", "Léa", class_name="6e A", login="lea.martin")
    reset_passwords(db, admin, [lea], TEST_ROUNDS)
    workbook.record_export(db, admin, "6e A", 1)
    slips.record_slips(db, admin, 1, "8", class_name="6e A")


ACTION = {"fr": "Action", "en": "Action"}


def _english(at: Any) -> Any:
    at.query_params["lang"] = "en"
    return at


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_journal_shows_no_raw_action_code(app_db: Database, admin: str, lang: str) -> None:
    _history(app_db, admin)
    at = journal_page(admin)
    at = (_english(at) if lang == "en" else at).run()

    no_exception(at)
    frame = journal_frame(at)
    shown_actions = set(frame.iloc[:, list(frame.columns).index(ACTION[lang])])
    assert shown_actions and not shown_actions & ACTIONS  # words, never a code
    details = " ".join(frame.iloc[:, -1])
    assert "{" not in details and '"' not in details  # never the JSON
    for key in ("learners:", "layout:", "class:"):
        assert key not in details
    assert not set(at.multiselect[0].options) & ACTIONS


def test_the_slips_event_reads_as_a_sentence(app_db: Database, admin: str) -> None:
    _history(app_db, admin)
    at = journal_page(admin).run()

    frame = journal_frame(at)
    [row] = [r for _, r in frame.iterrows() if r["Action"] == "Fiches imprimées"]
    assert row["Détails"].startswith("1 élève, 8 par page, 6e A")


def test_the_english_journal_words_the_same_event_in_english(app_db: Database, admin: str) -> None:
    _history(app_db, admin)
    at = _english(journal_page(admin)).run()

    frame = journal_frame(at)
    [row] = [r for _, r in frame.iterrows() if r["Action"] == "Slips printed"]
    assert row.iloc[-1].startswith("1 learner, 8 per page, 6e A")


def _many_events(db: Database, count: int) -> None:
    with db.transaction() as session:
        for n in range(count):
            audit.record(session, "admin", "test_event", details={"n": n})


def test_previous_and_next_buttons_turn_the_journal_pages(app_db: Database, admin: str) -> None:
    _many_events(app_db, 120)
    with app_db.transaction() as session:
        total = session.scalar(select(func.count()).select_from(AuditEvent))
    pages = -(-int(total or 0) // 50)
    assert pages == 3
    at = journal_page(admin).run()

    assert "page 1 sur 3" in texts(at.caption)
    assert at.button(key="journal_previous").disabled
    at.button(key="journal_next").click().run()
    no_exception(at)
    assert "page 2 sur 3" in texts(at.caption)
    at.button(key="journal_next").click().run()
    assert "page 3 sur 3" in texts(at.caption)
    assert at.button(key="journal_next").disabled
    at.button(key="journal_previous").click().run()
    assert "page 2 sur 3" in texts(at.caption)
    assert not any(w.type == "number_input" for w in at.get("number_input"))


def test_the_csv_export_keeps_codes_and_adds_the_words(app_db: Database, admin: str) -> None:
    from access_core.audit import journal

    _history(app_db, admin)
    settings_tz = __import__("zoneinfo").ZoneInfo("Europe/Paris")
    data = journal.export_csv(app_db, admin, journal.JournalFilter(), settings_tz)
    lines = data.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    assert "action" in header and "text" in header
    rows = [dict(zip(header, line.split(";"), strict=False)) for line in lines[1:]]
    [printed] = [r for r in rows if r["action"] == "slips_printed"]
    assert printed["text"].startswith("Fiches imprimées — 1 élève, 8 par page, 6e A")
    assert json.loads(printed["details"].replace('""', '"').strip('"'))["layout"] == "8"
