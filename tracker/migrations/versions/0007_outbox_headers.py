"""A message's headers in the ledger: the ``Link`` to its unit's page and the
``X-Tracker-Tasks`` ids its LINE buttons act on, rendered when it is queued like its text,
so a retry (or an e-mail fallback) sends the same ones. One nullable column: rows queued
before it have none, and need none.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("headers", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("headers")
