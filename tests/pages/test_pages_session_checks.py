"""The same session check outside a full page run: the confirmation dialog (a fragment whose
« Confirmer » reruns only its body) and deferred download callables (the journal's CSV).

A dialog left open, or a download asked for, after the session was revoked or went idle must
refuse and change nothing. Time is moved by editing the server session's row, never by
sleeping.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from access_core.accounts import admin_login as admin_auth
from access_core.audit import events as audit
from access_core.audit import journal
from access_core.db.unit_of_work import Database
from access_core.documents.workbook import EXPORT_ACTION
from access_core.errors import NotAuthorized
from access_core.roster.resets import RESET_ACTION
from tests.pages import test_pages
from tests.pages.test_pages import (
    LOGIN_REQUIRED,
    TIMEOUT_S,
    Deferred,
    School,
    assert_no_school_data,
    count_batches,
    deferred,
    last_download,
    live_session,
    mark,
    no_exception,
    page,
    texts,
)
from tests.pages.test_pages_import_journal import JOURNAL_PAGE
from tests.pages.test_pages_sessions import age_session, started_server
from tests.support.factories import dump_tables

app_env = test_pages.app_env
app_db = test_pages.app_db
school = test_pages.school
deferred = deferred  # the fixture, used by name
as_on_a_started_server = started_server  # autouse: reruns go through dashboard.py

IDLE_NOTICE = "Session fermée après 30 minutes d'inactivité : reconnectez-vous."
REVOKED_NOTICE = "Session fermée (déconnexion ou changement du compte) : reconnectez-vous."


def _revoke(db: Database, at: AppTest, admin: str) -> None:
    admin_auth.revoke_sessions(db, admin, "system", "test")


def _idle(db: Database, at: AppTest, admin: str) -> None:
    age_session(db, at, timedelta(minutes=40), timedelta(minutes=31))


def _disable(db: Database, at: AppTest, admin: str) -> None:
    from access_core.accounts import admins

    admins.disable_admin(db, admin)


ENDINGS = pytest.mark.parametrize(
    ("end_session", "notice"),
    [(_revoke, REVOKED_NOTICE), (_idle, IDLE_NOTICE), (_disable, REVOKED_NOTICE)],
    ids=["revoked", "idle", "disabled"],
)


def _open_confirmation(at: AppTest, school: School) -> None:
    at.run()
    mark(at, f"editor:class-{school.class_a}:0", [school.hugo, school.zoe])
    at.run()
    at.button(key=f"reset_btn:class-{school.class_a}").click()
    at.run()
    no_exception(at)
    assert at.button(key="confirm_reset")  # the dialog is open


@ENDINGS
def test_a_confirmation_left_open_after_the_session_ended_changes_nothing(
    school: School, app_db: Database, admin: str, end_session: Any, notice: str
) -> None:
    at = page(admin)
    _open_confirmation(at, school)
    learners_before = dump_tables(app_db)["learners"]

    end_session(app_db, at, admin)  # the session ends while the dialog is open
    at.button(key="confirm_reset").click()
    at.run()

    no_exception(at)
    assert dump_tables(app_db)["learners"] == learners_before
    assert count_batches(app_db) == 0
    assert not audit.events(app_db, action=RESET_ACTION)
    assert not at.success
    # The whole app reran: the page's guard refuses, no learner is shown.
    assert texts(at.warning) == [LOGIN_REQUIRED]
    assert_no_school_data(at)


@ENDINGS
def test_in_the_dashboard_the_refused_confirmation_leads_to_the_login_form_with_why(
    school: School, app_db: Database, admin: str, end_session: Any, notice: str
) -> None:
    at = live_session(test_pages.dashboard(), admin)
    _open_confirmation(at, school)

    end_session(app_db, at, admin)
    at.button(key="confirm_reset").click()
    at.run()

    no_exception(at)
    assert count_batches(app_db) == 0
    assert texts(at.info) == [notice]
    assert [w.label for w in at.text_input] == ["Identifiant", "Mot de passe"]
    assert_no_school_data(at)


def test_a_confirmation_with_a_live_session_still_applies(
    school: School, app_db: Database, admin: str
) -> None:
    """The control: the same steps without the session ending apply the batch."""
    at = page(admin)
    _open_confirmation(at, school)
    at.button(key="confirm_reset").click()
    at.run()
    no_exception(at)
    assert count_batches(app_db) == 1
    assert texts(at.success) == ["2 mots de passe réinitialisés."]


# --- deferred download callables ------------------------------------------------------------


@ENDINGS
def test_the_journal_csv_asked_for_after_the_session_ended_is_refused(
    school: School,
    app_db: Database,
    admin: str,
    deferred: list[Deferred],
    end_session: Any,
    notice: str,
) -> None:
    at = live_session(AppTest.from_file(JOURNAL_PAGE, default_timeout=TIMEOUT_S), admin).run()
    no_exception(at)
    (csv_download,) = deferred
    make_csv = csv_download.make
    header = journal.to_csv([], ZoneInfo("Europe/Paris")).splitlines()[0]
    assert make_csv().splitlines()[0] == header  # the control: with a live session, the CSV

    end_session(app_db, at, admin)  # the page stays open; the click comes later

    with pytest.raises(NotAuthorized):
        make_csv()


@ENDINGS
def test_the_identifier_workbook_asked_for_after_the_session_ended_is_refused_unjournalled(
    school: School,
    app_db: Database,
    admin: str,
    deferred: list[Deferred],
    end_session: Any,
    notice: str,
) -> None:
    at = page(admin).run()
    no_exception(at)
    make_workbook = last_download(deferred, ".xlsx").make

    end_session(app_db, at, admin)  # the page stays open; the click comes later

    with pytest.raises(NotAuthorized):
        make_workbook()
    assert not audit.events(app_db, action=EXPORT_ACTION)
