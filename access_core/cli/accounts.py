"""Administrators' accounts: ``create-admin``, ``set-password``, ``disable-admin``,
``enable-admin``, and ``unlock`` (a login lockout); teachers, grants and the listing are in
``staff``."""

from __future__ import annotations

import getpass
import sys

import click

from access_core.accounts import admins, staff, staff_list, throttle
from access_core.accounts.admin_login import admin_subject
from access_core.accounts.learner_login import learner_subject
from access_core.accounts.scope import ROLE_ADMIN
from access_core.characters import visible
from access_core.cli.base import CLI_ACTOR, command, database
from access_core.config import Settings
from access_core.errors import ValidationError
from access_core.text.catalogue import t

password_stdin = click.option("--password-stdin", is_flag=True, help="read the password from stdin")


def read_new_password(from_stdin: bool, lang: str = "fr") -> str:
    """The new password: one line of stdin, or typed twice on the terminal."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise ValidationError(
                "no terminal to prompt for the password: use --password-stdin",
                key="cli_no_terminal",
            )
        password = getpass.getpass(t("cli_password", lang))
        if getpass.getpass(t("cli_password_again", lang)) != password:
            raise ValidationError("the two passwords differ", key="cli_passwords_differ")
    admins.check_admin_password(password)
    return password


@command("create-admin", "create an administrator")
@click.argument("username")
@click.option("--name", help="display name")
@click.option("--school", "schools", multiple=True, help="UAI of a school administered (repeat)")
@click.option("--all-schools", is_flag=True, help="administer every school (a district account)")
@password_stdin
def create_admin(
    settings: Settings,
    username: str,
    name: str | None,
    schools: tuple[str, ...],
    all_schools: bool,
    password_stdin: bool,
) -> int:
    if schools and all_schools:
        raise click.UsageError("option --all-schools: not allowed with option --school")
    password = read_new_password(password_stdin, settings.language)
    with database(settings) as db:
        if not schools and not all_schools:
            staff_list.resolve_schools(db, [], allow_none=True)  # several schools: say which
            account = admins.create_admin(
                db, username, password, settings.bcrypt_rounds, display_name=name
            )
            created = account.username
        else:
            created = staff.create_account(
                db,
                CLI_ACTOR,
                username,
                role=ROLE_ADMIN,
                rounds=settings.bcrypt_rounds,
                school_ids=staff_list.resolve_schools(db, schools) if schools else (),
                all_schools=all_schools,
                password=password,
                display_name=name,
                system=True,
            ).username
    print(t("cli_admin_created", settings.language, username=created))
    return 0


@command("set-password", "change an administrator's password")
@click.argument("username")
@password_stdin
def set_password(settings: Settings, username: str, password_stdin: bool) -> int:
    password = read_new_password(password_stdin, settings.language)
    with database(settings) as db:
        admins.set_password(db, username, password, settings.bcrypt_rounds, actor=CLI_ACTOR)
    print(t("cli_admin_password_changed", settings.language, username=visible(username)))
    return 0


@command("disable-admin", "disable an administrator at once")
@click.argument("username")
def disable_admin(settings: Settings, username: str) -> int:
    with database(settings) as db:
        admins.disable_admin(db, username, actor=CLI_ACTOR)
    print(t("cli_admin_disabled", settings.language, username=visible(username)))
    return 0


@command("enable-admin", "enable a disabled administrator again")
@click.argument("username")
def enable_admin(settings: Settings, username: str) -> int:
    with database(settings) as db:
        admins.enable_admin(db, username, actor=CLI_ACTOR)
    print(t("cli_admin_enabled", settings.language, username=visible(username)))
    return 0


@command("unlock", "lift a login lockout")
@click.argument("username")
@click.option("--learner", is_flag=True, help="USERNAME is a learner's login")
def unlock(settings: Settings, username: str, learner: bool) -> int:
    subject = learner_subject(settings, username) if learner else admin_subject(settings, username)
    with database(settings) as db:
        was_locked = throttle.unlock(
            db, subject, actor=CLI_ACTOR, name=username, learner_login=username if learner else None
        )
    print(
        t(
            "cli_unlocked" if was_locked else "cli_not_locked",
            settings.language,
            username=visible(username),
        )
    )
    return 0
