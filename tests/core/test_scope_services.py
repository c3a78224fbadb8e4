"""Every service taking an ``actor`` enforces the actor's scope: an administrator of school A,
or a teacher of class A1, asking about a learner, class, batch, school or journal event of
school B (or, for the teacher, of class A2) gets exactly the answer an unknown one gets.

``test_every_service_with_an_actor_has_a_case`` enumerates the services (public functions of
``access_core`` whose first parameter is ``db`` and which take an ``actor``; the command line
is the edge, tested in ``tests/cli/test_cli_scope.py``): a new service without a case in
``CASES`` fails it. The command line's operator functions (``OPERATOR_FUNCTIONS``: their
``actor`` is a journal label, not a scoped account) and the one function the dashboard calls
only on the logged-in account itself (``SELF_SERVICES``) are excluded by name, each with a test
of its callers.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import access_core
from access_core.accounts import staff, staff_access, staff_classes, staff_list
from access_core.audit import journal
from access_core.audit.journal import JournalFilter
from access_core.config import load_settings
from access_core.db.unit_of_work import Database
from access_core.documents import learner_data, slips, workbook
from access_core.errors import AccessError, NotAuthorized, NotFound, ResetTooLarge
from access_core.imports import apply as imports_apply
from access_core.imports import preview as imports_preview
from access_core.roster import queries, resets, retention, schools_view, search, stats, undo
from access_core.schools import register
from tests.support.factories import TEST_ROUNDS, add_class, add_learner, dump_tables
from tests.support.imports import csv_roster
from tests.support.scopes import make_admin, make_school, make_teacher

PARIS = ZoneInfo("Europe/Paris")
UNKNOWN_ID = 987_654_321
UNKNOWN_SCHOOL = 987_654
UNKNOWN_LOGIN = "personne.inconnue"
UNKNOWN_CLASS = "Classe inconnue"
NOW = datetime.now(UTC)


@dataclass(frozen=True)
class World:
    """School A (id 1: 6e A, 6e B) and school B (its own « 6e A » and « 3e Z »)."""

    db: Database
    school_b: int
    class_a1: int
    class_a2: int
    class_b_same: int  # « 6e A » of school B
    class_b_only: int  # « 3e Z », only in school B
    a1: int  # Léa Martin, 6e A of A
    a1_other: int
    a2: int  # Inès Roux, 6e B of A
    a_old: int  # deactivated two years ago in A (overdue)
    b1: int  # Basile Bernard, 6e A of B
    b2: int  # Bérénice Bertin, 3e Z of B
    b_gone: int  # deactivated ten days ago in B
    b_old: int  # deactivated two years ago in B (overdue)
    admin_a: str
    teacher: str  # of 6e A of school A
    district: str
    batch_b: str  # a reset of B's learners by the district administrator
    batch_a2: str  # a reset of A2's learner by the administrator of A


def build_world(db: Database) -> World:
    school_b = make_school(db, "0750002B", "Lycée Bé")
    with db.transaction(write=True) as session:
        from sqlalchemy import update

        from access_core.db.models import School

        session.execute(
            update(School)
            .where(School.id == school_b)
            .values(portal_url="https://b.example/portal")
        )
    class_a1, class_a2 = add_class(db, "6e A"), add_class(db, "6e B")
    class_b_same, class_b_only = add_class(db, "6e A", school_b), add_class(db, "3e Z", school_b)
    born = date(2012, 3, 4)
    a1 = add_learner(db, "Martin", "Léa", "6e A", born, login="lea.martin")
    a1_other = add_learner(db, "Petit", "Zoé", "6e A", born, login="zoe.petit")
    a2 = add_learner(db, "Roux", "Inès", "6e B", born, login="ines.roux")
    long_ago = NOW - timedelta(days=730)
    a_old = add_learner(db, "Ancien", "Aldo", "6e B", born, login="aldo.ancien")
    b1 = add_learner(
        db, "Bernard", "Basile", "6e A", born, login="basile.bernard", school_id=school_b
    )
    b2 = add_learner(
        db, "Bertin", "Bérénice", "3e Z", born, login="berenice.bertin", school_id=school_b
    )
    b_gone = add_learner(
        db, "Bonnet", "Blaise", "3e Z", born, login="blaise.bonnet",
        deactivated_at=NOW - timedelta(days=10), school_id=school_b,
    )  # fmt: skip
    b_old = add_learner(
        db, "Bouvier", "Bruno", "3e Z", born, login="bruno.bouvier",
        deactivated_at=long_ago, school_id=school_b,
    )  # fmt: skip
    with db.transaction(write=True) as session:
        from sqlalchemy import update

        from access_core.db.models import Learner

        session.execute(update(Learner).where(Learner.id == a_old).values(deactivated_at=long_ago))
    admin_a = make_admin(db, "admin_a", [1])
    teacher = make_teacher(db, "prof_a1", [class_a1])
    district = make_admin(db, "district", all_schools=True)
    batch_b = resets.reset_passwords(db, district, [b1, b2], TEST_ROUNDS).batch_id
    batch_a2 = resets.reset_passwords(db, admin_a, [a2], TEST_ROUNDS).batch_id
    return World(
        db, school_b, class_a1, class_a2, class_b_same, class_b_only, a1, a1_other, a2, a_old,
        b1, b2, b_gone, b_old, admin_a, teacher, district, batch_b, batch_a2,
    )  # fmt: skip


@dataclass(frozen=True)
class Target:
    """What lies outside the actor's scope: for the administrator of A, school B's; for the
    teacher of 6e A (school A), 6e B's (and school B's)."""

    learner: int
    login: str
    last_name: str
    class_id: int
    class_name: str
    batch: str
    school: int


def target(w: World, actor: str) -> Target:
    if actor == w.teacher:
        return Target(w.a2, "ines.roux", "Roux", w.class_a2, "6e B", w.batch_a2, w.school_b)
    return Target(w.b2, "berenice.bertin", "Bertin", w.class_b_only, "3e Z", w.batch_b, w.school_b)


def outcome(call: Callable[[], object], *hidden: object) -> tuple[object, ...]:
    """What a call answers, comparable between two targets: its value, or its error's type,
    code, key and message, with the asked identifier (``hidden``) masked."""
    try:
        return ("value", call())
    except AccessError as exc:
        text = str(exc)
        for value in hidden:
            text = text.replace(str(value), "<asked>")
        return ("error", type(exc).__name__, exc.code, exc.params.get("key"), text)


def same_as_unknown(
    w: World, outside: Callable[[], object], unknown: Callable[[], object], *asked: object
) -> tuple[object, ...]:
    """Asserts the out-of-scope call answers as the unknown one and changes nothing stored.
    ``asked``: the identifier each call names (the out-of-scope one, the unknown one), masked
    in its own message."""
    out_asked, unknown_asked = asked if asked else ((), ())
    before = dump_tables(w.db)
    got = outcome(outside, *([out_asked] if asked else []))
    assert dump_tables(w.db) == before, "an out-of-scope call changed something"
    assert got == outcome(unknown, *([unknown_asked] if asked else []))
    return got


# --- the table: one case per service --------------------------------------------------------

Case = Callable[[World, str], None]


def _list_classes(w: World, actor: str) -> None:
    t = target(w, actor)
    got = same_as_unknown(
        w,
        lambda: queries.list_classes(w.db, actor, school_id=t.school),
        lambda: queries.list_classes(w.db, actor, school_id=UNKNOWN_SCHOOL),
        t.school,
        UNKNOWN_SCHOOL,
    )
    assert got[0] == "error" and got[2] == "not_found"
    assert t.class_id not in {c.id for c in queries.list_classes(w.db, actor)}


def _active_counts(w: World, actor: str) -> None:
    t = target(w, actor)
    same_as_unknown(
        w,
        lambda: queries.active_counts(w.db, actor, school_id=t.school),
        lambda: queries.active_counts(w.db, actor, school_id=UNKNOWN_SCHOOL),
        t.school,
        UNKNOWN_SCHOOL,
    )
    assert t.class_id not in queries.active_counts(w.db, actor)


def _classes_version(w: World, actor: str) -> None:
    t = target(w, actor)
    same_as_unknown(
        w,
        lambda: queries.classes_version(w.db, actor, school_id=t.school),
        lambda: queries.classes_version(w.db, actor, school_id=UNKNOWN_SCHOOL),
        t.school,
        UNKNOWN_SCHOOL,
    )


def _find_class(w: World, actor: str) -> None:
    t = target(w, actor)
    got = same_as_unknown(
        w,
        lambda: queries.find_class(w.db, actor, t.class_name),
        lambda: queries.find_class(w.db, actor, UNKNOWN_CLASS),
        t.class_name,
        UNKNOWN_CLASS,
    )
    assert got[0] == "error" and got[2] == "not_found"


def _class_learners(w: World, actor: str) -> None:
    t = target(w, actor)
    got = same_as_unknown(
        w,
        lambda: queries.class_learners(w.db, actor, t.class_id),
        lambda: queries.class_learners(w.db, actor, UNKNOWN_ID),
    )
    assert got == ("value", [])


def _learners_by_logins(w: World, actor: str) -> None:
    t = target(w, actor)
    got = same_as_unknown(
        w,
        lambda: queries.learners_by_logins(w.db, actor, [t.login]),
        lambda: queries.learners_by_logins(w.db, actor, [UNKNOWN_LOGIN]),
    )
    assert got == ("value", [])


def _recently_deactivated(w: World, actor: str) -> None:
    t = target(w, actor)
    same_as_unknown(
        w,
        lambda: queries.recently_deactivated(w.db, actor, 3, PARIS, school_id=t.school),
        lambda: queries.recently_deactivated(w.db, actor, 3, PARIS, school_id=UNKNOWN_SCHOOL),
        t.school,
        UNKNOWN_SCHOOL,
    )
    if actor == w.admin_a:
        ids = {r.id for r in queries.recently_deactivated(w.db, actor, 3, PARIS)}
        assert w.b_gone not in ids


def _reset_passwords(w: World, actor: str) -> None:
    t = target(w, actor)
    got = same_as_unknown(
        w,
        lambda: resets.reset_passwords(w.db, actor, [t.learner], TEST_ROUNDS),
        lambda: resets.reset_passwords(w.db, actor, [UNKNOWN_ID], TEST_ROUNDS),
        t.learner,
        UNKNOWN_ID,
    )
    assert got[:3] == ("error", "NotFound", "not_found")


def _overdue(w: World, actor: str) -> None:
    if actor == w.teacher:
        with pytest.raises(NotAuthorized):
            retention.overdue(w.db, actor, 3, PARIS)
        return
    ids = {row.id for row in retention.overdue(w.db, actor, 3, PARIS)}
    assert ids == {w.a_old}  # school B's overdue learner is not named


def _due_within(w: World, actor: str) -> None:
    t = target(w, actor)
    same_as_unknown(
        w,
        lambda: retention.due_within(w.db, actor, 3, PARIS, 365, school_id=t.school),
        lambda: retention.due_within(w.db, actor, 3, PARIS, 365, school_id=UNKNOWN_SCHOOL),
        t.school,
        UNKNOWN_SCHOOL,
    )
    if actor == w.admin_a:
        assert retention.due_within(w.db, actor, 3, PARIS, 365) == 0  # B's Blaise not counted


def _purge(w: World, actor: str) -> None:
    terms = retention.Terms(3, 12, PARIS)
    if actor == w.teacher:
        with pytest.raises(NotAuthorized):
            retention.purge(w.db, actor, terms)
        return
    result = retention.purge(w.db, actor, terms)
    assert result.learners == 1
    with w.db.transaction() as session:
        assert queries.learners_by_ids(session, [w.a_old, w.b_old], None)[0].id == w.b_old


def _find_learners(w: World, actor: str) -> None:
    t = target(w, actor)
    got = same_as_unknown(
        w,
        lambda: search.find_learners(w.db, actor, t.last_name, 3, PARIS),
        lambda: search.find_learners(w.db, actor, "Zzqqxx", 3, PARIS),
    )
    assert got == ("value", search.SearchResult(rows=[], total=0))
    same_as_unknown(
        w,
        lambda: search.find_learners(w.db, actor, t.last_name, 3, PARIS, school_id=t.school),
        lambda: search.find_learners(w.db, actor, t.last_name, 3, PARIS, school_id=UNKNOWN_SCHOOL),
        t.school,
        UNKNOWN_SCHOOL,
    )


def _school_stats(w: World, actor: str) -> None:
    t = target(w, actor)
    same_as_unknown(
        w,
        lambda: stats.school_stats(w.db, actor, 60, school_id=t.school),
        lambda: stats.school_stats(w.db, actor, 60, school_id=UNKNOWN_SCHOOL),
        t.school,
        UNKNOWN_SCHOOL,
    )
    assert t.class_id not in {c.class_id for c in stats.school_stats(w.db, actor, 60).classes}


def _stats_version(w: World, actor: str) -> None:
    # no target: two maxima of primary keys, a cache key naming nobody
    highest, event = stats.stats_version(w.db, actor)
    assert isinstance(highest, int) and isinstance(event, int)


def _journal_search(w: World, actor: str) -> None:
    t = target(w, actor)
    got = same_as_unknown(
        w,
        lambda: journal.search(w.db, actor, JournalFilter(learner=t.login), PARIS),
        lambda: journal.search(w.db, actor, JournalFilter(learner=UNKNOWN_LOGIN), PARIS),
    )
    assert got == ("value", ([], 0))
    same_as_unknown(
        w,
        lambda: journal.search(w.db, actor, JournalFilter(), PARIS, school_id=t.school),
        lambda: journal.search(w.db, actor, JournalFilter(), PARIS, school_id=UNKNOWN_SCHOOL),
        t.school,
        UNKNOWN_SCHOOL,
    )


def _journal_export(w: World, actor: str) -> None:
    t = target(w, actor)
    outside = journal.export_csv(w.db, actor, JournalFilter(learner=t.login), PARIS)
    unknown = journal.export_csv(w.db, actor, JournalFilter(learner=UNKNOWN_LOGIN), PARIS)
    assert outside == unknown  # the header alone


def _known_actions(w: World, actor: str) -> None:
    t = target(w, actor)
    same_as_unknown(
        w,
        lambda: journal.known_actions(w.db, actor, school_id=t.school),
        lambda: journal.known_actions(w.db, actor, school_id=UNKNOWN_SCHOOL),
        t.school,
        UNKNOWN_SCHOOL,
    )


def _learner_data(w: World, actor: str) -> None:
    t = target(w, actor)
    same_as_unknown(
        w,
        lambda: learner_data.learner_data(w.db, actor, t.login),
        lambda: learner_data.learner_data(w.db, actor, UNKNOWN_LOGIN),
        t.login,
        UNKNOWN_LOGIN,
    )


def _school_options(w: World, actor: str) -> None:
    t = target(w, actor)
    settings = load_settings({})
    same_as_unknown(
        w,
        lambda: slips.school_options(w.db, actor, settings, school_id=t.school),
        lambda: slips.school_options(w.db, actor, settings, school_id=UNKNOWN_SCHOOL),
        t.school,
        UNKNOWN_SCHOOL,
    )


def _learners_for_slips(w: World, actor: str) -> None:
    t = target(w, actor)
    got = same_as_unknown(
        w,
        lambda: slips.learners_for_slips(w.db, actor, [t.learner]),
        lambda: slips.learners_for_slips(w.db, actor, [UNKNOWN_ID]),
        t.learner,
        UNKNOWN_ID,
    )
    assert got[:3] == ("error", "NotFound", "not_found")


def _batch_learners(w: World, actor: str) -> None:
    t = target(w, actor)
    unknown = str(uuid.uuid4())
    got = same_as_unknown(
        w,
        lambda: slips.batch_learners(w.db, actor, t.batch),
        lambda: slips.batch_learners(w.db, actor, unknown),
        t.batch,
        unknown,
    )
    assert got[:3] == ("error", "NotFound", "not_found")


def _record_slips(w: World, actor: str) -> None:
    t = target(w, actor)
    same_as_unknown(
        w,
        lambda: slips.record_slips(w.db, actor, 1, "8", class_name=t.class_name),
        lambda: slips.record_slips(w.db, actor, 1, "8", class_name=UNKNOWN_CLASS),
        t.class_name,
        UNKNOWN_CLASS,
    )


def _record_export(w: World, actor: str) -> None:
    t = target(w, actor)
    same_as_unknown(
        w,
        lambda: workbook.record_export(w.db, actor, t.class_name, 1),
        lambda: workbook.record_export(w.db, actor, UNKNOWN_CLASS, 1),
        t.class_name,
        UNKNOWN_CLASS,
    )


def _import_preview(w: World, actor: str) -> None:
    t = target(w, actor)
    roster = csv_roster("1;Martin;Léa;04/03/2012;6e A")
    got = same_as_unknown(
        w,
        lambda: imports_preview.preview(w.db, actor, roster, school_id=t.school),
        lambda: imports_preview.preview(w.db, actor, roster, school_id=UNKNOWN_SCHOOL),
        t.school,
        UNKNOWN_SCHOOL,
    )
    assert got[:2] == ("error", "NotAuthorized" if actor == w.teacher else "NotFound")
    if actor == w.admin_a:  # a full import of school A's roster plans no change to B's learners
        plan = imports_preview.preview(w.db, actor, roster)
        touched = {c.learner.id for c in plan.changes if c.learner is not None}
        assert not touched & {w.b1, w.b2}


def _import_apply(w: World, actor: str) -> None:
    # a plan for school B (previewed by the district administrator) applies like one for an
    # unknown school
    t = target(w, actor)
    roster = csv_roster("77;Berger;Bea;01/02/2012;3e Z")
    plan = imports_preview.preview(w.db, w.district, roster, partial=True, school_id=t.school)
    got = same_as_unknown(
        w,
        lambda: imports_apply.apply(w.db, actor, plan, TEST_ROUNDS),
        lambda: imports_apply.apply(
            w.db, actor, replace(plan, school_id=UNKNOWN_SCHOOL), TEST_ROUNDS
        ),
    )
    assert got[:2] == ("error", "NotAuthorized" if actor == w.teacher else "NotFound")


def _accounts_of_b(w: World) -> tuple[str, str]:
    """An administrator of school B only and a teacher of B's « 3e Z »: accounts outside the
    scope of A's administrator."""
    return (
        make_admin(w.db, "admin_b", [w.school_b]),
        make_teacher(w.db, "prof_b", [w.class_b_only]),
    )


def _account_case(
    w: World, actor: str, call: Callable[[str], object], teacher: bool = False
) -> None:
    """An account of school B is unknown to A's administrator; a teacher is refused every
    account service like any non-administrator (a colleague of A named or an unknown one)."""
    admin_b, prof_b = _accounts_of_b(w)
    outside = w.admin_a if actor == w.teacher else (prof_b if teacher else admin_b)
    got = same_as_unknown(w, lambda: call(outside), lambda: call("nobody"), outside, "nobody")
    expected = "NotAuthorized" if actor == w.teacher else "NotFound"
    assert got[:2] == ("error", expected)


SETTINGS = replace(load_settings({}), bcrypt_rounds=TEST_ROUNDS)


def _create_account(w: World, actor: str) -> None:
    got = same_as_unknown(
        w,
        lambda: staff.create_account(
            w.db, actor, "nouveau", role="admin", rounds=TEST_ROUNDS, school_ids=[w.school_b]
        ),
        lambda: staff.create_account(
            w.db, actor, "nouveau", role="admin", rounds=TEST_ROUNDS, school_ids=[UNKNOWN_SCHOOL]
        ),
        w.school_b,
        UNKNOWN_SCHOOL,
    )
    assert got[:2] == ("error", "NotAuthorized" if actor == w.teacher else "NotFound")
    got = same_as_unknown(
        w,
        lambda: staff.create_account(
            w.db, actor, "nouveau", role="teacher", rounds=TEST_ROUNDS, class_ids=[w.class_b_only]
        ),
        lambda: staff.create_account(
            w.db, actor, "nouveau", role="teacher", rounds=TEST_ROUNDS, class_ids=[UNKNOWN_ID]
        ),
        w.class_b_only,
        UNKNOWN_ID,
    )
    assert got[:2] == ("error", "NotAuthorized" if actor == w.teacher else "NotFound")
    if actor == w.admin_a:  # nor may A's administrator make a district one
        with pytest.raises(NotFound):
            staff.create_account(
                w.db, actor, "nouveau", role="admin", rounds=TEST_ROUNDS, all_schools=True
            )


def _change_account(w: World, actor: str) -> None:
    _account_case(
        w, actor, lambda u: staff.change_account(w.db, actor, u, "test", lambda *_: {}, False)
    )


def _set_active(w: World, actor: str) -> None:
    _account_case(w, actor, lambda u: staff.set_active(w.db, actor, u, False))


def _reset_account_password(w: World, actor: str) -> None:
    _account_case(w, actor, lambda u: staff.reset_password(w.db, SETTINGS, actor, u))


def _lift_lockout(w: World, actor: str) -> None:
    _account_case(w, actor, lambda u: staff_access.lift_lockout(w.db, SETTINGS, actor, u))


def _school_grant(w: World, actor: str, service: Callable[..., object]) -> None:
    # the account of school B is unknown; and school B is unknown to A's administrator, even
    # when given to an account of A
    _account_case(w, actor, lambda u: service(w.db, actor, u, 1))
    colleague = make_admin(w.db, "admin_a2", [1])
    got = same_as_unknown(
        w,
        lambda: service(w.db, actor, colleague, w.school_b),
        lambda: service(w.db, actor, colleague, UNKNOWN_SCHOOL),
        w.school_b,
        UNKNOWN_SCHOOL,
    )
    assert got[:2] == ("error", "NotAuthorized" if actor == w.teacher else "NotFound")


def _grant_school(w: World, actor: str) -> None:
    _school_grant(w, actor, staff.grant_school)


def _revoke_school(w: World, actor: str) -> None:
    _school_grant(w, actor, staff.revoke_school)


def _class_grant(w: World, actor: str, call: Callable[[str, int], object]) -> None:
    # B's teacher is unknown; and B's class is unknown to A's administrator, even for A's teacher
    _account_case(w, actor, lambda u: call(u, w.class_a1), teacher=True)
    got = same_as_unknown(
        w,
        lambda: call(w.teacher, w.class_b_only),
        lambda: call(w.teacher, UNKNOWN_ID),
        w.class_b_only,
        UNKNOWN_ID,
    )
    assert got[:2] == ("error", "NotAuthorized" if actor == w.teacher else "NotFound")


def _grant_class(w: World, actor: str) -> None:
    _class_grant(w, actor, lambda u, c: staff_classes.grant_class(w.db, actor, u, c))


def _revoke_class(w: World, actor: str) -> None:
    _class_grant(w, actor, lambda u, c: staff_classes.revoke_class(w.db, actor, u, c))


def _set_teacher_classes(w: World, actor: str) -> None:
    _class_grant(w, actor, lambda u, c: staff_classes.set_teacher_classes(w.db, actor, u, [c]))


def _teacher_class_ids(w: World, actor: str) -> None:
    _account_case(w, actor, lambda u: staff_list.teacher_class_ids(w.db, actor, u), teacher=True)
    if actor == w.admin_a:  # a teacher of A and B is not A's alone: unknown to A's administrator
        both = make_teacher(w.db, "prof_ab", [w.class_a1, w.class_b_only])
        got = same_as_unknown(
            w,
            lambda: staff_list.teacher_class_ids(w.db, actor, both),
            lambda: staff_list.teacher_class_ids(w.db, actor, "nobody"),
            both,
            "nobody",
        )
        assert got[:2] == ("error", "NotFound")


def _listing(w: World, actor: str, call: Callable[[], object]) -> object:
    """A list within the scope for A's administrator; refused to a teacher."""
    _accounts_of_b(w)
    if actor == w.teacher:
        with pytest.raises(NotAuthorized):
            call()
        return None
    return call()


def _list_accounts(w: World, actor: str) -> None:
    rows = _listing(w, actor, lambda: staff_list.list_accounts(w.db, SETTINGS, actor))
    if rows is not None:
        assert isinstance(rows, list)
        assert {r.username for r in rows} == {w.admin_a, w.teacher}


def _schools_to_give(w: World, actor: str) -> None:
    rows = _listing(w, actor, lambda: staff_list.schools_to_give(w.db, actor))
    if rows is not None:
        assert isinstance(rows, list)
        assert [r.id for r in rows] == [1]


def _classes_to_give(w: World, actor: str) -> None:
    rows = _listing(w, actor, lambda: staff_list.classes_to_give(w.db, actor))
    if rows is not None:
        assert isinstance(rows, list)
        assert {r.id for r in rows} == {w.class_a1, w.class_a2}


# --- the schools' register: school B is unknown to A's administrator --------------------------

VALID_UAI_B = "0750655E"  # school B's UAI for these cases (a real establishment's code)
VALID_UAI_UNKNOWN = "0010001W"


def _give_b_a_valid_uai(w: World) -> None:
    register.set_school(w.db, w.school_b, actor=w.district, uai=VALID_UAI_B)


def _refusal(w: World, actor: str) -> str:
    return "NotAuthorized" if actor == w.teacher else "NotFound"


def _list_schools(w: World, actor: str) -> None:
    if actor == w.teacher:
        with pytest.raises(NotAuthorized):
            register.list_schools(w.db, actor)
        return
    assert [s.id for s in register.list_schools(w.db, actor)] == [1]


def _get_school(w: World, actor: str) -> None:
    got = same_as_unknown(
        w,
        lambda: register.get_school(w.db, actor, w.school_b),
        lambda: register.get_school(w.db, actor, UNKNOWN_SCHOOL),
        w.school_b,
        UNKNOWN_SCHOOL,
    )
    assert got[:2] == ("error", _refusal(w, actor))


def _find_school(w: World, actor: str) -> None:
    _give_b_a_valid_uai(w)
    got = same_as_unknown(
        w,
        lambda: register.find_school(w.db, actor, VALID_UAI_B),
        lambda: register.find_school(w.db, actor, VALID_UAI_UNKNOWN),
        VALID_UAI_B,
        VALID_UAI_UNKNOWN,
    )
    assert got[:2] == ("error", _refusal(w, actor))


def _school_for_import(w: World, actor: str) -> None:
    _give_b_a_valid_uai(w)
    got = same_as_unknown(
        w,
        lambda: register.school_for_import(w.db, actor, VALID_UAI_B),
        lambda: register.school_for_import(w.db, actor, VALID_UAI_UNKNOWN),
        VALID_UAI_B,
        VALID_UAI_UNKNOWN,
    )
    assert got[:2] == ("error", _refusal(w, actor))


def _set_school(w: World, actor: str) -> None:
    got = same_as_unknown(
        w,
        lambda: register.set_school(w.db, w.school_b, actor=actor, name="Pris"),
        lambda: register.set_school(w.db, UNKNOWN_SCHOOL, actor=actor, name="Pris"),
        w.school_b,
        UNKNOWN_SCHOOL,
    )
    assert got[:2] == ("error", _refusal(w, actor))


def _create_school(w: World, actor: str) -> None:
    # no target: only a district administrator creates a school; A's and a teacher are refused
    before = dump_tables(w.db)
    with pytest.raises(NotAuthorized):
        register.create_school(w.db, VALID_UAI_UNKNOWN, "Nouvelle", actor=actor)
    assert dump_tables(w.db) == before


# --- undo, import slips, overviews ------------------------------------------------------------


def _undo_reset(w: World, actor: str) -> None:
    t = target(w, actor)
    unknown = str(uuid.uuid4())
    got = same_as_unknown(
        w,
        lambda: undo.undo_reset(w.db, actor, t.batch),
        lambda: undo.undo_reset(w.db, actor, unknown),
        t.batch,
        unknown,
    )
    assert got[:3] == ("error", "NotFound", "not_found")


def _undo_deadline(w: World, actor: str) -> None:
    t = target(w, actor)
    got = same_as_unknown(
        w,
        lambda: undo.undo_deadline(w.db, actor, t.batch),
        lambda: undo.undo_deadline(w.db, actor, str(uuid.uuid4())),
    )
    assert got == ("value", None)
    assert undo.undo_deadline(w.db, w.district, w.batch_b) is not None  # the batch is undoable


def _import_learners(w: World, actor: str) -> None:
    # school B's import (by the district administrator) is unknown to A's administrator
    plan = imports_preview.preview(
        w.db, w.district, csv_roster("77;Berger;Bea;01/02/2012;3e Z"), partial=True,
        school_id=w.school_b,
    )  # fmt: skip
    import_id = imports_apply.apply(w.db, w.district, plan, TEST_ROUNDS).import_id
    assert slips.import_learners(w.db, w.district, import_id)  # it exists
    unknown = str(uuid.uuid4())
    got = same_as_unknown(
        w,
        lambda: slips.import_learners(w.db, actor, import_id),
        lambda: slips.import_learners(w.db, actor, unknown),
        import_id,
        unknown,
    )
    assert got[:2] == ("error", _refusal(w, actor))


def _schools_overview(w: World, actor: str) -> None:
    if actor == w.teacher:
        with pytest.raises(NotAuthorized):
            stats.schools_overview(w.db, actor)
        return
    assert [r.school_id for r in stats.schools_overview(w.db, actor)] == [1]
    assert {r.school_id for r in stats.schools_overview(w.db, w.district)} == {1, w.school_b}


def _list_schools_for(w: World, actor: str) -> None:
    # the teacher of 6e A acts on school A only, as A's administrator does
    assert [s.id for s in schools_view.list_schools_for(w.db, actor)] == [1]
    assert {s.id for s in schools_view.list_schools_for(w.db, w.district)} == {1, w.school_b}


CASES: dict[str, Case] = {
    "access_core.roster.queries.list_classes": _list_classes,
    "access_core.roster.queries.active_counts": _active_counts,
    "access_core.roster.queries.classes_version": _classes_version,
    "access_core.roster.queries.find_class": _find_class,
    "access_core.roster.queries.class_learners": _class_learners,
    "access_core.roster.queries.learners_by_logins": _learners_by_logins,
    "access_core.roster.queries.recently_deactivated": _recently_deactivated,
    "access_core.roster.resets.reset_passwords": _reset_passwords,
    "access_core.roster.retention.overdue": _overdue,
    "access_core.roster.retention.due_within": _due_within,
    "access_core.roster.retention.purge": _purge,
    "access_core.roster.search.find_learners": _find_learners,
    "access_core.roster.stats.school_stats": _school_stats,
    "access_core.roster.stats.stats_version": _stats_version,
    "access_core.roster.stats.schools_overview": _schools_overview,
    "access_core.roster.schools_view.list_schools_for": _list_schools_for,
    "access_core.roster.undo.undo_reset": _undo_reset,
    "access_core.roster.undo.undo_deadline": _undo_deadline,
    "access_core.audit.journal.search": _journal_search,
    "access_core.audit.journal.export_csv": _journal_export,
    "access_core.audit.journal.known_actions": _known_actions,
    "access_core.documents.learner_data.learner_data": _learner_data,
    "access_core.documents.slips.school_options": _school_options,
    "access_core.documents.slips.learners_for_slips": _learners_for_slips,
    "access_core.documents.slips.batch_learners": _batch_learners,
    "access_core.documents.slips.record_slips": _record_slips,
    "access_core.documents.slips.import_learners": _import_learners,
    "access_core.documents.workbook.record_export": _record_export,
    "access_core.imports.preview.preview": _import_preview,
    "access_core.imports.apply.apply": _import_apply,
    "access_core.accounts.staff.create_account": _create_account,
    "access_core.accounts.staff.change_account": _change_account,
    "access_core.accounts.staff.set_active": _set_active,
    "access_core.accounts.staff.reset_password": _reset_account_password,
    "access_core.accounts.staff.grant_school": _grant_school,
    "access_core.accounts.staff.revoke_school": _revoke_school,
    "access_core.accounts.staff_access.lift_lockout": _lift_lockout,
    "access_core.accounts.staff_classes.grant_class": _grant_class,
    "access_core.accounts.staff_classes.revoke_class": _revoke_class,
    "access_core.accounts.staff_classes.set_teacher_classes": _set_teacher_classes,
    "access_core.accounts.staff_list.list_accounts": _list_accounts,
    "access_core.accounts.staff_list.schools_to_give": _schools_to_give,
    "access_core.accounts.staff_list.classes_to_give": _classes_to_give,
    "access_core.accounts.staff_list.teacher_class_ids": _teacher_class_ids,
    "access_core.schools.register.list_schools": _list_schools,
    "access_core.schools.register.get_school": _get_school,
    "access_core.schools.register.find_school": _find_school,
    "access_core.schools.register.school_for_import": _school_for_import,
    "access_core.schools.register.set_school": _set_school,
    "access_core.schools.register.create_school": _create_school,
}

# Functions that take an ``actor`` but are not a logged-in account's services: the command
# line's operator functions. The operator holds the server and its database, not a scoped
# account; ``actor`` is only the name the journal records for them. Each is called only from
# ``access_core/cli`` (``test_operator_functions_are_called_only_from_the_command_line``).
OPERATOR_FUNCTIONS = {
    "access_core.accounts.admins.create_admin": "create-admin (and the first run's admin)",
    "access_core.accounts.admins.set_password": "set-password",
    "access_core.accounts.admins.disable_admin": "disable-admin",
    "access_core.accounts.admins.enable_admin": "enable-admin",
    "access_core.accounts.throttle.unlock": "unlock",
}

# Functions whose only dashboard caller acts on the logged-in account itself (target = actor,
# inside every scope): ``revoke_sessions`` at logout ends the account's own earlier sessions
# (``test_the_dashboard_revokes_only_its_own_sessions``).
SELF_SERVICES = {
    "access_core.accounts.admin_login.revoke_sessions": "logout ends one's own sessions",
}


def services_with_an_actor() -> set[str]:
    """Public functions of ``access_core`` (the command line aside) whose first parameter is
    ``db`` and which take an ``actor``."""
    found: set[str] = set()
    for info in pkgutil.walk_packages(access_core.__path__, "access_core."):
        name = info.name
        if name.startswith(("access_core.cli", "access_core.db.migrations")) or name.endswith(
            "__main__"
        ):
            continue
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__ != name:
                continue
            parameters = list(inspect.signature(value).parameters)
            if parameters and parameters[0] == "db" and "actor" in parameters:
                found.add(f"{name}.{attr}")
    return found


def test_every_service_with_an_actor_has_a_case():
    found = services_with_an_actor()
    excluded = OPERATOR_FUNCTIONS.keys() | SELF_SERVICES.keys()
    assert len(found) >= 50  # the enumeration itself works
    assert found - CASES.keys() - excluded == set(), "a service with an actor has no scope case"
    assert (CASES.keys() | excluded) - found == set(), "a case names a service that is gone"
    assert not CASES.keys() & excluded


def _calls_of(names: set[str]) -> dict[str, set[str]]:
    """Where each function of ``names`` (dotted, ``module.function``) is called in the
    application's code: {function: {file, ...}}, through its module or imported by name."""
    import ast
    from pathlib import Path

    root = Path(access_core.__file__).parent.parent
    by_short = {n.rsplit(".", 1)[1]: n for n in names}
    modules = {n.rsplit(".", 1)[0].rsplit(".", 1)[1] for n in names}
    files = [root / "app.py", root / "dashboard.py"]
    for folder in ("access_core", "access_ui", "pages"):
        files += sorted((root / folder).rglob("*.py"))
    found: dict[str, set[str]] = {n: set() for n in names}
    for path in files:
        if not path.exists():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            alias.asname or alias.name: f"{node.module}.{alias.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
            for alias in node.names
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = None
            if isinstance(func, ast.Attribute) and func.attr in by_short:
                receiver = func.value
                if isinstance(receiver, ast.Name):
                    module = imported.get(receiver.id, receiver.id).rsplit(".", 1)[-1]
                    if module in modules or receiver.id in modules:
                        name = by_short[func.attr]
            elif isinstance(func, ast.Name) and imported.get(func.id) in names:
                name = imported[func.id]
            if name is not None:
                found[name].add(path.relative_to(root).as_posix())
    return found


def test_operator_functions_are_called_only_from_the_command_line():
    calls = _calls_of(set(OPERATOR_FUNCTIONS))
    for name, files in calls.items():
        assert files, f"{name} is called nowhere: drop it"
        assert all(f.startswith("access_core/cli/") for f in files), (name, files)


def test_the_dashboard_revokes_only_its_own_sessions():
    """``revoke_sessions``'s one caller outside the command line passes the logged-in
    account as both the target and the actor."""
    import ast
    from pathlib import Path

    calls = _calls_of(set(SELF_SERVICES))
    root = Path(access_core.__file__).parent.parent
    outside = {f for files in calls.values() for f in files if not f.startswith("access_core/cli")}
    assert outside == {"access_ui/auth.py"}
    tree = ast.parse((root / "access_ui/auth.py").read_text(encoding="utf-8"))
    revokes = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "revoke_sessions"
    ]
    assert revokes
    for call in revokes:
        target, actor = call.args[1], call.args[2]
        assert isinstance(target, ast.Name) and isinstance(actor, ast.Name)
        assert target.id == actor.id


@pytest.mark.parametrize("role", ["admin_a", "teacher"])
@pytest.mark.parametrize(
    "service", [pytest.param(n, id=".".join(n.split(".")[-2:])) for n in CASES]
)
def test_out_of_scope_answers_like_unknown(db, service, role):
    w = build_world(db)
    actor = w.admin_a if role == "admin_a" else w.teacher
    CASES[service](w, actor)


# --- teacher limits, journal, several schools -------------------------------------------------


def test_a_teachers_reset_is_limited_to_ACCESS_TEACHER_MAX_RESET(db):
    w = build_world(db)
    extra = add_learner(db, "Durand", "Paul", "6e A", date(2012, 1, 2), login="paul.durand")
    three = [w.a1, w.a1_other, extra]
    before = dump_tables(db)

    with pytest.raises(ResetTooLarge) as refused:
        resets.reset_passwords(db, w.teacher, three, TEST_ROUNDS, teacher_max=2)

    assert refused.value.params == {"maximum": 2, "count": 3}
    assert dump_tables(db) == before
    assert resets.reset_passwords(db, w.teacher, three[:2], TEST_ROUNDS, teacher_max=2).count == 2
    # an administrator is not limited
    assert resets.reset_passwords(db, w.admin_a, three, TEST_ROUNDS, teacher_max=2).count == 3


def test_ACCESS_TEACHER_MAX_RESET_defaults_to_a_class_and_is_read():
    assert load_settings({}).teacher_max_reset == 40
    assert load_settings({"ACCESS_TEACHER_MAX_RESET": "12"}).teacher_max_reset == 12


def test_the_too_large_reset_is_worded_in_both_languages():
    from access_core.text.catalogue import error_message

    error = ResetTooLarge("too many", maximum=40, count=41)
    assert "40" in error_message(error, "fr") and "41" in error_message(error, "fr")
    assert error_message(error, "fr") != error_message(error, "en")
    assert "teacher" in error_message(error, "en")


def test_a_teachers_journal_shows_only_their_own_actions_with_roles(db):
    w = build_world(db)
    resets.reset_passwords(db, w.admin_a, [w.a1], TEST_ROUNDS)
    resets.reset_passwords(db, w.teacher, [w.a1_other], TEST_ROUNDS)

    mine, total = journal.search(db, w.teacher, JournalFilter(), PARIS)
    everything, _ = journal.search(db, w.admin_a, JournalFilter(), PARIS, page_size=1000)

    assert total == 1
    assert [(e.actor, e.action, e.learner_login, e.actor_role) for e in mine] == [
        ("prof_a1", "password_reset", "zoe.petit", "teacher")
    ]
    roles = {(e.actor, e.actor_role) for e in everything}
    assert ("prof_a1", "teacher") in roles and ("admin_a", "admin") in roles
    assert journal.known_actions(db, w.teacher) == ["password_reset"]


def test_the_journal_of_school_a_holds_none_of_school_bs_events(db):
    w = build_world(db)
    entries, _ = journal.search(db, w.admin_a, JournalFilter(), PARIS, page_size=1000)
    of_b, _ = journal.search(
        db, w.district, JournalFilter(), PARIS, page_size=1000, school_id=w.school_b
    )

    logins = {e.learner_login for e in entries}
    assert "ines.roux" in logins
    assert not logins & {"basile.bernard", "berenice.bertin"}
    assert {e.learner_login for e in of_b if e.action == "password_reset"} == {
        "basile.bernard",
        "berenice.bertin",
    }
    # an export of A's journal writes none of B's learners either
    assert b"bernard" not in journal.export_csv(db, w.admin_a, JournalFilter(), PARIS).lower()


def test_audit_events_carry_their_learners_school(db):
    w = build_world(db)
    of_b, _ = journal.search(
        db, w.district, JournalFilter(actions=("password_reset",)), PARIS, school_id=w.school_b
    )
    of_a, _ = journal.search(
        db, w.district, JournalFilter(actions=("password_reset",)), PARIS, school_id=1
    )

    assert {e.learner_id for e in of_b} == {w.b1, w.b2}
    assert {e.learner_id for e in of_a} == {w.a2}


def test_a_class_name_is_looked_up_within_its_school(db):
    w = build_world(db)
    assert queries.find_class(db, w.admin_a, "6e A").id == w.class_a1
    assert queries.find_class(db, w.district, "6e A", school_id=w.school_b).id == w.class_b_same
    # a district administrator must name the school when there are several
    with pytest.raises(NotFound) as unnamed:
        queries.list_classes(db, w.district)
    assert unnamed.value.params["key"] == "error_school_required"


def test_a_teacher_sees_and_searches_only_their_classes(db):
    w = build_world(db)
    assert [c.id for c in queries.list_classes(db, w.teacher)] == [w.class_a1]
    found = search.find_learners(db, w.teacher, "Roux", 3, PARIS)
    assert found.total == 0
    assert {r.id for r in search.find_learners(db, w.teacher, "a", 3, PARIS).rows} <= {
        w.a1,
        w.a1_other,
    }
    figures = stats.school_stats(db, w.teacher, 60)
    assert figures.total.learners == 2


def test_slips_use_the_learners_school_name_and_portal(db):
    w = build_world(db)
    settings = replace(
        load_settings({}), school_name="Installation", portal_url="https://x.example"
    )

    of_b = slips.school_options(db, w.district, settings, school_id=w.school_b)
    of_a = slips.school_options(db, w.admin_a, settings)

    assert (of_b.school_name, of_b.portal_url) == ("Lycée Bé", "https://b.example/portal")
    # school A was migrated without a name or portal: the installation's settings stand in
    assert (of_a.school_name, of_a.portal_url) == ("Installation", "https://x.example")


def test_an_out_of_scope_reset_in_a_batch_changes_nobody(db):
    w = build_world(db)
    before = dump_tables(db)
    with pytest.raises(NotFound):
        resets.reset_passwords(db, w.admin_a, [w.a1, w.b1], TEST_ROUNDS)
    assert dump_tables(db) == before


def test_a_teacher_is_refused_the_administrators_services(db):
    w = build_world(db)
    for call in (
        lambda: queries.recently_deactivated(db, w.teacher, 3, PARIS),
        lambda: learner_data.learner_data(db, w.teacher, "lea.martin"),
        lambda: retention.overdue(db, w.teacher, 3, PARIS),
        lambda: imports_apply.apply(db, w.teacher, imports_preview.ImportPlan(), TEST_ROUNDS),
    ):
        with pytest.raises(NotAuthorized):
            call()


def test_a_teacher_unassigned_while_hashing_resets_nobody(db):
    """The scope is read again in the write transaction: a class taken from the teacher by an
    administrator while the batch was hashing leaves every learner as it was."""
    from sqlalchemy import delete

    from access_core.db.models import AccountClass

    w = build_world(db)
    before: dict[str, list[tuple[object, ...]]] = {}

    def meanwhile(done: int, total: int) -> None:
        if done == 0:
            with db.transaction(write=True) as session:
                session.execute(delete(AccountClass).where(AccountClass.class_id == w.class_a1))
            before.update(dump_tables(db))

    with pytest.raises(AccessError) as refused:
        resets.reset_passwords(db, w.teacher, [w.a1], TEST_ROUNDS, progress=meanwhile)

    assert refused.value.code == "concurrent_change"
    assert dump_tables(db) == before
    # afterwards the learner is simply not found for that teacher
    with pytest.raises(NotFound):
        resets.reset_passwords(db, w.teacher, [w.a1], TEST_ROUNDS)
