#!/usr/bin/env python3
"""Set everything up, then start the dashboard or run the tests. Needs only Python 3.11+.

    python3 dev.py run     # venv + install + schema + demo school + first admin, then serve
    python3 dev.py test    # venv + install (with test extras) + the whole test suite
    python3 dev.py lint    # ruff check ., ruff format --check . and mypy (strict), as CI runs them
    python3 dev.py lock    # refresh requirements/*.lock from pyproject.toml (maintainers)

Installs come from the lock files (exact versions with hashes), so a fresh machine gets the set
that was tested.

Extra arguments after ``test`` go to pytest; after ``run``, to ``streamlit run``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
CHROMIUM = Path("/usr/bin/chromium")
LOCKS = ROOT / "requirements"
# Which lock file each kind of install uses, and the extras it was compiled with.
LOCK_EXTRAS = {"run": ("postgres", "mysql"), "test": ("postgres", "mysql", "test")}


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def run(*args: str | Path, **kwargs: object) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        fail(f"command failed ({result.returncode}): {' '.join(map(str, args))}")


def create_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        fail(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        say("creating the virtual environment .venv")
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception as exc:  # noqa: BLE001
            fail(f"cannot create .venv ({exc}); on Debian/Ubuntu: apt-get install python3-venv")


def ensure_venv(kind: str) -> None:
    """Create .venv and install the locked set of ``kind`` (run/test), once per change."""
    create_venv()
    lock = LOCKS / f"{kind}.lock"
    stamp = VENV / ".installed"
    digest = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + lock.read_bytes() + kind.encode()
    ).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"installing the locked packages of {lock.relative_to(ROOT)} into .venv (first time only)")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--require-hashes", "-r", lock)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ".")
    stamp.write_text(digest)


def cmd_lock(extra: list[str]) -> None:
    """Recompile requirements/*.lock from pyproject.toml with uv (universal, hashed)."""
    create_venv()
    LOCKS.mkdir(exist_ok=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "uv")
    for kind, extras in LOCK_EXTRAS.items():
        flags = [f for e in extras for f in ("--extra", e)]
        say(f"compiling requirements/{kind}.lock")
        run(
            PYTHON,
            "-m",
            "uv",
            "pip",
            "compile",
            "pyproject.toml",
            "--quiet",
            "--universal",
            "--python-version",
            "3.11",
            "--generate-hashes",
            "--no-header",
            *flags,
            "-o",
            LOCKS / f"{kind}.lock",
            *extra,
        )


def ensure_test_tools() -> None:
    """Debian's Chromium (browser tests), poppler-utils (the slips rendered to PNG), fail2ban
    (its fail2ban-regex checks the README's filter on the server's log lines) and nginx (two
    servers behind the shipped proxy configuration): installed when we may, else those tests
    skip."""
    missing = [
        package
        for package, present in (
            ("chromium", CHROMIUM.exists()),
            ("poppler-utils", shutil.which("pdftoppm") is not None),
            ("fail2ban", shutil.which("fail2ban-regex") is not None),
            ("nginx", shutil.which("nginx") is not None or Path("/usr/sbin/nginx").exists()),
        )
        if not present
    ]
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(
            f"installing Debian's {' and '.join(missing)} "
            "for the browser, PDF, fail2ban and nginx tests"
        )
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", *missing, env=env)
    else:
        say(
            f"missing {', '.join(missing)}: the browser, PDF rendering, fail2ban and nginx tests "
            "will be skipped (install these Debian packages to run them)"
        )


DEMO_SECRETS = ROOT / "var" / "demo-oidc-secrets.toml"


def start_demo_provider() -> list[str]:
    """``ACCESS_DEMO_OIDC=1``: a local OpenID Connect provider (oidc-provider-mock, from the test
    set) on 127.0.0.1 (``ACCESS_DEMO_OIDC_PORT``, 9400), and a demo secrets file naming it in
    ``var/`` (never the real ``.streamlit/secrets.toml``, which Streamlit still reads first).
    Its page offers « admin »: the demo's administrator signs in with the button."""
    import json
    import secrets
    import time
    import urllib.request

    port = os.environ.get("ACCESS_DEMO_OIDC_PORT", "9400")
    url = f"http://127.0.0.1:{port}"
    admin = json.dumps(
        {"sub": "admin", "email": "admin", "email_verified": True, "name": "Administrateur (démo)"}
    )
    say(f"starting a demo OpenID Connect provider on {url}")
    subprocess.Popen(  # noqa: S603 - a fixed program; it stops with the terminal (Ctrl+C)
        [
            PYTHON,
            "-m",
            "oidc_provider_mock",
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--user-claims",
            admin,
        ],
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=1):  # noqa: S310
                break
        except OSError:
            time.sleep(0.2)
    else:
        fail(f"the demo provider did not answer on {url}")
    DEMO_SECRETS.parent.mkdir(parents=True, exist_ok=True)
    DEMO_SECRETS.write_text(
        "# Written by `dev.py run` with ACCESS_DEMO_OIDC=1: the demo provider only.\n"
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        "[auth.demo]\n"
        'display_name = "OIDC (démo)"\n'
        'client_id = "acces-apprenants-demo"\n'
        f'client_secret = "{secrets.token_urlsafe(16)}"\n'
        f'server_metadata_url = "{url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    DEMO_SECRETS.chmod(0o600)
    real = ROOT / ".streamlit" / "secrets.toml"
    files = [real, DEMO_SECRETS] if real.exists() else [DEMO_SECRETS]
    return [arg for path in files for arg in ("--secrets.files", str(path))]


def cmd_run(extra: list[str]) -> None:
    demo_oidc = os.environ.get("ACCESS_DEMO_OIDC") == "1"
    ensure_venv("test" if demo_oidc else "run")  # the demo provider is in the test set
    run(BIN / "access-core", "quickstart")
    port = os.environ.get("PORT", "8501")
    provider_args = start_demo_provider() if demo_oidc else []
    say(f"starting the dashboard on http://127.0.0.1:{port}  (Ctrl+C to stop)")
    os.chdir(ROOT)
    # as `access-core serve`: uvicorn believes no X-Forwarded-For, ACCESS_TRUSTED_PROXIES decides
    env = {**os.environ, "FORWARDED_ALLOW_IPS": ""}
    os.execve(  # noqa: S606 - a fixed program, no shell
        PYTHON,
        [
            str(PYTHON),
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.address",
            os.environ.get("HOST", "127.0.0.1"),
            "--server.port",
            port,
            *provider_args,
            *extra,
        ],
        env,
    )


def cmd_test(extra: list[str]) -> None:
    ensure_venv("test")
    ensure_test_tools()
    say("running the test suite")
    # one worker per core (pytest-xdist); the browser tests one at a time on one of them, the
    # benchmark's quick runs likewise (tests/conftest.py); ``-n 0`` to run in one process
    # (``-s`` shows prints only then)
    chosen = any(a.startswith(("-n", "--numprocesses")) or a.endswith("no:xdist") for a in extra)
    parallel = [] if chosen else ["-n", "auto", "--dist", "loadgroup"]
    result = subprocess.run([str(PYTHON), "-m", "pytest", *parallel, *extra], cwd=ROOT, check=False)
    sys.exit(result.returncode)


def cmd_lint(extra: list[str]) -> None:
    """What CI checks before the tests: ruff (lint and format) over the tree, mypy (strict) on
    access_core, access_ui, pages/, app.py and dashboard.py (pyproject.toml's [tool.mypy])."""
    ensure_venv("test")
    say("ruff check .")
    run(BIN / "ruff", "check", ".", *extra)
    say("ruff format --check .")
    run(BIN / "ruff", "format", "--check", ".")
    say("mypy (strict: access_core, access_ui, pages, app.py, dashboard.py)")
    run(BIN / "mypy")


def main() -> None:
    commands = {"run": cmd_run, "test": cmd_test, "lock": cmd_lock, "lint": cmd_lint}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        sys.exit(2)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
