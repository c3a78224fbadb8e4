"""What every command shares: the ``access-core`` group, the options accepted before and after a
command's name, the settings, the database, progress bars, private output files, and ``main``,
the one place that turns any failure into one ``error: ...`` line and an exit code.

Exit codes: 0 success, 1 an error (one line, never a traceback), 2 a usage error, 130 an
interruption; ``import`` also uses 3 (applied with bad rows skipped).
"""

from __future__ import annotations

import functools
import getpass
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from access_core.characters import visible
from access_core.cli.failures import PROG, error_line, usage_error
from access_core.config import Settings, load_settings
from access_core.errors import ValidationError
from access_core.ops.private_files import write_private
from access_core.text.catalogue import t

if TYPE_CHECKING:  # imported by the commands that use them: the group starts without them
    from access_core.accounts.passwords import Progress
    from access_core.db.unit_of_work import Database

# Each command's module, imported only when the command runs (or for the full ``--help``), so
# that ``--version`` and a command load no more than they use (SQLAlchemy, openpyxl, fpdf2,
# bcrypt, Streamlit). ``tests/cli`` checks this table against the commands the modules register.
COMMAND_MODULES = {
    "backup": "operations",
    "check": "operations",
    "create-admin": "accounts",
    "create-school": "schools",
    "create-teacher": "staff",
    "demo": "operations",
    "disable-admin": "accounts",
    "edit-school": "schools",
    "enable-admin": "accounts",
    "export": "learners",
    "grant": "staff",
    "import": "importing",
    "init": "operations",
    "learner-data": "retention",
    "list-accounts": "staff",
    "list-admins": "staff",
    "list-classes": "listings",
    "list-schools": "schools",
    "purge": "retention",
    "quickstart": "operations",
    "reset": "learners",
    "restore": "operations",
    "revoke": "staff",
    "serve": "operations",
    "set-password": "accounts",
    "slips": "slips",
    "stats": "listings",
    "undo-reset": "learners",
    "unlock": "accounts",
}

LIST_LIMIT = 20
# A command's handler: the settings first, then the command's options as keyword arguments.
Command = Callable[..., int]


def os_user() -> str:
    """The operating-system account running the command (recorded beside ``--actor``)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no LOGNAME/USER and no passwd entry
        return f"uid:{os.getuid()}"


# ``admins.CLI_ACTOR_PREFIX`` (« cli: », a reserved username prefix), written out here: the
# command line imports no database code before a command runs
CLI_ACTOR = f"cli:{os_user()}"


def version_text() -> str:
    from importlib import metadata  # its own 40 ms: only for --version

    try:
        version = metadata.version("acces-apprenants")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"{PROG} {version}"


class InterruptedAfterWriting(Exception):  # noqa: N818 - an interruption, not an error
    """Ctrl-C after the command had written part of its work: its message (what was written,
    where) replaces « interrupted, nothing changed »; exit code 130 all the same."""


@dataclass
class State:
    """The options given before or after the command's name, and the language once known."""

    database_url: str | None = None
    verbose: bool = False
    language: str | None = None

    def settings(self) -> Settings:
        settings = load_settings()
        if self.database_url:
            settings = replace(settings, database_url=self.database_url)
        self.language = settings.language
        return settings


def options() -> State:
    """The running command's ``--database-url`` and ``--verbose``."""
    return click.get_current_context().ensure_object(State)


class _Usage:
    """argparse's ``usage: ...`` line (lower case), which scripts and docs/command-line.md show."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="usage: ")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """click's parser raises some usage errors without their context (an option missing
        its value): give them this command's, so they print its usage line and name too."""
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]
        except click.UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise


class AccessCommand(_Usage, click.Command):
    pass


class AccessGroup(_Usage, click.Group):
    """The group whose commands are registered by their modules, imported on first use."""

    command_class = AccessCommand

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMAND_MODULES) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(f"access_core.cli.{module}")  # registers its commands
        return super().get_command(ctx, cmd_name)


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _set_database_url(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:  # given after the command, it wins; absent, the one before is kept
        ctx.ensure_object(State).database_url = value


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(State).verbose = True


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--database-url`` and ``--verbose``, accepted before and after the command's name."""
    func = click.option(
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=_set_verbose,
        help="on an error, show its cause chain",
    )(func)
    return click.option(
        "--database-url",
        expose_value=False,
        callback=_set_database_url,
        help="SQLAlchemy URL (default: ACCESS_DATABASE_URL)",
    )(func)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        print(version_text())
        raise SystemExit(0)


@click.group(
    cls=AccessGroup,
    name=PROG,
    context_settings=CONTEXT,
    help="The command line of Accès apprenants, for technical staff.",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="show the version and exit",
)
@common_options
def cli() -> None:
    """The group: its options are handled by their callbacks."""


def command(
    name: str, help_text: str, *, one_of: Sequence[str] = ()
) -> Callable[[Command], click.Command]:
    """Register ``handler(settings, **options)`` as the command ``name``. ``one_of``: options
    of which exactly one must be given (a usage error otherwise, before any setting is read)."""

    def register(handler: Command) -> click.Command:
        @functools.wraps(handler)
        def run(**options: Any) -> int:
            ctx = click.get_current_context()
            if one_of:
                _exactly_one(ctx, {name: options.get(name) for name in one_of})
            state = ctx.ensure_object(State)
            from access_core.audit import events as audit
            from access_core.ops.logs import configure_logging

            configure_logging(logging.INFO if state.verbose else logging.ERROR)
            settings = state.settings()
            with audit.origin(via="cli", os_user=os_user()):
                return int(handler(settings, **options))

        return cli.command(name, help=help_text, short_help=help_text)(common_options(run))

    return register


def _flag(name: str) -> str:
    names = {"class_name": "class", "logins": "login", "import_id": "import"}
    return "--" + names.get(name, name).replace("_", "-")


def _exactly_one(ctx: click.Context, values: dict[str, Any]) -> None:
    given = [_flag(name) for name, value in values.items() if value]
    if not given:
        flags = " ".join(_flag(name) for name in values)
        raise click.UsageError(f"one of the options {flags} is required", ctx)
    if len(given) > 1:
        raise click.UsageError(f"option {given[1]}: not allowed with option {given[0]}", ctx)


actor_option = click.option("--actor", required=True, help="the administrator doing it")


def login_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--login LOGIN [LOGIN ...]``: the first login is the option's value, the next ones
    are the words that follow it (click options take a fixed number of values)."""
    func = click.argument("more_logins", nargs=-1, metavar="[LOGIN ...]")(func)
    return click.option("--login", "logins", multiple=True, help="these learners")(func)


def logins_given(logins: Iterable[str], more_logins: Iterable[str]) -> list[str] | None:
    """The logins of ``--login a b c``; a word without ``--login`` before it is a usage error."""
    first, more = list(logins), list(more_logins)
    if more and not first:
        raise click.UsageError(
            f"unrecognized arguments: {' '.join(more)}", click.get_current_context()
        )
    return [*first, *more] or None


@contextmanager
def database(settings: Settings) -> Iterator[Database]:
    from access_core.db.unit_of_work import Database

    db = Database.from_url(settings.database_url)
    try:
        yield db
    finally:
        db.dispose()


@contextmanager
def progress(label: str) -> Iterator[Progress]:
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


def write_output(output: Path, data: bytes) -> None:
    """Write an export holding minors' data: whole or not at all, mode 0600."""
    try:
        write_private(output, data)
    except OSError as exc:
        raise ValidationError(
            f"cannot write {output}: {exc.strerror}",
            key="cli_cannot_write",
            path=str(output),
            reason=exc.strerror or type(exc).__name__,
        ) from exc


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``access-core`` with ``argv`` (default: the process's arguments): the exit code.
    ``--help``, ``--version`` and usage errors exit (0, 0 and 2) as argparse did."""
    from access_core.ops.logs import remove_handler

    args = list(sys.argv[1:] if argv is None else argv)
    state = State()
    try:
        with cli.make_context(PROG, args, obj=state) as ctx:
            return int(cli.invoke(ctx) or 0)
    except click.exceptions.Exit as exc:  # --help
        raise SystemExit(exc.exit_code) from None
    except click.UsageError as exc:
        usage_error(exc)
        raise SystemExit(2) from None
    except InterruptedAfterWriting as exc:
        print(visible(str(exc)), file=sys.stderr)
        return 130
    except (KeyboardInterrupt, click.Abort):
        print(t("cli_interrupted", state.language or "en"), file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - every failure is one line, never a traceback
        if state.verbose:
            traceback.print_exception(exc, file=sys.stderr)
        # a name in the message is data: its control characters are shown, never acted on
        print(f"error: {visible(error_line(exc, state.language))}", file=sys.stderr)
    finally:
        remove_handler()
    return 1
