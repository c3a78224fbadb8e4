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


def test_a_forged_first_x_forwarded_for_line_never_wins_over_the_proxys_own_line() -> None:
    """HAProxy's « option forwardfor » adds its own line after the client's: the header is one
    list (the lines joined in order) and the rule reads it from the end, so the client is the
    address the trusted proxy saw, not the one the client wrote."""
    import ipaddress

    from starlette.datastructures import Headers
    from streamlit.runtime.context import StreamlitHeaders

    from access_core.audit.request_context import client_from
    from access_ui.context import forwarded_for

    raw = [
        (b"host", b"school.example"),
        (b"x-forwarded-for", b"198.51.100.66"),  # written by the client
        (b"x-forwarded-for", b"203.0.113.9"),  # added by the proxy
    ]
    headers = StreamlitHeaders(list(Headers(raw=raw).items()))
    trusted = (ipaddress.ip_network("127.0.0.1/32"),)

    # what reading one line gave: Streamlit's get() returns the client's forged first line
    assert client_from("127.0.0.1", headers.get("X-Forwarded-For"), trusted) == "198.51.100.66"

    joined = forwarded_for(headers.get_all("X-Forwarded-For"))

    assert joined == "198.51.100.66, 203.0.113.9"
    assert client_from("127.0.0.1", joined, trusted) == "203.0.113.9"
    assert forwarded_for([]) is None and forwarded_for(None) is None
