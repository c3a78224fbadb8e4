"""One log line per security event, with the client's address (issue 14 item 6)."""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest

from access_core.accounts import admin_login as admin_auth
from access_core.audit import events as audit
from access_core.audit import request_context
from access_core.audit.request_context import client_from, trusted_proxies
from access_core.documents.workbook import record_export
from access_core.errors import AccessError
from access_core.roster import resets
from tests.support.factories import ADMIN_PASSWORD, TEST_ROUNDS, add_class, add_learner


@pytest.fixture
def security_lines(caplog):
    caplog.set_level(logging.INFO, logger="access_core.security")

    def lines() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "access_core.security"]

    return lines


@pytest.fixture
def from_client():
    token = request_context.client_address.set("203.0.113.9")
    yield "203.0.113.9"
    request_context.client_address.reset(token)


def test_failed_login_then_login_then_a_reset_of_22_is_three_lines(
    db, settings, admin, security_lines, from_client
):
    ids = [
        add_learner(db, f"Nom{i}", "Élève", login=f"eleve{i}", birth_date=date(2013, 1, 1 + i))
        for i in range(22)
    ]

    admin_auth.login(db, settings, admin, "wrong password!")
    admin_auth.login(db, settings, admin, ADMIN_PASSWORD)
    resets.reset_passwords(db, admin, ids, TEST_ROUNDS)

    assert security_lines() == [
        f"event=login_failed client=203.0.113.9 actor={admin}",
        f"event=login_succeeded client=203.0.113.9 actor={admin} method=password",
        security_lines()[2],
    ]
    assert re.fullmatch(
        rf"event=reset_batch client=203\.0\.113\.9 actor={admin} count=22 batch=\S+",
        security_lines()[2],
    )
    stored = audit.events(db, action="password_reset", limit=1)[0]
    assert stored.details["client"] == "203.0.113.9"


def test_a_lockout_and_an_export_are_logged_without_secrets(
    db, settings, admin, security_lines, from_client
):
    add_learner(db, "Martin", "Léa", class_name="6e A")
    for _ in range(settings.login_max_failures):
        admin_auth.login(db, settings, admin, "S3cret-guess!")
    record_export(db, admin, "6e A", 1)

    lines = security_lines()
    assert lines[:4] == [f"event=login_failed client=203.0.113.9 actor={admin}"] * 4
    assert re.fullmatch(
        rf"event=login_locked client=203\.0\.113\.9 actor={admin} until=\S+",
        lines[4],
    )
    assert lines[-1] == (
        f'event=identifiers_exported client=203.0.113.9 actor={admin} class="6e A" learners=1'
    )
    assert not any("S3cret" in line or "$2b$" in line for line in lines)


def test_nothing_is_logged_when_the_transaction_rolls_back(db, admin, security_lines):
    learner = add_learner(db, "Sans", "Date", birth_date=None)

    with pytest.raises(AccessError):
        resets.reset_passwords(db, admin, [learner], TEST_ROUNDS)

    assert not any("reset_batch" in line for line in security_lines())


@pytest.mark.parametrize(
    ("peer", "header", "trusted", "expected"),
    [
        ("203.0.113.9", None, "", "203.0.113.9"),
        ("203.0.113.9", "1.2.3.4", "", "203.0.113.9"),  # untrusted peer: header ignored
        ("127.0.0.1", "198.51.100.7", "127.0.0.1", "198.51.100.7"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", "127.0.0.1", "198.51.100.7"),  # forged first hop
        ("10.0.0.2", "198.51.100.7, 10.0.0.1", "10.0.0.0/24", "198.51.100.7"),
        ("127.0.0.1", "not-an-ip", "127.0.0.1", "127.0.0.1"),
    ],
)
def test_x_forwarded_for_is_believed_only_from_trusted_proxies(peer, header, trusted, expected):
    proxies = trusted_proxies({"ACCESS_TRUSTED_PROXIES": trusted})

    assert client_from(peer, header, proxies) == expected


@pytest.mark.parametrize(
    ("environ", "believed"),
    [
        ({}, "127.0.0.1,::1"),  # uvicorn's default: a local process chooses its address
        ({"FORWARDED_ALLOW_IPS": "*"}, "*"),
        ({"FORWARDED_ALLOW_IPS": " "}, None),
        ({"FORWARDED_ALLOW_IPS": ""}, None),  # what `access-core serve` sets
    ],
)
def test_the_server_knows_when_uvicorn_would_rewrite_the_client_address(environ, believed):
    """Issue 19 item 11: app.py warns in the log when started so that uvicorn believes
    ``X-Forwarded-For`` before ACCESS_TRUSTED_PROXIES applies."""
    from access_core.audit.request_context import uvicorn_believes

    assert uvicorn_believes(environ) == believed


def test_an_invalid_trusted_proxy_is_a_config_error():
    from access_core.errors import ConfigError

    with pytest.raises(ConfigError, match="ACCESS_TRUSTED_PROXIES"):
        trusted_proxies({"ACCESS_TRUSTED_PROXIES": "127.0.0.1, proxy.example"})


def test_without_a_bound_address_the_registered_provider_gives_it(db, admin, security_lines):
    """Streamlit callbacks and dialogs run without the top of the script: audit.record asks
    the provider access_ui registers (st.context of the current run)."""
    add_class(db, "6e A")  # an export names a class of the actor's scope
    saved = list(request_context._provider)
    request_context.set_provider(lambda: "192.0.2.44")
    try:
        record_export(db, admin, "6e A", 0)
    finally:
        request_context._provider[:] = saved

    assert security_lines()[-1].startswith("event=identifiers_exported client=192.0.2.44 ")
    assert audit.events(db, action="identifiers_exported", limit=1)[0].details["client"] == (
        "192.0.2.44"
    )
