"""« Import »: bring the learners in line with the school's roster file (preview, then apply)."""

from __future__ import annotations

import hashlib
from datetime import date

import streamlit as st

from access_ui.auth import require_admin

user = require_admin()  # first: nothing below runs for anyone else

from access_core.accounts.passwords import estimate_hashing_seconds  # noqa: E402
from access_core.errors import AccessError  # noqa: E402
from access_core.imports import files as roster_files  # noqa: E402
from access_core.imports import preview as imports  # noqa: E402
from access_core.imports.plan import blockers  # noqa: E402
from access_core.text.catalogue import format_duration, t  # noqa: E402
from access_ui import context, slips_ui, wording  # noqa: E402
from access_ui.feedback import (  # noqa: E402
    HashingProgress,
    call_or_stop,
    show_error,
    stop_with_error,
)
from access_ui.school_choice import actor_view, require_admin_role, school_selector  # noqa: E402
from access_ui.wording import t_literal  # noqa: E402

lang = context.language()
settings = context.settings()
db = call_or_stop(lang, context.database)

st.title(t("page_import", lang))
view = actor_view(user, lang)
require_admin_role(view, lang)  # a teacher opening this URL gets a refusal, no data
# the school chosen here is the import's once preview/apply take ``school_id`` (imports by school)
school_selector(view, lang)
st.caption(t("import_help", lang))
limits = settings.import_limits
# the smaller of the upload limit (.streamlit/config.toml) and ACCESS_IMPORT_MAX_BYTES
upload_mb = min(int(st.get_option("server.maxUploadSize")), limits.max_bytes // (1024 * 1024))
st.caption(t("import_limits", lang, mb=upload_mb, rows=limits.max_rows))
notice = st.session_state.pop("import_notice", None)
if notice:
    st.success(notice, icon="✅")
last_import = st.session_state.get("import_last")  # the last import applied here
if last_import:
    st.caption(t("import_id_caption", lang, import_id=last_import["id"]))
    if last_import["new"]:
        # « Fiches des nouveaux élèves (PDF) »: the learners it created, read when downloaded
        slips_ui.import_slips_button(db, user, str(last_import["id"]), lang)
generation = int(st.session_state.get("import_generation", 0))
upload = st.file_uploader(
    t("import_file", lang), type=["csv", "txt", "xlsx", "xml", "zip"], key=f"import:{generation}"
)
partial = st.checkbox(t("import_partial", lang), key="import_partial")
skip_bad_rows = st.checkbox(t("import_skip_bad_rows", lang), key="import_skip")
if upload is None:
    st.stop()

# The file is read once: each rerun (a box ticked, the apply button) takes the result kept for
# these bytes, or the error they gave, instead of reading (and decompressing) them again.
content = upload.getvalue()
read_key = (hashlib.sha256(content).hexdigest(), upload.name, limits, date.today())
kept = st.session_state.get("import_read")
if kept is None or kept[0] != read_key:
    try:
        kept = (read_key, roster_files.read_roster(content, upload.name, limits=limits))
    except AccessError as exc:  # a refused file: the same message on every rerun
        kept = (read_key, exc)
    except Exception as exc:  # noqa: BLE001 - a message, never a traceback
        stop_with_error(exc, lang)
    st.session_state["import_read"] = kept  # the last file only
del content
if isinstance(kept[1], AccessError):
    stop_with_error(kept[1], lang)
roster = kept[1]
st.caption(
    t(
        "import_detected",
        lang,
        format=t(f"format_{roster.format}", lang),
        encoding=roster.encoding or "—",
        year=roster.school_year or t("not_stated", lang),
    )
)
if roster.departed:
    st.caption(t("import_departed", lang, count=roster.departed))
plan = call_or_stop(
    lang,
    imports.preview,
    db,
    user,
    roster,
    partial=partial,
    max_deactivation_percent=settings.import_max_deactivation_share,
    school_id=None,  # the administrator's only school (a school selector will pass its choice)
)
# The decisions shown by the previous run: applying needs them unchanged (another import or a
# corrected file in between shows the new preview first, never applies it unseen).
shown = st.session_state.get("import_shown_plan")
st.session_state["import_shown_plan"] = plan.signature

counts = [(f"import_{code}", count) for code, count in plan.totals]
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
for section, changes in plan.sections:
    if changes:
        # what will be lost or needs a look is open at once
        expanded = section in ("deactivated", "password_moved", "kept")
        with st.expander(f"{t(f'import_{section}', lang)} ({len(changes)})", expanded=expanded):
            st.dataframe(
                [
                    dict(zip(columns, wording.describe_change(change), strict=True))
                    for change in changes
                ],
                hide_index=True,
                width="stretch",
            )
if plan.rejected:
    has_refs = any(p.ref for p in plan.rejected)
    st.error(t("import_rejected_help", lang, count=len(plan.rejected)))
    st.dataframe(
        [
            {
                t("import_line", lang): p.line,
                **({t("import_ref", lang): p.ref} if has_refs else {}),
                t("import_reason", lang): wording.rejection_reason(p, lang),
                t("col_last_name", lang): p.name,
            }
            for p in plan.rejected
        ],
        hide_index=True,
        width="stretch",
    )

if plan.initial_password_moved:
    st.info(t("import_password_moved_help", lang, count=len(plan.initial_password_moved)))
if plan.kept:
    st.warning(t("import_kept_help", lang, count=len(plan.kept)))
confirmed = False
if plan.needs_confirmation:
    count = len(plan.deactivated)
    st.warning(
        t(
            "import_needs_confirmation",
            lang,
            count=count,
            active=plan.active_learners,
            percent=plan.max_deactivation_percent,
        )
    )
    # keyed by the file and the count: a tick never carries over to another file or plan
    confirmed = st.checkbox(
        t("import_force", lang, count=count),
        key=f"import_force:{upload.file_id}:{count}",
    )

blocked = bool(blockers(plan, skip_bad_rows=skip_bad_rows, force=confirmed))
if plan.new:
    seconds = estimate_hashing_seconds(len(plan.new), settings.bcrypt_rounds)
    st.caption(
        t(
            "import_hashing_estimate",
            lang,
            count=len(plan.new),
            duration=format_duration(seconds, lang),
        )
    )
if st.button(
    t("import_apply", lang),
    type="primary",
    disabled=blocked or not plan.has_changes,
    key="import_apply",
):
    if shown != plan.signature:
        st.warning(t("import_plan_changed", lang))
        st.stop()
    bar = HashingProgress(lang)
    try:
        outcome = imports.apply(
            db,
            user,
            plan,
            settings.bcrypt_rounds,
            skip_bad_rows=skip_bad_rows,
            progress=bar,
            force=confirmed,
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
    if outcome.initial_passwords_moved:
        st.session_state["import_notice"] += " " + t(
            "import_done_passwords", lang, count=outcome.initial_passwords_moved
        )
    st.session_state["import_last"] = {"id": outcome.import_id, "new": outcome.new}
    st.session_state["import_generation"] = generation + 1
    st.rerun()
elif not plan.has_changes:
    st.info(t("import_nothing", lang))
