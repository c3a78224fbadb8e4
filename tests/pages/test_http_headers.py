"""The security headers middleware: downloads are never stored by browsers or proxies, at the
root and under a base URL path (``access-core serve --base-url-path``)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from access_ui.http_headers import NO_STORE, SecurityHeaders


def _response_headers(path: str) -> list[tuple[bytes, bytes]]:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"cache-control", b"public, max-age=3600")],
            }
        )

    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    call = SecurityHeaders(app)({"type": "http", "path": path}, receive, send)
    # a thread of its own: other tests (Playwright's sync API) may run a loop in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, call).result()
    return list(sent[0]["headers"])


@pytest.mark.parametrize(
    "path", ["/media/abc.xlsx", "/lycee-a/media/abc.pdf", "/a/b/media/journal.csv"]
)
def test_a_download_is_no_store_at_the_root_and_under_a_base_path(path: str) -> None:
    headers = _response_headers(path)
    assert NO_STORE in headers
    assert (b"cache-control", b"public, max-age=3600") not in headers


def test_a_page_keeps_its_cache_header_and_gets_the_security_headers() -> None:
    headers = _response_headers("/lycee-a/_stcore/health")
    assert NO_STORE not in headers
    assert (b"x-content-type-options", b"nosniff") in headers
