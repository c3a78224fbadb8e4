"""The « Comptes » page's parts: the accounts table, the creation form, the actions on one
account, and the password shown once with its slip. Rules live in the services
(``access_core.accounts.staff*``); every action checks the session first, and names are shown
as text only (a table, a selectbox, ``st.code``) or escaped (``t_literal``)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from access_core.accounts import staff, staff_access, staff_classes, staff_list
from access_core.accounts.scope import ROLE_ADMIN, ROLE_TEACHER
from access_core.accounts.staff import NewCredential
from access_core.accounts.staff_list import AccountRow
from access_core.config import Settings
from access_core.db.unit_of_work import Database
from access_core.documents.account_slip import account_slip_filename, account_slip_pdf
from access_core.text.catalogue import t
from access_ui import session
from access_ui.feedback import show_error
from access_ui.wording import t_literal

SHOWN_ONCE = "accounts_new_credential"
NOTICE = "accounts_notice"
list_accounts = staff_list.list_accounts


def _act(lang: str, action: Callable[[str], object], notice: str | None = None) -> None:
    """Run ``action(actor)`` for the live session's account; a notice, then a rerun."""
    actor = session.require_live_session()
    try:
        result = action(actor)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a message
        show_error(exc, lang)
        return
    if isinstance(result, NewCredential):
        st.session_state[SHOWN_ONCE] = (result.username, result.password)
    if notice:
        st.session_state[NOTICE] = notice
    st.rerun()


def show_new_credential(lang: str) -> None:
    """A password just generated: shown on this run only, with its one-page slip."""
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.success(notice)
    shown = st.session_state.pop(SHOWN_ONCE, None)
    if not shown:
        return
    username, password = shown
    st.warning(t_literal("accounts_password_once", lang, username=username))
    st.code(password, language=None)
    st.download_button(
        t("accounts_slip", lang),
        data=session.live_download(lambda _actor: account_slip_pdf(username, password, lang)),
        file_name=account_slip_filename(username),
        mime="application/pdf",
        on_click="ignore",
        key="account_slip",
    )


def _scope_text(row: AccountRow, lang: str) -> str:
    if row.all_schools:
        return t("accounts_all_schools", lang)
    return ", ".join(row.classes if row.role == ROLE_TEACHER else row.schools)


def account_table(rows: list[AccountRow], settings: Settings, lang: str) -> None:
    if not rows:
        st.info(t("accounts_none", lang))
        return
    frame = pd.DataFrame(
        {
            t("accounts_col_username", lang): [r.username for r in rows],
            t("accounts_col_name", lang): [r.display_name or "" for r in rows],
            t("accounts_col_role", lang): [t(f"role_{r.role}", lang) for r in rows],
            t("accounts_col_scope", lang): [_scope_text(r, lang) for r in rows],
            t("accounts_col_active", lang): [r.is_active for r in rows],
            t("accounts_col_last_login", lang): [
                r.last_login.astimezone(settings.tz).strftime("%d/%m/%Y %H:%M")
                if r.last_login
                else ""
                for r in rows
            ],
            t("accounts_col_locked", lang): [r.locked for r in rows],
            t("accounts_col_must_change", lang): [r.must_change_password for r in rows],
        },
        dtype=object,
    )
    st.dataframe(frame, hide_index=True, key="accounts_table")


def create_form(db: Database, settings: Settings, user: str, lang: str) -> None:
    schools = staff_list.schools_to_give(db, user)
    classes = staff_list.classes_to_give(db, user)
    several = len(schools) > 1
    class_label = {c.id: f"{c.name} ({c.school_name})" if several else c.name for c in classes}
    with st.form("create_account", clear_on_submit=True):
        username = st.text_input(t("accounts_new_username", lang), key="new_username")
        name = st.text_input(t("accounts_new_name", lang), key="new_name")
        role = st.radio(
            t("accounts_new_role", lang),
            [ROLE_TEACHER, ROLE_ADMIN],
            format_func=lambda r: t(f"role_{r}", lang),
            horizontal=True,
            key="new_role",
        )
        chosen_classes = st.multiselect(
            t("accounts_new_classes", lang),
            list(class_label),
            format_func=lambda c: class_label[c],  # options are shown as plain text
            key="new_classes",
            placeholder=t("choose_placeholder", lang),
        )
        chosen_schools = st.multiselect(
            t("accounts_new_schools", lang),
            [s.id for s in schools],
            default=[s.id for s in schools] if len(schools) == 1 else [],
            format_func=lambda s: next(x.name for x in schools if x.id == s),
            key="new_schools",
            placeholder=t("choose_placeholder", lang),
        )
        submitted = st.form_submit_button(t("accounts_create_submit", lang), type="primary")
    if not submitted:
        return
    _act(
        lang,
        lambda actor: staff.create_account(
            db,
            actor,
            username,
            role=role,
            rounds=settings.bcrypt_rounds,
            school_ids=chosen_schools if role == ROLE_ADMIN else (),
            class_ids=chosen_classes if role == ROLE_TEACHER else (),
            display_name=name.strip() or None,
        ),
        t_literal("accounts_created", lang, username=username.strip().lower()),
    )


def manage_account(
    db: Database, settings: Settings, user: str, rows: list[AccountRow], lang: str
) -> None:
    others = [r for r in rows if r.username != user]
    if not others:  # one's own account is never managed here
        st.info(t("accounts_no_other", lang))
        return
    by_name = {r.username: r for r in others}
    chosen = st.selectbox(t("accounts_choose", lang), list(by_name), key="manage_account")
    if chosen is None:
        return
    row = by_name[chosen]
    left, middle, right = st.columns(3)
    if row.is_active:
        if left.button(t("accounts_disable", lang), key="account_disable"):
            _act(
                lang,
                lambda actor: staff.set_active(db, actor, chosen, False),
                t_literal("accounts_disabled", lang, username=chosen),
            )
    elif left.button(t("accounts_enable", lang), key="account_enable"):
        _act(
            lang,
            lambda actor: staff.set_active(db, actor, chosen, True),
            t_literal("accounts_enabled", lang, username=chosen),
        )
    if middle.button(t("accounts_unlock", lang), key="account_unlock", disabled=not row.locked):
        _act(
            lang,
            lambda actor: staff_access.lift_lockout(db, settings, actor, chosen),
            t_literal("accounts_unlocked", lang, username=chosen),
        )
    if right.button(t("accounts_reset", lang), key="account_reset"):
        _act(
            lang,
            lambda actor: staff.reset_password(db, settings, actor, chosen),
            t_literal("accounts_reset_done", lang, username=chosen),
        )
    if row.role == ROLE_TEACHER:
        _teacher_classes(db, user, chosen, lang)


def _teacher_classes(db: Database, user: str, username: str, lang: str) -> None:
    classes = staff_list.classes_to_give(db, user)
    label = {c.id: c.name for c in classes}
    current = staff_list.teacher_class_ids(db, user, username)
    with st.form(f"teacher_classes_{username}"):
        chosen = st.multiselect(
            t("accounts_classes", lang),
            list(label),
            default=[c for c in current if c in label],
            format_func=lambda c: label[c],
            placeholder=t("choose_placeholder", lang),
        )
        saved = st.form_submit_button(t("accounts_classes_save", lang))
    if saved:
        _act(
            lang,
            lambda actor: staff_classes.set_teacher_classes(db, actor, username, chosen),
            t_literal("accounts_classes_saved", lang, username=username),
        )
