"""Streamlit helpers shared by dashboard.py and the pages: context, login, guards, widgets.

Nothing here holds business rules: it renders, and calls access_core services.
"""
