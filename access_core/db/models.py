"""SQLAlchemy 2 models of the integration schema (see docs/architecture.md, « Schema »).

Timestamps are stored as naive UTC on every backend and come back as aware UTC datetimes.
Columns added beyond the contract are nullable or have a server default, so the school's other
programs can keep inserting rows with the contract's columns only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

from access_core.roster.folding import learner_key


class UTCDateTime(TypeDecorator[datetime]):
    """A ``TIMESTAMP`` holding naive UTC; Python sees aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))  # keep microseconds
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # SQLite rows written by other programs
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


# The folded names compared byte for byte: LIKE and ORDER BY ignore no case, accent or
# punctuation of their own (MariaDB's default collation would; PostgreSQL's locale would sort).
SEARCH_KEY_TYPE = (
    Text()
    .with_variant(mysql.TEXT(collation="utf8mb4_bin"), "mysql", "mariadb")
    .with_variant(postgresql.TEXT(collation="C"), "postgresql")
)


def _learner_key_default(context: DefaultExecutionContext) -> str | None:
    """``search_key`` of an inserted learner, from the row's names (ORM and Core inserts)."""
    row: dict[str, Any] = context.get_current_parameters()  # type: ignore[no-untyped-call]
    last, first, login = (row.get(column) for column in ("last_name", "first_name", "login"))
    if not (isinstance(last, str) and isinstance(first, str) and isinstance(login, str)):
        return None
    return learner_key(last, first, login)


class Base(DeclarativeBase):
    pass


class School(Base):
    """One establishment. ``uai`` is the ministry's code (7 digits and a check letter); the
    school an older one-school installation was migrated to may have none until one is set."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uai: Mapped[str | None] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # the learners' portal address printed on this school's slips (NULL: none)
    portal_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SchoolClass(Base):
    __tablename__ = "school_classes"
    __table_args__ = (UniqueConstraint("school_id", "name", name="uq_school_classes_school_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # server default 1: a program written for one school inserts classes of the first school
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), server_default="1")

    learners: Mapped[list[Learner]] = relationship(back_populates="school_class")


class Learner(Base):
    __tablename__ = "learners"
    __table_args__ = (
        Index("ix_learners_class_active", "class_id", "deactivated_at"),
        Index("ix_learners_deactivated_at", "deactivated_at"),
        Index("ix_learners_school_deactivated", "school_id", "deactivated_at"),
        # The search's folded names (migration 0010): on PostgreSQL a trigram GIN index (pg_trgm)
        # serving the search's infix LIKE; elsewhere a B-tree (a prefix on MariaDB), which
        # serves the search's order, not its LIKE.
        Index(
            "ix_learners_search_key",
            "search_key",
            postgresql_using="gin",
            postgresql_ops={"search_key": "gin_trgm_ops"},
            mysql_length={"search_key": 255},
        ),
        # the rows without a key (another program's): with it, PostgreSQL serves the search's
        # « key LIKE … OR (no key AND folded names LIKE …) » from two indexes (a BitmapOr)
        # rather than a scan (MariaDB, which has no partial index, holds it on every row)
        Index(
            "ix_learners_search_key_missing",
            "id",
            postgresql_where=text("search_key IS NULL"),
            sqlite_where=text("search_key IS NULL"),
        ),
        # the district overview by school, read from the index alone (migration 0012)
        Index(
            "ix_learners_school_active",
            "deactivated_at",
            "school_id",
            "must_change_password",
            postgresql_where=text("deactivated_at IS NULL"),
            sqlite_where=text("deactivated_at IS NULL"),
        ),
        # SQLite: never give a purged learner's id to a new one (migration 0007)
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    login: Mapped[str] = mapped_column(String(64), unique=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id"))
    password_hash: Mapped[str | None] = mapped_column(String(60))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The learner's school (their class, when they have one, is of the same school); server
    # default 1 as for classes.
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), server_default="1")
    # The learner search's folded names (``folding.learner_key``), written by this product on
    # every insert and rename (migration 0010). NULL for a row another program wrote or renamed
    # (a trigger clears it when a name changes without it): the search then folds that row's
    # names in SQL, as before.
    search_key: Mapped[str | None] = mapped_column(SEARCH_KEY_TYPE, default=_learner_key_default)

    school_class: Mapped[SchoolClass | None] = relationship(back_populates="learners")


class Admin(Base):
    __tablename__ = "admins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str] = mapped_column(String(60))
    display_name: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When sessions were last revoked (logout, password change, disable), by the writer's clock:
    # for the record only, never compared with a session's times (hosts' clocks differ).
    sessions_not_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Raised by one in the same UPDATE as every change that revokes sessions (password, disable,
    # enable, logout): a session lives only while it carries the account's current value.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # ``admin`` (administers the schools of ``account_schools``, or every school when
    # ``all_schools``) or ``teacher`` (the classes of ``account_classes``).
    role: Mapped[str] = mapped_column(String(20), default="admin", server_default="admin")
    all_schools: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # set on an account whose password someone else chose: it must choose its own at next login
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )


class AccountSchool(Base):
    """An administrator's school (a teacher's school is that of their classes)."""

    __tablename__ = "account_schools"

    admin_id: Mapped[int] = mapped_column(ForeignKey("admins.id"), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)


class AccountClass(Base):
    """A teacher's class."""

    __tablename__ = "account_classes"
    __table_args__ = (Index("ix_account_classes_class_id", "class_id"),)

    admin_id: Mapped[int] = mapped_column(ForeignKey("admins.id"), primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id"), primary_key=True)


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_learner_id", "learner_id"),
        Index("ix_audit_events_batch_id", "batch_id"),
        Index("ix_audit_events_class_name", "class_name"),
        Index("ix_audit_events_school_occurred", "school_id", "occurred_at"),
        {"sqlite_autoincrement": True},  # SQLite: ids never reused (migration 0007)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(150))
    action: Mapped[str] = mapped_column(String(50))
    learner_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[str | None] = mapped_column(String(36))
    # the learner's class when the event happened (NULL for older events and events of no class)
    class_name: Mapped[str | None] = mapped_column(String(100))
    # the school the event concerns (NULL: none, e.g. a login; older events: the first school)
    school_id: Mapped[int | None] = mapped_column(Integer)


class ResetBatch(Base):
    """One row per applied reset batch: its primary key makes a batch apply at most once."""

    __tablename__ = "reset_batches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    actor: Mapped[str] = mapped_column(String(150))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime())
    learner_count: Mapped[int] = mapped_column(Integer)


class ResetUndo(Base):
    """A learner's password just before a reset (``batch_id``), kept until ``expires_at`` so
    the reset can be undone; erased after (by the next write to the table, and the purge).
    ``reset_hash``: the hash the reset wrote. Never read outside the undo and its erasure."""

    __tablename__ = "reset_undo"
    __table_args__ = (
        Index("ix_reset_undo_expires_at", "expires_at"),
        Index("ix_reset_undo_learner_id", "learner_id"),
    )

    batch_id: Mapped[str] = mapped_column(
        ForeignKey("reset_batches.id", name="fk_reset_undo_batch_id"), primary_key=True
    )
    learner_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    previous_hash: Mapped[str | None] = mapped_column(String(60))
    previous_must_change: Mapped[bool] = mapped_column(Boolean)
    previous_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reset_hash: Mapped[str] = mapped_column(String(60))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginThrottle(Base):
    """Login attempts per subject (``admin:`` or ``learner:`` and a keyed hash of the name, see
    ``throttle.py``), shared by every server process through the database."""

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(200), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The learner whose login was tried, when it exists: a reset lifts their lockout.
    learner_id: Mapped[int | None] = mapped_column(Integer)


class AdminSession(Base):
    """One administrator's login, held by the server: the browser's cookie carries a random
    session id whose SHA-256 is ``token_hash``. A session is live while it has not ended, its
    last activity is within the idle timeout and its start within the absolute lifetime."""

    __tablename__ = "admin_sessions"
    __table_args__ = (Index("ix_admin_sessions_username", "username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    username: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(30))
    # The administrator's ``session_generation`` read with the password hash that was verified.
    generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A provider sign-in (OpenID Connect): SHA-256 of the identity token's issuer, subject,
    # nonce and issue time; unique, so one sign-in opens one session. NULL: a password login.
    provider_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
