"""A whole working session, then a scan of everything it left behind: the audit table, the
logs (captured at DEBUG), the command line's output, the identifier workbooks and the journal's
CSV. None may hold a bcrypt hash, a birth date given as a password (ddmmyyyy), a password, the
cookie key or a cookie (a JWT starts with « eyJ »)."""

from __future__ import annotations

import io
import logging
import os
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import text

from access_core.accounts import admin_login as admin_auth
from access_core.accounts import learner_login as learner_auth
from access_core.accounts.admin_login import LoginStatus
from access_core.accounts.passwords import initial_password
from access_core.audit import journal
from access_core.audit.journal import JournalFilter
from access_core.cli import main
from access_core.config import cookie_key
from access_core.documents import workbook as exports
from access_core.errors import AccessError
from access_core.roster import queries as roster
from access_core.roster import resets
from tests.support.factories import TEST_COOKIE_KEY, TEST_ROUNDS, add_learner

ADMIN_PASSWORD = "mot de passe de l'administrateur"
SECRETARIAT_PASSWORD = "mot de passe du secrétariat"
NEW_ADMIN_PASSWORD = "un nouveau mot de passe très long"
LEARNER_NEW_PASSWORD = "Mon-nouveau-secret-77"
BIRTH_DATES = {
    "lea.martin": date(2012, 2, 29),
    "hugo.dubois": date(2012, 7, 3),
    "zoe.petit": date(2013, 1, 1),
    "ines.roux": date(2013, 11, 30),
    "noe.leroy": date(2010, 12, 31),
}


@dataclass
class Scenario:
    """What the session produced, gathered for the scan."""

    cli_output: list[str] = field(default_factory=list)
    workbooks: list[bytes] = field(default_factory=list)
    csv: bytes = b""
    reset_logins: set[str] = field(default_factory=set)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("ACCESS_") and name != "ACCESS_TEST_DATABASE_URLS":
            monkeypatch.delenv(name)
    monkeypatch.setenv("ACCESS_BCRYPT_ROUNDS", str(TEST_ROUNDS))
    # the command line and the services share the installation's key (the throttle's too)
    monkeypatch.setenv("ACCESS_COOKIE_KEY", TEST_COOKIE_KEY)


def run_scenario(db, settings, database_url, tmp_path, capsys, monkeypatch) -> Scenario:
    scenario = Scenario()

    def cli(*args: str, stdin: str = "") -> int:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(["--database-url", database_url, *args])
        captured = capsys.readouterr()
        scenario.cli_output += [captured.out, captured.err]
        return code

    assert cli("init") == 0
    assert cli("create-admin", "admin", "--password-stdin", stdin=ADMIN_PASSWORD + "\n") == 0
    assert (
        cli("create-admin", "secretariat", "--password-stdin", stdin=SECRETARIAT_PASSWORD + "\n")
        == 0
    )

    # a small school
    def learner(last: str, first: str, login: str, **extra: object) -> int:
        return add_learner(db, last, first, login=login, birth_date=BIRTH_DATES[login], **extra)

    ids = {
        "lea.martin": learner("Martin", "Léa", "lea.martin"),
        "hugo.dubois": learner("Dubois", "Hugo", "hugo.dubois", password="choisi-par-hugo"),
        "zoe.petit": learner("Petit", "Zoé", "zoe.petit"),
        "ines.roux": learner("Roux", "Inès", "ines.roux", class_name="6e B"),
        "noe.leroy": learner(
            "Leroy", "Noé", "noe.leroy", deactivated_at=datetime.now(UTC) - timedelta(days=10)
        ),
    }

    # failed logins, a lockout and its lifting
    assert not admin_auth.login(db, settings, "admin", "pas le bon").ok
    assert not admin_auth.login(db, settings, "admin", "€" * 25).ok
    for _ in range(5):
        admin_auth.login(db, settings, "secretariat", "17052013")
    locked = admin_auth.login(db, settings, "secretariat", SECRETARIAT_PASSWORD)
    assert locked.status is LoginStatus.LOCKED
    assert cli("unlock", "secretariat") == 0
    assert admin_auth.login(db, settings, "admin", ADMIN_PASSWORD).ok

    # resets: the dashboard's service and the command line
    resets.reset_passwords(
        db, "admin", [ids["lea.martin"], ids["hugo.dubois"], ids["noe.leroy"]], TEST_ROUNDS
    )
    assert cli("reset", "--login", "zoe.petit", "ines.roux", "--actor", "admin", "--yes") == 0
    scenario.reset_logins = {"lea.martin", "hugo.dubois", "noe.leroy", "zoe.petit", "ines.roux"}

    # the learners' side: the birth date is given as a password, right and wrong
    for login in ("lea.martin", "zoe.petit"):
        password = initial_password(BIRTH_DATES[login])
        result = learner_auth.authenticate(db, settings, login, password)
        assert result.status is learner_auth.LearnerStatus.MUST_CHANGE
    assert not learner_auth.authenticate(db, settings, "lea.martin", "01012000").may_enter
    with pytest.raises(AccessError):
        learner_auth.change_password(
            db, settings, "hugo.dubois", "03072012", initial_password(BIRTH_DATES["hugo.dubois"])
        )
    learner_auth.change_password(
        db,
        settings,
        "lea.martin",
        initial_password(BIRTH_DATES["lea.martin"]),
        LEARNER_NEW_PASSWORD,
    )
    for _ in range(5):
        learner_auth.authenticate(db, settings, "ines.roux", "30112013x")

    # identifier workbooks: built in memory (as the dashboard does) and by the command line
    for info in roster.list_classes(db, "admin"):
        rows = roster.class_learners(db, "admin", info.id)
        scenario.workbooks.append(exports.identifier_workbook(info.name, rows, settings.language))
        exports.record_export(db, "admin", info.name, len(rows))
    output = tmp_path / "identifiants.xlsx"
    assert cli("export", "--class", "6e A", "--output", str(output), "--actor", "admin") == 0
    scenario.workbooks.append(output.read_bytes())

    # account changes
    assert cli("set-password", "admin", "--password-stdin", stdin=NEW_ADMIN_PASSWORD + "\n") == 0
    assert cli("set-password", "admin", "--password-stdin", stdin="court\n") == 1
    assert cli("disable-admin", "secretariat") == 0
    admin_auth.revoke_sessions(db, "admin", actor="admin", reason="logout")
    assert cli("export", "--class", "6e A", "--output", str(output), "--actor", "secretariat") == 1

    # the journal's CSV
    scenario.csv = journal.export_csv(db, "admin", JournalFilter(), settings.tz)
    return scenario


def audit_table_text(db) -> str:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM audit_events")).all()
    return "\n".join(repr(tuple(row)) + " " + " ".join(map(str, row)) for row in rows)


def xml_parts(workbook: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())


def logs_text(caplog: pytest.LogCaptureFixture) -> str:
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.getMessage(), str(record.args), record.exc_text or ""]
    return "\n".join(parts)


@pytest.fixture
def scanned(db, settings, database_url, tmp_path, capsys, monkeypatch, caplog):
    """Runs the scenario with every log record captured, then gathers the texts to scan."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="access_core")
    key = cookie_key(settings)  # the cookie key of this installation
    scenario = run_scenario(db, settings, database_url, tmp_path, capsys, monkeypatch)
    texts = {
        "audit table": audit_table_text(db),
        "logs": logs_text(caplog),
        "command line": "\n".join(scenario.cli_output),
        "journal CSV": scenario.csv.decode("utf-8-sig"),
    }
    for number, workbook in enumerate(scenario.workbooks):
        texts[f"workbook {number}"] = xml_parts(workbook)
    return scenario, texts, key


def test_the_scan_covers_real_material(scanned):
    scenario, texts, _ = scanned

    assert "password_reset" in texts["audit table"]
    assert "login_locked" in texts["audit table"]
    assert "learner_password_changed" in texts["audit table"]
    assert "identifiers_exported" in texts["journal CSV"]
    assert "lea.martin" in texts["journal CSV"]
    assert "« secretariat » débloqué" in texts["command line"]  # French: ACCESS_LANGUAGE unset
    assert "error: " in texts["command line"]
    assert texts["logs"].strip(), "the DEBUG capture recorded nothing at all"
    assert len(scenario.workbooks) == 3
    assert all(
        "lea.martin" in texts[f"workbook {n}"] or "ines.roux" in texts[f"workbook {n}"]
        for n in range(3)
    )


def test_no_bcrypt_hash_anywhere(scanned):
    _, texts, _ = scanned

    leaks = [where for where, content in texts.items() if "$2b$" in content or "$2a$" in content]

    assert leaks == []


def test_no_birth_date_given_as_a_password_anywhere(scanned):
    scenario, texts, _ = scanned
    secrets_ = {login: initial_password(BIRTH_DATES[login]) for login in scenario.reset_logins}
    secrets_["typed"] = "17052013"  # typed as an administrator's password
    secrets_["wrong"] = "01012000"

    leaks = [
        (where, login)
        for where, content in texts.items()
        for login, secret in secrets_.items()
        if secret in content
    ]

    assert leaks == []


def test_the_workbook_holds_birth_dates_as_dates_not_as_ddmmyyyy_text(scanned):
    scenario, texts, _ = scanned
    sheet = openpyxl.load_workbook(io.BytesIO(scenario.workbooks[-1])).active
    by_login = {row[2]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True) if row[2]}

    assert by_login["lea.martin"].date() == BIRTH_DATES["lea.martin"]
    assert initial_password(BIRTH_DATES["lea.martin"]) not in texts["workbook 2"]


def test_no_password_anywhere(scanned):
    _, texts, _ = scanned
    passwords = [ADMIN_PASSWORD, SECRETARIAT_PASSWORD, NEW_ADMIN_PASSWORD, LEARNER_NEW_PASSWORD]
    passwords += ["choisi-par-hugo", "pas le bon", "€" * 25, "30112013x"]

    leaks = [(where, p) for where, content in texts.items() for p in passwords if p in content]

    assert leaks == []


def test_no_cookie_key_and_no_cookie_anywhere(scanned):
    _, texts, key = scanned

    assert len(key) >= 32
    leaks = [where for where, content in texts.items() if key in content or "eyJ" in content]

    assert leaks == []


REFUSE_ADMIN_UPDATES = {
    "sqlite": [
        "CREATE TRIGGER refuse_admin_updates BEFORE UPDATE ON admins "
        "BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_admin_updates() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'refused by a trigger'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_admin_updates BEFORE UPDATE ON admins "
        "FOR EACH ROW EXECUTE FUNCTION refuse_admin_updates()",
    ],
    "mysql": [
        "CREATE TRIGGER refuse_admin_updates BEFORE UPDATE ON admins FOR EACH ROW "
        "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by a trigger'"
    ],
}

DROP_REFUSAL = {
    "sqlite": ["DROP TRIGGER refuse_admin_updates"],
    "postgresql": [
        "DROP TRIGGER refuse_admin_updates ON admins",
        "DROP FUNCTION refuse_admin_updates()",
    ],
    "mysql": ["DROP TRIGGER refuse_admin_updates"],
}


@pytest.fixture
def admin_updates_refused(db):
    """Every UPDATE of ``admins`` fails inside the database (removed afterwards)."""
    with db.engine.begin() as conn:
        for statement in REFUSE_ADMIN_UPDATES[db.backend]:
            conn.execute(text(statement))
    yield
    with db.engine.begin() as conn:
        for statement in DROP_REFUSAL[db.backend]:
            conn.execute(text(statement))


def test_a_database_error_while_writing_a_hash_logs_no_hash(
    db, admin, database_url, admin_updates_refused, capsys, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(sys, "stdin", io.StringIO(NEW_ADMIN_PASSWORD + "\n"))

    code = main(["--database-url", database_url, "set-password", admin, "--password-stdin"])

    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.startswith("error: ")
    everything = "\n".join([logs_text(caplog), captured.out, captured.err])
    assert "$2b$" not in everything
    assert NEW_ADMIN_PASSWORD not in everything
