"""Settings: one loader for the dashboard, its start-up check and the command line.

Each ``ACCESS_*`` setting comes from the environment first, then from the secrets file
(``.streamlit/secrets.toml`` under the project, or the file named by ``ACCESS_SECRETS_FILE``),
read with ``tomllib`` (no Streamlit needed), then its default. ``load_settings_with_sources``
also says where each one came from.
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from access_core.errors import ConfigError
from access_core.imports.formats.limits import ImportLimits

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR_VARIABLE = "ACCESS_DATA_DIR"
DATA_DIR_NAME = "acces-apprenants"


def from_checkout() -> bool:
    """Run from a source checkout (app.py and pyproject.toml beside ``access_core``), not from
    an installed wheel."""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "app.py").is_file()


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the data live without ``ACCESS_DATA_DIR``: the checkout's ``var/``; installed,
    ``$XDG_DATA_HOME/acces-apprenants`` (``~/.local/share/acces-apprenants``)."""
    if from_checkout():
        return PROJECT_ROOT / "var"
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_DATA_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / DATA_DIR_NAME


def _data_dir(values: Mapping[str, str]) -> Path | None:
    """``ACCESS_DATA_DIR``, an absolute path (``serve`` changes the working directory)."""
    raw = str(values.get(DATA_DIR_VARIABLE) or "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.is_absolute():
        raise ConfigError(f"{DATA_DIR_VARIABLE} must be an absolute path, got {raw!r}")
    return path


VAR_DIR = default_data_dir()
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'access.db'}"
SECRETS_FILE = (
    PROJECT_ROOT / ".streamlit" / "secrets.toml" if from_checkout() else VAR_DIR / "secrets.toml"
)
SECRETS_FILE_VARIABLE = "ACCESS_SECRETS_FILE"
SOURCE_ENVIRONMENT = "environment"
SOURCE_SECRETS_FILE = "secrets file"
SOURCE_DEFAULT = "default"
DEFAULT_TEACHER_MAX_RESET = 40  # a class: the most learners one teacher resets in one batch
COOKIE_SECURE_MODES = ("auto", "true", "false")
LANGUAGES = ("fr", "en")
SHOW_DIGITS, SHOW_HINT = "digits", "hint"  # ACCESS_SLIPS_PASSWORD: print the digits or a hint
SLIPS_PASSWORD_MODES = (SHOW_DIGITS, SHOW_HINT)
# ACCESS_LOCAL_LOGIN: who may log in with a password of this project (the provider's sign-in
# is unaffected): everyone, only the accounts named in ACCESS_BREAKGLASS_ACCOUNTS, or no one.
LOCAL_LOGIN_ALL, LOCAL_LOGIN_BREAKGLASS, LOCAL_LOGIN_OFF = "all", "breakglass", "off"
LOCAL_LOGIN_MODES = (LOCAL_LOGIN_ALL, LOCAL_LOGIN_BREAKGLASS, LOCAL_LOGIN_OFF)
_CLAIM_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,100}")
MIN_COOKIE_KEY_BYTES = 32
# bcrypt doubles its work per round: cost 16 is ~5 s a hash on one core here (a reset of a
# class of 30 would take minutes), 31 would be days. Higher is refused, not silently capped.
MAX_BCRYPT_ROUNDS = 16


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    bcrypt_rounds: int = 12
    language: str = "fr"
    recent_deactivation_months: int = 3
    journal_retention_months: int = 12
    timezone: str = "Europe/Paris"
    cookie_key: str | None = field(default=None, repr=False)
    var_dir: Path = VAR_DIR
    login_max_failures: int = 5
    login_window_minutes: int = 15
    lockout_minutes: int = 15
    session_hours: int = 12
    idle_timeout_minutes: int = 30
    initial_password_days: int = 60
    cookie_secure: str = "auto"
    import_max_deactivation_share: int = 10  # percent of the active learners
    import_max_bytes: int = 50 * 1024 * 1024  # a roster file, and all it decompresses to
    import_max_rows: int = 20_000  # pupils in one roster file
    reset_undo_minutes: int = 15  # a reset may be undone this long after (0: never)
    teacher_max_reset: int = DEFAULT_TEACHER_MAX_RESET  # learners in one teacher's reset

    @property
    def import_limits(self) -> ImportLimits:
        return ImportLimits(self.import_max_bytes, self.import_max_rows)

    school_name: str = ""
    portal_url: str = ""
    slips_password: str = SHOW_DIGITS
    # OpenID Connect sign-in (the provider itself is the secrets file's [auth] table)
    oidc_username_claim: str = "email"
    oidc_create_teachers: bool = False
    local_login: str = LOCAL_LOGIN_ALL
    breakglass_accounts: tuple[str, ...] = ()

    def local_login_allowed(self, username: str) -> bool:
        """Whether ``username`` (stripped, lower-cased) may log in with a local password."""
        if self.local_login == LOCAL_LOGIN_ALL:
            return True
        return self.local_login == LOCAL_LOGIN_BREAKGLASS and username in self.breakglass_accounts

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _int_setting(values: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = values.get(name)
    if raw is None or str(raw).strip() == "":
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _choice(values: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = str(values.get(name) or choices[0]).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _bool_setting(values: Mapping[str, str], name: str, default: bool) -> bool:
    raw = str(values.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("true", "1", "yes", "on"):
        return True
    if raw in ("false", "0", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _claim_name(values: Mapping[str, str]) -> str:
    claim = str(values.get("ACCESS_OIDC_USERNAME_CLAIM") or "email").strip()
    if not _CLAIM_NAME.fullmatch(claim):
        raise ConfigError(f"ACCESS_OIDC_USERNAME_CLAIM is not a claim name, got {claim!r}")
    return claim


def _account_names(values: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of usernames, compared as logins compare them."""
    raw = str(values.get(name) or "")
    return tuple(sorted({part.strip().lower() for part in raw.split(",") if part.strip()}))


def secrets_file(environ: Mapping[str, str] | None = None) -> Path:
    """The secrets file: ``ACCESS_SECRETS_FILE`` if set, else the checkout's
    ``.streamlit/secrets.toml`` (whatever the current directory); installed, ``secrets.toml``
    in the data directory (``ACCESS_DATA_DIR`` from the environment, else the default)."""
    env = os.environ if environ is None else environ
    named = env.get(SECRETS_FILE_VARIABLE)
    if named:
        return Path(named)
    data_dir = None if from_checkout() else _data_dir(env)
    return data_dir / "secrets.toml" if data_dir else SECRETS_FILE


def read_secrets_file(path: Path) -> dict[str, str]:
    """The ``ACCESS_*`` keys at the top level of a TOML secrets file (none if it is absent)."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read: {exc}") from None
    return {
        key: str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in data.items()
        if key.startswith("ACCESS_") and not isinstance(value, dict | list)
    }


def merged_values(
    environ: Mapping[str, str] | None = None, secrets_path: Path | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """The ``ACCESS_*`` values, the environment first then the secrets file, and the source of
    each (``"environment"`` or ``"secrets file"``)."""
    env = os.environ if environ is None else environ
    from_file = read_secrets_file(secrets_path or secrets_file(env))
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for key, value in from_file.items():
        values[key], sources[key] = value, SOURCE_SECRETS_FILE
    for key, value in env.items():
        if key.startswith("ACCESS_") and str(value).strip() != "":
            values[key], sources[key] = str(value), SOURCE_ENVIRONMENT
    return values, sources


SETTING_NAMES = (
    "ACCESS_DATABASE_URL",
    "ACCESS_BCRYPT_ROUNDS",
    "ACCESS_LANGUAGE",
    "ACCESS_RECENT_DEACTIVATION_MONTHS",
    "ACCESS_JOURNAL_RETENTION_MONTHS",
    "ACCESS_TIMEZONE",
    "ACCESS_COOKIE_KEY",
    "ACCESS_LOGIN_MAX_FAILURES",
    "ACCESS_LOGIN_WINDOW_MINUTES",
    "ACCESS_LOCKOUT_MINUTES",
    "ACCESS_SESSION_HOURS",
    "ACCESS_IDLE_TIMEOUT_MINUTES",
    "ACCESS_INITIAL_PASSWORD_DAYS",
    "ACCESS_COOKIE_SECURE",
    "ACCESS_IMPORT_MAX_DEACTIVATION_SHARE",
    "ACCESS_IMPORT_MAX_BYTES",
    "ACCESS_IMPORT_MAX_ROWS",
    "ACCESS_TRUSTED_PROXIES",
    "ACCESS_HEALTH_CACHE_SECONDS",
    "ACCESS_SCHOOL_NAME",
    "ACCESS_PORTAL_URL",
    "ACCESS_SLIPS_PASSWORD",
    "ACCESS_TEACHER_MAX_RESET",
    "ACCESS_DATA_DIR",
    "ACCESS_OIDC_USERNAME_CLAIM",
    "ACCESS_OIDC_CREATE_TEACHERS",
    "ACCESS_LOCAL_LOGIN",
    "ACCESS_BREAKGLASS_ACCOUNTS",
    "ACCESS_RESET_UNDO_MINUTES",
)


def load_settings_with_sources(
    environ: Mapping[str, str] | None = None, secrets_path: Path | None = None
) -> tuple[Settings, dict[str, str]]:
    """The settings (environment, then secrets file, then defaults) and, for every setting
    name, where its value came from: ``"environment"``, ``"secrets file"`` or ``"default"``."""
    values, found = merged_values(environ, secrets_path)
    sources = {name: found.get(name, SOURCE_DEFAULT) for name in SETTING_NAMES}
    return load_settings(values), sources


def _portal_url(url: str) -> str:
    """The learners' portal address: http(s), no user name or password in it (it is printed
    on every slip and in its QR code)."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", url):
        raise ConfigError(f"ACCESS_PORTAL_URL must be an http(s) address, got {url!r}")
    if parts.username is not None or parts.password is not None:
        raise ConfigError("ACCESS_PORTAL_URL must not hold a user name or password")
    return url


def load_settings(values: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build the settings from ``values``; without them, from the environment then the
    secrets file (``load_settings_with_sources``). ``overrides`` are applied last."""
    env: Mapping[str, str] = merged_values()[0] if values is None else values
    language = str(env.get("ACCESS_LANGUAGE") or "fr").strip().lower()
    if language not in LANGUAGES:
        raise ConfigError(
            f"ACCESS_LANGUAGE must be one of {', '.join(LANGUAGES)}, got {language!r}"
        )
    timezone = str(env.get("ACCESS_TIMEZONE") or "Europe/Paris").strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a directory: OSError
        raise ConfigError(f"ACCESS_TIMEZONE is not a known time zone: {timezone!r}") from None
    slips_password = str(env.get("ACCESS_SLIPS_PASSWORD") or SHOW_DIGITS).strip().lower()
    if slips_password not in SLIPS_PASSWORD_MODES:
        raise ConfigError(
            "ACCESS_SLIPS_PASSWORD must be one of "
            f"{', '.join(SLIPS_PASSWORD_MODES)}, got {slips_password!r}"
        )
    portal_url = _portal_url(str(env.get("ACCESS_PORTAL_URL") or "").strip())
    data_dir = _data_dir(env)
    default_url = f"sqlite:///{data_dir / 'access.db'}" if data_dir else DEFAULT_DATABASE_URL
    settings = Settings(
        database_url=str(env.get("ACCESS_DATABASE_URL") or default_url).strip(),
        var_dir=data_dir or VAR_DIR,
        bcrypt_rounds=_int_setting(env, "ACCESS_BCRYPT_ROUNDS", 12, 4, MAX_BCRYPT_ROUNDS),
        language=language,
        recent_deactivation_months=_int_setting(
            env, "ACCESS_RECENT_DEACTIVATION_MONTHS", 3, 1, 120
        ),
        journal_retention_months=_int_setting(env, "ACCESS_JOURNAL_RETENTION_MONTHS", 12, 1, 120),
        timezone=timezone,
        cookie_key=(str(env["ACCESS_COOKIE_KEY"]) if env.get("ACCESS_COOKIE_KEY") else None),
        login_max_failures=_int_setting(env, "ACCESS_LOGIN_MAX_FAILURES", 5, 1, 100),
        login_window_minutes=_int_setting(env, "ACCESS_LOGIN_WINDOW_MINUTES", 15, 1, 1440),
        lockout_minutes=_int_setting(env, "ACCESS_LOCKOUT_MINUTES", 15, 1, 1440),
        session_hours=_int_setting(env, "ACCESS_SESSION_HOURS", 12, 1, 12),
        idle_timeout_minutes=_int_setting(env, "ACCESS_IDLE_TIMEOUT_MINUTES", 30, 1, 720),
        initial_password_days=_int_setting(env, "ACCESS_INITIAL_PASSWORD_DAYS", 60, 0, 3650),
        import_max_deactivation_share=_int_setting(
            env, "ACCESS_IMPORT_MAX_DEACTIVATION_SHARE", 10, 0, 100
        ),
        import_max_bytes=_int_setting(
            env, "ACCESS_IMPORT_MAX_BYTES", 50 * 1024 * 1024, 1024, 2 * 1024**3
        ),
        import_max_rows=_int_setting(env, "ACCESS_IMPORT_MAX_ROWS", 20_000, 1, 1_000_000),
        reset_undo_minutes=_int_setting(env, "ACCESS_RESET_UNDO_MINUTES", 15, 0, 120),
        cookie_secure=_choice(env, "ACCESS_COOKIE_SECURE", COOKIE_SECURE_MODES),
        school_name=" ".join(str(env.get("ACCESS_SCHOOL_NAME") or "").split()),
        portal_url=portal_url,
        slips_password=slips_password,
        oidc_username_claim=_claim_name(env),
        oidc_create_teachers=_bool_setting(env, "ACCESS_OIDC_CREATE_TEACHERS", False),
        local_login=_choice(env, "ACCESS_LOCAL_LOGIN", LOCAL_LOGIN_MODES),
        breakglass_accounts=_account_names(env, "ACCESS_BREAKGLASS_ACCOUNTS"),
        teacher_max_reset=_int_setting(
            env, "ACCESS_TEACHER_MAX_RESET", DEFAULT_TEACHER_MAX_RESET, 1, 10_000
        ),
    )
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)  # type: ignore[arg-type]
    return settings


def startup_check() -> Settings:
    """What ``app.py`` checks before serving: the settings the pages will use (environment,
    then secrets file) are valid and the cookie key is usable. Raises ``ConfigError``."""
    settings = load_settings()
    cookie_key(settings)
    return settings


def cookie_key(settings: Settings) -> str:
    """The cookie-signing key: the configured one, else one generated once into ``var/``."""
    if settings.cookie_key is not None:
        if len(settings.cookie_key.encode("utf-8")) < MIN_COOKIE_KEY_BYTES:
            raise ConfigError(
                f"ACCESS_COOKIE_KEY must be at least {MIN_COOKIE_KEY_BYTES} bytes of random data"
            )
        return settings.cookie_key
    path = settings.var_dir / "cookie_key"
    if not path.exists():
        from access_core.ops.private_files import make_private_dir

        make_private_dir(settings.var_dir)
        tmp = path.with_name(f".cookie_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(MIN_COOKIE_KEY_BYTES))
        try:
            os.link(tmp, path)  # atomic; the first process to create the key wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = path.read_text().strip()
    if len(key.encode("utf-8")) < MIN_COOKIE_KEY_BYTES:
        raise ConfigError(f"{path} holds a cookie key shorter than {MIN_COOKIE_KEY_BYTES} bytes")
    return key
