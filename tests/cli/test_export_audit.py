"""Every export is audited: the command line's identifier workbook and the journal's CSV; events
written by the command line also name the operating-system user beside ``--actor``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from access_core.audit import events as audit
from access_core.audit import journal
from access_core.audit.journal import JournalFilter
from access_core.db.unit_of_work import Database
from access_core.documents import workbook as exports
from access_core.errors import NotAuthorized
from access_core.roster.resets import RESET_ACTION
from tests.support.factories import add_learner, dump_tables

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def os_user(monkeypatch: pytest.MonkeyPatch) -> str:
    """The operating-system account the command line runs under (a known name here)."""
    monkeypatch.setattr("access_core.cli.base.getpass.getuser", lambda: "jdupont")
    return "jdupont"


@pytest.fixture
def class_6e_a(db: Database, admin: str) -> list[int]:
    return [
        add_learner(db, "Martin", "Léa", birth_date=date(2012, 2, 29), login="lea.martin"),
        add_learner(db, "Dubois", "Hugo", birth_date=date(2012, 7, 3), login="hugo.dubois"),
    ]


def test_the_command_line_export_is_audited_with_the_os_user(
    cli, db, admin, class_6e_a, os_user, tmp_path
):
    output = tmp_path / "6e A.xlsx"

    code, out, err = cli("export", "--class", "6e A", "--output", str(output), "--actor", admin)

    assert code == 0, err
    (event,) = audit.events(db, action=exports.EXPORT_ACTION)
    assert event.actor == admin
    assert event.details == {"class": "6e A", "learners": 2, "via": "cli", "os_user": os_user}


def test_a_failed_command_line_export_writes_no_event(cli, db, admin, class_6e_a, tmp_path):
    before = dump_tables(db)
    code, _, _ = cli(
        "export", "--class", "6e Z", "--output", str(tmp_path / "x.xlsx"), "--actor", admin
    )
    assert code == 1
    assert dump_tables(db) == before


def test_command_line_resets_record_the_os_user(cli, db, admin, class_6e_a, os_user):
    code, out, err = cli("reset", "--login", "lea.martin", "--actor", admin, "--yes")

    assert code == 0, err
    (event,) = audit.events(db, action=RESET_ACTION)
    assert (event.actor, event.details["os_user"], event.details["via"]) == (admin, os_user, "cli")


def test_events_outside_the_command_line_carry_no_os_user(cli, db, admin, class_6e_a, tmp_path):
    cli("export", "--class", "6e A", "--output", str(tmp_path / "x.xlsx"), "--actor", admin)
    exports.record_export(db, admin, "6e A", 2)  # as the dashboard does, after the command

    newest, oldest = audit.events(db, action=exports.EXPORT_ACTION)
    assert newest.details == {"class": "6e A", "learners": 2}
    assert "os_user" in oldest.details


def test_the_journal_csv_export_is_audited_and_lists_earlier_exports(db, admin, class_6e_a):
    flt = JournalFilter(actions=(journal.EXPORT_ACTION, "admin_created"))

    first = journal.export_csv(db, admin, flt, PARIS).decode("utf-8-sig").splitlines()
    second = journal.export_csv(db, admin, flt, PARIS).decode("utf-8-sig").splitlines()

    assert [line.split(";")[2] for line in first[1:]] == ["admin_created"]
    assert [line.split(";")[2] for line in second[1:]] == [journal.EXPORT_ACTION, "admin_created"]
    events = audit.events(db, action=journal.EXPORT_ACTION)
    assert [(e.actor, e.details["events"]) for e in events] == [(admin, 2), (admin, 1)]
    assert events[0].details["filters"] == {"actions": [journal.EXPORT_ACTION, "admin_created"]}


def test_the_journal_csv_export_refuses_a_non_administrator_and_records_nothing(db, admin):
    before = dump_tables(db)
    with pytest.raises(NotAuthorized):
        journal.export_csv(db, "eve", JournalFilter(), PARIS)
    assert dump_tables(db) == before


def test_the_journal_csv_file_name_is_dated_on_the_school_calendar():
    late_evening = datetime(2025, 6, 14, 22, 30, tzinfo=UTC)  # 15 June 00:30 in Paris
    assert journal.csv_filename(PARIS, now=late_evening) == "journal_2025-06-15.csv"
    assert journal.csv_filename(ZoneInfo("UTC"), now=late_evening) == "journal_2025-06-14.csv"
