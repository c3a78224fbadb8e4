"""« Annuler cette réinitialisation »: the reset's notice offers its undo while the window lasts.

After a reset the batch id is kept in ``session_state``; every run of the page asks the server
whether this administrator may still undo it (``undo.undo_deadline``: the window, the batch not
undone yet, the scope), and shows the button only then. The click checks the live session
first (it may come long after the reset), then undoes in one transaction; the result names the
learners kept as they are, as text (never markdown). A reload forgets the offer (a new session):
the command line's ``undo-reset`` remains.
"""

from __future__ import annotations

import streamlit as st

from access_core.roster import undo
from access_core.text.catalogue import t
from access_ui import context
from access_ui.feedback import show_error
from access_ui.session import current_admin, require_live_session
from access_ui.wording import t_literal

OFFER_KEY = "reset_undo_offer"
RESULT_KEY = "reset_undo_result"
BUTTON_KEY = "undo_reset"


def offer_undo(batch_id: str) -> None:
    """After a reset: offer its undo on the next runs, while the server allows it."""
    st.session_state[OFFER_KEY] = batch_id


def _show_result(outcome: undo.UndoOutcome, lang: str) -> None:
    st.success(t("undo_done", lang, count=outcome.count), icon="↩️")
    for reason, key in (
        (undo.KEPT_LOGGED_IN, "undo_kept_logged_in"),
        (undo.KEPT_CHANGED, "undo_kept_changed"),
    ):
        names = [k.name for k in outcome.kept if k.reason == reason]
        if names:
            st.warning(t_literal(key, lang, names=", ".join(names)))


def undo_offer(lang: str) -> None:
    """The undo's result once, then the button while the reset may still be undone."""
    result = st.session_state.pop(RESULT_KEY, None)
    if isinstance(result, undo.UndoOutcome):
        _show_result(result, lang)
    batch_id = st.session_state.get(OFFER_KEY)
    user = current_admin()
    if not batch_id or user is None:
        return
    db = context.database()
    try:
        deadline = undo.undo_deadline(db, user, str(batch_id))
    except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
        show_error(exc, lang)
        return
    if deadline is None:  # the window is over, or it was undone (here or elsewhere)
        st.session_state.pop(OFFER_KEY, None)
        return
    until = deadline.astimezone(context.settings().tz).strftime("%H:%M")
    if st.button(
        t("undo_reset_button", lang),
        key=BUTTON_KEY,
        icon=":material/undo:",
    ):
        actor = require_live_session()  # the click may come long after the page was shown
        st.session_state.pop(OFFER_KEY, None)
        try:
            outcome = undo.undo_reset(db, actor, str(batch_id))
        except Exception as exc:  # noqa: BLE001 - nothing was changed: say why
            show_error(exc, lang)
            return
        st.session_state[RESULT_KEY] = outcome
        st.rerun()
    st.caption(t("undo_reset_help", lang, time=until))
