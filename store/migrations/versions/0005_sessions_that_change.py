"""sessions that change: seats, places, time proposals, calendar feeds, concerns

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 19:03:38.391922
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_calendar_feeds_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feeds_user_id")),
    )
    op.create_table(
        "concerns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_by", sa.String(length=32), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("card_channel", sa.String(length=32), nullable=True),
        sa.Column("card_ts", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "kind IN ('no_show', 'conduct', 'safety', 'other')", name=op.f("ck_concerns_kind_known")
        ),
        sa.CheckConstraint("status IN ('open', 'handled')", name=op.f("ck_concerns_status_known")),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_concerns_booking_id_bookings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_concerns_reporter_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concerns")),
    )
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.create_index("ix_concerns_reporter_id", ["reporter_id"], unique=False)
        batch_op.create_index("ix_concerns_status_created", ["status", "created_at"], unique=False)

    op.create_table(
        "time_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'accepted', 'declined', 'countered', 'withdrawn', 'lapsed')",
            name=op.f("ck_time_proposals_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_time_proposals_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"],
            ["users.id"],
            name=op.f("fk_time_proposals_proposed_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["slots.id"],
            name=op.f("fk_time_proposals_slot_id_slots"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_proposals")),
    )
    with op.batch_alter_table("time_proposals", schema=None) as batch_op:
        batch_op.create_index("ix_time_proposals_booking_id", ["booking_id"], unique=False)
        batch_op.create_index(
            "uq_time_proposals_open",
            ["booking_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    # A mentor's proposed time for a pending request becomes that request's open proposal.
    op.execute(
        "INSERT INTO time_proposals (booking_id, slot_id, proposed_by, status, created_at) "
        "SELECT b.id, b.proposed_slot_id, m.user_id, 'open', COALESCE(b.decided_at, b.requested_at) "
        "FROM bookings b JOIN mentor_profiles m ON m.id = b.mentor_id "
        "WHERE b.proposed_slot_id IS NOT NULL AND b.status = 'pending'"
    )

    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_bookings_proposed_slot_id_slots"), type_="foreignkey")
        batch_op.drop_column("proposed_slot_id")
        batch_op.add_column(sa.Column("seat_no", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("meeting_kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("meeting_place", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("approval_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))
        batch_op.drop_index(
            "uq_bookings_live_slot",
            sqlite_where=sa.text("status IN ('pending', 'approved')"),
            postgresql_where=sa.text("status IN ('pending', 'approved')"),
        )
        batch_op.create_check_constraint(
            op.f("ck_bookings_seat_in_range"), "seat_no BETWEEN 1 AND 12"
        )
        batch_op.create_check_constraint(
            op.f("ck_bookings_meeting_kind_known"),
            "meeting_kind IS NULL OR meeting_kind IN ('video', 'in_person', 'phone')",
        )
        batch_op.create_index(
            "uq_bookings_live_seat",
            ["slot_id", "seat_no"],
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'approved')"),
            postgresql_where=sa.text("status IN ('pending', 'approved')"),
        )

    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("meeting_kind", sa.String(length=16), server_default="video", nullable=False)
        )
        batch_op.add_column(
            sa.Column("meeting_place", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_mentor_profiles_meeting_kind_known"),
            "meeting_kind IN ('video', 'in_person', 'phone')",
        )
        batch_op.create_check_constraint(
            op.f("ck_mentor_profiles_in_person_has_place"),
            "meeting_kind <> 'in_person' OR meeting_place <> ''",
        )

    with op.batch_alter_table("slots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seats", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("title", sa.String(length=150), nullable=True))
        batch_op.add_column(
            sa.Column("auto_approve", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_check_constraint(op.f("ck_slots_seats_in_range"), "seats BETWEEN 1 AND 12")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("mentee_terms_at", sa.DateTime(timezone=True), nullable=True))

    _keep_statistics_complete(("bookings", "mentor_profiles", "slots", "users"))


def _keep_statistics_complete(tables: Sequence[str]) -> None:
    """SQLite rebuilds a table to add a CHECK or a foreign key, which drops its indexes'
    statistics; where the database had been ANALYZEd, give them back (as 0002-0004 do)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        for table in tables:
            op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("mentee_terms_at")
        batch_op.drop_column("email")

    with op.batch_alter_table("slots", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_slots_seats_in_range"), type_="check")
        batch_op.drop_column("auto_approve")
        batch_op.drop_column("title")
        batch_op.drop_column("seats")

    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_mentor_profiles_in_person_has_place"), type_="check")
        batch_op.drop_constraint(op.f("ck_mentor_profiles_meeting_kind_known"), type_="check")
        batch_op.drop_column("meeting_place")
        batch_op.drop_column("meeting_kind")

    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_bookings_live_seat",
            sqlite_where=sa.text("status IN ('pending', 'approved')"),
            postgresql_where=sa.text("status IN ('pending', 'approved')"),
        )
        batch_op.create_index(
            "uq_bookings_live_slot",
            ["slot_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'approved')"),
            postgresql_where=sa.text("status IN ('pending', 'approved')"),
        )
        batch_op.drop_constraint(op.f("ck_bookings_meeting_kind_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_bookings_seat_in_range"), type_="check")
        batch_op.drop_column("sequence")
        batch_op.drop_column("approval_note")
        batch_op.drop_column("meeting_place")
        batch_op.drop_column("meeting_kind")
        batch_op.drop_column("seat_no")
        batch_op.add_column(sa.Column("proposed_slot_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_bookings_proposed_slot_id_slots"),
            "slots",
            ["proposed_slot_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(
        "UPDATE bookings SET proposed_slot_id = (SELECT p.slot_id FROM time_proposals p "
        "WHERE p.booking_id = bookings.id AND p.status = 'open') WHERE status = 'pending'"
    )

    with op.batch_alter_table("time_proposals", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_time_proposals_open",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index("ix_time_proposals_booking_id")

    op.drop_table("time_proposals")
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.drop_index("ix_concerns_status_created")
        batch_op.drop_index("ix_concerns_reporter_id")

    op.drop_table("concerns")
    op.drop_table("calendar_feeds")
