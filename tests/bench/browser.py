"""Browser measures (``--browser``): what an administrator feels, in Debian's Chromium.

A real ``streamlit run app.py`` serves the benchmark school; Playwright's async API drives
Chromium. Every figure has a reference taken in the same run:

- B1 a new visit until the login form is usable, against a bare Streamlit page holding the same
  form, served the same way; the first visit on a just-started server (cold) against that warm
  median; ``access-core serve`` from process start until ``/healthz`` answers 200;
- B2 login until the first class's rows are visible, and what the first page run after a login
  costs by part, measured in-process on the same database with the services the page calls;
- B3 class switch until the new class's rows are visible (median, p95);
- B4 reset of a whole class (≈32) and of a bench class of 200 from « Confirmer » to the success
  notice, each against the reset service alone for a batch of the same size at the same cost;
- B5 the identifier list and slips downloads;
- B6 1, 5, 10 and 20 concurrent sessions switching classes: latencies, errors, and the server
  process's CPU seconds per switch (from /proc), hence its capacity; at the top level, the same
  against a bare Streamlit page with the same widgets (class selectbox, toggle, editable grid of
  the same rows) served and driven the same way;
- B7 soak: the server's RSS after many switches against after a few.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
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

from sqlalchemy import delete, func, insert, select, update

from access_core.accounts import admin_login, sessions
from access_core.accounts.passwords import hash_password
from access_core.config import Settings, load_settings
from access_core.db.models import Admin, Learner, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.documents import slips, slips_pdf
from access_core.roster import queries as roster
from access_core.roster import schools_view
from access_core.roster.resets import reset_passwords
from access_ui import tables
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

# B6's reference: the class view's widgets on a bare Streamlit page, the class names (natural
# order, with their ids) prepared at start, the class's rows read by one plain query per run.
BARE_CLASS_PAGE = textwrap.dedent(
    """
    import json, os
    import pandas as pd
    import streamlit as st
    from sqlalchemy import create_engine, text

    st.set_page_config(page_title="Accès apprenants", layout="wide")

    @st.cache_resource
    def setup():
        with open(os.environ["BENCH_BARE_CLASSES"], encoding="utf-8") as handle:
            classes = json.load(handle)
        return dict(classes), create_engine(os.environ["ACCESS_DATABASE_URL"])

    ids, engine = setup()
    name = st.selectbox("Classe", list(ids))
    st.toggle("Mots de passe initiaux seulement")
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT search_key, last_name, first_name, login, birth_date,"
                " must_change_password FROM learners"
                " WHERE class_id = :id AND deactivated_at IS NULL"
            ),
            {"id": ids[name]},
        ).all()
    rows.sort(key=lambda r: r[0] or "")  # the folded names: the dashboard's order
    frame = pd.DataFrame(
        [(False, r[1], r[2], r[3], r[4], "initial" if r[5] else "personnel") for r in rows],
        columns=["Réinitialiser", "Nom", "Prénom", "Login", "Date de naissance", "Mot de passe"],
    )
    st.data_editor(
        frame,
        key=f"editor:{name}",
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        height=35 * (min(len(frame), 40) + 1) + 3,
        disabled=list(frame.columns[1:]),
        column_config={"Réinitialiser": st.column_config.CheckboxColumn(default=False)},
    )
    if os.environ.get("BENCH_BARE_ALL_WIDGETS"):  # the class view's other widgets, inert
        row = st.container(horizontal=True)
        row.button(f"Tout marquer — {name}", width="content")
        row.button(f"Tout démarquer — {name}", width="content")
        st.caption(f"0 élève marqué sur {len(frame)}.")
        actions = st.container(horizontal=True)
        actions.download_button("Liste des identifiants des élèves", data=b"", width="stretch")
        with actions.container():
            st.download_button("Fiches de connexion (PDF)", data=b"", width="stretch")
            st.radio("Mise en page des fiches", ["8 par page", "1 par page"])
        actions.button("Réinitialiser tous les comptes marqués", type="primary")
    """
)
# B4 at 200: a bench class of 200 active learners, made for the browser run and undone after
# it (its learners go back to the class the generator gave them); sorts last in natural order.
BIG_CLASS = "Zz banc B4 — 200 élèves"
BIG_CLASS_SIZE = 200


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


def _wait_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Until ``url`` answers 200 (polled every 50 ms; 60 s at most)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-500:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{url} not answering 200 after 60 s")


def serve(script: Path, env: dict[str, str], log: Path, health: str = "/_stcore/health") -> Served:
    """``streamlit run`` on a free loopback port, once ``health`` answers 200."""
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
    _wait_healthy(process, url + health, log)
    return Served(url, process)


def serve_to_healthz(env: dict[str, str], log: Path) -> float:
    """``access-core serve`` (the project's own command: its server settings, then ``streamlit
    run``): seconds from process start until ``/healthz`` answers 200; the server is stopped."""
    port = _free_port()
    start = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "access_core",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    served = Served(f"http://127.0.0.1:{port}", process)
    try:
        _wait_healthy(process, f"{served.url}/healthz", log)
        return time.perf_counter() - start
    finally:
        served.stop()


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


async def log_in(page: Any, url: str, first_login: str) -> Switch:
    """Log in as the bench's administrator; the time from « Se connecter » to the first
    class's rows: painted on the grid's canvas (as B3), and confirmed by its text layer."""
    await page.goto(url)
    await page.get_by_label("Identifiant", exact=True).fill(BENCH_ADMIN)
    await page.get_by_label("Mot de passe", exact=True).fill(BENCH_PASSWORD)
    await page.evaluate(WATCH_CANVAS)
    await page.get_by_role("button", name="Se connecter").click()
    await _rows_show(page, first_login)
    confirmed_ms, paints = await page.evaluate(STOP_WATCH)
    before = [p for p in paints if p <= confirmed_ms]
    await _idle(page)
    return Switch((before[-1] if before else confirmed_ms) / 1000, confirmed_ms / 1000)


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
            session.execute(
                select(SchoolClass.id, SchoolClass.name)
                .where(SchoolClass.name != BIG_CLASS)
                .order_by(SchoolClass.id)
            ).all()
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


def undo_big_class(db: Database) -> None:
    """Move the bench class's learners back to the class the generator gave them (learner
    ``eleveN`` to the N-th class modulo their number, by id), and drop the bench class."""
    with db.transaction(write=True) as session:
        big = session.scalar(select(SchoolClass.id).where(SchoolClass.name == BIG_CLASS))
        if big is None:
            return
        ordered = list(
            session.scalars(
                select(SchoolClass.id).where(SchoolClass.id != big).order_by(SchoolClass.id)
            )
        )
        moved = session.execute(
            select(Learner.id, Learner.login).where(Learner.class_id == big)
        ).all()
        for learner_id, login in moved:
            home = ordered[int(login.removeprefix("eleve")) % len(ordered)]
            session.execute(update(Learner).where(Learner.id == learner_id).values(class_id=home))
        session.execute(delete(SchoolClass).where(SchoolClass.id == big))


def make_big_class(db: Database, size: int) -> Klass | None:
    """A bench class of ``size`` active learners of the first class's school (moved from their
    classes; ``undo_big_class`` puts them back), or None when the school is too small."""
    undo_big_class(db)  # left over by an interrupted run
    first = roster.list_classes(db, BENCH_ADMIN)[0]
    with db.transaction(write=True) as session:
        school_id = session.scalar(select(SchoolClass.school_id).where(SchoolClass.id == first.id))
        ids = list(
            session.scalars(
                select(Learner.id)
                .where(
                    Learner.school_id == school_id,
                    Learner.deactivated_at.is_(None),
                    Learner.birth_date.is_not(None),
                    Learner.login.like("eleve%"),
                )
                .order_by(Learner.id)
                .limit(size)
            )
        )
        if len(ids) < size:
            return None
        session.execute(insert(SchoolClass).values(name=BIG_CLASS, school_id=school_id))
        big = session.scalar(select(SchoolClass.id).where(SchoolClass.name == BIG_CLASS))
        session.execute(update(Learner).where(Learner.id.in_(ids)).values(class_id=big))
    assert big is not None
    rows = roster.class_learners(db, BENCH_ADMIN, big)
    return Klass(BIG_CLASS, rows[0].login, len(rows))


def browser_cpu_seconds() -> float:
    """The CPU seconds used so far by the running Chromium processes: the browser's share of
    the machine's cores while the server hashes on them (B4)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        if name.startswith(("chromium", "chrome", "headless_shell")):
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


@dataclass
class ResetTiming:
    seconds: float  # « Confirmer » → the notice
    browser_cpu: float  # Chromium's CPU seconds meanwhile
    server_cpu: float  # the dashboard server's (bcrypt's threads included)


async def reset_whole_class(page: Any, klass: Klass, app: Served) -> ResetTiming:
    await switch_class(page, klass.name, klass.first_login)
    await page.get_by_role("button", name="Tout marquer").first.click()
    await _idle(page)
    await page.get_by_role("button", name="Réinitialiser tous les comptes marqués").first.click()
    dialog = page.get_by_role("dialog")
    await dialog.wait_for(state="visible")
    browser_before, server_before = browser_cpu_seconds(), app.cpu_seconds()
    start = time.perf_counter()
    await dialog.get_by_role("button", name="Confirmer la réinitialisation").click()
    # The notice itself: « réinitialisé » alone also matches the dialog's « … vont être
    # réinitialisés » (and a status column's text), which ended the wait at once.
    notice = page.get_by_text(f"{klass.size} mots de passe réinitialisés.", exact=True)
    await notice.first.wait_for(state="visible", timeout=300_000)
    seconds = time.perf_counter() - start
    return ResetTiming(
        seconds, browser_cpu_seconds() - browser_before, app.cpu_seconds() - server_before
    )


async def download(page: Any, label: str) -> float:
    """Click the download button ``label``; seconds until the file is saved."""
    start = time.perf_counter()
    async with page.expect_download() as info:
        await page.get_by_role("button", name=label).click()
    download = await info.value
    await download.path()
    return time.perf_counter() - start


async def concurrent_switches(
    browser: Any,
    served: Served,
    opening: Callable[[Any], Awaitable[object]],
    classes: list[Klass],
    sessions: int,
    switches: int,
) -> tuple[list[float], int, float]:
    """``sessions`` sessions (each made ready by ``opening``: a login, or a visit) switching
    classes at once: latencies, errors, server CPU seconds per switch."""
    pages = []
    for _ in range(sessions):
        context, page = await new_page(browser)
        await opening(page)
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
    visits, switches, colds = (2, 3, 1) if quick else (10, 30, 3)
    levels = (1, 2) if quick else (1, 5, 10, 20)
    per_session = 3 if quick else 10
    soak_small, soak_big = (5, 10) if quick else (50, 500)
    part_runs = 2 if quick else 5
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
            ACCESS_SECRETS_FILE=str(Path(tmp) / "absent-secrets.toml"),
        )
        settings = load_settings(env)
        bare_script = Path(tmp) / "bare_login.py"
        bare_script.write_text(BARE_LOGIN_PAGE)
        app: Served | None = None
        bare: Served | None = None
        bare_classes: Served | None = None
        try:  # whatever fails below, the servers stop and the bench class is undone
            big = make_big_class(db, BIG_CLASS_SIZE)  # before the servers: in their class lists
            app = serve(ROOT / "app.py", env, Path(tmp) / "app.log")
            bare = serve(bare_script, env, Path(tmp) / "bare.log")
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                rows += await _visits(browser, app, bare, visits, env, Path(tmp), colds)
                bare.stop()
                classes = school_classes(db, switches + 2)
                opening = first_class(db)
                context, page = await new_page(browser)
                login = await log_in(page, app.url, opening.first_login)
                rows += _login_rows(login, db, settings, part_runs)
                rows += await _switches(page, classes, switches)
                reset_row, download_rows = await _reset_and_download(
                    db, page, app, classes[-1], rounds
                )
                await context.close()
                rows.append(reset_row)
                if big is not None:
                    rows += await _reset_big_class(browser, db, app, opening, big, rounds)
                else:
                    rows.append(("", f"reset of {BIG_CLASS_SIZE} learners", "skipped",
                                 "school too small", "", "", ""))  # fmt: skip
                rows += download_rows

                async def logged_in(page: Any) -> None:
                    await log_in(page, app.url, opening.first_login)

                cpu_by_level: dict[int, tuple[float, float]] = {}
                for level in levels:
                    try:
                        samples, errors, cpu = await concurrent_switches(
                            browser, app, logged_in, classes, level, per_session
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
                    cpu_by_level[level] = (cpu, p95)
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
                bare_classes = _serve_bare_classes(db, env, Path(tmp))
                rows += await _bare_switches(
                    browser, bare_classes, opening, classes, levels[-1], per_session,
                    cpu_by_level.get(levels[-1]),
                )  # fmt: skip
                bare_classes.stop()
                bare_classes = _serve_bare_classes(db, env, Path(tmp), all_widgets=True)
                rows += await _bare_switches(
                    browser, bare_classes, opening, classes, levels[-1], per_session,
                    cpu_by_level.get(levels[-1]), all_widgets=True,
                )  # fmt: skip
                bare_classes.stop()
                rows += await _soak(browser, app, opening, classes, soak_small, soak_big)
                await browser.close()
        finally:
            for server in (app, bare, bare_classes):
                if server is not None:
                    server.stop()
            undo_big_class(db)
            db.dispose()
    return rows


async def _visits(
    browser: Any, app: Served, bare: Served, visits: int, env: dict[str, str], tmp: Path, colds: int
) -> list[Row]:
    ours, base = [], []
    await visit_until_form(browser, app.url)  # warm both servers once
    await visit_until_form(browser, bare.url)
    for _ in range(visits):
        ours.append(await visit_until_form(browser, app.url))
        base.append(await visit_until_form(browser, bare.url))
    mo, mb = statistics.median(ours), statistics.median(base)
    # Cold: a server started as ``app`` is, once its /healthz answers 200, and its first visit.
    cold = []
    for index in range(colds):
        fresh = serve(ROOT / "app.py", env, tmp / f"cold{index}.log", health="/healthz")
        try:
            cold.append(await visit_until_form(browser, fresh.url))
        finally:
            fresh.stop()
    mc = statistics.median(cold)
    started = statistics.median(
        serve_to_healthz(env, tmp / f"serve{index}.log") for index in range(colds)
    )
    return [
        (
            "B1",
            "new visit → login form usable (median)",
            _ms(mo),
            f"bare Streamlit form {_ms(mb)}",
            f"{mo / mb:.2f}",
            "≤ 1.1 × bare",
            "yes" if mo <= 1.1 * mb else "no",
        ),
        (
            "",
            f"  cold: first visit on a just-started server (median of {colds})",
            _ms(mc),
            f"warm median {_ms(mo)}",
            f"{mc / mo:.2f}",
            "≤ 1.5 × warm",
            "yes" if mc <= 1.5 * mo else "no",
        ),
        (
            "",
            f"  `access-core serve` start → /healthz 200 (median of {colds})",
            _ms(started),
            "",
            "",
            "",
            "",
        ),
    ]


def _first_run_parts(db: Database, settings: Settings, runs: int) -> list[tuple[str, float]]:
    """What the runs after a login call, part by part, in-process on the same database with the
    page's services (medians over ``runs``): the password check and session start of the login,
    then (per call) a session check and the account's view, and once each the class list, the
    first class's learners and table and slips, the recently deactivated learners and table."""
    policy = sessions.SessionPolicy.from_settings(settings)
    tz, lang, days = settings.tz, settings.language, settings.initial_password_days
    months = settings.recent_deactivation_months
    first = roster.list_classes(db, BENCH_ADMIN)[0]
    samples: dict[str, list[float]] = {}

    def timed(part: str, work: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = work()
        samples.setdefault(part, []).append(time.perf_counter() - start)
        return result

    def class_view() -> None:
        rows = roster.class_learners(db, BENCH_ADMIN, first.id)
        tables.class_table(rows, tz, lang, initial_days=days)
        slips_pdf.missing_glyphs(slips.build_slips(rows, settings.slips_password, days, tz))

    def deactivated() -> None:
        recent = roster.recently_deactivated(db, BENCH_ADMIN, months, tz)
        tables.deactivated_table(recent, tz, lang, months, initial_days=days)

    with db.transaction() as session:
        stored = str(
            session.scalar(select(Admin.password_hash).where(Admin.username == BENCH_ADMIN)) or ""
        )
    fields = stored.split("$")  # bcrypt: $2b$<cost>$...
    cost = fields[2].lstrip("0") if len(fields) > 3 else "?"
    for _ in range(runs):
        result = timed(
            f"password check, admin_login.login (stored hash cost {cost})",
            functools.partial(admin_login.login, db, settings, BENCH_ADMIN, BENCH_PASSWORD),
        )
        sid = timed(
            "session start, sessions.start",
            functools.partial(
                sessions.start, db, BENCH_ADMIN, policy, generation=result.generation
            ),
        )
        timed(
            "session check, sessions.check (per call)",
            functools.partial(sessions.check, db, policy, sid),
        )
        timed(
            "account's view, schools_view.describe (per call)",
            functools.partial(schools_view.describe, db, BENCH_ADMIN),
        )
        timed(
            "class list, classes_version + list_classes (cache empty)",
            lambda: (roster.classes_version(db, BENCH_ADMIN), roster.list_classes(db, BENCH_ADMIN)),
        )
        timed(f"class_learners + class_table + slips ({first.name})", class_view)
        timed("recently_deactivated + deactivated_table", deactivated)
        sessions.end(db, sid, "logout")
    return [(part, statistics.median(values)) for part, values in samples.items()]


def _login_rows(login: Switch, db: Database, settings: Settings, runs: int) -> list[Row]:
    # In a context of its own: a session check marks the context's acting session, which the
    # services after it (B4's reset service) would find ended.
    parts = contextvars.copy_context().run(_first_run_parts, db, settings, runs)
    total = sum(seconds for _, seconds in parts)
    login_s = login.painted
    return [
        (
            "B2",
            "login → first class's rows painted",
            _ms(login_s),
            f"parts in-process {_ms(total)}; grid's text layer {_ms(login.confirmed)}",
            "",
            "≤ 1.5 s",
            "yes" if login_s <= 1.5 else "no",
        ),
        *[
            ("", f"  of which: {part}", f"{seconds * 1000:.1f} ms", "", "", "", "")
            for part, seconds in parts
        ],  # fmt: skip
        ("", "  of which: the search", "not run", "empty field on the first run", "", "", ""),
        (
            "",
            "  rest: browser, Streamlit, reruns",
            _ms(max(0.0, login_s - total)),
            "B2 − the parts above",
            "",
            "",
            "",
        ),
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


def _service_reset(db: Database, size: int, rounds: int) -> float:
    """The reset service alone for a batch of ``size`` active learners, at ``rounds``."""
    with db.transaction() as session:
        ids = list(
            session.scalars(
                select(Learner.id)
                .where(Learner.deactivated_at.is_(None), Learner.birth_date.is_not(None))
                .order_by(Learner.id.desc())
                .limit(size)
            )
        )
    hash_password("01012010", rounds)  # warm up
    start = time.perf_counter()
    reset_passwords(db, BENCH_ADMIN, ids, rounds)
    return time.perf_counter() - start


def _reset_row(name: str, size: int, rounds: int, timing: ResetTiming, service_s: float) -> Row:
    """The reset through the page against the service alone; beside them, the CPU seconds
    Chromium and the server used meanwhile (on 2 cores, the browser's are taken from bcrypt)."""
    target = 1.1 * service_s + 0.5
    browser_s = timing.seconds
    return (
        name,
        f"reset of {size} learners, « Confirmer » → notice (cost {rounds})",
        f"{browser_s:.2f} s",
        f"service alone {service_s:.2f} s; CPU meanwhile: Chromium "
        f"{timing.browser_cpu:.1f} s, server {timing.server_cpu:.1f} s",
        f"{browser_s / service_s:.2f}",
        f"≤ 1.1 × service + 0.5 s = {target:.2f} s",
        "yes" if browser_s <= target else "no",
    )


async def _reset_and_download(
    db: Database, page: Any, app: Served, klass: Klass, rounds: int
) -> tuple[Row, list[Row]]:
    timing = await reset_whole_class(page, klass, app)
    # The same batch size through the service alone, at the same cost, in the same run.
    service_s = _service_reset(db, klass.size, rounds)
    identifiers_s = await download(page, "Liste des identifiants des élèves")
    slips_s = await download(page, "Fiches de connexion (PDF)")
    return _reset_row("B4", klass.size, rounds, timing, service_s), [
        ("B5", "identifier list download (click → file)", _ms(identifiers_s), "", "", "", ""),
        ("", f"slips download, {klass.size} learners (click → file)", _ms(slips_s), "", "", "", ""),
    ]


async def _reset_big_class(
    browser: Any, db: Database, app: Served, opening: Klass, big: Klass, rounds: int
) -> list[Row]:
    """B4 at 200: « Tout marquer » on the bench class of 200, in a new session (no notice of
    the earlier reset on screen), against the service alone for 200."""
    context, page = await new_page(browser)
    try:
        await log_in(page, app.url, opening.first_login)
        timing = await reset_whole_class(page, big, app)
    finally:
        await context.close()
    service_s = _service_reset(db, big.size, rounds)
    return [_reset_row("", big.size, rounds, timing, service_s)]


def _serve_bare_classes(
    db: Database, env: dict[str, str], tmp: Path, all_widgets: bool = False
) -> Served:
    """B6's reference page, with the dashboard's class names (natural order) and ids; with
    ``all_widgets``, also the class view's other widgets (buttons, caption, downloads, radio),
    inert: what Streamlit itself costs for the elements the dashboard sends on a switch."""
    listing = tmp / "bare_classes.json"
    listing.write_text(
        json.dumps([(c.name, c.id) for c in roster.list_classes(db, BENCH_ADMIN)]),
        encoding="utf-8",
    )
    name = "bare_all_widgets" if all_widgets else "bare_classes"
    script = tmp / f"{name}.py"
    script.write_text(BARE_CLASS_PAGE)
    extra = {"BENCH_BARE_ALL_WIDGETS": "1"} if all_widgets else {}
    return serve(script, {**env, "BENCH_BARE_CLASSES": str(listing), **extra}, tmp / f"{name}.log")


async def _bare_switches(
    browser: Any,
    bare: Served,
    opening: Klass,
    classes: list[Klass],
    level: int,
    per_session: int,
    ours: tuple[float, float] | None,
    all_widgets: bool = False,
) -> list[Row]:
    """The same concurrent switching against the bare class page: its server CPU per switch,
    the reference of the dashboard's at the same level (B6's target); with ``all_widgets``,
    against the page holding every widget the class view sends (no target: it says how much
    of the dashboard's CPU is Streamlit's own per element)."""

    async def visited(page: Any) -> None:
        await page.goto(bare.url)
        await _rows_show(page, opening.first_login)
        await _idle(page)

    try:
        samples, errors, cpu = await concurrent_switches(
            browser, bare, visited, classes, level, per_session
        )
    except Exception as exc:  # noqa: BLE001 - a row says so, the run goes on
        return [("", "  bare Streamlit class page", "failed", f"{type(exc).__name__}: {exc}"[:60],
                 "", "", "no")]  # fmt: skip
    _, p95 = _stats(samples) if samples else (float("nan"),) * 2
    if ours is None:
        return [("", f"  bare page, {level} sessions: CPU per switch", f"{cpu * 1000:.0f} ms",
                 "dashboard's level failed", "", "", "no")]  # fmt: skip
    our_cpu, our_p95 = ours
    if all_widgets:
        return [
            (
                "",
                f"  server CPU per switch, {level} sessions, against all its widgets, bare",
                f"{our_cpu * 1000:.0f} ms",
                f"bare page with the class view's 12 elements {cpu * 1000:.0f} ms "
                f"(errors {errors}); p95 {_ms(p95)}",
                f"{our_cpu / cpu:.2f}" if cpu else "",
                "",
                "",
            )
        ]
    return [
        (
            "",
            f"  server CPU per switch, {level} sessions, against a bare page",
            f"{our_cpu * 1000:.0f} ms",
            f"bare Streamlit page {cpu * 1000:.0f} ms (errors {errors}); "
            f"p95 {_ms(our_p95)} / bare {_ms(p95)}",
            f"{our_cpu / cpu:.2f}" if cpu else "",
            "≤ 1.5 × bare",
            "yes" if cpu and our_cpu <= 1.5 * cpu else "no",
        )
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
