"""Browser measures (``--browser``): what an administrator feels, in Debian's Chromium.

A real ``streamlit run app.py`` serves the benchmark school; Playwright's async API drives
Chromium. Every figure has a reference taken in the same run:

- B1 a new visit until the login form is usable, against a bare Streamlit page holding the same
  form, served the same way;
- B2 login until the first class's rows are visible;
- B3 class switch until the new class's rows are visible (median, p95);
- B4 reset of a whole class from « Confirmer » to the success notice, against the reset service
  alone for a batch of the same size at the same cost;
- B5 the identifier list and slips downloads;
- B6 1, 5, 10 and 20 concurrent sessions switching classes: latencies, errors, and the server
  process's CPU seconds per switch (from /proc), hence its capacity;
- B7 soak: the server's RSS after many switches against after a few.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from argparse import Namespace
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from access_core.accounts.passwords import hash_password
from access_core.db.models import Learner, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.roster import queries as roster
from access_core.roster.resets import reset_passwords
from tests.bench.school import BENCH_ADMIN, BENCH_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
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
CLK_TCK = os.sysconf("SC_CLK_TCK")
LOGIN_COLUMN = 3  # the grid's columns: checkbox, Nom, Prénom, Login, ...
Row = tuple[str, str, str, str, str, str, str]

BARE_LOGIN_PAGE = textwrap.dedent(
    """
    import streamlit as st
    st.set_page_config(page_title="Accès apprenants", layout="wide")
    with st.form("login"):
        st.text_input("Identifiant", autocomplete="username")
        st.text_input("Mot de passe", type="password", autocomplete="current-password")
        st.form_submit_button("Se connecter", type="primary")
    """
)


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(script: Path, env: dict[str, str], log: Path) -> Served:
    """``streamlit run`` on a free loopback port, once healthy."""
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.read_text()[-500:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:  # noqa: S310
                if resp.read().strip() == b"ok":
                    return Served(url, process)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("streamlit not healthy after 60 s")


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


async def _idle(page: Any) -> None:
    await page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", state="attached"
    )


async def _rows_show(page: Any, login: str) -> None:
    """Wait until the first grid's first row holds ``login`` (the grid's hidden table)."""
    await page.wait_for_function(
        """([col, login]) => {
             const cell = document.querySelector(
               `[data-testid=stDataFrame] [id='glide-cell-${col}-0']`);
             return cell !== null && cell.textContent.trim() === login;
           }""",
        arg=[LOGIN_COLUMN, login],
        polling=10,
        timeout=20_000,
    )


async def new_page(browser: Any) -> tuple[Any, Any]:
    context = await browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="fr-FR", accept_downloads=True
    )
    context.set_default_timeout(60_000)
    return context, await context.new_page()


async def visit_until_form(browser: Any, url: str) -> float:
    context, page = await new_page(browser)
    try:
        start = time.perf_counter()
        await page.goto(url)
        field = page.get_by_label("Identifiant", exact=True)
        await field.wait_for(state="visible")
        await page.get_by_role("button", name="Se connecter").wait_for(state="visible")
        return time.perf_counter() - start
    finally:
        await context.close()


async def log_in(page: Any, url: str, first_login: str) -> float:
    await page.goto(url)
    await page.get_by_label("Identifiant", exact=True).fill(BENCH_ADMIN)
    await page.get_by_label("Mot de passe", exact=True).fill(BENCH_PASSWORD)
    start = time.perf_counter()
    await page.get_by_role("button", name="Se connecter").click()
    await _rows_show(page, first_login)
    elapsed = time.perf_counter() - start
    await _idle(page)
    return elapsed


# Watches the class grid's canvas from just before the switch: the instants (ms after t0) at
# which the pixels of its first rows changed. The grid's hidden accessibility table, which says
# *which* rows are shown, is updated some 250 ms after the canvas is painted (measured on a bare
# Streamlit page: canvas at ~130 ms, table at ~400 ms), so it confirms the content and the
# canvas gives the moment the administrator sees it.
WATCH_CANVAS = """
() => {
  const grid = () => document.querySelector("[data-testid=stDataFrame] canvas");
  const sample = () => {
    const canvas = grid();
    if (!canvas || !canvas.width) return "";
    const band = canvas.getContext("2d").getImageData(
      0, 0, canvas.width, Math.min(canvas.height, Math.round(110 * devicePixelRatio))).data;
    let sum = 0;
    for (let i = 0; i < band.length; i += 7) sum = (sum * 31 + band[i]) >>> 0;
    return `${canvas.width}x${canvas.height}:${sum}`;
  };
  window.__t0 = performance.now();
  window.__paints = [];
  let last = sample();
  const loop = () => {
    const now = sample();
    if (now !== last) { window.__paints.push(performance.now() - window.__t0); last = now; }
    if (!window.__stopWatch) requestAnimationFrame(loop);
  };
  window.__stopWatch = false;
  requestAnimationFrame(loop);
}
"""
STOP_WATCH = """
() => { window.__stopWatch = true;
        return [performance.now() - window.__t0, window.__paints]; }
"""


@dataclass(frozen=True)
class Switch:
    painted: float  # seconds until the grid's canvas was last repainted before it was confirmed
    confirmed: float  # seconds until its accessibility table held the new class's first login


async def switch_class(page: Any, name: str, first_login: str) -> Switch:
    """Choose ``name`` as a user does (open the list, type, Enter); time to its rows."""
    await _idle(page)
    box = page.get_by_test_id("stSelectbox").filter(has_text="Classe")
    await box.click()
    await page.keyboard.type(name)
    await page.evaluate(WATCH_CANVAS)
    await page.keyboard.press("Enter")
    await _rows_show(page, first_login)
    confirmed_ms, paints = await page.evaluate(STOP_WATCH)
    before = [p for p in paints if p <= confirmed_ms]
    painted_ms = before[-1] if before else confirmed_ms
    await _idle(page)
    return Switch(painted_ms / 1000, confirmed_ms / 1000)


@dataclass(frozen=True)
class Klass:
    name: str
    first_login: str
    size: int


def school_classes(db: Database, count: int) -> list[Klass]:
    """``count`` classes of the school, spread over it, with what the page shows first."""
    with db.transaction() as session:
        total = session.scalar(select(func.count()).select_from(SchoolClass)) or 0
        step = max(1, total // max(1, count))
        picked = list(
            session.execute(select(SchoolClass.id, SchoolClass.name).order_by(SchoolClass.id)).all()
        )[::step][:count]
    found = []
    for class_id, name in picked:
        rows = roster.class_learners(db, BENCH_ADMIN, class_id)
        if rows:
            found.append(Klass(name, rows[0].login, len(rows)))
    return found


def first_class(db: Database) -> Klass:
    """The class the page opens on: the first in the selectbox's natural order."""
    classes = roster.list_classes(db, BENCH_ADMIN)
    first = classes[0]
    rows = roster.class_learners(db, BENCH_ADMIN, first.id)
    return Klass(first.name, rows[0].login, len(rows))


async def reset_whole_class(page: Any, klass: Klass) -> float:
    await switch_class(page, klass.name, klass.first_login)
    await page.get_by_role("button", name="Tout marquer").first.click()
    await _idle(page)
    await page.get_by_role("button", name="Réinitialiser tous les comptes marqués").first.click()
    dialog = page.get_by_role("dialog")
    await dialog.wait_for(state="visible")
    start = time.perf_counter()
    await dialog.get_by_role("button", name="Confirmer la réinitialisation").click()
    await page.get_by_text("réinitialisé").first.wait_for(state="visible", timeout=300_000)
    return time.perf_counter() - start


async def download(page: Any, label: str) -> float:
    """Click the download button ``label``; seconds until the file is saved."""
    start = time.perf_counter()
    async with page.expect_download() as info:
        await page.get_by_role("button", name=label).click()
    download = await info.value
    await download.path()
    return time.perf_counter() - start


async def concurrent_switches(
    browser: Any, served: Served, opening: Klass, classes: list[Klass], sessions: int, switches: int
) -> tuple[list[float], int, float]:
    """``sessions`` logged-in sessions switching classes at once: latencies, errors, server
    CPU seconds per switch."""
    pages = []
    for _ in range(sessions):
        context, page = await new_page(browser)
        await log_in(page, served.url, opening.first_login)
        pages.append((context, page))
    errors = 0

    async def one(index: int, page: Any) -> list[float]:
        nonlocal errors
        samples = []
        for k in range(switches):
            klass = classes[1 + (index + k) % (len(classes) - 1)]
            try:
                samples.append((await switch_class(page, klass.name, klass.first_login)).painted)
            except Exception:  # noqa: BLE001 - counted: the target is no error
                errors += 1
        return samples

    cpu_before = served.cpu_seconds()
    results = await asyncio.gather(*(one(i, p) for i, (_, p) in enumerate(pages)))
    cpu = served.cpu_seconds() - cpu_before
    for context, _ in pages:
        await context.close()
    samples = [s for r in results for s in r]
    return samples, errors, cpu / max(1, len(samples))


async def _timed_many(n: int, make: Callable[[], Awaitable[float]]) -> list[float]:
    return [await make() for _ in range(n)]


async def run_browser(args: Namespace, url: str) -> list[Row]:
    from playwright.async_api import async_playwright

    quick = args.quick
    visits, switches = (2, 3) if quick else (10, 30)
    levels = (1, 2) if quick else (1, 5, 10, 20)
    per_session = 3 if quick else 10
    soak_small, soak_big = (5, 10) if quick else (50, 500)
    rounds = args.browser_rounds
    db = Database.from_url(url)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCESS_", "STREAMLIT_"))}
        env.update(
            ACCESS_DATABASE_URL=url,
            ACCESS_COOKIE_KEY=secrets.token_urlsafe(40),
            ACCESS_BCRYPT_ROUNDS=str(rounds),
            ACCESS_LANGUAGE="fr",
        )
        bare_script = Path(tmp) / "bare_login.py"
        bare_script.write_text(BARE_LOGIN_PAGE)
        app = serve(ROOT / "app.py", env, Path(tmp) / "app.log")
        bare = serve(bare_script, env, Path(tmp) / "bare.log")
        try:
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                rows += await _visits(browser, app, bare, visits)
                bare.stop()
                classes = school_classes(db, switches + 2)
                opening = first_class(db)
                context, page = await new_page(browser)
                login_s = await log_in(page, app.url, opening.first_login)
                rows.append(
                    ("B2", "login → first class's rows visible", _ms(login_s), "", "", "", "")
                )
                rows += await _switches(page, classes, switches)
                rows += await _reset_and_download(db, page, classes[-1], rounds)
                await context.close()
                for level in levels:
                    try:
                        samples, errors, cpu = await concurrent_switches(
                            browser, app, opening, classes, level, per_session
                        )
                    except Exception as exc:  # noqa: BLE001 - a row says so, the run goes on
                        rows.append(
                            (
                                "B6" if level == levels[0] else "",
                                f"{level} concurrent session(s)",
                                "failed",
                                f"{type(exc).__name__}: {exc}"[:60],
                                "",
                                "",
                                "no",
                            )
                        )
                        continue
                    median, p95 = _stats(samples) if samples else (float("nan"),) * 2
                    rows.append(
                        (
                            "B6" if level == levels[0] else "",
                            f"{level} concurrent session(s): switch median / p95",
                            f"{_ms(median)} / {_ms(p95)}",
                            f"errors {errors}; server CPU {cpu * 1000:.0f} ms/switch",
                            f"{(os.cpu_count() or 1) / cpu:.0f}/s" if cpu else "",
                            "no error; ≤ 60 ms CPU",
                            "yes" if errors == 0 and cpu <= 0.060 else "no",
                        )
                    )
                rows += await _soak(browser, app, opening, classes, soak_small, soak_big)
                await browser.close()
        finally:
            app.stop()
            bare.stop()
            db.dispose()
    return rows


async def _visits(browser: Any, app: Served, bare: Served, visits: int) -> list[Row]:
    ours, base = [], []
    await visit_until_form(browser, app.url)  # warm both servers once
    await visit_until_form(browser, bare.url)
    for _ in range(visits):
        ours.append(await visit_until_form(browser, app.url))
        base.append(await visit_until_form(browser, bare.url))
    mo, mb = statistics.median(ours), statistics.median(base)
    return [
        (
            "B1",
            "new visit → login form usable (median)",
            _ms(mo),
            f"bare Streamlit form {_ms(mb)}",
            f"{mo / mb:.2f}",
            "≤ 1.2 × bare",
            "yes" if mo <= 1.2 * mb else "no",
        )
    ]


async def _switches(page: Any, classes: list[Klass], count: int) -> list[Row]:
    painted, confirmed = [], []
    for k in range(count):
        klass = classes[1 + k % (len(classes) - 2)]
        switch = await switch_class(page, klass.name, klass.first_login)
        painted.append(switch.painted)
        confirmed.append(switch.confirmed)
    median, p95 = _stats(painted)
    c_median, c_p95 = _stats(confirmed)
    return [
        (
            "B3",
            f"class switch → rows painted, median over {count}",
            _ms(median),
            f"grid's text layer {_ms(c_median)}",
            "",
            "≤ 400 ms",
            "yes" if median <= 0.4 else "no",
        ),
        (
            "",
            "  p95",
            _ms(p95),
            f"grid's text layer {_ms(c_p95)}",
            "",
            "≤ 800 ms",
            "yes" if p95 <= 0.8 else "no",
        ),
    ]


async def _reset_and_download(db: Database, page: Any, klass: Klass, rounds: int) -> list[Row]:
    browser_s = await reset_whole_class(page, klass)
    # The same batch size through the service alone, at the same cost, in the same run.
    with db.transaction() as session:
        ids = list(
            session.scalars(
                select(Learner.id)
                .where(Learner.deactivated_at.is_(None), Learner.birth_date.is_not(None))
                .order_by(Learner.id.desc())
                .limit(klass.size)
            )
        )
    hash_password("01012010", rounds)  # warm up
    start = time.perf_counter()
    reset_passwords(db, BENCH_ADMIN, ids, rounds)
    service_s = time.perf_counter() - start
    identifiers_s = await download(page, "Liste des identifiants des élèves")
    slips_s = await download(page, "Fiches de connexion (PDF)")
    target = 1.1 * service_s + 0.5
    return [
        (
            "B4",
            f"reset of {klass.size} learners, « Confirmer » → notice (cost {rounds})",
            f"{browser_s:.2f} s",
            f"service alone {service_s:.2f} s",
            f"{browser_s / service_s:.2f}",
            "≤ 1.1 × service + 0.5 s",
            "yes" if browser_s <= target else "no",
        ),
        ("B5", "identifier list download (click → file)", _ms(identifiers_s), "", "", "", ""),
        ("", f"slips download, {klass.size} learners (click → file)", _ms(slips_s), "", "", "", ""),
    ]


async def _soak(
    browser: Any, app: Served, opening: Klass, classes: list[Klass], small: int, big: int
) -> list[Row]:
    context, page = await new_page(browser)
    await log_in(page, app.url, opening.first_login)
    rss_small = 0.0
    for k in range(big):
        klass = classes[1 + k % (len(classes) - 1)]
        await switch_class(page, klass.name, klass.first_login)
        if k + 1 == small:
            rss_small = app.rss_mb()
    rss_big = app.rss_mb()
    await context.close()
    return [
        (
            "B7",
            f"server RSS after {big} switches",
            f"{rss_big:.0f} MB",
            f"after {small}: {rss_small:.0f} MB",
            f"{rss_big / rss_small:.2f}",
            "≤ 1.10 ×",
            "yes" if rss_big <= 1.1 * rss_small else "no",
        )
    ]


def browser_rows(args: Namespace, url: str) -> list[Row]:
    if not Path(CHROMIUM).exists():
        return [("B1", "browser measures", "skipped", f"{CHROMIUM} missing", "", "", "")]
    return asyncio.run(run_browser(args, url))
