"""The slips of the pupils an import created: found by the import's id (the batch id of its
journal events), exactly the learners it created that still exist, one PDF sorted by class then
name with each class on pages of its own; scope as everywhere (out of scope = unknown)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import delete

from access_core.audit import events as audit
from access_core.config import load_settings
from access_core.db.models import Learner, School
from access_core.documents import slips, slips_pdf
from access_core.errors import NotFound
from access_core.imports.apply import APPLIED_ACTION
from tests.support.factories import add_learner, create_test_admin
from tests.support.first_school import ensure_first_school, grant_first_school
from tests.support.imports import csv_roster, run
from tests.support.scopes import make_admin
from tests.support.slips_helpers import one_line, slip_texts


@pytest.fixture
def admin(db) -> str:
    ensure_first_school(db)
    return grant_first_school(db, create_test_admin(db))


@pytest.fixture
def known(db, admin) -> int:
    """A pupil already there, whose class the import changes."""
    return add_learner(db, "Ancien", "Paul", class_name="6e A", external_id="INE-0")


def start_of_year(db, admin):
    return run(
        db,
        admin,
        csv_roster(
            "INE-0;Ancien;Paul;17/05/2013;5e B",  # known: moved, not new
            "INE-1;Zola;Émile;01/02/2013;6e A",
            "INE-2;Abel;Inès;03/04/2013;5e B",
            "INE-3;Martin;Léa;05/06/2013;6e A",
        ),
        partial=True,
    )[1]


def created_ids(db, import_id: str) -> set[int]:
    return {
        e.learner_id
        for e in audit.events(db, action="learner_created")
        if e.batch_id == import_id and e.learner_id is not None
    }


def pdf_of(rows, layout="8") -> bytes:
    settings = load_settings({})
    slip_set = slips.build_slips(rows, "digits", 60, settings.tz)
    return slips_pdf.slips_pdf(
        slip_set, slips.SlipOptions(), "fr", layout, title="t", class_breaks=True
    ).data


def test_the_new_pupils_are_exactly_the_learners_the_import_created(db, admin, known):
    outcome = start_of_year(db, admin)
    assert outcome.new == 3 and outcome.import_id

    rows = slips.import_learners(db, admin, outcome.import_id)

    assert {row.id for row in rows} == created_ids(db, outcome.import_id)
    assert known not in {row.id for row in rows}
    assert sorted(row.login for row in rows) == ["emile.zola", "ines.abel", "lea.martin"]
    summary = [e for e in audit.events(db, action=APPLIED_ACTION)]
    assert [e.details["import"] for e in summary] == [outcome.import_id]  # shown in the journal


def test_the_pdf_holds_exactly_them_by_class_then_name_a_page_per_class(db, admin, known):
    outcome = start_of_year(db, admin)
    data = pdf_of(slips.import_learners(db, admin, outcome.import_id))

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2  # 5e B, then 6e A: 3 slips would fit one page without breaks
    first, second = (page.extract_text() for page in reader.pages)
    assert "Abel Inès" in first and "5e B" in first and "6e A" not in first
    assert "Martin Léa" in second and "Zola Émile" in second and "5e B" not in second
    names = [one_line(text) for text in slip_texts(data)]
    assert [n.split("Classe : ")[1][:4] for n in names] == ["5e B", "6e A", "6e A"]
    assert "Ancien" not in "".join(names)
    assert [("Martin Léa" in n, "Zola Émile" in n) for n in names[1:]] == [
        (True, False),
        (False, True),
    ]


def test_without_class_breaks_the_same_slips_share_a_page(db, admin, known):
    outcome = start_of_year(db, admin)
    rows = slips.import_learners(db, admin, outcome.import_id)
    settings = load_settings({})
    slip_set = slips.build_slips(rows, "digits", 60, settings.tz)
    document = slips_pdf.slips_pdf(slip_set, slips.SlipOptions(), "fr", "8")
    assert document.pages == 1


def test_a_pupil_deleted_since_is_left_out(db, admin, known):
    outcome = start_of_year(db, admin)
    gone = min(created_ids(db, outcome.import_id))
    with db.transaction(write=True) as session:
        session.execute(delete(Learner).where(Learner.id == gone))

    rows = slips.import_learners(db, admin, outcome.import_id)

    assert {row.id for row in rows} == created_ids(db, outcome.import_id) - {gone}


def test_another_import_has_its_own_new_pupils(db, admin, known):
    first = start_of_year(db, admin)
    second = run(db, admin, csv_roster("INE-9;Neuf;Noé;01/01/2013;4e C"), partial=True)[1]
    assert second.import_id != first.import_id
    assert [r.login for r in slips.import_learners(db, admin, second.import_id)] == ["noe.neuf"]
    assert len(slips.import_learners(db, admin, first.import_id)) == 3


def test_unknown_without_new_pupils_and_out_of_scope_are_the_same_not_found(db, admin, known):
    outcome = start_of_year(db, admin)
    nothing_new = run(db, admin, csv_roster("INE-0;Ancien;Paul;17/05/2013;4e A"), partial=True)[1]
    assert nothing_new.new == 0
    with db.transaction(write=True) as session:
        session.add(School(id=2, name="Autre collège"))
    other = make_admin(db, "autre", [2])  # of the other school only

    errors = set()
    for actor, import_id in (
        (admin, "no-such-import"),
        (admin, nothing_new.import_id),
        (other, outcome.import_id),  # another school's administrator
    ):
        with pytest.raises(NotFound) as missing:
            slips.import_learners(db, actor, import_id)
        errors.add((str(missing.value).replace(import_id, "ID"), missing.value.params["key"]))
    assert errors == {("no import 'ID'", "error_import_not_found")}
