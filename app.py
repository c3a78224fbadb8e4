"""ASGI entry: the dashboard (dashboard.py) behind security headers.

``streamlit run app.py`` serves it; ``dashboard.py`` is the Streamlit script itself. The
configuration is checked first: the server refuses to start with an invalid one (a cookie key
shorter than 32 bytes, an unknown time zone...), with a one-line message.
"""

import sys

import streamlit as st
from starlette.middleware import Middleware

from access_core.config import startup_check
from access_core.errors import ConfigError
from access_ui.http_headers import SecurityHeaders

try:
    startup_check()  # the same settings as the pages and the CLI (environment, secrets file)
except ConfigError as exc:
    sys.exit(f"error: invalid configuration: {exc}")

app = st.App("dashboard.py", middleware=[Middleware(SecurityHeaders)])
