"""« Fiches des nouveaux élèves (PDF) » in the import's result (AppTest, real SQLite): the slips
of exactly the pupils that import created, a page per class, read again when downloaded."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from access_core.audit import events as audit
from access_core.db.unit_of_work import Database
from tests.support.factories import create_test_admin
from tests.support.first_school import ensure_first_school, grant_first_school
from tests.support.import_pages import apply_button, import_page, upload
from tests.support.pages import Deferred, no_exception, texts
from tests.support.school import School
from tests.support.slips_helpers import slip_texts

NEWCOMERS = (
    "Nom;Prénom;Date de naissance;Classe\n"
    "Durand;Camille;05/04/2013;5e C\n"
    "Abel;Inès;03/04/2013;6e B\n"
    "Martin;Léa;29/02/2012;6e A\n"  # already there: not new
).encode()
BUTTON = "Fiches des nouveaux élèves (PDF)"


@pytest.fixture
def admin(db: Database) -> str:
    ensure_first_school(db)
    return grant_first_school(db, create_test_admin(db))


def apply_newcomers(admin: str) -> AppTest:
    at = import_page(admin).run()
    at.checkbox(key="import_partial").check()
    at.run()
    upload(at, "rentree.csv", NEWCOMERS)
    apply_button(at).click()
    at.run()
    no_exception(at)
    return at


def slips_download(at: AppTest, deferred: list[Deferred]) -> tuple[Any, Deferred]:
    (button,) = [b for b in at.get("download_button") if b.proto.id.endswith("import_slips")]  # type: ignore[attr-defined]
    made = [d for d in deferred if (d.file_name or "").startswith("fiches_nouveaux_eleves_")]
    assert made
    return button, made[-1]


def test_the_result_offers_the_new_pupils_slips_and_names_the_import(
    app_school: School, app_db: Database, admin: str, deferred: list[Deferred]
) -> None:
    at = apply_newcomers(admin)

    (applied,) = audit.events(app_db, action="import_applied")
    import_id = applied.details["import"]
    assert any(import_id in caption for caption in texts(at.caption))
    button, made = slips_download(at, deferred)
    assert button.label == BUTTON
    data = made.make()  # what the browser's click runs: session check, fresh read, audit
    names = [text.split("\n")[1] for text in slip_texts(data)]
    assert names == ["Durand Camille", "Abel Inès"]  # by class: 5e C, then 6e B
    assert len(PdfReader(io.BytesIO(data)).pages) == 2  # a page per class
    printed = audit.events(app_db, action="slips_printed")
    assert [e.details["batch"] for e in printed] == [import_id]
    at.run()  # still offered on the next run
    assert [b.label for b in at.get("download_button")] == [BUTTON]


def test_an_import_without_new_pupils_offers_no_slips(
    app_school: School, app_db: Database, admin: str
) -> None:
    at = import_page(admin).run()
    at.checkbox(key="import_partial").check()
    at.run()
    upload(
        at,
        "deplacement.csv",
        b"Nom;Pr\xc3\xa9nom;Date de naissance;Classe\nMartin;L\xc3\xa9a;29/02/2012;6e B\n",
    )
    apply_button(at).click()
    at.run()
    no_exception(at)
    assert texts(at.success)
    assert [b.label for b in at.get("download_button")] == []


def test_in_english(
    app_school: School, app_db: Database, admin: str, app_env: pytest.MonkeyPatch
) -> None:
    app_env.setenv("ACCESS_LANGUAGE", "en")
    at = apply_newcomers(admin)
    assert [b.label for b in at.get("download_button")] == ["New pupils' slips (PDF)"]
