"""``access-core``, called in-process: exit codes and what it prints."""

import io
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, inspect, select

from access_core.accounts.admins import count_admins
from access_core.accounts.passwords import verify_password
from access_core.cli import main
from access_core.db.models import Admin, Learner, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.ops.health import head_revision
from tests.conftest import ADMIN_PASSWORD, assert_one_line_error
from tests.support.factories import add_learner, dump_tables

DEACTIVATED_AT = datetime(2025, 5, 2, 8, 30, tzinfo=UTC)


@pytest.fixture
def stdin(monkeypatch):
    def feed(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))

    return feed


def authenticate_admin(db: Database, username: str, password: str) -> bool:
    """The stored hash of ``username`` verifies ``password`` (the throttle is not involved)."""
    with db.transaction() as session:
        stored = session.scalar(select(Admin.password_hash).where(Admin.username == username))
    return verify_password(password, stored)


def learner_count(db: Database) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Learner)) or 0)


# --- init and the un-initialised database ----------------------------------------------------


def test_init_creates_the_schema_in_an_empty_sqlite_file(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCESS_LANGUAGE", "en")
    url = f"sqlite:///{tmp_path / 'new' / 'access.db'}"

    code = main(["--database-url", url, "init"])

    out = capsys.readouterr().out
    assert code == 0
    assert out.strip() == f"schema created at revision {head_revision()}"
    database = Database.from_url(url)
    tables = set(inspect(database.engine).get_table_names())
    database.dispose()
    assert {"school_classes", "learners", "admins", "audit_events", "reset_batches"} <= tables


def test_init_twice_is_harmless(cli):
    assert cli("init")[0] == 0
    code, out, _ = cli("init")

    assert code == 0
    assert out.strip() == f"schema already at revision {head_revision()}: nothing to do"


@pytest.mark.parametrize(
    "args",
    [
        ("export", "--class", "6e A", "--output", "x.xlsx", "--actor", "admin"),
        ("reset", "--class", "6e A", "--actor", "admin", "--yes"),
        ("demo",),
    ],
)
def test_a_command_on_an_uninitialised_database_fails_with_one_line(capsys, tmp_path, args):
    url = f"sqlite:///{tmp_path / 'empty.db'}"

    code = main(["--database-url", url, *args])

    captured = capsys.readouterr()
    assert_one_line_error(code, captured.out, captured.err, "access-core init")


# --- demo ------------------------------------------------------------------------------------


def test_demo_fills_an_empty_database_and_prints_the_counts(cli, db):
    code, out, err = cli("demo", "--learners", "8")

    assert code == 0, err
    assert out.strip() == ("demo school created: 8 classes, 55 active learners, 9 deactivated")
    assert learner_count(db) == 64
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(SchoolClass)) == 8


def test_the_demo_school_has_a_name_and_a_portal_for_its_slips(cli, db):
    """Issue 25 item 4: a newcomer's demo slips show the school's name and the portal (QR)."""
    from access_core.db.models import School

    code, _, err = cli("demo", "--learners", "2")

    assert code == 0, err
    with db.transaction() as session:
        school = session.get(School, 1)
        assert school is not None
        assert school.name == "Collège de démonstration"
        assert school.portal_url == "https://portail.example.org/"


def test_a_small_demo_school_works_too(cli, db):
    code, out, err = cli("demo", "--learners", "2")

    assert code == 0, err
    assert "8 classes" in out
    assert learner_count(db) == 16


def test_demo_refuses_a_database_that_has_learners(cli, db):
    assert cli("demo", "--learners", "2")[0] == 0
    before = dump_tables(db)

    code, out, err = cli("demo", "--learners", "2")

    assert_one_line_error(code, out, err, "already has learners")
    assert dump_tables(db) == before


# --- create-admin ----------------------------------------------------------------------------


def test_create_admin_reads_the_password_from_stdin(cli, db, stdin):
    stdin("un mot de passe solide\n")

    code, out, err = cli("create-admin", "Secretariat", "--password-stdin")

    assert code == 0, err
    assert "'secretariat' created" in out
    assert authenticate_admin(db, "secretariat", "un mot de passe solide")
    assert not authenticate_admin(db, "secretariat", "un mot de passe solide\n")


def test_create_admin_refuses_a_too_short_password(cli, db, stdin):
    stdin("court\n")

    code, out, err = cli("create-admin", "secretariat", "--password-stdin")

    assert_one_line_error(code, out, err, "at least 12 characters")
    assert count_admins(db) == 0


def test_create_admin_refuses_an_existing_username(cli, db, admin, stdin):
    stdin("un autre mot de passe\n")

    code, out, err = cli("create-admin", admin, "--password-stdin")

    assert_one_line_error(code, out, err, "already exists")
    assert authenticate_admin(db, admin, ADMIN_PASSWORD)


def test_create_admin_without_a_terminal_asks_for_password_stdin(cli, db, stdin):
    stdin("un mot de passe solide\n")

    code, out, err = cli("create-admin", "secretariat")

    assert_one_line_error(code, out, err, "--password-stdin")
    assert count_admins(db) == 0


# --- export ----------------------------------------------------------------------------------


@pytest.fixture
def two_classes(db, admin):
    return {
        "lea": add_learner(db, "Martin", "Léa", birth_date=date(2012, 2, 29)),
        "hugo": add_learner(
            db, "Dubois", "Hugo", birth_date=date(2012, 7, 3), password="choisi-par-hugo"
        ),
        "gone": add_learner(db, "Leroy", "Noé", deactivated_at=DEACTIVATED_AT),
        "ines": add_learner(db, "Roux", "Inès", class_name="6e B", password="choisi-par-inès"),
    }


def test_export_writes_the_workbook_of_the_class(cli, admin, two_classes, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    output = folder / "6e A.xlsx"

    code, out, err = cli("export", "--class", "6e a", "--output", str(output), "--actor", admin)

    assert code == 0, err
    assert "2 learners of 6e A written to" in out
    ws = openpyxl.load_workbook(output).active
    assert [tuple(c.value for c in ws[r][:3]) for r in (2, 3)] == [
        ("Dubois", "Hugo", "hugo.dubois"),
        ("Martin", "Léa", "léa.martin"),
    ]
    assert ws.cell(row=4, column=1).value is None
    assert list(folder.iterdir()) == [output]  # no .part file left behind


def test_export_of_an_unknown_class_fails_and_writes_nothing(cli, admin, two_classes, tmp_path):
    output = tmp_path / "x.xlsx"

    code, out, err = cli("export", "--class", "6e Z", "--output", str(output), "--actor", admin)

    assert_one_line_error(code, out, err, "6e Z")
    assert not output.exists()


def test_export_refuses_someone_who_is_not_an_administrator(cli, two_classes, tmp_path):
    output = tmp_path / "x.xlsx"

    code, out, err = cli("export", "--class", "6e A", "--output", str(output), "--actor", "eve")

    assert_one_line_error(code, out, err, "not an active administrator")
    assert not output.exists()


def test_export_to_an_unwritable_place_fails_with_one_line(cli, admin, two_classes, tmp_path):
    output = tmp_path / "missing-folder" / "x.xlsx"

    code, out, err = cli("export", "--class", "6e A", "--output", str(output), "--actor", admin)

    assert_one_line_error(code, out, err, "cannot write")


# --- reset -----------------------------------------------------------------------------------


def stored(db, learner_id) -> Learner:
    with db.transaction() as session:
        found = session.get(Learner, learner_id)
        assert found is not None
        return found


def test_reset_of_a_class_resets_its_active_learners_only(cli, db, admin, two_classes):
    before = dump_tables(db)

    code, out, err = cli("reset", "--class", "6e A", "--actor", admin, "--yes")

    assert code == 0, err
    assert "2 passwords reset" in out
    assert verify_password("29022012", stored(db, two_classes["lea"]).password_hash)
    hugo = stored(db, two_classes["hugo"])
    assert verify_password("03072012", hugo.password_hash)
    assert hugo.must_change_password is True
    after = dump_tables(db)
    untouched = {two_classes["gone"], two_classes["ines"]}  # deactivated, other class
    assert [r for r in after["learners"] if r[0] in untouched] == [
        r for r in before["learners"] if r[0] in untouched
    ]
    assert len(after["reset_batches"]) == 1


def test_reset_by_login_can_reset_a_deactivated_learner(cli, db, admin, two_classes):
    code, out, err = cli("reset", "--login", "noé.leroy", "--actor", admin, "--yes")

    assert code == 0, err
    assert "deactivated" in out
    assert verify_password("17052013", stored(db, two_classes["gone"]).password_hash)


def test_reset_without_yes_and_without_a_terminal_changes_nothing(
    cli, db, admin, two_classes, stdin
):
    stdin("y\n")
    before = dump_tables(db)

    code, out, err = cli("reset", "--class", "6e A", "--actor", admin)

    assert_one_line_error(code, out, err, "--yes")
    assert dump_tables(db) == before


@pytest.mark.parametrize("logins", [["inconnu.x"], ["léa.martin", "inconnu.x"]])
def test_reset_of_an_unknown_login_fails_and_changes_nothing(cli, db, admin, two_classes, logins):
    before = dump_tables(db)

    code, out, err = cli("reset", "--login", *logins, "--actor", admin, "--yes")

    assert_one_line_error(code, out, err, "inconnu.x")
    assert dump_tables(db) == before


@pytest.mark.parametrize("target", [["--class", "6e A"], ["--login", "léa.martin"]])
def test_reset_by_someone_who_is_not_an_administrator_changes_nothing(
    cli, db, admin, two_classes, target
):
    before = dump_tables(db)

    code, out, err = cli("reset", *target, "--actor", "eve", "--yes")

    assert_one_line_error(code, out, err, "not an active administrator")
    assert dump_tables(db) == before


def test_reset_of_an_unknown_class_fails(cli, db, admin, two_classes):
    before = dump_tables(db)

    code, out, err = cli("reset", "--class", "6e Z", "--actor", admin, "--yes")

    assert_one_line_error(code, out, err, "6e Z")
    assert dump_tables(db) == before


# --- quickstart ------------------------------------------------------------------------------


PASSWORD_LINE = re.compile(r"^\s*password:\s+(\S+)\s*$", re.MULTILINE)


def test_quickstart_prints_the_generated_password_once(cli, db):
    code, first_out, err = cli("quickstart")

    assert code == 0, err
    passwords = PASSWORD_LINE.findall(first_out)
    assert len(passwords) == 1
    assert authenticate_admin(db, "admin", passwords[0])
    assert learner_count(db) > 0

    code, second_out, err = cli("quickstart")

    assert code == 0, err
    assert not PASSWORD_LINE.search(second_out)
    assert passwords[0] not in second_out
    assert "demo school created" not in second_out
    assert count_admins(db) == 1


def test_quickstart_initialises_a_new_sqlite_file(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCESS_LANGUAGE", "en")
    monkeypatch.setenv("ACCESS_BCRYPT_ROUNDS", "4")  # the demo's hashes at cost 12: 70 s in CI
    url = f"sqlite:///{tmp_path / 'access.db'}"

    code = main(["--database-url", url, "quickstart", "--username", "direction"])

    out = capsys.readouterr().out
    assert code == 0
    assert "administrator: direction" in out
    assert len(PASSWORD_LINE.findall(out)) == 1


# --- configuration errors and the entry point ------------------------------------------------


@pytest.mark.parametrize("value", ["douze", "2", "99"])
def test_an_invalid_bcrypt_cost_is_a_clear_error(cli, db, monkeypatch, value):
    monkeypatch.setenv("ACCESS_BCRYPT_ROUNDS", value)

    code, out, err = cli("demo")

    assert_one_line_error(code, out, err, "ACCESS_BCRYPT_ROUNDS", value)
    assert learner_count(db) == 0


def test_an_invalid_database_url_is_a_clear_error(capsys):
    code = main(["--database-url", "pas une url", "init"])

    captured = capsys.readouterr()
    assert_one_line_error(code, captured.out, captured.err, "ACCESS_DATABASE_URL")


def test_python_m_access_core_help_exits_0():
    result = subprocess.run(
        [sys.executable, "-m", "access_core", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    for command in ("init", "demo", "create-admin", "export", "reset", "quickstart"):
        assert command in result.stdout


def test_the_access_core_script_help_exits_0():
    script = Path(sys.executable).parent / "access-core"
    if not script.exists():
        pytest.skip("the access-core script is not installed next to this interpreter")

    result = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert "usage: access-core" in result.stdout


# --- usage errors (argparse's contract, kept by the click command line) ----------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((), "command"),
        (("no-such-command",), "no-such-command"),
        (("reset", "--actor", "admin"), "--class --login is required"),
        (
            ("reset", "--class", "6e A", "--login", "léa.martin", "--actor", "admin"),
            "--login: not allowed with option --class",
        ),
        (
            ("slips", "--output", "x.pdf", "--actor", "admin", "--class", "6e A", "--all-classes"),
            "not allowed",
        ),
        (("export", "--class", "6e A", "--output", "x.xlsx"), "--actor"),
        (("demo", "--learners", "many"), "many"),
        (("reset", "--class", "6e A", "B", "--actor", "admin"), "unrecognized arguments: B"),
    ],
)
def test_a_usage_error_exits_2_with_the_usage_and_one_error_line(capsys, tmp_path, args, fragment):
    url = f"sqlite:///{tmp_path / 'untouched.db'}"

    with pytest.raises(SystemExit) as exited:
        main(["--database-url", url, *args])

    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.startswith("usage: access-core")
    assert "Traceback" not in err
    assert fragment in err.splitlines()[-1]
    assert ": error: " in err.splitlines()[-1]
    assert not (tmp_path / "untouched.db").exists()


@pytest.mark.parametrize(
    ("args", "command", "option"),
    [
        (("list-classes", "--actor"), "list-classes", "--actor"),
        (("reset", "--class"), "reset", "--class"),
        (("import", "x.csv", "--actor"), "import", "--actor"),
        (("stats", "--format"), "stats", "--format"),
        (("stats", "--actor", "admin", "--database-url"), "stats", "--database-url"),
        (("--database-url",), "", "--database-url"),
    ],
)
def test_an_option_missing_its_value_is_a_usage_error_of_its_command(capsys, args, command, option):
    """docs/command-line.md: a usage error prints the usage line, then ``access-core CMD: error:
    ...``; click raises « requires an argument » without its command, which printed neither."""
    with pytest.raises(SystemExit) as exited:
        main(list(args))

    lines = capsys.readouterr().err.splitlines()
    prog = f"access-core {command}".strip()
    assert exited.value.code == 2
    assert lines[0].startswith(f"usage: {prog} [OPTIONS]")
    assert lines[-1] == f"{prog}: error: Option '{option}' requires an argument."


def test_login_takes_several_logins_after_one_flag(cli, db, admin, two_classes):
    code, out, err = cli("reset", "--login", "léa.martin", "noé.leroy", "--actor", admin, "--yes")

    assert code == 0, err
    assert "2 passwords reset" in out


def test_h_is_help_for_the_program_and_for_a_command(capsys):
    for args in (["-h"], ["reset", "-h"]):
        with pytest.raises(SystemExit) as exited:
            main(args)
        assert exited.value.code == 0
        assert capsys.readouterr().out.startswith("usage: access-core")


def test_reset_lists_a_name_stored_with_an_escape_sequence_as_symbols(cli, db, admin):
    """A name stored before control characters were refused (or written by another program)
    is shown, never acted on: the terminal never receives the ESC of « \\x1b[2J »."""
    add_learner(db, "Nom\x1b[2J\x07", "Zoé", class_name="6e\x1bA", login="zoe.ctrl")

    code, out, err = cli("reset", "--login", "zoe.ctrl", "--actor", admin, "--yes")

    assert code == 0, err
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "Nom␛[2J␇ Zoé" in out and "6e␛A" in out


def test_the_lazy_command_table_names_every_command_its_module_registers() -> None:
    import importlib

    from access_core.cli import base

    for module in set(base.COMMAND_MODULES.values()):
        importlib.import_module(f"access_core.cli.{module}")
    registered = {
        name: command.callback.__module__.rsplit(".", 1)[-1]  # type: ignore[union-attr]
        for name, command in base.cli.commands.items()
    }
    assert registered == base.COMMAND_MODULES
