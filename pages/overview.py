"""« Vue d'ensemble »: the school's passwords at a glance, per class, and a way into a class;
for a district administrator first one row per school, and a way into a school."""

from __future__ import annotations

import streamlit as st

from access_ui.auth import require_admin

user = require_admin()  # first: nothing below runs for anyone else

from access_core.text.catalogue import t  # noqa: E402
from access_ui import cached, context  # noqa: E402
from access_ui.district_ui import schools_table  # noqa: E402
from access_ui.feedback import call_or_stop  # noqa: E402
from access_ui.overview_ui import class_table, metrics, retention_figures, show_chart  # noqa: E402
from access_ui.school_choice import actor_view, school_selector  # noqa: E402

lang = context.language()
settings = context.settings()

st.title(t("page_overview", lang))
view = actor_view(user, lang)
if view.district:
    schools_table(call_or_stop(lang, cached.schools_overview, user), lang)
school_id = school_selector(view, lang)
stats = call_or_stop(lang, cached.school_stats, user, settings.initial_password_days, school_id)
if view.is_teacher:  # their classes' figures only: no deactivated accounts
    st.caption(t("teacher_classes_caption", lang))
else:
    db = call_or_stop(lang, context.database)
    call_or_stop(lang, retention_figures, db, user, settings, lang, school_id)
if not stats.classes:
    st.info(t("overview_empty", lang))
else:
    metrics(stats, lang)
    st.subheader(t("overview_classes_title", lang))
    st.caption(t("overview_table_help", lang))
    class_table(stats, lang)
    st.subheader(t("overview_chart_title", lang))
    show_chart(stats, lang)
