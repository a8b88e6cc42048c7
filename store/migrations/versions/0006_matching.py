"""matching: SFIA levels, skill gaps, the catalogue, preferences, mentors who answer, backups

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 11:50:29.414681

Mentor skills move from the three-step scale to SFIA 1-7 (learning 2 Assist, practitioner
4 Enable, expert 6 Initiate and influence); `levels_confirmed_at` stays empty so each migrated
mentor is asked once to confirm. Saved interests become gaps with unknown levels, which match
as before (any level of the skill).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_TO_SFIA = {"learning": 2, "practitioner": 4, "expert": 6}
LEVEL_RANGE = "BETWEEN 1 AND 7"
HELP_KINDS = "('career', 'technical', 'leadership', 'onboarding', 'other')"


def upgrade() -> None:
    op.create_table(
        "skill_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.CheckConstraint("length(key) > 0", name=op.f("ck_skill_groups_key_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_groups")),
        sa.UniqueConstraint("key", name=op.f("uq_skill_groups_key")),
    )
    op.create_table(
        "skill_synonyms",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("length(key) > 0", name=op.f("ck_skill_synonyms_key_not_empty")),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skills.id"],
            name=op.f("fk_skill_synonyms_skill_id_skills"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_skill_synonyms")),
    )
    with op.batch_alter_table("skill_synonyms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skill_synonyms_skill_id"), ["skill_id"], unique=False)

    op.create_table(
        "request_backups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(booking_id IS NULL) <> (member_id IS NULL)",
            name=op.f("ck_request_backups_one_request"),
        ),
        sa.CheckConstraint(
            "position BETWEEN 1 AND 2", name=op.f("ck_request_backups_position_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_request_backups_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["mentorship_members.id"],
            name=op.f("fk_request_backups_member_id_mentorship_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["mentor_profiles.id"],
            name=op.f("fk_request_backups_mentor_id_mentor_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_backups")),
        sa.UniqueConstraint(
            "booking_id", "mentor_id", name=op.f("uq_request_backups_booking_id_mentor_id")
        ),
        sa.UniqueConstraint(
            "booking_id", "position", name=op.f("uq_request_backups_booking_id_position")
        ),
        sa.UniqueConstraint(
            "member_id", "mentor_id", name=op.f("uq_request_backups_member_id_mentor_id")
        ),
        sa.UniqueConstraint(
            "member_id", "position", name=op.f("uq_request_backups_member_id_position")
        ),
    )
    with op.batch_alter_table("request_backups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_backups_mentor_id"), ["mentor_id"], unique=False
        )

    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moved_from_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_bookings_mentor_requested", ["mentor_id", "requested_at"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_bookings_moved_from_id_bookings"),
            "bookings",
            ["moved_from_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("expired_in_row", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("levels_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("help_kinds", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("languages", sa.JSON(), server_default="[]", nullable=False))
        batch_op.create_check_constraint(
            op.f("ck_mentor_profiles_expired_in_row_not_negative"), "expired_in_row >= 0"
        )

    # The old scale's words become SFIA numbers (still as text), then the column turns integer.
    with op.batch_alter_table("mentor_skills", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_mentor_skills_level_known"), type_="check")
    mapping = " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in OLD_TO_SFIA.items())
    op.execute(f"UPDATE mentor_skills SET level = CASE level {mapping} ELSE '4' END")
    with op.batch_alter_table("mentor_skills", schema=None) as batch_op:
        batch_op.alter_column(
            "level",
            existing_type=sa.VARCHAR(length=16),
            type_=sa.Integer(),
            existing_nullable=False,
            postgresql_using="level::integer",
        )
        batch_op.create_check_constraint(
            op.f("ck_mentor_skills_level_known"), f"level {LEVEL_RANGE}"
        )

    with op.batch_alter_table("mentorship_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moved_from_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_mentorship_members_mentor_requested", ["mentor_id", "requested_at"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_mentorship_members_moved_from_id_mentorship_members"),
            "mentorship_members",
            ["moved_from_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("skills", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_skills_group_id"), ["group_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_skills_group_id_skill_groups"),
            "skill_groups",
            ["group_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("user_interests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("current_level", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("target_level", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_user_interests_current_level_known"),
            f"current_level IS NULL OR current_level {LEVEL_RANGE}",
        )
        batch_op.create_check_constraint(
            op.f("ck_user_interests_target_level_known"),
            f"target_level IS NULL OR target_level {LEVEL_RANGE}",
        )
        batch_op.create_check_constraint(
            op.f("ck_user_interests_target_above_current"),
            "current_level IS NULL OR target_level IS NULL OR target_level > current_level",
        )

    with op.batch_alter_table("mentorship_goals", schema=None) as batch_op:
        batch_op.create_index("ix_goals_reached_at", ["reached_at"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wanted_help", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column("overlap_hours", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_users_wanted_help_known"),
            f"wanted_help IS NULL OR wanted_help IN {HELP_KINDS}",
        )

    _keep_statistics_complete(
        ("bookings", "mentor_profiles", "mentor_skills", "mentorship_members", "mentorship_goals",
         "skills", "user_interests", "users")
    )  # fmt: skip


def _keep_statistics_complete(tables: Sequence[str]) -> None:
    """SQLite rebuilds a table to add a CHECK or a foreign key, which drops its indexes'
    statistics; where the database had been ANALYZEd, give them back (as 0002-0005 do)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        for table in tables:
            op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    with op.batch_alter_table("mentorship_goals", schema=None) as batch_op:
        batch_op.drop_index("ix_goals_reached_at")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_wanted_help_known"), type_="check")
        batch_op.drop_column("overlap_hours")
        batch_op.drop_column("language")
        batch_op.drop_column("wanted_help")

    with op.batch_alter_table("user_interests", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_interests_target_above_current"), type_="check")
        batch_op.drop_constraint(op.f("ck_user_interests_target_level_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_user_interests_current_level_known"), type_="check")
        batch_op.drop_column("target_level")
        batch_op.drop_column("current_level")

    with op.batch_alter_table("skills", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_skills_group_id_skill_groups"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_skills_group_id"))
        batch_op.drop_column("group_id")

    with op.batch_alter_table("mentorship_members", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_mentorship_members_moved_from_id_mentorship_members"),
            type_="foreignkey",
        )
        batch_op.drop_index("ix_mentorship_members_mentor_requested")
        batch_op.drop_column("moved_from_id")

    with op.batch_alter_table("mentor_skills", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_mentor_skills_level_known"), type_="check")
        batch_op.alter_column(
            "level",
            existing_type=sa.Integer(),
            type_=sa.VARCHAR(length=16),
            existing_nullable=False,
            postgresql_using="level::text",
        )
    op.execute(
        "UPDATE mentor_skills SET level = CASE WHEN level IN ('1', '2') THEN 'learning' "
        "WHEN level IN ('6', '7') THEN 'expert' ELSE 'practitioner' END"
    )
    with op.batch_alter_table("mentor_skills", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_mentor_skills_level_known"),
            "level IN ('learning', 'practitioner', 'expert')",
        )

    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("ck_mentor_profiles_expired_in_row_not_negative"), type_="check"
        )
        batch_op.drop_column("languages")
        batch_op.drop_column("help_kinds")
        batch_op.drop_column("levels_confirmed_at")
        batch_op.drop_column("expired_in_row")
        batch_op.drop_column("paused_until")

    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_bookings_moved_from_id_bookings"), type_="foreignkey"
        )
        batch_op.drop_index("ix_bookings_mentor_requested")
        batch_op.drop_column("moved_from_id")

    with op.batch_alter_table("request_backups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_backups_mentor_id"))
    op.drop_table("request_backups")
    with op.batch_alter_table("skill_synonyms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skill_synonyms_skill_id"))
    op.drop_table("skill_synonyms")
    op.drop_table("skill_groups")
