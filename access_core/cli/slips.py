"""``slips``: the login slips (PDF) of a class, of learners, of a reset batch, of the new pupils
of an import or of every class; ``write_slips`` is shared with ``reset --slips``."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

import click

from access_core.characters import visible
from access_core.cli.base import (
    InterruptedAfterWriting,
    actor_option,
    command,
    database,
    login_options,
    logins_given,
    write_output,
)
from access_core.cli.lookup import class_option, find_class, layout_option, learners_by_logins
from access_core.config import Settings
from access_core.documents import slips, slips_many, slips_pdf
from access_core.errors import ValidationError
from access_core.ops.private_files import PRIVATE_DIR_MODE, make_private_dir
from access_core.roster import queries as roster
from access_core.text.catalogue import t


@command(
    "slips",
    "write login slips (PDF): of a class, logins, a reset or an import's new pupils",
    one_of=("class_name", "logins", "batch", "import_id", "all_classes"),
)
@class_option
@login_options
@click.option("--batch", help="the learners of a reset batch (its id)")
@click.option(
    "--import",
    "import_id",
    metavar="ID",
    help="the pupils an import created (its id, printed by import), a page per class",
)
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
    import_id: str | None,
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
        settings,
        actor,
        Path(output),
        layout,
        class_name=class_name,
        logins=wanted,
        batch=batch,
        import_id=import_id,
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
    import_id: str | None = None,
) -> int:
    """One PDF of the slips of a class, of some logins, of a reset batch or of the new pupils
    of an import (each class on a page of its own), audited."""
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
        elif import_id:
            rows = slips.import_learners(db, actor, import_id)
            batch_id = import_id
            title = f"nouveaux_eleves_{import_id[:8]}"
        else:
            rows = learners_by_logins(db, actor, logins or [])
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
        school_id = rows[0].school_id if rows else None
        document = slips_pdf.slips_pdf(
            slip_set,
            slips.school_options(db, actor, settings, school_id=school_id),
            settings.language,
            layout,
            title=found_class or title,
            class_breaks=import_id is not None,
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
            school_id=school_id,
        )
    lang = settings.language
    _slip_warnings(document, lang)
    print(t("cli_slips_written", lang, count=document.count, pages=document.pages, output=output))
    return 0


def _slips_of_every_class(settings: Settings, actor: str, folder: Path, layout: str) -> int:
    """One PDF per class (``fiches_<class>.pdf``) in the folder ``--output``, built on every
    core; each class audited as it is written, a line on stderr per class as progress."""
    lang = settings.language
    if folder.exists() and not folder.is_dir():
        raise ValidationError(f"{folder} is not a folder", key="cli_not_a_folder", path=str(folder))
    written = pages = 0
    with database(settings) as db:
        classes = roster.list_classes(db, actor)  # refuses an account without a live scope
        options = slips.school_options(db, actor, settings)
        names = slips_pdf.class_file_names([c.name for c in classes])
        created = _new_private_folder(folder)
        without_birth_date = False
        done = 0  # the classes written and journalled
        try:
            # Every class read first (one snapshot a class, as before), then the documents
            # built side by side (slips_many); each written, journalled and reported in order.
            slip_sets = [
                slips.build_slips(
                    roster.class_learners(db, actor, info.id),
                    settings.slips_password,
                    settings.initial_password_days,
                    settings.tz,
                )
                for info in classes
            ]
            jobs = [
                slips_many.SlipsJob(slip_set, options, lang, layout, info.name)
                for info, slip_set in zip(classes, slip_sets, strict=True)
                if slip_set.slips
            ]
            with closing(slips_many.documents(jobs)) as built:  # a failure stops the workers
                for number, (info, slip_set) in enumerate(
                    zip(classes, slip_sets, strict=True), start=1
                ):
                    progress = {
                        "number": number,
                        "total": len(classes),
                        "class_name": visible(info.name),
                    }
                    if not slip_set.slips:
                        without_birth_date = without_birth_date or bool(slip_set.skipped)
                        print(t("cli_slips_class_empty", lang, **progress), file=sys.stderr)
                        continue
                    document = next(built)
                    with _ctrl_c_held():  # a file on disk is journalled and counted
                        write_output(folder / names[info.name], document.data)
                        slips.record_slips(db, actor, document.count, layout, class_name=info.name)
                        done += 1
                    _slip_warnings(document, lang)
                    written, pages = written + document.count, pages + document.pages
                    print(
                        t("cli_slips_class_written", lang, **progress, count=document.count),
                        file=sys.stderr,
                    )
        except KeyboardInterrupt:
            if not done:
                if created:
                    folder.rmdir()  # nothing was written in it
                raise  # « interrupted, nothing changed »
            raise InterruptedAfterWriting(
                t("cli_slips_interrupted", lang, done=done, total=len(classes), output=folder)
            ) from None
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


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Ctrl-C held back until the block is over, then raised as usual: a class's file is never
    left on disk without its journal event, nor journalled without being counted. (A handler,
    not a signal mask: the pool's manager thread could receive the signal instead.)"""
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught and previous is not signal.SIG_IGN:
        raise KeyboardInterrupt


def _new_private_folder(folder: Path) -> bool:
    """Make ``folder`` (or an empty one given) private (0700), refusing one that holds files:
    never mix with, or silently replace, last year's slips. Whether it was created."""
    created = not folder.exists()
    if not created and any(folder.iterdir()):
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
    return created


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
