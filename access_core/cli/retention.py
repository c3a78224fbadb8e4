"""Retention and access requests: ``purge`` (learners past the legal term, old journal events
and sessions) and ``learner-data`` (everything stored about one learner, RGPD article 15)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from access_core.characters import visible
from access_core.cli.base import actor_option, command, database, write_output
from access_core.config import Settings
from access_core.documents import learner_data as data_export
from access_core.errors import ValidationError
from access_core.ops.restore import kept_previous
from access_core.roster import retention
from access_core.roster.queries import deactivation_window_start
from access_core.text.catalogue import t


def terms(settings: Settings) -> retention.Terms:
    return retention.Terms(
        settings.recent_deactivation_months, settings.journal_retention_months, settings.tz
    )


def _previous_kept_note(settings: Settings) -> None:
    """The purge cannot reach restore's ``.before-restore``: say so (stderr)."""
    previous = kept_previous(settings.database_url)
    if previous is not None:
        print(t("cli_purge_previous_kept", settings.language, path=previous), file=sys.stderr)


@command("purge", "delete learners past the retention term, old journal events and sessions")
@click.option("--dry-run", is_flag=True, help="list who would be deleted; change nothing")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@actor_option
def purge(settings: Settings, dry_run: bool, yes: bool, actor: str) -> int:
    lang, tz = settings.language, settings.tz
    now = datetime.now(UTC)
    months = settings.recent_deactivation_months
    with database(settings) as db:
        rows = retention.overdue(db, actor, months, tz, now)
        before = deactivation_window_start(now, months, tz).astimezone(tz)
        print(t("cli_purge_list", lang, count=len(rows), date=before.strftime("%d/%m/%Y %H:%M")))
        if dry_run:
            for row in rows:
                day = row.deactivated_at.astimezone(tz).strftime("%d/%m/%Y")
                print(f"  {visible(row.class_name or '-')}  {visible(row.login)}  {day}")
            print(t("cli_dry_run", lang))
            _previous_kept_note(settings)
            return 0
        if not yes:
            if not sys.stdin.isatty():
                raise ValidationError(
                    "confirmation needed: run in a terminal or pass --yes",
                    key="cli_confirmation_needed",
                )
            answer = input(t("cli_confirm_purge", lang)).strip().lower()
            if answer not in ("y", "yes", "o", "oui"):
                print(t("cli_cancelled", lang))
                return 1
        result = retention.purge(db, actor, terms(settings))  # re-checks who is overdue
    print(
        t(
            "cli_purge_done",
            lang,
            learners=result.learners,
            events=result.journal_events,
            sessions=result.sessions,
            months=settings.journal_retention_months,
        )
    )
    _previous_kept_note(settings)
    return 0


@command("learner-data", "print everything stored about one learner (access request)")
@click.argument("login")
@actor_option
@click.option(
    "--format", "fmt", type=click.Choice(data_export.FORMATS), default="json", show_default=True
)
@click.option("--output", help="write to this file (0600) instead of printing")
def learner_data(settings: Settings, login: str, actor: str, fmt: str, output: str | None) -> int:
    with database(settings) as db:
        data = data_export.learner_data(db, actor, login, fmt)
    if output:
        write_output(Path(output), data)
        print(t("cli_learner_data_written", settings.language, path=output))
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
