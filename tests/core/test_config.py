import stat
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from access_core import config
from access_core.config import (
    DEFAULT_DATABASE_URL,
    PROJECT_ROOT,
    Settings,
    cookie_key,
    load_settings,
)
from access_core.errors import ConfigError
from access_core.imports.formats.limits import ImportLimits

GOOD_KEY = "k" * 32


def test_defaults_without_any_setting():
    settings = load_settings({})

    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'access.db'}"
    assert settings.bcrypt_rounds == 12
    assert settings.language == "fr"
    assert settings.recent_deactivation_months == 3
    assert settings.timezone == "Europe/Paris"
    assert settings.tz == ZoneInfo("Europe/Paris")
    assert settings.cookie_key is None


def test_every_setting_is_read_from_the_environment_mapping():
    settings = load_settings(
        {
            "ACCESS_DATABASE_URL": " postgresql+psycopg://app@db.example/access ",
            "ACCESS_BCRYPT_ROUNDS": " 10 ",
            "ACCESS_LANGUAGE": "EN",
            "ACCESS_RECENT_DEACTIVATION_MONTHS": "6",
            "ACCESS_TIMEZONE": "America/Montreal",
            "ACCESS_COOKIE_KEY": GOOD_KEY,
        }
    )

    assert settings.database_url == "postgresql+psycopg://app@db.example/access"
    assert settings.bcrypt_rounds == 10
    assert settings.language == "en"
    assert settings.recent_deactivation_months == 6
    assert settings.tz == ZoneInfo("America/Montreal")
    assert settings.cookie_key == GOOD_KEY


def test_empty_values_fall_back_to_the_defaults():
    empty = {
        name: ""
        for name in (
            "ACCESS_DATABASE_URL",
            "ACCESS_BCRYPT_ROUNDS",
            "ACCESS_LANGUAGE",
            "ACCESS_RECENT_DEACTIVATION_MONTHS",
            "ACCESS_TIMEZONE",
            "ACCESS_COOKIE_KEY",
        )
    }

    assert load_settings(empty) == load_settings({})


def test_settings_come_from_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("ACCESS_BCRYPT_ROUNDS", "7")
    monkeypatch.setenv("ACCESS_LANGUAGE", "en")

    settings = load_settings()

    assert (settings.bcrypt_rounds, settings.language) == (7, "en")


def test_overrides_win_over_the_environment():
    settings = load_settings({"ACCESS_BCRYPT_ROUNDS": "10"}, bcrypt_rounds=4, language="en")

    assert (settings.bcrypt_rounds, settings.language) == (4, "en")


def test_the_cookie_key_does_not_show_in_the_settings_repr():
    assert GOOD_KEY not in repr(load_settings({"ACCESS_COOKIE_KEY": GOOD_KEY}))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ACCESS_BCRYPT_ROUNDS", "douze"),
        ("ACCESS_BCRYPT_ROUNDS", "12.5"),
        ("ACCESS_BCRYPT_ROUNDS", "3"),
        ("ACCESS_BCRYPT_ROUNDS", "17"),
        ("ACCESS_BCRYPT_ROUNDS", "-12"),
        ("ACCESS_RECENT_DEACTIVATION_MONTHS", "0"),
        ("ACCESS_RECENT_DEACTIVATION_MONTHS", "trois"),
        ("ACCESS_RECENT_DEACTIVATION_MONTHS", "121"),
        ("ACCESS_LANGUAGE", "de"),
        ("ACCESS_TIMEZONE", "Mars/Olympus_Mons"),
        ("ACCESS_TIMEZONE", "Europe"),
        ("ACCESS_TIMEZONE", "../../etc/passwd"),
        ("ACCESS_IMPORT_MAX_BYTES", "50MB"),
        ("ACCESS_IMPORT_MAX_BYTES", "0"),
        ("ACCESS_IMPORT_MAX_ROWS", "0"),
        ("ACCESS_IMPORT_MAX_ROWS", "vingt mille"),
    ],
)
def test_an_invalid_value_is_a_config_error_naming_the_setting(name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value})


@pytest.mark.parametrize("rounds", ["4", "16"])
def test_bcrypt_rounds_accept_the_limits(rounds):
    assert load_settings({"ACCESS_BCRYPT_ROUNDS": rounds}).bcrypt_rounds == int(rounds)


@pytest.fixture
def settings_in(tmp_path):
    def make(var_dir=None, key=None) -> Settings:
        return replace(load_settings({}), var_dir=var_dir or tmp_path / "var", cookie_key=key)

    return make


def test_a_cookie_key_is_generated_once_into_var_and_then_reused(settings_in, tmp_path):
    settings = settings_in()
    assert not (tmp_path / "var").exists()

    first = cookie_key(settings)
    second = cookie_key(settings)
    from_another_process = cookie_key(settings_in())

    assert first == second == from_another_process
    assert len(first.encode("utf-8")) >= 32
    path = tmp_path / "var" / "cookie_key"
    assert path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_two_installations_get_two_different_cookie_keys(settings_in, tmp_path):
    assert cookie_key(settings_in(tmp_path / "one")) != cookie_key(settings_in(tmp_path / "two"))


def test_a_configured_cookie_key_is_used_and_nothing_is_written(settings_in, tmp_path):
    key = "a-long-enough-random-secret-key-0123456789"

    assert cookie_key(settings_in(key=key)) == key
    assert not (tmp_path / "var" / "cookie_key").exists()


@pytest.mark.parametrize("key", ["short", "k" * 31, "é" * 15])
def test_a_configured_cookie_key_shorter_than_32_bytes_is_refused(settings_in, key):
    with pytest.raises(ConfigError, match="32 bytes"):
        cookie_key(settings_in(key=key))


def test_a_cookie_key_of_32_bytes_is_accepted(settings_in):
    assert cookie_key(settings_in(key="é" * 16)) == "é" * 16


def test_a_short_key_left_in_var_is_refused(settings_in, tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "cookie_key").write_text("trop-court\n")

    with pytest.raises(ConfigError, match="shorter than 32 bytes"):
        cookie_key(settings_in())


def test_the_import_limits_are_settings():
    assert load_settings({}).import_limits == ImportLimits(50 * 1024 * 1024, 20_000)
    limits = load_settings(
        {"ACCESS_IMPORT_MAX_BYTES": "1048576", "ACCESS_IMPORT_MAX_ROWS": "3000"}
    ).import_limits
    assert limits == ImportLimits(max_bytes=1024 * 1024, max_rows=3000)


# --- the data directory (issue 20 item 9) -----------------------------------------------------


def test_access_data_dir_holds_the_default_database_and_the_cookie_key(tmp_path):
    settings = load_settings({"ACCESS_DATA_DIR": str(tmp_path / "data")})

    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'access.db'}"
    assert settings.var_dir == tmp_path / "data"
    cookie_key(settings)
    assert (tmp_path / "data" / "cookie_key").is_file()


def test_access_database_url_wins_over_access_data_dir(tmp_path):
    settings = load_settings(
        {"ACCESS_DATA_DIR": str(tmp_path), "ACCESS_DATABASE_URL": "sqlite:///x.db"}
    )

    assert settings.database_url == "sqlite:///x.db"
    assert settings.var_dir == tmp_path


def test_a_relative_access_data_dir_is_refused():
    with pytest.raises(ConfigError, match="ACCESS_DATA_DIR must be an absolute path, got 'data'"):
        load_settings({"ACCESS_DATA_DIR": "data"})


def test_from_a_checkout_the_data_stay_in_its_var_folder():
    assert config.from_checkout()
    assert config.default_data_dir({"XDG_DATA_HOME": "/elsewhere"}) == PROJECT_ROOT / "var"


def test_installed_the_data_go_to_the_users_data_directory(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path / "site-packages")  # no pyproject.toml
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    assert not config.from_checkout()
    assert config.default_data_dir({"XDG_DATA_HOME": "/srv/data"}) == Path(
        "/srv/data/acces-apprenants"
    )
    assert config.default_data_dir({}) == tmp_path / "home" / ".local/share/acces-apprenants"
    assert config.default_data_dir({"XDG_DATA_HOME": "relative"}) == (
        tmp_path / "home" / ".local/share/acces-apprenants"
    )
    assert config.secrets_file({"ACCESS_DATA_DIR": "/var/lib/acces"}) == Path(
        "/var/lib/acces/secrets.toml"
    )
