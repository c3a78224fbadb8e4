"""ASGI entry: the dashboard (dashboard.py) behind security headers.

``streamlit run app.py`` serves it; ``dashboard.py`` is the Streamlit script itself.
"""

import streamlit as st
from starlette.middleware import Middleware

from access_ui.http_headers import SecurityHeaders

app = st.App("dashboard.py", middleware=[Middleware(SecurityHeaders)])
