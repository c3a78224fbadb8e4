"""« Gestion des accès apprenants »: a class's learners, their identifiers, password resets."""

from __future__ import annotations

import streamlit as st

from access_ui.auth import require_admin

user = require_admin()  # first: nothing below runs for anyone else

from access_core import exports, roster, stats, tables  # noqa: E402
from access_core.i18n import t  # noqa: E402
from access_ui import cached, context  # noqa: E402
from access_ui.class_request import apply_class_request, initial_only_toggle  # noqa: E402
from access_ui.feedback import call_or_stop  # noqa: E402
from access_ui.learner_table import (  # noqa: E402
    all_marked,
    marking_editor,
    reset_button,
    show_notice,
)
from access_ui.search_ui import search_section  # noqa: E402

lang = context.language()
settings = context.settings()
db = call_or_stop(lang, context.database)

st.title(t("page_learner_access", lang))
show_notice()
search_section(db, user, settings, lang)

classes = call_or_stop(lang, cached.class_list, user)
if not classes:
    st.info(t("no_classes", lang))
else:
    names = {c.id: c.name for c in classes}
    apply_class_request(names)
    class_id = st.selectbox(
        t("class_label", lang), options=list(names), format_func=names.__getitem__, key="class_id"
    )
    initial_only = initial_only_toggle(t("initial_only", lang))
    scope = f"class-{class_id}" + ("-initial" if initial_only else "")
    rows = call_or_stop(lang, roster.class_learners, db, user, class_id)
    shown = stats.only_initial_passwords(rows) if initial_only else rows
    if not rows:
        st.info(t("no_learners", lang))
    else:
        missing = [f"{r.last_name} {r.first_name}" for r in rows if r.birth_date is None]
        if missing:
            st.warning(t("birth_date_missing_warning", lang, names=", ".join(missing)))
        if not shown:
            st.info(t("no_initial_learners", lang))
        frame = tables.class_table(
            shown, settings.tz, lang, marked=all_marked(scope),
            initial_days=settings.initial_password_days,
        )
        marked = marking_editor(scope, frame, lang) if shown else []
        download_col, reset_col = st.columns(2)
        download_col.download_button(
            t("download_identifiers", lang),
            data=cached.identifier_workbook(names[class_id], rows, lang),
            file_name=exports.workbook_filename(names[class_id]),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="download_identifiers",
            on_click=exports.record_export,
            args=(db, user, names[class_id], len(rows)),
            icon=":material/download:",
            width="stretch",
        )
        with reset_col:
            reset_button(scope, t("reset_marked", lang), shown, marked, lang)

st.divider()
months = settings.recent_deactivation_months
st.subheader(
    t("deactivated_title", lang) if months == 3 else t("deactivated_title_n", lang, months=months)
)
recent = call_or_stop(lang, roster.recently_deactivated, db, user, months, settings.tz)
if not recent:
    st.info(t("no_deactivated", lang))
else:
    scope = "deactivated"
    frame = tables.deactivated_table(
        recent, settings.tz, lang, months, marked=all_marked(scope),
        initial_days=settings.initial_password_days,
    )
    marked = marking_editor(scope, frame, lang)
    reset_button(scope, t("reset_marked_deactivated", lang), recent, marked, lang)
