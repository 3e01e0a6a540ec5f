"""Planned follow-up dues: meeting dues per series, the next alert moment per task.

A sweep then reads only indexed due rows, for every organization in one query.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting_dues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("rule_date", sa.Date(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("meeting_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("previous_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_date", sa.Date(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["meeting_series.id"],
            name=op.f("fk_meeting_dues_series_id_meeting_series"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_dues")),
        sa.UniqueConstraint(
            "series_id", "job", "rule_date", name=op.f("uq_meeting_dues_series_id_job_rule_date")
        ),
    )
    with op.batch_alter_table("meeting_dues", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_dues_due", ["done_at", "due_at"], unique=False)

    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dues_planned_on", sa.Date(), nullable=True))

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_alert_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_tasks_next_alert_at"), ["next_alert_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_series_id"), ["series_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_series_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_next_alert_at"))
        batch_op.drop_column("next_alert_at")

    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.drop_column("dues_planned_on")

    with op.batch_alter_table("meeting_dues", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_dues_due")

    op.drop_table("meeting_dues")
