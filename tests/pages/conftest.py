"""Fixtures of the AppTest page tests: the app configured on the test database, the small
school built there, the downloads the page registers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.pages_manager import PagesManager

from access_core.db.unit_of_work import Database
from tests.support.pages import Deferred, RecordingManager
from tests.support.school import School


@pytest.fixture
def app_db(app_env: pytest.MonkeyPatch, database_url: str, db: Database) -> Database:
    """The test database, configured as the app's database."""
    app_env.setenv("ACCESS_DATABASE_URL", database_url)
    return db


@pytest.fixture
def app_school(app_db: Database, admin: str, school: Callable[..., School]) -> School:
    """The small school (``tests/support/school.py``) in the app's database, Noé deactivated
    ten days ago, with an administrator."""
    return school(app_db)


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> list[Deferred]:
    """The callables given to ``download_button(data=...)``, as Streamlit registers them: the
    browser's click on such a button runs one (on another thread) and downloads its bytes."""
    found: list[Deferred] = []
    original = MediaFileManager.add_deferred

    def recording(
        self: MediaFileManager,
        data_callable: Any,
        mimetype: str | None,
        coordinates: str,
        file_name: str | None = None,
        **kwargs: Any,
    ) -> str:
        found.append(Deferred(data_callable, mimetype, file_name))
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return found


@pytest.fixture
def started_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run goes through dashboard.py, as on a server that has served once.

    AppTest resets ``PagesManager.uses_pages_directory`` before each run, so each run is a fresh
    server, where Streamlit runs a ``pages/`` file requested by URL directly (multipage v1),
    without the entry point: a second run of a session that landed on a page would skip
    dashboard.py's login gate and meet only the page's own guard. On a real server the entry
    point's ``st.navigation`` turns that off for the life of the process; this models that.
    """

    class StartedPagesManager(PagesManager):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            PagesManager.uses_pages_directory = False

    monkeypatch.setattr(app_test_module, "PagesManager", StartedPagesManager)


@pytest.fixture
def media_managers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[RecordingManager]]:
    """The media file managers of the AppTest runs (one per run): a deferred download's
    callable is registered there and runs when the browser asks for the file."""
    monkeypatch.setattr(app_test_module, "MediaFileManager", RecordingManager)
    RecordingManager.created = []
    yield RecordingManager.created
    RecordingManager.created = []
