"""Errors that say what is wrong, never a traceback; private files (issue 14 items 3 and 4).

Permission cases run the installed ``access-core`` script as ``nobody`` (root bypasses file
permissions), through ``setpriv``.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from access_core.db.schema import upgrade_schema
from access_core.db.unit_of_work import Database
from access_core.errors import DatabaseFailure, DatabaseUnavailable
from access_core.ops.health import head_revision
from tests.conftest import assert_one_line_error, run_cli
from tests.conftest import file_mode as mode
from tests.support.factories import add_learner, create_test_admin

SCRIPT = Path(sys.executable).with_name("access-core")
SETPRIV = shutil.which("setpriv")
as_nobody = pytest.mark.skipif(
    os.geteuid() != 0 or SETPRIV is None, reason="needs root and setpriv to run as nobody"
)


# these tests assert the English wording (the command line's default is French)
pytestmark = pytest.mark.usefixtures("english")


def run_as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}
    env["ACCESS_LANGUAGE"] = "en"
    return subprocess.run(
        [str(SETPRIV), "--reuid=nobody", "--regid=nogroup", "--clear-groups", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd="/",
        check=False,
    )


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder ``nobody`` can enter (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="access-perm-"))
    path.chmod(0o755)
    yield path
    for sub in path.rglob("*"):
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(path)


def school_at(path: Path) -> str:
    """A migrated SQLite database at ``path`` with an administrator and a class."""
    url = f"sqlite:///{path}"
    upgrade_schema(url)
    db = Database.from_url(url)
    create_test_admin(db)
    add_learner(db, "Martin", "Léa", class_name="6e A")
    db.dispose()
    return url


# --- no such database file -------------------------------------------------------------------


def test_a_mistyped_sqlite_path_is_an_error_and_creates_nothing(capsys, tmp_path):
    missing = tmp_path / "vra" / "acess.db"

    code, out, err = run_cli(
        capsys,
        "--database-url",
        f"sqlite:///{missing}",
        "reset",
        "--class",
        "6e A",
        "--actor",
        "admin",
        "--yes",
    )

    assert_one_line_error(code, out, err, "no SQLite database file", str(missing), "init")
    assert not missing.parent.exists()


def test_init_creates_a_private_database_in_a_private_folder(capsys, tmp_path):
    path = tmp_path / "var" / "sub" / "access.db"

    code, out, _ = run_cli(capsys, "--database-url", f"sqlite:///{path}", "init")
    db = Database.from_url(f"sqlite:///{path}")
    create_test_admin(db)  # a write: the -wal and -shm files exist while the engine is open

    assert code == 0
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(path.parent.parent) == 0o700
    for suffix in ("-wal", "-shm"):
        assert mode(path.with_name(path.name + suffix)) == 0o600
    db.dispose()


def test_init_makes_an_older_world_readable_database_private(capsys, tmp_path):
    path = tmp_path / "access.db"
    upgrade_schema(f"sqlite:///{path}")
    path.chmod(0o644)

    code, _, _ = run_cli(capsys, "--database-url", f"sqlite:///{path}", "init")

    assert code == 0
    assert mode(path) == 0o600


# --- schema behind, driver missing -------------------------------------------------------------


def test_a_schema_one_migration_behind_says_to_run_init(capsys, empty_database_url):
    upgrade_schema(empty_database_url, "0001")
    db = Database.from_url(empty_database_url)
    with db.transaction(write=True) as session:
        session.execute(
            text(
                "INSERT INTO admins (username, password_hash, display_name, is_active, created_at) "
                "VALUES ('admin', 'x', 'A', :t, CURRENT_TIMESTAMP)"
            ),
            {"t": True},
        )
    db.dispose()

    code, out, err = run_cli(capsys, "--database-url", empty_database_url, "disable-admin", "admin")
    assert_one_line_error(code, out, err, "older than this version", "access-core init")

    code, out, err = run_cli(capsys, "--database-url", empty_database_url, "check")
    assert code == 1
    assert f"the schema is at revision 0001, the code needs {head_revision()}" in err


def test_init_without_the_postgresql_driver_names_the_extra(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if psycopg were not installed

    code, out, err = run_cli(
        capsys, "--database-url", "postgresql+psycopg://u@127.0.0.1:1/x", "init"
    )

    assert_one_line_error(
        code, out, err, "'psycopg' is not installed", "acces-apprenants[postgres]"
    )


def test_a_url_naming_another_driver_says_which_url_to_use(capsys):
    code, out, err = run_cli(
        capsys, "--database-url", "postgresql+psycopg2://u@127.0.0.1:1/x", "init"
    )

    assert_one_line_error(code, out, err, "'psycopg2' is not installed", "postgresql+psycopg://")


# --- unreachable only for connection failures; driver class and code logged ----------------------


def test_a_refused_connection_is_unreachable_and_the_log_has_no_password(caplog):
    db = Database.from_url("postgresql+psycopg://user:S3cretPw@127.0.0.1:1/x")
    with (
        caplog.at_level(logging.WARNING, logger="access_core"),
        pytest.raises(DatabaseUnavailable, match="cannot be reached"),
        db.transaction() as session,
    ):
        session.execute(text("SELECT 1"))
    db.dispose()

    assert "psycopg.OperationalError" in caplog.text
    assert "S3cretPw" not in caplog.text
    assert "127.0.0.1" not in caplog.text


def test_another_operational_error_is_not_called_unreachable(caplog, tmp_path):
    url = f"sqlite:///{tmp_path / 'access.db'}"
    upgrade_schema(url)
    db = Database.from_url(url)
    with (
        caplog.at_level(logging.WARNING, logger="access_core"),
        pytest.raises(DatabaseFailure) as raised,
        db.transaction() as session,
    ):
        session.execute(text("SELEC 1"))  # an error of the statement, not of the connection
    db.dispose()

    assert not isinstance(raised.value, DatabaseUnavailable)
    assert "sqlite3.OperationalError (SQLITE_ERROR)" in caplog.text
    assert "SELEC" not in caplog.text


def test_verbose_shows_the_cause_chain(capsys):
    code, out, err = run_cli(
        capsys, "--database-url", "postgresql+psycopg://u@127.0.0.1:1/x", "check", "--verbose"
    )

    assert code == 1
    code, out, err = run_cli(
        capsys,
        "export",
        "--class",
        "6e A",
        "--output",
        "x.xlsx",
        "--actor",
        "a",
        "--database-url",
        "postgresql+psycopg://u@127.0.0.1:1/x",
        "--verbose",
    )
    assert code == 1
    assert "Traceback" in err
    assert "psycopg.OperationalError" in err
    assert "direct cause" in err
    assert err.strip().splitlines()[-1] == "error: the database cannot be reached"


# --- permissions, as a regular user ------------------------------------------------------------


def test_export_under_a_regular_file_is_one_line(capsys, tmp_path):
    url = school_at(tmp_path / "access.db")
    (tmp_path / "notes.txt").write_text("x")

    code, out, err = run_cli(
        capsys,
        "--database-url",
        url,
        "export",
        "--class",
        "6e A",
        "--actor",
        "admin",
        "--output",
        str(tmp_path / "notes.txt" / "ids.xlsx"),
    )

    assert_one_line_error(code, out, err, "cannot write", "Not a directory")


@as_nobody
def test_export_into_a_folder_it_may_not_write_as_a_regular_user(shared_dir):
    school = shared_dir / "school"
    school.mkdir()
    url = school_at(school / "access.db")
    subprocess.run(["chown", "-R", "nobody", str(school)], check=True)
    closed = shared_dir / "closed"
    closed.mkdir(mode=0o755)  # owned by root: nobody may not write in it

    result = run_as_nobody(
        "export",
        "--class",
        "6e A",
        "--actor",
        "admin",
        "--output",
        str(closed / "ids.xlsx"),
        "--database-url",
        url,
    )

    assert_one_line_error(
        result.returncode, result.stdout, result.stderr, "cannot write", "Permission denied"
    )


@as_nobody
def test_backup_into_a_folder_it_may_not_write_names_the_backup_not_its_temp_file(shared_dir):
    """Review item 11: the OSError of the temporary file named « .x.db.<pid>.<hex>.part »."""
    school = shared_dir / "school"
    school.mkdir()
    url = school_at(school / "access.db")
    subprocess.run(["chown", "-R", "nobody", str(school)], check=True)
    closed = shared_dir / "closed"
    closed.mkdir(mode=0o755)  # owned by root: nobody may not write in it

    result = run_as_nobody("--database-url", url, "backup", str(closed / "x.db"))

    assert_one_line_error(
        result.returncode,
        result.stdout,
        result.stderr,
        f"cannot write {closed / 'x.db'}: Permission denied",
    )
    assert ".part" not in result.stderr


@as_nobody
def test_a_read_only_database_file_is_called_read_only(shared_dir):
    url = school_at(shared_dir / "access.db")
    subprocess.run(["chown", "-R", "nobody", str(shared_dir)], check=True)
    (shared_dir / "access.db").chmod(0o400)

    result = run_as_nobody("--database-url", url, "disable-admin", "admin")

    assert_one_line_error(result.returncode, result.stdout, result.stderr, "read-only")


@as_nobody
def test_a_database_in_a_folder_it_may_not_write_is_called_read_only(shared_dir):
    folder = shared_dir / "var"
    folder.mkdir()
    url = school_at(folder / "access.db")
    subprocess.run(["chown", "-R", "nobody", str(folder)], check=True)
    for leftover in folder.glob("access.db-*"):
        leftover.unlink()
    folder.chmod(0o500)  # WAL needs to create access.db-wal next to the file

    result = run_as_nobody("--database-url", url, "check")

    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "read" in result.stderr
    assert "cannot be reached" not in result.stderr
