"""Operations: ``init``, ``quickstart``, ``demo``, ``check``, ``backup``, ``restore``, ``serve``."""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

import click

from access_core.accounts import admins
from access_core.audit import request_context
from access_core.cli.base import command, database, options, progress
from access_core.config import PROJECT_ROOT, Settings, cookie_key, from_checkout, secrets_file
from access_core.db.engine import absolute_sqlite_url, sqlite_path
from access_core.db.schema import damaged_schema, upgrade_schema
from access_core.errors import ValidationError
from access_core.ops import backup, demo, health, restore
from access_core.roster import queries as roster
from access_core.roster import retention
from access_core.text.catalogue import t

# The Streamlit scripts and server settings ship in the wheel as the package ``access_app``
# (pyproject.toml maps it onto the repository's root: app.py, dashboard.py, pages/,
# .streamlit/config.toml); a checkout serves its own files.
APP_PACKAGE = "access_app"


@command("init", "create or upgrade the schema")
def init(settings: Settings) -> int:
    before, after = upgrade_schema(settings.database_url)
    with database(settings) as db:
        damaged = damaged_schema(db)
    if damaged is not None:  # at head but a table or column is missing: nothing to apply
        raise damaged
    lang = settings.language
    if before is None:
        print(t("cli_schema_created", lang, revision=after))
    elif before != after:
        print(t("cli_schema_upgraded", lang, before=before, after=after))
    else:
        print(t("cli_schema_current", lang, revision=after))
    return 0


@command("quickstart", "init, demo school and a first administrator, each only when missing")
@click.option("--username", default="admin", show_default=True)
def quickstart(settings: Settings, username: str) -> int:
    """Schema, demo school and a first administrator, each only when missing."""
    upgrade_schema(settings.database_url)
    lang = settings.language
    with database(settings) as db:
        if not roster.has_learners(db):
            with progress(t("cli_progress_demo", lang)) as update:
                summary = demo.create_demo_school(db, settings.bcrypt_rounds, progress=update)
            learners = summary.active_learners + summary.deactivated_learners
            print(t("cli_demo_created_total", lang, classes=summary.classes, learners=learners))
        if admins.count_admins(db) == 0:
            password = admins.generate_admin_password()
            admins.create_admin(db, username, password, settings.bcrypt_rounds)
            print("\n" + "=" * 64)
            print(t("cli_first_admin", lang, username=username))
            print(t("cli_first_password", lang, password=password))
            print(t("cli_first_once", lang))
            print("=" * 64 + "\n")
        else:
            print(t("cli_admins_exist", lang))
    return 0


@command("demo", "fill an empty database with a demo school")
@click.option(
    "--learners", "learners_per_class", type=int, default=22, help="learners per class (default 22)"
)
def demo_school(settings: Settings, learners_per_class: int) -> int:
    label = t("cli_progress_demo", settings.language)
    with database(settings) as db, progress(label) as update:
        summary = demo.create_demo_school(
            db, settings.bcrypt_rounds, learners_per_class=learners_per_class, progress=update
        )
    print(
        t(
            "cli_demo_created",
            settings.language,
            classes=summary.classes,
            active=summary.active_learners,
            deactivated=summary.deactivated_learners,
        )
    )
    return 0


# --- check ---------------------------------------------------------------------------------


def settings_sources() -> dict[str, str]:
    """Where each setting came from: "environment", "secrets file" or "default"."""
    from access_core import config

    return config.load_settings_with_sources()[1]


@command("check", "check the database: backend, schema, writable, counts, retention")
def check(settings: Settings) -> int:
    with database(settings) as db:
        state = health.probe(db, write=True, counts=True)
        if state.ok:  # learners kept past the legal term: a problem for the school's DPO
            overdue = health.retention_problem(db, settings.recent_deactivation_months, settings.tz)
            if overdue:
                state.problems.append(overdue)
                state.codes.append("learners_overdue")
        kept = health.previous_database_problem(
            settings.database_url, settings.recent_deactivation_months, settings.tz
        )
        if kept:  # restore's .before-restore: purged learners outside every purge
            state.problems.append(kept)
            state.codes.append("previous_database_kept")
    path = sqlite_path(settings.database_url)
    print(f"backend:   {state.backend}" + (f" ({path})" if path else ""))
    print(f"schema:    {state.revision or '-'} (code: {state.head})")
    print(f"writable:  {'-' if state.writable is None else 'yes' if state.writable else 'no'}")
    for name, count in state.counts.items():
        print(f"{name + ':':<17}{count:>9}")
    sources = settings_sources()
    if options().database_url:
        sources["ACCESS_DATABASE_URL"] = "command line"
    for name, source in sorted(sources.items()):
        print(f"setting {name}: {source}")
    for problem in state.problems:
        print(f"problem:   {problem}", file=sys.stderr)
    problems = len(state.problems)
    print("ok" if state.ok else t("cli_check_problems", settings.language, count=problems))
    return 0 if state.ok else 1


# --- backup and restore --------------------------------------------------------------------


@command("backup", "copy the SQLite database into FILE (safe while serving)")
@click.argument("file")
def backup_database(settings: Settings, file: str) -> int:
    info = backup.backup(settings.database_url, Path(file))
    print(
        t(
            "cli_backup_written",
            settings.language,
            path=info.path,
            revision=info.revision,
            learners=info.learners,
        )
    )
    return 0


@command("restore", "replace the SQLite database with a backup")
@click.argument("file")
def restore_database(settings: Settings, file: str) -> int:
    info = restore.restore(settings.database_url, Path(file))
    print(
        t(
            "cli_restored",
            settings.language,
            path=info.path,
            revision=info.revision,
            learners=info.learners,
            head=health.head_revision(),
        )
        + (
            t("cli_restored_previous", settings.language, previous=info.previous)
            if info.previous is not None
            else ""
        )
    )
    with database(settings) as db:
        summary = retention.overdue_summary(db, settings.recent_deactivation_months, settings.tz)
    if summary.count and summary.oldest is not None:
        since = summary.oldest.astimezone(settings.tz).strftime("%d/%m/%Y")
        print(
            t("cli_restore_overdue", settings.language, count=summary.count, since=since),
            file=sys.stderr,
        )
    return 0


# --- serve ---------------------------------------------------------------------------------


def app_dir() -> Path:
    """The folder holding app.py, dashboard.py, pages/ and .streamlit/config.toml: the
    checkout's root, else the installed ``access_app`` package (found through its import spec)."""
    if from_checkout():
        return PROJECT_ROOT
    spec = importlib.util.find_spec(APP_PACKAGE)  # a namespace package: no __init__.py
    if spec is None or not spec.submodule_search_locations:
        raise ValidationError(
            f"the dashboard's files (package {APP_PACKAGE}) are not installed: "
            "reinstall acces-apprenants"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _flatten(table: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in table.items():
        if isinstance(value, dict):
            items += _flatten(value, f"{prefix}{key}.")
        else:
            items.append((f"{prefix}{key}", value))
    return items


def _flag_value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def cookie_secret(settings: Settings) -> str:
    """Streamlit's ``server.cookieSecret``, derived from the cookie key: the same on every
    replica that shares the key, never printed."""
    key = cookie_key(settings).encode("utf-8")
    return hmac.new(key, b"streamlit server.cookieSecret", hashlib.sha256).hexdigest()


def serve_environment(settings: Settings) -> dict[str, str]:
    """The server's environment: the caller's, with the Streamlit cookie secret, uvicorn's
    own trust in forwarded headers switched off whatever the caller set, and the database URL
    with a relative SQLite path made absolute (the server runs in the application's folder)."""
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret(settings)}
    # uvicorn rewrites the client address (and scheme) from X-Forwarded-* for the peers this
    # variable lists, 127.0.0.1 and ::1 by default: empty, ACCESS_TRUSTED_PROXIES alone decides.
    env[request_context.UVICORN_TRUST_VARIABLE] = ""
    # Called before serve changes directory: « sqlite:///school.db » names the file that init
    # and check, run from the same folder, used.
    url = absolute_sqlite_url(settings.database_url, Path.cwd())
    if options().database_url or url != settings.database_url:
        env["ACCESS_DATABASE_URL"] = url
    return env


def serve_command(host: str, port: int, base_url_path: str | None = None) -> list[str]:
    """``python -m streamlit run <app dir>/app.py`` with the project's server settings (from
    its .streamlit/config.toml, whatever the working directory) and the given address."""
    folder = app_dir()
    script = folder / "app.py"
    if not script.is_file():
        raise ValidationError(f"{script} is missing: reinstall acces-apprenants")
    with open(folder / ".streamlit" / "config.toml", "rb") as handle:
        options = dict(_flatten(tomllib.load(handle)))
    options["server.headless"] = True
    options["server.address"] = host
    options["server.port"] = port
    if base_url_path is not None:
        options["server.baseUrlPath"] = base_url_path.strip("/")
    # Streamlit reads its [auth] table (OpenID Connect) from the same file as the settings,
    # not from the working directory's .streamlit/ (the package's folder once installed).
    options["secrets.files"] = str(secrets_file().resolve())
    flags = [f"--{name}={_flag_value(value)}" for name, value in sorted(options.items())]
    return [sys.executable, "-m", "streamlit", "run", str(script), *flags]


@command("serve", "start the dashboard with the project's server settings")
@click.option("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
@click.option("--port", type=int, default=8501, help="port (default 8501)")
@click.option("--base-url-path", help="URL prefix behind a reverse proxy, e.g. acces")
def serve(settings: Settings, host: str, port: int, base_url_path: str | None) -> int:
    command_line = serve_command(host, port, base_url_path)
    env = serve_environment(settings)
    sys.stdout.flush()
    os.chdir(app_dir())
    os.execve(sys.executable, command_line, env)  # noqa: S606 - a fixed program, no shell
