"""One settings loader: the environment first, then the secrets file, then the defaults, used
alike by the command line, ``app.py``'s start-up check and the pages, with the source of each
setting.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

import access_core.config
from access_core.accounts import sessions
from access_core.cli import main as cli_main
from access_core.config import (
    SOURCE_DEFAULT,
    SOURCE_ENVIRONMENT,
    SOURCE_SECRETS_FILE,
    load_settings,
    load_settings_with_sources,
    startup_check,
)
from access_core.db.models import Admin
from access_core.db.unit_of_work import Database
from access_core.errors import ConfigError
from access_core.text.catalogue import t
from access_ui.session import SESSION_ID, USERNAME
from tests.support.factories import add_class, add_learner
from tests.support.pages import TIMEOUT_S, no_exception
from tests.support.sessions import POLICY

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD_KEY = "s" * 40


def write_secrets(path: Path, **values: object) -> Path:
    lines = []
    for key, value in values.items():
        lines.append(f"{key} = {value}" if isinstance(value, int) else f'{key} = "{value}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- the loader ---------------------------------------------------------------------------


def test_a_key_only_in_the_secrets_file_is_used(tmp_path: Path) -> None:
    path = write_secrets(tmp_path / "secrets.toml", ACCESS_LANGUAGE="en", ACCESS_BCRYPT_ROUNDS=10)
    settings, sources = load_settings_with_sources({}, path)
    assert (settings.language, settings.bcrypt_rounds) == ("en", 10)
    assert sources["ACCESS_LANGUAGE"] == sources["ACCESS_BCRYPT_ROUNDS"] == SOURCE_SECRETS_FILE
    assert sources["ACCESS_TIMEZONE"] == SOURCE_DEFAULT


def test_the_environment_wins_over_the_secrets_file(tmp_path: Path) -> None:
    path = write_secrets(tmp_path / "secrets.toml", ACCESS_LANGUAGE="en", ACCESS_TIMEZONE="UTC")
    settings, sources = load_settings_with_sources({"ACCESS_LANGUAGE": "fr"}, path)
    assert (settings.language, settings.timezone) == ("fr", "UTC")
    assert sources["ACCESS_LANGUAGE"] == SOURCE_ENVIRONMENT
    assert sources["ACCESS_TIMEZONE"] == SOURCE_SECRETS_FILE


def test_an_empty_environment_value_leaves_the_secrets_file_value(tmp_path: Path) -> None:
    path = write_secrets(tmp_path / "secrets.toml", ACCESS_LANGUAGE="en")
    settings, sources = load_settings_with_sources({"ACCESS_LANGUAGE": ""}, path)
    assert settings.language == "en" and sources["ACCESS_LANGUAGE"] == SOURCE_SECRETS_FILE


def test_without_a_secrets_file_every_setting_is_from_the_environment_or_a_default(
    tmp_path: Path,
) -> None:
    settings, sources = load_settings_with_sources(
        {"ACCESS_SESSION_HOURS": "8"}, tmp_path / "absent.toml"
    )
    assert settings.session_hours == 8
    assert sources.pop("ACCESS_SESSION_HOURS") == SOURCE_ENVIRONMENT
    assert set(sources.values()) == {SOURCE_DEFAULT}
    assert "ACCESS_COOKIE_SECURE" in sources and "ACCESS_DATABASE_URL" in sources


def test_other_keys_and_tables_of_the_secrets_file_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "secrets.toml"
    path.write_text(
        'OTHER = "x"\nACCESS_LANGUAGE = "en"\n[connections]\nACCESS_TIMEZONE = "UTC"\n',
        encoding="utf-8",
    )
    settings, sources = load_settings_with_sources({}, path)
    assert settings.language == "en" and settings.timezone == "Europe/Paris"
    assert "OTHER" not in sources


def test_a_malformed_secrets_file_is_a_config_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "secrets.toml"
    path.write_text('ACCESS_LANGUAGE = "en\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="secrets.toml cannot be read"):
        load_settings_with_sources({}, path)


def test_access_secrets_file_names_the_file(tmp_path: Path) -> None:
    path = write_secrets(tmp_path / "elsewhere.toml", ACCESS_LANGUAGE="en")
    settings, _ = load_settings_with_sources({"ACCESS_SECRETS_FILE": str(path)})
    assert settings.language == "en"


@pytest.mark.parametrize("value", ["auto", "true", "false", " TRUE "])
def test_the_cookie_secure_setting_accepts_its_three_values(value: str) -> None:
    assert load_settings({"ACCESS_COOKIE_SECURE": value}).cookie_secure == value.strip().lower()


def test_the_cookie_secure_setting_defaults_to_auto_and_refuses_anything_else() -> None:
    assert load_settings({}).cookie_secure == "auto"
    with pytest.raises(ConfigError, match="ACCESS_COOKIE_SECURE must be one of auto, true"):
        load_settings({"ACCESS_COOKIE_SECURE": "yes"})


# --- the CLI, the start-up check and a page agree -------------------------------------------


@pytest.fixture
def secrets_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, db: Database
) -> Path:
    """No ACCESS_* variable in the environment but ACCESS_SECRETS_FILE; the secrets file
    names the test database, English and a cookie key. The default database is a decoy."""
    for name in list(os.environ):
        if name.startswith("ACCESS_") and name != "ACCESS_TEST_DATABASE_URLS":
            monkeypatch.delenv(name)
    path = write_secrets(
        tmp_path / "secrets.toml",
        ACCESS_DATABASE_URL=database_url,
        ACCESS_LANGUAGE="en",
        ACCESS_COOKIE_KEY=GOOD_KEY,
        ACCESS_BCRYPT_ROUNDS=4,
    )
    monkeypatch.setenv("ACCESS_SECRETS_FILE", str(path))
    decoy = tmp_path / "decoy" / "access.db"
    monkeypatch.setattr(access_core.config, "DEFAULT_DATABASE_URL", f"sqlite:///{decoy}")
    st.cache_resource.clear()
    return path


def test_keys_only_in_the_secrets_file_reach_the_cli_the_start_up_check_and_a_page(
    secrets_only: Path,
    db: Database,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The command line (no --database-url) creates the administrator in the secrets' database.
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    assert cli_main(["create-admin", "secretariat", "--password-stdin"]) == 0
    with db.transaction() as session:
        assert session.scalar(select(Admin.username)) == "secretariat"
    assert not (tmp_path / "decoy" / "access.db").exists()

    # The start-up check validates that same configuration.
    checked = startup_check()
    assert checked.database_url == database_url
    assert (checked.language, checked.cookie_key) == ("en", GOOD_KEY)

    # A page run uses it too: that administrator, that database, in English.
    add_class(db, "6e A")
    add_learner(db, "Quennevat", "Anouk", class_name="6e A", login="anouk.quennevat")
    at = AppTest.from_file(str(ROOT / "pages" / "learner_access.py"), default_timeout=TIMEOUT_S)
    at.session_state[SESSION_ID] = sessions.start(db, "secretariat", POLICY)
    at.session_state[USERNAME] = "secretariat"
    at.run()
    no_exception(at)
    assert at.title[0].value == t("page_learner_access", "en")
    assert "anouk.quennevat" in at.data_editor[0].value["Login"].tolist()
    st.cache_resource.clear()


def test_the_server_refuses_a_short_cookie_key_found_only_in_the_secrets_file(
    tmp_path: Path,
) -> None:
    path = write_secrets(
        tmp_path / "secrets.toml",
        ACCESS_COOKIE_KEY="too-short-a-key",
        ACCESS_DATABASE_URL=f"sqlite:///{tmp_path / 'access.db'}",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}
    env["ACCESS_SECRETS_FILE"] = str(path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            "0",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "ACCESS_COOKIE_KEY must be at least 32 bytes" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_check_says_where_each_setting_came_from(
    secrets_only: Path,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ACCESS_TIMEZONE", "Europe/Paris")

    assert cli_main(["check"]) == 0

    out = capsys.readouterr().out
    assert "setting ACCESS_DATABASE_URL: secrets file" in out
    assert "setting ACCESS_BCRYPT_ROUNDS: secrets file" in out
    assert "setting ACCESS_TIMEZONE: environment" in out
    assert "setting ACCESS_SESSION_HOURS: default" in out
