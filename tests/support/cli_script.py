"""The installed ``access-core`` script run as a user runs it: a clean ``ACCESS_*``
environment, English, test-cost bcrypt, no secrets file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.factories import TEST_COOKIE_KEY, TEST_ROUNDS

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = Path(sys.executable).parent / "access-core"


def entry_point(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    if not SCRIPT.exists():
        pytest.skip("the access-core script is not installed next to this interpreter")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}
    env.update(
        PYTHONPATH=str(ROOT),
        ACCESS_LANGUAGE="en",
        ACCESS_BCRYPT_ROUNDS=str(TEST_ROUNDS),
        ACCESS_COOKIE_KEY=TEST_COOKIE_KEY,
        ACCESS_SECRETS_FILE=os.devnull,
    )
    return subprocess.run(
        [str(SCRIPT), "--database-url", database_url, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
