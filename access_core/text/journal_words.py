"""The journal in words: an event's action and details in the interface's language.

Events keep stable codes and JSON details (the CSV export keeps them too); the journal page and
the export's worded column say them with the catalogue: « Fiches imprimées — 22 élèves, 8 par
page, 3e A ». A code or detail this version does not know (written by another program or a newer
version) is shown as it is, never dropped.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from access_core.text.catalogue import MESSAGES, field_names, format_date, t

# details shown in this order (the rest after them, in their own order)
ORDER = (
    "learners",
    "layout",
    "class",
    "from",
    "login",
    "username",
    "line",
    "fields",
    "reason",
    "until",
    "events",
    "filters",
    "format",
    "journal_events",
    "sessions",
    "batch",
    "logins",
    "via",
    "os_user",
    "client",
)
COUNT_KEYS = frozenset(
    {
        "learners",
        "events",
        "journal_events",
        "sessions",
        "new",
        "updated",
        "moved",
        "reactivated",
        "deactivated",
    }
)
HIDDEN_KEYS = frozenset({"to"})  # worded with « from »
SHOWN_LOGINS = 5


def _known(key: str, lang: str) -> bool:
    return key in MESSAGES.get(lang, MESSAGES["fr"]) or key in MESSAGES["fr"]


def action_label(action: str, lang: str) -> str:
    """« Réinitialisation du mot de passe » for ``password_reset``; an unknown code as it is."""
    key = f"action_{action}"
    return t(key, lang) if _known(key, lang) else action


def _value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _moment(value: Any, lang: str, tz: ZoneInfo) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        return str(value)
    local = moment.astimezone(tz)
    return f"{format_date(local.date())} {local:%H:%M}"


def _filters(value: Any, lang: str) -> str:
    if not isinstance(value, dict):
        return _value(value)
    parts = []
    for name, item in value.items():
        if name == "actions" and isinstance(item, list | tuple):
            item = ", ".join(action_label(str(a), lang) for a in item)
        elif name in ("start", "end"):
            with contextlib.suppress(ValueError):
                item = format_date(date.fromisoformat(str(item)))
        key = f"filter_{name}"
        parts.append(t(key, lang, value=_value(item)) if _known(key, lang) else f"{name}={item}")
    return ", ".join(parts)


def _part(key: str, value: Any, details: Mapping[str, Any], lang: str, tz: ZoneInfo) -> str:
    if key in COUNT_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return t(f"detail_{key}", lang, count=value)
    if key == "from":
        return t("detail_move", lang, old=_value(value), new=_value(details.get("to", "")))
    if key in ("reason", "refusal"):
        reason = f"reason_{value}"
        if value == "disabled" and key == "refusal":
            reason = "reason_disabled_account"
        worded = t(reason, lang) if _known(reason, lang) else value
        return t(f"detail_{key}", lang, value=worded)
    if key == "method":
        method = f"method_{value}"
        return t("detail_method", lang, value=t(method, lang) if _known(method, lang) else value)
    if key in ("import", "batch"):
        return t(f"detail_{key}", lang, value=str(value)[:8])
    if key == "until":
        return t("detail_until", lang, value=_moment(value, lang, tz))
    if key == "fields" and isinstance(value, list | tuple):
        try:
            return t("detail_fields", lang, value=field_names(value, lang))
        except KeyError:
            return t("detail_fields", lang, value=_value(value))
    if key == "logins" and isinstance(value, list | tuple):
        shown = ", ".join(map(str, value[:SHOWN_LOGINS]))
        return t("detail_logins", lang, value=shown + (", …" if len(value) > SHOWN_LOGINS else ""))
    if key == "filters":
        return t("detail_filters", lang, value=_filters(value, lang))
    if key == "via" and value == "cli":
        return t("detail_via_cli", lang)
    if key == "login":
        return str(value)
    name = f"detail_{key}"
    if _known(name, lang):
        return t(name, lang, value=_value(value))
    return t("detail_unknown", lang, name=key, value=_value(value))


def details_text(details: str | Mapping[str, Any] | None, lang: str, tz: ZoneInfo) -> str:
    """An event's details in words, the known ones first in a fixed order."""
    if not details:
        return ""
    if isinstance(details, str):
        try:
            data = json.loads(details)
        except ValueError:
            return details
    else:
        data = dict(details)
    if not isinstance(data, dict):
        return str(data)
    keys = [k for k in ORDER if k in data] + [k for k in data if k not in ORDER]
    return ", ".join(_part(k, data[k], data, lang, tz) for k in keys if k not in HIDDEN_KEYS)


def event_text(
    action: str, details: str | Mapping[str, Any] | None, lang: str, tz: ZoneInfo
) -> str:
    """« Fiches imprimées — 22 élèves, 8 par page, 3e A »."""
    described = details_text(details, lang, tz)
    label = action_label(action, lang)
    return label + t("journal_text_joiner", lang) + described if described else label
