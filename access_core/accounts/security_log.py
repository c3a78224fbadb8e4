"""One log line per security event, written once its transaction has committed.

``audit.record`` queues every audit event here (the single choke point); after the commit each
is logged by the ``access_core.security`` logger, one line per event, and the per-learner
events of a batch are folded into one line with their count (a reset of 22 learners is one
``reset_batch`` line, an import one ``import_applied`` line, an undo one ``reset_undone`` line
with its ``restored`` and ``kept`` counts). A rolled-back transaction logs
nothing. The format is stable, for fail2ban and log monitoring:

    event=<action> client=<address or -> actor=<actor> [key=value ...]

Values are never secrets (``audit.record`` refuses them) nor learners' names or logins: an
event about a learner carries ``learner=<number>`` (the journal's stable number); a value with a
space, a quote or a control character is written as a JSON string.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("access_core.security")

_QUEUE = "security_log_queue"
RESET_ACTIONS = frozenset({"password_reset"})
UNDO_ACTIONS = {"reset_undone": "restored", "reset_undo_kept": "kept"}
IMPORT_ACTIONS = {
    "learner_created": "created",
    "learner_updated": "updated",
    "learner_moved": "moved",
    "learner_deactivated": "deactivated",
    "learner_reactivated": "reactivated",
    "learner_transferred": "transferred",
    "class_created": "classes_created",
}
# Details worth a log line: administrators' names, never a learner's name or login (a learner
# is logged by number, ``learner=``; the purge cannot reach the log).
LOGGED_DETAILS = (
    "username",
    "subject",
    "class",
    "learners",
    "until",
    "method",  # how a login came: password or oidc (and the provider's name)
    "provider",
    "identity",  # a provider's identity that names no account
    "refusal",
)
_PLAIN = re.compile(r"[\w.@:/+-]+")


def _value(value: object) -> str:
    text = str(value)
    return text if _PLAIN.fullmatch(text) else json.dumps(text, ensure_ascii=True)


def format_line(action: str, actor: str, client: object, fields: Mapping[str, object]) -> str:
    parts = [f"event={_value(action)}", f"client={_value(client or '-')}", f"actor={_value(actor)}"]
    parts += [f"{key}={_value(value)}" for key, value in fields.items() if value is not None]
    return " ".join(parts)


def queue(
    session: Session,
    actor: str,
    action: str,
    details: Mapping[str, Any],
    batch_id: str | None,
    learner_id: int | None = None,
) -> None:
    """Keep the event for the log line written after the commit."""
    session.info.setdefault(_QUEUE, []).append((actor, action, dict(details), batch_id, learner_id))


def _lines(events: list[tuple[str, str, dict[str, Any], str | None, int | None]]) -> list[str]:
    lines: list[str] = []
    batches: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    for actor, action, details, batch_id, learner_id in events:
        client = details.get("client")
        if action == "import_applied":  # the import's summary: its line is the folded one
            key = ("import_applied", actor, batch_id)
            if key not in batches:
                batches[key] = {"client": client, "counts": {}, "at": len(lines)}
                lines.append("")
            continue
        if action in RESET_ACTIONS or action in IMPORT_ACTIONS or action in UNDO_ACTIONS:
            name = (
                "reset_batch"
                if action in RESET_ACTIONS
                else "reset_undone"
                if action in UNDO_ACTIONS
                else "import_applied"
            )
            key = (name, actor, batch_id)
            if key not in batches:
                batches[key] = {"client": client, "counts": {}, "at": len(lines)}
                lines.append("")  # placeholder, filled below
            counts = batches[key]["counts"]
            label = (
                "count"
                if name == "reset_batch"
                else UNDO_ACTIONS[action]
                if name == "reset_undone"
                else IMPORT_ACTIONS[action]
            )
            counts[label] = counts.get(label, 0) + 1
            continue
        logged: dict[str, object] = {"learner": learner_id}
        logged.update({k: details[k] for k in LOGGED_DETAILS if k in details})
        lines.append(format_line(action, actor, client, logged))
    for (name, actor, batch_id), batch in batches.items():
        fields: dict[str, object] = dict(batch["counts"])
        if batch_id is not None:
            fields["batch"] = batch_id
        lines[batch["at"]] = format_line(name, actor, batch["client"], fields)
    return lines


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    events = session.info.pop(_QUEUE, None)
    if events:
        for line in _lines(events):
            log.info("%s", line)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_QUEUE, None)
