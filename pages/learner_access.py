"""« Gestion des accès apprenants »: a class's learners, their identifiers, password resets."""

from __future__ import annotations

import streamlit as st

from access_ui.auth import require_admin

user = require_admin()  # first: nothing below runs for anyone else

from access_core.documents import workbook as exports  # noqa: E402
from access_core.roster import queries as roster  # noqa: E402
from access_core.roster import stats  # noqa: E402
from access_core.roster.names import full_name  # noqa: E402
from access_core.text.catalogue import t  # noqa: E402
from access_ui import cached, context, slips_ui, tables  # noqa: E402
from access_ui.class_request import (  # noqa: E402
    apply_class_request,
    class_key,
    initial_only_toggle,
)
from access_ui.feedback import call_or_stop  # noqa: E402
from access_ui.learner_table import (  # noqa: E402
    all_marked,
    enter_scope,
    marking_editor,
    reset_button,
    show_notice,
)
from access_ui.school_choice import actor_view, school_selector  # noqa: E402
from access_ui.search_ui import search_section  # noqa: E402
from access_ui.session import live_download, require_live_session  # noqa: E402
from access_ui.wording import t_literal  # noqa: E402

lang = context.language()
settings = context.settings()
db = call_or_stop(lang, context.database)

st.title(t("page_learner_access", lang))
view = actor_view(user, lang)
school_id = school_selector(view, lang)  # above « Classe »; none for an account of one school
if view.is_teacher:
    st.caption(t("teacher_classes_caption", lang))
show_notice()
search_section(db, user, settings, lang, school_id)


@st.fragment
def class_section() -> None:
    """The class chooser and its learners. A fragment: choosing a class, ticking or « Tout
    marquer » reruns only this, not the search above nor the deactivated learners below (half
    the server's work and most of the browser's at 100,000 learners). Such a rerun skips the
    page's ``require_admin``, so it checks the session itself first."""
    admin = require_live_session()
    classes = call_or_stop(lang, cached.class_list, admin, school_id)
    if not classes:
        st.info(t("no_classes", lang))
    else:
        names = {c.id: c.name for c in classes}
        key = class_key(school_id)
        apply_class_request(names, key)
        class_id = st.selectbox(
            t("class_label", lang),
            options=list(names),
            format_func=names.__getitem__,
            key=key,
        )
        initial_only = initial_only_toggle(t("initial_only", lang))
        scope = f"class-{class_id}" + ("-initial" if initial_only else "")
        enter_scope("class", scope)
        rows = call_or_stop(lang, roster.class_learners, db, admin, class_id)
        shown = stats.only_initial_passwords(rows) if initial_only else rows
        if not rows:
            st.info(t("no_learners", lang))
        else:
            missing = [full_name(r.last_name, r.first_name) for r in rows if r.birth_date is None]
            if missing:
                st.warning(t_literal("birth_date_missing_warning", lang, names=", ".join(missing)))
            if not shown:
                st.info(t("no_initial_learners", lang))
            frame = tables.class_table(
                shown,
                settings.tz,
                lang,
                marked=all_marked(scope),
                initial_days=settings.initial_password_days,
            )
            marked = marking_editor(scope, frame, lang, names[class_id]) if shown else []
            # a horizontal container, not columns: two elements per class switch instead of four
            actions = st.container(horizontal=True)
            class_name = names[class_id]

            def _workbook(actor: str) -> bytes:
                """Built when the browser asks for it, after the session check, from the class's
                learners read then (not the page's last run); journalled."""
                learners = roster.class_learners(db, actor, class_id)
                school = learners[0].school_id if learners else None  # the class's school
                exports.record_export(db, actor, class_name, len(learners), school_id=school)
                return cached.identifier_workbook(class_name, learners, lang)

            actions.download_button(
                t("download_identifiers", lang),
                data=live_download(_workbook),
                file_name=exports.workbook_filename(class_name),
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                key="download_identifiers",
                on_click="ignore",
                icon=":material/download:",
                width="stretch",
            )
            with actions.container():  # the slips' button above its layout choice
                slips_ui.class_slips_button(db, admin, names[class_id], rows, marked, lang)
            with actions:
                reset_button(scope, t("reset_marked", lang), shown, marked, lang)


class_section()

if view.is_teacher:  # no deactivated learners table for a teacher
    st.stop()
st.divider()
months = settings.recent_deactivation_months
st.subheader(
    t("deactivated_title", lang) if months == 3 else t("deactivated_title_n", lang, months=months)
)
st.caption(
    t("deactivated_terms", lang, months=months, journal_months=settings.journal_retention_months)
)
recent = call_or_stop(
    lang, roster.recently_deactivated, db, user, months, settings.tz, school_id=school_id
)
if not recent:
    st.info(t("no_deactivated", lang))
else:
    scope = "deactivated"
    frame = tables.deactivated_table(
        recent,
        settings.tz,
        lang,
        months,
        marked=all_marked(scope),
        initial_days=settings.initial_password_days,
    )
    marked = marking_editor(scope, frame, lang, t("table_deactivated", lang))
    reset_button(scope, t("reset_marked_deactivated", lang), recent, marked, lang)
