"""The school selector in a real browser: an administrator of two schools switches school, the
URL names it (``?ecole=UAI``), and a reload (a new Streamlit session) keeps it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select, update

from access_core.db.models import Learner, School, SchoolClass
from access_core.db.unit_of_work import Database
from tests.browser.conftest import PUPILS, Server, settle
from tests.support.browser_dashboard import log_in, open_app
from tests.support.factories import add_learner
from tests.support.scopes import make_admin, make_school, make_teacher, school_of_class

pytestmark = pytest.mark.browser

expect: Any
try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with the reason
    expect = None

UAI_A, UAI_B = "0750001A", "0930002B"


def two_schools(database_url: str) -> None:
    """School 1 becomes « Collège Arago »; « Collège Bara » gets « 2nde 1 » (Yanis Ferrandou);
    « direction » administers both."""
    db = Database.from_url(database_url)
    try:
        with db.transaction(write=True) as session:
            session.execute(
                update(School).where(School.id == 1).values(uai=UAI_A, name="Collège Arago")
            )
        two = make_school(db, UAI_B, "Collège Bara")
        learner = add_learner(db, "Ferrandou", "Yanis", class_name="2nde 1", login="y.ferrandou")
        with db.transaction() as session:
            class_id = session.get(Learner, learner).class_id  # type: ignore[union-attr]
        school_of_class(db, class_id, two)
        make_admin(db, "direction", school_ids=[1, two])
    finally:
        db.dispose()


def choose(page: Any, label: str, option: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def test_a_switched_school_stays_through_a_reload(server: Server, page: Any) -> None:
    two_schools(server.database_url)
    open_app(page, server.url)
    log_in(page, "direction")
    selector = page.get_by_role("combobox", name="Établissement")
    expect(selector).to_have_value("Collège Arago (0750001A)")
    expect(page).to_have_url(re.compile(f"ecole={UAI_A}"))

    choose(page, "Établissement", "Collège Bara (0930002B)")

    expect(page).to_have_url(re.compile(f"ecole={UAI_B}"))
    classes = page.get_by_role("combobox", name="Classe")
    expect(classes).to_have_value("2nde 1")
    expect(page.get_by_text(PUPILS[0].last_name)).to_have_count(0)  # a school 1 pupil

    page.reload()
    settle(page)

    expect(page).to_have_url(re.compile(f"ecole={UAI_B}"))
    expect(selector).to_have_value("Collège Bara (0930002B)")
    expect(classes).to_have_value("2nde 1")


def test_a_teacher_gets_a_refusal_at_the_import_url_and_no_link(server: Server, page: Any) -> None:
    db = Database.from_url(server.database_url)
    try:
        with db.transaction() as session:
            class_id = session.scalar(select(SchoolClass.id).where(SchoolClass.name == "5e B"))
        assert class_id is not None
        make_teacher(db, "prof.b", [class_id])
    finally:
        db.dispose()
    open_app(page, server.url)
    log_in(page, "prof.b")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("link", name="Journal")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Import")).to_have_count(0)
    expect(page.get_by_role("combobox", name="Classe")).to_have_value("5e B")

    page.goto(f"{server.url}/import_roster")
    settle(page)

    expect(page.get_by_text("Cette page est réservée aux administrateurs.")).to_be_visible()
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
    html = page.content()
    assert not [p.last_name for p in PUPILS if p.last_name in html]
