"""``access-core create-admin --school/--all-schools``, ``create-teacher``, ``grant``, ``revoke``
and ``list-accounts`` (alias ``list-admins``), through the command line's entry point."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from access_core.accounts.passwords import verify_password
from access_core.audit import events as audit
from access_core.db.models import AccountClass, AccountSchool, Admin, School
from tests.conftest import assert_one_line_error
from tests.support.scopes import make_admin, make_class, make_school

SECRET = "a long enough password\n"


@pytest.fixture
def two_schools(db):
    a = make_school(db, "0750001A", "Collège A")
    b = make_school(db, "0750002B", "Collège B")
    make_class(db, a, "6e A")
    make_class(db, b, "6e A")  # the same class name in the other school
    make_class(db, b, "5e B")
    return a, b


def grants(db, username):
    with db.transaction() as session:
        admin = session.scalar(select(Admin).where(Admin.username == username))
        schools = sorted(
            session.scalars(
                select(School.uai)
                .join(AccountSchool, AccountSchool.school_id == School.id)
                .where(AccountSchool.admin_id == admin.id)
            )
        )
        classes = sorted(
            session.scalars(select(AccountClass.class_id).where(AccountClass.admin_id == admin.id))
        )
        return admin, schools, classes


def test_create_admin_of_named_schools_or_of_every_school(cli, db, two_schools):
    code, out, err = cli(
        "create-admin",
        "Chef",
        "--school",
        "0750001A",
        "--school",
        "0750002b",
        "--password-stdin",
        stdin=SECRET,
    )
    assert code == 0, err
    assert out.strip() == "administrator 'chef' created"
    admin, schools, _ = grants(db, "chef")
    assert schools == ["0750001A", "0750002B"] and not admin.all_schools
    assert not admin.must_change_password
    assert verify_password(SECRET.strip(), admin.password_hash)

    assert cli("create-admin", "dasen", "--all-schools", "--password-stdin", stdin=SECRET)[0] == 0
    assert grants(db, "dasen")[0].all_schools


def test_create_admin_without_school_needs_one_when_there_are_several(cli, db, two_schools):
    code, out, err = cli("create-admin", "chef", "--password-stdin", stdin=SECRET)
    assert_one_line_error(code, out, err, "--school UAI")
    code, out, err = cli(
        "create-admin", "chef", "--school", "9999999Z", "--password-stdin", stdin=SECRET
    )
    assert_one_line_error(code, out, err, "9999999Z")


def test_create_admin_on_a_one_school_installation_administers_that_school(cli, db):
    with db.transaction() as session:
        ids = list(session.scalars(select(School.id)))
    only = ids[0] if ids else make_school(db, "0750001A", "Collège")  # the migrated school
    assert len(ids) <= 1
    assert cli("create-admin", "chef", "--password-stdin", stdin=SECRET)[0] == 0
    with db.transaction() as session:
        granted = list(session.scalars(select(AccountSchool.school_id)))
    assert granted == [only]


def test_create_teacher_of_classes_of_a_school(cli, db, two_schools):
    code, out, err = cli(
        "create-teacher",
        "prof.b",
        "--class",
        "6e A",
        "--class",
        "5e B",
        "--school",
        "0750002B",
        "--password-stdin",
        stdin=SECRET,
    )
    assert code == 0, err
    assert out.strip() == "account 'prof.b' (teacher) created"
    admin, schools, classes = grants(db, "prof.b")
    assert admin.role == "teacher" and schools == [] and len(classes) == 2
    (event,) = audit.events(db, "account_created")
    assert event.actor.startswith("cli:") and event.details["via"] == "cli"

    code, out, err = cli(
        "create-teacher",
        "prof.x",
        "--class",
        "4e Z",
        "--school",
        "0750002B",
        "--password-stdin",
        stdin=SECRET,
    )
    assert_one_line_error(code, out, err, "4e Z")


def test_grant_and_revoke_a_school_or_a_class(cli, db, two_schools):
    a, b = two_schools
    make_admin(db, "chef", [a])
    assert cli("grant", "chef", "--school", "0750002B")[0] == 0
    assert grants(db, "chef")[1] == ["0750001A", "0750002B"]
    assert cli("revoke", "chef", "--school", "0750001A")[0] == 0
    assert grants(db, "chef")[1] == ["0750002B"]

    cli(
        "create-teacher",
        "prof",
        "--class",
        "6e A",
        "--school",
        "0750001A",
        "--password-stdin",
        stdin=SECRET,
    )
    assert cli("grant", "prof", "--class", "5e B", "--school", "0750002B")[0] == 0
    assert len(grants(db, "prof")[2]) == 2
    assert cli("revoke", "prof", "--class", "6e A", "--school", "0750001A")[0] == 0
    code, out, err = cli("revoke", "prof", "--class", "5e B", "--school", "0750002B")
    assert_one_line_error(code, out, err, "one class")  # a teacher keeps a class
    code, out, err = cli("grant", "prof", "--school", "0750002B")
    assert_one_line_error(code, out, err, "not a admin")
    code, out, err = cli("grant", "ghost", "--school", "0750002B")
    assert_one_line_error(code, out, err, "no account named 'ghost'")
    with pytest.raises(SystemExit) as exited:
        cli("grant", "prof")
    assert exited.value.code == 2


def test_list_accounts_gives_role_and_scope_and_list_admins_is_its_alias(cli, db, two_schools):
    a, b = two_schools
    make_admin(db, "chef", [a, b])
    make_admin(db, "dasen", all_schools=True)
    cli(
        "create-teacher",
        "prof",
        "--class",
        "5e B",
        "--school",
        "0750002B",
        "--password-stdin",
        stdin=SECRET,
    )
    code, out, err = cli("list-accounts")
    assert code == 0, err
    assert out.splitlines() == [
        "chef\tactive\tadmin\tCollège A,Collège B\t",
        "dasen\tactive\tadmin\t*\t",
        "prof\tactive\tteacher\t5e B\t",
    ]
    assert cli("list-admins")[1] == out
