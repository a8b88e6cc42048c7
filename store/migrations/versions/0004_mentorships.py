"""mentorships: lasting pairings and groups with goals, diary, pulses and evaluations; programmes

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 14:20:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("enrolment_open", sa.Boolean(), nullable=False),
        sa.Column("matching", sa.String(length=16), nullable=False),
        sa.Column("default_cadence", sa.String(length=16), nullable=False),
        sa.Column("default_months", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "default_cadence IN ('weekly', 'fortnightly', 'monthly')",
            name=op.f("ck_programmes_cadence_known"),
        ),
        sa.CheckConstraint(
            "matching IN ('self', 'coordinators')", name=op.f("ck_programmes_matching_known")
        ),
        sa.CheckConstraint("default_months IN (1, 3, 6)", name=op.f("ck_programmes_months_known")),
        sa.CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR ends_on > starts_on",
            name=op.f("ck_programmes_ends_after_start"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("name", name=op.f("uq_programmes_name")),
    )
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.create_index(
            "uq_programmes_default",
            ["is_default"],
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        )

    op.create_table(
        "mentorships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("topic", sa.Text(), nullable=True),
        sa.Column("group_goal", sa.Text(), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("proposed_ends_on", sa.Date(), nullable=True),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("goals_message_ts", sa.String(length=32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(kind = 'pair' AND seats = 1) OR (kind = 'group' AND seats BETWEEN 2 AND 8 AND name IS NOT NULL)",
            name=op.f("ck_mentorships_seats_fit_kind"),
        ),
        sa.CheckConstraint(
            "cadence IN ('weekly', 'fortnightly', 'monthly')",
            name=op.f("ck_mentorships_cadence_known"),
        ),
        sa.CheckConstraint("kind IN ('pair', 'group')", name=op.f("ck_mentorships_kind_known")),
        sa.CheckConstraint(
            "status IN ('open', 'ended', 'closed')", name=op.f("ck_mentorships_status_known")
        ),
        sa.CheckConstraint("months IN (1, 3, 6)", name=op.f("ck_mentorships_months_known")),
        sa.CheckConstraint(
            "proposed_ends_on IS NULL OR (ends_on IS NOT NULL AND proposed_ends_on > ends_on)",
            name=op.f("ck_mentorships_extension_later"),
        ),
        sa.CheckConstraint(
            "starts_on IS NULL OR (ends_on IS NOT NULL AND ends_on > starts_on)",
            name=op.f("ck_mentorships_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["mentor_profiles.id"],
            name=op.f("fk_mentorships_mentor_id_mentor_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_mentorships_programme_id_programmes")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_mentorships_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorships")),
    )
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentorships_mentor_id"), ["mentor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mentorships_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index("ix_mentorships_status_ends", ["status", "ends_on"], unique=False)

    op.create_table(
        "mentorship_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentorship_id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("hopes", sa.Text(), nullable=False),
        sa.Column("answer_comment", sa.Text(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mentee_agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mentor_agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("active_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_early", sa.Boolean(), nullable=False),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("end_reason_shared", sa.Boolean(), nullable=False),
        sa.Column("mentor_message_channel", sa.String(length=32), nullable=True),
        sa.Column("mentor_message_ts", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "status IN ('requested', 'agreeing', 'active', 'ended', 'declined', 'expired', 'withdrawn')",
            name=op.f("ck_mentorship_members_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"],
            ["users.id"],
            name=op.f("fk_mentorship_members_ended_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mentee_id"],
            ["users.id"],
            name=op.f("fk_mentorship_members_mentee_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["mentor_profiles.id"],
            name=op.f("fk_mentorship_members_mentor_id_mentor_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentorship_id"],
            ["mentorships.id"],
            name=op.f("fk_mentorship_members_mentorship_id_mentorships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorship_members")),
        sa.UniqueConstraint(
            "mentorship_id", "mentee_id", name=op.f("uq_mentorship_members_mentorship_id_mentee_id")
        ),
    )
    with op.batch_alter_table("mentorship_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentorship_members_mentee_id"), ["mentee_id"], unique=False
        )
        batch_op.create_index(
            "ix_mentorship_members_mentor_status", ["mentor_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_mentorship_members_status_requested", ["status", "requested_at"], unique=False
        )
        batch_op.create_index("ix_mentorship_members_active_at", ["active_at"], unique=False)
        batch_op.create_index("ix_mentorship_members_ended_at", ["ended_at"], unique=False)
        batch_op.create_index(
            "uq_mentorship_members_requested_pair",
            ["mentee_id", "mentor_id"],
            unique=True,
            sqlite_where=sa.text("status = 'requested'"),
            postgresql_where=sa.text("status = 'requested'"),
        )

    op.create_table(
        "change_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_by", sa.String(length=32), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'handled')", name=op.f("ck_change_requests_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["mentorship_members.id"],
            name=op.f("fk_change_requests_member_id_mentorship_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["users.id"],
            name=op.f("fk_change_requests_requester_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_requests")),
    )
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.create_index("ix_change_requests_member_id", ["member_id"], unique=False)
        batch_op.create_index(
            "ix_change_requests_status_created", ["status", "created_at"], unique=False
        )

    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("goals_reached", sa.JSON(), nullable=False),
        sa.Column("started_where", sa.Text(), nullable=False),
        sa.Column("stands_now", sa.Text(), nullable=False),
        sa.Column("what_worked", sa.Text(), nullable=False),
        sa.Column("what_to_change", sa.Text(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("skills_feedback", sa.Text(), nullable=True),
        sa.Column("learning_feedback", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('mentee', 'mentor')", name=op.f("ck_evaluations_role_known")),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name=op.f("ck_evaluations_stars_range")),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["mentorship_members.id"],
            name=op.f("fk_evaluations_member_id_mentorship_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["respondent_id"],
            ["users.id"],
            name=op.f("fk_evaluations_respondent_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint(
            "member_id", "respondent_id", name=op.f("uq_evaluations_member_id_respondent_id")
        ),
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index("ix_evaluations_created_at", ["created_at"], unique=False)

    op.create_table(
        "mentorship_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('not_started', 'in_progress', 'reached', 'dropped')",
            name=op.f("ck_mentorship_goals_status_known"),
        ),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_mentorship_goals_text_not_empty")),
        sa.CheckConstraint(
            "position BETWEEN 1 AND 5", name=op.f("ck_mentorship_goals_position_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["mentorship_members.id"],
            name=op.f("fk_mentorship_goals_member_id_mentorship_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorship_goals")),
        sa.UniqueConstraint(
            "member_id", "position", name=op.f("uq_mentorship_goals_member_id_position")
        ),
    )
    op.create_table(
        "pulses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("round >= 1", name=op.f("ck_pulses_round_positive")),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name=op.f("ck_pulses_stars_range")),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["mentorship_members.id"],
            name=op.f("fk_pulses_member_id_mentorship_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["respondent_id"],
            ["users.id"],
            name=op.f("fk_pulses_respondent_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulses")),
        sa.UniqueConstraint(
            "member_id",
            "respondent_id",
            "round",
            name=op.f("uq_pulses_member_id_respondent_id_round"),
        ),
    )
    with op.batch_alter_table("pulses", schema=None) as batch_op:
        batch_op.create_index("ix_pulses_created_stars", ["created_at", "stars"], unique=False)

    op.create_table(
        "diary_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("discussed", sa.Text(), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("homework", sa.Text(), nullable=False),
        sa.Column("mentor_comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("commented_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_diary_entries_booking_id_bookings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["mentorship_members.id"],
            name=op.f("fk_diary_entries_member_id_mentorship_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diary_entries")),
        sa.UniqueConstraint(
            "member_id", "booking_id", name=op.f("uq_diary_entries_member_id_booking_id")
        ),
    )
    with op.batch_alter_table("diary_entries", schema=None) as batch_op:
        batch_op.create_index("ix_diary_entries_created_at", ["created_at"], unique=False)

    op.create_table(
        "goal_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_goal_comments_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["mentorship_goals.id"],
            name=op.f("fk_goal_comments_goal_id_mentorship_goals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_comments")),
    )
    with op.batch_alter_table("goal_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_comments_goal_id"), ["goal_id"], unique=False)

    op.create_table(
        "goal_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_goal_steps_text_not_empty")),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["mentorship_goals.id"],
            name=op.f("fk_goal_steps_goal_id_mentorship_goals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_steps")),
        sa.UniqueConstraint("goal_id", "position", name=op.f("uq_goal_steps_goal_id_position")),
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mentorship_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("planned_by", sa.String(length=8), server_default="mentee", nullable=False)
        )
        batch_op.create_index(
            batch_op.f("ix_bookings_mentorship_id"), ["mentorship_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_bookings_mentorship_id_mentorships"),
            "mentorships",
            ["mentorship_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("due_work", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mentorship_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_due_work_mentorship_id"), ["mentorship_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_due_work_mentorship_id_mentorships"),
            "mentorships",
            ["mentorship_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mentee_limit", sa.Integer(), server_default="2", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_mentor_profiles_mentee_limit_in_range"), "mentee_limit BETWEEN 0 AND 10"
        )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_bookings_planner_known"), "planned_by IN ('mentee', 'mentor')"
        )

    # Everything made before programmes existed belongs to the always-open default programme.
    programmes = sa.table(
        "programmes",
        sa.column("name", sa.String),
        sa.column("description", sa.Text),
        sa.column("is_default", sa.Boolean),
        sa.column("enrolment_open", sa.Boolean),
        sa.column("matching", sa.String),
        sa.column("default_cadence", sa.String),
        sa.column("default_months", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        programmes,
        [
            {
                "name": "Mentoring programme",
                "description": "The always-open programme.",
                "is_default": True,
                "enrolment_open": True,
                "matching": "self",
                "default_cadence": "fortnightly",
                "default_months": 3,
                "created_at": datetime.now(UTC),
            }
        ],
    )
    _keep_statistics_complete(("mentor_profiles", "bookings", "due_work"))


def _keep_statistics_complete(tables: Sequence[str]) -> None:
    """SQLite rebuilds a table to add a column with a foreign key or a CHECK, which drops its
    indexes' statistics; where the database had been ANALYZEd, give them back."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        for table in tables:
            op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_mentor_profiles_mentee_limit_in_range"), type_="check")
        batch_op.drop_column("mentee_limit")

    with op.batch_alter_table("due_work", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_due_work_mentorship_id_mentorships"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_due_work_mentorship_id"))
        batch_op.drop_column("mentorship_id")

    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_bookings_mentorship_id_mentorships"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_bookings_mentorship_id"))
        batch_op.drop_constraint(op.f("ck_bookings_planner_known"), type_="check")
        batch_op.drop_column("planned_by")
        batch_op.drop_column("mentorship_id")

    op.drop_table("goal_steps")
    with op.batch_alter_table("goal_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_comments_goal_id"))

    op.drop_table("goal_comments")
    with op.batch_alter_table("diary_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_diary_entries_created_at")

    op.drop_table("diary_entries")
    with op.batch_alter_table("pulses", schema=None) as batch_op:
        batch_op.drop_index("ix_pulses_created_stars")

    op.drop_table("pulses")
    op.drop_table("mentorship_goals")
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluations_created_at")

    op.drop_table("evaluations")
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_change_requests_status_created")
        batch_op.drop_index("ix_change_requests_member_id")

    op.drop_table("change_requests")
    with op.batch_alter_table("mentorship_members", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_mentorship_members_requested_pair",
            sqlite_where=sa.text("status = 'requested'"),
            postgresql_where=sa.text("status = 'requested'"),
        )
        batch_op.drop_index("ix_mentorship_members_ended_at")
        batch_op.drop_index("ix_mentorship_members_active_at")
        batch_op.drop_index("ix_mentorship_members_status_requested")
        batch_op.drop_index("ix_mentorship_members_mentor_status")
        batch_op.drop_index(batch_op.f("ix_mentorship_members_mentee_id"))

    op.drop_table("mentorship_members")
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.drop_index("ix_mentorships_status_ends")
        batch_op.drop_index(batch_op.f("ix_mentorships_programme_id"))
        batch_op.drop_index(batch_op.f("ix_mentorships_mentor_id"))

    op.drop_table("mentorships")
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_programmes_default",
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        )

    op.drop_table("programmes")
