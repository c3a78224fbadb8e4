"""Settings, read once from the environment (or any mapping such as ``st.secrets``)."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from access_core.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'access.db'}"
LANGUAGES = ("fr", "en")
SHOW_DIGITS, SHOW_HINT = "digits", "hint"  # ACCESS_SLIPS_PASSWORD: print the digits or a hint
SLIPS_PASSWORD_MODES = (SHOW_DIGITS, SHOW_HINT)
MIN_COOKIE_KEY_BYTES = 32


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    bcrypt_rounds: int = 12
    language: str = "fr"
    recent_deactivation_months: int = 3
    timezone: str = "Europe/Paris"
    cookie_key: str | None = field(default=None, repr=False)
    var_dir: Path = VAR_DIR
    login_max_failures: int = 5
    login_window_minutes: int = 15
    lockout_minutes: int = 15
    session_hours: int = 12
    idle_timeout_minutes: int = 30
    initial_password_days: int = 60
    school_name: str = ""
    portal_url: str = ""
    slips_password: str = SHOW_DIGITS

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
    """Build the settings from ``values`` (default: ``os.environ``), then apply ``overrides``."""
    env: Mapping[str, str] = os.environ if values is None else values
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
    settings = Settings(
        database_url=str(env.get("ACCESS_DATABASE_URL") or DEFAULT_DATABASE_URL).strip(),
        bcrypt_rounds=_int_setting(env, "ACCESS_BCRYPT_ROUNDS", 12, 4, 31),
        language=language,
        recent_deactivation_months=_int_setting(
            env, "ACCESS_RECENT_DEACTIVATION_MONTHS", 3, 1, 120
        ),
        timezone=timezone,
        cookie_key=(str(env["ACCESS_COOKIE_KEY"]) if env.get("ACCESS_COOKIE_KEY") else None),
        login_max_failures=_int_setting(env, "ACCESS_LOGIN_MAX_FAILURES", 5, 1, 100),
        login_window_minutes=_int_setting(env, "ACCESS_LOGIN_WINDOW_MINUTES", 15, 1, 1440),
        lockout_minutes=_int_setting(env, "ACCESS_LOCKOUT_MINUTES", 15, 1, 1440),
        session_hours=_int_setting(env, "ACCESS_SESSION_HOURS", 12, 1, 12),
        idle_timeout_minutes=_int_setting(env, "ACCESS_IDLE_TIMEOUT_MINUTES", 30, 1, 720),
        initial_password_days=_int_setting(env, "ACCESS_INITIAL_PASSWORD_DAYS", 60, 0, 3650),
        school_name=" ".join(str(env.get("ACCESS_SCHOOL_NAME") or "").split()),
        portal_url=portal_url,
        slips_password=slips_password,
    )
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)  # type: ignore[arg-type]
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
        settings.var_dir.mkdir(parents=True, exist_ok=True)
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
