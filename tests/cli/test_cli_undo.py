"""``access-core undo-reset``: the reset's hint, the undo through the installed entry point,
the learners kept named, and the refusals as one error line."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from access_core.accounts import learner_login
from access_core.db.models import Learner
from access_core.roster import undo
from tests.conftest import assert_one_line_error
from tests.support.cli_script import entry_point
from tests.support.factories import create_test_admin
from tests.support.first_school import ensure_first_school, grant_first_school


@pytest.fixture
def admin(db) -> str:
    ensure_first_school(db)
    return grant_first_school(db, create_test_admin(db))


def hashes(db) -> dict[str, str]:
    with db.transaction() as session:
        return dict(session.execute(select(Learner.login, Learner.password_hash)).all())


def reset_class(cli, admin) -> str:
    code, out, err = cli("reset", "--class", "6e A", "--actor", admin, "--yes")
    assert code == 0, err
    hint = re.search(r"access-core undo-reset --batch (\S+) --actor \S+", out)
    assert hint is not None, out
    assert "can be undone for 15 min" in out
    return hint.group(1)


def test_undo_reset_through_the_entry_point_restores_the_previous_hashes(
    cli, db, admin, school, database_url
):
    school(db)
    before = hashes(db)
    batch = reset_class(cli, admin)
    assert hashes(db) != before

    done = entry_point(database_url, "undo-reset", "--batch", batch, "--actor", admin)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"reset undone (batch {batch}): 3 learners have their previous password back"
    )
    assert hashes(db) == before


def test_a_learner_who_logged_in_since_is_named_and_kept(cli, db, admin, school, settings):
    school(db)
    batch = reset_class(cli, admin)
    assert learner_login.authenticate(db, settings, "lea.martin", "29022012").may_enter
    after = hashes(db)["lea.martin"]

    code, out, err = cli("undo-reset", "--batch", batch, "--actor", admin)

    assert code == 0, err
    assert "2 learners have their previous password back" in out
    assert "kept as is (logged in since the reset): Martin Léa" in out
    assert hashes(db)["lea.martin"] == after


def test_after_the_window_it_is_one_error_line_and_nothing_changes(
    cli, db, admin, school, monkeypatch
):
    school(db)
    batch = reset_class(cli, admin)
    after = hashes(db)
    with db.transaction() as session:
        applied = session.scalar(
            select(Learner.password_changed_at).where(Learner.login == "lea.martin")
        )
    assert applied is not None
    monkeypatch.setattr(undo, "clock", lambda: applied + timedelta(minutes=16))

    code, out, err = cli("undo-reset", "--batch", batch, "--actor", admin)

    assert_one_line_error(code, out, err, "can no longer be undone")
    assert hashes(db) == after


def test_an_unknown_batch_is_one_error_line(cli, db, admin, school):
    school(db)
    code, out, err = cli("undo-reset", "--batch", "nope", "--actor", admin)
    assert_one_line_error(code, out, err, "no such reset")


def test_the_french_wording(cli, db, admin, school, monkeypatch):
    monkeypatch.delenv("ACCESS_LANGUAGE")
    school(db)
    code, out, err = cli("reset", "--class", "6e B", "--actor", admin, "--yes")
    batch = re.search(r"undo-reset --batch (\S+)", out)
    assert code == 0 and batch is not None, err
    code, out, err = cli("undo-reset", "--batch", batch.group(1), "--actor", admin)
    assert code == 0, err
    assert "1 élève a retrouvé son mot de passe précédent" in out
