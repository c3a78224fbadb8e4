"""A learner's data on request (RGPD article 15): everything stored about one learner.

Identity, class, account state and dates (never the hash: only whether a password is set),
lockout state, and the journal events about them. An event's details are narrowed to
``EXPORTED_DETAIL_KEYS`` (what happened to the learner): never a client address (an
administrator's workstation, whoever tried the learner's login), the server's operating-system
account or anyone else's identifiers (RGPD article 15(4): the copy must not harm others).
The export is itself journaled, in the same transaction, with the learner's number only.
JSON or CSV (``section;field;value``).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access_core.accounts.admins import require_active_admin
from access_core.audit import events as audit
from access_core.db.models import AuditEvent, Learner, LoginThrottle, SchoolClass
from access_core.db.unit_of_work import Database
from access_core.documents.workbook import csv_cell
from access_core.errors import NotFound

EXPORT_ACTION = "learner_data_exported"
FORMATS = ("json", "csv")
# the learner's own login, the roster line, the class and its move, the fields changed, the
# batch, why, until when, through which program, in which format: nothing about anyone else
EXPORTED_DETAIL_KEYS = frozenset(
    {"login", "line", "class", "from", "to", "fields", "batch", "reason", "until", "via", "format"}
)


def _moment(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _exported_details(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if k in EXPORTED_DETAIL_KEYS}


def _collect(session: Session, learner_id: int, now: datetime) -> dict[str, Any]:
    row = session.execute(
        select(Learner, SchoolClass.name)
        .outerjoin(SchoolClass, SchoolClass.id == Learner.class_id)
        .where(Learner.id == learner_id)
    ).one()
    learner: Learner = row[0]
    failures, locked = session.execute(
        select(func.coalesce(func.sum(LoginThrottle.failures), 0), LoginThrottle.locked_until)
        .where(LoginThrottle.learner_id == learner_id)
        .group_by(LoginThrottle.locked_until)
        .order_by(LoginThrottle.locked_until.desc())
    ).first() or (0, None)
    if locked is not None and not isinstance(locked, datetime):
        locked = datetime.fromisoformat(str(locked))
    if locked is not None and locked.tzinfo is None:
        locked = locked.replace(tzinfo=UTC)
    events = session.execute(
        select(
            AuditEvent.occurred_at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.class_name,
            AuditEvent.details,
        )
        .where(AuditEvent.learner_id == learner_id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    return {
        "learner": {
            "number": learner.id,
            "login": learner.login,
            "last_name": learner.last_name,
            "first_name": learner.first_name,
            "birth_date": _day(learner.birth_date),
            "external_id": learner.external_id,
            "class": row[1],
        },
        "account": {
            "active": learner.deactivated_at is None,
            "deactivated_at": _moment(learner.deactivated_at),
            "password_set": learner.password_hash is not None,
            "must_change_password": bool(learner.must_change_password),
            "password_changed_at": _moment(learner.password_changed_at),
        },
        "lockout": {
            "locked": locked is not None and locked > now,
            "locked_until": _moment(locked) if locked is not None and locked > now else None,
            "failed_attempts": int(failures or 0),
        },
        "journal": [
            {
                "date": _moment(e[0]),
                "actor": e[1],
                "action": e[2],
                "class": e[3],
                "details": _exported_details(e[4]),
            }
            for e in events
        ],
    }


def learner_data(
    db: Database, actor: str, login: str, fmt: str = "json", now: datetime | None = None
) -> bytes:
    """Everything stored about the learner ``login``, as ``fmt``; journaled."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    moment = now or datetime.now(UTC)

    def work(session: Session) -> dict[str, Any]:
        scope = require_active_admin(session, actor)
        found = session.execute(
            select(Learner.id, SchoolClass.name, Learner.school_id)
            .outerjoin(SchoolClass, SchoolClass.id == Learner.class_id)
            .where(Learner.login == login.strip(), scope.school_clause(Learner.school_id))
        ).first()
        if found is None:
            raise NotFound(f"no learner with the login {login!r}", login=login)
        audit.record(
            session,
            actor,
            EXPORT_ACTION,
            learner_id=found[0],
            occurred_at=moment,
            details={"format": fmt},
            class_name=found[1],
            school_id=found[2],
        )
        return _collect(session, found[0], moment)

    data = db.write(work)
    return to_json(data) if fmt == "json" else to_csv(data)


def to_json(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def to_csv(data: dict[str, Any]) -> bytes:
    """UTF-8 with BOM, ``;``-separated: ``section;field;value``, one journal event a line."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["section", "field", "value"])
    for section in ("learner", "account", "lockout"):
        for key, value in data[section].items():
            writer.writerow(csv_cell(v) for v in (section, key, "" if value is None else value))
    for event in data["journal"]:
        details = json.dumps(event["details"], ensure_ascii=False) if event["details"] else ""
        value = " | ".join(str(event[k] or "") for k in ("actor", "action", "class")) + (
            f" | {details}" if details else ""
        )
        writer.writerow(csv_cell(v) for v in ("journal", event["date"], value))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def filename(login: str, fmt: str) -> str:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in login)
    return f"learner_data_{safe}.{fmt}"
