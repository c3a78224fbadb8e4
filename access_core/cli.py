"""``access-core``: the command line for technical staff.

Every command exits 0 on success and 1 with a one-line ``error: ...`` message otherwise
(2 for a usage error), never with a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from string import Formatter
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from access_core import (
    admins,
    audit,
    cli_ops,
    demo,
    exports,
    imports,
    resets,
    roster,
    roster_files,
    slips,
    slips_pdf,
    stats,
    throttle,
)
from access_core.admin_auth import admin_subject
from access_core.config import Settings, load_settings
from access_core.db import Database, driver_error, upgrade_schema
from access_core.errors import AccessError, ValidationError
from access_core.files import PRIVATE_DIR_MODE, make_private_dir, write_private
from access_core.i18n import MESSAGES, error_message, t
from access_core.learner_auth import learner_subject
from access_core.names import full_name
from access_core.passwords import Progress, estimate_hashing_seconds

log = logging.getLogger("access_core.cli")
def os_user() -> str:
    """The operating-system account running the command (recorded beside ``--actor``)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no LOGNAME/USER and no passwd entry
        return f"uid:{os.getuid()}"


CLI_ACTOR = f"cli:{os_user()}"
LIST_LIMIT = 20


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings()
    if args.database_url:
        from dataclasses import replace

        settings = replace(settings, database_url=args.database_url)
    return settings


@contextmanager
def _database(settings: Settings) -> Iterator[Database]:
    db = Database.from_url(settings.database_url)
    try:
        yield db
    finally:
        db.dispose()


@contextmanager
def _progress(label: str) -> Iterator[Progress]:
    """A progress bar on stderr when it is a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from tqdm import tqdm

    bars: list[Any] = []

    def update(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total, desc=label, unit="hash", file=sys.stderr, leave=False))
        bars[0].n = done
        bars[0].refresh()

    try:
        yield update
    finally:
        for bar in bars:
            bar.close()


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    before, after = upgrade_schema(settings.database_url)
    lang = settings.language
    if before is None:
        print(t("cli_schema_created", lang, revision=after))
    elif before != after:
        print(t("cli_schema_upgraded", lang, before=before, after=after))
    else:
        print(t("cli_schema_current", lang, revision=after))
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    label = t("cli_progress_demo", settings.language)
    with _database(settings) as db, _progress(label) as progress:
        summary = demo.create_demo_school(
            db,
            settings.bcrypt_rounds,
            learners_per_class=args.learners_per_class,
            progress=progress,
        )
    print(
        t(
            "cli_demo_created", settings.language, classes=summary.classes,
            active=summary.active_learners, deactivated=summary.deactivated_learners,
        )
    )
    return 0


def _read_new_password(args: argparse.Namespace, lang: str = "fr") -> str:
    if args.password_stdin:
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


def cmd_create_admin(args: argparse.Namespace, settings: Settings) -> int:
    password = _read_new_password(args, settings.language)
    with _database(settings) as db:
        account = admins.create_admin(
            db, args.username, password, settings.bcrypt_rounds, display_name=args.name
        )
    print(t("cli_admin_created", settings.language, username=account.username))
    return 0


def cmd_set_password(args: argparse.Namespace, settings: Settings) -> int:
    password = _read_new_password(args, settings.language)
    with _database(settings) as db:
        admins.set_password(db, args.username, password, settings.bcrypt_rounds, actor=CLI_ACTOR)
    print(t("cli_admin_password_changed", settings.language, username=args.username))
    return 0


def cmd_disable_admin(args: argparse.Namespace, settings: Settings) -> int:
    with _database(settings) as db:
        admins.disable_admin(db, args.username, actor=CLI_ACTOR)
    print(t("cli_admin_disabled", settings.language, username=args.username))
    return 0


def cmd_unlock(args: argparse.Namespace, settings: Settings) -> int:
    subject = (
        learner_subject(settings, args.username)
        if args.learner
        else admin_subject(settings, args.username)
    )
    with _database(settings) as db:
        was_locked = throttle.unlock(db, subject, actor=CLI_ACTOR, name=args.username)
    print(t("cli_unlocked" if was_locked else "cli_not_locked", settings.language,
            username=args.username))
    return 0


def cmd_quickstart(args: argparse.Namespace, settings: Settings) -> int:
    """Schema, demo school and a first administrator, each only when missing."""
    upgrade_schema(settings.database_url)
    lang = settings.language
    with _database(settings) as db:
        if not roster.has_learners(db):
            with _progress(t("cli_progress_demo", lang)) as progress:
                summary = demo.create_demo_school(db, settings.bcrypt_rounds, progress=progress)
            learners = summary.active_learners + summary.deactivated_learners
            print(t("cli_demo_created_total", lang, classes=summary.classes, learners=learners))
        if admins.count_admins(db) == 0:
            password = admins.generate_admin_password()
            admins.create_admin(db, args.username, password, settings.bcrypt_rounds)
            print("\n" + "=" * 64)
            print(t("cli_first_admin", lang, username=args.username))
            print(t("cli_first_password", lang, password=password))
            print(t("cli_first_once", lang))
            print("=" * 64 + "\n")
        else:
            print(t("cli_admins_exist", lang))
    return 0


def _write_output(output: Path, data: bytes) -> None:
    """Write an export holding minors' data: whole or not at all, mode 0600."""
    try:
        write_private(output, data)
    except OSError as exc:
        raise ValidationError(
            f"cannot write {output}: {exc.strerror}", key="cli_cannot_write", path=str(output),
            reason=exc.strerror or type(exc).__name__,
        ) from exc


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    with _database(settings) as db:
        info = cli_ops.find_class(db, args.actor, args.class_name)
        rows = roster.class_learners(db, args.actor, info.id)
    data = exports.identifier_workbook(info.name, rows, settings.language)
    output = Path(args.output)
    _write_output(output, data)
    with _database(settings) as db:
        exports.record_export(db, args.actor, info.name, len(rows))
    print(t("cli_export_written", settings.language, count=len(rows), class_name=info.name,
            output=output))
    return 0


def cmd_slips(args: argparse.Namespace, settings: Settings) -> int:
    """Login slips (PDF) of a class's active learners, of some logins, or of a reset batch."""
    if args.all_classes:
        return _slips_of_every_class(args, settings)
    class_name = batch_id = None
    with _database(settings) as db:
        if args.class_name:
            info = cli_ops.find_class(db, args.actor, args.class_name)
            rows = roster.class_learners(db, args.actor, info.id)
            class_name = title = info.name
        elif args.batch:
            rows = slips.batch_learners(db, args.actor, args.batch)
            batch_id = args.batch
            title = f"reinitialisation_{args.batch[:8]}"
        else:
            rows = roster.learners_by_logins(db, args.actor, args.logins)
            unknown = sorted(set(args.logins) - {row.login for row in rows})
            if unknown:
                raise _unknown_logins(unknown)
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
            slip_set, slips.SlipOptions.from_settings(settings), settings.language,
            args.layout, title=class_name or title,
        )
        output = Path(args.output)
        _write_output(output, document.data)
        slips.record_slips(
            db, args.actor, document.count, args.layout, class_name=class_name,
            batch_id=batch_id, logins=args.logins,
        )
    lang = settings.language
    _slip_warnings(document, lang)
    print(t("cli_slips_written", lang, count=document.count, pages=document.pages,
            output=output))
    return 0


def _slips_of_every_class(args: argparse.Namespace, settings: Settings) -> int:
    """One PDF per class (``fiches_<class>.pdf``) in the folder ``--output``, in one process;
    each class audited as it is written, a line on stderr per class as progress."""
    lang = settings.language
    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise ValidationError(f"{folder} is not a folder", key="cli_not_a_folder",
                              path=str(folder))
    options = slips.SlipOptions.from_settings(settings)
    written = pages = 0
    with _database(settings) as db:
        classes = roster.list_classes(db, args.actor)  # refuses a non-administrator first
        names = slips_pdf.class_file_names([c.name for c in classes])
        created = not folder.exists()
        if not created and any(folder.iterdir()):
            # Never mix with (or silently replace) last year's slips or other files.
            raise ValidationError(f"{folder} is not empty: name a new folder",
                                  key="cli_folder_not_empty", path=str(folder))
        try:
            make_private_dir(folder)
            os.chmod(folder, PRIVATE_DIR_MODE)  # an empty folder given by the user too
        except OSError as exc:
            raise ValidationError(
                f"cannot write {folder}: {exc.strerror}", key="cli_cannot_write",
                path=str(folder), reason=exc.strerror or type(exc).__name__,
            ) from exc
        without_birth_date = False
        for number, info in enumerate(classes, start=1):
            rows = roster.class_learners(db, args.actor, info.id)
            slip_set = slips.build_slips(
                rows, settings.slips_password, settings.initial_password_days, settings.tz
            )
            if not slip_set.slips:
                without_birth_date = without_birth_date or bool(rows)
                print(t("cli_slips_class_empty", lang, number=number, total=len(classes),
                        class_name=info.name), file=sys.stderr)
                continue
            document = slips_pdf.slips_pdf(slip_set, options, lang, args.layout, title=info.name)
            _write_output(folder / names[info.name], document.data)
            slips.record_slips(db, args.actor, document.count, args.layout,
                               class_name=info.name)
            _slip_warnings(document, lang)
            written, pages = written + document.count, pages + document.pages
            print(t("cli_slips_class_written", lang, number=number, total=len(classes),
                    class_name=info.name, count=document.count), file=sys.stderr)
    if not written:
        if created:
            folder.rmdir()  # nothing was written in it
        if without_birth_date:
            raise ValidationError("no slip to print: no learner has a birth date",
                                  key="cli_no_slip_no_birth_date")
        raise ValidationError("no slip to print: no learner found", key="cli_no_slip_no_learner")
    print(t("cli_slips_written", lang, count=written, pages=pages, output=folder))
    return 0


def _slip_warnings(document: slips_pdf.SlipsDocument, lang: str) -> None:
    for name in document.skipped:
        print(t("cli_slip_no_birth_date", lang, name=name), file=sys.stderr)
    for char, name in document.missing:
        print(t("cli_slip_missing_glyph", lang, char=repr(char), code=f"{ord(char):04X}",
                name=name, mark=slips_pdf.MISSING_MARK), file=sys.stderr)


def _unknown_logins(unknown: Sequence[str]) -> ValidationError:
    logins = ", ".join(unknown)
    return ValidationError(f"unknown login(s): {logins}", key="cli_unknown_logins", logins=logins)


def _print_learners(rows: Sequence[roster.LearnerRow], lang: str) -> None:
    for row in rows:
        state = t("cli_state_deactivated" if row.deactivated_at else "cli_state_active", lang)
        name = full_name(row.last_name, row.first_name)
        print(f"  {name}  ({row.login}, {row.class_name or '-'}, {state})")


def cmd_reset(args: argparse.Namespace, settings: Settings) -> int:
    with _database(settings) as db:
        if args.class_name:
            info = cli_ops.find_class(db, args.actor, args.class_name)
            rows = roster.class_learners(db, args.actor, info.id)
        else:
            rows = roster.learners_by_logins(db, args.actor, args.logins)
            unknown = sorted(set(args.logins) - {row.login for row in rows})
            if unknown:
                raise _unknown_logins(unknown)
        if not rows:
            raise ValidationError("no learner to reset", key="cli_nothing_to_reset")
        print(t("cli_reset_list", settings.language, count=len(rows)))
        _print_learners(rows, settings.language)
        if not args.yes:
            if not sys.stdin.isatty():
                raise ValidationError(
                    "confirmation needed: run in a terminal or pass --yes",
                    key="cli_confirmation_needed",
                )
            answer = input(t("cli_confirm_reset", settings.language)).strip().lower()
            if answer not in ("y", "yes", "o", "oui"):
                print(t("cli_cancelled", settings.language))
                return 1
        with _progress(t("cli_progress_hashing", settings.language)) as progress:
            outcome = resets.reset_passwords(
                db, args.actor, [row.id for row in rows], settings.bcrypt_rounds, progress=progress
            )
    print(t("cli_reset_done", settings.language, count=outcome.count, batch=outcome.batch_id))
    command = f"access-core slips --batch {outcome.batch_id} --output FILE.pdf --actor {args.actor}"
    print(t("cli_reset_slips_hint", settings.language, command=command))
    if args.slips:
        return cmd_slips(
            argparse.Namespace(
                class_name=None, batch=outcome.batch_id, logins=None, all_classes=False,
                actor=args.actor,
                output=args.slips, layout=args.layout, database_url=args.database_url,
            ),
            settings,
        )
    return 0


def _print_plan(plan: imports.ImportPlan, lang: str, force: bool = False) -> None:
    sections = [
        ("cli_plan_new", plan.new),
        ("cli_plan_updated", plan.updated),
        ("cli_plan_moved", plan.moved),
        ("cli_plan_reactivated", plan.reactivated),
        ("cli_plan_deactivated", plan.deactivated),
        ("cli_plan_password_moved", plan.initial_password_moved),
        ("cli_plan_kept", plan.kept),
    ]
    for title, changes in sections:
        if changes:
            print(f"{t(title, lang)} ({len(changes)}):")
            for change in changes[:LIST_LIMIT]:
                where = (
                    t("cli_plan_line", lang, line=change.line)
                    if change.line is not None
                    else t("cli_plan_not_in_file", lang)
                )
                print(f"  {change.name} ({change.login}, {where})")
            if len(changes) > LIST_LIMIT:
                print(t("cli_plan_more", lang, count=len(changes) - LIST_LIMIT))
    if plan.rejected:
        print(f"{t('cli_plan_rejected', lang)} ({len(plan.rejected)}):")
        for problem in plan.rejected:
            print(
                f"  {t('cli_plan_line', lang, line=problem.line)}"
                + (f" ({problem.ref})" if problem.ref else "")
                + f": {problem.reason}"
                + (f" ({problem.name})" if problem.name else "")
            )
    if plan.new_classes:
        print(t("cli_plan_new_classes", lang, names=", ".join(plan.new_classes)))
    print()
    totals = [
        ("cli_plan_new", len(plan.new)),
        ("cli_plan_updated", len(plan.updated)),
        ("cli_plan_moved", len(plan.moved)),
        ("cli_plan_reactivated", len(plan.reactivated)),
        ("cli_plan_deactivated", len(plan.deactivated)),
        ("cli_plan_unchanged", plan.unchanged),
        ("cli_plan_rejected", len(plan.rejected)),
    ]
    width = max(12, *(len(t(title, lang)) + 1 for title, _ in totals))
    print(f"{'':{width}}{t('cli_plan_count', lang):>7}")
    for title, count in totals:
        print(f"{t(title, lang):{width}}{count:>7}")
    if plan.needs_confirmation:
        how = t("cli_plan_forced" if force else "cli_plan_needs_force", lang)
        print()
        print(
            t(
                "cli_plan_needs_confirmation", lang, count=len(plan.deactivated),
                active=plan.active_learners, percent=plan.max_deactivation_percent, how=how,
            )
        )


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            f"cannot read {path}: {exc.strerror}", key="cli_cannot_read", path=str(path),
            reason=exc.strerror or type(exc).__name__,
        ) from None
    roster_file = roster_files.read_roster(data, path.name, limits=settings.import_limits)
    print(
        t(
            "cli_import_file", lang, format=roster_file.format,
            encoding=roster_file.encoding or "-",
            year=roster_file.school_year or t("cli_import_year_unknown", lang),
        )
        + (
            t("cli_import_departed", lang, count=roster_file.departed)
            if roster_file.departed
            else ""
        )
    )
    with _database(settings) as db:
        plan = imports.preview(
            db,
            args.actor,
            roster_file,
            partial=args.partial,
            max_deactivation_percent=settings.import_max_deactivation_share,
        )
        _print_plan(plan, lang, force=args.force)
        if plan.new:
            seconds = estimate_hashing_seconds(len(plan.new), settings.bcrypt_rounds)
            print(t("cli_import_hashing", lang, count=len(plan.new), seconds=f"{seconds:.0f}"))
        if plan.rejected and not args.skip_bad_rows:
            print(t("cli_import_refused", lang), file=sys.stderr)
            return 1
        if args.dry_run:
            print(t("cli_import_dry_run", lang))
            return 3 if plan.rejected else 0
        if not plan.has_changes:
            print(t("cli_import_nothing", lang))
            return 3 if plan.rejected else 0
        with _progress(t("cli_progress_initial", lang)) as progress:
            outcome = imports.apply(
                db,
                args.actor,
                plan,
                settings.bcrypt_rounds,
                skip_bad_rows=args.skip_bad_rows,
                progress=progress,
                force=args.force,
            )
    print(
        t(
            "cli_import_done", lang, new=outcome.new, updated=outcome.updated,
            moved=outcome.moved, reactivated=outcome.reactivated, deactivated=outcome.deactivated,
        )
        + (
            t("cli_import_passwords_moved", lang, count=outcome.initial_passwords_moved)
            if outcome.initial_passwords_moved
            else ""
        )
        + (
            t("cli_import_skipped", lang, count=outcome.skipped_rows)
            if outcome.skipped_rows
            else ""
        )
    )
    return 3 if outcome.skipped_rows else 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    with _database(settings) as db:
        figures = stats.school_stats(db, args.actor, settings.initial_password_days)
    print(stats.to_csv(figures) if args.format == "csv" else stats.to_table(figures), end="")
    return 0


Command = Callable[[argparse.Namespace, Settings], int]


def _common_options(parser: argparse.ArgumentParser, default: Any) -> None:
    """Options accepted before and after the command (``default`` is SUPPRESS after it, so
    that a value given before is kept)."""
    parser.add_argument(
        "--database-url", default=default, help="SQLAlchemy URL (default: ACCESS_DATABASE_URL)"
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        default=False if default is None else default,
        help="on an error, show its cause chain",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="access-core", description="The command line of Accès apprenants, for technical staff."
    )
    _common_options(parser, None)
    parser.add_argument("--version", action="version", version=cli_ops.version_text())
    common = argparse.ArgumentParser(add_help=False)
    _common_options(common, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func: Command, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        p.set_defaults(func=func)
        return p

    command("init", cmd_init, "create or upgrade the schema")
    p = command("demo", cmd_demo, "fill an empty database with a demo school")
    p.add_argument(
        "--learners",
        dest="learners_per_class",
        type=int,
        default=22,
        help="learners per class (default 22)",
    )
    p = command("create-admin", cmd_create_admin, "create an administrator")
    p.add_argument("username")
    p.add_argument("--name", help="display name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p = command("import", cmd_import, "bring the learners in line with a roster file")
    p.add_argument("file", help="a roster: SIECLE XML or its ZIP, SIECLE or ONDE CSV, our CSV/XLSX")
    p.add_argument("--actor", required=True, help="the administrator doing it")
    p.add_argument("--dry-run", action="store_true", help="show the preview only")
    p.add_argument(
        "--partial",
        action="store_true",
        help="deactivate nobody (the file is not the whole school)",
    )
    p.add_argument("--skip-bad-rows", action="store_true", help="apply the valid rows only")
    p.add_argument(
        "--force",
        action="store_true",
        help="confirm an import that deactivates more than ACCESS_IMPORT_MAX_DEACTIVATION_SHARE "
        "percent of the active learners",
    )
    p = command("set-password", cmd_set_password, "change an administrator's password")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p = command("disable-admin", cmd_disable_admin, "disable an administrator at once")
    p.add_argument("username")
    p = command("unlock", cmd_unlock, "lift a login lockout")
    p.add_argument("username", help="administrator username (or learner login with --learner)")
    p.add_argument("--learner", action="store_true", help="USERNAME is a learner's login")
    p = command(
        "quickstart",
        cmd_quickstart,
        "init, demo school and a first administrator, each only when missing",
    )
    p.add_argument("--username", default="admin")
    p = command("export", cmd_export, "write the identifier workbook of a class")
    p.add_argument("--class", dest="class_name", required=True)
    p.add_argument("--output", required=True, help="the .xlsx file to write")
    p.add_argument("--actor", required=True, help="the administrator doing it")
    p = command("reset", cmd_reset, "reset learners' passwords to their birth date")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--class", dest="class_name", help="every active learner of a class")
    target.add_argument("--login", dest="logins", nargs="+", help="these learners")
    p.add_argument("--actor", required=True, help="the administrator doing it")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--slips", metavar="FILE.pdf", help="also write the reset learners' slips")
    p.add_argument("--layout", choices=slips.LAYOUTS, default="8", help="slips per page")
    p = command("slips", cmd_slips, "write login slips (PDF): of a class, logins or a reset")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--class", dest="class_name", help="every active learner of a class")
    target.add_argument("--login", dest="logins", nargs="+", help="these learners")
    target.add_argument("--batch", help="the learners of a reset batch (its id)")
    target.add_argument("--all-classes", action="store_true",
                        help="every class, one PDF each, in the folder --output")
    p.add_argument("--output", required=True,
                   help="the .pdf file to write (with --all-classes: the folder)")
    p.add_argument("--actor", required=True, help="the administrator doing it")
    p.add_argument(
        "--layout", choices=slips.LAYOUTS, default="8",
        help="8 per A4 page with cut marks (default), or 1 per page with the first-login steps",
    )
    p = command("stats", cmd_stats, "print the password figures of every class")
    p.add_argument("--actor", required=True, help="the administrator doing it")
    p.add_argument("--format", choices=("table", "csv"), default="table")
    cli_ops.register(command)
    return parser


def _access_error_text(exc: AccessError, lang: str | None) -> str:
    """An expected error in ``lang``. In English (or before the language is known: bad
    configuration), its own message, written for the terminal and the logs. Otherwise the
    catalogue's wording of its key, the terminal's one (``cli_<key>``) first: the pages' one may
    speak of a page or leave out a detail a technician needs. Its English message when the
    catalogue has no wording for it, or none using only the values the error carries."""
    if lang is None or lang == "en":
        return str(exc)
    key = str(exc.params.get("key") or f"error_{exc.code}")
    known = {"message", *exc.params}
    for candidate in (f"cli_{key}", key):
        wording = MESSAGES.get(lang, {}).get(candidate)
        if wording and {n for _, n, _, _ in Formatter().parse(wording) if n} <= known:
            return error_message(AccessError(str(exc), **{**exc.params, "key": candidate}), lang)
    return str(exc)


def _error_line(exc: BaseException, lang: str | None = None) -> str:
    """One line saying what is wrong, for any failure (never a traceback)."""
    if isinstance(exc, AccessError):
        return " ".join(_access_error_text(exc, lang).splitlines())
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {driver_error(exc)}"
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or type(exc).__name__}{where}"
    return f"unexpected {type(exc).__name__}: rerun with --verbose to see its cause"


def main(argv: Sequence[str] | None = None) -> int:
    from access_core.logs import configure_logging, remove_handler

    args = build_parser().parse_args(argv)
    configure_logging(logging.INFO if args.verbose else logging.ERROR)
    lang: str | None = None
    try:
        settings = _settings(args)
        lang = settings.language
        with audit.origin(via="cli", os_user=os_user()):
            return int(args.func(args, settings))
    except KeyboardInterrupt:
        print(t("cli_interrupted", lang or "en"), file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - every failure is one line, never a traceback
        if args.verbose:
            traceback.print_exception(exc, file=sys.stderr)
        print(f"error: {_error_line(exc, lang)}", file=sys.stderr)
    finally:
        remove_handler()
    return 1


if __name__ == "__main__":
    sys.exit(main())
