"""The login slips' buttons: « Fiches de connexion (PDF) » beside the identifier list,
« Fiches des comptes réinitialisés (PDF) » in the notice after a reset, and « Fiches des
nouveaux élèves (PDF) » in an import's result.

On each run the slips' count and warnings are worked out from the rows the page already shows
(or from a reset batch's id), which is cheap. The file itself is made only when the browser
asks for it, after the session check: the chosen learners (by id, or the batch's) are read
again then, so that a password chosen since the page was shown is never printed as the
initial one; the PDF is drawn (cached by content, ``cached.slips_document``) and audited. A
class switch thus costs no PDF. Names are shown as text only.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence

import streamlit as st

from access_core.config import Settings
from access_core.db.unit_of_work import Database
from access_core.documents import slips, slips_pdf
from access_core.documents.slips_pdf import slips_filename
from access_core.roster.queries import LearnerRow
from access_core.text.catalogue import t
from access_ui import cached, context
from access_ui.feedback import show_error
from access_ui.session import current_admin, live_download
from access_ui.wording import literal

log = logging.getLogger("access_ui")
OFFER_KEY = "reset_slips_offer"
LAYOUT_KEY = "slips_layout"
PDF_MIME = "application/pdf"


def _slip_set(rows: Sequence[LearnerRow], settings: Settings | None = None) -> slips.SlipSet:
    settings = settings or context.settings()
    return slips.build_slips(
        rows, settings.slips_password, settings.initial_password_days, settings.tz
    )


def _warnings(slip_set: slips.SlipSet, missing: tuple[tuple[str, str], ...], lang: str) -> None:
    if slip_set.skipped:
        names = ", ".join(literal(name) for name in slip_set.skipped)
        st.warning(t("slips_skipped_warning", lang, names=names), icon="⚠️")
    if missing:
        chars = " ".join(sorted({char for char, _ in missing}))
        names = ", ".join(literal(name) for name in sorted({name for _, name in missing}))
        st.warning(t("slips_missing_glyphs_warning", lang, chars=literal(chars), names=names))


def _layout_choice(lang: str) -> str:
    layout = st.radio(
        t("slips_layout", lang),
        options=list(slips.LAYOUTS),
        format_func=lambda value: t(f"slips_layout_{value}", lang),
        key=LAYOUT_KEY,
        horizontal=True,
    )
    return str(layout or slips.LAYOUTS[0])


def _pdf_download(
    db: Database,
    learners: Callable[[str], Sequence[LearnerRow]],
    layout: str,
    title: str,
    lang: str,
    class_name: str | None,
    batch_id: str | None,
    class_breaks: bool = False,
) -> Callable[[], bytes]:
    """The PDF, made when the browser asks for it: after the same session check as a page run
    (``live_download``), from ``learners(actor)`` read then (never the page's last run: a
    password chosen meanwhile must not be printed as the initial one), and audited then, by
    the administrator of that session."""
    settings = context.settings()

    def make(actor: str) -> bytes:
        rows = learners(actor)  # checks the actor again
        slip_set = _slip_set(rows, settings)
        school_id = rows[0].school_id if rows else None
        options = slips.school_options(db, actor, settings, school_id=school_id)
        try:
            document = cached.slips_document(slip_set, options, lang, layout, title, class_breaks)
        except Exception:
            # The browser only sees a failed download: the server's log says why.
            log.exception("the login slips' PDF could not be drawn (%s slips)", slip_set.count)
            raise
        slips.record_slips(
            db,
            actor,
            document.count,
            layout,
            class_name=class_name,
            batch_id=batch_id,
            school_id=school_id,
        )
        return document.data

    return live_download(make)


def class_slips_button(
    db: Database,
    user: str,
    class_name: str,
    rows: Sequence[LearnerRow],
    marked: Sequence[int],
    lang: str,
) -> None:
    """The slips of the marked learners, or of every learner of ``rows`` when none is."""
    chosen_ids = set(marked)
    chosen = [row for row in rows if row.id in chosen_ids] if chosen_ids else list(rows)
    ids = tuple(row.id for row in chosen)  # read again when the file is made
    label = (
        t("slips_button_marked", lang, count=len(chosen)) if chosen_ids else t("slips_button", lang)
    )
    layout = str(st.session_state.get(LAYOUT_KEY) or slips.LAYOUTS[0])  # the radio below
    try:
        slip_set = _slip_set(chosen)
        missing = slips_pdf.missing_glyphs(slip_set)  # reads the fonts: inside the try
    except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
        show_error(exc, lang)
        return
    if not slip_set.count:
        st.button(
            label,
            key="download_slips",
            disabled=True,
            help=t("slips_none", lang),
            icon=":material/print:",
            width="stretch",
        )
        _layout_choice(lang)
        return
    st.download_button(
        label,
        data=_pdf_download(
            db,
            functools.partial(slips.learners_for_slips, db, learner_ids=ids),
            layout,
            class_name,
            lang,
            class_name,
            None,
        ),
        file_name=slips_filename(class_name),
        mime=PDF_MIME,
        key="download_slips",
        on_click="ignore",
        icon=":material/print:",
        width="stretch",
    )
    _layout_choice(lang)
    _warnings(slip_set, missing, lang)


def offer_batch_slips(batch_id: str, notice_key: str) -> None:
    """After a reset: the notice (in ``session_state[notice_key]``) of the next run offers the
    slips of exactly this batch."""
    st.session_state[OFFER_KEY] = {
        "batch_id": batch_id,
        "notice_key": notice_key,
        "notice": st.session_state.get(notice_key),
    }


def batch_slips_button(lang: str) -> None:
    """The offer made by ``offer_batch_slips``, shown once (kept while it is downloaded)."""
    offer = st.session_state.pop(OFFER_KEY, None)
    if not offer:
        return
    user = current_admin()
    if user is None:
        return
    db = context.database()
    batch_id = str(offer["batch_id"])
    layout = str(st.session_state.get(LAYOUT_KEY) or slips.LAYOUTS[0])  # the class's choice
    try:
        slip_set = _slip_set(slips.batch_learners(db, user, batch_id))
        missing = slips_pdf.missing_glyphs(slip_set)
    except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
        show_error(exc, lang)
        return
    if not slip_set.count:
        return
    title = f"reinitialisation_{batch_id[:8]}"
    st.download_button(
        t("slips_batch_button", lang),
        data=_pdf_download(
            db,
            functools.partial(slips.batch_learners, db, batch_id=batch_id),
            layout,
            title,
            lang,
            None,
            batch_id,
        ),
        file_name=slips_filename(title),
        mime=PDF_MIME,
        key="download_batch_slips",
        on_click="ignore",
        icon=":material/print:",
        type="primary",
    )
    _warnings(slip_set, missing, lang)


def import_slips_button(db: Database, user: str, import_id: str, lang: str) -> None:
    """The slips of the learners the import ``import_id`` created and that still exist, one
    PDF sorted by class then name, each class starting a page; read again when downloaded."""
    try:
        slip_set = _slip_set(slips.import_learners(db, user, import_id))
        missing = slips_pdf.missing_glyphs(slip_set)
    except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
        show_error(exc, lang)
        return
    if not slip_set.count:
        st.info(t("import_slips_none", lang))
        return
    title = f"nouveaux_eleves_{import_id[:8]}"
    st.download_button(
        t("slips_import_button", lang),
        data=_pdf_download(
            db,
            functools.partial(slips.import_learners, db, import_id=import_id),
            str(st.session_state.get(LAYOUT_KEY) or slips.LAYOUTS[0]),
            title,
            lang,
            None,
            import_id,
            class_breaks=True,
        ),
        file_name=slips_filename(title),
        mime=PDF_MIME,
        key="download_import_slips",
        on_click="ignore",
        icon=":material/print:",
        type="primary",
    )
    _warnings(slip_set, missing, lang)
