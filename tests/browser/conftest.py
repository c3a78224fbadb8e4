"""Browser fixtures: a real ``streamlit run dashboard.py`` on a temporary SQLite database,
driven by Debian's Chromium through Playwright's sync API.

Without ``/usr/bin/chromium`` (or the ``playwright`` package) the browser tests are skipped,
unless ``ACCESS_REQUIRE_BROWSER=1`` makes that a failure (as in CI).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from access_core.db.unit_of_work import Database
from tests.support.factories import ADMIN_PASSWORD, ADMIN_USERNAME, add_learner

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
STARTUP_TIMEOUT_S = 45.0
CUSTOM_PASSWORD = "Mon-secret-2024"


@dataclass(frozen=True)
class Pupil:
    last_name: str
    first_name: str
    login: str
    birth_date: date
    class_name: str
    custom_password: bool = False
    deactivated: bool = False


# Names that occur nowhere in the app's own texts, so finding one in a page means a leak.
PUPILS = [
    Pupil("Quennevat", "Anouk", "anouk.quennevat", date(2012, 3, 4), "6e A"),
    Pupil("Brizard", "Tiago", "tiago.brizard", date(2012, 11, 30), "6e A"),
    Pupil("Garnaudel", "Inès", "ines.garnaudel", date(2011, 1, 9), "5e B", custom_password=True),
    Pupil("Lhermitte", "Yanis", "yanis.lhermitte", date(2011, 7, 21), "5e B"),
    Pupil(
        "Pétrequin", "Maëlle", "maelle.petrequin", date(2011, 12, 2), "5e B", custom_password=True
    ),
    Pupil("Rouvroy", "Soline", "soline.rouvroy", date(2011, 5, 15), "5e B", custom_password=True),
    Pupil("Vauquelin", "Côme", "come.vauquelin", date(2011, 2, 28), "5e B", deactivated=True),
    Pupil("Delacourt", "Elio", "elio.delacourt", date(2010, 8, 8), "4e C"),
]


@dataclass
class Server:
    url: str
    database_url: str
    log_path: Path
    process: subprocess.Popen[bytes]
    cookie_key: str = ""

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(database_url: str, env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "access_core", "--database-url", database_url, *args],
        cwd=REPO_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"access-core {args[0]} failed: {result.stdout}{result.stderr}"


def _fill(database_url: str) -> None:
    db = Database.from_url(database_url)
    try:
        for p in PUPILS:
            add_learner(
                db,
                p.last_name,
                p.first_name,
                class_name=p.class_name,
                birth_date=p.birth_date,
                login=p.login,
                password=CUSTOM_PASSWORD if p.custom_password else None,
                deactivated_at=datetime.now(UTC) - timedelta(days=10) if p.deactivated else None,
            )
    finally:
        db.dispose()


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310
                if response.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"streamlit not healthy after {STARTUP_TIMEOUT_S:.0f} s:\n{log_path.read_text()}")


def start_server(workdir: Path, streamlit_args: tuple[str, ...] = (), **settings: str) -> Server:
    """A migrated, filled database with an administrator, and ``streamlit run app.py`` (the
    entry point that serves the dashboard behind its security headers) on it; ``settings``
    are further environment variables of the server (``ACCESS_IDLE_TIMEOUT_MINUTES="1"``),
    ``streamlit_args`` further options of ``streamlit run`` (``--secrets.files=...``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{workdir / 'access.db'}"
    cookie_key = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(40))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCESS_", "STREAMLIT_"))}
    env.update(
        ACCESS_DATABASE_URL=database_url,
        ACCESS_BCRYPT_ROUNDS="4",
        ACCESS_LANGUAGE="fr",
        ACCESS_COOKIE_KEY=cookie_key,
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    _cli(database_url, env, "init")
    _fill(database_url)
    _cli(
        database_url,
        env,
        "create-admin",
        ADMIN_USERNAME,
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    port = _free_port()
    log_path = workdir / "streamlit.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--server.fileWatcherType",
                "none",
                *streamlit_args,
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", database_url, log_path, process, cookie_key)
    try:
        _wait_healthy(server.url, process, log_path)
    except BaseException:
        stop_server(server)
        raise
    return server


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


# --- waiting for Streamlit to be idle ----------------------------------------------------

# In the page: when anything leading to a script run last happened (a change of the script
# state, an iframe loaded, a message from a custom component), and which component iframes
# have spoken (a component sends its value, hence one more run, once it is ready).
SETTLE_SCRIPT = """
(() => {
  const settle = {last: performance.now()};
  window.__settle = settle;
  const touch = () => { settle.last = performance.now(); };
  new MutationObserver(touch).observe(document, {
    subtree: true, attributes: true, attributeFilter: ["data-test-script-state"],
  });
  document.addEventListener("load", (event) => {
    if (event.target instanceof HTMLIFrameElement) touch();
  }, true);
  window.addEventListener("message", (event) => {
    if (!event.data || !event.data.isStreamlitMessage) return;
    touch();
    for (const frame of document.querySelectorAll("iframe")) {
      if (frame.contentWindow === event.source) frame.dataset.settleSpoke = "1";
    }
  });
})();
"""
PAGE_SETTLED = """
(quietMs) => {
  const app = document.querySelector("[data-testid=stApp]");
  return Boolean(app && window.__settle)
    && app.getAttribute("data-test-script-state") === "notRunning"
    && [...document.querySelectorAll("iframe")].every((f) => f.dataset.settleSpoke === "1")
    && performance.now() - window.__settle.last > quietMs;
}
"""
SETTLE_TIMEOUT_S = 30.0


class RunTracker:
    """Follows the app's websocket: a rerun request is served once a script run has started
    after it (``new_session``) and a run has then finished for good (not interrupted)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.request_pending = False
        self.running = False
        self.finished_once = False

    def watch(self, websocket: Any) -> None:
        self.reset()  # a new connection (a page load): a new session
        websocket.on("framesent", self._sent)
        websocket.on("framereceived", self._received)

    def _sent(self, payload: bytes | str) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if isinstance(payload, bytes) and BackMsg.FromString(payload).HasField("rerun_script"):
            self.request_pending = True

    def _received(self, payload: bytes | str) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if not isinstance(payload, bytes):
            return
        message = ForwardMsg.FromString(payload)
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.request_pending = False
            self.running = True
        elif kind == "script_finished" and (
            message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
        ):
            self.running = False
            self.finished_once = True

    @property
    def idle(self) -> bool:
        return self.finished_once and not self.running and not self.request_pending


_trackers: dict[int, RunTracker] = {}


def settle(page: Any, quiet_ms: int = 200) -> None:
    """Wait until no script runs and none is about to.

    The server has finished every run asked for, the page shows
    ``[data-testid=stApp][data-test-script-state=notRunning]``, every component iframe has
    spoken and nothing happened for ``quiet_ms``. Readiness polling only: assertions use
    ``expect``.
    """
    tracker = _trackers[id(page)]
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", state="attached"
    )
    while True:
        page.wait_for_function(PAGE_SETTLED, arg=quiet_ms, polling=50)
        if tracker.idle:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"Streamlit still busy after {SETTLE_TIMEOUT_S:.0f} s: {vars(tracker)}")
        page.wait_for_timeout(50)


# --- pytest wiring -------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    if report.failed:
        for server in getattr(item, "streamlit_servers", []):
            code = server.process.poll()
            state = "running" if code is None else f"EXITED with {code} before the teardown"
            report.sections.append((f"streamlit log ({server.url}, {state})", server.log()))
        console = getattr(item, "browser_console", [])
        if console:
            report.sections.append(("browser console", "\n".join(console[-50:])))
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    return any(
        getattr(getattr(request.node, f"rep_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


@pytest.fixture
def launch_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Server]]:
    """Starts fresh servers for this test; each is stopped at teardown."""
    servers: list[Server] = []
    request.node.streamlit_servers = servers

    def launch(streamlit_args: tuple[str, ...] = (), **settings: str) -> Server:
        server = start_server(tmp_path_factory.mktemp("streamlit"), streamlit_args, **settings)
        servers.append(server)
        return server

    yield launch
    for server in servers:
        stop_server(server)


@pytest.fixture
def server(launch_server: Callable[[], Server]) -> Server:
    """A freshly started server that no browser has opened yet."""
    return launch_server()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        reason = f"the playwright package is not installed ({exc})"
    else:
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if CHROMIUM.exists():
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
                )
                yield chromium
                chromium.close()
            return
    if os.environ.get("ACCESS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required (ACCESS_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A page in a new browser context (no cookies), with a screenshot if the test fails."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000},
        device_scale_factor=1,
        locale="fr-FR",
        accept_downloads=True,
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.add_init_script(SETTLE_SCRIPT)
    tracker = _trackers[id(page)] = RunTracker()
    page.on("websocket", tracker.watch)
    console: list[str] = []
    request.node.browser_console = console
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    yield page
    if _failed(request):
        shot = tmp_path / "failure.png"
        try:
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failure: {shot}")
            # CI keeps only the output: what the page showed, as text
            print("page text at the failure:\n" + page.inner_text("body")[:4000])
        except Exception as exc:  # noqa: BLE001 - a missing screenshot must not hide the failure
            print(f"no screenshot: {exc}")
    context.close()
    del _trackers[id(page)]


@pytest.fixture
def context_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Pages in fresh browser contexts with the given options (e.g. ``timezone_id``)."""
    made: list[Any] = []

    def make(reuse: Any = None, **options: Any) -> Any:
        """A page in a new context, or with ``reuse``, a second tab of that page's context
        (same cookies)."""
        if reuse is not None:
            context = reuse.context
        else:
            context = browser.new_context(
                viewport={"width": 1400, "height": 1000}, locale="fr-FR", **options
            )
            context.set_default_timeout(20_000)
        page = context.new_page()
        page.add_init_script(SETTLE_SCRIPT)
        tracker = _trackers[id(page)] = RunTracker()
        page.on("websocket", tracker.watch)
        made.append(page)
        return page

    yield make
    for page in made:
        with contextlib.suppress(Exception):  # a second tab's context is closed with the first
            page.context.close()
        _trackers.pop(id(page), None)


def expect_no_learner_data(page: Any) -> None:
    """No grid, no page links, and no learner's name or login anywhere in the page."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
    expect(page.get_by_test_id("stSidebar").get_by_role("link")).to_have_count(0)
    html = page.content().casefold()
    leaked = [text for p in PUPILS for text in (p.last_name, p.login) if text.casefold() in html]
    assert not leaked, f"learner data shown without login: {leaked}"


def choose_class(page: Any, name: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text="Classe").click()
    page.get_by_role("option", name=name, exact=True).click()
    settle(page)


@pytest.fixture
def app_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A freshly started ``streamlit run app.py`` that no browser has opened yet."""
    server = start_server(tmp_path_factory.mktemp("streamlit-app"))
    request.node.streamlit_servers = [server]  # its log goes into the report of a failure
    yield server
    stop_server(server)


# --- a local OpenID Connect provider -------------------------------------------------------


# the identities the OIDC browser tests sign in with (an account's, and an unknown person's)
VERIFIED_IDENTITIES = ("mme.durand@college.example", "intrus@example.org")


@dataclass
class Provider:
    """``oidc-provider-mock`` serving on 127.0.0.1: any client id is accepted, and its
    authorization page signs in whoever's ``sub`` is typed (claims ``{"email": sub}``; the
    identities of ``VERIFIED_IDENTITIES`` also carry ``email_verified: true``, which the
    dashboard asks of an ``email`` claim)."""

    url: str
    process: subprocess.Popen[bytes]

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"


def start_provider(log_path: Path) -> Provider:
    port = _free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "oidc_provider_mock",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                *(
                    argument
                    for who in VERIFIED_IDENTITIES
                    for argument in (
                        "--user-claims",
                        json.dumps({"sub": who, "email": who, "email_verified": True}),
                    )
                ),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1"},
        )
    provider = Provider(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"oidc-provider-mock exited:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(provider.metadata_url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return provider
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    process.terminate()
    pytest.fail(f"oidc-provider-mock not ready after {STARTUP_TIMEOUT_S:.0f} s")


@pytest.fixture
def oidc_provider(tmp_path: Path) -> Iterator[Provider]:
    """A local OpenID Connect provider for this test, stopped at teardown."""
    provider = start_provider(tmp_path / "provider.log")
    yield provider
    provider.process.terminate()
    provider.process.wait(timeout=10)


def write_auth_secrets(path: Path, provider: Provider, name: str = "ent", label: str = "") -> Path:
    """A secrets file whose ``[auth]`` table names ``provider`` (Streamlit's own keys; the
    redirect URI takes the server's port through Streamlit's ``{port}``)."""
    display = f'display_name = "{label}"\n' if label else ""
    path.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f"[auth.{name}]\n"
        f"{display}"
        'client_id = "acces-apprenants"\n'
        f'client_secret = "{secrets.token_urlsafe(16)}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n',
        encoding="utf-8",
    )
    return path
