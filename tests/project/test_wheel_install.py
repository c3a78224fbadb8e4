"""The wheel, installed (not editable) into a fresh virtual environment, serves from any
directory (issue 20 item 9): ``access-core init``, ``create-admin`` and ``serve`` run from a
folder outside the checkout, keep their data in the user's data directory, and the server
answers ``/healthz`` and the login page.

The fresh environment borrows the third-party packages of the running one through a ``.pth``
line (no download); ``.ci/run`` also installs the wheel with ``requirements/run.lock`` alone.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SHIPPED = {
    "access_app/app.py",
    "access_app/dashboard.py",
    "access_app/.streamlit/config.toml",
    "access_app/pages/learner_access.py",
    "access_app/pages/overview.py",
    "access_app/pages/import_roster.py",
    "access_app/pages/journal.py",
}


def _clean_environment() -> dict[str, str]:
    """No ACCESS_* setting, and not this checkout on PYTHONPATH (the build leaves its
    .egg-info there, which pip would take for an installed copy)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ACCESS_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("env", _clean_environment())
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=300, check=False, **kwargs
    )  # type: ignore[call-overload]
    assert result.returncode == 0, (command, result.stdout, result.stderr)
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of the sources: setuptools would reuse (and ship) a stale build/."""
    source = tmp_path_factory.mktemp("source") / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "build",
            "*.egg-info",
            "var",
            "tests",
            "__pycache__",
            ".*_cache",
            "secrets.toml",
        ),
    )
    out = tmp_path_factory.mktemp("wheel")
    built_output = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", str(source), "-w", str(out)]
    )
    # Issue 25 item 4: the first `dev.py run` printed a 40-line setuptools warning (the fonts
    # folder looked like an undeclared package); the build says nothing now.
    assert "Warning" not in built_output.stdout + built_output.stderr
    (built,) = out.glob("acces_apprenants-*.whl")
    return built


def test_the_wheel_ships_the_dashboard_and_its_server_settings_but_no_secrets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())

    assert names >= SHIPPED
    assert not [name for name in names if "secrets" in name or name.startswith("tests/")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for 127.0.0.1


def _get(url: str) -> tuple[int, str]:
    """(status, body); status 0 while nothing listens yet."""
    try:
        with _DIRECT.open(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except OSError:
        return 0, ""


@pytest.fixture
def installed(wheel, tmp_path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A fresh venv holding the wheel (not editable), and an environment without any
    ACCESS_* setting nor this checkout on PYTHONPATH."""
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    purelib = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ]
    )
    # only now (pip must not see, let alone touch, the running environment's packages)
    (purelib / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = _clean_environment()
    env.update(
        HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"), ACCESS_BCRYPT_ROUNDS="4"
    )
    yield venv, env


def test_the_installed_wheel_initialises_and_serves_from_any_directory(installed, tmp_path):
    venv, env = installed
    script = str(venv / "bin" / "access-core")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = tmp_path / "data" / "acces-apprenants"

    where = _run(
        [str(venv / "bin" / "python"), "-c", "import access_core; print(access_core.__file__)"],
        env=env,
        cwd=elsewhere,
    )
    assert str(venv) in where.stdout and str(ROOT) not in where.stdout
    _run([script, "init"], env=env, cwd=elsewhere)
    _run(
        [script, "create-admin", "direction", "--password-stdin"],
        env=env,
        cwd=elsewhere,
        input="un mot de passe solide\n",
    )
    assert (data / "access.db").is_file()

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own script
        [script, "serve", "--port", str(port)],
        env=env,
        cwd=elsewhere,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        health = (0, "")
        while time.monotonic() < deadline and server.poll() is None:
            health = _get(f"http://127.0.0.1:{port}/healthz")
            if health[0] == 200:
                break
            time.sleep(0.5)
        assert health[0] == 200, (health, server.poll())
        status, page = _get(f"http://127.0.0.1:{port}/learner_access")
        assert status == 200
        assert '<div id="root">' in page
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output
    assert (data / "cookie_key").is_file()  # the server's key, beside the database
    assert not (elsewhere / "var").exists()
