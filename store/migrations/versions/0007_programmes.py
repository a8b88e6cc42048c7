"""programmes: who may join each side, enrolments, and a cohort's proposed pairs

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 12:09:36.620773

Existing programmes (the default one) are open to everyone on both sides; no one is enrolled
and nothing is proposed, so the upgrade only adds.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = "role IN ('mentee', 'mentor')"
AUDIENCES = "('everyone', 'people', 'group')"


def upgrade() -> None:
    op.create_table(
        "cohort_pairings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "(status = 'published') = (published_at IS NOT NULL)",
            name=op.f("ck_cohort_pairings_published_when"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'published')", name=op.f("ck_cohort_pairings_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_cohort_pairings_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort_pairings")),
        sa.UniqueConstraint("programme_id", name=op.f("uq_cohort_pairings_programme_id")),
    )
    op.create_table(
        "enrolments",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(ROLES, name=op.f("ck_enrolments_role_known")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_enrolments_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_enrolments_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("programme_id", "role", "user_id", name=op.f("pk_enrolments")),
    )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolments_user_id"), ["user_id"], unique=False)

    op.create_table(
        "programme_audiences",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("slack_id", sa.String(length=32), nullable=False),
        sa.CheckConstraint(ROLES, name=op.f("ck_programme_audiences_role_known")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_audiences_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "programme_id", "role", "slack_id", name=op.f("pk_programme_audiences")
        ),
    )
    op.create_table(
        "proposed_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "score > 0 AND score <= 1", name=op.f("ck_proposed_pairs_score_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["mentee_id"],
            ["users.id"],
            name=op.f("fk_proposed_pairs_mentee_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["mentor_profiles.id"],
            name=op.f("fk_proposed_pairs_mentor_id_mentor_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["cohort_pairings.id"],
            name=op.f("fk_proposed_pairs_pairing_id_cohort_pairings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposed_pairs")),
        sa.UniqueConstraint(
            "pairing_id", "mentee_id", name=op.f("uq_proposed_pairs_pairing_id_mentee_id")
        ),
    )
    with op.batch_alter_table("proposed_pairs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposed_pairs_mentee_id"), ["mentee_id"])
        batch_op.create_index(batch_op.f("ix_proposed_pairs_mentor_id"), ["mentor_id"])

    with op.batch_alter_table("programmes", schema=None) as batch_op:
        for side in ("mentor", "mentee"):
            batch_op.add_column(
                sa.Column(
                    f"{side}_audience",
                    sa.String(length=16),
                    server_default="everyone",
                    nullable=False,
                )
            )
            batch_op.add_column(sa.Column(f"{side}_group", sa.String(length=32), nullable=True))
            batch_op.create_check_constraint(
                op.f(f"ck_programmes_{side}_audience_known"), f"{side}_audience IN {AUDIENCES}"
            )
            batch_op.create_check_constraint(
                op.f(f"ck_programmes_{side}_group_set"),
                f"({side}_audience = 'group') = ({side}_group IS NOT NULL)",
            )


def downgrade() -> None:
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        for side in ("mentor", "mentee"):
            batch_op.drop_constraint(op.f(f"ck_programmes_{side}_group_set"), type_="check")
            batch_op.drop_constraint(op.f(f"ck_programmes_{side}_audience_known"), type_="check")
            batch_op.drop_column(f"{side}_group")
            batch_op.drop_column(f"{side}_audience")

    with op.batch_alter_table("proposed_pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposed_pairs_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_proposed_pairs_mentee_id"))

    op.drop_table("proposed_pairs")
    op.drop_table("programme_audiences")
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolments_user_id"))

    op.drop_table("enrolments")
    op.drop_table("cohort_pairings")
