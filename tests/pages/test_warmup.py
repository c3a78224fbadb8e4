"""The login form's warm-up: the pages' heavy modules imported once, in the background."""

from __future__ import annotations

import json
import subprocess
import sys

from access_ui import warmup
from tests.support.pages import ROOT, dashboard

WARM_UP_IN_A_FRESH_PROCESS = """
import json, sys, threading
from access_ui import warmup
cold = [name for name in warmup.MODULES if name not in sys.modules]
before = threading.active_count()
warmup.start()
warmup.start()  # a second login form: nothing more
assert warmup.wait(timeout=120), "the warm-up did not finish"
missing = [name for name in warmup.MODULES if name not in sys.modules]
print(json.dumps({"cold": cold, "missing": missing, "threads": threading.active_count() - before}))
"""


def test_the_warm_up_imports_the_page_modules_once_in_the_background():
    result = subprocess.run(
        [sys.executable, "-c", WARM_UP_IN_A_FRESH_PROCESS],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=ROOT,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # not imported before (pandas, the slips' PDF, the overview's Altair...), all of them after
    assert "access_core.documents.slips_pdf" in report["cold"]
    assert report["missing"] == []
    assert report["threads"] <= 1  # one thread for both calls (finished by now: 0)


def test_the_login_form_starts_it(app_db, monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(warmup, "start", lambda: calls.append(1))

    at = dashboard().run()

    assert [field.label for field in at.text_input] == ["Identifiant", "Mot de passe"]
    assert calls == [1]


LIFESPAN_IN_A_FRESH_PROCESS = """
import asyncio, json, sys
from access_ui import warmup
cold = [name for name in warmup.LOGIN_MODULES if name not in sys.modules]
async def main():
    async with warmup.lifespan(None):
        return [name for name in warmup.LOGIN_MODULES if name not in sys.modules]
missing = asyncio.run(main())
print(json.dumps({"cold": cold, "missing": missing}))
"""


def test_the_server_imports_the_login_forms_modules_before_its_first_request():
    result = subprocess.run(
        [sys.executable, "-c", LIFESPAN_IN_A_FRESH_PROCESS],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=ROOT,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert "access_ui.auth" in report["cold"] and report["missing"] == []
    assert ROOT.joinpath("app.py").read_text().count("lifespan=warmup.lifespan") == 1
