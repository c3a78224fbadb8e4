"""The unit of work: ``Database.transaction()`` commits on success and rolls back on any
error; ``Database.write(work)`` runs one write transaction and retries it on a serialization
failure or deadlock. Every service write goes through it."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import (
    DBAPIError,
)
from sqlalchemy.orm import Session, sessionmaker

from access_core.db.engine import make_engine
from access_core.db.failures import _raise_translated, _translate, driver_error
from access_core.db.schema import damaged_schema
from access_core.errors import (
    DatabaseBusy,
    SchemaMissing,
)

log = logging.getLogger(__name__)

RETRY_ATTEMPTS = 5

T = TypeVar("T")


@dataclass
class Database:
    """An engine and its session factory; services receive one of these."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def from_url(cls, database_url: str, **kwargs: Any) -> Database:
        engine = make_engine(database_url, **kwargs)
        return cls(engine, sessionmaker(engine, expire_on_commit=False))

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[Session]:
        """One transaction: commit on success, roll back on error.

        ``write=True`` takes SQLite's write lock at the start (``BEGIN IMMEDIATE``), so
        concurrent writers wait for the busy timeout instead of failing half-way.
        """
        try:
            with self.sessions.begin() as session:
                if write:
                    session.connection(execution_options={"for_write": True})
                yield session
        except DBAPIError as exc:
            self._refuse_damaged(exc)
            _raise_translated(exc)

    def _refuse_damaged(self, exc: DBAPIError) -> None:
        """A missing table or column in a schema at head: « run init » cannot help, say so."""
        if not isinstance(_translate(exc), SchemaMissing):
            return
        try:
            damaged = damaged_schema(self)
        except Exception:  # noqa: BLE001 - the original error is reported then
            return
        if damaged is not None:
            log.warning("database error: %s -> SchemaDamaged", driver_error(exc))
            raise damaged from exc

    def write(self, work: Callable[[Session], T], attempts: int = RETRY_ATTEMPTS) -> T:
        """``work(session)`` in one write transaction, retried a bounded number of times
        when the server reports a serialization failure or a deadlock (each try starts
        afresh: a failed try has been rolled back)."""
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction(write=True) as session:
                    return work(session)
            except DatabaseBusy as exc:
                if not exc.params.get("retryable") or attempt == attempts:
                    raise
                log.info("write conflict, retry %d of %d", attempt, attempts - 1)
                time.sleep(0.02 * 2**attempt * (1 + random.random()))  # noqa: S311
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()
