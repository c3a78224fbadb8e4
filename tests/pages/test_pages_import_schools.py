"""The « Import » page on an installation of several schools: the administrator's school only,
and a SIECLE export of another school refused naming both UAIs."""

from __future__ import annotations

from sqlalchemy import select

from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from access_core.schools import register
from tests.support.factories import add_learner, dump_tables
from tests.support.import_pages import (
    ONLY_A_NEWCOMER,
    apply_button,
    import_page,
    metrics,
    upload,
)
from tests.support.pages import no_exception, texts
from tests.support.roster_samples import siecle_xml
from tests.support.school import School

OPERATOR = "cli:root"


def roster(db: Database) -> tuple[object, object]:
    tables = dump_tables(db)
    return tables["learners"], tables["school_classes"]


def test_a_siecle_export_of_another_school_is_refused_naming_both_uais(
    app_school: School, app_db: Database, admin: str
) -> None:
    register.set_school(app_db, 1, actor=OPERATOR, uai="0750655E", operator=True)
    before = roster(app_db)
    at = import_page(admin).run()

    upload(at, "ElevesSansAdresses.xml", siecle_xml().replace(b"0751234X", b"0010001W"))

    no_exception(at)
    assert texts(at.error) == [
        "Ce fichier est l'export de l'établissement 0010001W, pas de 0750655E : "
        "rien n'a été importé."
    ]
    assert not at.metric
    assert not any(b.key == "import_apply" for b in at.button)
    assert roster(app_db) == before


def test_an_administrator_of_one_school_imports_into_it_and_no_other(
    app_school: School, app_db: Database, admin: str
) -> None:
    other = register.create_school(app_db, "0010001W", "Collège B", actor=OPERATOR, operator=True)
    add_learner(
        app_db, "Autre", "Élève", class_name="6e A", login="eleve.autre", school_id=other.id
    )
    at = import_page(admin).run()

    upload(at, "base_eleves.csv", ONLY_A_NEWCOMER)
    assert metrics(at)["Nouveaux"] == 1
    at.checkbox(key="import_partial").check().run()
    apply_button(at).click()
    at.run()

    no_exception(at)
    with app_db.transaction() as session:
        schools = dict(session.execute(select(Learner.login, Learner.school_id)).all())
    assert schools["camille.durand"] == 1
    assert schools["eleve.autre"] == other.id
