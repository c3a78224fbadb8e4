"""The « Vue d'ensemble » page's pieces: metrics, the per-class table, the chart and the
accounts the retention purge deletes soon."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import altair as alt
import pandas as pd
import streamlit as st

from access_core.config import Settings
from access_core.db.unit_of_work import Database
from access_core.roster import retention
from access_core.roster.stats import ClassStats, SchoolStats
from access_core.text.catalogue import format_number, format_percent, t
from access_ui.class_request import request_class

TABLE_KEY = "overview_classes"
GENERATION_KEY = "overview_generation"
MAIN_PAGE = "pages/learner_access.py"
CHART_MAX_CLASSES = 60
BAR_PX = 22
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
COLOURS = ("#0072B2", "#E69F00", "#D55E00")  # personalised, initial, expired


def metrics(stats: SchoolStats, lang: str) -> None:
    total = stats.total
    figures = (
        ("overview_active", format_number(total.learners, lang)),
        ("overview_personalised", format_number(total.personalised, lang)),
        ("overview_initial", format_number(total.initial, lang)),
        ("overview_expired", format_number(total.expired, lang)),
        ("overview_no_birth_date", format_number(total.without_birth_date, lang)),
        ("overview_rate", format_percent(total.activation_rate, lang)),
    )
    columns = [*st.columns(3), *st.columns(3)]  # two rows: the labels stay whole
    for column, (key, value) in zip(columns, figures, strict=True):
        help_text = t("overview_rate_help", lang) if key == "overview_rate" else None
        column.metric(t(key, lang), value, help=help_text, border=True)


def _name(row: ClassStats, lang: str) -> str:
    if row.class_id is None or row.class_name is None:  # the row of learners without a class
        return t("overview_no_class", lang)
    return row.class_name


def class_frame(classes: Sequence[ClassStats], lang: str) -> pd.DataFrame:
    """Classe, Élèves, Personnalisés, Initiaux, Expirés, Sans date de naissance, Taux."""
    return pd.DataFrame(
        {
            t("col_class", lang): [_name(c, lang) for c in classes],
            t("col_learners", lang): [c.learners for c in classes],
            t("col_personalised", lang): [c.personalised for c in classes],
            t("col_initial", lang): [c.initial for c in classes],
            t("col_expired", lang): [c.expired for c in classes],
            t("col_no_birth_date", lang): [c.without_birth_date for c in classes],
            # as the language writes it (« 16,7 % »): the rows already come lowest rate first
            t("col_rate", lang): [format_percent(c.activation_rate or 0.0, lang) for c in classes],
        }
    ).astype({t("col_class", lang): "str"})


def class_table(stats: SchoolStats, lang: str) -> None:
    """The per-class table; selecting a row opens that class on the main page."""
    frame = class_frame(stats.classes, lang)
    key = f"{TABLE_KEY}:{st.session_state.get(GENERATION_KEY, 0)}"
    event = st.dataframe(
        frame,
        key=key,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
    )
    rows = list(event.selection.rows) if event is not None else []
    if rows and 0 <= rows[0] < len(stats.classes):
        chosen = stats.classes[rows[0]]
        if chosen.class_id is not None:
            st.session_state[GENERATION_KEY] = int(st.session_state.get(GENERATION_KEY, 0)) + 1
            request_class(chosen.class_id)
            st.switch_page(MAIN_PAGE)


def chart_data(classes: Sequence[ClassStats], lang: str) -> pd.DataFrame:
    """One row per class and password state (long format for a stacked bar chart)."""
    states: tuple[tuple[str, Callable[[ClassStats], int]], ...] = (
        ("chart_personalised", lambda c: c.personalised),
        ("chart_initial", lambda c: c.initial),
        ("chart_expired", lambda c: c.expired),
    )
    records = [
        {"class": _name(c, lang), "state": t(key, lang), "order": order, "count": value(c)}
        for c in classes
        for order, (key, value) in enumerate(states)
    ]
    return pd.DataFrame.from_records(records, columns=["class", "state", "order", "count"])


def chart(stats: SchoolStats, lang: str) -> alt.Chart:
    classes = stats.classes[:CHART_MAX_CLASSES]
    data = chart_data(classes, lang)
    states = [t(k, lang) for k in ("chart_personalised", "chart_initial", "chart_expired")]
    # altair's mark and encode methods are typed as returning Any here: each returns the chart.
    figure: alt.Chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(
                "class:N",
                sort=[_name(c, lang) for c in classes],
                title=t("col_class", lang),
                axis=alt.Axis(labelLimit=220, labelOverlap=False),  # every class named
            ),
            x=alt.X(
                "count:Q",
                stack="zero",
                title=t("chart_count", lang),
                axis=alt.Axis(format="d", tickMinStep=1),  # whole learners
            ),
            color=alt.Color(
                "state:N",
                title=t("chart_status", lang),
                scale=alt.Scale(domain=states, range=list(COLOURS)),
                legend=alt.Legend(orient="top"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("class:N", title=t("col_class", lang)),
                alt.Tooltip("state:N", title=t("chart_status", lang)),
                alt.Tooltip("count:Q", title=t("chart_count", lang)),
            ],
        )
        .properties(height=alt.Step(BAR_PX))  # one band per class, however many
    )
    return figure


def show_chart(stats: SchoolStats, lang: str) -> None:
    if len(stats.classes) > CHART_MAX_CLASSES:
        st.caption(
            t("overview_chart_limited", lang, shown=CHART_MAX_CLASSES, total=len(stats.classes))
        )
    st.altair_chart(chart(stats, lang), width="stretch")


DUE_DAYS = 7


def retention_figures(
    db: Database, user: str, settings: Settings, lang: str, school_id: int | None = None
) -> None:
    """How many deactivated accounts (of the chosen school) the purge deletes within 7 days,
    and a warning when some are past the term by a day or more (the daily purge is not
    running: the installation's, whatever the school)."""
    months, tz = settings.recent_deactivation_months, settings.tz
    due = retention.due_within(db, user, months, tz, DUE_DAYS, school_id=school_id)
    overdue = retention.missed_purge(db, months, tz).count  # a day's grace for the night
    column = st.columns(3)[0]
    help_text = t("overview_due_week_help", lang, months=months)
    column.metric(t("overview_due_week", lang), format_number(due, lang), help=help_text)
    if overdue:
        st.warning(t("overview_overdue", lang, count=overdue), icon=":material/warning:")
