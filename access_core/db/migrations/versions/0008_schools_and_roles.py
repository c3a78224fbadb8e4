"""Several schools in one installation; administrators scoped to schools, teachers to classes.

An existing installation becomes one school (id 1), named by ``ACCESS_SCHOOL_NAME`` (else
« Établissement ») with ``ACCESS_PORTAL_URL`` as its portal; its classes, learners, journal
events and administrators all become that school's, so it looks and works as before. A class
name is unique within its school. ``school_id`` columns default to 1 on the server, so a
program written for one school keeps inserting rows with the contract's older columns.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

UTC_TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

DEFAULT_SCHOOL_NAME = "Établissement"


def _first_school() -> tuple[str, str | None]:
    """The migrated school's name and portal, from the settings when they load."""
    try:
        from access_core.config import load_settings

        settings = load_settings()
    except Exception:  # a broken setting must not stop the upgrade: the defaults then
        return DEFAULT_SCHOOL_NAME, None
    return settings.school_name or DEFAULT_SCHOOL_NAME, settings.portal_url or None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _learners_sequence() -> int | None:
    """SQLite: the learners' AUTOINCREMENT counter, which a rebuild of the table would lose
    (it may stand past every row: purged learners' ids are never handed out again)."""
    if not _sqlite():
        return None
    return (
        op.get_bind()
        .execute(  # type: ignore[no-any-return]
            sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'learners'")
        )
        .scalar()
    )


def _restore_learners_sequence(sequence: int | None) -> None:
    if sequence is None:
        return
    op.execute(
        sa.text(
            "UPDATE sqlite_sequence SET seq = max(seq, :seq) WHERE name = 'learners'"
        ).bindparams(seq=sequence)
    )
    op.execute(
        sa.text(
            "INSERT INTO sqlite_sequence (name, seq) SELECT 'learners', :seq WHERE NOT EXISTS "
            "(SELECT 1 FROM sqlite_sequence WHERE name = 'learners')"
        ).bindparams(seq=sequence)
    )


def upgrade() -> None:
    schools = op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uai", sa.String(8), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("portal_url", sa.String(500), nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=True),
        sa.UniqueConstraint("uai", name="uq_schools_uai"),
    )
    name, portal = _first_school()
    op.bulk_insert(
        schools,
        [
            {
                "id": 1,
                "uai": None,
                "name": name,
                "portal_url": portal,
                "created_at": datetime.now(UTC).replace(tzinfo=None),
            }
        ],
    )
    if op.get_bind().dialect.name == "postgresql":  # the sequence must start past id 1
        op.execute("SELECT setval(pg_get_serial_sequence('schools', 'id'), 1)")

    with op.batch_alter_table("school_classes", recreate="always" if _sqlite() else "auto") as b:
        b.add_column(sa.Column("school_id", sa.Integer(), nullable=False, server_default="1"))
        b.create_foreign_key("fk_school_classes_school_id", "schools", ["school_id"], ["id"])
        b.drop_constraint("uq_school_classes_name", type_="unique")
        b.create_unique_constraint("uq_school_classes_school_name", ["school_id", "name"])

    sequence = _learners_sequence()
    with op.batch_alter_table(
        "learners",
        recreate="always" if _sqlite() else "auto",
        table_kwargs={"sqlite_autoincrement": True},
    ) as b:
        b.add_column(sa.Column("school_id", sa.Integer(), nullable=False, server_default="1"))
        b.create_foreign_key("fk_learners_school_id", "schools", ["school_id"], ["id"])
    _restore_learners_sequence(sequence)
    op.create_index("ix_learners_school_deactivated", "learners", ["school_id", "deactivated_at"])

    with op.batch_alter_table("admins") as b:
        b.add_column(sa.Column("role", sa.String(20), nullable=False, server_default="admin"))
        b.add_column(
            sa.Column("all_schools", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        b.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        "account_schools",
        sa.Column(
            "admin_id",
            sa.Integer(),
            sa.ForeignKey("admins.id", name="fk_account_schools_admin_id"),
            primary_key=True,
        ),
        sa.Column(
            "school_id",
            sa.Integer(),
            sa.ForeignKey("schools.id", name="fk_account_schools_school_id"),
            primary_key=True,
        ),
    )
    op.create_table(
        "account_classes",
        sa.Column(
            "admin_id",
            sa.Integer(),
            sa.ForeignKey("admins.id", name="fk_account_classes_admin_id"),
            primary_key=True,
        ),
        sa.Column(
            "class_id",
            sa.Integer(),
            sa.ForeignKey("school_classes.id", name="fk_account_classes_class_id"),
            primary_key=True,
        ),
    )
    op.create_index("ix_account_classes_class_id", "account_classes", ["class_id"])
    # every administrator of the one-school installation administers that school
    op.execute("INSERT INTO account_schools (admin_id, school_id) SELECT id, 1 FROM admins")

    with op.batch_alter_table("audit_events") as b:
        b.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
    op.execute("UPDATE audit_events SET school_id = 1")
    op.create_index("ix_audit_events_school_occurred", "audit_events", ["school_id", "occurred_at"])


def downgrade() -> None:
    # Only a one-school installation goes back: the older schema has no place for the others.
    bind = op.get_bind()
    others = bind.execute(sa.text("SELECT count(*) FROM schools WHERE id <> 1")).scalar()
    if others:
        raise RuntimeError("cannot downgrade: the installation holds more than one school")
    # The older schema knows administrators only: a teacher would come back as one, and an
    # account whose password someone else chose would no longer have to change it.
    restricted = bind.execute(
        sa.text("SELECT count(*) FROM admins WHERE role <> 'admin' OR must_change_password = :yes"),
        {"yes": True},
    ).scalar()
    if restricted:
        raise RuntimeError(
            "cannot downgrade: teacher accounts, or accounts that must change their password, "
            "exist (the older schema would make them full administrators); remove them first"
        )
    op.drop_index("ix_audit_events_school_occurred", table_name="audit_events")
    with op.batch_alter_table("audit_events") as b:
        b.drop_column("school_id")
    op.drop_table("account_classes")
    op.drop_table("account_schools")
    with op.batch_alter_table("admins") as b:
        b.drop_column("must_change_password")
        b.drop_column("all_schools")
        b.drop_column("role")
    if not _sqlite():  # MariaDB keeps the index while the foreign key needs it
        op.drop_constraint("fk_learners_school_id", "learners", type_="foreignkey")
    op.drop_index("ix_learners_school_deactivated", table_name="learners")
    sequence = _learners_sequence()
    with op.batch_alter_table(
        "learners",
        recreate="always" if _sqlite() else "auto",
        table_kwargs={"sqlite_autoincrement": True},
    ) as b:
        b.drop_column("school_id")
    _restore_learners_sequence(sequence)
    with op.batch_alter_table("school_classes", recreate="always" if _sqlite() else "auto") as b:
        b.drop_constraint("fk_school_classes_school_id", type_="foreignkey")
        b.create_unique_constraint("uq_school_classes_name", ["name"])
        b.drop_constraint("uq_school_classes_school_name", type_="unique")
        b.drop_column("school_id")
    op.drop_table("schools")
