"""``access-core`` commands for operations: check, backup, restore, serve, and the listings.

Registered by ``access_core.cli.build_parser``; same conventions (exit 0 on success, 1 with one
``error: ...`` line otherwise).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import hmac
import os
import sys
import tomllib
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from access_core import admins, backup, health, request_context, roster
from access_core.config import PROJECT_ROOT, Settings, cookie_key
from access_core.db import Database, sqlite_path
from access_core.errors import NotFound, ValidationError
from access_core.i18n import t

Command = Callable[[argparse.Namespace, Settings], int]
Register = Callable[[str, Command, str], argparse.ArgumentParser]
APP_SCRIPT = PROJECT_ROOT / "app.py"
SERVER_CONFIG = PROJECT_ROOT / ".streamlit" / "config.toml"


def version_text() -> str:
    try:
        version = metadata.version("acces-apprenants")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"access-core {version}"


def settings_sources() -> dict[str, str]:
    """Where each setting came from: "environment", "secrets file" or "default"."""
    from access_core import config

    return config.load_settings_with_sources()[1]


# --- check ---------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    db = Database.from_url(settings.database_url)
    try:
        state = health.probe(db, write=True, counts=True)
    finally:
        db.dispose()
    path = sqlite_path(settings.database_url)
    print(f"backend:   {state.backend}" + (f" ({path})" if path else ""))
    print(f"schema:    {state.revision or '-'} (code: {state.head})")
    print(f"writable:  {'-' if state.writable is None else 'yes' if state.writable else 'no'}")
    for name, count in state.counts.items():
        print(f"{name + ':':<17}{count:>9}")
    sources = settings_sources()
    if getattr(args, "database_url", None):
        sources["ACCESS_DATABASE_URL"] = "command line"
    for name, source in sorted(sources.items()):
        print(f"setting {name}: {source}")
    for problem in state.problems:
        print(f"problem:   {problem}", file=sys.stderr)
    problems = len(state.problems)
    print("ok" if state.ok else t("cli_check_problems", settings.language, count=problems))
    return 0 if state.ok else 1


# --- backup and restore --------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    info = backup.backup(settings.database_url, Path(args.file))
    print(t("cli_backup_written", settings.language, path=info.path, revision=info.revision,
            learners=info.learners))
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    info = backup.restore(settings.database_url, Path(args.file))
    print(t("cli_restored", settings.language, path=info.path, revision=info.revision,
            learners=info.learners, head=health.head_revision()))
    return 0


# --- serve ---------------------------------------------------------------------------------


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


def serve_command(args: argparse.Namespace) -> list[str]:
    """``python -m streamlit run <project>/app.py`` with the project's server settings (from
    its .streamlit/config.toml, whatever the working directory) and the given address."""
    if not APP_SCRIPT.is_file():
        raise ValidationError(f"{APP_SCRIPT} is missing: install the project with pip install -e")
    with open(SERVER_CONFIG, "rb") as handle:
        options = dict(_flatten(tomllib.load(handle)))
    options["server.headless"] = True
    options["server.address"] = args.host
    options["server.port"] = args.port
    if args.base_url_path is not None:
        options["server.baseUrlPath"] = args.base_url_path.strip("/")
    flags = [f"--{name}={_flag_value(value)}" for name, value in sorted(options.items())]
    return [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT), *flags]


def serve_environment(args: argparse.Namespace, settings: Settings) -> dict[str, str]:
    """The server's environment: the caller's, with the Streamlit cookie secret, and
    uvicorn's own trust in forwarded headers switched off whatever the caller set."""
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret(settings)}
    # uvicorn rewrites the client address (and scheme) from X-Forwarded-* for the peers this
    # variable lists, 127.0.0.1 and ::1 by default: empty, ACCESS_TRUSTED_PROXIES alone decides.
    env[request_context.UVICORN_TRUST_VARIABLE] = ""
    if getattr(args, "database_url", None):
        env["ACCESS_DATABASE_URL"] = args.database_url
    return env


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    command = serve_command(args)
    env = serve_environment(args, settings)
    sys.stdout.flush()
    os.chdir(PROJECT_ROOT)
    os.execve(sys.executable, command, env)  # noqa: S606 - a fixed program, no shell


# --- listings ------------------------------------------------------------------------------


def find_class(db: Database, actor: str, name: str) -> roster.ClassInfo:
    """``roster.find_class``, with the closest class names in the error when there is none."""
    try:
        return roster.find_class(db, actor, name)
    except NotFound:
        names = [c.name for c in roster.list_classes(db, actor)]
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        raise NotFound(
            f"no class named {name!r}{hint}", name=name, suggestions=", ".join(close),
            key="cli_class_not_found_close" if close else "cli_class_not_found",
        ) from None


def cmd_list_classes(args: argparse.Namespace, settings: Settings) -> int:
    db = Database.from_url(settings.database_url)
    try:
        classes = roster.list_classes(db, args.actor)
        counts = roster.active_counts(db, args.actor)
    finally:
        db.dispose()
    for info in classes:
        print(f"{info.name}\t{counts.get(info.id, 0)}")
    return 0


def cmd_list_admins(args: argparse.Namespace, settings: Settings) -> int:
    db = Database.from_url(settings.database_url)
    try:
        accounts = admins.list_admins(db)
    finally:
        db.dispose()
    for account in accounts:
        state = "active" if account.is_active else "disabled"
        print(f"{account.username}\t{state}\t{account.display_name or ''}")
    return 0


def cmd_enable_admin(args: argparse.Namespace, settings: Settings) -> int:
    from access_core.cli import CLI_ACTOR

    db = Database.from_url(settings.database_url)
    try:
        admins.enable_admin(db, args.username, actor=CLI_ACTOR)
    finally:
        db.dispose()
    print(t("cli_admin_enabled", settings.language, username=args.username))
    return 0


def register(command: Register) -> None:
    command("check", cmd_check, "check the database: backend, schema, writable, counts")
    p = command("backup", cmd_backup, "copy the SQLite database into FILE (safe while serving)")
    p.add_argument("file", help="the backup file to create (mode 0600)")
    p = command("restore", cmd_restore, "replace the SQLite database with a backup")
    p.add_argument("file", help="a file written by access-core backup")
    p = command("serve", cmd_serve, "start the dashboard with the project's server settings")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--base-url-path", help="URL prefix behind a reverse proxy, e.g. acces")
    p = command("list-classes", cmd_list_classes, "the classes with their active learner counts")
    p.add_argument("--actor", required=True, help="the administrator doing it")
    command("list-admins", cmd_list_admins, "the administrator accounts, active or disabled")
    p = command("enable-admin", cmd_enable_admin, "enable a disabled administrator again")
    p.add_argument("username")
