"""The schools: ``create-school``, ``list-schools`` (tab-separated, not translated) and
``edit-school`` (name, UAI, portal address; the school an older installation was migrated to
gets its UAI this way). Technical staff holding the database: no ``--actor``, as for
``create-admin``; the journal names the operating-system user."""

from __future__ import annotations

import click

from access_core.characters import visible
from access_core.cli.base import CLI_ACTOR, command, database
from access_core.config import Settings
from access_core.db.unit_of_work import Database
from access_core.errors import NotFound
from access_core.schools import register
from access_core.text.catalogue import t


@command("create-school", "create a school (its UAI, its name)")
@click.argument("uai")
@click.option("--name", required=True, help="the school's name")
@click.option("--portal-url", help="the learners' portal address printed on its slips")
def create_school(settings: Settings, uai: str, name: str, portal_url: str | None) -> int:
    with database(settings) as db:
        school = register.create_school(db, uai, name, portal_url, actor=CLI_ACTOR, operator=True)
    print(t("cli_school_created", settings.language, uai=school.uai, name=visible(school.name)))
    return 0


@command("list-schools", "the schools: UAI, name, active learners (tab-separated)")
def list_schools(settings: Settings) -> int:
    with database(settings) as db:
        schools = register.list_schools(db, CLI_ACTOR, operator=True)
    for school in schools:
        print(f"{school.uai or '-'}\t{visible(school.name)}\t{school.active_learners}")
    return 0


def _target(db: Database, uai: str | None) -> int | None:
    """The school ``uai`` names; without it, the only school without a UAI (the school an
    older installation was migrated to), or the installation's only school."""
    if uai is not None:
        return register.find_school(db, CLI_ACTOR, uai, operator=True).id
    schools = register.list_schools(db, CLI_ACTOR, operator=True)
    without = [s.id for s in schools if s.uai is None]
    if len(without) == 1:
        return without[0]
    if len(schools) == 1:
        return schools[0].id
    raise NotFound("name the school by its UAI", key=register.SCHOOL_REQUIRED)


@command("edit-school", "change a school's UAI, name or portal address")
@click.argument("school", required=False, metavar="[UAI]")
@click.option("--uai", "new_uai", help="its UAI (7 digits and their check letter)")
@click.option("--name", help="its name")
@click.option("--portal-url", help="its learners' portal address ('' removes it)")
def edit_school(
    settings: Settings,
    school: str | None,
    new_uai: str | None,
    name: str | None,
    portal_url: str | None,
) -> int:
    lang = settings.language
    with database(settings) as db:
        before = register.get_school(db, CLI_ACTOR, _target(db, school), operator=True)
        after = register.set_school(
            db,
            before.id,
            actor=CLI_ACTOR,
            uai=new_uai,
            name=name,
            portal_url=portal_url,
            operator=True,
        )
    key = "cli_school_unchanged" if after == before else "cli_school_updated"
    uai = after.uai or t("cli_school_no_uai", lang)
    print(t(key, lang, uai=uai, name=visible(after.name)))
    return 0
