"""Display tables for the dashboard (plain pandas, no Streamlit): one row per learner,
indexed by learner id.

The first column is the « Réinitialiser » checkbox; the index is the learner id, so marks read
back from an editor always name the right learners.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from access_core.roster.queries import LearnerRow, days_left, password_state
from access_core.text.catalogue import format_date, t
from access_ui.wording import password_status

INDEX_NAME = "learner_id"


def _birth_date_text(value: date | None, lang: str) -> str:
    return format_date(value) if value else t("birth_date_missing", lang)


def _frame(
    columns: dict[str, list[object]], ids: list[int], dtypes: dict[str, str]
) -> pd.DataFrame:
    # each column made with its type at once: a third of the time of a frame then ``astype``
    # (every class switch builds one)
    return pd.DataFrame(
        {
            name: pd.array(values, dtype=dtypes[name])  # type: ignore[call-overload]
            for name, values in columns.items()
        },
        index=pd.Index(ids, dtype="int64", name=INDEX_NAME),
    )


def _statuses(
    rows: Sequence[LearnerRow], tz: ZoneInfo, lang: str, initial_days: int, now: datetime | None
) -> list[object]:
    moment = now or datetime.now(UTC)
    return [
        password_status(password_state(r, initial_days, moment), r.password_changed_at, tz, lang)
        for r in rows
    ]


def _who(rows: Sequence[LearnerRow], lang: str, marked: bool) -> dict[str, list[object]]:
    """The columns every learner table starts with: checkbox, Nom, Prénom, Login."""
    return {
        t("col_reset", lang): [marked] * len(rows),
        t("col_last_name", lang): [r.last_name for r in rows],
        t("col_first_name", lang): [r.first_name for r in rows],
        t("col_login", lang): [r.login for r in rows],
    }


def _learner_table(
    rows: Sequence[LearnerRow],
    tz: ZoneInfo,
    lang: str,
    marked: bool,
    initial_days: int,
    now: datetime | None,
    middle: dict[str, list[object]] | None = None,
    whole_numbers: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Every learner table: checkbox, Nom, Prénom, Login, then ``middle``'s columns, then Date
    de naissance and Mot de passe; the checkbox is bool, ``whole_numbers`` int64, the rest
    text."""
    columns: dict[str, list[object]] = {
        **_who(rows, lang, marked),
        **(middle or {}),
        t("col_birth_date", lang): [_birth_date_text(r.birth_date, lang) for r in rows],
        t("col_password", lang): _statuses(rows, tz, lang, initial_days, now),
    }
    dtypes = {name: "str" for name in columns}
    dtypes[t("col_reset", lang)] = "bool"
    dtypes.update(dict.fromkeys(whole_numbers, "int64"))
    return _frame(columns, [r.id for r in rows], dtypes)


def _account(row: LearnerRow, tz: ZoneInfo, lang: str) -> str:
    if row.deactivated_at is None:
        return t("account_active", lang)
    return t(
        "account_deactivated_on", lang, date=format_date(row.deactivated_at.astimezone(tz).date())
    )


def search_table(
    rows: Sequence[LearnerRow],
    tz: ZoneInfo,
    lang: str,
    initial_days: int,
    marked: bool = False,
    now: datetime | None = None,
) -> pd.DataFrame:
    """The search's results: checkbox, Nom, Prénom, Login, Classe, Compte, Date de naissance,
    Mot de passe."""
    middle: dict[str, list[object]] = {
        t("col_class", lang): [r.class_name or "" for r in rows],
        t("col_account", lang): [_account(r, tz, lang) for r in rows],
    }
    return _learner_table(rows, tz, lang, marked, initial_days, now, middle)


def class_table(
    rows: Sequence[LearnerRow],
    tz: ZoneInfo,
    lang: str,
    marked: bool = False,
    initial_days: int = 0,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Checkbox, Nom, Prénom, Login, Date de naissance, Mot de passe (status)."""
    return _learner_table(rows, tz, lang, marked, initial_days, now)


def deactivated_table(
    rows: Sequence[LearnerRow],
    tz: ZoneInfo,
    lang: str,
    months: int,
    now: datetime | None = None,
    marked: bool = False,
    initial_days: int = 0,
) -> pd.DataFrame:
    """Checkbox, Nom, Prénom, Login, former class, deactivation date, days left in the window."""
    moment = now or datetime.now(UTC)
    middle: dict[str, list[object]] = {
        t("col_former_class", lang): [r.class_name or "" for r in rows],
        t("col_deactivated_on", lang): [
            format_date(r.deactivated_at.astimezone(tz).date()) if r.deactivated_at else ""
            for r in rows
        ],
        t("col_days_left", lang): [
            days_left(r.deactivated_at, months, tz, moment) if r.deactivated_at else 0 for r in rows
        ],
    }
    return _learner_table(
        rows, tz, lang, marked, initial_days, now, middle, (t("col_days_left", lang),)
    )


def marked_ids(edited: pd.DataFrame, lang: str) -> list[int]:
    """The learner ids whose checkbox is ticked in an edited table."""
    column = edited[t("col_reset", lang)]
    return [int(i) for i in edited.index[column.fillna(False).astype(bool)]]
