"""The one catalogue of user-facing texts, French (default) and English: ``t(key, lang, **params)``.

The texts live in ``text/fr`` and ``text/en``, one module per surface (``ui``, ``errors``, ``cli``,
``documents``); services return codes and values, and the edge (pages, command line, documents)
words them here. A count is worded with its plural form: ``{count:p:élève|élèves}`` writes
« élève » for 0 and 1 in French (« learner » for 1 only in English), « élèves » otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from string import Formatter
from typing import Any

from access_core.errors import AccessError
from access_core.text.en import accounts as en_accounts
from access_core.text.en import cli as en_cli
from access_core.text.en import documents as en_documents
from access_core.text.en import errors as en_errors
from access_core.text.en import journal as en_journal
from access_core.text.en import schools as en_schools
from access_core.text.en import ui as en_ui
from access_core.text.fr import accounts as fr_accounts
from access_core.text.fr import cli as fr_cli
from access_core.text.fr import documents as fr_documents
from access_core.text.fr import errors as fr_errors
from access_core.text.fr import journal as fr_journal
from access_core.text.fr import schools as fr_schools
from access_core.text.fr import ui as fr_ui


def _merge(*surfaces: dict[str, str]) -> dict[str, str]:
    """One language's texts: the surfaces side by side, a key defined twice is a mistake."""
    merged: dict[str, str] = {}
    for texts in surfaces:
        twice = merged.keys() & texts.keys()
        if twice:
            raise RuntimeError(f"text keys defined twice: {sorted(twice)}")
        merged.update(texts)
    return merged


MESSAGES: dict[str, dict[str, str]] = {
    "fr": _merge(
        fr_ui.TEXTS,
        fr_errors.TEXTS,
        fr_cli.TEXTS,
        fr_documents.TEXTS,
        fr_journal.TEXTS,
        fr_accounts.TEXTS,
        fr_schools.TEXTS,
    ),
    "en": _merge(
        en_ui.TEXTS,
        en_errors.TEXTS,
        en_cli.TEXTS,
        en_documents.TEXTS,
        en_journal.TEXTS,
        en_accounts.TEXTS,
        en_schools.TEXTS,
    ),
}


PLURAL_SPEC = "p:"


def is_singular(count: object, lang: str) -> bool:
    """CLDR's rule: French says « 0 élève », « 1 élève », English « 0 learners », « 1 learner »."""
    if not isinstance(count, int | float):
        raise TypeError(f"a plural form needs a number, not {type(count).__name__}")
    return count in (0, 1) if lang == "fr" else count == 1


class _Wording(Formatter):
    """``str.format`` plus the plural spec ``{n:p:one|other}``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith(PLURAL_SPEC):
            one, _, other = format_spec[len(PLURAL_SPEC) :].partition("|")
            return one if is_singular(value, self.lang) else other
        return str(super().format_field(value, format_spec))

    def check_unused_args(
        self, used_args: set[int | str], args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> None:
        return None


def t(key: str, lang: str, **params: object) -> str:
    """The text ``key`` in ``lang`` (falling back to French), formatted with ``params``."""
    table = MESSAGES.get(lang, MESSAGES["fr"])
    text = table.get(key) or MESSAGES["fr"][key]
    if not params:
        return text
    return _Wording(lang if lang in MESSAGES else "fr").format(text, **params)


# Parameters holding roster field codes (``last_name``...), worded by ``field_<code>``.
FIELD_PARAMS = ("fields", "missing")


def field_names(fields: Iterable[object], lang: str) -> str:
    """Roster field codes worded in ``lang`` and joined: « Nom, Date de naissance »."""
    return ", ".join(t(f"field_{f}", lang) for f in fields)


def with_field_names(params: dict[str, object], lang: str) -> dict[str, object]:
    """``params`` with its field codes (``FIELD_PARAMS``, sequences) worded in ``lang``."""
    return {
        k: field_names(v, lang) if k in FIELD_PARAMS and isinstance(v, list | tuple) else v
        for k, v in params.items()
    }


def rejection_reason(code: str, params: dict[str, object], written: str, lang: str) -> str:
    """Why a roster row is rejected, in ``lang`` (``written``: the reader's own English reason,
    for a reason without a code or one not worded yet)."""
    try:
        return t(f"reject_{code}", lang, **with_field_names(params, lang))
    except KeyError:
        return written


def error_message(error: AccessError, lang: str, escape: Callable[[str], str] = str) -> str:
    """A user-facing message for an expected error (its ``key`` when it has one). ``escape``
    is applied to every value taken from the error (names, file headers...), e.g. to show them
    literally in a markdown-rendering widget."""
    params = with_field_names({"message": str(error), **error.params}, lang)
    for name in ("names", "missing", "columns"):
        if name in params and not isinstance(params[name], str):
            params[name] = ", ".join(map(str, params[name]))  # type: ignore[call-overload]
    key = str(params.pop("key", "") or f"error_{error.code}")
    params = {k: escape(v) if isinstance(v, str) else v for k, v in params.items()}
    try:
        return t(key, lang, **params)
    except (KeyError, IndexError):
        return t("error_error", lang, message=escape(str(error)))


def format_date(value: date) -> str:
    """jj/mm/aaaa, as every page, export and slip writes a date."""
    return value.strftime("%d/%m/%Y")


def format_number(value: int | float, lang: str, decimals: int = 0) -> str:
    """A number as the language writes it: « 12 345,6 » in French (a no-break space between
    thousands), « 12,345.6 » in English."""
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\u202f").replace(".", ",")


def format_percent(rate: float | None, lang: str) -> str:
    """A rate (0 to 1) as a percentage with one decimal: « 32,9 % » (no-break space before the
    sign in French), « 32.9% »; « — » when there is none."""
    if rate is None:
        return "—"
    number = format_number(rate * 100, lang, 1)
    return f"{number}\u00a0%" if lang != "en" else f"{number}%"


def format_duration(seconds: float, lang: str) -> str:
    """« 40 s », « 4 min » (rounded up: an estimate should not promise too little)."""
    if seconds < 60:
        return t("duration_seconds", lang, n=max(1, math.ceil(seconds)))
    return t("duration_minutes", lang, n=math.ceil(seconds / 60))
