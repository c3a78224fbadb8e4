"""Learners' documents and passwords: ``export`` (identifier workbook), ``reset`` and
``slips`` (login slips, PDF); ``reset --slips`` and ``slips`` share ``write_slips``."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from access_core.cli.base import (
    actor_option,
    command,
    database,
    login_options,
    logins_given,
    progress,
    write_output,
)
from access_core.config import Settings
from access_core.db.unit_of_work import Database
from access_core.documents import slips, slips_pdf
from access_core.documents import workbook as exports
from access_core.errors import NotFound, ValidationError
from access_core.imports.validation import visible
from access_core.ops.private_files import PRIVATE_DIR_MODE, make_private_dir
from access_core.roster import queries as roster
from access_core.roster import resets
from access_core.roster.names import full_name
from access_core.text.catalogue import t

class_option = click.option("--class", "class_name", help="every active learner of a class")


def find_class(db: Database, actor: str, name: str) -> roster.ClassInfo:
    """``roster.find_class``, with the closest class names in the error when there is none."""
    try:
        return roster.find_class(db, actor, name)
    except NotFound:
        names = [c.name for c in roster.list_classes(db, actor)]
        close = [visible(n) for n in difflib.get_close_matches(name, names, n=3, cutoff=0.5)]
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        raise NotFound(
            f"no class named {visible(name)!r}{hint}",
            name=visible(name),
            suggestions=", ".join(close),
            key="cli_class_not_found_close" if close else "cli_class_not_found",
        ) from None


def _unknown_logins(unknown: Sequence[str]) -> ValidationError:
    logins = ", ".join(unknown)
    plural = "s" if len(unknown) > 1 else ""
    return ValidationError(
        f"unknown login{plural}: {logins}",
        key="cli_unknown_logins",
        logins=logins,
        count=len(unknown),
    )


def _learners_by_logins(db: Database, actor: str, logins: Sequence[str]) -> list[roster.LearnerRow]:
    rows = roster.learners_by_logins(db, actor, logins)
    unknown = sorted(set(logins) - {row.login for row in rows})
    if unknown:
        raise _unknown_logins(unknown)
    return list(rows)


# --- export ----------------------------------------------------------------------------------


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
        exports.record_export(db, actor, info.name, len(rows))
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


layout_option = click.option(
    "--layout",
    type=click.Choice(slips.LAYOUTS),
    default="8",
    help="8 per A4 page with cut marks (default), or 1 per page with the first-login steps",
)


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
            rows = _learners_by_logins(db, actor, wanted or [])
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
                db, actor, [row.id for row in rows], settings.bcrypt_rounds, progress=update
            )
    print(t("cli_reset_done", lang, count=outcome.count, batch=outcome.batch_id))
    hint = f"access-core slips --batch {outcome.batch_id} --output FILE.pdf --actor {actor}"
    print(t("cli_reset_slips_hint", lang, count=outcome.count, command=hint))
    if slips_file:
        return write_slips(settings, actor, Path(slips_file), layout, batch=outcome.batch_id)
    return 0


# --- slips -----------------------------------------------------------------------------------


@command(
    "slips",
    "write login slips (PDF): of a class, logins or a reset",
    one_of=("class_name", "logins", "batch", "all_classes"),
)
@class_option
@login_options
@click.option("--batch", help="the learners of a reset batch (its id)")
@click.option(
    "--all-classes", is_flag=True, help="every class, one PDF each, in the folder --output"
)
@click.option(
    "--output", required=True, help="the .pdf file to write (with --all-classes: the folder)"
)
@actor_option
@layout_option
def slips_command(
    settings: Settings,
    class_name: str | None,
    logins: tuple[str, ...],
    more_logins: tuple[str, ...],
    batch: str | None,
    all_classes: bool,
    output: str,
    actor: str,
    layout: str,
) -> int:
    """Login slips (PDF) of a class's active learners, of some logins, or of a reset batch."""
    wanted = logins_given(logins, more_logins)
    if all_classes:
        return _slips_of_every_class(settings, actor, Path(output), layout)
    return write_slips(
        settings, actor, Path(output), layout, class_name=class_name, logins=wanted, batch=batch
    )


def write_slips(
    settings: Settings,
    actor: str,
    output: Path,
    layout: str,
    *,
    class_name: str | None = None,
    logins: Sequence[str] | None = None,
    batch: str | None = None,
) -> int:
    """One PDF of the slips of a class, of some logins or of a reset batch, audited."""
    found_class = batch_id = None
    with database(settings) as db:
        if class_name:
            info = find_class(db, actor, class_name)
            rows = roster.class_learners(db, actor, info.id)
            found_class = title = info.name
        elif batch:
            rows = slips.batch_learners(db, actor, batch)
            batch_id = batch
            title = f"reinitialisation_{batch[:8]}"
        else:
            rows = _learners_by_logins(db, actor, logins or [])
            title = "eleves"
        slip_set = slips.build_slips(
            rows, settings.slips_password, settings.initial_password_days, settings.tz
        )
        if not slip_set.slips:
            raise ValidationError(
                "no slip to print: "
                + ("no learner has a birth date" if rows else "no learner found"),
                key="cli_no_slip_no_birth_date" if rows else "cli_no_slip_no_learner",
            )
        document = slips_pdf.slips_pdf(
            slip_set,
            slips.SlipOptions.from_settings(settings),
            settings.language,
            layout,
            title=found_class or title,
        )
        write_output(output, document.data)
        slips.record_slips(
            db,
            actor,
            document.count,
            layout,
            class_name=found_class,
            batch_id=batch_id,
            logins=list(logins) if logins else None,
        )
    lang = settings.language
    _slip_warnings(document, lang)
    print(t("cli_slips_written", lang, count=document.count, pages=document.pages, output=output))
    return 0


def _slips_of_every_class(settings: Settings, actor: str, folder: Path, layout: str) -> int:
    """One PDF per class (``fiches_<class>.pdf``) in the folder ``--output``, in one process;
    each class audited as it is written, a line on stderr per class as progress."""
    lang = settings.language
    if folder.exists() and not folder.is_dir():
        raise ValidationError(f"{folder} is not a folder", key="cli_not_a_folder", path=str(folder))
    options = slips.SlipOptions.from_settings(settings)
    written = pages = 0
    with database(settings) as db:
        classes = roster.list_classes(db, actor)  # refuses a non-administrator first
        names = slips_pdf.class_file_names([c.name for c in classes])
        created = not folder.exists()
        if not created and any(folder.iterdir()):
            # Never mix with (or silently replace) last year's slips or other files.
            raise ValidationError(
                f"{folder} is not empty: name a new folder",
                key="cli_folder_not_empty",
                path=str(folder),
            )
        try:
            make_private_dir(folder)
            os.chmod(folder, PRIVATE_DIR_MODE)  # an empty folder given by the user too
        except OSError as exc:
            raise ValidationError(
                f"cannot write {folder}: {exc.strerror}",
                key="cli_cannot_write",
                path=str(folder),
                reason=exc.strerror or type(exc).__name__,
            ) from exc
        without_birth_date = False
        for number, info in enumerate(classes, start=1):
            rows = roster.class_learners(db, actor, info.id)
            slip_set = slips.build_slips(
                rows, settings.slips_password, settings.initial_password_days, settings.tz
            )
            if not slip_set.slips:
                without_birth_date = without_birth_date or bool(rows)
                print(
                    t(
                        "cli_slips_class_empty",
                        lang,
                        number=number,
                        total=len(classes),
                        class_name=visible(info.name),
                    ),
                    file=sys.stderr,
                )
                continue
            document = slips_pdf.slips_pdf(slip_set, options, lang, layout, title=info.name)
            write_output(folder / names[info.name], document.data)
            slips.record_slips(db, actor, document.count, layout, class_name=info.name)
            _slip_warnings(document, lang)
            written, pages = written + document.count, pages + document.pages
            print(
                t(
                    "cli_slips_class_written",
                    lang,
                    number=number,
                    total=len(classes),
                    class_name=visible(info.name),
                    count=document.count,
                ),
                file=sys.stderr,
            )
    if not written:
        if created:
            folder.rmdir()  # nothing was written in it
        if without_birth_date:
            raise ValidationError(
                "no slip to print: no learner has a birth date", key="cli_no_slip_no_birth_date"
            )
        raise ValidationError("no slip to print: no learner found", key="cli_no_slip_no_learner")
    print(t("cli_slips_written", lang, count=written, pages=pages, output=folder))
    return 0


def _slip_warnings(document: slips_pdf.SlipsDocument, lang: str) -> None:
    for name in document.skipped:
        print(t("cli_slip_no_birth_date", lang, name=visible(name)), file=sys.stderr)
    for char, name in document.missing:
        print(
            t(
                "cli_slip_missing_glyph",
                lang,
                char=repr(char),
                code=f"{ord(char):04X}",
                name=visible(name),
                mark=slips_pdf.MISSING_MARK,
            ),
            file=sys.stderr,
        )
