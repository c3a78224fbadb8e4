"""Two ``access-core serve`` processes on one PostgreSQL database behind nginx (issue 22 item 6).

The proxy runs the shipped ``docs/nginx/acces-apprenants.conf`` (see ``tests/support/
two_servers.py``): the dashboard under ``/acces/``, each server started with
``--base-url-path acces``. What one server does, the other sees at once: a login (the same
cookie opens the other server), a reset, a logout, a lockout. Stopping the server a browser
is on loses nothing: the page reconnects through nginx to the other one and stays logged in.

Needs nginx (skipped without it, failed under ``ACCESS_REQUIRE_BROWSER=1``), Chromium, and a
PostgreSQL server named in ``ACCESS_TEST_DATABASE_URLS``. The tests share one cluster; the last
one stops a server.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from access_core.db.unit_of_work import Database
from tests.browser.conftest import (
    PUPILS,
    _cli,
    _fill,
    choose_class,
    expect_no_learner_data,
    settle,
)
from tests.conftest import create_server_database, drop_server_database
from tests.support.browser_app import (
    expect_logged_in,
    expect_login_form,
    login_cookie,
    open_app,
)
from tests.support.browser_dashboard import CLASS, CLASS_PUPILS, TICKED_ROWS, column_cells, tick
from tests.support.browser_dashboard import log_in as log_in_as
from tests.support.factories import ADMIN_PASSWORD, ADMIN_USERNAME, add_learner
from tests.support.two_servers import (
    BASE_PATH,
    Cluster,
    http_get,
    nginx_binary,
    server_environment,
    start_proxy,
    start_replica,
)

pytestmark = pytest.mark.browser

expect: Any
try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with the reason
    expect = None

COOKIE_NAME = f"acces_apprenants_auth_{BASE_PATH}"  # under the base path
COOKIE_KEY = "two-servers-share-this-cookie-key-0123456789"
LOCKED_USER = "verrou"
LOCKED_PASSWORD = "le bon mot de passe"
LOCKED_NOTICE = "Trop d'échecs de connexion : cet identifiant est bloqué"
PASSWORD_COLUMN = 5  # Réinitialiser, Nom, Prénom, Login, Date de naissance, Mot de passe
RECONNECT_TIMEOUT_MS = 60_000
WAIT_MS = 60_000
SEARCH_LABEL = "Rechercher un élève (nom, prénom ou login)"


def _postgresql_server(config: pytest.Config) -> str | None:
    raw = str(config.getoption("--database-urls") or "")
    urls = [u.strip() for u in raw.split(",") if u.strip().startswith("postgresql")]
    return urls[0] if urls else None


@pytest.fixture(scope="module")
def cluster(
    browser: Any, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    binary = nginx_binary()
    if binary is None:
        reason = "nginx is missing (apt-get install nginx)"
        if os.environ.get("ACCESS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required (ACCESS_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(f"two-server test skipped: {reason}")
    server = _postgresql_server(request.config)
    if server is None:
        pytest.skip(
            "two servers share a PostgreSQL database: name one in ACCESS_TEST_DATABASE_URLS"
        )
    database_url = create_server_database(server)
    folder = tmp_path_factory.mktemp("two-servers")
    env = server_environment(database_url, COOKIE_KEY)
    made = Cluster("", [], database_url, env, folder)
    try:
        _cli(database_url, env, "init")
        _fill(database_url)
        for username, password in (
            (ADMIN_USERNAME, ADMIN_PASSWORD),
            (LOCKED_USER, LOCKED_PASSWORD),
        ):
            _cli(
                database_url,
                env,
                "create-admin",
                username,
                "--password-stdin",
                stdin=password + "\n",
            )
        made.replicas.append(start_replica(env, folder, "a"))
        made.replicas.append(start_replica(env, folder, "b"))
        start_proxy(made, binary)
        yield made
    finally:
        made.stop()
        drop_server_database(server, database_url)


@pytest.fixture(autouse=True)
def report_logs(request: pytest.FixtureRequest, cluster: Cluster) -> None:
    """A failure's report carries both servers' logs (tests/browser/conftest.py)."""
    request.node.streamlit_servers = cluster.replicas


def scalar(cluster: Cluster, query: str) -> Any:
    engine = create_engine(cluster.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(query)).scalar()
    finally:
        engine.dispose()


def sessions_opened(cluster: Cluster) -> int:
    return int(scalar(cluster, "SELECT count(*) FROM admin_sessions"))


def new_page(context_page: Callable[..., Any], **options: Any) -> Any:
    """A page in a new browser; four servers and a browser share the machine: waits of a
    minute rather than 20 s (readiness only: nothing is timed)."""
    page = context_page(**options)
    page.set_default_timeout(WAIT_MS)
    return page


def logged_in_page(context_page: Callable[..., Any], url: str, **options: Any) -> Any:
    page = new_page(context_page, **options)
    open_app(page, url)
    log_in_as(page)
    expect_logged_in(page)
    return page


def page_with_cookie(context_page: Callable[..., Any], cookie: dict[str, Any], url: str) -> Any:
    """A new browser holding ``cookie`` (cookies do not depend on the port), opened on ``url``."""
    page = new_page(context_page)
    page.context.add_cookies([cookie])
    open_app(page, url)
    return page


def test_a_login_through_the_proxy_is_valid_on_each_server(
    cluster: Cluster, context_page: Callable[..., Any], tmp_path: Path
) -> None:
    page = logged_in_page(context_page, cluster.proxy_url, accept_downloads=True)
    cookie = login_cookie(page, COOKIE_NAME)
    page.reload()  # a new Streamlit session: the cookie revives the login
    settle(page)
    expect_logged_in(page)
    # A download is served by the process that holds the page's session (sticky, or a 404).
    with page.expect_download() as download:
        page.get_by_role("button", name="Liste des identifiants des élèves").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "identifiants_4e_C.xlsx"
    assert load_workbook(saved).active is not None
    chosen = cluster.served_by("/_stcore/host-config")
    assert len(chosen) >= 2, "nginx logged no replica for the page's connections"
    assert len(set(id(r) for r in chosen)) == 1, "one browser, one replica (sticky)"
    opened = sessions_opened(cluster)

    for replica in cluster.replicas:  # the one nginx chose, and the other one
        other = page_with_cookie(context_page, cookie, replica.url)
        expect_logged_in(other)

    assert sessions_opened(cluster) == opened  # the same session: no new login
    # The proxy's /healthz answers from the monitoring address (here the loopback one).
    status, body = http_get(f"{cluster.proxy_root}/healthz") or (None, "null")
    assert (status, json.loads(body)) == (200, {"status": "ok"})


def test_a_reset_on_one_server_is_seen_on_the_other_at_once(
    cluster: Cluster, context_page: Callable[..., Any]
) -> None:
    first, second = cluster.replicas
    page_b = logged_in_page(context_page, second.url)
    choose_class(page_b, CLASS)
    grid_b = page_b.get_by_test_id("stDataFrame").first
    expect(column_cells(grid_b, 1)).to_have_text([p.last_name for p in CLASS_PUPILS])
    before = [cell.inner_text() for cell in column_cells(grid_b, PASSWORD_COLUMN).all()]
    assert all(not before[i].startswith("Initial") for i in TICKED_ROWS), before

    page_a = logged_in_page(context_page, first.url)
    choose_class(page_a, CLASS)
    grid_a = page_a.get_by_test_id("stDataFrame").first
    tick(page_a, grid_a, TICKED_ROWS)
    page_a.get_by_role("button", name="Réinitialiser tous les comptes marqués").click()
    page_a.get_by_role("dialog").get_by_role("button", name="Confirmer la réinitialisation").click()
    expect(page_a.get_by_text("2 mots de passe réinitialisés.")).to_be_visible()

    # The other server's next run of the class shows it: nothing of the class is kept per server.
    choose_class(page_b, "4e C")
    choose_class(page_b, CLASS)
    expected = [
        "Initial — à personnaliser" if i in TICKED_ROWS else before[i]
        for i in range(len(CLASS_PUPILS))
    ]
    expect(column_cells(page_b.get_by_test_id("stDataFrame").first, PASSWORD_COLUMN)).to_have_text(
        expected
    )


def test_a_logout_on_one_server_ends_the_session_on_the_other(
    cluster: Cluster, context_page: Callable[..., Any]
) -> None:
    first, second = cluster.replicas
    page_a = logged_in_page(context_page, first.url)
    page_b = page_with_cookie(context_page, login_cookie(page_a, COOKIE_NAME), second.url)
    expect_logged_in(page_b)

    page_a.get_by_test_id("stSidebar").get_by_role("button", name="Se déconnecter").click()
    settle(page_a)
    expect_login_form(page_a)

    # The other browser still holds the cookie; the server refuses its session all the same,
    # at its next run (a class switch: the page shows the first class, 4e C).
    choose_class(page_b, CLASS)
    settle(page_b)
    expect_login_form(page_b)
    expect_no_learner_data(page_b)
    page_b.reload()
    settle(page_b)
    expect_login_form(page_b)
    expect_no_learner_data(page_b)


def test_a_lockout_on_one_server_holds_on_the_other(
    cluster: Cluster, context_page: Callable[..., Any]
) -> None:
    first, second = cluster.replicas
    page_a = new_page(context_page)
    open_app(page_a, first.url)
    for attempt in range(5):  # ACCESS_LOGIN_MAX_FAILURES
        log_in_as(page_a, LOCKED_USER, f"mauvais mot de passe {attempt}")
        expect(page_a.get_by_label("Identifiant", exact=True)).to_be_visible()

    page_b = new_page(context_page)
    open_app(page_b, second.url)
    log_in_as(page_b, LOCKED_USER, LOCKED_PASSWORD)  # the right password, on the other server
    expect(page_b.get_by_text(LOCKED_NOTICE)).to_be_visible()
    expect_login_form(page_b)
    expect_no_learner_data(page_b)
    assert scalar(cluster, "SELECT count(*) FROM admin_sessions WHERE username = 'verrou'") == 0


def search(page: Any, text: str) -> Any:
    box = page.get_by_label(SEARCH_LABEL)
    box.fill(text)
    box.press("Enter")
    settle(page)
    return page.get_by_test_id("stDataFrame").first  # the results, above the class table


def test_a_class_and_a_learner_added_elsewhere_show_at_once_on_each_server(
    cluster: Cluster, context_page: Callable[..., Any]
) -> None:
    """Each server keeps its class list and search index in memory: written elsewhere (here
    straight into the database, as the learners' portal or another server would), both show
    the new class and find the new learner at their next run, without waiting for a cache."""
    pages = [logged_in_page(context_page, replica.url) for replica in cluster.replicas]
    for page in pages:  # both servers have built their class list and search index
        expect(column_cells(search(page, "garnaud"), 1)).to_have_text(["Garnaudel"])

    db = Database.from_url(cluster.database_url)
    try:
        add_learner(db, "Zébulon", "Ninon", class_name="3e D", login="ninon.zebulon")
    finally:
        db.dispose()

    for page in pages:
        expect(column_cells(search(page, "zebul"), 1)).to_have_text(["Zébulon"])
        choose_class(page, "3e D")
        expect(column_cells(page.get_by_test_id("stDataFrame").nth(1), 1)).to_have_text(["Zébulon"])


def test_stopping_the_server_the_browser_is_on_loses_nothing(
    cluster: Cluster, context_page: Callable[..., Any]
) -> None:
    """Last of the module: it stops a server."""
    page = logged_in_page(context_page, cluster.proxy_url)
    choose_class(page, CLASS)
    grid = page.get_by_test_id("stDataFrame").first
    expect(column_cells(grid, 1)).to_have_text([p.last_name for p in CLASS_PUPILS])
    serving = cluster.served_by("/_stcore/host-config")[-1]
    other = next(r for r in cluster.replicas if r is not serving)
    opened = sessions_opened(cluster)

    with page.expect_websocket(timeout=RECONNECT_TIMEOUT_MS):  # the page's reconnection
        serving.stop()
    settle(page)

    expect_logged_in(page)
    expect(column_cells(grid, 1)).to_have_text([p.last_name for p in CLASS_PUPILS])
    choose_class(page, "4e C")  # and it works on: served by the other server
    expect(column_cells(page.get_by_test_id("stDataFrame").first, 1)).to_have_text(
        [p.last_name for p in PUPILS if p.class_name == "4e C"]
    )
    assert cluster.served_by("/_stcore/host-config")[-1] is other
    assert sessions_opened(cluster) == opened  # the same session, not a new login
    assert scalar(cluster, "SELECT count(*) FROM admin_sessions WHERE ended_at IS NULL") >= 1
