"""Errors the services raise on purpose. Each carries a message fit for a user.

Every error has a ``code`` used to translate it (see ``access_core.text``) and keyword
``params``; ``str()``
gives the English message, for logs and the English command line.
"""

from __future__ import annotations


class AccessError(Exception):
    """Base class: an expected failure with a clear message."""

    code = "error"

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.params = params


class ConfigError(AccessError):
    code = "config_error"


class NotAuthorized(AccessError):
    code = "not_authorized"


class NotFound(AccessError):
    code = "not_found"


class ValidationError(AccessError):
    code = "validation_error"


class ResetRefused(AccessError):
    """A batch that cannot be applied as a whole; nothing was changed."""

    code = "reset_refused"


class BatchAlreadyApplied(AccessError):
    code = "batch_already_applied"


class ConcurrentChange(AccessError):
    code = "concurrent_change"


class DatabaseUnavailable(AccessError):
    code = "database_unavailable"


class DatabaseBusy(AccessError):
    code = "database_busy"


class SchemaMissing(AccessError):
    code = "schema_missing"


class SchemaOutdated(SchemaMissing):
    """The schema is older than the code (a migration was not applied)."""

    code = "schema_outdated"


class SchemaDamaged(AccessError):
    """The schema says it is at the code's revision but lacks a table or column the code
    needs: ``access-core init`` has nothing to apply; only a backup can help."""

    code = "schema_damaged"


class SchemaNewer(AccessError):
    """The database's schema revision is unknown to this code: written by a newer version
    (upgrading or restoring over it would lose data)."""

    code = "schema_newer"


class DatabaseReadOnly(AccessError):
    """The database refuses writes: a read-only file or folder, server or account."""

    code = "database_read_only"


class DatabaseFileMissing(AccessError):
    """No SQLite file at the configured path (only ``access-core init`` creates one)."""

    code = "database_file_missing"


class DriverMissing(ConfigError):
    """The database driver of the configured backend is not installed."""

    code = "driver_missing"


class DatabaseFailure(AccessError):
    """Any other error reported by the database (logged with its driver class and code)."""

    code = "database_failure"


class UndoRefused(AccessError):
    """A reset that can no longer be undone (its window is over, or it was undone already);
    nothing was changed."""

    code = "undo_refused"


class ResetTooLarge(AccessError):
    """A teacher's batch holds more learners than ``ACCESS_TEACHER_MAX_RESET``."""

    code = "reset_too_large"
