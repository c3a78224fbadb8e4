"""Imports by school: an import changes its school only; a SIECLE file of another school is
refused; external ids and logins stay unique across the installation (a pupil who moved is
taken over once the old school deactivated them, never before)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from access_core.db.models import AccountSchool, AuditEvent, Learner, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.errors import ConcurrentChange, NotFound, ValidationError
from access_core.imports import preview as imports
from access_core.imports.files import read_roster
from access_core.schools import register
from access_core.text.catalogue import error_message
from tests.support.factories import TEST_ROUNDS, add_learner, grant_school
from tests.support.imports import csv_roster
from tests.support.roster_samples import TODAY, siecle_xml

OPERATOR = "cli:root"
UAI_A, UAI_B = "0750655E", "0010001W"


@dataclass(frozen=True)
class Schools:
    a: int
    b: int
    admin: str  # administers both


@pytest.fixture
def schools(db: Database, admin: str) -> Schools:
    register.set_school(db, 1, actor=OPERATOR, uai=UAI_A, operator=True)
    b = register.create_school(db, UAI_B, "Collège B", actor=OPERATOR, operator=True).id
    grant_school(db, admin, b)
    return Schools(1, b, admin)


def school_rows(db: Database, school_id: int) -> list[tuple[Any, ...]]:
    """Every column of the school's learners and classes, ordered: compare before/after."""
    with db.engine.connect() as conn:
        learners = conn.execute(
            select(Learner.__table__).where(Learner.school_id == school_id).order_by(Learner.id)
        ).all()
        classes = conn.execute(
            select(SchoolClass.__table__)
            .where(SchoolClass.school_id == school_id)
            .order_by(SchoolClass.id)
        ).all()
    return [tuple(r) for r in [*learners, *classes]]


def by_login(db: Database, login: str) -> dict[str, Any]:
    with db.engine.connect() as conn:
        row = (
            conn.execute(
                select(
                    Learner.__table__,
                    SchoolClass.name.label("class_name"),
                    SchoolClass.school_id.label("class_school"),
                )
                .outerjoin(SchoolClass, SchoolClass.id == Learner.class_id)
                .where(Learner.login == login)
            )
            .mappings()
            .one()
        )
    return dict(row)


def run(db: Database, actor: str, roster: Any, school_id: int | None, **options: Any) -> Any:
    plan = imports.preview(
        db, actor, roster, school_id=school_id, partial=options.pop("partial", False)
    )
    imports.apply(db, actor, plan, TEST_ROUNDS, **options)
    return plan


def test_a_full_import_of_school_b_leaves_school_a_untouched(
    db: Database, schools: Schools
) -> None:
    for n in range(3):
        add_learner(db, f"Alpha{n}", "Anne", class_name="3e A", login=f"anne.alpha{n}")
    add_learner(db, "Beta", "Basile", class_name="3e A", login="basile.beta", school_id=schools.b)
    add_learner(db, "Gamma", "Gaël", class_name="3e A", login="gael.gamma", school_id=schools.b)
    before = school_rows(db, schools.a)

    plan = run(
        db,
        schools.admin,
        csv_roster(";Beta;Basile;17/05/2013;3e A", ";Nouveau;Nina;01/02/2013;3e C"),
        schools.b,
        force=True,
    )

    assert school_rows(db, schools.a) == before
    assert [c.login for c in plan.deactivated] == ["gael.gamma"]
    assert by_login(db, "gael.gamma")["deactivated_at"] is not None
    nina = by_login(db, "nina.nouveau")
    assert (nina["school_id"], nina["class_name"], nina["class_school"]) == (
        schools.b,
        "3e C",
        schools.b,
    )
    with db.transaction() as session:
        journal = set(
            session.execute(
                select(AuditEvent.action, AuditEvent.school_id).where(
                    AuditEvent.action.in_(
                        ("learner_created", "class_created", "learner_deactivated")
                    )
                )
            ).all()
        )
    assert journal == {
        ("learner_created", schools.b),
        ("class_created", schools.b),
        ("learner_deactivated", schools.b),
    }


def test_the_share_guard_counts_the_schools_learners_only(db: Database, schools: Schools) -> None:
    for n in range(20):
        add_learner(db, f"Alpha{n}", "Anne", class_name="3e A", login=f"anne.alpha{n}")
    for n in range(4):
        add_learner(db, f"Beta{n}", "Basile", class_name="3e A", login=f"b{n}", school_id=schools.b)

    # 2 of B's 4 leave: 50 % of B (2 of all 24 learners would be 8 %, under the 10 % limit)
    plan = imports.preview(
        db,
        schools.admin,
        csv_roster(";Beta0;Basile;17/05/2013;3e A", ";Beta1;Basile;17/05/2013;3e A"),
        school_id=schools.b,
    )

    assert plan.active_learners == 4
    assert len(plan.deactivated) == 2
    assert plan.needs_confirmation
    with pytest.raises(ValidationError):
        imports.apply(db, schools.admin, plan, TEST_ROUNDS)


def test_two_schools_each_have_their_class_3e_a(db: Database, schools: Schools) -> None:
    add_learner(db, "Alpha", "Anne", class_name="3e A", login="anne.alpha")

    plan_b = run(db, schools.admin, csv_roster(";Beta;Basile;17/05/2013;3E A"), schools.b)
    plan_a = run(db, schools.admin, csv_roster(";Alpha;Anne;17/05/2013;3e A"), schools.a)

    with db.transaction() as session:
        classes = sorted(session.execute(select(SchoolClass.school_id, SchoolClass.name)).all())
    assert classes == [(schools.a, "3e A"), (schools.b, "3E A")]
    assert plan_b.new_classes == ["3E A"]  # A's « 3e A » is not B's
    assert (plan_a.unchanged, plan_a.new_classes, plan_a.moved) == (1, [], [])
    assert by_login(db, "basile.beta")["class_school"] == schools.b


def siecle_of(uai: str) -> Any:
    return read_roster(siecle_xml().replace(b"0751234X", uai.encode()), "Eleves.xml", TODAY)


def test_a_siecle_file_of_another_school_is_refused_naming_both(
    db: Database, schools: Schools
) -> None:
    with pytest.raises(ValidationError) as raised:
        imports.preview(db, schools.admin, siecle_of(UAI_B), school_id=schools.a)

    error = raised.value
    assert error.params["key"] == "import_other_school"
    for text in (str(error), error_message(error, "fr"), error_message(error, "en")):
        assert UAI_A in text and UAI_B in text
    assert imports.preview(db, schools.admin, siecle_of(UAI_B), school_id=schools.b).new


def test_a_school_without_uai_refuses_the_file_of_another_school_of_the_installation(
    db: Database, admin: str
) -> None:
    b = register.create_school(db, UAI_B, "Collège B", actor=OPERATOR, operator=True).id
    grant_school(db, admin, b)

    with pytest.raises(ValidationError) as raised:
        imports.preview(db, admin, siecle_of(UAI_B), school_id=1)

    assert raised.value.params["key"] == "import_other_school_no_uai"
    assert UAI_B in error_message(raised.value, "fr")
    assert imports.preview(db, admin, siecle_of(UAI_A), school_id=1).new  # not a known school's


def test_a_school_out_of_scope_is_refused_like_an_unknown_one(db: Database, admin: str) -> None:
    b = register.create_school(db, UAI_B, "Collège B", actor=OPERATOR, operator=True).id
    roster = csv_roster(";Beta;Basile;17/05/2013;3e A")

    with pytest.raises(NotFound) as out_of_scope:
        imports.preview(db, admin, roster, school_id=b)
    with pytest.raises(NotFound) as unknown:
        imports.preview(db, admin, roster, school_id=b + 50)

    assert (str(out_of_scope.value), out_of_scope.value.params) == (
        str(unknown.value),
        unknown.value.params,
    )


def test_a_plan_is_refused_once_its_school_is_revoked(db: Database, schools: Schools) -> None:
    plan = imports.preview(
        db, schools.admin, csv_roster(";Beta;Basile;17/05/2013;3e A"), school_id=schools.b
    )
    with db.transaction(write=True) as session:
        session.execute(
            AccountSchool.__table__.delete().where(AccountSchool.school_id == schools.b)
        )

    with pytest.raises(NotFound):
        imports.apply(db, schools.admin, plan, TEST_ROUNDS)
    assert school_rows(db, schools.b) == []


def test_a_pupil_the_old_school_deactivated_is_taken_over_with_login_and_password(
    db: Database, schools: Schools
) -> None:
    left = datetime.now(UTC) - timedelta(days=20)
    moved = add_learner(
        db,
        "Voyageur",
        "Vic",
        class_name="3e A",
        login="vic.voyageur",
        external_id="071234567BB",
        deactivated_at=left,
        password="son-mot-de-passe",
    )
    before = by_login(db, "vic.voyageur")

    plan = run(db, schools.admin, csv_roster("071234567BB;Voyageur;Vic;17/05/2013;4e B"), schools.b)

    after = by_login(db, "vic.voyageur")
    assert [c.learner.id for c in plan.transferred if c.learner] == [moved]
    assert plan.new == []
    assert (after["id"], after["school_id"], after["class_name"], after["class_school"]) == (
        moved,
        schools.b,
        "4e B",
        schools.b,
    )
    assert after["deactivated_at"] is None
    assert (after["password_hash"], after["login"]) == (before["password_hash"], "vic.voyageur")
    with db.transaction() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "learner_transferred")
        ).one()
    assert (event.learner_id, event.school_id) == (moved, schools.b)


def test_a_pupil_still_active_in_another_school_is_a_rejected_row_without_their_name(
    db: Database, schools: Schools
) -> None:
    add_learner(
        db, "Secret", "Sabine", class_name="3e A", login="sabine.secret", external_id="071234567BB"
    )
    before = school_rows(db, schools.a)

    plan = imports.preview(
        db,
        schools.admin,
        csv_roster("071234567BB;Autre;Nom;17/05/2013;4e B", ";Beta;Basile;17/05/2013;4e B"),
        school_id=schools.b,
    )

    assert [(p.line, p.code) for p in plan.rejected] == [(2, "external_id_other_school")]
    shown = repr(plan.rejected) + repr(plan.sections)
    assert "Secret" not in shown and "Sabine" not in shown and "sabine" not in shown
    assert "Autre" in plan.rejected[0].name  # the file's own row, as the file names it
    imports.apply(db, schools.admin, plan, TEST_ROUNDS, skip_bad_rows=True)
    assert school_rows(db, schools.a) == before


def test_logins_stay_unique_across_schools(db: Database, schools: Schools) -> None:
    add_learner(db, "Martin", "Léa", class_name="3e A", login="lea.martin")

    taken = imports.preview(
        db,
        schools.admin,
        csv_roster(
            ";Autre;Élève;01/02/2013;3e A;lea.martin",
            header="INE;Nom;Prénom;Date de naissance;Classe;Login",
        ),
        school_id=schools.b,
    )
    run(db, schools.admin, csv_roster(";Martin;Léa;01/02/2013;3e A"), schools.b)

    assert [p.code for p in taken.rejected] == ["login_taken"]
    assert by_login(db, "lea.martin2")["school_id"] == schools.b
    assert by_login(db, "lea.martin")["school_id"] == schools.a


def test_the_old_school_reactivating_the_pupil_meanwhile_stops_the_take_over(
    db: Database, schools: Schools
) -> None:
    moved = add_learner(
        db,
        "Voyageur",
        "Vic",
        class_name="3e A",
        login="vic.voyageur",
        external_id="071234567BB",
        deactivated_at=datetime.now(UTC) - timedelta(days=20),
    )
    plan = imports.preview(
        db,
        schools.admin,
        csv_roster("071234567BB;Voyageur;Vic;17/05/2013;4e B"),
        school_id=schools.b,
    )
    with db.transaction(write=True) as session:  # school A's own import brings them back
        session.execute(update(Learner).where(Learner.id == moved).values(deactivated_at=None))

    with pytest.raises(ConcurrentChange):
        imports.apply(db, schools.admin, plan, TEST_ROUNDS)
    assert by_login(db, "vic.voyageur")["school_id"] == schools.a
    assert school_rows(db, schools.b) == []


def test_one_school_needs_no_school_named(db: Database, admin: str) -> None:
    plan = run(db, admin, csv_roster(";Beta;Basile;17/05/2013;3e A"), None)

    assert plan.school_id == 1
    assert by_login(db, "basile.beta")["school_id"] == 1
    assert date(2013, 5, 17) == by_login(db, "basile.beta")["birth_date"]


def test_two_schools_taking_over_the_same_pupil_at_once_transfer_them_once(
    db: Database, schools: Schools
) -> None:
    c = register.create_school(db, "0690026D", "Collège C", actor=OPERATOR, operator=True).id
    grant_school(db, schools.admin, c)
    moved = add_learner(
        db,
        "Voyageur",
        "Vic",
        class_name="3e A",
        login="vic.voyageur",
        external_id="071234567BB",
        deactivated_at=datetime.now(UTC) - timedelta(days=20),
    )
    row = csv_roster("071234567BB;Voyageur;Vic;17/05/2013;4e B")
    plan_b = imports.preview(db, schools.admin, row, school_id=schools.b)
    plan_c = imports.preview(db, schools.admin, row, school_id=c)

    imports.apply(db, schools.admin, plan_b, TEST_ROUNDS)
    with pytest.raises(ConcurrentChange):
        imports.apply(db, schools.admin, plan_c, TEST_ROUNDS)

    assert by_login(db, "vic.voyageur")["school_id"] == schools.b
    assert school_rows(db, c) == []
    assert [t.learner.id for t in plan_c.transferred if t.learner] == [moved]
