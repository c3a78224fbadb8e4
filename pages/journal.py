"""« Journal »: the audit events, filtered, newest first, paginated, exportable as CSV."""

from __future__ import annotations

import streamlit as st

from access_ui.auth import require_admin

user = require_admin()  # first: nothing below runs for anyone else

from access_core.accounts.scope import ROLES  # noqa: E402
from access_core.audit import journal  # noqa: E402
from access_core.roster import queries as roster  # noqa: E402
from access_core.text.catalogue import t  # noqa: E402
from access_core.text.journal_words import action_label, details_text  # noqa: E402
from access_ui import context  # noqa: E402
from access_ui.feedback import call_or_stop  # noqa: E402
from access_ui.school_choice import actor_view, school_selector  # noqa: E402
from access_ui.session import live_download  # noqa: E402
from access_ui.wording import journal_learner  # noqa: E402

lang = context.language()
settings = context.settings()
db = call_or_stop(lang, context.database)

st.title(t("page_journal", lang))
view = actor_view(user, lang)
school_id = school_selector(view, lang)
classes = call_or_stop(lang, roster.list_classes, db, user, school_id=school_id)
actions = call_or_stop(lang, journal.known_actions, db, user, school_id=school_id)

with st.form("journal_filters"):
    left, middle, right = st.columns(3)
    period = left.date_input(t("journal_period", lang), value=[], format="DD/MM/YYYY")
    chosen_actions = middle.multiselect(
        t("journal_actions", lang),
        actions,
        key="journal_actions",
        format_func=lambda code: action_label(code, lang),
        placeholder=t("journal_all_actions", lang),
    )
    class_name = right.selectbox(
        t("class_label", lang),
        [None, *(c.name for c in classes)],
        format_func=lambda n: t("journal_all_classes", lang) if n is None else n,
    )
    left2, right2 = st.columns(2)
    # a teacher's journal holds their own actions only (the service's rule): no author filter
    actor = "" if view.is_teacher else left2.text_input(t("journal_actor", lang))
    learner = right2.text_input(t("journal_learner", lang))
    st.form_submit_button(t("journal_apply", lang))

dates = list(period) if isinstance(period, tuple | list) else [period]
flt = journal.JournalFilter(
    start=dates[0] if dates else None,
    end=dates[-1] if dates else None,
    actions=tuple(chosen_actions),
    class_name=class_name,
    actor=actor or None,
    learner=learner or None,
)
page = max(1, int(st.session_state.get("journal_page", 1)))
entries, total = call_or_stop(
    lang, journal.search, db, user, flt, settings.tz, page - 1, school_id=school_id
)
pages = max(1, -(-total // journal.PAGE_SIZE))
if page > pages:  # the filters shrank the result: back to its last page
    st.session_state["journal_page"] = page = pages
    entries, total = call_or_stop(
        lang, journal.search, db, user, flt, settings.tz, page - 1, school_id=school_id
    )
st.caption(t("journal_total", lang, total=total))
if entries:
    st.dataframe(
        [
            {
                t("journal_col_date", lang): e.occurred_at.astimezone(settings.tz).strftime(
                    "%d/%m/%Y %H:%M:%S"
                ),
                t("journal_col_actor", lang): e.actor,
                t("journal_col_role", lang): (
                    t(f"journal_role_{e.actor_role}", lang) if e.actor_role in ROLES else ""
                ),
                t("journal_col_action", lang): action_label(e.action, lang),
                t("journal_col_learner", lang): journal_learner(e, lang),
                t("col_login", lang): e.learner_login or "",
                t("class_label", lang): (
                    t("journal_current_class", lang, name=e.class_name)
                    if e.class_is_current
                    else e.class_name or ""
                ),
                t("journal_col_details", lang): details_text(e.details, lang, settings.tz),
            }
            for e in entries
        ],
        hide_index=True,
        width="stretch",
    )
else:
    st.info(t("journal_empty", lang))


def _turn(step: int) -> None:
    st.session_state["journal_page"] = max(1, min(pages, page + step))


back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
back.button(
    t("journal_previous", lang),
    key="journal_previous",
    disabled=page <= 1,
    on_click=_turn,
    args=(-1,),
    icon=":material/chevron_left:",
    width="stretch",
)
where.caption(t("journal_page_of", lang, page=page, pages=pages), text_alignment="center")
forward.button(
    t("journal_next", lang),
    key="journal_next",
    disabled=page >= pages,
    on_click=_turn,
    args=(1,),
    icon=":material/chevron_right:",
    width="stretch",
)


def _csv(actor: str) -> bytes:
    return journal.export_csv(db, actor, flt, settings.tz, lang, school_id=school_id)  # audited


st.download_button(
    t("journal_export", lang),
    data=live_download(_csv),  # checks the session when the file is asked for
    file_name=journal.csv_filename(settings.tz),
    mime="text/csv",
    icon=":material/download:",
)
