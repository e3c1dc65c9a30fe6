"""ingest_sources: which file (path + content) each `arsip ingest` record came from, so a rerun skips it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import archive_service.db.types

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_path", sa.String(length=1024), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("ingested_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ingest_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ingest_sources_record_id"), ["record_id"], unique=False)
        batch_op.create_index("ix_ingest_sources_source", ["source_path", "sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ingest_sources", schema=None) as batch_op:
        batch_op.drop_index("ix_ingest_sources_source")
        batch_op.drop_index(batch_op.f("ix_ingest_sources_record_id"))
    op.drop_table("ingest_sources")
