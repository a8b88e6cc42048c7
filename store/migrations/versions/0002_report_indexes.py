"""report indexes: the digest reads a period's rows from indexes, not whole tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_SHOW = "what_happened = 'no_show'"


def upgrade() -> None:
    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.create_index("ix_mentor_profiles_created_at", ["created_at"], unique=False)

    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bookings_status_requested", ["status", "requested_at"], unique=False
        )
        batch_op.create_index(
            "ix_bookings_status_decided", ["status", "decided_at", "requested_at"], unique=False
        )
        batch_op.create_index(
            "ix_bookings_ends_status", ["ends_at", "status", "mentor_id"], unique=False
        )

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attendance_no_show",
            ["booking_id"],
            unique=False,
            sqlite_where=sa.text(NO_SHOW),
            postgresql_where=sa.text(NO_SHOW),
        )

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reviews_created_stars",
            ["created_at", "connection_stars", "program_stars"],
            unique=False,
        )
        batch_op.drop_index("ix_reviews_created_at")

    _keep_statistics_complete(("mentor_profiles", "bookings", "attendance", "reviews"))


def _keep_statistics_complete(tables: Sequence[str]) -> None:
    """Give the new indexes statistics where the others have some (a SQLite database that was
    ANALYZEd): SQLite would otherwise guess them cheap and pick them for queries they don't suit.
    PostgreSQL keeps statistics per column, so its new indexes need nothing."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        for table in tables:
            op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index("ix_reviews_created_at", ["created_at"], unique=False)
        batch_op.drop_index("ix_reviews_created_stars")

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_attendance_no_show",
            sqlite_where=sa.text(NO_SHOW),
            postgresql_where=sa.text(NO_SHOW),
        )

    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_bookings_ends_status")
        batch_op.drop_index("ix_bookings_status_decided")
        batch_op.drop_index("ix_bookings_status_requested")

    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_mentor_profiles_created_at")
