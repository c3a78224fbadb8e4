"""Shared fixtures: a clean, migrated database per test on every configured backend.

Backends: SQLite always; PostgreSQL and MariaDB/MySQL when ``ACCESS_TEST_DATABASE_URLS``
(comma-separated server URLs, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``)
or ``--database-urls`` names them. For each server a throw-away database is created once per
test session, migrated, emptied before every test and dropped at the end.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import stat
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from access_core.cli import main as cli_main
from access_core.config import Settings, load_settings
from access_core.db.models import Base
from access_core.db.schema import upgrade_schema
from access_core.db.unit_of_work import Database
from tests.support.factories import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    TEST_COOKIE_KEY,
    TEST_ROUNDS,
    create_test_admin,
)
from tests.support.school import School, build_school


@pytest.fixture(autouse=True)
def no_project_secrets_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read the developer's ``.streamlit/secrets.toml``: the default secrets file
    is one that does not exist (``ACCESS_SECRETS_FILE`` still names another one)."""
    import access_core.config

    monkeypatch.setattr(access_core.config, "SECRETS_FILE", tmp_path / "no-secrets.toml")


@pytest.fixture(autouse=True)
def journal_actions_are_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every action the product records is one of ``audit/actions.py`` (so it has its words in
    both languages: tests/core/test_journal_words.py); events a test records itself aside."""
    from access_core.audit import events
    from access_core.audit.actions import ACTIONS

    record = events.record

    def listed_record(session: Any, actor: str, action: str, *args: Any, **kwargs: Any) -> None:
        caller = sys._getframe(1).f_globals.get("__name__", "")
        assert action in ACTIONS or caller.startswith("tests."), (
            f"the action {action!r} is recorded but not listed in access_core/audit/actions.py"
        )
        record(session, actor, action, *args, **kwargs)

    monkeypatch.setattr(events, "record", listed_record)


@pytest.fixture(autouse=True)
def no_acting_session() -> Iterator[None]:
    """Each test starts outside any dashboard session (``sessions.check`` binds one per run)."""
    from access_core.audit import request_context

    token = request_context.acting_session.set(None)
    yield
    request_context.acting_session.reset(token)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-urls",
        default=os.environ.get("ACCESS_TEST_DATABASE_URLS", ""),
        help="comma-separated PostgreSQL/MySQL server URLs to run the database tests on too",
    )


def _server_urls(config: pytest.Config) -> list[str]:
    raw = str(config.getoption("--database-urls") or "")
    return [u.strip() for u in raw.split(",") if u.strip() and not u.strip().startswith("sqlite")]


def _backend_id(url: str) -> str:
    return make_url(url).get_backend_name()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if {"database_url", "empty_database_url"} & set(metafunc.fixturenames):
        backends = ["sqlite"] + _server_urls(metafunc.config)
        metafunc.parametrize(
            "backend",
            backends,
            ids=[_backend_id(b) if b != "sqlite" else b for b in backends],
            indirect=True,
        )


# Under pytest-xdist (``dev.py test`` runs ``-n auto --dist loadgroup``) a group's tests run one
# at a time on one worker: the browser tests (each starts its own servers and Chromium, with
# timeouts sized for one at a time), and the benchmark's quick runs (they share its cached school
# files and start servers too); the rest spread over the other workers.
def _serial_group(path: Path) -> str | None:
    if path.name == "test_bench_quick.py":
        return "bench"
    if path.parent.name == "browser":
        return "browser"
    return None


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups from the markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    del config
    for item in items:
        group = _serial_group(item.path)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "access.db"
    upgrade_schema(f"sqlite:///{path}")
    return path


def create_server_database(server_url: str) -> str:
    """A new empty database on the server of ``server_url``; returns its URL."""
    name = f"access_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    url = make_url(server_url).set(database=name)
    if url.get_backend_name() == "mysql":
        url = url.update_query_dict({"charset": "utf8mb4"})
    return url.render_as_string(hide_password=False)


def drop_server_database(server_url: str, test_url: str) -> None:
    name = make_url(test_url).database
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        force = " WITH (FORCE)" if admin.dialect.name == "postgresql" else ""
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}{force}"))
    admin.dispose()


class ServerDatabases:
    """Creates one migrated throw-away database per server URL, dropped at the end."""

    def __init__(self) -> None:
        self.created: dict[str, str] = {}

    def url_for(self, server_url: str) -> str:
        if server_url not in self.created:
            test_url = create_server_database(server_url)
            upgrade_schema(test_url)
            self.created[server_url] = test_url
        return self.created[server_url]

    def drop_all(self) -> None:
        for server_url, test_url in self.created.items():
            drop_server_database(server_url, test_url)


@pytest.fixture(scope="session")
def server_databases() -> Iterator[ServerDatabases]:
    servers = ServerDatabases()
    yield servers
    servers.drop_all()


def empty_all_tables(url: str) -> None:
    """Every table emptied, but for school 1 (as migration 0008 leaves it): a fresh install
    has that one school, which classes and learners belong to by default."""
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name == "schools":
                conn.execute(table.delete().where(table.c.id != 1))
                conn.execute(table.update().values(uai=None, name="Établissement", portal_url=None))
            else:
                conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(
    backend: str, tmp_path: Path, sqlite_template: Path, server_databases: ServerDatabases
) -> str:
    """The URL of a clean database with the current schema."""
    if backend == "sqlite":
        path = tmp_path / "access.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"
    url = server_databases.url_for(backend)
    empty_all_tables(url)
    return url


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a new database without any table (dropped after the test)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = create_server_database(backend)
    yield url
    drop_server_database(backend, url)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.from_url(database_url)
    yield database
    database.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return replace(
        load_settings({}),
        database_url=database_url,
        bcrypt_rounds=TEST_ROUNDS,
        var_dir=tmp_path / "var",
        cookie_key=TEST_COOKIE_KEY,
    )


@pytest.fixture
def admin(db: Database) -> str:
    """An active administrator's username (password ``ADMIN_PASSWORD``)."""
    create_test_admin(db)
    return ADMIN_USERNAME


@pytest.fixture
def school() -> Callable[..., School]:
    """A factory: ``school(db, **options)`` builds the small named school of
    ``tests/support/school.py`` on ``db`` and returns the ids of its classes and learners."""
    return build_school


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], database_url: str, monkeypatch: pytest.MonkeyPatch):
    """Run ``access-core --database-url <the test database> ARGS`` in-process, with only the
    ACCESS_* settings the test sets (none leaks in from the shell; ACCESS_LANGUAGE=en unless
    the test removes or changes it) and ``stdin`` as input.
    Returns (exit code, stdout, stderr)."""
    for name in list(os.environ):
        if name.startswith("ACCESS_") and name != "ACCESS_TEST_DATABASE_URLS":
            monkeypatch.delenv(name)
    monkeypatch.setenv("ACCESS_BCRYPT_ROUNDS", str(TEST_ROUNDS))
    monkeypatch.setenv("ACCESS_COOKIE_KEY", TEST_COOKIE_KEY)
    # The tests asserting English wording run in English; a test of the default (French)
    # wording removes this with monkeypatch.delenv("ACCESS_LANGUAGE").
    monkeypatch.setenv("ACCESS_LANGUAGE", "en")

    def run(*args: str, stdin: str | None = None, url: str = database_url) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = cli_main(["--database-url", url, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def assert_one_line_error(code: int, out: str, err: str, *fragments: str) -> None:
    """A failed command: exit 1, one ``error: ...`` line naming ``fragments``, no traceback."""
    assert code == 1, (out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]


__all__ = ["ADMIN_PASSWORD", "assert_one_line_error"]


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests asserting the command line's English wording (its default is French)."""
    monkeypatch.setenv("ACCESS_LANGUAGE", "en")


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``access-core ARGS`` in-process with the caller's environment: (exit code, out, err)."""
    code = cli_main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def file_mode(path: Path) -> int:
    """The permission bits of ``path`` (0o600 for a private file)."""
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """A clean process-wide configuration; the test sets ACCESS_DATABASE_URL itself."""
    for name in ("ACCESS_LANGUAGE", "ACCESS_RECENT_DEACTIVATION_MONTHS", "ACCESS_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ACCESS_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("ACCESS_COOKIE_KEY", secrets.token_urlsafe(40))
    # settings() and database() are st.cache_resource: drop those of the previous test.
    st.cache_resource.clear()
    st.cache_data.clear()
    yield monkeypatch
    st.cache_resource.clear()
    st.cache_data.clear()
