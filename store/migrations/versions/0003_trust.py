"""trust: who paused a mentor, an audit entry's subject, and the signed deliveries already handled (replay guard)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_by_role", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("paused_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("pause_reason", sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_mentor_profiles_pauser_known"),
            "paused_by_role IS NULL OR paused_by_role IN ('mentor', 'coordinator', 'system')",
        )
    # Mentors paused before this revision paused themselves (coordinators could not yet be
    # told apart), so they keep the right to resume.
    op.execute(
        "UPDATE mentor_profiles SET paused_by_role = 'mentor', paused_at = updated_at "
        "WHERE status = 'paused'"
    )

    # Deleting a person's data replaces their Slack id wherever it stands, so the subject of an
    # entry gets a column of its own instead of living only in the free text.
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_slack_id", sa.String(length=32), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_audit_log_actor_slack_id"), ["actor_slack_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_log_subject_slack_id"), ["subject_slack_id"], unique=False
        )

    op.create_table(
        "slack_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_deliveries")),
        sa.UniqueConstraint("key", name=op.f("uq_slack_deliveries_key")),
    )
    with op.batch_alter_table("slack_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slack_deliveries_received_at"), ["received_at"], unique=False
        )

    _keep_statistics_complete(("mentor_profiles", "audit_log"))


def _keep_statistics_complete(tables: Sequence[str]) -> None:
    """On a SQLite database that was ANALYZEd, give the rebuilt mentor_profiles (batch mode
    drops the old table's statistics) and the new indexes statistics again, as 0002 does:
    SQLite would otherwise guess them cheap and pick them for queries they don't suit."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        for table in tables:
            op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    with op.batch_alter_table("slack_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_deliveries_received_at"))
    op.drop_table("slack_deliveries")

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_subject_slack_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_actor_slack_id"))
        batch_op.drop_column("subject_slack_id")

    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_mentor_profiles_pauser_known"), type_="check")
        batch_op.drop_column("pause_reason")
        batch_op.drop_column("paused_at")
        batch_op.drop_column("paused_by")
        batch_op.drop_column("paused_by_role")
