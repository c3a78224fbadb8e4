"""A learner's data on request (RGPD article 15): what the family's copy holds and what it
must not (``access_core/documents/learner_data.py``)."""

from __future__ import annotations

import json

from access_core.accounts import learner_login
from access_core.audit import events as audit
from access_core.audit import request_context
from access_core.documents import learner_data
from access_core.roster.resets import reset_passwords
from tests.support.factories import TEST_ROUNDS, add_learner

STAFF_ADDRESS = "198.51.100.23"
OTHER_PHONE = "203.0.113.45"


def test_the_copy_holds_no_client_address_os_account_or_anyone_elses_identifier(
    db, admin, settings
):
    """Review 2 #6: the copy handed over every event's raw details: the administrator's
    workstation address, the address of whoever tried the learner's login, ``os_user``."""
    learner = add_learner(db, "Martin", "Léa", class_name="6e A", login="lea.martin")
    try:
        request_context.bind(STAFF_ADDRESS)
        with audit.origin(via="cli", os_user="root"):
            reset_passwords(db, admin, [learner], TEST_ROUNDS)
        request_context.bind(OTHER_PHONE)
        learner_login.authenticate(db, settings, "lea.martin", "guess-1234")
    finally:
        request_context.bind(None)

    as_json = learner_data.learner_data(db, admin, "lea.martin", "json").decode("utf-8")
    as_csv = learner_data.learner_data(db, admin, "lea.martin", "csv").decode("utf-8-sig")

    for document in (as_json, as_csv):
        assert STAFF_ADDRESS not in document and OTHER_PHONE not in document
        assert "os_user" not in document and "root" not in document
        assert "client" not in document
    journal = json.loads(as_json)["journal"]
    reset = next(e for e in journal if e["action"] == "password_reset")
    assert reset["details"] == {"login": "lea.martin", "class": "6e A", "via": "cli"}
    assert any(e["action"] == "learner_login_failed" for e in journal)  # the event stays
