"""``/healthz`` and ``check`` follow the SQLite file itself (issue 19 item 10): a pooled
connection kept reading a deleted file, so the route said ok while ``check`` said it was
missing, and a dashboard would have written into the deleted file."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from starlette.requests import Request

from access_core.db.schema import upgrade_schema
from access_core.db.unit_of_work import Database
from access_core.errors import DatabaseFileMissing
from access_core.roster import queries as roster
from access_ui import healthz
from tests.support.factories import add_learner, create_test_admin


def get_healthz() -> tuple[int, dict[str, str]]:
    """The route's answer, through its ASGI handler (as the server calls it)."""
    scope = {"type": "http", "method": "GET", "path": healthz.PATH, "headers": []}
    # in a thread of its own: Playwright may hold an event loop in the main one
    with ThreadPoolExecutor(max_workers=1) as pool:
        response = pool.submit(asyncio.run, healthz.healthz(Request(scope))).result()
    return response.status_code, json.loads(bytes(response.body))


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    path = tmp_path / "var" / "access.db"
    url = f"sqlite:///{path}"
    upgrade_schema(url)
    monkeypatch.setenv("ACCESS_DATABASE_URL", url)
    monkeypatch.setenv("ACCESS_HEALTH_CACHE_SECONDS", "0")
    monkeypatch.setattr(healthz, "_state", {"db": None, "at": None, "result": None})
    yield url, path
    if healthz._state["db"] is not None:
        healthz._state["db"].dispose()


def test_healthz_is_unavailable_once_the_sqlite_file_is_deleted_then_ok_after_init(served):
    url, path = served
    assert get_healthz() == (200, {"status": "ok"})  # its pooled connection is now open

    path.unlink()

    assert get_healthz() == (503, {"status": "unavailable", "reason": "database_file_missing"})
    upgrade_schema(url)
    assert get_healthz() == (200, {"status": "ok"})


def test_a_pooled_connection_never_writes_into_a_deleted_file(tmp_path):
    path = tmp_path / "access.db"
    url = f"sqlite:///{path}"
    upgrade_schema(url)
    db = Database.from_url(url)
    create_test_admin(db)
    add_learner(db, "Martin", "Léa", class_name="6e A")
    path.unlink()

    with pytest.raises(DatabaseFileMissing):
        add_learner(db, "Durand", "Noé", class_name="6e A")
    db.dispose()


def test_a_pooled_connection_reads_the_file_that_replaced_the_old_one(tmp_path):
    path = tmp_path / "access.db"
    url = f"sqlite:///{path}"
    upgrade_schema(url)
    other = tmp_path / "other.db"
    shutil.copyfile(path, other)
    db = Database.from_url(url)
    create_test_admin(db)
    add_learner(db, "Martin", "Léa", class_name="6e A")
    assert [c.name for c in roster.list_classes(db, "admin")] == ["6e A"]

    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    other.replace(path)  # e.g. a file copied into place by hand, the server stopped or not

    create_test_admin(db)
    assert roster.list_classes(db, "admin") == []
    db.dispose()
