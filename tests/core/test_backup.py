"""``access-core backup`` / ``restore`` (issue 14 item 5) and private files (item 4)."""

from __future__ import annotations

import os
import pwd
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from access_core.config import cookie_key as load_cookie_key
from access_core.config import load_settings
from access_core.db.models import Learner
from access_core.db.schema import current_revision, upgrade_schema
from access_core.db.unit_of_work import Database
from access_core.ops import backup, health
from access_core.ops.health import head_revision
from tests.conftest import assert_one_line_error, run_cli
from tests.conftest import file_mode as mode
from tests.support.factories import TEST_ROUNDS, add_learner, create_test_admin

SCRIPT = Path(sys.executable).with_name("access-core")


# these tests assert the English wording (the command line's default is French)
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def school_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path, int]]:
    """(URL, file, learner id) of a SQLite school with a learner who chose her password."""
    monkeypatch.setenv("ACCESS_BCRYPT_ROUNDS", str(TEST_ROUNDS))
    path = tmp_path / "var" / "access.db"
    url = f"sqlite:///{path}"
    upgrade_schema(url)
    db = Database.from_url(url)
    create_test_admin(db)
    learner = add_learner(db, "Martin", "Léa", class_name="6e A", password="her own choice 1")
    db.dispose()
    yield url, path, learner
    release_server_locks()


def release_server_locks() -> None:
    """Let go of the locks ``hold_server_lock`` took in this process (a server holds its lock
    until it ends, so only the tests need this)."""
    while backup._held:
        backup._held.pop().close()


def password_state(url: str, learner_id: int) -> tuple[str, bool]:
    db = Database.from_url(url)
    with db.transaction() as session:
        row = session.execute(
            select(Learner.password_hash, Learner.must_change_password).where(
                Learner.id == learner_id
            )
        ).one()
    db.dispose()
    return row[0], bool(row[1])


def test_backup_reset_restore_undoes_the_reset_and_the_schema_is_at_head(
    capsys, school_file, tmp_path
):
    url, path, learner = school_file
    before = password_state(url, learner)
    copy = tmp_path / "backups" / "access-2026-11-29.db"
    copy.parent.mkdir()

    code, out, err = run_cli(capsys, "--database-url", url, "backup", str(copy))
    assert code == 0, err
    assert mode(copy) == 0o600
    # A server keeps its engine open: the reset stays in the -wal file, not yet checkpointed.
    server = Database.from_url(url)
    held = server.engine.connect()  # an open connection: closing others does not checkpoint
    held.exec_driver_sql("SELECT 1").all()
    code, out, err = run_cli(
        capsys,
        "--database-url",
        url,
        "reset",
        "--login",
        "léa.martin",
        "--actor",
        "admin",
        "--yes",
    )
    assert code == 0, err
    assert password_state(url, learner) != before
    assert path.with_name("access.db-wal").stat().st_size > 0

    code, out, err = run_cli(capsys, "--database-url", url, "restore", str(copy))

    assert code == 0, err
    wal = path.with_name("access.db-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # nothing left to replay
    held.close()
    server.dispose()
    assert password_state(url, learner) == before  # the reset is gone
    db = Database.from_url(url)
    assert current_revision(db) == head_revision()
    db.dispose()


def test_an_older_backup_is_restored_then_upgraded_to_head(capsys, tmp_path):
    old = tmp_path / "old.db"
    upgrade_schema(f"sqlite:///{old}", "0001")
    target = tmp_path / "access.db"
    upgrade_schema(f"sqlite:///{target}")

    code, out, err = run_cli(capsys, "--database-url", f"sqlite:///{target}", "restore", str(old))

    assert code == 0, err
    assert "schema 0001" in out
    db = Database.from_url(f"sqlite:///{target}")
    assert current_revision(db) == head_revision()
    db.dispose()


def test_restore_is_refused_while_a_server_holds_the_database(capsys, school_file, tmp_path):
    url, path, learner = school_file
    copy = tmp_path / "copy.db"
    assert run_cli(capsys, "--database-url", url, "backup", str(copy))[0] == 0
    assert backup.hold_server_lock(url)  # what each dashboard server does at start
    db = Database.from_url(url)
    create_test_admin(db, "second")
    db.dispose()

    code, out, err = run_cli(capsys, "--database-url", url, "restore", str(copy))

    assert_one_line_error(code, out, err, "a dashboard server is using", "stop it")
    code, out, err = run_cli(capsys, "--database-url", url, "list-admins")
    assert "second" in out  # nothing was restored


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(
    capsys, school_file, tmp_path
):
    url, path, learner = school_file
    before = path.read_bytes()
    bogus = tmp_path / "notes.db"
    bogus.write_text("not a database at all " * 100)

    code, out, err = run_cli(capsys, "--database-url", url, "restore", str(bogus))

    assert_one_line_error(code, out, err, "is not a SQLite database")
    assert password_state(url, learner)[1] is False
    assert path.read_bytes() == before


def test_restore_refuses_a_backup_from_a_newer_schema_before_writing_anything(
    capsys, school_file, tmp_path
):
    """Issue 19 item 9: a backup whose schema revision this code does not know (written by a
    newer version) used to replace the live data, then fail to upgrade (« unexpected
    CommandError »), leaving a database that ``init`` could not open."""
    url, path, learner = school_file
    newer = tmp_path / "newer.db"
    assert run_cli(capsys, "--database-url", url, "backup", str(newer))[0] == 0
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
        conn.execute("DELETE FROM learners")
    conn.close()
    db = Database.from_url(url)
    add_learner(db, "Durand", "Noé", class_name="6e A")
    db.dispose()
    before = path.read_bytes()

    code, out, err = run_cli(capsys, "--database-url", url, "restore", str(newer))

    assert_one_line_error(
        code,
        out,
        err,
        str(newer),
        "0099_from_the_future",
        "unknown to this version",
        "nothing was changed",
    )
    assert path.read_bytes() == before
    assert password_state(url, learner)[1] is False
    code, out, err = run_cli(capsys, "--database-url", url, "init")
    assert code == 0, err
    assert "nothing to do" in out


def test_restore_refuses_a_backup_without_a_schema_revision(capsys, school_file, tmp_path):
    url, path, _ = school_file
    bare = tmp_path / "bare.db"
    assert run_cli(capsys, "--database-url", url, "backup", str(bare))[0] == 0
    with sqlite3.connect(bare) as conn:
        conn.execute("DELETE FROM alembic_version")
    conn.close()
    before = path.read_bytes()

    code, out, err = run_cli(capsys, "--database-url", url, "restore", str(bare))

    assert_one_line_error(code, out, err, "is not a database of this application")
    assert path.read_bytes() == before


def test_backup_refuses_to_overwrite_a_file(capsys, school_file, tmp_path):
    url, _, _ = school_file
    existing = tmp_path / "keep.db"
    existing.write_text("precious")

    code, out, err = run_cli(capsys, "--database-url", url, "backup", str(existing))

    assert_one_line_error(code, out, err, "exists already")
    assert existing.read_text() == "precious"


def test_backup_of_a_server_database_names_its_native_tool(capsys):
    code, out, err = run_cli(
        capsys, "--database-url", "postgresql+psycopg://u@127.0.0.1:1/x", "backup", "x.db"
    )

    assert_one_line_error(code, out, err, "pg_dump", "mariadb-dump")


def test_backup_through_the_installed_script(school_file, tmp_path):
    url, _, _ = school_file
    copy = tmp_path / "script.db"

    result = subprocess.run(
        [str(SCRIPT), "--database-url", url, "backup", str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert mode(copy) == 0o600
    assert ", 1 learner)" in result.stdout


# --- private files -----------------------------------------------------------------------------


def test_the_cli_export_is_private(capsys, school_file, tmp_path):
    url, _, _ = school_file
    output = tmp_path / "out" / "ids.xlsx"
    output.parent.mkdir()

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
        str(output),
    )

    assert code == 0, err
    assert mode(output) == 0o600
    assert list(output.parent.iterdir()) == [output]  # no temporary file left


def test_the_generated_cookie_key_sits_in_a_private_folder(tmp_path):
    settings = load_settings({}, var_dir=tmp_path / "var")

    load_cookie_key(settings)

    assert mode(tmp_path / "var") == 0o700
    assert mode(tmp_path / "var" / "cookie_key") == 0o600


def _folder_listing(path: Path) -> set[str]:
    """The database folder's files, without SQLite's -wal/-shm and the restore's lock file
    (present or not)."""
    skip = ("-wal", "-shm", ".lock")
    return {p.name for p in path.parent.iterdir() if not p.name.endswith(skip)}


def test_restore_of_a_backup_whose_revision_was_set_back_changes_nothing(
    capsys, school_file, tmp_path
):
    """Review 03, case A: a backup whose alembic_version says 0002 over head tables replaced
    the live database, then its upgrade failed (« sqlite3.OperationalError »): data gone."""
    url, path, learner = school_file
    stale = tmp_path / "stale.db"
    assert run_cli(capsys, "--database-url", url, "backup", str(stale))[0] == 0
    with sqlite3.connect(stale) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0002'")
        conn.execute("DELETE FROM learners")
    conn.close()
    before = path.read_bytes()
    files = _folder_listing(path)

    code, out, err = run_cli(capsys, "--database-url", url, "restore", str(stale))

    assert_one_line_error(
        code, out, err, str(stale), "cannot be upgraded", "already exists", "nothing was changed"
    )
    assert path.read_bytes() == before
    assert _folder_listing(path) == files  # no temporary copy, no .before-restore
    assert password_state(url, learner)[1] is False


def test_restore_of_a_head_backup_missing_a_table_changes_nothing(capsys, school_file, tmp_path):
    """Review 03, case B: a backup at head without ``admins`` was « restored » (exit 0), then
    every command said « run access-core init » and init said « nothing to do »."""
    url, path, learner = school_file
    broken = tmp_path / "noadmins.db"
    assert run_cli(capsys, "--database-url", url, "backup", str(broken))[0] == 0
    with sqlite3.connect(broken) as conn:
        conn.execute("DROP TABLE admins")
    conn.close()
    before = path.read_bytes()
    files = _folder_listing(path)

    code, out, err = run_cli(capsys, "--database-url", url, "restore", str(broken))

    assert_one_line_error(code, out, err, str(broken), "lacks", "admins", "nothing was changed")
    assert path.read_bytes() == before
    assert _folder_listing(path) == files
    code, out, err = run_cli(capsys, "--database-url", url, "list-admins")
    assert code == 0, err
    assert "admin" in out


def test_restore_replaces_the_file_and_keeps_the_previous_one(capsys, school_file, tmp_path):
    url, path, learner = school_file
    copy = tmp_path / "copy.db"
    assert run_cli(capsys, "--database-url", url, "backup", str(copy))[0] == 0
    db = Database.from_url(url)
    add_learner(db, "Durand", "Noé", class_name="6e A")
    db.dispose()
    inode = path.stat().st_ino

    code, out, err = run_cli(capsys, "--database-url", url, "restore", str(copy))

    assert code == 0, err
    previous = path.with_name("access.db.before-restore")
    assert f"the previous database is kept as {previous}" in out
    assert path.stat().st_ino != inode  # a new file put in place, not written over
    assert mode(path) == 0o600 and mode(previous) == 0o600
    assert _folder_listing(path) == {"access.db", "access.db.before-restore"}

    def names(database: Path) -> set[str]:
        with sqlite3.connect(database) as conn:
            rows = conn.execute("SELECT last_name FROM learners").fetchall()
        conn.close()
        return {row[0] for row in rows}

    assert names(path) == {"Martin"}
    assert names(previous) == {"Martin", "Durand"}  # whole: its log was written into it
    db = Database.from_url(url)
    assert current_revision(db) == head_revision()
    db.dispose()


def test_restore_messages_in_french(capsys, school_file, tmp_path, monkeypatch):
    url, path, _ = school_file
    monkeypatch.setenv("ACCESS_LANGUAGE", "fr")
    broken = tmp_path / "sans-admins.db"
    assert run_cli(capsys, "--database-url", url, "backup", str(broken))[0] == 0
    with sqlite3.connect(broken) as conn:
        conn.execute("DROP TABLE admins")
    conn.close()

    code, out, err = run_cli(capsys, "--database-url", url, "restore", str(broken))

    assert_one_line_error(code, out, err, "il manque à", "admins", "rien n'a été modifié")
    good = tmp_path / "bonne.db"
    assert run_cli(capsys, "--database-url", url, "backup", str(good))[0] == 0
    code, out, err = run_cli(capsys, "--database-url", url, "restore", str(good))
    assert code == 0, err
    assert "l'ancienne base de données est gardée dans" in out


def _names(database: Path) -> set[str]:
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT last_name FROM learners").fetchall()
    conn.close()
    return {row[0] for row in rows}


def test_restore_keeps_the_live_files_mode(capsys, school_file, tmp_path):
    """Review 2 #2: the restored file was the caller's private temporary file (0600)."""
    url, path, _ = school_file
    copy = tmp_path / "copy.db"
    assert run_cli(capsys, "--database-url", url, "backup", str(copy))[0] == 0
    path.chmod(0o640)

    code, _, err = run_cli(capsys, "--database-url", url, "restore", str(copy))

    assert code == 0, err
    assert mode(path) == 0o640


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="restore keeps the live file's owner only when run as root (chown needs root)",
)
def test_restore_run_as_root_keeps_the_service_accounts_owner_and_mode(
    capsys, school_file, tmp_path
):
    """Review 2 #2: `access-core restore` run as root (docs/operations.md §7) left the live
    database root:root 0600; the service account could no longer open it."""
    url, path, _ = school_file
    copy = tmp_path / "copy.db"
    assert run_cli(capsys, "--database-url", url, "backup", str(copy))[0] == 0
    nobody = pwd.getpwnam("nobody")
    os.chown(path, nobody.pw_uid, nobody.pw_gid)
    path.chmod(0o640)

    code, _, err = run_cli(capsys, "--database-url", url, "restore", str(copy))

    assert code == 0, err
    after = path.stat()
    assert (after.st_uid, after.st_gid, mode(path)) == (nobody.pw_uid, nobody.pw_gid, 0o640)
    for suffix in ("-wal", "-shm"):  # SQLite's logs, if any is left, follow the file's owner
        log = path.with_name(path.name + suffix)
        if log.exists():
            assert log.stat().st_uid == nobody.pw_uid, suffix
    kept = path.with_name("access.db.before-restore").stat()
    assert (kept.st_uid, kept.st_gid) == (nobody.pw_uid, nobody.pw_gid)


def test_restore_through_a_symlink_replaces_the_target_and_keeps_the_link(
    capsys, school_file, tmp_path
):
    """Review 2 #10: os.replace swapped the link for a file beside it; the old target kept
    every pre-restore learner and .before-restore was a link to it, not a copy."""
    _, real, _ = school_file
    copy = tmp_path / "copy.db"
    real_url = f"sqlite:///{real}"
    assert run_cli(capsys, "--database-url", real_url, "backup", str(copy))[0] == 0
    db = Database.from_url(real_url)
    add_learner(db, "Durand", "Noé", class_name="6e A")
    db.dispose()
    app = tmp_path / "app"
    app.mkdir()
    link = app / "access.db"
    link.symlink_to(real)

    code, out, err = run_cli(capsys, "--database-url", f"sqlite:///{link}", "restore", str(copy))

    assert code == 0, err
    assert link.is_symlink() and link.resolve() == real
    assert _names(real) == {"Martin"}
    previous = real.with_name("access.db.before-restore")
    assert str(previous) in out
    assert previous.is_file() and not previous.is_symlink()
    assert _names(previous) == {"Martin", "Durand"}
    assert sorted(p.name for p in app.iterdir()) == ["access.db"]


def test_the_kept_database_is_dated_by_the_restore_and_reported_after_a_day(
    capsys, school_file, tmp_path
):
    """Review 2 #4: `check` reports a .before-restore older than a day; its date is the
    restore's, not the replaced file's last write (a hard link shares that file's times)."""
    url, path, _ = school_file
    copy = tmp_path / "copy.db"
    assert run_cli(capsys, "--database-url", url, "backup", str(copy))[0] == 0
    long_ago = (datetime.now(UTC) - timedelta(days=30)).timestamp()
    os.utime(path, (long_ago, long_ago))
    assert health.previous_database_problem(url, 3, ZoneInfo("Europe/Paris")) is None

    assert run_cli(capsys, "--database-url", url, "restore", str(copy))[0] == 0

    assert health.previous_database_problem(url, 3, ZoneInfo("Europe/Paris")) is None
    later = datetime.now(UTC) + timedelta(days=1, minutes=1)
    problem = health.previous_database_problem(url, 3, ZoneInfo("Europe/Paris"), later)
    assert problem is not None and "access.db.before-restore" in problem
    assert "delete it once the restore is verified" in problem
