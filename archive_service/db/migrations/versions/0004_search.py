"""search: extractions of blobs, outbox retry and dead-letter columns

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import archive_service.db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "extractions",
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=True),
        sa.Column("method", sa.String(length=32), nullable=True),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("ocr_pages", sa.Integer(), nullable=False),
        sa.Column("chars", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("updated_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["blob_sha256"], ["blobs.sha256"]),
        sa.PrimaryKeyConstraint("blob_sha256"),
    )
    with op.batch_alter_table("extractions", schema=None) as batch_op:
        batch_op.create_index("ix_extractions_state", ["state"], unique=False)
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("next_attempt_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("dead_at", archive_service.db.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_column("dead_at")
        batch_op.drop_column("next_attempt_at")
    with op.batch_alter_table("extractions", schema=None) as batch_op:
        batch_op.drop_index("ix_extractions_state")
    op.drop_table("extractions")
