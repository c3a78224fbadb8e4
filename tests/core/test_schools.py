"""The schools: UAI validation, the register (create, list with counts, edit), scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from access_core.db.models import Admin, AuditEvent
from access_core.db.unit_of_work import Database
from access_core.errors import NotAuthorized, NotFound, ValidationError
from access_core.schools import register
from access_core.schools.uai import check_letter, is_uai, normalize_uai
from tests.support.factories import add_learner, create_test_admin, grant_school

# Codes of real establishments (given as such in the task; their letters were not chosen here).
REAL_UAIS = ("0750655E", "0010001W")


@pytest.mark.parametrize("uai", REAL_UAIS)
def test_a_real_uai_is_valid(uai: str) -> None:
    assert normalize_uai(uai) == uai
    assert check_letter(uai[:7]) == uai[7]


def test_a_lower_case_uai_with_spaces_is_normalised() -> None:
    assert normalize_uai("  0750655e ") == "0750655E"


@pytest.mark.parametrize("letter", [c for c in "ABCDFGHJKLMNPRSTUVWXYZ"])
def test_any_other_check_letter_is_refused_naming_the_right_one(letter: str) -> None:
    with pytest.raises(ValidationError) as raised:
        normalize_uai(f"0750655{letter}")

    assert raised.value.params["key"] == "error_uai_check_letter"
    assert raised.value.params["expected"] == "E"
    assert "the check letter of 0750655 is E" in str(raised.value)


@pytest.mark.parametrize(
    "text", ["075065E", "07506550E", "0750655", "", "075O655E", "0750655I", "0750 655E", "E0750655"]
)
def test_a_wrong_length_or_shape_is_not_a_uai(text: str) -> None:
    assert not is_uai(text)
    with pytest.raises(ValidationError) as raised:
        normalize_uai(text)
    assert raised.value.params["key"] in ("error_uai_invalid", "error_uai_check_letter")


def test_letters_i_o_q_never_check_a_uai() -> None:
    letters = {check_letter(f"{n:07d}") for n in range(0, 23 * 5)}

    assert letters == set("ABCDEFGHJKLMNPRSTUVWXYZ")


def _district(db: Database, username: str = "district") -> str:
    create_test_admin(db, username)
    with db.transaction(write=True) as session:
        admin = session.scalar(select(Admin).where(Admin.username == username))
        assert admin is not None
        admin.all_schools = True
    return username


def test_a_district_admin_creates_a_school_and_it_is_journaled(db: Database) -> None:
    actor = _district(db)

    school = register.create_school(
        db, "0750655e", "  Lycée   Louis-le-Grand ", "https://ent.example/", actor=actor
    )

    assert (school.uai, school.name, school.portal_url) == (
        "0750655E",
        "Lycée Louis-le-Grand",
        "https://ent.example/",
    )
    with db.transaction() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "school_created")
        ).one()
    assert (event.actor, event.school_id) == (actor, school.id)


def test_a_duplicate_uai_is_refused(db: Database) -> None:
    register.create_school(db, "0750655E", "A", actor="cli:root", operator=True)

    with pytest.raises(ValidationError) as raised:
        register.create_school(db, "0750655e", "B", actor="cli:root", operator=True)

    assert raised.value.params["key"] == "error_uai_taken"
    assert "0750655E" in str(raised.value)


def test_a_school_administrator_cannot_create_a_school(db: Database, admin: str) -> None:
    with pytest.raises(NotAuthorized):
        register.create_school(db, "0750655E", "A", actor=admin)

    assert [s.uai for s in register.list_schools(db, "cli:root", operator=True)] == [None]


@pytest.mark.parametrize(
    "portal", ["ftp://ent.example", "https://user:pw@ent.example", "https:// x", "javascript:x"]
)
def test_a_bad_portal_address_is_refused(db: Database, portal: str) -> None:
    with pytest.raises(ValidationError) as raised:
        register.create_school(db, "0750655E", "A", portal, actor="cli:root", operator=True)

    assert raised.value.params["key"] == "error_portal_url"


def test_a_name_with_control_characters_is_refused(db: Database) -> None:
    with pytest.raises(ValidationError) as raised:
        register.create_school(db, "0750655E", "A\x1b[31m", actor="cli:root", operator=True)

    assert raised.value.params["key"] == "error_school_name"


def test_an_administrator_lists_their_schools_only_with_active_counts(
    db: Database, admin: str
) -> None:
    other = register.create_school(db, "0750655E", "Autre", actor="cli:root", operator=True)
    add_learner(db, "Un", "Élève", login="un.eleve")
    add_learner(db, "Deux", "Élève", login="deux.eleve")
    add_learner(
        db,
        "Parti",
        "Élève",
        login="parti.eleve",
        deactivated_at=datetime.now(UTC) - timedelta(days=3),
    )
    add_learner(db, "Loin", "Élève", class_name=None, login="loin.eleve", school_id=other.id)

    mine = register.list_schools(db, admin)
    everything = register.list_schools(db, _district(db))

    assert [(s.id, s.active_learners) for s in mine] == [(1, 2)]
    assert {(s.id, s.active_learners) for s in everything} == {(1, 2), (other.id, 1)}


def test_a_school_out_of_scope_is_exactly_like_an_unknown_one(db: Database, admin: str) -> None:
    other = register.create_school(db, "0750655E", "Autre", actor="cli:root", operator=True)

    with pytest.raises(NotFound) as out_of_scope:
        register.get_school(db, admin, other.id)
    with pytest.raises(NotFound) as unknown:
        register.get_school(db, admin, other.id + 100)
    with pytest.raises(NotFound) as by_uai:
        register.find_school(db, admin, "0750655E")
    with pytest.raises(NotFound) as unknown_uai:
        register.find_school(db, admin, "0010001W")

    assert str(out_of_scope.value) == str(unknown.value)
    assert out_of_scope.value.params == unknown.value.params
    assert by_uai.value.params["key"] == unknown_uai.value.params["key"] == "error_uai_unknown"


def test_the_migrated_school_gets_its_uai_name_and_portal(db: Database, admin: str) -> None:
    assert register.get_school(db, admin).uai is None

    school = register.set_school(
        db, None, actor=admin, uai="0010001w", name="Lycée Lalande", portal_url="https://ent/"
    )
    cleared = register.set_school(db, 1, actor=admin, portal_url="")

    assert (school.id, school.uai, school.name, school.portal_url) == (
        1,
        "0010001W",
        "Lycée Lalande",
        "https://ent/",
    )
    assert cleared.portal_url is None
    with db.transaction() as session:
        events = session.scalars(
            select(AuditEvent.school_id).where(AuditEvent.action == "school_updated")
        ).all()
    assert events == [1, 1]


def test_a_uai_taken_by_another_school_is_refused_when_editing(db: Database) -> None:
    register.create_school(db, "0750655E", "Autre", actor="cli:root", operator=True)

    with pytest.raises(ValidationError) as raised:
        register.set_school(db, 1, actor="cli:root", uai="0750655E", operator=True)

    assert raised.value.params["key"] == "error_uai_taken"


def test_an_administrator_of_school_a_cannot_edit_school_b(db: Database, admin: str) -> None:
    other = register.create_school(db, "0750655E", "Autre", actor="cli:root", operator=True)

    with pytest.raises(NotFound):
        register.set_school(db, other.id, actor=admin, name="Piraté")

    assert register.get_school(db, "cli:root", other.id, operator=True).name == "Autre"


def test_an_import_names_its_school_once_there_are_several(db: Database, admin: str) -> None:
    assert register.school_for_import(db, admin, None) is None
    other = register.create_school(db, "0750655E", "Autre", actor="cli:root", operator=True)
    grant_school(db, admin, other.id)

    with pytest.raises(ValidationError) as raised:
        register.school_for_import(db, admin, None)

    assert raised.value.params["key"] == "error_import_school_required"
    assert register.school_for_import(db, admin, "0750655e") == other.id
