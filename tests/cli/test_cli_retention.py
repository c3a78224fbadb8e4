"""``access-core purge`` and ``learner-data`` through the command line (and its installed entry
point): exit codes, ``--dry-run`` changing nothing, no hash in a learner's data, ``check``
failing while an overdue learner is stored, ``restore`` warning about one."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from access_core.db.models import Learner
from access_core.ops.restore import kept_previous
from tests.conftest import assert_one_line_error
from tests.support.cli_script import entry_point
from tests.support.factories import add_learner, dump_tables


def logins(db) -> set[str]:
    with db.transaction() as session:
        return set(session.scalars(select(Learner.login)))


@pytest.fixture
def school(db, admin):
    now = datetime.now(UTC)
    add_learner(
        db,
        "Ancien",
        "Aline",
        class_name="3e C",
        login="aancien",
        deactivated_at=now - timedelta(days=150),
    )
    add_learner(
        db,
        "Recent",
        "Remi",
        class_name="3e C",
        login="rrecent",
        deactivated_at=now - timedelta(days=10),
    )
    add_learner(db, "Present", "Paul", class_name="3e C", login="ppresent")


def test_a_dry_run_lists_who_would_go_and_changes_nothing(cli, db, admin, school):
    before = dump_tables(db)

    code, out, err = cli("purge", "--dry-run", "--actor", admin)

    assert code == 0, err
    assert "aancien" in out and "3e C" in out
    assert "rrecent" not in out and "ppresent" not in out
    assert "nothing was changed" in out
    assert dump_tables(db) == before


def test_without_yes_and_without_a_terminal_the_purge_refuses_and_changes_nothing(
    cli, db, admin, school
):
    before = dump_tables(db)

    code, out, err = cli("purge", "--actor", admin, stdin="")

    assert_one_line_error(code, out, err, "--yes")
    assert dump_tables(db) == before


def test_check_fails_while_an_overdue_learner_is_stored_and_passes_after_the_purge(
    cli, db, admin, school
):
    code, out, err = cli("check")
    assert code == 1
    assert "1 learner(s) deactivated more than 3 month(s) ago" in err
    assert "access-core purge" in err

    code, out, err = cli("purge", "--yes", "--actor", admin)
    assert code == 0, err
    assert "1 learner deleted" in out
    assert "aancien" not in out  # the count, never the names
    assert logins(db) == {"rrecent", "ppresent"}

    code, out, err = cli("check")
    assert code == 0, err
    assert out.strip().endswith("ok")


def test_the_purge_refuses_someone_who_is_not_an_administrator(cli, db, admin, school):
    code, out, err = cli("purge", "--yes", "--actor", "intrus")

    assert code == 1
    assert len(logins(db)) == 3


def test_purge_and_learner_data_through_the_entry_point(database_url, db, admin, school):
    dry = entry_point(database_url, "purge", "--dry-run", "--actor", admin)
    assert dry.returncode == 0, dry.stderr
    assert "aancien" in dry.stdout and len(logins(db)) == 3

    data = entry_point(database_url, "learner-data", "aancien", "--actor", admin)
    assert data.returncode == 0, data.stderr
    parsed = json.loads(data.stdout)
    with db.transaction() as session:
        stored = session.scalar(select(Learner.password_hash).where(Learner.login == "aancien"))
    assert parsed["learner"]["login"] == "aancien" and parsed["account"]["active"] is False
    assert stored and stored not in data.stdout and "$2b$" not in data.stdout
    as_csv = entry_point(
        database_url, "learner-data", "aancien", "--actor", admin, "--format", "csv"
    )
    assert as_csv.returncode == 0 and "$2b$" not in as_csv.stdout and "Ancien" in as_csv.stdout

    missing = entry_point(database_url, "learner-data", "personne", "--actor", admin)
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: ") and "personne" in missing.stderr

    purge = entry_point(database_url, "purge", "--yes", "--actor", admin)
    assert purge.returncode == 0, purge.stderr
    assert logins(db) == {"rrecent", "ppresent"}


def test_restore_warns_when_the_backup_holds_overdue_learners(
    cli, db, admin, school, backend, tmp_path
):
    if backend != "sqlite":
        pytest.skip("backup and restore are SQLite's (servers have their own tools)")
    backup_file = tmp_path / "backup.db"
    assert cli("backup", str(backup_file))[0] == 0
    assert cli("purge", "--yes", "--actor", admin)[0] == 0

    code, out, err = cli("restore", str(backup_file))

    assert code == 0, err
    assert "1 deactivated learner past the retention term" in err
    assert "access-core purge" in err


def test_check_and_purge_report_the_database_restore_kept(
    cli, db, admin, school, backend, database_url, tmp_path
):
    """Review 2 #4: <database>.before-restore kept a purged learner's login, names and birth
    date forever while `check` passed and `purge` said nothing."""
    if backend != "sqlite":
        pytest.skip("backup and restore are SQLite's (servers have their own tools)")
    backup_file = tmp_path / "backup.db"
    assert cli("backup", str(backup_file))[0] == 0
    assert cli("restore", str(backup_file))[0] == 0  # keeps the live file (aancien overdue)
    previous = kept_previous(database_url)
    assert previous is not None

    code, out, err = cli("purge", "--yes", "--actor", admin)
    assert code == 0, err
    assert str(previous) in err and "delete it once the restore is verified" in err
    assert "aancien" not in err

    code, out, err = cli("check")
    assert code == 1
    assert str(previous) in err and "holding 1 learner(s) past the retention term" in err

    previous.unlink()
    code, out, err = cli("check")
    assert code == 0, err
    code, out, err = cli("purge", "--dry-run", "--actor", admin)
    assert code == 0 and "before-restore" not in err


def test_check_reports_a_database_restore_kept_for_more_than_a_day(
    cli, db, admin, school, backend, database_url, tmp_path
):
    if backend != "sqlite":
        pytest.skip("backup and restore are SQLite's (servers have their own tools)")
    assert cli("purge", "--yes", "--actor", admin)[0] == 0
    backup_file = tmp_path / "backup.db"
    assert cli("backup", str(backup_file))[0] == 0
    assert cli("restore", str(backup_file))[0] == 0
    previous = kept_previous(database_url)
    assert previous is not None

    code, out, err = cli("check")  # just restored, no learner past the term: fine
    assert code == 0, err

    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).timestamp()
    os.utime(previous, (two_days_ago, two_days_ago))
    code, out, err = cli("check")
    assert code == 1
    assert str(previous) in err and "delete it once the restore is verified" in err
