"""The account's role and the school a page is about: the selector above « Classe ».

An account of one school (or of none yet) sees no selector and every service gets
``school_id=None`` (its only school), exactly as a one-school installation always worked. An
account of several schools (a district administrator included) picks one; the choice is kept
in the URL (``?ecole=UAI``, or the school's id while it has no UAI) and in the session, so a
reload, a new tab opened on the URL and a move to another page keep it. A school named by the
URL that is unknown, or outside the account's scope, answers with the same message.
"""

from __future__ import annotations

import streamlit as st

from access_core.errors import NotFound
from access_core.roster import schools_view
from access_core.roster.schools_view import ActorView, SchoolInfo
from access_core.text.catalogue import t
from access_ui import context
from access_ui.feedback import call_or_stop, show_error

SCHOOL_PARAM = "ecole"  # the URL's query parameter
WIDGET_KEY = "school_key"  # the selectbox
CHOSEN_KEY = "chosen_school"  # kept across pages (widget state is dropped on a page change)


def actor_view(user: str, lang: str) -> ActorView:
    """The logged-in account's role and schools, read on every run (a grant may change)."""
    return call_or_stop(lang, schools_view.describe, context.database(), user)


def school_label(school: SchoolInfo, lang: str) -> str:
    return t("school_option", lang, name=school.name, uai=school.uai) if school.uai else school.name


def _remember() -> None:
    key = st.session_state.get(WIDGET_KEY)
    if key:
        st.session_state[CHOSEN_KEY] = key
        st.query_params[SCHOOL_PARAM] = key


def _requested(view: ActorView) -> str:
    requested = st.query_params.get(SCHOOL_PARAM) or st.session_state.get(CHOSEN_KEY)
    return str(requested) if requested else view.schools[0].key


def school_selector(view: ActorView, lang: str) -> int | None:
    """The school this page is about: None without a choice to make (one school); else the
    chosen school's id, the selector drawn. Without a valid choice (a URL naming an unknown
    school or one outside the scope) the page stops under the message and the selector."""
    if not view.chooses_school:
        return None
    try:
        school: SchoolInfo | None = schools_view.school_by_key(view, _requested(view))
    except NotFound as exc:
        show_error(exc, lang)
        school = None
    st.session_state[WIDGET_KEY] = school.key if school else None
    labels = {s.key: school_label(s, lang) for s in view.schools}
    st.selectbox(
        t("school_label", lang),
        options=list(labels),
        format_func=labels.__getitem__,  # a selectbox shows its options as plain text
        key=WIDGET_KEY,
        placeholder=t("school_placeholder", lang),
        on_change=_remember,
    )
    if school is None:
        st.session_state.pop(CHOSEN_KEY, None)
        st.stop()
    st.session_state[CHOSEN_KEY] = school.key
    st.query_params[SCHOOL_PARAM] = school.key
    return school.id


def open_school(key: str) -> None:
    """Make ``key``'s school the chosen one (the district overview's rows)."""
    st.session_state[CHOSEN_KEY] = key
    st.query_params[SCHOOL_PARAM] = key


def require_admin_role(view: ActorView, lang: str) -> None:
    """Stop a page meant for administrators when a teacher opens it (a direct URL): a refusal,
    no data."""
    if view.is_teacher:
        st.error(t("admins_only_page", lang))
        st.stop()
