"""A learner table with a « Réinitialiser » checkbox column, and the confirmed reset of its marks.

The editor is keyed by scope (the class, or the deactivated table) and by a generation number
bumped after each reset or « mark all »: marks never survive a class change or a reset. The
table's index is the learner id, so marks are read back by id, never by row position.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from access_core.errors import BatchAlreadyApplied
from access_core.roster.names import full_name
from access_core.roster.queries import LearnerRow
from access_core.roster.resets import new_batch_id, reset_passwords
from access_core.text.catalogue import t
from access_ui import context
from access_ui.feedback import HashingProgress, show_error
from access_ui.session import require_live_session
from access_ui.slips_ui import batch_slips_button, offer_batch_slips
from access_ui.tables import marked_ids
from access_ui.undo_ui import offer_undo, undo_offer
from access_ui.wording import t_literal

PENDING_KEY = "pending_reset"
ROW_HEIGHT_PX = 35
MAX_VISIBLE_ROWS = 40
NOTICE_KEY = "reset_notice"


def generation(scope: str) -> int:
    return int(st.session_state.get(f"generation:{scope}", 0))


def editor_key(scope: str) -> str:
    return f"editor:{scope}:{generation(scope)}"


def all_marked(scope: str) -> bool:
    return bool(st.session_state.get(f"mark_all:{scope}", False))


def _restart(scope: str, mark_all: bool = False) -> None:
    st.session_state[f"generation:{scope}"] = generation(scope) + 1
    st.session_state[f"mark_all:{scope}"] = mark_all


def enter_scope(group: str, scope: str) -> None:
    """Make ``scope`` the one shown in ``group`` (the class view): when it changes, « Tout
    marquer » of the scope left behind is undone (with a new editor generation), so coming back
    to a class shows nothing ticked. Single ticks go by themselves: Streamlit drops the state
    of an editor that a run does not show."""
    key = f"active_scope:{group}"
    previous = st.session_state.get(key)
    if previous is not None and previous != scope and all_marked(str(previous)):
        _restart(str(previous))
    st.session_state[key] = scope


def marking_editor(scope: str, frame: pd.DataFrame, lang: str, table: str) -> list[int]:
    """Show ``frame`` with its checkbox column editable; return the marked learner ids.
    ``table`` names the table in the « Tout marquer » / « Tout démarquer » buttons (the class,
    « désactivés », « résultats »), so that each button says, to a screen reader too, which of
    the page's tables it acts on."""
    reset_col = t("col_reset", lang)
    # one horizontal container rather than columns: one element sent on each run, not four
    # (a class switch reruns this; each element is a message the server builds and sends)
    row = st.container(horizontal=True)
    row.button(
        t_literal("mark_all", lang, table=table),
        key=f"mark_all_btn:{scope}",
        on_click=_restart,
        args=(scope, True),
        width="content",
    )
    row.button(
        t_literal("unmark_all", lang, table=table),
        key=f"unmark_all_btn:{scope}",
        on_click=_restart,
        args=(scope, False),
        width="content",
    )
    edited = st.data_editor(
        frame,
        key=editor_key(scope),
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        height=ROW_HEIGHT_PX * (min(len(frame), MAX_VISIBLE_ROWS) + 1) + 3,
        disabled=[c for c in frame.columns if c != reset_col],
        column_config={reset_col: st.column_config.CheckboxColumn(reset_col, default=False)},
    )
    ids = marked_ids(edited, lang)
    st.caption(t("marked_count", lang, count=len(ids), total=len(frame)))
    return ids


def reset_button(
    scope: str, label: str, rows: Sequence[LearnerRow], marked: list[int], lang: str
) -> None:
    """The reset button of a table; opens the confirmation for the marked learners."""
    if st.button(label, key=f"reset_btn:{scope}", type="primary"):
        if not marked:
            st.warning(t("reset_none_marked", lang))
        else:
            by_id = {row.id: full_name(row.last_name, row.first_name) for row in rows}
            st.session_state[PENDING_KEY] = {
                "scope": scope,
                "ids": list(marked),
                "names": [by_id[i] for i in marked if i in by_id],
                "batch_id": new_batch_id(),
            }
    pending = st.session_state.get(PENDING_KEY)
    if pending and pending["scope"] == scope:
        dialog = st.dialog(t("confirm_title", lang), width="large", on_dismiss=_cancel)
        dialog(_confirm_body)(pending, lang)


def show_notice() -> None:
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.success(notice, icon="✅")
    lang = context.language()
    undo_offer(lang)  # « Annuler cette réinitialisation », while its window lasts
    batch_slips_button(lang)  # « Fiches des comptes réinitialisés (PDF) »


def _cancel() -> None:
    st.session_state.pop(PENDING_KEY, None)


def _confirm_body(pending: dict[str, object], lang: str) -> None:
    names = list(pending["names"])  # type: ignore[call-overload]
    st.write(t("confirm_intro", lang, count=len(names)))
    # names are data: st.text shows them as written, never as markdown
    st.text("\n".join(names))
    st.info(t("confirm_effect", lang))
    confirm_col, cancel_col = st.columns(2)
    confirmed = confirm_col.button(t("confirm_button", lang), key="confirm_reset", type="primary")
    if cancel_col.button(t("cancel_button", lang), key="cancel_reset"):
        _cancel()
        st.rerun()
    if not confirmed:
        return
    # A dialog's button reruns only this body, not the login gate: the same session check
    # as a page run, before anything is changed.
    user = require_live_session()
    scope = str(pending["scope"])
    bar = HashingProgress(lang)
    try:
        outcome = reset_passwords(
            context.database(),
            user,
            list(pending["ids"]),  # type: ignore[call-overload]
            context.settings().bcrypt_rounds,
            batch_id=str(pending["batch_id"]),
            progress=bar,
            undo_minutes=context.settings().reset_undo_minutes,
            teacher_max=context.settings().teacher_max_reset,
        )
        st.session_state[NOTICE_KEY] = t("reset_done", lang, count=outcome.count)
        offer_batch_slips(outcome.batch_id, NOTICE_KEY)
        offer_undo(outcome.batch_id)
    except BatchAlreadyApplied:
        st.session_state[NOTICE_KEY] = t("error_batch_already_applied", lang)
    except Exception as exc:  # noqa: BLE001 - shown as a message; nothing was changed
        bar.empty()
        show_error(exc, lang)
        return
    _cancel()
    _restart(scope)
    st.rerun()
