"""Printed reports and next year's plan: the files a message carries (a progress report's PDF)
kept once by SHA-256, the outbox row naming its attachments, and the links a rolled-over plan
and its carried steps keep to where they came from. New nullable columns and one new table:
nothing that exists changes.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_message_files")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachments", sa.JSON(), nullable=True))
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rolled_from_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_plans_rolled_from_id_plans"), "plans", ["rolled_from_id"], ["id"]
        )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carried_from_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tasks_carried_from_id_tasks"), "tasks", ["carried_from_id"], ["id"]
        )
        batch_op.create_index(
            batch_op.f("ix_tasks_carried_from_id"), ["carried_from_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_carried_from_id"))
        batch_op.drop_constraint(batch_op.f("fk_tasks_carried_from_id_tasks"), type_="foreignkey")
        batch_op.drop_column("carried_from_id")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_plans_rolled_from_id_plans"), type_="foreignkey")
        batch_op.drop_column("rolled_from_id")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("attachments")
    op.drop_table("message_files")
