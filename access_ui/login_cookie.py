"""The login cookie, written by the page itself: a script in the page (``st.html`` with its
JavaScript allowed), not a component frame.

A component (extra_streamlit_components' CookieManager) loads its own frame after the run
that draws it and then reports the browser's cookies, which asks for one more run of the whole
page: after a login that run redrew the first class a second time (about a second of the
« log in → the first class's rows » wait, docs/performance.md). A script sets or deletes the
cookie as the element appears and reports nothing, so nothing reruns.

The script only ever holds the token the server just signed and the cookie's name (both made
of URL-safe characters, checked here); no name, no text from a user reaches it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import streamlit as st

_SAFE = re.compile(r"[A-Za-z0-9_.\-]+")  # a cookie name, or a JWT (base64url and dots)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cookie_header(
    name: str, value: str, expires_at: datetime, *, secure: bool, same_site: str = "Strict"
) -> str:
    """The ``document.cookie`` assignment: the value, an explicit UTC expiry (an aware
    instant: the browser reads it as such whatever its time zone), path ``/``, SameSite and
    Secure."""
    if not _SAFE.fullmatch(name) or not (value == "" or _SAFE.fullmatch(value)):
        raise ValueError("a login cookie's name and value are URL-safe tokens")
    if expires_at.tzinfo is None:
        raise ValueError("the login cookie's expiry must be an aware instant")
    expires = expires_at.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    parts = [f"{name}={value}", f"expires={expires}", "path=/", f"SameSite={same_site}"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


# The script removes itself once run: the token does not stay in the page's HTML (a saved
# page, a copied DOM); Streamlit keeps the element and does not draw it again unchanged.
_SCRIPT = """<script>(() => {{
  const only = {only};
  if (only === null || document.cookie.split("; ").includes(only)) {{
    document.cookie = {header};
  }}
  document.querySelectorAll("script[data-login-cookie]").forEach((s) => s.remove());
}})();</script>"""


def script(header: str, only: str | None = None) -> str:
    """The page's script writing ``header``; with ``only`` (« name=value »), only while the
    browser's cookie is exactly that one."""
    # json.dumps: JavaScript string literals; « </ » cannot occur (checked characters)
    text = _SCRIPT.format(header=json.dumps(header), only=json.dumps(only))
    return text.replace("<script>", "<script data-login-cookie>", 1)


def set_cookie(name: str, value: str, expires_at: datetime, *, secure: bool) -> None:
    """Store the login cookie in this browser (drawn in this run: the script runs as its
    element appears; the same element on a later run changes nothing)."""
    st.html(
        script(cookie_header(name, value, expires_at, secure=secure)), unsafe_allow_javascript=True
    )


def delete_cookie(name: str, only_value: str | None = None) -> None:
    """Remove the login cookie from this browser (an expiry in the past, same path). With
    ``only_value``, only while the cookie still holds that value: a session found dead in one
    tab must not delete the cookie another tab has just written for a new login."""
    if only_value is not None and not _SAFE.fullmatch(only_value):
        return  # not a token this server wrote: nothing of ours to delete
    only = None if only_value is None else f"{name}={only_value}"
    header = cookie_header(name, "", _EPOCH, secure=False)
    st.html(script(header, only), unsafe_allow_javascript=True)
