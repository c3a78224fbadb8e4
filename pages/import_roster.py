"""« Import »: bring the learners in line with the school's roster file (preview, then apply)."""

from __future__ import annotations

import streamlit as st

from access_ui.auth import require_admin

user = require_admin()  # first: nothing below runs for anyone else

from access_core import imports, roster_files  # noqa: E402
from access_core.errors import ValidationError  # noqa: E402
from access_core.i18n import t  # noqa: E402
from access_ui import context, wording  # noqa: E402
from access_ui.feedback import (  # noqa: E402
    HashingProgress,
    call_or_stop,
    show_error,
    stop_with_error,
)
from access_ui.wording import t_literal  # noqa: E402

lang = context.language()
settings = context.settings()
db = call_or_stop(lang, context.database)

st.title(t("page_import", lang))
st.caption(t("import_help", lang))
notice = st.session_state.pop("import_notice", None)
if notice:
    st.success(notice, icon="✅")
generation = int(st.session_state.get("import_generation", 0))
upload = st.file_uploader(t("import_file", lang), type=["csv", "xlsx"], key=f"import:{generation}")
partial = st.checkbox(t("import_partial", lang), key="import_partial")
skip_bad_rows = st.checkbox(t("import_skip_bad_rows", lang), key="import_skip")
force = st.checkbox(t("import_force", lang), key="import_force")
if upload is None:
    st.stop()

roster = call_or_stop(lang, roster_files.read_roster, upload.getvalue(), upload.name)
refused = False
try:
    plan = imports.preview(db, user, roster, partial=partial, force=force)
except ValidationError as exc:
    if exc.params.get("key") != imports.DEACTIVATES_EVERYONE:
        stop_with_error(exc, lang)
    show_error(exc, lang)  # still show what would happen; applying needs the checkbox
    refused = True
    plan = call_or_stop(lang, imports.preview, db, user, roster, partial=partial, force=True)
except Exception as exc:  # noqa: BLE001 - a message, never a traceback
    stop_with_error(exc, lang)

counts = [
    ("import_new", len(plan.new)),
    ("import_updated", len(plan.updated)),
    ("import_moved", len(plan.moved)),
    ("import_reactivated", len(plan.reactivated)),
    ("import_deactivated", len(plan.deactivated)),
    ("import_rejected", len(plan.rejected)),
    ("import_unchanged", plan.unchanged),
]
for column, (key, count) in zip(st.columns(len(counts)), counts, strict=True):
    column.metric(t(key, lang), count)
if plan.new_classes:
    st.info(t_literal("import_new_classes", lang, classes=", ".join(plan.new_classes)))

columns = (
    t("col_last_name", lang),
    t("col_first_name", lang),
    t("col_login", lang),
    t("class_label", lang),
    t("import_line", lang),
)
for key, changes in (
    ("import_new", plan.new),
    ("import_updated", plan.updated),
    ("import_moved", plan.moved),
    ("import_reactivated", plan.reactivated),
    ("import_deactivated", plan.deactivated),
):
    if changes:
        with st.expander(f"{t(key, lang)} ({len(changes)})", expanded=key == "import_deactivated"):
            st.dataframe(
                [
                    dict(zip(columns, wording.describe_change(change), strict=True))
                    for change in changes
                ],
                hide_index=True,
                width="stretch",
            )
if plan.rejected:
    st.error(t("import_rejected_help", lang, count=len(plan.rejected)))
    st.dataframe(
        [
            {
                t("import_line", lang): p.line,
                t("import_reason", lang): wording.rejection_reason(p, lang),
                t("col_last_name", lang): p.name,
            }
            for p in plan.rejected
        ],
        hide_index=True,
        width="stretch",
    )

blocked = refused or (bool(plan.rejected) and not skip_bad_rows)
if st.button(
    t("import_apply", lang),
    type="primary",
    disabled=blocked or not plan.has_changes,
    key="import_apply",
):
    bar = HashingProgress(lang)
    try:
        outcome = imports.apply(
            db, user, plan, settings.bcrypt_rounds, skip_bad_rows=skip_bad_rows, progress=bar
        )
    except Exception as exc:  # noqa: BLE001 - a message, never a traceback; nothing applied
        bar.empty()
        show_error(exc, lang)
        st.stop()
    st.session_state["import_notice"] = t(
        "import_done",
        lang,
        new=outcome.new,
        updated=outcome.updated,
        moved=outcome.moved,
        reactivated=outcome.reactivated,
        deactivated=outcome.deactivated,
    )
    st.session_state["import_generation"] = generation + 1
    st.rerun()
elif not plan.has_changes:
    st.info(t("import_nothing", lang))
