"""Delivery that survives a crash: each message's idempotency key, per-claim leases and
tokens, the attempt history, the contact role and e-mail fallbacks (a unit contact may be
a fallback only); APScheduler's pickled job table goes.

Rows queued before this revision get a random key (later ones get one derived from their
ledger key, tracker.followup.ledger.idempotency_key); a row left ``sending`` gets a lease
that ends 15 minutes after its claim, the rule it was claimed under.

``apscheduler_jobs`` held the embedded scheduler's jobs as pickles: whoever could write that
table could run code in `tracker run`. The jobs now come from the catalogue at each start.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_OLD_STALE_CLAIM_MINUTES = 15


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("claim_token", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("interruptions", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("role", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("fallback_of", sa.Integer(), nullable=True))
    _backfill_keys_and_leases()
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("idempotency_key", existing_type=sa.String(36), nullable=False)
        batch_op.alter_column("interruptions", server_default=None)
        batch_op.create_unique_constraint(
            batch_op.f("uq_outbox_idempotency_key"), ["idempotency_key"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_fallback_of_outbox"), "outbox", ["fallback_of"], ["id"]
        )

    op.create_table(
        "outbox_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("claim_token", sa.String(length=36), nullable=False),
        sa.Column("worker", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "sending",
                "sent",
                "retrying",
                "failed",
                "interrupted",
                "superseded",
                name="attempt_outcome",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["outbox.id"], name=op.f("fk_outbox_attempts_message_id_outbox")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attempts")),
        sa.UniqueConstraint("claim_token", name=op.f("uq_outbox_attempts_claim_token")),
    )
    with op.batch_alter_table("outbox_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_attempts_message", ["message_id"], unique=False)

    with op.batch_alter_table("unit_contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fallback", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    op.execute("DROP TABLE IF EXISTS apscheduler_jobs")


def _backfill_keys_and_leases() -> None:
    connection = op.get_bind()
    outbox = sa.table(
        "outbox",
        sa.column("id", sa.Integer),
        sa.column("idempotency_key", sa.String),
        sa.column("status", sa.String),
        sa.column("claimed_at", sa.DateTime(timezone=True)),
        sa.column("lease_until", sa.DateTime(timezone=True)),
    )
    ids = connection.execute(sa.select(outbox.c.id)).scalars().all()
    if ids:
        connection.execute(
            sa.update(outbox)
            .where(outbox.c.id == sa.bindparam("row_id"))
            .values(idempotency_key=sa.bindparam("key")),
            [{"row_id": row_id, "key": str(uuid.uuid4())} for row_id in ids],
        )
    sending = connection.execute(
        sa.select(outbox.c.id, outbox.c.claimed_at).where(outbox.c.status == "sending")
    ).all()
    for row_id, claimed_at in sending:
        if claimed_at is not None:  # UTC: naive on SQLite, aware on PostgreSQL; either adds
            lease = claimed_at + timedelta(minutes=_OLD_STALE_CLAIM_MINUTES)
            connection.execute(
                sa.update(outbox).where(outbox.c.id == row_id).values(lease_until=lease)
            )


def downgrade() -> None:
    with op.batch_alter_table("unit_contacts", schema=None) as batch_op:
        batch_op.drop_column("fallback")
    with op.batch_alter_table("outbox_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_attempts_message")
    op.drop_table("outbox_attempts")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_fallback_of_outbox"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_outbox_idempotency_key"), type_="unique")
        batch_op.drop_column("fallback_of")
        batch_op.drop_column("role")
        batch_op.drop_column("interruptions")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claim_token")
        batch_op.drop_column("idempotency_key")
