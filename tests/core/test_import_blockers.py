"""One rule says whether an import plan may be applied (``import_plan.blockers``): ``apply``
refuses exactly what it names, and the page's « Appliquer » button follows it."""

from __future__ import annotations

import pytest

from access_core.errors import ValidationError
from access_core.imports import preview as imports
from access_core.imports.files import read_roster
from access_core.imports.plan import NEEDS_CONFIRMATION, ROWS_REJECTED, Change, blockers
from access_core.imports.preview import ImportPlan
from access_core.imports.rows import RowProblem
from tests.support.factories import TEST_ROUNDS, add_learner, dump_tables

HEADER = "INE;Nom;Prénom;Date de naissance;Classe"


def plan_with(rejected: bool, mass_deactivation: bool) -> ImportPlan:
    deactivated = [Change(None, None, f"gone{i}") for i in range(5 if mass_deactivation else 0)]
    return ImportPlan(
        rejected=[RowProblem(2, "missing first name")] if rejected else [],
        deactivated=deactivated,
        active_learners=10,
        max_deactivation_percent=10,
    )


@pytest.mark.parametrize(
    ("rejected", "skip", "mass", "force", "expected"),
    [
        (False, False, False, False, ()),
        (True, False, False, False, (ROWS_REJECTED,)),
        (True, True, False, False, ()),
        (False, False, True, False, (NEEDS_CONFIRMATION,)),
        (False, False, True, True, ()),
        (True, False, True, False, (ROWS_REJECTED, NEEDS_CONFIRMATION)),
        (True, True, True, True, ()),
        (False, True, False, True, ()),
    ],
)
def test_blockers_name_why_a_plan_may_not_be_applied(rejected, skip, mass, force, expected):
    plan = plan_with(rejected, mass)

    assert blockers(plan, skip_bad_rows=skip, force=force) == expected


@pytest.mark.parametrize(("skip", "force"), [(False, False), (True, False), (False, True)])
def test_apply_refuses_with_the_first_blocker_and_writes_nothing(db, admin, skip, force):
    for i in range(3):
        add_learner(db, "Martin", f"Élève{i}", external_id=f"INE-{i}", login=f"eleve{i}")
    roster = read_roster(
        f"{HEADER}\nINE-0;Martin;Élève0;17/05/2013;6e A\nINE-9;Sans;;17/05/2013;6e A".encode(),
        "roster.csv",
    )
    plan = imports.preview(db, admin, roster)  # one row rejected, 2 of 3 learners deactivated
    blocked = blockers(plan, skip_bad_rows=skip, force=force)
    assert blocked  # each case leaves one reason at least
    before = dump_tables(db)

    with pytest.raises(ValidationError) as caught:
        imports.apply(db, admin, plan, TEST_ROUNDS, skip_bad_rows=skip, force=force)

    assert caught.value.params["key"] == blocked[0]
    assert dump_tables(db) == before
    assert blockers(plan, skip_bad_rows=True, force=True) == ()
    outcome = imports.apply(db, admin, plan, TEST_ROUNDS, skip_bad_rows=True, force=True)
    assert (outcome.deactivated, outcome.skipped_rows) == (2, 1)
