"""``access-core serve`` started from another directory (issue 14 items 1 and 2): the project's
server settings apply (an error on a page shows no detail), no demo data, no password printed;
``/healthz`` follows the database; ``restore`` is refused while it runs; log lines carry time
and level.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from access_core.db.schema import upgrade_schema
from access_core.db.unit_of_work import Database
from tests.browser.conftest import STARTUP_TIMEOUT_S, _free_port
from tests.support.factories import create_test_admin, downgrade_schema

pytestmark = pytest.mark.browser
SCRIPT = Path(sys.executable).with_name("access-core")
SECRET_DETAIL = "injected-failure-detail-4242"
# Loaded by the server's interpreter (PYTHONPATH): makes the sidebar's language selector fail
# on every run, an error outside the pages' own error handling.
SITECUSTOMIZE = f"""
import access_ui.language

def _broken(*args, **kwargs):
    raise RuntimeError("{SECRET_DETAIL}")

access_ui.language.language_selector = _broken
"""


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, Any]]:
    database = tmp_path / "data" / "access.db"
    url = f"sqlite:///{database}"
    upgrade_schema(url)
    db = Database.from_url(url)
    create_test_admin(db)
    db.dispose()
    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(SITECUSTOMIZE)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCESS_", "STREAMLIT_"))}
    env.update(
        ACCESS_DATABASE_URL=url,
        ACCESS_COOKIE_KEY="k" * 40,
        ACCESS_HEALTH_CACHE_SECONDS="0",
        PYTHONPATH=str(inject),
        PYTHONUNBUFFERED="1",
    )
    port = _free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(SCRIPT), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=elsewhere,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while get_or_none(f"{base}/_stcore/health") != "ok":
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"serve did not start:\n{log_path.read_text()}")
        time.sleep(0.2)
    yield {"base": base, "url": url, "database": database, "log": log_path, "env": env}
    process.terminate()
    process.wait(timeout=20)


def get_or_none(url: str) -> str | None:
    try:
        return get(url)[1].strip()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def test_serve_from_another_directory(served, page, tmp_path):
    from playwright.sync_api import expect

    base = served["base"]
    status, body = get(f"{base}/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})

    page.goto(base)
    expect(page.get_by_text("This app has encountered an error")).to_be_visible()
    assert SECRET_DETAIL not in page.content()
    assert "Traceback" not in page.content()

    # restore is refused while the server runs; a backup is fine
    copy = tmp_path / "copy.db"
    run = [str(SCRIPT), "--database-url", served["url"]]
    assert (
        subprocess.run(
            [*run, "backup", str(copy)], env=served["env"], check=False, capture_output=True
        ).returncode
        == 0
    )
    refused = subprocess.run(
        [*run, "restore", str(copy)],
        check=False,
        capture_output=True,
        env={**served["env"], "ACCESS_LANGUAGE": "en"},
        text=True,
    )
    assert refused.returncode == 1
    assert "a dashboard server is using" in refused.stderr

    downgrade_schema(served["url"], "0001")
    status, body = get(f"{base}/healthz")
    assert status == 503
    assert json.loads(body) == {"status": "unavailable", "reason": "schema_outdated"}
    upgrade_schema(served["url"])
    assert get(f"{base}/healthz")[0] == 200

    log = served["log"].read_text()
    assert SECRET_DETAIL in log  # the server log keeps the details
    assert "password" not in log.lower()
    db = Database.from_url(served["url"])
    with db.transaction() as session:
        from sqlalchemy import text

        assert session.scalar(text("SELECT count(*) FROM learners")) == 0  # no demo school
    db.dispose()
