"""Helpers of the AppTest page tests: the app's files, its French wording, sessions put in
place as the login form does, and readers of the rendered tree."""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from google.protobuf import text_format
from google.protobuf.message import Message
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from access_core.accounts import sessions
from access_core.accounts.sessions import start as start_session
from access_core.db.models import AdminSession, Learner, ResetBatch
from access_core.db.unit_of_work import Database
from access_ui.session import SESSION_ID, USERNAME
from tests.support.sessions import POLICY

ROOT = Path(__file__).resolve().parent.parent.parent
DASHBOARD = ROOT / "dashboard.py"
PAGE = ROOT / "pages" / "learner_access.py"
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))  # each page guards itself
TIMEOUT_S = 30

RESET_COLUMN = "Réinitialiser"
LOGIN_COLUMN = "Login"
PASSWORD_COLUMN = "Mot de passe"
STATUS_INITIAL = "Initial — à personnaliser"
RESET_LABEL = "Réinitialiser tous les comptes marqués"
CONFIRM_LABEL = "Confirmer la réinitialisation"
LOGIN_FAILED = "Identifiant ou mot de passe incorrect."
LOGIN_REQUIRED = "Connectez-vous avec un compte administrateur pour accéder à cette page."
DEACTIVATED_TITLE = "Élèves désactivés depuis moins de trois mois"


# --- configuration and sessions -------------------------------------------------------------


def dashboard() -> AppTest:
    return AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S)


def live_session(at: AppTest, username: str, database: bool = True) -> AppTest:
    """Put in ``at`` the session of ``username`` having just logged in: a server session in
    the configured database (``ACCESS_DATABASE_URL``), its id in the session state, as the
    login form does. ``database=False``: an id the server never issued (no usable database)."""
    session_id = secrets.token_urlsafe(32)
    if database:
        db = Database.from_url(os.environ["ACCESS_DATABASE_URL"])
        try:
            session_id = start_session(db, username, POLICY)
        finally:
            db.dispose()
    at.session_state[SESSION_ID] = session_id
    at.session_state[USERNAME] = username
    return at


def logged_in(at: AppTest) -> bool:
    return bool(at.session_state[SESSION_ID]) if SESSION_ID in at.session_state else False


def page(username: str | None = None) -> AppTest:
    """The learner access page alone; logged in as ``username`` when given."""
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S)
    return at if username is None else live_session(at, username)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


# --- reading the rendered tree ----------------------------------------------------------------


def rendered_text(at: AppTest) -> str:
    """Every text of the rendered page: element protos (labels, bodies, options, values) and
    the cells of every table; not the login cookie's script (``st.html``: its signed token is
    random text that an absence check could find by chance)."""
    parts: list[str] = []
    for root in (at.main, at.sidebar):
        for node in root:
            if getattr(node, "type", None) == "html":
                continue
            proto = getattr(node, "proto", None)
            if isinstance(proto, Message):
                parts.append(text_format.MessageToString(proto, as_utf8=True))
            if getattr(node, "type", None) == "dataframe":
                frame = node.value  # type: ignore[union-attr]
                parts.append(frame.to_csv())
    return "\n".join(parts)


def dialog_names(at: AppTest) -> list[str]:
    """The learners named by the open confirmation dialog (plain text, one per line)."""
    (names,) = at.text
    return str(names.value).splitlines()


def texts(elements: Any) -> list[str]:
    return [str(e.value) for e in elements]


def editor(at: AppTest, key: str) -> Any:
    return at.data_editor(key=key)


def editor_frame(at: AppTest, key: str) -> Any:
    return editor(at, key).value


def mark(at: AppTest, key: str, learner_ids: list[int]) -> None:
    """Tick the « Réinitialiser » boxes of ``learner_ids`` in the editor ``key``, by row position
    as the grid reports its edits."""
    index = list(editor_frame(at, key).index)
    at.session_state[key] = {
        "edited_rows": {index.index(i): {RESET_COLUMN: True} for i in learner_ids},
        "added_rows": [],
        "deleted_rows": [],
    }


def text_input(at: AppTest, label: str) -> Any:
    (widget,) = [w for w in at.text_input if w.label == label]
    return widget


def login_fields(at: AppTest) -> list[str]:
    return [w.label for w in at.text_input if w.label in ("Identifiant", "Mot de passe")]


def login_through_form(at: AppTest, username: str, password: str) -> None:
    text_input(at, "Identifiant").input(username)
    text_input(at, "Mot de passe").input(password)
    (submit,) = at.get("form_submit_button")
    submit.click()  # type: ignore[attr-defined]
    at.run()


# What the small school (tests/support/school.py) shows: nothing of it before the login.
SCHOOL_SECRETS = (
    "Martin",
    "Dubois",
    "Petit",
    "Roux",
    "Leroy",
    "lea.martin",
    "hugo.dubois",
    "zoe.petit",
    "ines.roux",
    "noe.leroy",
    "Zoé",
    "Inès",
)


def learner(db: Database, learner_id: int) -> Learner:
    with db.transaction() as session:
        found = session.get(Learner, learner_id)
        assert found is not None
        return found


def without(dump: dict[str, list[tuple[Any, ...]]], learner_ids: set[int]) -> list[tuple[Any, ...]]:
    return [row for row in dump["learners"] if row[0] not in learner_ids]


def count_batches(db: Database) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(ResetBatch)) or 0)


def assert_no_school_data(at: AppTest) -> None:
    assert all(s.label != "Classe" for s in at.selectbox)
    assert not at.dataframe
    text = rendered_text(at)
    for secret in SCHOOL_SECRETS:
        assert secret not in text


def select_class(at: AppTest, class_id: int) -> None:
    at.selectbox(key="class_id").select(class_id)
    at.run()


@dataclass(frozen=True)
class Deferred:
    make: Callable[[], Any]
    mimetype: str | None
    file_name: str | None


def last_download(deferred: list[Deferred], suffix: str) -> Deferred:
    """The last registered download whose file name ends with ``suffix`` (the page offers
    several: the workbook, the slips)."""
    return [d for d in deferred if (d.file_name or "").endswith(suffix)][-1]


def sheet_rows(data: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def age_session(db: Database, at: AppTest, login_ago: timedelta, seen_ago: timedelta) -> None:
    """Move the server session of ``at`` back: started ``login_ago``, last active ``seen_ago``
    before now."""
    digest = sessions._digest(str(at.session_state[SESSION_ID]))
    now = datetime.now(UTC)
    with db.transaction(write=True) as session:
        session.execute(
            update(AdminSession)
            .where(AdminSession.token_hash == digest)
            .values(created_at=now - login_ago, last_seen_at=now - seen_ago)
        )


class RecordingManager(MediaFileManager):
    """AppTest's media file manager, remembered with its storage."""

    created: list[RecordingManager] = []

    def __init__(self, storage: MemoryMediaFileStorage) -> None:
        super().__init__(storage)
        self.memory_storage = storage
        RecordingManager.created.append(self)
