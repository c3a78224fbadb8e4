"""``access-core check``, ``serve``'s command line and the listings (issue 14 items 1, 2, 8)."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from access_core.cli import main
from access_core.cli import operations as cli_ops
from access_core.config import load_settings
from access_core.db import Database, upgrade_schema
from access_core.health import head_revision
from tests.conftest import assert_one_line_error
from tests.factories import add_learner, create_test_admin

SCRIPT = Path(sys.executable).with_name("access-core")


def test_check_reports_backend_schema_writable_and_counts(cli, db, admin):
    add_learner(db, "Martin", "Léa", class_name="6e A")
    add_learner(db, "Petit", "Jules", class_name="6e B")

    code, out, err = cli("check")

    assert code == 0, err
    assert f"backend:   {db.backend}" in out
    assert f"schema:    {head_revision()} (code: {head_revision()})" in out
    assert "writable:  yes" in out
    assert "learners:                2" in out
    assert "classes:                 2" in out
    assert out.strip().endswith("ok")


def test_check_fails_on_a_missing_database_file(capsys, tmp_path):
    code = main(["--database-url", f"sqlite:///{tmp_path / 'typo.db'}", "check"])

    captured = capsys.readouterr()
    assert code == 1
    assert "no SQLite database file" in captured.err
    assert not (tmp_path / "typo.db").exists()


def test_check_through_the_installed_script_on_an_unreachable_server():
    result = subprocess.run(
        [str(SCRIPT), "check", "--database-url", "postgresql+psycopg://u:pw@127.0.0.1:1/x"],
        capture_output=True, text=True, timeout=120, check=False,
    )

    assert result.returncode == 1
    assert "cannot be reached" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_serve_passes_the_projects_server_settings_whatever_the_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    command = cli_ops.serve_command("0.0.0.0", 8600, "/acces/")  # noqa: S104

    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert command[4] == str(cli_ops.PROJECT_ROOT / "app.py")
    for flag in (
        "--client.showErrorDetails=none",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=viewer",
        "--server.enableXsrfProtection=true",
        "--server.address=0.0.0.0",
        "--server.port=8600",
        "--server.baseUrlPath=acces",
    ):
        assert flag in command


def test_the_streamlit_cookie_secret_is_derived_from_the_cookie_key(tmp_path):
    one = load_settings({"ACCESS_COOKIE_KEY": "a" * 40}, var_dir=tmp_path)
    same = load_settings({"ACCESS_COOKIE_KEY": "a" * 40}, var_dir=tmp_path)
    other = load_settings({"ACCESS_COOKIE_KEY": "b" * 40}, var_dir=tmp_path)

    assert cli_ops.cookie_secret(one) == cli_ops.cookie_secret(same)
    assert cli_ops.cookie_secret(one) != cli_ops.cookie_secret(other)
    assert "a" * 40 not in cli_ops.cookie_secret(one)


# --- listings and admin commands ---------------------------------------------------------------


def test_list_classes_with_active_learner_counts(cli, db, admin):
    add_learner(db, "Martin", "Léa", class_name="6e B")
    add_learner(db, "Petit", "Jules", class_name="6e B")
    add_learner(db, "Roux", "Tom", class_name="10e A")
    add_learner(db, "Vidal", "Eva", class_name="6e B", login="eva.v",
                deactivated_at=datetime(2025, 1, 1, tzinfo=UTC))

    code, out, err = cli("list-classes", "--actor", admin)

    assert code == 0, err
    assert out.splitlines() == ["6e B\t2", "10e A\t1"]


def test_an_unknown_class_suggests_the_closest_names(cli, db, admin):
    add_learner(db, "Martin", "Léa", class_name="6e A")
    add_learner(db, "Petit", "Jules", class_name="5e B")

    code, out, err = cli("export", "--class", "6eA", "--output", "x.xlsx", "--actor", admin)

    assert_one_line_error(code, out, err, "no class named '6eA'", "did you mean: 6e A")


def test_list_admins_and_enable_admin(cli, db):
    create_test_admin(db, "alice")
    create_test_admin(db, "bob")
    assert cli("disable-admin", "bob")[0] == 0

    code, out, _ = cli("list-admins")
    assert [line.split("\t")[:2] for line in out.splitlines()] == [
        ["alice", "active"], ["bob", "disabled"]
    ]

    code, out, err = cli("enable-admin", "bob")
    assert code == 0, err
    assert "bob\tactive" in cli("list-admins")[1]


def test_database_url_is_accepted_after_the_command(capsys, database_url):
    db = Database.from_url(database_url)
    create_test_admin(db, "carol")
    db.dispose()

    code = main(["list-admins", "--database-url", database_url])

    assert code == 0
    assert "carol" in capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("access-core 0.")


# --- item 9 ------------------------------------------------------------------------------------


def test_bcrypt_rounds_are_capped_at_16():
    from access_core.errors import ConfigError

    assert load_settings({"ACCESS_BCRYPT_ROUNDS": "16"}).bcrypt_rounds == 16
    with pytest.raises(ConfigError, match="between 4 and 16, got 17"):
        load_settings({"ACCESS_BCRYPT_ROUNDS": "17"})


def test_the_secrets_file_is_ignored_by_git():
    root = cli_ops.PROJECT_ROOT
    result = subprocess.run(
        ["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=root, check=False
    )

    assert result.returncode == 0


def test_init_says_what_it_did(capsys, empty_database_url, monkeypatch):
    monkeypatch.setenv("ACCESS_LANGUAGE", "en")
    upgrade_schema(empty_database_url, "0001")

    code = main(["--database-url", empty_database_url, "init"])

    assert code == 0
    expected = f"schema upgraded from revision 0001 to {head_revision()}"
    assert capsys.readouterr().out.strip() == expected


def test_help_texts_have_no_raw_markup(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out

    assert "``" not in text
    assert "**" not in text
    for command in ("check", "backup", "restore", "serve", "list-classes", "enable-admin"):
        assert command in text


def test_the_login_cookie_name_follows_the_base_url_path():
    from streamlit import config as st_config

    from access_ui.auth import COOKIE_NAME, cookie_name

    saved = st_config.get_option("server.baseUrlPath")
    try:
        st_config.set_option("server.baseUrlPath", "")
        assert cookie_name() == COOKIE_NAME
        st_config.set_option("server.baseUrlPath", "/lycee-a/")
        first = cookie_name()
        st_config.set_option("server.baseUrlPath", "lycee-b")
        second = cookie_name()
    finally:
        st_config.set_option("server.baseUrlPath", saved)

    assert first == f"{COOKIE_NAME}_lycee_a"
    assert second == f"{COOKIE_NAME}_lycee_b"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("language", "answer", "prompt", "reset"),
    [
        ("fr", "non", "Réinitialiser ces mots de passe ? [o/N]", False),
        ("fr", "oui", "Réinitialiser ces mots de passe ? [o/N]", True),
        ("fr", "o", "Réinitialiser ces mots de passe ? [o/N]", True),
        ("en", "yes", "Reset these passwords? [y/N]", True),
        ("en", "n", "Reset these passwords? [y/N]", False),
    ],
)
def test_the_reset_confirmation_speaks_access_language(
    cli, db, admin, monkeypatch, language, answer, prompt, reset
):
    add_learner(db, "Martin", "Léa", class_name="6e A", login="lea.martin")
    monkeypatch.setenv("ACCESS_LANGUAGE", language)
    monkeypatch.setattr(sys, "stdin", _Terminal(answer + "\n"))

    code, out, err = cli("reset", "--login", "lea.martin", "--actor", admin)

    assert prompt in out
    assert code == (0 if reset else 1), err
    if not reset:
        assert ("annulé, rien n'a été modifié" if language == "fr" else "cancelled") in out
