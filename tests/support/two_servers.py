"""Two ``access-core serve`` replicas on one database behind nginx, for the browser tests.

The proxy's configuration is ``docs/nginx/acces-apprenants.conf`` as shipped, with only what a
test machine needs changed: the replicas' ports, plain HTTP on free loopback ports instead of
80/443 and the certificates, and a main ``nginx.conf`` (pid, logs, temporary files) in the test's
folder. nginx's access log names the replica (``$upstream_addr``) that served each request.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.conftest import REPO_ROOT, STARTUP_TIMEOUT_S, _free_port

SHIPPED_CONFIG = REPO_ROOT / "docs" / "nginx" / "acces-apprenants.conf"
BASE_PATH = "acces"  # the shipped file's location /acces/ (serve --base-url-path acces)
REPLICA_LINE = re.compile(r"^(\s*server )127\.0\.0\.1:850[12]( .*;)$", re.MULTILINE)


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found is None and Path("/usr/sbin/nginx").exists():
        found = "/usr/sbin/nginx"
    return found


def site_config(replica_ports: list[int], port: int, redirect_port: int) -> str:
    """The shipped site file on this machine's ports, in plain HTTP."""
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    replicas = REPLICA_LINE.findall(text)
    assert len(replicas) == 2, "the shipped upstream should list two replicas on 8501 and 8502"
    lines = iter(
        f"{head}127.0.0.1:{p}{tail}"
        for (head, tail), p in zip(replicas, replica_ports, strict=True)
    )
    text = REPLICA_LINE.sub(lambda _m: next(lines), text)
    for old, new in (
        ("listen 443 ssl;", f"listen 127.0.0.1:{port};"),
        ("listen 80;", f"listen 127.0.0.1:{redirect_port};"),
    ):
        assert text.count(old) == 1, f"the shipped file should have one « {old} »"
        text = text.replace(old, new)
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("ssl_"))


def main_config(folder: Path, site: Path) -> str:
    temp = "\n".join(
        f"  {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    return f"""
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} info;
events {{ worker_connections 256; }}
http {{
  log_format replica '$request_method $uri $status $upstream_addr';
  access_log {folder / "access.log"} replica;
{temp}
  uwsgi_temp_path {folder / "uwsgi"};
  scgi_temp_path {folder / "scgi"};
  include {site};
}}
"""


@dataclass
class Replica:
    url: str  # the dashboard's address, under the base path
    port: int
    log_path: Path
    process: subprocess.Popen[bytes]

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@dataclass
class Cluster:
    """Two replicas, the proxy in front of them, and the database they share."""

    proxy_url: str
    replicas: list[Replica]
    database_url: str
    env: dict[str, str]
    folder: Path
    nginx: subprocess.Popen[bytes] | None = None
    proxy_root: str = ""

    def served_by(self, path: str) -> list[Replica]:
        """The replicas that nginx logged as having answered requests for ``path``, in order
        (a request that failed over is logged with both addresses: the last one answered)."""
        answered = []
        for line in (self.folder / "nginx" / "access.log").read_text().splitlines():
            parts = line.split(" ", 3)
            if len(parts) == 4 and parts[1] == f"/{BASE_PATH}{path}":
                last = parts[3].split(",")[-1].strip()
                answered.extend(r for r in self.replicas if last == f"127.0.0.1:{r.port}")
        return answered

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.terminate()
            self.nginx.wait(timeout=20)
        for replica in self.replicas:
            replica.stop()


def http_get(url: str) -> tuple[int, str] | None:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, expected: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Readiness polling (not an assertion): ``url`` answers ``expected``."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args!r} exited with {process.returncode}:\n{log.read_text()}")
        answer = http_get(url)
        if answer is not None and answer[1].strip() == expected:
            return
        time.sleep(0.2)
    pytest.fail(
        f"{url} did not answer {expected!r} in {STARTUP_TIMEOUT_S:.0f} s:\n{log.read_text()}"
    )


def start_replica(env: dict[str, str], folder: Path, name: str) -> Replica:
    """``access-core serve`` on a free port, in its own process."""
    port = _free_port()
    log_path = folder / f"serve-{name}.log"
    with log_path.open("wb") as log:
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
                "--base-url-path",
                BASE_PATH,
            ],
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    replica = Replica(f"http://127.0.0.1:{port}/{BASE_PATH}", port, log_path, process)
    try:
        wait_for(f"{replica.url}/_stcore/health", "ok", process, log_path)
    except BaseException:
        replica.stop()
        raise
    return replica


def start_proxy(cluster: Cluster, binary: str) -> None:
    folder = cluster.folder / "nginx"
    folder.mkdir()
    port = _free_port()
    site = folder / "acces-apprenants.conf"
    site.write_text(site_config([r.port for r in cluster.replicas], port, _free_port()))
    main = folder / "nginx.conf"
    main.write_text(main_config(folder, site))
    command = [binary, "-p", str(folder), "-c", str(main)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, f"nginx -t refused the generated config:\n{checked.stderr}"
    log = folder / "error.log"
    cluster.nginx = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    cluster.proxy_root = f"http://127.0.0.1:{port}"
    cluster.proxy_url = f"{cluster.proxy_root}/{BASE_PATH}"
    wait_for(f"{cluster.proxy_url}/_stcore/health", "ok", cluster.nginx, log)


def server_environment(database_url: str, cookie_key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCESS_", "STREAMLIT_"))}
    env.update(
        ACCESS_DATABASE_URL=database_url,
        ACCESS_BCRYPT_ROUNDS="4",
        ACCESS_LANGUAGE="fr",
        ACCESS_COOKIE_KEY=cookie_key,  # the same on every replica
        ACCESS_TRUSTED_PROXIES="127.0.0.1",
        PYTHONPATH=str(REPO_ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env
