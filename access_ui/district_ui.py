"""« Vue d'ensemble » for a district administrator: one row per school (UAI, name, active
learners, activation rate); selecting a row opens that school on the main page."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from access_core.roster.stats import SchoolRow
from access_core.text.catalogue import t
from access_ui.school_choice import open_school

TABLE_KEY = "overview_schools"
GENERATION_KEY = "overview_schools_generation"
MAIN_PAGE = "pages/learner_access.py"


def schools_frame(rows: Sequence[SchoolRow], lang: str) -> pd.DataFrame:
    """UAI, Établissement, Élèves, Taux d'activation: names as plain text cells."""
    return pd.DataFrame(
        {
            t("col_uai", lang): [row.uai or "" for row in rows],
            t("col_school", lang): [row.name for row in rows],
            t("col_learners", lang): [row.learners for row in rows],
            t("col_rate", lang): [row.activation_rate or 0.0 for row in rows],
        }
    ).astype({t("col_uai", lang): "str", t("col_school", lang): "str"})


def schools_table(rows: Sequence[SchoolRow], lang: str) -> None:
    st.subheader(t("overview_schools_title", lang))
    st.caption(t("overview_schools_help", lang))
    key = f"{TABLE_KEY}:{st.session_state.get(GENERATION_KEY, 0)}"
    event = st.dataframe(
        schools_frame(rows, lang),
        key=key,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            t("col_rate", lang): st.column_config.ProgressColumn(
                t("col_rate", lang), min_value=0.0, max_value=1.0, format="percent"
            ),
        },
    )
    chosen = list(event.selection.rows) if event is not None else []
    if chosen and 0 <= chosen[0] < len(rows):
        row = rows[chosen[0]]
        st.session_state[GENERATION_KEY] = int(st.session_state.get(GENERATION_KEY, 0)) + 1
        open_school(row.uai or str(row.school_id))
        st.switch_page(MAIN_PAGE)
