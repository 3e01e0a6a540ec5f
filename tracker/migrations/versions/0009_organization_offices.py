"""Offices: an organization may be overseen by an office, itself an organization (a
provincial office by the national one), so that an office sees its whole subtree. One new
nullable column with its index: nothing that exists changes.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("office_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_organizations_office_id_organizations"),
            "organizations",
            ["office_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_organizations_office_id"), ["office_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organizations_office_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_organizations_office_id_organizations"), type_="foreignkey"
        )
        batch_op.drop_column("office_id")
