"""ASGI entry: the dashboard (dashboard.py) behind security headers.

``streamlit run app.py`` serves it; ``dashboard.py`` is the Streamlit script itself. The
configuration is checked first: the server refuses to start with an invalid one (a cookie key
shorter than 32 bytes, an unknown time zone...), with a one-line message. ``/healthz``
answers 503 while the database cannot be read or its schema is not at head (access_ui/healthz.py).
"""

import logging
import os
import sys

import streamlit as st
from starlette.middleware import Middleware

from access_core.audit.request_context import uvicorn_believes
from access_core.config import startup_check
from access_core.errors import ConfigError
from access_core.ops.backup import hold_server_lock
from access_core.ops.logs import configure_logging
from access_ui import healthz, warmup
from access_ui.http_headers import SecurityHeaders

configure_logging()  # time, level, logger on our lines; one line per record of every logger
try:
    # the same settings as the pages and the CLI (environment, then secrets file)
    _settings = startup_check()
except ConfigError as exc:
    sys.exit(f"error: invalid configuration: {exc}")
try:
    hold_server_lock(_settings.database_url)  # `access-core restore` refuses while we run
except OSError as exc:
    sys.exit(f"error: cannot lock the database file: {exc.strerror}")

_believed = uvicorn_believes(os.environ)
if _believed is not None:  # started without `access-core serve`
    logging.getLogger("access_ui").warning(
        "FORWARDED_ALLOW_IPS is not empty: uvicorn believes X-Forwarded-For from %s before "
        "ACCESS_TRUSTED_PROXIES applies; start with `access-core serve` (or set "
        "FORWARDED_ALLOW_IPS to an empty value)",
        _believed,
    )

app = st.App(
    "dashboard.py",
    routes=[healthz.route],
    middleware=[Middleware(SecurityHeaders)],
    lifespan=warmup.lifespan,  # the login form's modules imported before the first request
)
