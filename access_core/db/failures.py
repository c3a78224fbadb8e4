"""Driver errors turned into the project's errors (busy, unavailable, read-only, schema),
with messages that never contain the connection URL or a password."""

from __future__ import annotations

import logging
from typing import NoReturn

from sqlalchemy.exc import (
    DBAPIError,
    InterfaceError,
    OperationalError,
)

from access_core.db.engine import CANNOT_OPEN_SQLITE
from access_core.errors import (
    DatabaseBusy,
    DatabaseFailure,
    DatabaseReadOnly,
    DatabaseUnavailable,
    SchemaMissing,
    SchemaOutdated,
)

log = logging.getLogger(__name__)

# Conflicts worth retrying: serialization failure and deadlock (PostgreSQL SQLSTATE),
# deadlock and lock-wait timeout (MySQL/MariaDB error codes).
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})

RETRYABLE_MYSQL_CODES = frozenset({1213, 1205})

MISSING_TABLE_SQLSTATES = frozenset({"42P01"})

MISSING_TABLE_MYSQL_CODES = frozenset({1146})

# A column the code expects is missing: the schema is behind the code.
MISSING_COLUMN_SQLSTATES = frozenset({"42703"})

MISSING_COLUMN_MYSQL_CODES = frozenset({1054})

# Writes refused: read-only transaction/server, no privilege (PostgreSQL; MySQL/MariaDB).
READ_ONLY_SQLSTATES = frozenset({"25006", "42501"})

READ_ONLY_MYSQL_CODES = frozenset({1290, 1792, 1836, 1142})

# Connection failures (MySQL client error codes; PostgreSQL's SQLSTATE class 08, 57P0x).
CONNECTION_MYSQL_CODES = frozenset({2002, 2003, 2005, 2006, 2013, 2055})

REFUSED_LOGIN_SQLSTATES = frozenset({"28000", "28P01", "3D000"})

REFUSED_LOGIN_MYSQL_CODES = frozenset({1044, 1045, 1049})

SQLITE_READONLY, SQLITE_CANTOPEN = 8, 14


def _driver_code(exc: DBAPIError) -> tuple[str | None, int | None]:
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    args = getattr(orig, "args", ())
    mysql_code = args[0] if args and isinstance(args[0], int) else None
    return sqlstate, mysql_code


def _sqlite_code(exc: DBAPIError) -> int | None:
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def driver_error(exc: BaseException) -> str:
    """The driver's error class and code, for logs: never the message (it may quote values
    or the server's address) nor the statement's parameters."""
    orig = getattr(exc, "orig", None) or exc
    name = f"{type(orig).__module__}.{type(orig).__qualname__}"
    code = (
        getattr(orig, "sqlstate", None)
        or getattr(orig, "sqlite_errorname", None)
        or next((a for a in getattr(orig, "args", ())[:1] if isinstance(a, int)), None)
    )
    return f"{name} ({code})" if code is not None else name


def _is_connection_failure(exc: DBAPIError, sqlstate: str | None, mysql_code: int | None) -> bool:
    return bool(
        exc.connection_invalidated
        or exc.statement is None  # raised while connecting
        or (sqlstate or "").startswith(("08", "57P0"))
        or mysql_code in CONNECTION_MYSQL_CODES
    )


def _raise_translated(exc: DBAPIError) -> NoReturn:
    """Log the driver's error class and code (never its message: it may hold values), then
    raise the expected error it stands for, or ``exc`` itself."""
    translated = _translate(exc)
    log.warning("database error: %s -> %s", driver_error(exc), type(translated).__name__)
    if translated is exc:
        raise exc
    raise translated from exc


def _translate(exc: DBAPIError) -> Exception:
    """A user-fit error for a driver error, or ``exc`` itself when it is not one we expect."""
    sqlstate, mysql_code = _driver_code(exc)
    sqlite_code = _sqlite_code(exc)
    text = str(exc.orig).lower() if exc.orig is not None else ""
    if (
        sqlstate in MISSING_TABLE_SQLSTATES
        or mysql_code in MISSING_TABLE_MYSQL_CODES
        or "no such table" in text
    ):
        return SchemaMissing("the database has no schema yet: run `access-core init`")
    if (
        sqlstate in MISSING_COLUMN_SQLSTATES
        or mysql_code in MISSING_COLUMN_MYSQL_CODES
        or "no such column" in text
    ):
        return SchemaOutdated(
            "the database schema is older than this version: run `access-core init`"
        )
    if sqlstate in RETRYABLE_SQLSTATES or mysql_code in RETRYABLE_MYSQL_CODES:
        return DatabaseBusy("the database is busy, try again", retryable=True)
    if "database is locked" in text or "database is busy" in text:
        return DatabaseBusy("the database is busy, try again")
    if (
        sqlstate in READ_ONLY_SQLSTATES
        or mysql_code in READ_ONLY_MYSQL_CODES
        or sqlite_code == SQLITE_READONLY
    ):
        return DatabaseReadOnly(
            "the database is read-only: check the permissions of the database file and its "
            "folder, or the account's rights on the server"
        )
    if sqlite_code == SQLITE_CANTOPEN:
        return DatabaseReadOnly(CANNOT_OPEN_SQLITE)
    if sqlstate in REFUSED_LOGIN_SQLSTATES or mysql_code in REFUSED_LOGIN_MYSQL_CODES:
        return DatabaseUnavailable(
            "the database server refused the login or has no such database: check "
            "ACCESS_DATABASE_URL",
            key="error_database_refused",
        )
    if _is_connection_failure(exc, sqlstate, mysql_code):
        return DatabaseUnavailable("the database cannot be reached")
    if isinstance(exc, OperationalError | InterfaceError):
        return DatabaseFailure(f"the database reported an error: {driver_error(exc)}")
    return exc
