"""``import``: bring the learners in line with a roster file, after printing its preview.

Exit 0 when applied cleanly, 1 when nothing was applied, 3 when applied (or dry-run) with bad
rows skipped."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from access_core.accounts.passwords import estimate_hashing_seconds
from access_core.characters import visible
from access_core.cli.base import LIST_LIMIT, actor_option, command, database, progress
from access_core.config import Settings
from access_core.errors import ValidationError
from access_core.imports import files as roster_files
from access_core.imports import plan as import_plan
from access_core.imports import preview as imports
from access_core.schools import register
from access_core.text.catalogue import rejection_reason, t

PARTIAL_APPLIED = 3  # applied (or previewed) with rejected rows left out


def print_plan(plan: imports.ImportPlan, lang: str, force: bool = False) -> None:
    for section, changes in plan.sections:
        if changes:
            title = t(f"cli_plan_{section}", lang)
            print(t("cli_plan_section", lang, title=title, count=len(changes)))
            for change in changes[:LIST_LIMIT]:
                where = (
                    t("cli_plan_line", lang, line=change.line)
                    if change.line is not None
                    else t("cli_plan_not_in_file", lang)
                )
                print(f"  {visible(change.name)} ({visible(change.login)}, {where})")
            if len(changes) > LIST_LIMIT:
                print(t("cli_plan_more", lang, count=len(changes) - LIST_LIMIT))
    if plan.rejected:
        title = t("cli_plan_rejected", lang)
        print(t("cli_plan_section", lang, title=title, count=len(plan.rejected)))
        for problem in plan.rejected:
            print(
                t(
                    "cli_plan_rejected_row",
                    lang,
                    line=t("cli_plan_line", lang, line=problem.line),
                    ref=f" ({problem.ref})" if problem.ref else "",
                    reason=rejection_reason(problem.code, problem.params, problem.reason, lang),
                    name=f" ({visible(problem.name)})" if problem.name else "",
                )
            )
    if plan.new_classes:
        print(t("cli_plan_new_classes", lang, names=", ".join(map(visible, plan.new_classes))))
    print()
    totals = [(f"cli_plan_{code}", count) for code, count in plan.totals]
    width = max(12, *(len(t(title, lang)) + 1 for title, _ in totals))
    print(f"{'':{width}}{t('cli_plan_count', lang):>7}")
    for title, count in totals:
        print(f"{t(title, lang):{width}}{count:>7}")
    if plan.needs_confirmation:
        how = t("cli_plan_forced" if force else "cli_plan_needs_force", lang)
        print()
        print(
            t(
                "cli_plan_needs_confirmation",
                lang,
                count=len(plan.deactivated),
                active=plan.active_learners,
                percent=plan.max_deactivation_percent,
                how=how,
            )
        )


@command("import", "bring the learners in line with a roster file")
@click.argument("file")
@actor_option
@click.option(
    "--school",
    "school_uai",
    metavar="UAI",
    help="the school the file is for (optional on an installation of one school)",
)
@click.option("--dry-run", is_flag=True, help="show the preview only")
@click.option(
    "--partial", is_flag=True, help="deactivate nobody (the file is not the whole school)"
)
@click.option("--skip-bad-rows", is_flag=True, help="apply the valid rows only")
@click.option(
    "--force",
    is_flag=True,
    help="confirm an import that deactivates more than ACCESS_IMPORT_MAX_DEACTIVATION_SHARE "
    "percent of the active learners",
)
def import_roster(
    settings: Settings,
    file: str,
    actor: str,
    school_uai: str | None,
    dry_run: bool,
    partial: bool,
    skip_bad_rows: bool,
    force: bool,
) -> int:
    lang = settings.language
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            f"cannot read {path}: {exc.strerror}",
            key="cli_cannot_read",
            path=str(path),
            reason=exc.strerror or type(exc).__name__,
        ) from None
    roster_file = roster_files.read_roster(data, path.name, limits=settings.import_limits)
    print(
        t(
            "cli_import_file",
            lang,
            format=roster_file.format,
            encoding=roster_file.encoding or "-",
            year=roster_file.school_year or t("cli_import_year_unknown", lang),
        )
        + (
            t("cli_import_departed", lang, count=roster_file.departed)
            if roster_file.departed
            else ""
        )
    )
    with database(settings) as db:
        plan = imports.preview(
            db,
            actor,
            roster_file,
            partial=partial,
            max_deactivation_percent=settings.import_max_deactivation_share,
            school_id=register.school_for_import(db, actor, school_uai),
        )
        school = register.get_school(db, actor, plan.school_id)
        uai = school.uai or t("cli_school_no_uai", lang)
        print(t("cli_import_school", lang, uai=uai, name=visible(school.name)))
        print_plan(plan, lang, force=force)
        if plan.new:
            seconds = estimate_hashing_seconds(len(plan.new), settings.bcrypt_rounds)
            print(t("cli_import_hashing", lang, count=len(plan.new), seconds=f"{seconds:.0f}"))
        if import_plan.ROWS_REJECTED in import_plan.blockers(plan, skip_bad_rows=skip_bad_rows):
            print(t("cli_import_refused", lang), file=sys.stderr)
            return 1
        if dry_run:
            print(t("cli_import_dry_run", lang))
            return PARTIAL_APPLIED if plan.rejected else 0
        if not plan.has_changes:
            print(t("cli_import_nothing", lang))
            return PARTIAL_APPLIED if plan.rejected else 0
        with progress(t("cli_progress_initial", lang)) as update:
            outcome = imports.apply(
                db,
                actor,
                plan,
                settings.bcrypt_rounds,
                skip_bad_rows=skip_bad_rows,
                progress=update,
                force=force,
            )
    print(
        t(
            "cli_import_done",
            lang,
            new=outcome.new,
            updated=outcome.updated,
            moved=outcome.moved,
            reactivated=outcome.reactivated,
            deactivated=outcome.deactivated,
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
    print(t("cli_import_id", lang, import_id=outcome.import_id))
    if outcome.new:
        hint = f"access-core slips --import {outcome.import_id} --output FILE.pdf --actor {actor}"
        print(t("cli_import_slips_hint", lang, count=outcome.new, command=hint))
    return PARTIAL_APPLIED if outcome.skipped_rows else 0
