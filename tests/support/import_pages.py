"""Helpers of the AppTest tests of the import and journal pages: their files, their French
labels, a roster of the small school, readers of their widgets and of the database."""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from access_core.db.models import Learner, SchoolClass
from access_core.db.unit_of_work import Database
from tests.support.pages import (
    ROOT,
    TIMEOUT_S,
    live_session,
    no_exception,
)

IMPORT_PAGE = ROOT / "pages" / "import_roster.py"
JOURNAL_PAGE = ROOT / "pages" / "journal.py"
LEARNER_PAGE = ROOT / "pages" / "learner_access.py"
DATA = ROOT / "tests" / "data"
CSV = "text/csv"
PARIS = ZoneInfo("Europe/Paris")
SKIP_LABEL = "Ignorer les lignes rejetées et importer les autres"


def confirm_label(count: int) -> str:
    return f"Je confirme la désactivation de {count} élève{'s' if count > 1 else ''}"


METRIC_LABELS = [
    "Nouveaux",
    "Mis à jour",
    "Changent de classe",
    "Réactivés",
    "Désactivés",
    "Rejetés",
    "Inchangés",
]


JOURNAL_COLUMNS = ["Date", "Auteur", "Rôle", "Action", "Élève", "Login", "Classe", "Détails"]

# The school of tests/support/school.py is 6e A: Léa Martin, Hugo Dubois, Zoé Petit; 6e B: Inès Roux
# (born 17/05/2013); Noé Leroy, deactivated 10 days ago. In this roster Léa and Zoé stay, Hugo
# moves to 6e B, Noé comes back, Inès leaves and Camille Durand arrives in a new class, 5e C.
SCHOOL_ROSTER = """Nom;Prénom;Date de naissance;Classe
Martin;Léa;29/02/2012;6e A
Dubois;Hugo;03/07/2012;6e B
Petit;Zoé;01/01/2013;6e A
Leroy;Noé;31/12/2010;6e A
Durand;Camille;05/04/2013;5e C
""".encode()


ONLY_A_NEWCOMER = "Nom;Prénom;Date de naissance;Classe\nDurand;Camille;05/04/2013;5e C\n".encode()


def import_page(username: str) -> AppTest:
    return live_session(AppTest.from_file(IMPORT_PAGE, default_timeout=TIMEOUT_S), username)


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    generation = int(at.session_state.get("import_generation", 0))
    at.file_uploader(key=f"import:{generation}").upload(name, content, CSV)
    return at.run()


def metrics(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def expected_metrics(**counts: int) -> dict[str, int]:
    keys = ["new", "updated", "moved", "reactivated", "deactivated", "rejected", "unchanged"]
    return {label: counts.get(key, 0) for label, key in zip(METRIC_LABELS, keys, strict=True)}


def apply_button(at: AppTest) -> Any:
    return at.button(key="import_apply")


def tick(at: AppTest, label: str) -> AppTest:
    (box,) = [c for c in at.checkbox if c.label == label]
    box.check()
    return at.run()


def by_login(db: Database, login: str) -> Learner | None:
    with db.transaction() as session:
        return session.scalar(select(Learner).where(Learner.login == login))


def class_name_of(db: Database, learner: Learner) -> str | None:
    with db.transaction() as session:
        return session.scalar(select(SchoolClass.name).where(SchoolClass.id == learner.class_id))


def class_options(username: str) -> list[str]:
    """The « Classe » choices of the learner access page, in a new session."""
    at = live_session(AppTest.from_file(LEARNER_PAGE, default_timeout=TIMEOUT_S), username).run()
    no_exception(at)
    classes = at.selectbox(key="class_id")
    assert classes.label == "Classe"
    return list(classes.options)


def journal_page(username: str) -> AppTest:
    return live_session(AppTest.from_file(JOURNAL_PAGE, default_timeout=TIMEOUT_S), username)


def journal_frame(at: AppTest) -> Any:
    (frame,) = [d.value for d in at.dataframe]
    return frame


def apply_filters(at: AppTest) -> AppTest:
    (submit,) = at.get("form_submit_button")
    cast(Any, submit).click()
    return at.run()
