"""Issue 25 item 3: every action the journal records has its words in both languages, and an
event's details read as a sentence; codes written by other programs are shown as they are."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest

from access_core.audit.actions import ACTIONS
from access_core.text.catalogue import MESSAGES
from access_core.text.journal_words import action_label, details_text, event_text

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_listed_action_is_worded_in_each_language(lang: str) -> None:
    worded = {k.removeprefix("action_") for k in MESSAGES[lang] if k.startswith("action_")}
    assert ACTIONS - worded == set()
    assert worded - ACTIONS == set()  # no words left for an action that is gone
    labels = [action_label(a, lang) for a in ACTIONS]
    assert len(set(labels)) == len(labels)  # two actions never read alike


def test_the_slips_event_in_french_and_english() -> None:
    details = json.dumps({"learners": 22, "layout": "8", "class": "3e A"})
    assert event_text("slips_printed", details, "fr", PARIS) == (
        "Fiches imprimées — 22 élèves, 8 par page, 3e A"
    )
    assert event_text("slips_printed", details, "en", PARIS) == (
        "Slips printed — 22 learners, 8 per page, 3e A"
    )


def test_plural_follows_each_language() -> None:
    one = json.dumps({"learners": 1})
    none = json.dumps({"learners": 0})
    assert details_text(one, "fr", PARIS) == "1 élève"
    assert details_text(none, "fr", PARIS) == "0 élève"
    assert details_text(none, "en", PARIS) == "0 learners"


def test_a_move_a_reason_and_a_lockout_end_are_worded() -> None:
    moved = json.dumps({"login": "lea.m", "line": 4, "from": "3e A", "to": "3e B"})
    assert details_text(moved, "fr", PARIS) == "de 3e A vers 3e B, lea.m, ligne 4"
    revoked = json.dumps({"username": "marie", "reason": "logout"})
    assert details_text(revoked, "fr", PARIS) == "compte marie, motif : déconnexion"
    locked = json.dumps({"until": "2026-12-03T10:00:00+00:00"})
    assert details_text(locked, "fr", PARIS) == "jusqu'à 03/12/2026 11:00"  # Paris time


def test_unknown_codes_and_keys_are_shown_as_they_are() -> None:
    assert action_label("portal_sync", "fr") == "portal_sync"
    assert details_text(json.dumps({"zone": "B"}), "fr", PARIS) == "zone : B"
    assert details_text("not json", "fr", PARIS) == "not json"
    assert event_text("portal_sync", None, "en", PARIS) == "portal_sync"


def test_a_name_in_the_details_stays_text() -> None:
    """Details are data: a class named like markup comes back unchanged, to be shown as text."""
    details = json.dumps({"learners": 2, "layout": "1", "class": "**3e** <b>A</b>"})
    assert details_text(details, "fr", PARIS).endswith("**3e** <b>A</b>")


def test_numbers_and_percentages_follow_the_language() -> None:
    from access_core.text.catalogue import format_number, format_percent

    assert format_number(1234567, "fr") == "1\u202f234\u202f567"
    assert format_number(1234567, "en") == "1,234,567"
    assert format_percent(0.329, "fr") == "32,9\u00a0%"
    assert format_percent(0.1364, "en") == "13.6%"
    assert format_percent(None, "fr") == "—"
