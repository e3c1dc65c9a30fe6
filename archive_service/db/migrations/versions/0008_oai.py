"""oai: the items the OAI-PMH repository has exposed (persistent deleted records)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import archive_service.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oai_items",
        sa.Column("record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("datestamp", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
        ),
        sa.PrimaryKeyConstraint("record_id"),
    )
    with op.batch_alter_table("oai_items", schema=None) as batch_op:
        batch_op.create_index("ix_oai_items_datestamp", ["datestamp", "record_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("oai_items", schema=None) as batch_op:
        batch_op.drop_index("ix_oai_items_datestamp")

    op.drop_table("oai_items")
