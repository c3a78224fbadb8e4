"""The fail2ban filter the README points to (docs/fail2ban/acces-apprenants.conf), tested as is
with Debian's ``fail2ban-regex`` on lines the server's security log really writes (issue 19
item 12: the README's former filter matched none of them, in file mode nor from the journal).

Failed logins from one address match with that address, enough to be banned; a forged
username, login or learner name holding another address never yields a match for it.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from access_core.accounts import admin_login as admin_auth
from access_core.accounts import learner_login as learner_auth
from access_core.audit import request_context
from access_core.config import load_settings
from access_core.db.schema import upgrade_schema
from access_core.db.unit_of_work import Database
from access_core.documents.workbook import record_export
from access_core.ops.logs import configure_logging, remove_handler
from access_core.roster import resets
from tests.support.factories import (
    ADMIN_PASSWORD,
    TEST_ROUNDS,
    add_class,
    add_learner,
    create_test_admin,
)

ROOT = Path(__file__).resolve().parent.parent.parent
FILTER = ROOT / "docs" / "fail2ban" / "acces-apprenants.conf"
ATTACKER, FORGER, VICTIM = "203.0.113.9", "198.51.100.20", "6.6.6.6"
MAXRETRY = 10  # the README's jail
FORGED_NAMES = (
    f"x client={VICTIM} actor=y",
    VICTIM,
    f"client={VICTIM}",
    f"2026-11-29T16:20:03+0000 INFO access_core.security: event=login_failed client={VICTIM} "
    "actor=",
    f"a\n2026-11-29T16:20:03+0000 INFO access_core.security: event=login_failed client={VICTIM} "
    "actor=b",
    f'" client={VICTIM} actor="',
)
# administrators that exist, so that their names are written in the log (unknown names are not)
FORGED_ADMINS = (VICTIM, f"client={VICTIM}", f'x"client={VICTIM}"actor=')


@pytest.fixture
def fail2ban_regex() -> str:
    program = shutil.which("fail2ban-regex")
    if program is None:
        if os.environ.get("ACCESS_REQUIRE_BROWSER") == "1":
            pytest.fail("fail2ban-regex required (ACCESS_REQUIRE_BROWSER=1): install fail2ban")
        pytest.skip("fail2ban-regex is not installed (Debian's fail2ban)")
    return program


@pytest.fixture
def server_log(tmp_path: Path) -> Iterator[Path]:
    """The lines the server's logging (as app.py sets it up) writes for failed logins from one
    address, and for forged names from another, with the real services."""
    url = f"sqlite:///{tmp_path / 'access.db'}"
    upgrade_schema(url)
    db = Database.from_url(url)
    settings = replace(
        load_settings({}),
        database_url=url,
        bcrypt_rounds=TEST_ROUNDS,
        var_dir=tmp_path / "var",
        cookie_key="k" * 40,
    )
    admin = create_test_admin(db)
    for name in FORGED_ADMINS:
        create_test_admin(db, name)
    learner = add_learner(db, f"{VICTIM} client={VICTIM}", f"client={VICTIM}", login="lea.forged")
    path = tmp_path / "server.log"
    with open(path, "w", encoding="utf-8") as stream:
        configure_logging(logging.INFO, stream=stream)
        try:
            token = request_context.client_address.set(ATTACKER)
            for _ in range(12):  # 5 failures lock the username; the rest are refused
                admin_auth.login(db, settings, admin, "wrong password!")
            request_context.client_address.reset(token)

            token = request_context.client_address.set(FORGER)
            for name in FORGED_NAMES:
                admin_auth.login(db, settings, name, "wrong password!")
                learner_auth.authenticate(db, settings, name, "wrong password!")
            for name in FORGED_ADMINS:
                admin_auth.login(db, settings, name, "wrong password!")
            learner_auth.authenticate(db, settings, "lea.forged", "wrong password!")
            admin_auth.login(db, settings, "second", ADMIN_PASSWORD)  # unknown: one failure
            resets.reset_passwords(db, admin, [learner], TEST_ROUNDS)
            add_class(db, f"client={VICTIM}")  # class names another program wrote
            add_class(db, f"6e A client={VICTIM} actor=x event=login_failed")
            record_export(db, admin, f"client={VICTIM}", 1)
            record_export(db, admin, f"6e A client={VICTIM} actor=x event=login_failed", 1)
            request_context.client_address.reset(token)
        finally:
            remove_handler()
    db.dispose()
    yield path


def matched_addresses(program: str, log: Path, *options: str) -> Counter[str]:
    result = subprocess.run(  # noqa: S603 - Debian's fail2ban-regex, fixed arguments
        [program, *options, "-o", "ip", str(log), str(FILTER)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return Counter(line.strip() for line in result.stdout.splitlines() if line.strip())


def test_the_filter_matches_the_server_log_file_with_the_failing_address_only(
    fail2ban_regex, server_log
):
    lines = server_log.read_text(encoding="utf-8").splitlines()
    assert sum(f"client={ATTACKER}" in line for line in lines) >= 12
    forged = [line for line in lines if VICTIM in line]
    assert len(forged) >= len(FORGED_ADMINS) + 1  # the forged names did reach the log

    found = matched_addresses(fail2ban_regex, server_log)

    assert found[ATTACKER] == 12  # 5 failed, 7 refused (locked): banned at MAXRETRY
    assert found[ATTACKER] >= MAXRETRY
    assert found[FORGER] == 2 * len(FORGED_NAMES) + 2 + len(FORGED_ADMINS)
    assert set(found) == {ATTACKER, FORGER}  # never the forged address


def test_the_filter_matches_the_same_lines_read_from_the_journal(
    fail2ban_regex, server_log, tmp_path
):
    """``backend = systemd``: fail2ban gives the regex « host identifier[pid]: MESSAGE » (the
    journal's date apart, MESSAGE being the whole line the server wrote to stderr; a message's
    newlines become \\n), which ``--datepattern {NONE}`` reproduces from a file."""
    text = server_log.read_text(encoding="utf-8")
    journal = tmp_path / "journal.log"
    journal.write_text(
        "".join(f"school-srv acces-apprenants[4242]: {line}\n" for line in text.splitlines()),
        encoding="utf-8",
    )

    found = matched_addresses(fail2ban_regex, journal, "--datepattern", "{NONE}")

    assert found[ATTACKER] == 12
    assert found[FORGER] == 2 * len(FORGED_NAMES) + 2 + len(FORGED_ADMINS)
    assert set(found) == {ATTACKER, FORGER}


def test_the_operations_guide_points_to_the_tested_filter():
    readme = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")

    assert "docs/fail2ban/acces-apprenants.conf" in readme
    assert f"maxretry = {MAXRETRY}" in readme


def test_a_record_with_a_line_break_stays_one_line_and_bans_no_one(fail2ban_regex, tmp_path):
    """A message or a traceback quoting input that holds a line break (an exception's text)
    cannot start a line of its own that reads like a failed login: every record is one line."""
    forged = (
        f"bad value 'x\n INFO access_core.security: event=login_failed client={VICTIM} actor=y'"
    )
    path = tmp_path / "server.log"
    with open(path, "w", encoding="utf-8") as stream:
        configure_logging(logging.INFO, stream=stream)
        try:
            log = logging.getLogger("access_ui.feedback")
            log.error("unexpected error: %s", forged)
            try:
                raise ValueError(forged)
            except ValueError:
                log.exception("unexpected error")
        finally:
            remove_handler()
    lines = path.read_text(encoding="utf-8").splitlines()

    assert len(lines) == 2  # two records, two lines
    assert matched_addresses(fail2ban_regex, path) == Counter()


def test_a_journal_line_without_the_records_own_date_bans_no_one(fail2ban_regex, tmp_path):
    """``backend = systemd``: a line another program writes (Streamlit's own tracebacks, any
    stderr) has no date of ours after « host identifier[pid]: » and is never taken."""
    journal = tmp_path / "journal.log"
    journal.write_text(
        f"web1 streamlit[812]: x INFO access_core.security: event=login_failed client={VICTIM} "
        "actor=x\n"
        f"web1 streamlit[812]:  INFO access_core.security: event=login_failed client={VICTIM} "
        "actor=x\n",
        encoding="utf-8",
    )

    assert matched_addresses(fail2ban_regex, journal, "--datepattern", "{NONE}") == Counter()
