"""``access-core check``, ``serve``'s command line and the listings (issue 14 items 1, 2, 8)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from access_core.cli import main
from access_core.cli import operations as cli_ops
from access_core.config import load_settings
from access_core.db.engine import absolute_sqlite_url, sqlite_path
from access_core.db.schema import upgrade_schema
from access_core.db.unit_of_work import Database
from access_core.ops.health import head_revision
from tests.conftest import assert_one_line_error
from tests.support.factories import add_learner, create_test_admin

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
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
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


def test_serve_gives_streamlit_the_settings_secrets_file_for_its_auth_table(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ACCESS_SECRETS_FILE", str(tmp_path / "school-secrets.toml"))

    command = cli_ops.serve_command("127.0.0.1", 8600)

    assert f"--secrets.files={tmp_path / 'school-secrets.toml'}" in command


ECHO_SERVER = """
import sys

import uvicorn
from streamlit.web.server.starlette.starlette_server import _get_uvicorn_config_kwargs


async def app(scope, receive, send):  # answers the client address the application sees
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": scope["client"][0].encode()})


kwargs = _get_uvicorn_config_kwargs()  # what Streamlit gives uvicorn (no proxy setting)
assert not {"proxy_headers", "forwarded_allow_ips"} & set(kwargs), kwargs
config = uvicorn.Config(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="error", **kwargs)
uvicorn.Server(config).run()
"""


def _client_seen_by_the_app(env: dict[str, str], forwarded_for: str) -> str:
    """Start uvicorn as Streamlit configures it, in ``env``; one request from 127.0.0.1 with
    ``X-Forwarded-For``: the client address the application was given."""
    import http.client
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", ECHO_SERVER, str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(1200):  # until it listens (or has died)
            assert server.poll() is None, server.communicate()[0]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("the test server never listened")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/", headers={"X-Forwarded-For": forwarded_for})
        return connection.getresponse().read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_lets_only_access_trusted_proxies_decide_whom_to_believe(monkeypatch, tmp_path):
    """Issue 19 item 11: under ``access-core serve``, uvicorn rewrote the client address from
    ``X-Forwarded-For`` for any connection from 127.0.0.1 (its FORWARDED_ALLOW_IPS default),
    so a local process chose the logged and audited address, ACCESS_TRUSTED_PROXIES empty."""
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")  # whatever the caller's environment says
    monkeypatch.setenv("ACCESS_COOKIE_KEY", "k" * 40)
    monkeypatch.setenv("ACCESS_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setattr(cli_ops.os, "chdir", lambda _path: None)
    started: list[dict[str, str]] = []

    def execve(_program: str, _argv: list[str], env: dict[str, str]) -> None:
        started.append(env)
        raise SystemExit(0)

    monkeypatch.setattr(cli_ops.os, "execve", execve)
    with pytest.raises(SystemExit):
        main(["serve", "--port", "8600"])

    (env,) = started
    assert env["FORWARDED_ALLOW_IPS"] == ""
    assert _client_seen_by_the_app(env, "203.0.113.9") == "127.0.0.1"
    # the same server in the caller's environment believes the header: what serve prevents
    monkeypatch.delenv("FORWARDED_ALLOW_IPS")
    assert _client_seen_by_the_app(dict(os.environ), "203.0.113.9") == "203.0.113.9"


@pytest.mark.parametrize("given_by", ["environment", "command line"])
def test_serve_uses_the_database_a_relative_sqlite_url_names_from_the_callers_folder(
    monkeypatch, tmp_path, capsys, given_by
):
    """Review item 12: serve changes directory to the application's folder before starting
    the server, so « sqlite:///var/school.db », used by init from the same folder, named a
    missing file there (and the server wrote its lock file into the application's folder)."""
    monkeypatch.chdir(tmp_path)
    for name in ("ACCESS_DATA_DIR", "ACCESS_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ACCESS_COOKIE_KEY", "k" * 40)
    relative = "sqlite:///var/school.db"
    url_option = ["--database-url", relative] if given_by == "command line" else []
    if given_by == "environment":
        monkeypatch.setenv("ACCESS_DATABASE_URL", relative)
    assert main([*url_option, "init"]) == 0
    moved_to: list[str] = []
    started: list[dict[str, str]] = []

    def execve(_program: str, _argv: list[str], env: dict[str, str]) -> None:
        started.append(env)
        raise SystemExit(0)

    monkeypatch.setattr(cli_ops.os, "chdir", moved_to.append)
    monkeypatch.setattr(cli_ops.os, "execve", execve)
    with pytest.raises(SystemExit):
        main([*url_option, "serve", "--port", "8600"])

    (env,) = started
    (folder,) = moved_to
    served = sqlite_path(env["ACCESS_DATABASE_URL"])
    assert served is not None
    assert Path(folder) != tmp_path
    assert (Path(folder) / served).resolve() == (tmp_path / "var" / "school.db").resolve()


def test_serve_passes_other_database_urls_as_given():
    for url in ("sqlite:////srv/acces/access.db", "postgresql+psycopg://u:p%40ss@db/acces"):
        assert absolute_sqlite_url(url, Path("/elsewhere")) == url


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
    add_learner(
        db,
        "Vidal",
        "Eva",
        class_name="6e B",
        login="eva.v",
        deactivated_at=datetime(2025, 1, 1, tzinfo=UTC),
    )

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
        ["alice", "active"],
        ["bob", "disabled"],
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
