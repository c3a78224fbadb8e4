"""Staff accounts beyond administrators: ``create-teacher``, ``grant`` and ``revoke`` (a school
for an administrator, a class for a teacher), ``list-accounts`` (alias ``list-admins``).

The command line acts as the installation's technical staff (``system``): every account, and
no last-administrator rule (it is the way back in). Schools are named by UAI; without
``--school``, the installation's only school.
"""

from __future__ import annotations

import click

from access_core.accounts import staff, staff_classes, staff_list
from access_core.accounts.scope import ROLE_TEACHER
from access_core.characters import visible
from access_core.cli.accounts import password_stdin, read_new_password
from access_core.cli.base import CLI_ACTOR, cli, command, database
from access_core.config import Settings
from access_core.text.catalogue import t

school_option = click.option("--school", help="the school's UAI (default: the only school)")


@command("create-teacher", "create a teacher of one class or more")
@click.argument("username")
@click.option("--class", "classes", multiple=True, required=True, help="a class name (repeat)")
@click.option("--name", help="display name")
@school_option
@password_stdin
def create_teacher(
    settings: Settings,
    username: str,
    classes: tuple[str, ...],
    name: str | None,
    school: str | None,
    password_stdin: bool,
) -> int:
    password = read_new_password(password_stdin, settings.language)
    with database(settings) as db:
        made = staff.create_account(
            db,
            CLI_ACTOR,
            username,
            role=ROLE_TEACHER,
            rounds=settings.bcrypt_rounds,
            class_ids=staff_list.resolve_classes(db, school, classes),
            password=password,
            display_name=name,
            system=True,
        )
    print(t("cli_account_created", settings.language, username=made.username, role=ROLE_TEACHER))
    return 0


def _grant_or_revoke(
    settings: Settings, username: str, school: str | None, class_name: str | None, grant: bool
) -> int:
    if school is None and class_name is None:
        raise click.UsageError("one of the options --school --class is required")
    with database(settings) as db:
        if class_name is not None:
            (class_id,) = staff_list.resolve_classes(db, school, [class_name])
            on_class = staff_classes.grant_class if grant else staff_classes.revoke_class
            on_class(db, CLI_ACTOR, username, class_id, system=True)
        else:
            (school_id,) = staff_list.resolve_schools(db, [school or ""])
            on_school = staff.grant_school if grant else staff.revoke_school
            on_school(db, CLI_ACTOR, username, school_id, system=True)
    key = "cli_granted" if grant else "cli_revoked"
    print(t(key, settings.language, username=visible(username.strip().lower())))
    return 0


@command("grant", "give an administrator a school, or a teacher a class")
@click.argument("username")
@click.option("--school", help="the school's UAI (with --class: the class's school)")
@click.option("--class", "class_name", help="a class name (a teacher's)")
def grant(settings: Settings, username: str, school: str | None, class_name: str | None) -> int:
    return _grant_or_revoke(settings, username, school, class_name, grant=True)


@command("revoke", "take a school from an administrator, or a class from a teacher")
@click.argument("username")
@click.option("--school", help="the school's UAI (with --class: the class's school)")
@click.option("--class", "class_name", help="a class name (a teacher's)")
def revoke(settings: Settings, username: str, school: str | None, class_name: str | None) -> int:
    return _grant_or_revoke(settings, username, school, class_name, grant=False)


@command("list-accounts", "the staff accounts: state, role, schools or classes, name")
def list_accounts(settings: Settings) -> int:
    """One tab-separated line per account: username, active/disabled, role, scope (``*`` for
    every school; schools or classes joined by ``,``), display name."""
    with database(settings) as db:
        rows = staff_list.list_accounts(db, settings, CLI_ACTOR, system=True)
    for row in rows:
        state = "active" if row.is_active else "disabled"
        scope = "*" if row.all_schools else ",".join(row.classes or row.schools)
        # stored by another program too: a control character is shown, never acted on
        name = visible(row.display_name or "")
        print(f"{visible(row.username)}\t{state}\t{row.role}\t{visible(scope)}\t{name}")
    return 0


cli.add_command(cli.commands["list-accounts"], "list-admins")
