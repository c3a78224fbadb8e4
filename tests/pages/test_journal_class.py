"""The journal shows and filters the class a learner was in when the event happened: a move from
6e A to 5e B leaves the old 6e A resets under 6e A. Events written before the class was recorded
fall back to the current class, marked as such."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from access_core.audit import events as audit
from access_core.audit import journal
from access_core.audit.journal import JournalFilter
from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from access_core.documents import workbook as exports
from access_core.imports import preview as imports
from access_core.imports.files import read_roster
from access_core.roster import resets
from tests.support.factories import TEST_ROUNDS, add_class, add_learner
from tests.support.import_pages import JOURNAL_PAGE, journal_frame
from tests.support.pages import TIMEOUT_S, live_session, no_exception

PARIS = ZoneInfo("Europe/Paris")


def search(db: Database, admin: str, **filters: object) -> list[tuple[str, str | None, bool]]:
    entries, _ = journal.search(db, admin, JournalFilter(**filters), PARIS)  # type: ignore[arg-type]
    return [(e.action, e.class_name, e.class_is_current) for e in entries]


def move(db: Database, learner_id: int, class_name: str) -> None:
    class_id = add_class(db, class_name)
    with db.transaction(write=True) as session:
        session.execute(update(Learner).where(Learner.id == learner_id).values(class_id=class_id))


def test_a_reset_stays_under_the_class_of_its_time_after_a_move(db: Database, admin: str) -> None:
    lea = add_learner(db, "Martin", "Léa", class_name="6e A", login="lea.martin")
    resets.reset_passwords(db, admin, [lea], TEST_ROUNDS)
    move(db, lea, "5e B")
    resets.reset_passwords(db, admin, [lea], TEST_ROUNDS)

    assert search(db, admin, actions=(resets.RESET_ACTION,)) == [
        (resets.RESET_ACTION, "5e B", False),
        (resets.RESET_ACTION, "6e A", False),
    ]
    assert search(db, admin, class_name="6e A") == [(resets.RESET_ACTION, "6e A", False)]
    assert search(db, admin, class_name="5e B") == [(resets.RESET_ACTION, "5e B", False)]


def test_exports_and_imports_record_their_class(db: Database, admin: str) -> None:
    add_class(db, "6e A")
    exports.record_export(db, admin, "6e A", 0)
    roster = read_roster(
        "Nom;Prénom;Date de naissance;Classe\nDurand;Camille;05/04/2013;5e C\n".encode(),
        "r.csv",
        today=date(2025, 6, 1),
    )
    imports.apply(db, admin, imports.preview(db, admin, roster, partial=True), TEST_ROUNDS)
    camille = journal.search(db, admin, JournalFilter(learner="camille"), PARIS)[0][0].learner_id
    assert camille is not None
    move(db, camille, "4e D")

    assert search(db, admin, class_name="6e A") == [(exports.EXPORT_ACTION, "6e A", False)]
    assert {a for a, _, _ in search(db, admin, class_name="5e C")} == {
        "class_created",
        "learner_created",
    }
    assert search(db, admin, class_name="4e D") == []


def test_an_older_event_without_class_falls_back_to_the_current_class_marked(
    db: Database, admin: str
) -> None:
    lea = add_learner(db, "Martin", "Léa", class_name="6e A", login="lea.martin")
    with db.transaction(write=True) as session:  # as written before the class was recorded
        audit.record(session, admin, resets.RESET_ACTION, learner_id=lea)
    move(db, lea, "5e B")

    assert search(db, admin, learner="lea") == [(resets.RESET_ACTION, "5e B", True)]
    assert search(db, admin, class_name="5e B") == [(resets.RESET_ACTION, "5e B", True)]
    assert search(db, admin, class_name="6e A") == []
    csv_row = journal.export_csv(db, admin, JournalFilter(learner="lea"), PARIS)
    assert (
        csv_row.decode("utf-8-sig")
        .splitlines()[1]
        .endswith(";5e B;;;current;admin;Réinitialisation du mot de passe")
    )


def test_the_journal_page_marks_a_fallback_class(app_db: Database, admin: str) -> None:
    lea = add_learner(app_db, "Martin", "Léa", class_name="6e A", login="lea.martin")
    resets.reset_passwords(app_db, admin, [lea], TEST_ROUNDS)
    with app_db.transaction(write=True) as session:
        audit.record(session, admin, "old_event", learner_id=lea)
    move(app_db, lea, "5e B")

    at = live_session(AppTest.from_file(JOURNAL_PAGE, default_timeout=TIMEOUT_S), admin).run()
    no_exception(at)
    frame = journal_frame(at)
    classes = dict(zip(frame["Action"], frame["Classe"], strict=False))
    assert classes["old_event"] == "5e B (classe actuelle)"
    assert classes["Réinitialisation du mot de passe"] == "6e A"
