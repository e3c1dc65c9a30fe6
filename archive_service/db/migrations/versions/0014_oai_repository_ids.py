"""oai repository identifiers: the identifier in use (stored once, changed only by `arsip oai rename-repository`)
and the items under former identifiers, answered as deleted for ever

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-12 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import archive_service.db.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oai_repository_ids",
        sa.Column("repository_id", sa.String(length=255), nullable=False),
        sa.Column("adopted_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("repository_id"),
    )
    op.create_table(
        "oai_retired_items",
        sa.Column("repository_id", sa.String(length=255), nullable=False),
        sa.Column("record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("datestamp", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"]),
        sa.ForeignKeyConstraint(["repository_id"], ["oai_repository_ids.repository_id"]),
        sa.PrimaryKeyConstraint("repository_id", "record_id"),
    )
    with op.batch_alter_table("oai_retired_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_oai_retired_items_datestamp", ["datestamp", "record_id", "repository_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("oai_retired_items", schema=None) as batch_op:
        batch_op.drop_index("ix_oai_retired_items_datestamp")
    op.drop_table("oai_retired_items")
    op.drop_table("oai_repository_ids")
