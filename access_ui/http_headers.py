"""An ASGI middleware adding security headers, and ``no-store`` on downloads.

Streamlit serves a download (the identifier workbook, the slips, the journal's CSV) from
``/media/...`` (``/<base url path>/media/...`` under ``server.baseUrlPath``) without any cache
header; this middleware forbids browsers and proxies to keep a copy of it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),  # components are same-origin frames
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"referrer-policy", b"no-referrer"),
]
NO_STORE = (b"cache-control", b"no-store, private, max-age=0")
DOWNLOAD_SEGMENT = "/media/"


def is_download_path(path: str) -> bool:
    """A file Streamlit serves for a download, at the root or under a base URL path."""
    return DOWNLOAD_SEGMENT in path


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_download = is_download_path(str(scope.get("path", "")))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if not (is_download and k.lower() == b"cache-control")
                ]
                headers.extend(SECURITY_HEADERS)
                if is_download:
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
