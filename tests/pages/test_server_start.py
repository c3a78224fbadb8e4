"""The server refuses to start with an invalid configuration, with a one-line message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_server_refuses_to_start_with_a_cookie_key_shorter_than_32_bytes(tmp_path):
    env = {
        **os.environ,
        "ACCESS_COOKIE_KEY": "too-short-a-key",
        "ACCESS_DATABASE_URL": f"sqlite:///{tmp_path / 'access.db'}",
    }
    result = subprocess.run(
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
            "0",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "ACCESS_COOKIE_KEY must be at least 32 bytes" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
