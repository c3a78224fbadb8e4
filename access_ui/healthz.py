"""``/healthz``: the database check for load balancers and monitoring.

200 ``{"status": "ok"}`` when the database can be read and its schema is at the code's head;
503 otherwise, with a short reason code (never a path, URL or driver message: the route is
public). The result is kept ``ACCESS_HEALTH_CACHE_SECONDS`` seconds (default 5), so that a
probe every second costs one query every few seconds.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from access_core.config import load_settings, merged_values
from access_core.db.unit_of_work import Database
from access_core.ops import health

PATH = "/healthz"
DEFAULT_CACHE_SECONDS = 5.0

_lock = threading.Lock()
_state: dict[str, Any] = {"db": None, "at": None, "result": None}


def _cache_seconds() -> float:
    try:
        # like every setting: the environment, then the secrets file
        value = merged_values()[0].get("ACCESS_HEALTH_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
        return max(0.0, float(value))
    except ValueError:
        return DEFAULT_CACHE_SECONDS


def _check() -> tuple[int, dict[str, Any]]:
    with _lock:
        now = time.monotonic()
        if _state["at"] is not None and now - _state["at"] < _cache_seconds():
            return _state["result"]  # type: ignore[no-any-return]
        try:
            if _state["db"] is None:
                _state["db"] = Database.from_url(load_settings().database_url)
            state = health.probe(_state["db"], write=False, counts=False)
            body: dict[str, Any] = {"status": "ok" if state.ok else "unavailable"}
            if not state.ok:
                body["reason"] = state.codes[0] if state.codes else "error"
        except Exception:  # noqa: BLE001 - a health check answers, it does not raise
            body = {"status": "unavailable", "reason": "config_error"}
        result = (200 if body["status"] == "ok" else 503, body)
        _state["at"], _state["result"] = now, result
        return result


async def healthz(request: Request) -> JSONResponse:
    status, body = await run_in_threadpool(_check)
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


route = Route(PATH, healthz, methods=["GET", "HEAD"])
