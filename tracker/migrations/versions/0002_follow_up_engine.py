"""Follow-up engine: the outbox ledger, series timing and recipients, contact roles.

The outbox is unique per (job, occurrence, recipient, channel): the database itself makes a
second send of the same message impossible.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("occurrence", sa.String(length=120), nullable=False),
        sa.Column("recipient", sa.String(length=500), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sending",
                "sent",
                "failed",
                "missed",
                name="outbox_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=120), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_outbox_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_outbox_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint(
            "job",
            "occurrence",
            "recipient",
            "channel",
            name=op.f("uq_outbox_job_occurrence_recipient_channel"),
        ),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "series_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["meeting_series.id"],
            name=op.f("fk_series_recipients_series_id_meeting_series"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_recipients")),
        sa.UniqueConstraint(
            "series_id",
            "channel",
            "address",
            name=op.f("uq_series_recipients_series_id_channel_address"),
        ),
    )
    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminder_days", sa.Integer(), server_default="2", nullable=False)
        )
        batch_op.add_column(
            sa.Column("reminder_time", sa.Time(), server_default="09:00:00", nullable=False)
        )
        batch_op.add_column(
            sa.Column("report_days", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(
            sa.Column("report_time", sa.Time(), server_default="08:00:00", nullable=False)
        )

    with op.batch_alter_table("unit_contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=20), server_default="unit", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("unit_contacts", schema=None) as batch_op:
        batch_op.drop_column("role")

    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.drop_column("report_time")
        batch_op.drop_column("report_days")
        batch_op.drop_column("reminder_time")
        batch_op.drop_column("reminder_days")

    op.drop_table("series_recipients")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox")
