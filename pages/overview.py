"""« Vue d'ensemble »: the school's passwords at a glance, per class, and a way into a class."""

from __future__ import annotations

import streamlit as st

from access_ui.auth import require_admin

user = require_admin()  # first: nothing below runs for anyone else

from access_core.text.catalogue import t  # noqa: E402
from access_ui import cached, context  # noqa: E402
from access_ui.feedback import call_or_stop  # noqa: E402
from access_ui.overview_ui import class_table, metrics, retention_figures, show_chart  # noqa: E402

lang = context.language()
settings = context.settings()

st.title(t("page_overview", lang))
stats = call_or_stop(lang, cached.school_stats, user, settings.initial_password_days)
call_or_stop(lang, retention_figures, call_or_stop(lang, context.database), user, settings, lang)
if not stats.classes:
    st.info(t("overview_empty", lang))
else:
    metrics(stats, lang)
    st.subheader(t("overview_classes_title", lang))
    st.caption(t("overview_table_help", lang))
    class_table(stats, lang)
    st.subheader(t("overview_chart_title", lang))
    show_chart(stats, lang)
