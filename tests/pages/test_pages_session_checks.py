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
from tests.support.factories import dump_tables
from tests.support.import_pages import JOURNAL_PAGE
from tests.support.pages import (
    LOGIN_REQUIRED,
    TIMEOUT_S,
    Deferred,
    age_session,
    assert_no_school_data,
    count_batches,
    dashboard,
    last_download,
    live_session,
    mark,
    no_exception,
    page,
    texts,
)
from tests.support.school import School

pytestmark = pytest.mark.usefixtures("started_server")  # reruns go through dashboard.py

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


def _open_confirmation(at: AppTest, app_school: School) -> None:
    at.run()
    mark(at, f"editor:class-{app_school.class_a}:0", [app_school.hugo, app_school.zoe])
    at.run()
    at.button(key=f"reset_btn:class-{app_school.class_a}").click()
    at.run()
    no_exception(at)
    assert at.button(key="confirm_reset")  # the dialog is open


@ENDINGS
def test_a_confirmation_left_open_after_the_session_ended_changes_nothing(
    app_school: School, app_db: Database, admin: str, end_session: Any, notice: str
) -> None:
    at = page(admin)
    _open_confirmation(at, app_school)
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
    app_school: School, app_db: Database, admin: str, end_session: Any, notice: str
) -> None:
    at = live_session(dashboard(), admin)
    _open_confirmation(at, app_school)

    end_session(app_db, at, admin)
    at.button(key="confirm_reset").click()
    at.run()

    no_exception(at)
    assert count_batches(app_db) == 0
    assert texts(at.info) == [notice]
    assert [w.label for w in at.text_input] == ["Identifiant", "Mot de passe"]
    assert_no_school_data(at)


def test_a_confirmation_with_a_live_session_still_applies(
    app_school: School, app_db: Database, admin: str
) -> None:
    """The control: the same steps without the session ending apply the batch."""
    at = page(admin)
    _open_confirmation(at, app_school)
    at.button(key="confirm_reset").click()
    at.run()
    no_exception(at)
    assert count_batches(app_db) == 1
    assert texts(at.success) == ["2 mots de passe réinitialisés."]


# --- deferred download callables ------------------------------------------------------------


@ENDINGS
def test_the_journal_csv_asked_for_after_the_session_ended_is_refused(
    app_school: School,
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
    app_school: School,
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
