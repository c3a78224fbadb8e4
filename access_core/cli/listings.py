"""Listings and figures: ``list-classes`` and ``stats`` (machine-readable, not translated)."""

from __future__ import annotations

from dataclasses import replace

import click

from access_core.characters import visible
from access_core.cli.base import actor_option, command, database
from access_core.config import Settings
from access_core.roster import queries as roster


@command("list-classes", "the classes with their active learner counts")
@actor_option
def list_classes(settings: Settings, actor: str) -> int:
    with database(settings) as db:
        classes = roster.list_classes(db, actor)
        counts = roster.active_counts(db, actor)
    for info in classes:
        print(f"{visible(info.name)}\t{counts.get(info.id, 0)}")
    return 0


@command("stats", "print the password figures of every class")
@actor_option
@click.option("--format", "output_format", type=click.Choice(("table", "csv")), default="table")
def school_stats(settings: Settings, actor: str, output_format: str) -> int:
    from access_core.roster import stats  # not loaded by list-classes

    with database(settings) as db:
        figures = stats.school_stats(db, actor, settings.initial_password_days)
    # class names are data: a control character is shown, never acted on by the terminal
    figures = replace(
        figures,
        classes=[
            replace(row, class_name=visible(row.class_name)) if row.class_name else row
            for row in figures.classes
        ],
    )
    print(stats.to_csv(figures) if output_format == "csv" else stats.to_table(figures), end="")
    return 0
