"""Security and roster import in a real browser, against ``streamlit run app.py`` (the ASGI
entry with the security headers, unlike conftest's ``dashboard.py`` server).

- a login cookie forged with a wrong key (or unsigned) is refused; one signed with the
  server's key is accepted (the control that makes the forged case meaningful);
- a login cookie copied before logout does not work afterwards, in another browser;
- on a fresh server, the new pages' URLs show only the login;
- the « Import » page: upload, preview, apply, the new class in the « Classe » selectbox;
- ``no-store`` on the identifier download, ``nosniff`` on pages.

Each test starts its own server on a temporary database (see conftest.py for the browser).
"""

from __future__ import annotations

import csv
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import bcrypt
import jwt
import pytest

from access_core.accounts import sessions
from access_core.accounts.passwords import initial_password
from access_core.accounts.sessions import SessionPolicy
from access_core.db.unit_of_work import Database
from tests.browser.conftest import (
    PUPILS,
    SETTLE_SCRIPT,
    RunTracker,
    Server,
    _failed,
    _trackers,
    choose_class,
    expect_no_learner_data,
    settle,
)
from tests.support.browser_app import (
    COOKIE_NAME,
    MAIN_TITLE,
    SESSION_HOURS,
    AppServer,
    expect_logged_in,
    expect_login_form,
    log_in,
    login_cookie,
    metric,
    open_app,
    sql,
)
from tests.support.factories import ADMIN_USERNAME

pytestmark = pytest.mark.browser

expect: Any
try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with the reason
    expect = None

LOGIN_NOTICE = "Connectez-vous avec un compte administrateur"
ACTIVE_PUPILS = [p for p in PUPILS if not p.deactivated]


# --- a server on app.py, whose cookie key the tests know ----------------------------------


@pytest.fixture
def new_page(
    browser: Any, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], Any]]:
    """Pages in further fresh browser contexts (no cookies shared), set up like ``page``."""
    made: list[Any] = []

    def make() -> Any:
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, locale="fr-FR", accept_downloads=True
        )
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.add_init_script(SETTLE_SCRIPT)
        tracker = _trackers[id(page)] = RunTracker()
        page.on("websocket", tracker.watch)
        console = getattr(request.node, "browser_console", None)
        if console is not None:
            page.on("console", lambda m: console.append(f"{m.type} (other context): {m.text}"))
        made.append(page)
        return page

    yield make
    for number, page in enumerate(made, start=1):
        if _failed(request):
            shot = tmp_path / f"failure-context-{number}.png"
            try:
                page.screenshot(path=str(shot), full_page=True)
                print(f"screenshot of context {number}: {shot}")
            except Exception as exc:  # noqa: BLE001 - a missing screenshot must not hide it
                print(f"no screenshot of context {number}: {exc}")
        page.context.close()
        _trackers.pop(id(page), None)


# --- helpers --------------------------------------------------------------------------------


def add_login_cookie(page: Any, server: Server, value: str) -> None:
    page.context.add_cookies([{"name": COOKIE_NAME, "value": value, "url": server.url}])


def token(
    key: str, algorithm: str = "HS256", username: str = ADMIN_USERNAME, sid: str | None = None
) -> str:
    """A login token in the app's format, issued now (it expires ``SESSION_HOURS`` later),
    carrying the session id ``sid``."""
    payload: dict[str, Any] = {
        "username": username,
        "exp_date": time.time() + SESSION_HOURS * 3600,
    }
    if sid is not None:
        payload["sid"] = sid
    return jwt.encode(payload, key, algorithm=algorithm)


def server_session(server: Server, username: str = ADMIN_USERNAME) -> str:
    """A live session opened on the server's database, as a login does; its id."""
    db = Database.from_url(server.database_url)
    try:
        policy = SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=SESSION_HOURS))
        return sessions.start(db, username, policy)
    finally:
        db.dispose()


# --- 1. forged cookie ---------------------------------------------------------------------


def test_a_cookie_forged_without_the_key_shows_the_login_form_and_the_real_one_logs_in(
    app_server: AppServer, page: Any, new_page: Callable[[], Any]
) -> None:
    wrong_key = secrets.token_urlsafe(32)
    assert wrong_key != app_server.cookie_key
    sid = server_session(app_server)  # a live session: only the signature is wrong below
    forged = {
        "signed with a wrong key": token(wrong_key, sid=sid),
        "unsigned (alg none)": token("", algorithm="none", sid=sid),
        "signed, without a session id": token(app_server.cookie_key),
    }
    for what, value in forged.items():
        forged_page = new_page()
        add_login_cookie(forged_page, app_server, value)
        open_app(forged_page, app_server.url)
        try:
            expect_login_form(forged_page)
            expect_no_learner_data(forged_page)
        except AssertionError as exc:
            raise AssertionError(f"cookie {what}: {exc}") from exc

    # Control: the same cookie signed with the server's key logs in without the form.
    add_login_cookie(page, app_server, token(app_server.cookie_key, sid=sid))
    open_app(page, app_server.url)
    expect_logged_in(page)
    grid = page.get_by_test_id("stDataFrame").first
    first_class = [p.last_name for p in ACTIVE_PUPILS if p.class_name == "4e C"]
    expect(grid.locator("[id^='glide-cell-1-']")).to_have_text(first_class)


# --- 2. cookie replayed after logout ------------------------------------------------------


def test_a_login_cookie_copied_before_logout_is_refused_afterwards(
    app_server: AppServer, page: Any, new_page: Callable[[], Any]
) -> None:
    open_app(page, app_server.url)
    log_in(page)
    expect_logged_in(page)
    copied = login_cookie(page)

    # Control: before the logout the copied cookie opens a session in another browser.
    other = new_page()
    add_login_cookie(other, app_server, copied["value"])
    open_app(other, app_server.url)
    expect_logged_in(other)

    page.get_by_test_id("stSidebar").get_by_role("button", name="Se déconnecter").click()
    settle(page)
    expect_login_form(page)
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    expect_no_learner_data(page)

    replay = new_page()
    add_login_cookie(replay, app_server, copied["value"])
    open_app(replay, app_server.url)
    expect_login_form(replay)
    expect_no_learner_data(replay)

    # The session the cookie opened in the other browser ends at its next run as well.
    choose_class(other, "5e B")
    expect_login_form(other)
    expect(
        other.get_by_text("Session fermée (déconnexion ou changement du compte)")
    ).to_be_visible()
    expect_no_learner_data(other)


# --- 3. the new pages' URLs on a fresh server ---------------------------------------------


PAGE_PATHS = ["/journal", "/import_roster", "/learner_access", "/overview"]


@pytest.mark.parametrize("first_path", PAGE_PATHS)
def test_page_urls_on_a_fresh_server_show_only_the_login(
    app_server: AppServer, page: Any, first_path: str
) -> None:
    # Journal rows would show these (the server's setup already recorded some events).
    actions = [row[0] for row in sql(app_server, "SELECT DISTINCT action FROM audit_events")]
    assert actions, "the test database has no audit event: the journal check would be vacuous"
    others = [p for p in PAGE_PATHS if p != first_path]
    for path in (first_path, *others):  # the first one on a server no browser has opened
        open_app(page, app_server.url + path)
        form = page.get_by_label("Identifiant", exact=True)
        expect(form.or_(page.get_by_text(LOGIN_NOTICE)).first).to_be_visible()
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect_no_learner_data(page)
        expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
        expect(page.get_by_role("heading", name="Journal")).to_have_count(0)
        expect(page.get_by_role("heading", name="Vue d'ensemble")).to_have_count(0)
        expect(page.get_by_test_id("stMetric")).to_have_count(0)
        html = page.content()
        shown = [action for action in actions if action in html]
        assert not shown, f"{path}: journal rows shown without login: {shown}"


# --- 4. roster import -----------------------------------------------------------------------

NEW_CLASS = "5e Z"
NEWCOMERS = [  # (Nom, Prénom, birth date, expected login)
    ("Zéphirin", "Aubeline", date(2011, 4, 12), "aubeline.zephirin"),
    ("N'Diaye", "Maël", date(2011, 9, 3), "mael.ndiaye"),
    ("Okonkwo-Ferrand", "Daïa", date(2010, 12, 24), "daia.okonkwo-ferrand"),
]


def write_roster(path: Path) -> None:
    """Every active learner of the test database where they are, plus the newcomers in a
    new class: a full import that deactivates nobody."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Nom", "Prénom", "Né(e) le", "Division"])
        for p in ACTIVE_PUPILS:
            writer.writerow([p.last_name, p.first_name, f"{p.birth_date:%d/%m/%Y}", p.class_name])
        for last, first, born, _ in NEWCOMERS:
            writer.writerow([last, first, f"{born:%d/%m/%Y}", NEW_CLASS])


def test_import_page_uploads_previews_applies_and_the_new_class_is_offered(
    app_server: AppServer, page: Any, tmp_path: Path
) -> None:
    roster = tmp_path / "base_eleves.csv"
    write_roster(roster)
    deactivated_before = sql(app_server, "SELECT id FROM learners WHERE deactivated_at IS NOT NULL")

    open_app(page, app_server.url)
    log_in(page)
    expect_logged_in(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Import").click()
    settle(page)
    expect(page.get_by_role("heading", name="Import")).to_be_visible()

    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(roster)
    settle(page)
    expect(metric(page, "Nouveaux")).to_have_text(str(len(NEWCOMERS)))
    expect(metric(page, "Désactivés")).to_have_text("0")
    expect(metric(page, "Rejetés")).to_have_text("0")
    expect(metric(page, "Changent de classe")).to_have_text("0")
    expect(metric(page, "Inchangés")).to_have_text(str(len(ACTIVE_PUPILS)))
    expect(page.get_by_text(f"Classes créées : {NEW_CLASS}")).to_be_visible()
    assert sql(app_server, "SELECT id FROM school_classes WHERE name = ?", NEW_CLASS) == []

    page.get_by_role("button", name="Appliquer l'import").click()
    settle(page)
    expect(
        page.get_by_text(f"Import appliqué : {len(NEWCOMERS)} nouveaux, 0 mis à jour")
    ).to_be_visible()

    page.get_by_test_id("stSidebar").get_by_role("link", name=MAIN_TITLE).click()
    settle(page)
    expect(page.get_by_role("heading", name=MAIN_TITLE)).to_be_visible()
    page.get_by_test_id("stSelectbox").filter(has_text="Classe").click()
    expect(page.get_by_role("option", name=NEW_CLASS, exact=True)).to_be_visible()
    page.get_by_role("option", name=NEW_CLASS, exact=True).click()
    settle(page)
    grid = page.get_by_test_id("stDataFrame").first
    by_last_name = sorted(NEWCOMERS)  # N'Diaye, Okonkwo-Ferrand, Zéphirin
    expect(grid.locator("[id^='glide-cell-1-']")).to_have_text([n[0] for n in by_last_name])
    expect(grid.locator("[id^='glide-cell-3-']")).to_have_text([n[3] for n in by_last_name])

    rows = sql(
        app_server,
        "SELECT l.last_name, l.first_name, l.birth_date, l.login, l.must_change_password,"
        " l.deactivated_at, l.password_hash FROM learners l"
        " JOIN school_classes c ON c.id = l.class_id WHERE c.name = ? ORDER BY l.last_name",
        NEW_CLASS,
    )
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (last, first, born.isoformat(), login) for last, first, born, login in by_last_name
    ]
    for last, _, born_text, login, must_change, deactivated_at, hashed in rows:
        assert must_change == 1, f"{login}: must_change_password is not set"
        assert deactivated_at is None, login
        born = date.fromisoformat(born_text)
        assert bcrypt.checkpw(initial_password(born).encode(), hashed.encode()), last
    deactivated_after = sql(app_server, "SELECT id FROM learners WHERE deactivated_at IS NOT NULL")
    assert deactivated_after == deactivated_before, "the full import deactivated someone"


# --- 5. security headers ------------------------------------------------------------------


def test_the_identifier_download_is_not_stored_and_pages_are_nosniff(
    app_server: AppServer, page: Any
) -> None:
    media: list[Any] = []
    page.on("response", lambda r: media.append(r) if "/media/" in r.url else None)

    for path in ("/journal", "/"):  # the login below then lands on the first page
        response = open_app(page, app_server.url + path)
        assert response is not None and response.ok, path
        headers = response.headers
        assert headers.get("x-content-type-options") == "nosniff", (path, headers)
        assert headers.get("x-frame-options") == "SAMEORIGIN", (path, headers)

    log_in(page)
    expect_logged_in(page)
    choose_class(page, "5e B")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Liste des identifiants des élèves").click()
    download = download_info.value
    assert download.suggested_filename == "identifiants_5e_B.xlsx"
    assert download.failure() is None
    settle(page)

    downloads = [r for r in media if r.url == download.url]
    assert downloads, f"no /media/ response for {download.url}: {[r.url for r in media]}"
    for response in downloads:
        headers = response.all_headers()
        cache = headers.get("cache-control", "")
        assert "no-store" in cache, f"{response.url}: Cache-Control {cache!r}"
        assert headers.get("x-content-type-options") == "nosniff", headers
