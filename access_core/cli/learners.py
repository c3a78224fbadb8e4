"""Learners' documents and passwords: ``export`` (identifier workbook), ``reset``
(``reset --slips`` prints the batch's slips with ``slips.write_slips``) and ``undo-reset``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from access_core.characters import visible
from access_core.cli.base import (
    actor_option,
    command,
    database,
    login_options,
    logins_given,
    progress,
    write_output,
)
from access_core.cli.lookup import class_option, find_class, layout_option, learners_by_logins
from access_core.cli.slips import write_slips
from access_core.config import Settings
from access_core.documents import workbook as exports
from access_core.errors import ValidationError
from access_core.roster import queries as roster
from access_core.roster import resets, undo
from access_core.roster.names import full_name
from access_core.text.catalogue import t


@command("export", "write the identifier workbook of a class")
@click.option("--class", "class_name", required=True)
@click.option("--output", required=True, help="the .xlsx file to write")
@actor_option
def export(settings: Settings, class_name: str, output: str, actor: str) -> int:
    with database(settings) as db:
        info = find_class(db, actor, class_name)
        rows = roster.class_learners(db, actor, info.id)
    data = exports.identifier_workbook(info.name, rows, settings.language)
    path = Path(output)
    write_output(path, data)
    with database(settings) as db:
        school = rows[0].school_id if rows else None  # the class's school
        exports.record_export(db, actor, info.name, len(rows), school_id=school)
    print(
        t(
            "cli_export_written",
            settings.language,
            count=len(rows),
            class_name=visible(info.name),
            output=path,
        )
    )
    return 0


# --- reset -----------------------------------------------------------------------------------


def _print_learners(rows: Sequence[roster.LearnerRow], lang: str) -> None:
    for row in rows:
        state = t("cli_state_deactivated" if row.deactivated_at else "cli_state_active", lang)
        name = full_name(row.last_name, row.first_name)
        # names are data: a control character is shown, never acted on by the terminal
        where = visible(row.class_name or "-")
        print(f"  {visible(name)}  ({visible(row.login)}, {where}, {state})")


@command("reset", "reset learners' passwords to their birth date", one_of=("class_name", "logins"))
@class_option
@login_options
@actor_option
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@click.option(
    "--slips", "slips_file", metavar="FILE.pdf", help="also write the reset learners' slips"
)
@layout_option
def reset(
    settings: Settings,
    class_name: str | None,
    logins: tuple[str, ...],
    more_logins: tuple[str, ...],
    actor: str,
    yes: bool,
    slips_file: str | None,
    layout: str,
) -> int:
    lang = settings.language
    wanted = logins_given(logins, more_logins)
    with database(settings) as db:
        if class_name:
            info = find_class(db, actor, class_name)
            rows = roster.class_learners(db, actor, info.id)
        else:
            rows = learners_by_logins(db, actor, wanted or [])
        if not rows:
            raise ValidationError("no learner to reset", key="cli_nothing_to_reset")
        print(t("cli_reset_list", lang, count=len(rows)))
        _print_learners(rows, lang)
        if not yes:
            if not sys.stdin.isatty():
                raise ValidationError(
                    "confirmation needed: run in a terminal or pass --yes",
                    key="cli_confirmation_needed",
                )
            answer = input(t("cli_confirm_reset", lang)).strip().lower()
            if answer not in ("y", "yes", "o", "oui"):
                print(t("cli_cancelled", lang))
                return 1
        with progress(t("cli_progress_hashing", lang)) as update:
            outcome = resets.reset_passwords(
                db,
                actor,
                [row.id for row in rows],
                settings.bcrypt_rounds,
                progress=update,
                undo_minutes=settings.reset_undo_minutes,
                teacher_max=settings.teacher_max_reset,
            )
    print(t("cli_reset_done", lang, count=outcome.count, batch=outcome.batch_id))
    hint = f"access-core slips --batch {outcome.batch_id} --output FILE.pdf --actor {actor}"
    print(t("cli_reset_slips_hint", lang, count=outcome.count, command=hint))
    if settings.reset_undo_minutes:
        command_line = f"access-core undo-reset --batch {outcome.batch_id} --actor {actor}"
        print(t("cli_undo_hint", lang, minutes=settings.reset_undo_minutes, command=command_line))
    if slips_file:
        return write_slips(settings, actor, Path(slips_file), layout, batch=outcome.batch_id)
    return 0


@command("undo-reset", "give the learners of a recent reset their previous password back")
@click.option("--batch", required=True, help="the reset's batch id (printed by reset)")
@actor_option
def undo_reset(settings: Settings, batch: str, actor: str) -> int:
    """Within ACCESS_RESET_UNDO_MINUTES of the reset; learners who logged in or changed their
    password since are kept as they are and named."""
    lang = settings.language
    with database(settings) as db:
        outcome = undo.undo_reset(db, actor, batch)
    print(t("cli_undo_done", lang, count=outcome.count, batch=batch))
    for kept in outcome.kept:
        key = (
            "cli_undo_kept_logged_in"
            if kept.reason == undo.KEPT_LOGGED_IN
            else "cli_undo_kept_changed"
        )
        print(t(key, lang, name=visible(kept.name or f"#{kept.learner_id}")))
    return 0
