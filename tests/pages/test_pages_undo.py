"""« Annuler cette réinitialisation » on the page (AppTest, real SQLite): offered by the reset's
notice, it gives back the exact previous passwords, names who is kept, and is gone once the
window is over or the reset undone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from access_core.accounts import learner_login
from access_core.config import load_settings
from access_core.db.models import Learner
from access_core.db.unit_of_work import Database
from access_core.roster import undo
from access_core.text.catalogue import t
from tests.support.factories import TEST_COOKIE_KEY, create_test_admin
from tests.support.first_school import ensure_first_school, grant_first_school
from tests.support.pages import mark, no_exception, page, select_class, texts
from tests.support.school import School

UNDO_KEY = "undo_reset"


@pytest.fixture
def admin(db: Database) -> str:
    ensure_first_school(db)
    return grant_first_school(db, create_test_admin(db))


def hashes(db: Database) -> dict[int, tuple[str | None, bool, object]]:
    with db.transaction() as session:
        rows = session.execute(
            select(
                Learner.id,
                Learner.password_hash,
                Learner.must_change_password,
                Learner.password_changed_at,
            )
        ).all()
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def reset_on_the_page(at, school: School, ids: list[int]):
    select_class(at, school.class_a)
    mark(at, f"editor:class-{school.class_a}:0", ids)
    at.run()
    at.button(key=f"reset_btn:class-{school.class_a}").click()
    at.run()
    at.button(key="confirm_reset").click()
    at.run()
    no_exception(at)
    return at


def undo_buttons(at) -> list[str]:
    return [b.label for b in at.button if b.key == UNDO_KEY]


def test_the_notice_offers_the_undo_and_it_gives_back_the_exact_passwords(
    app_school: School, app_db: Database, admin: str
) -> None:
    before = hashes(app_db)
    at = reset_on_the_page(page(admin).run(), app_school, [app_school.hugo, app_school.zoe])
    assert hashes(app_db) != before
    assert texts(at.success) == ["2 mots de passe réinitialisés."]
    assert undo_buttons(at) == ["Annuler cette réinitialisation"]
    assert any("sauf s'il s'est connecté" in c for c in texts(at.caption))
    at.run()  # still offered on the next run (the notice itself was shown once)
    assert undo_buttons(at) == ["Annuler cette réinitialisation"]

    at.button(key=UNDO_KEY).click()
    at.run()
    no_exception(at)

    assert hashes(app_db) == before
    assert texts(at.success) == [
        "Réinitialisation annulée : 2 élèves ont retrouvé leur mot de passe précédent."
    ]
    assert undo_buttons(at) == []


def test_a_learner_who_logged_in_meanwhile_is_named_as_text(
    app_school: School, app_db: Database, admin: str, database_url: str
) -> None:
    at = reset_on_the_page(page(admin).run(), app_school, [app_school.hugo, app_school.zoe])
    settings = load_settings({}, database_url=database_url, cookie_key=TEST_COOKIE_KEY)
    assert learner_login.authenticate(app_db, settings, "zoe.petit", "01012013").may_enter
    kept = hashes(app_db)[app_school.zoe]

    at.button(key=UNDO_KEY).click()
    at.run()
    no_exception(at)

    assert texts(at.success) == [
        "Réinitialisation annulée : 1 élève a retrouvé son mot de passe précédent."
    ]
    assert texts(at.warning) == [
        "Gardés tels quels (connectés depuis la réinitialisation) : Petit Zoé"
    ]
    assert hashes(app_db)[app_school.zoe] == kept


def test_the_button_disappears_once_the_window_is_over(
    app_school: School, app_db: Database, admin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = reset_on_the_page(page(admin).run(), app_school, [app_school.hugo])
    assert undo_buttons(at) == ["Annuler cette réinitialisation"]
    changed_at = hashes(app_db)[app_school.hugo][2]
    assert changed_at is not None
    monkeypatch.setattr(undo, "clock", lambda: changed_at + timedelta(minutes=15, seconds=1))

    at.run()
    no_exception(at)

    assert undo_buttons(at) == []


def test_undone_elsewhere_the_button_goes_and_nothing_changes(
    app_school: School, app_db: Database, admin: str
) -> None:
    at = reset_on_the_page(page(admin).run(), app_school, [app_school.hugo])
    batch = at.session_state["reset_undo_offer"]
    undo.undo_reset(app_db, admin, batch)  # another tab, or the command line, first
    after = hashes(app_db)

    at.button(key=UNDO_KEY).click()  # clicked on the page as it was shown
    at.run()
    no_exception(at)

    assert hashes(app_db) == after
    assert undo_buttons(at) == []


def test_the_undo_speaks_english(
    app_school: School, app_db: Database, admin: str, app_env: pytest.MonkeyPatch
) -> None:
    app_env.setenv("ACCESS_LANGUAGE", "en")
    at = page(admin).run()
    select_class(at, app_school.class_a)
    key = f"editor:class-{app_school.class_a}:0"
    index = list(at.data_editor(key=key).value.index)
    at.session_state[key] = {
        "edited_rows": {index.index(app_school.hugo): {t("col_reset", "en"): True}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key=f"reset_btn:class-{app_school.class_a}").click()
    at.run()
    at.button(key="confirm_reset").click()
    at.run()
    assert undo_buttons(at) == ["Undo this reset"]
    at.button(key=UNDO_KEY).click()
    at.run()
    no_exception(at)
    assert texts(at.success) == ["Reset undone: 1 learner has their previous password back."]
