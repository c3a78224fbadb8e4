"""One reading of every typographic mark (review finding 13): the identity fold (``logins.fold``,
the login rule and the import's match), ``names.name_key`` and the search's fold agree. A minus
sign « − » or a soft hyphen in a name is never a new pupil, and the search finds the name.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from access_core.imports import preview as imports
from access_core.imports.files import read_roster
from access_core.roster import search
from access_core.roster.folding import MARKS, search_fold
from access_core.roster.logins import base_login, fold
from access_core.roster.names import name_key
from tests.support.factories import add_learner, forget_search_keys
from tests.support.imports import import_file, learners
from tests.support.roster_samples import TODAY

HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"  # read « - »
SOFT_HYPHEN = "\u00ad"  # removed
TZ = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize("mark", sorted(set(MARKS) | set(HYPHENS + SOFT_HYPHEN)), ids=ascii)
def test_the_identity_fold_the_name_key_and_the_search_agree_on_every_mark(mark):
    assert fold(mark) == search_fold(mark) == MARKS[mark]
    assert name_key(f"Saint{mark}Just") == search_fold(f"Saint{mark}Just")


@pytest.mark.parametrize("mark", HYPHENS, ids=ascii)
def test_every_hyphen_and_the_minus_sign_read_as_a_hyphen(mark):
    assert fold(mark) == search_fold(mark) == "-"
    assert name_key(f"SAINT{mark}EXUPÉRY") == name_key("Saint-Exupéry") == "saint-exupery"
    assert base_login("Marie", f"SAINT{mark}EXUPÉRY") == "marie.saint-exupery"


def test_the_soft_hyphen_is_removed():
    assert fold(SOFT_HYPHEN) == search_fold(SOFT_HYPHEN) == ""
    assert name_key("SAINT-EXU\u00adPÉRY") == "saint-exupery"


def roster(last_name: str) -> bytes:
    lines = ["Nom;Prénom;Date de naissance;Classe", f"{last_name};Marie;01/02/2012;6A"]
    lines += [f"ELEVE{i:02d};Léa;03/04/2012;6A" for i in range(1, 20)]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize(
    "spelling",
    ["SAINT\u2212EXUPÉRY", "SAINT\ufe63EXUPÉRY", "SAINT-EXU\u00adPÉRY"],
    ids=["minus", "small_hyphen", "soft_hyphen"],
)
def test_the_same_pupil_with_a_minus_sign_or_a_soft_hyphen_is_matched(db, admin, spelling):
    first = import_file(db, admin, roster("SAINT-EXUPÉRY"), "first.csv")
    assert len(first.new) == 20
    before = learners(db)

    plan = imports.preview(db, admin, read_roster(roster(spelling), "again.csv", today=TODAY))
    assert (plan.new, plan.deactivated, plan.rejected) == ([], [], [])
    assert learners(db) == before


@pytest.mark.parametrize("unkeyed", [False, True], ids=["stored", "unkeyed"])
def test_the_search_reads_those_marks_as_the_identity_does(db, admin, unkeyed):
    minus = add_learner(db, "SAINT\u2212EXUPÉRY", "Marie", login="eleve1")
    soft = add_learner(db, "DE\u00adLA\u00adCROIX", "Paul", login="eleve2")
    small = add_learner(db, "JEAN\ufe63BART", "Luc", login="eleve3")

    def find(text: str) -> list[int]:
        if unkeyed:
            forget_search_keys(db)
        return [r.id for r in search.find_learners(db, admin, text, 3, TZ).rows]

    assert find("saint-exupéry") == [minus]
    assert find("delacroix") == [soft]
    assert find("jean-bart") == [small]
    assert find("jean\ufe63bart") == [small]


def test_a_login_made_by_the_earlier_rule_is_kept(db, admin):
    # « − » was dropped by the earlier rule: the pupil is matched, the login never recomputed
    add_learner(
        db, "SAINT\u2212EXUPÉRY", "Marie", "6A", date(2012, 2, 1), login="marie.saintexupery"
    )
    plan = imports.preview(db, admin, read_roster(roster("SAINT−EXUPÉRY"), "r.csv", today=TODAY))
    assert "marie.saintexupery" not in {c.login for c in plan.new + plan.deactivated}
    assert len(plan.new) == 19 and plan.unchanged == 1
