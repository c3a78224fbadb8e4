"""How the interface words the plain values access_core returns: dates, password states,
planned import changes, rejected roster rows. No Streamlit here, so it is unit-tested alone."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from access_core.audit.journal import JournalEntry
from access_core.imports.preview import Change
from access_core.imports.rows import RowProblem
from access_core.roster.queries import PasswordState
from access_core.text.catalogue import format_date, t
from access_core.text.catalogue import rejection_reason as i18n_rejection_reason

_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def literal(value: object) -> str:
    """``value`` as plain text inside a widget that renders markdown (``st.warning``,
    ``st.error``, ``st.info``...): every ASCII punctuation character is backslash-escaped
    (CommonMark), so a name such as ``![p](http://host/p.png)``, ``**x**``, ``<img src=x>`` or
    ``$x$`` shows as written and loads nothing; line breaks become spaces. The one way user
    data (names, classes, file headers) enters a markdown-rendering widget."""
    text = " ".join(str(value).splitlines())
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def t_literal(key: str, lang: str, **values: object) -> str:
    """``t(key, lang, ...)`` with every value shown literally (see ``literal``)."""
    return t(key, lang, **{name: literal(value) for name, value in values.items()})


def password_status(
    state: PasswordState, changed_at: datetime | None, tz: ZoneInfo, lang: str
) -> str:
    """« Initial — à personnaliser » (« Initial — expiré » once expired),
    « Personnalisé le jj/mm/aaaa » or « Personnalisé »."""
    if state is PasswordState.INITIAL:
        return t("status_initial", lang)
    if state is PasswordState.INITIAL_EXPIRED:
        return t("status_initial_expired", lang)
    if changed_at is None:
        return t("status_custom", lang)
    return t("status_custom_on", lang, date=format_date(changed_at.astimezone(tz).date()))


def rejection_reason(problem: RowProblem, lang: str) -> str:
    """Why a roster row is rejected, in the interface's language."""
    return i18n_rejection_reason(problem.code, problem.params, problem.reason, lang)


def describe_change(change: Change) -> tuple[str, str, str, str, str]:
    """Nom, Prénom, Login, Classe and line of a planned change, for display."""
    source = change.row or change.learner
    assert source is not None
    if change.row is not None:
        class_name = change.row.class_name
    else:
        class_name = (change.learner.class_name if change.learner else None) or ""
    line = str(change.line) if change.line is not None else "—"
    return (source.last_name, source.first_name, change.login, class_name or "", line)


def journal_learner(entry: JournalEntry, lang: str) -> str:
    """The journal's learner: their name, or « Élève supprimé n° 42 » once a purge deleted them
    (the event keeps the learner's number, never their name)."""
    if entry.learner_name:
        return entry.learner_name
    if entry.learner_id is not None and entry.learner_login is None:
        return t("journal_deleted_learner", lang, number=entry.learner_id)
    return ""
